import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '../catalog/define.ts';
import { type JsonSchema, type Props, propsSchema } from '../catalog/props.ts';
import { allServices } from '../integrations/all-services.ts';

export const SERVICE_DOCS_DIR = fileURLToPath(new URL('../../docs/services/', import.meta.url));

const HEADER =
  '<!-- Generated from the integration catalog by `node src/docs/service-docs.ts`; edit the service definition instead. -->';

const cell = (text: unknown) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema['enum'])) {
    return (schema['enum'] as unknown[])
      .filter((v) => v !== null)
      .map((v) => `\`${String(v)}\``)
      .join(', ');
  }
  const type = schema['type'];
  const nullable = Array.isArray(type) && type.includes('null');
  const base = Array.isArray(type) ? type.filter((t) => t !== 'null').join(' or ') : String(type ?? 'any');
  if (nullable)
    return `${typeOf({ ...schema, type: base.includes(' or ') ? type.filter((t) => t !== 'null') : base })} or null`;
  if (base === 'array' && schema['items'] && typeof schema['items'] === 'object') {
    return `list of ${typeOf(schema['items'] as JsonSchema)}`;
  }
  if (schema['x-secret']) return 'secret';
  if (schema['format'] === 'uri') return 'URL';
  if (schema['format'] === 'date-time') return 'date-time';
  return base;
}

function propsTable(props: Props): string[] {
  const schema = propsSchema(props);
  const required = new Set(schema['required'] as string[]);
  const properties = schema['properties'] as Record<string, JsonSchema>;
  if (Object.keys(properties).length === 0) return ['None.', ''];
  const rows = Object.entries(properties).map(([key, p]) => {
    const about = [
      p['description'],
      p['placeholder'] !== undefined ? `e.g. \`${cell(p['placeholder'])}\`` : undefined,
    ]
      .filter(Boolean)
      .map(cell)
      .join(' ');
    const fallback = p['default'] !== undefined ? `\`${cell(JSON.stringify(p['default']))}\`` : '';
    return `| \`${key}\` | ${cell(p['title'] ?? key)} | ${typeOf(p)} | ${required.has(key) ? 'yes' : 'no'} | ${fallback} | ${about} |`;
  });
  return [
    '| Parameter | Label | Type | Required | Default | About |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

function outputTable(output: JsonSchema): string[] {
  const properties = output['properties'] as Record<string, JsonSchema> | undefined;
  if (!properties) return [`Type: ${typeOf(output)}.`, ''];
  const required = new Set((output['required'] as string[] | undefined) ?? []);
  const rows = Object.entries(properties).map(
    ([key, p]) =>
      `| \`${key}\` | ${typeOf(p)}${required.has(key) ? '' : ' (optional)'} | ${cell(p['description'])} |`,
  );
  return ['| Field | Type | About |', '|---|---|---|', ...rows, ''];
}

function authSection(service: ServiceDefinition): string[] {
  const auth = service.auth;
  if (auth.type === 'alternatives') {
    return auth.options.flatMap((option, i) => [
      `${i === 0 ? 'Either' : 'Or'} (\`authType: "${option.type}"\`):`,
      '',
      ...authSection({ ...service, auth: option }),
    ]);
  }
  if (auth.type === 'none') return ['No connection is needed.', ''];
  if (auth.type === 'oauth2') {
    return [
      `Connect with OAuth2 (scopes: ${auth.oauth2.scopes.map((s) => `\`${s}\``).join(', ') || 'none'}).`,
      '',
    ];
  }
  return ['A connection stores these fields (secrets encrypted):', '', ...propsTable(auth.props)];
}

/** The Markdown page of one service: set-up, then every trigger and action with parameters and output. */
export function renderServicePage(service: ServiceDefinition): string {
  const lines: string[] = [HEADER, '', `# ${service.name}`, '', service.description, ''];
  if (service.docsUrl) lines.push(`Provider documentation: ${service.docsUrl}`, '');
  lines.push('## Set-up', '');
  for (const template of service.templates ?? []) {
    lines.push(`### ${template.name}`, '', template.description, '');
    if (template.setupGuide) lines.push(template.setupGuide, '');
    if (template.requiredScopes?.length) {
      lines.push(`Scopes: ${template.requiredScopes.map((s) => `\`${s}\``).join(', ')}`, '');
    }
  }
  lines.push('### Connection', '', ...authSection(service));
  for (const [title, components] of [
    ['Triggers', service.triggers],
    ['Actions', service.actions],
  ] as const) {
    if (components.length === 0) continue;
    lines.push(`## ${title}`, '');
    for (const component of components) {
      const mode = 'mode' in component ? ` (${component.mode})` : '';
      lines.push(
        `### ${component.name} — \`${service.key}.${component.key}\`${mode}`,
        '',
        component.description,
        '',
      );
      lines.push('Parameters:', '', ...propsTable(component.props));
      lines.push('Output:', '', ...outputTable(component.output));
      lines.push(
        'Example output:',
        '',
        '```json',
        JSON.stringify(component.sampleOutput, null, 2),
        '```',
        '',
      );
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function servicePagePath(service: ServiceDefinition, dir = SERVICE_DOCS_DIR): string {
  return path.join(dir, `${service.key}.md`);
}

/** Writes docs/services/<key>.md for every service; returns the files that changed. */
export function writeServicePages(
  services: readonly ServiceDefinition[] = allServices,
  dir = SERVICE_DOCS_DIR,
): string[] {
  mkdirSync(dir, { recursive: true });
  const changed: string[] = [];
  for (const service of services) {
    const file = servicePagePath(service, dir);
    const next = renderServicePage(service);
    let current: string | undefined;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== next) {
      writeFileSync(file, next);
      changed.push(file);
    }
  }
  const index = [
    HEADER,
    '',
    '# Services',
    '',
    '| Service | Triggers | Actions |',
    '|---|---|---|',
    ...services.map(
      (s) =>
        `| [${s.name}](${s.key}.md) | ${s.triggers.map((t) => t.name).join(', ') || '—'} | ${s.actions.map((a) => a.name).join(', ') || '—'} |`,
    ),
    '',
  ].join('\n');
  const indexFile = path.join(dir, 'README.md');
  const existing = readdirSync(dir).includes('README.md') ? readFileSync(indexFile, 'utf8') : undefined;
  if (existing !== index) {
    writeFileSync(indexFile, index);
    changed.push(indexFile);
  }
  return changed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const changed = writeServicePages();
  process.stdout.write(
    changed.length > 0 ? `updated:\n${changed.join('\n')}\n` : 'docs/services already up to date\n',
  );
}
