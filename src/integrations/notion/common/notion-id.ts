/**
 * A Notion id from what people paste: the bare id (with or without dashes) or a page / database URL,
 * whose last 32 hex digits before the query string are the id. Undefined when there is none.
 */
export function notionId(input: string): string | undefined {
  const trimmed = input.trim();
  const withoutQuery = trimmed.split(/[?#]/)[0] ?? trimmed;
  const compact = withoutQuery.replace(/-/g, '');
  const match = /([0-9a-f]{32})$/i.exec(compact);
  if (!match) return undefined;
  const h = match[1]!.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function requireNotionId(input: string, what: string): string {
  const id = notionId(input);
  if (!id) throw new Error(`${what} must be a Notion id or link (32 hexadecimal digits); got "${input}"`);
  return id;
}
