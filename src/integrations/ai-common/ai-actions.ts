import type { ActionContext } from '../../catalog/context.ts';
import { type ActionDefinition, defineAction } from '../../catalog/define.ts';
import { type JsonSchema, type Props, prop } from '../../catalog/props.ts';
import { classify, extractJson, generateText, summarize } from './ai-tasks.ts';
import type { ChatProvider, ProviderContext } from './chat-provider.ts';

export interface AiActionsOptions {
  /** The provider for one run, from the node's connection. */
  provider(ctx: ProviderContext): ChatProvider;
  /** The model used when neither the node nor the connection names one. */
  defaultModel: string;
  /** Example model ids shown in the form. */
  modelPlaceholder: string;
}

const usageSchema = {
  type: 'object',
  properties: {
    inputTokens: { type: 'integer' },
    outputTokens: { type: 'integer' },
    totalTokens: { type: 'integer' },
  },
  required: ['inputTokens', 'outputTokens', 'totalTokens'],
};

const withUsage = (properties: Record<string, JsonSchema>, required: string[]): JsonSchema => ({
  type: 'object',
  properties: { ...properties, model: { type: 'string' }, usage: usageSchema },
  required: [...required, 'model', 'usage'],
});

function modelProps(options: AiActionsOptions) {
  return {
    model: prop.text({
      displayName: 'Model',
      description: `Empty: the connection's default model, else ${options.defaultModel}.`,
      placeholder: options.modelPlaceholder,
    }),
    temperature: prop.number({
      displayName: 'Temperature',
      description: '0 gives the most predictable answers; higher values vary more.',
      minimum: 0,
      maximum: 2,
      placeholder: '0.2',
    }),
    maxTokens: prop.number({
      displayName: 'Maximum answer tokens',
      integer: true,
      minimum: 1,
      maximum: 200_000,
      placeholder: '1024',
    }),
  } satisfies Props;
}

function resolveModel(
  ctx: ActionContext<unknown>,
  options: AiActionsOptions,
  model: string | undefined,
): string {
  if (model?.trim()) return model.trim();
  const auth = ctx.auth as Record<string, unknown> | undefined;
  const fromConnection = auth?.['defaultModel'];
  return typeof fromConnection === 'string' && fromConnection.trim()
    ? fromConnection.trim()
    : options.defaultModel;
}

const sampleUsage = { inputTokens: 412, outputTokens: 96, totalTokens: 508 };

/**
 * The four AI actions of a model provider (generate text, summarize, classify, extract JSON), the same
 * for every provider: only `provider(ctx)` differs. Every output carries the tokens used, for credits.
 */
