import { WorkflowDefinitionInput } from '../workflows/definition.ts';
import type { CatalogServiceView } from './catalog-view.ts';
import type { JsonSchema, ToolSpec } from './chat-provider.ts';

export const PROPOSE_TOOL = 'propose_workflow';
export const ASK_TOOL = 'ask_user';

/** The only things the model can do: propose a definition, or ask the user a question. Nothing else runs. */
export const TOOL_NAMES: readonly string[] = [PROPOSE_TOOL, ASK_TOOL];

const Question = {
  type: 'object',
  properties: {
    question: { type: 'string', description: 'What to ask, e.g. "Which Slack channel should it post to?"' },
    path: { type: 'string', description: 'Where the answer goes, e.g. nodes[0].config.channel' },
    options: { type: 'array', items: { type: 'string' }, description: 'Choices, when there are a few' },
  },
  required: ['question'],
  additionalProperties: false,
};

// Walks the definition schema and pins `service`/`component` to what the catalog has.
function constrain(schema: unknown, services: string[], components: string[]): void {
  if (schema === null || typeof schema !== 'object') return;
  if (Array.isArray(schema)) {
    for (const item of schema) constrain(item, services, components);
    return;
  }
  const record = schema as Record<string, unknown>;
  // Simpler keywords that every provider's schema dialect accepts (Gemini's is the narrowest).
  const anyOf = record['anyOf'];
  if (Array.isArray(anyOf) && anyOf.every((b) => b && typeof b === 'object' && 'const' in b)) {
    delete record['anyOf'];
    record['type'] = 'string';
    record['enum'] = anyOf.map((b) => (b as { const: unknown }).const);
  }
  if (record['patternProperties']) {
    delete record['patternProperties'];
    record['description'] = "Parameters, as the component's config schema in the catalog says";
  }
  const properties = record['properties'] as Record<string, Record<string, unknown>> | undefined;
  if (properties) {
    if (properties['service'] && services.length > 0)
      properties['service'] = { type: 'string', enum: services };
    if (properties['component'] && components.length > 0)
      properties['component'] = { type: 'string', enum: components };
  }
  for (const inner of Object.values(record)) constrain(inner, services, components);
}

/** The definition schema (the workflows' own input schema) with service and component keys limited to the catalog. */
export function definitionToolSchema(catalog: CatalogServiceView[]): JsonSchema {
  const schema = JSON.parse(JSON.stringify(WorkflowDefinitionInput)) as JsonSchema;
  const services = catalog.map((s) => s.key);
  const components = [...new Set(catalog.flatMap((s) => s.components.map((c) => c.key)))].sort();
  constrain(schema, services, components);
  return schema;
}

export function assistantTools(catalog: CatalogServiceView[]): ToolSpec[] {
  return [
    {
      name: PROPOSE_TOOL,
      description:
        'Propose a workflow definition built only from the catalog. It is validated; problems come back with their paths and you correct them. Use `actions` for a simple chain, or `nodes` and `edges` for branches.',
      parameters: {
        type: 'object',
        properties: {
          summary: { type: 'string', description: 'One or two sentences: what the workflow does.' },
          definition: definitionToolSchema(catalog),
          questions: {
            type: 'array',
            items: Question,
            description: 'What the user still has to tell (channel, connection, ...)',
          },
        },
        required: ['summary', 'definition'],
        additionalProperties: false,
      },
    },
    {
      name: ASK_TOOL,
      description: 'Ask the user for what is missing before a workflow can be proposed.',
      parameters: {
        type: 'object',
        properties: { questions: { type: 'array', items: Question, minItems: 1 } },
        required: ['questions'],
        additionalProperties: false,
      },
    },
  ];
}
