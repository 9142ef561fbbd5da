import type { NotionDatabase } from './notion-types.ts';

export type BuildResult =
  | { ok: true; properties: Record<string, unknown> }
  | { ok: false; problems: string[] };

const text = (content: string) =>
  chunk(content, 2000).map((part) => ({ type: 'text', text: { content: part } }));

export function chunk(value: string, size: number): string[] {
  if (value.length <= size) return [value];
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += size) parts.push(value.slice(i, i + size));
  return parts;
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Notion property values from plain ones, shaped by the database's schema: `{ Status: 'Done' }`
 * becomes `{ Status: { select: { name: 'Done' } } }`. Names the database does not have are problems,
 * so a typo does not silently drop a field.
 */
export function buildProperties(database: NotionDatabase, values: Record<string, unknown>): BuildResult {
  const properties: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const schema = database.properties[name];
    if (!schema) {
      problems.push(
        `"${name}" is not a property of the database (it has: ${Object.keys(database.properties).join(', ')})`,
      );
      continue;
    }
    if (value === undefined) continue;
    const s = value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    switch (schema.type) {
      case 'title':
      case 'rich_text':
        properties[name] = { [schema.type]: text(typeof value === 'string' ? value : s) };
        break;
      case 'number': {
        const n = typeof value === 'number' ? value : Number(s);
        if (value === null || s === '') properties[name] = { number: null };
        else if (Number.isFinite(n)) properties[name] = { number: n };
        else problems.push(`"${name}" is a number property; "${s}" is not a number`);
        break;
      }
      case 'checkbox':
        properties[name] = { checkbox: value === true || /^(true|yes|1|on)$/i.test(s) };
        break;
      case 'select':
      case 'status':
        properties[name] = { [schema.type]: s ? { name: s } : null };
        break;
      case 'multi_select':
        properties[name] = { multi_select: list(value).map((n) => ({ name: n })) };
        break;
      case 'date':
        properties[name] = { date: s ? { start: s } : null };
        break;
      case 'url':
      case 'email':
      case 'phone_number':
        properties[name] = { [schema.type]: s || null };
        break;
      case 'relation':
        properties[name] = { relation: list(value).map((id) => ({ id })) };
        break;
      case 'people':
        properties[name] = { people: list(value).map((id) => ({ id })) };
        break;
      default:
        problems.push(`"${name}" is a ${schema.type} property, which cannot be set from a plain value`);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, properties };
}