export function aiActions(
  options: AiActionsOptions,
  sampleModel: string,
): ActionDefinition<Props, unknown>[] {
  const model = modelProps(options);

  const generate = defineAction({
    key: 'generate_text',
    name: 'Generate text',
    description: 'Sends a prompt to the model and returns its answer.',
    props: {
      prompt: prop.longText({
        displayName: 'Prompt',
        required: true,
        placeholder: 'Write a friendly reply to this email:\n{{ trigger.bodyText }}',
      }),
      system: prop.longText({
        displayName: 'System instructions',
        description: 'How the model should behave (role, tone, format).',
        placeholder: 'You answer customers of a small shop, briefly, in plain text.',
      }),
      ...model,
    },
    output: withUsage({ text: { type: 'string' }, finishReason: { type: ['string', 'null'] } }, [
      'text',
      'finishReason',
    ]),
    sampleOutput: {
      text: 'Hello Ada,\n\nthank you for the invoice; it is scheduled for payment on Friday.\n\nBest regards',
      finishReason: 'stop',
      model: sampleModel,
      usage: sampleUsage,
    },
    async run(ctx) {
      return generateText(options.provider(ctx), {
        prompt: ctx.props.prompt,
        system: ctx.props.system,
        model: resolveModel(ctx, options, ctx.props.model),
        temperature: ctx.props.temperature,
        maxTokens: ctx.props.maxTokens,
        signal: ctx.signal,
      });
    },
  });

  const summarizeAction = defineAction({
    key: 'summarize',
    name: 'Summarize',
    description: 'Summarizes a text as a paragraph, bullet points, a TL;DR or a headline.',
    props: {
      text: prop.longText({ displayName: 'Text', required: true, placeholder: '{{ trigger.bodyText }}' }),
      style: prop.select({
        displayName: 'Style',
        default: 'paragraph',
        options: [
          { label: 'Paragraph', value: 'paragraph' },
          { label: 'Bullet points', value: 'bullets' },
          { label: 'TL;DR (one or two sentences)', value: 'tldr' },
          { label: 'Headline', value: 'headline' },
        ],
      }),
      maxWords: prop.number({
        displayName: 'Maximum words',
        integer: true,
        minimum: 5,
        maximum: 2000,
        placeholder: '80',
      }),
      language: prop.text({
        displayName: 'Language',
        description: 'Empty: the language of the text.',
        placeholder: 'English',
      }),
      focus: prop.text({ displayName: 'Focus on', placeholder: 'decisions and deadlines' }),
      ...model,
    },
    output: withUsage({ summary: { type: 'string' } }, ['summary']),
    sampleOutput: {
      summary: 'Ada sent the November invoice (120 EUR), due on 1 December.',
      model: sampleModel,
      usage: sampleUsage,
    },
    async run(ctx) {
      return summarize(options.provider(ctx), {
        text: ctx.props.text,
        style: (ctx.props.style as 'paragraph' | 'bullets' | 'tldr' | 'headline' | undefined) ?? 'paragraph',
        maxWords: ctx.props.maxWords,
        language: ctx.props.language,
        focus: ctx.props.focus,
        model: resolveModel(ctx, options, ctx.props.model),
        temperature: ctx.props.temperature,
        maxTokens: ctx.props.maxTokens,
        signal: ctx.signal,
      });
    },
  });

  const classifyAction = defineAction({
    key: 'classify',
    name: 'Classify',
    description: 'Puts a text into one of the labels you give (e.g. to route it with a condition).',
    props: {
      text: prop.longText({ displayName: 'Text', required: true, placeholder: '{{ trigger.bodyText }}' }),
      labels: prop.array({
        displayName: 'Labels',
        required: true,
        placeholder: '["billing", "support", "other"]',
        items: prop.text({ displayName: 'Label', minLength: 1, placeholder: 'billing' }),
        minItems: 2,
        maxItems: 100,
      }),
      instructions: prop.longText({
        displayName: 'Guidance',
        placeholder:
          'billing: invoices and payments; support: problems using the product; other: anything else',
      }),
      fallbackLabel: prop.text({
        displayName: 'Fallback label',
        description:
          'Used when the answer names no label even after a correction; empty fails the step instead.',
        placeholder: 'other',
      }),
      ...model,
    },
    output: withUsage(
      { label: { type: 'string' }, matched: { type: 'boolean' }, answer: { type: 'string' } },
      ['label', 'matched', 'answer'],
    ),
    sampleOutput: {
      label: 'billing',
      matched: true,
      answer: 'billing',
      model: sampleModel,
      usage: sampleUsage,
    },
    async run(ctx) {
      return classify(options.provider(ctx), {
        text: ctx.props.text,
        labels: ctx.props.labels,
        instructions: ctx.props.instructions,
        fallbackLabel: ctx.props.fallbackLabel,
        model: resolveModel(ctx, options, ctx.props.model),
        temperature: ctx.props.temperature,
        maxTokens: ctx.props.maxTokens,
        signal: ctx.signal,
      });
    },
  });

  const extractAction = defineAction({
    key: 'extract_json',
    name: 'Extract data (JSON)',
    description: 'Reads a text and returns the data you describe with a JSON Schema, checked against it.',
    props: {
      text: prop.longText({ displayName: 'Text', required: true, placeholder: '{{ trigger.bodyText }}' }),
      schema: prop.json({
        displayName: 'JSON Schema',
        required: true,
        description: 'The shape of the data to extract.',
        placeholder:
          '{ "type": "object", "properties": { "invoiceNumber": { "type": "string" }, "total": { "type": "number" } }, "required": ["invoiceNumber", "total"] }',
        schema: { type: 'object' },
      }),
      instructions: prop.longText({
        displayName: 'Guidance',
        placeholder: 'Amounts in euros, dates as YYYY-MM-DD.',
      }),
      ...model,
    },
    output: withUsage({ data: {}, repaired: { type: 'boolean' } }, ['data', 'repaired']),
    sampleOutput: {
      data: { invoiceNumber: '2026-114', total: 120, dueDate: '2026-12-01' },
      repaired: false,
      model: sampleModel,
      usage: sampleUsage,
    },
    async run(ctx) {
      return extractJson(options.provider(ctx), {
        text: ctx.props.text,
        schema: ctx.props.schema as JsonSchema,
        instructions: ctx.props.instructions,
        model: resolveModel(ctx, options, ctx.props.model),
        temperature: ctx.props.temperature,
        maxTokens: ctx.props.maxTokens,
        signal: ctx.signal,
      });
    },
  });

  return [generate, summarizeAction, classifyAction, extractAction] as unknown as ActionDefinition<
    Props,
    unknown
  >[];
}
