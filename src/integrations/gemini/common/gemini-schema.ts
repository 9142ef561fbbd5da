import type { JsonSchema } from '../../../catalog/props.ts';

const KEEP = new Set([
  'type',
  'format',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'items',
  'minimum',
  'maximum',
  'propertyOrdering',
  'anyOf',
]);

/**
 * Gemini's responseSchema takes a subset of OpenAPI 3 schemas: no additionalProperties, $schema,
 * const or type arrays. A JSON Schema is narrowed to that subset; `type: ['string', 'null']`
 * becomes `type: 'string', nullable: true`. The answer is still checked against the full schema.
 */
export function toGeminiSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'const') {
      out['enum'] = [value];
      continue;
    }
    if (!KEEP.has(key)) continue;
    if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((t) => t !== 'null');
      out['type'] = types[0] ?? 'string';
      if (types.length < value.length) out['nullable'] = true;
    } else if (key === 'properties' && value && typeof value === 'object') {
      out['properties'] = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, inner]) => [
          name,
          toGeminiSchema(inner),
        ]),
      );
    } else if (key === 'items' && value && typeof value === 'object' && !Array.isArray(value)) {
      out['items'] = toGeminiSchema(value as JsonSchema);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      out['anyOf'] = value.map((inner) => toGeminiSchema(inner as JsonSchema));
    } else if (key === 'enum' && Array.isArray(value)) {
      out['enum'] = value.filter((v) => v !== null).map(String);
    } else out[key] = value;
  }
  if (typeof out['type'] === 'string') out['type'] = (out['type'] as string).toUpperCase();
  return out;
}
