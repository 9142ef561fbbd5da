import type { PropertyValue, RichText } from './notion-types.ts';

export type SimpleValue = string | number | boolean | null | string[];

const plain = (texts: unknown): string =>
  Array.isArray(texts)
    ? (texts as RichText[]).map((t) => t.plain_text ?? t.text?.content ?? '').join('')
    : '';

function names(list: unknown): string[] {
  return Array.isArray(list)
    ? list.map((o) => String((o as { name?: string }).name ?? '')).filter(Boolean)
    : [];
}

/** One property value as a workflow wants it: text as a string, selects as names, dates as ISO start. */
export function simplifyProperty(value: PropertyValue): SimpleValue {
  const inner = value[value.type];
  switch (value.type) {
    case 'title':
    case 'rich_text':
      return plain(inner);
    case 'number':
    case 'checkbox':
    case 'url':
    case 'email':
    case 'phone_number':
    case 'created_time':
    case 'last_edited_time':
      return (inner as string | number | boolean | null) ?? null;
    case 'select':
    case 'status':
      return (inner as { name?: string } | null)?.name ?? null;
    case 'multi_select':
    case 'people':
      return names(inner);
    case 'date':
      return (inner as { start?: string } | null)?.start ?? null;
    case 'relation':
      return Array.isArray(inner) ? inner.map((r) => String((r as { id: string }).id)) : [];
    case 'files':
      return Array.isArray(inner) ? inner.map((f) => String((f as { name?: string }).name ?? '')) : [];
    case 'created_by':
    case 'last_edited_by':
      return (
        (inner as { name?: string; id?: string } | null)?.name ??
        (inner as { id?: string } | null)?.id ??
        null
      );
    case 'unique_id': {
      const id = inner as { prefix?: string | null; number?: number } | null;
      return id ? `${id.prefix ? `${id.prefix}-` : ''}${id.number ?? ''}` : null;
    }
    case 'formula': {
      const f = inner as { type?: string } & Record<string, unknown>;
      return f?.type ? ((f[f.type] as SimpleValue) ?? null) : null;
    }
    default:
      return null;
  }
}

export function simplifyProperties(properties: Record<string, PropertyValue>): Record<string, SimpleValue> {
  return Object.fromEntries(Object.entries(properties).map(([name, v]) => [name, simplifyProperty(v)]));
}
