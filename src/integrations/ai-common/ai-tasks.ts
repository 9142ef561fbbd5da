import type { JsonSchema } from '../../catalog/props.ts';
import { createSchemaAjv } from '../../catalog/validate-services.ts';
import { addUsage, type ChatProvider, type ChatResult, type TokenUsage } from './chat-provider.ts';
import { objectRootSchema, parseJsonAnswer } from './json-answer.ts';
import { matchLabel } from './match-label.ts';
import {
  classifyPrompt,
  classifyRepair,
  extractPrompt,
  extractRepair,
  generatePrompt,
  type SummaryStyle,
  summarizePrompt,
} from './prompts.ts';

/** Model settings every task takes. */
export interface ModelOptions {
  model: string;
  temperature?: number | undefined;
  maxTokens?: number | undefined;
  signal?: AbortSignal | undefined;
}

interface Answered {
  model: string;
  usage: TokenUsage;
}

export async function generateText(
  provider: ChatProvider,
  options: ModelOptions & { prompt: string; system?: string | undefined },
): Promise<Answered & { text: string; finishReason: string | null }> {
  const result = await provider.chat({ ...options, messages: generatePrompt(options) });
  return { text: result.text, finishReason: result.finishReason, model: result.model, usage: result.usage };
}

export async function summarize(
  provider: ChatProvider,
  options: ModelOptions & {
    text: string;
    style: SummaryStyle;
    maxWords?: number | undefined;
    language?: string | undefined;
    focus?: string | undefined;
  },
): Promise<Answered & { summary: string }> {
  const result = await provider.chat({ ...options, messages: summarizePrompt(options) });
  return { summary: result.text.trim(), model: result.model, usage: result.usage };
}

/**
 * Asks for one label; an answer that names none of them gets one corrective turn. Still none: the
 * fallback label when given, else an error naming the answer.
 */
export async function classify(
  provider: ChatProvider,
  options: ModelOptions & {
    text: string;
    labels: readonly string[];
    instructions?: string | undefined;
    fallbackLabel?: string | undefined;
  },
): Promise<Answered & { label: string; matched: boolean; answer: string }> {
  const messages = classifyPrompt(options);
  const first = await provider.chat({ ...options, temperature: options.temperature ?? 0, messages });
  let usage = first.usage;
  let answer = first.text.trim();
  let label = matchLabel(answer, options.labels);
  let model = first.model;
  if (label === undefined) {
    const second = await provider.chat({
      ...options,
      temperature: options.temperature ?? 0,
      messages: [...messages, ...classifyRepair(answer, options.labels)],
    });
    usage = addUsage(usage, second.usage);
    answer = second.text.trim();
    model = second.model;
    label = matchLabel(answer, options.labels);
  }
  if (label !== undefined) return { label, matched: true, answer, model, usage };
  if (options.fallbackLabel) return { label: options.fallbackLabel, matched: false, answer, model, usage };
  throw new Error(
    `${provider.name}: the answer "${answer.slice(0, 200)}" names none of the labels (${options.labels.join(', ')})`,
  );
}

type Checked = { ok: true; value: unknown } | { ok: false; problems: string };

/**
 * Extracts JSON matching `schema`: native structured output where the provider has it, the answer
 * checked with Ajv, and one corrective turn when it does not parse or does not match.
 */
export async function extractJson(
  provider: ChatProvider,
  options: ModelOptions & { text: string; schema: JsonSchema; instructions?: string | undefined },
): Promise<Answered & { data: unknown; repaired: boolean }> {
  const ajv = createSchemaAjv();
  let validate: ReturnType<typeof ajv.compile>;
  // A pasted schema often names its draft; the checker reads all common drafts the same way.
  const { $schema: _draft, ...schema } = options.schema;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new Error(`The schema is not a valid JSON Schema: ${(error as Error).message}`);
  }
  const root = objectRootSchema(schema);
  const check = (result: ChatResult): Checked => {
    const parsed =
      result.json !== undefined ? { ok: true as const, value: result.json } : parseJsonAnswer(result.text);
    if (!parsed.ok) return { ok: false, problems: 'the answer is not JSON' };
    const value = root.unwrap(parsed.value);
    if (validate(value)) return { ok: true, value };
    return { ok: false, problems: ajv.errorsText(validate.errors, { dataVar: 'answer' }) };
  };
  const messages = extractPrompt({ ...options, schema });
  const request = {
    ...options,
    temperature: options.temperature ?? 0,
    jsonSchema: { name: 'extraction', description: 'The data extracted from the text', schema: root.schema },
  };
  const first = await provider.chat({ ...request, messages });
  const checked = check(first);
  if (checked.ok) return { data: checked.value, repaired: false, model: first.model, usage: first.usage };

  const previous = first.json !== undefined ? JSON.stringify(first.json) : first.text;
  const second = await provider.chat({
    ...request,
    messages: [...messages, ...extractRepair(previous, checked.problems)],
  });
  const usage = addUsage(first.usage, second.usage);
  const again = check(second);
  if (again.ok) return { data: again.value, repaired: true, model: second.model, usage };
  throw new Error(
    `${provider.name}: the answer does not match the schema after one correction: ${again.problems}`,
  );
}
