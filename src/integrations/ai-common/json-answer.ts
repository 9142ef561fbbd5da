import type { JsonSchema } from '../../catalog/props.ts';

/**
 * Providers' structured output wants an object at the root; a schema for an array or a string is
 * wrapped as `{ value: <schema> }` and the answer unwrapped again.
 */
export function objectRootSchema(schema: JsonSchema): {
  schema: JsonSchema;
  unwrap(value: unknown): unknown;
} {
  const type = schema['type'];
  const isObject = type === 'object' || (type === undefined && typeof schema['properties'] === 'object');
  if (isObject) return { schema, unwrap: (value) => value };
  return {
    schema: {
      type: 'object',
      properties: { value: schema },
      required: ['value'],
      additionalProperties: false,
    },
    unwrap: (value) =>
      value && typeof value === 'object' && 'value' in (value as Record<string, unknown>)
        ? (value as Record<string, unknown>)['value']
        : value,
  };
}

/**
 * JSON in a model's text answer: the whole text, else a fenced ```json block, else the span from the
 * first `{` or `[` to the last matching bracket. Undefined when none parses.
 */
export function parseJsonAnswer(text: string): { ok: true; value: unknown } | { ok: false } {
  const attempts: string[] = [text.trim()];
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (fenced?.[1]) attempts.push(fenced[1].trim());
  for (const [open, close] of [
    ['{', '}'],
    ['[', ']'],
  ] as const) {
    const start = text.indexOf(open);
    const end = text.lastIndexOf(close);
    if (start >= 0 && end > start) attempts.push(text.slice(start, end + 1));
  }
  for (const candidate of attempts) {
    try {
      return { ok: true, value: JSON.parse(candidate) };
    } catch {
      // try the next shape
    }
  }
  return { ok: false };
}
