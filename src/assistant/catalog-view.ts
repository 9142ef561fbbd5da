import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';

/** One component as the model sees it: what it does and the JSON Schema of its parameters. */
export interface CatalogComponentView {
  key: string;
  kind: 'trigger' | 'action';
  name: string;
  description: string;
  triggerMode: string | null;
  configSchema: Record<string, unknown>;
  /** Top-level fields of the output, for `{{ trigger.x }}` / `{{ steps.key.x }}` references. */
  outputFields: string[];
}

export interface CatalogServiceView {
  key: string;
  name: string;
  description: string;
  requiresAuth: boolean;
  components: CatalogComponentView[];
}

/**
 * The live catalog: the active services and components the integration code synced into the
 * database at start. The workflow validator checks against these same rows, so what the model is
 * offered and what is accepted never drift apart.
 */
export async function loadCatalogView(db: Kysely<DB>): Promise<CatalogServiceView[]> {
  const services = await db
    .selectFrom('services')
    .select(['id', 'key', 'name', 'description', 'requires_auth'])
    .where('is_active', '=', true)
    .orderBy('key')
    .execute();
  const components = await db
    .selectFrom('components')
    .select([
      'service_id',
      'key',
      'kind',
      'name',
      'description',
      'trigger_mode',
      'config_schema',
      'output_schema',
    ])
    .where('is_active', '=', true)
    .orderBy('kind', 'desc')
    .orderBy('key')
    .execute();
  return services.map((s) => ({
    key: s.key,
    name: s.name,
    description: s.description ?? '',
    requiresAuth: s.requires_auth,
    components: components
      .filter((c) => c.service_id === s.id)
      .map((c) => {
        const output = (c.output_schema ?? {}) as { properties?: Record<string, unknown> };
        return {
          key: c.key,
          kind: c.kind,
          name: c.name,
          description: c.description ?? '',
          triggerMode: c.trigger_mode,
          configSchema: leanSchema(c.config_schema) as Record<string, unknown>,
          outputFields: Object.keys(output.properties ?? {}),
        };
      }),
  }));
}

// UI hints (`x-order`, `x-widget`, option labels) cost tokens and tell the model nothing.
function leanSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(leanSchema);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith('x-') || key === 'placeholder') continue;
    out[key] = leanSchema(inner);
  }
  return out;
}

/** The catalog as compact text for the system prompt. */
export function catalogText(services: CatalogServiceView[]): string {
  const lines: string[] = [];
  for (const s of services) {
    lines.push(`## ${s.key} (${s.name})${s.requiresAuth ? ' [needs a connection]' : ''}: ${s.description}`);
    for (const c of s.components) {
      const mode = c.triggerMode ? `, ${c.triggerMode}` : '';
      lines.push(`- ${c.kind} ${s.key}.${c.key}${mode}: ${c.name}. ${c.description}`);
      lines.push(`  config schema: ${JSON.stringify(c.configSchema)}`);
      if (c.outputFields.length > 0) lines.push(`  output fields: ${c.outputFields.join(', ')}`);
    }
  }
  return lines.join('\n');
}
