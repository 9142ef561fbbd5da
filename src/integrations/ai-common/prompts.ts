import type { JsonSchema } from '../../catalog/props.ts';
import type { ChatMessage } from './chat-provider.ts';

export type SummaryStyle = 'paragraph' | 'bullets' | 'tldr' | 'headline';

const STYLE: Record<SummaryStyle, string> = {
  paragraph: 'Write the summary as one short paragraph of plain prose.',
  bullets: 'Write the summary as a list of short bullet points, one per line, each starting with "- ".',
  tldr: 'Write the summary as one or two sentences: the essential point only.',
  headline: 'Write the summary as a single headline of at most 12 words, without a final period.',
};

export function summarizePrompt(options: {
  text: string;
  style: SummaryStyle;
  maxWords?: number | undefined;
  language?: string | undefined;
  focus?: string | undefined;
}): ChatMessage[] {
  const rules = [
    'You summarize texts faithfully. Do not add facts that are not in the text. Answer with the summary only, no preamble.',
    STYLE[options.style],
    options.maxWords ? `Use at most ${options.maxWords} words.` : '',
    options.language
      ? `Write the summary in ${options.language}.`
      : 'Write the summary in the language of the text.',
    options.focus ? `Focus on: ${options.focus}.` : '',
  ].filter(Boolean);
  return [
    { role: 'system', content: rules.join('\n') },
    { role: 'user', content: `Summarize this text:\n\n<text>\n${options.text}\n</text>` },
  ];
}

export function classifyPrompt(options: {
  text: string;
  labels: readonly string[];
  instructions?: string | undefined;
}): ChatMessage[] {
  const list = options.labels.map((l) => `- ${l}`).join('\n');
  return [
    {
      role: 'system',
      content: [
        'You classify texts. Choose exactly one label from the list below, the one that fits the text best.',
        'Answer with the label exactly as written in the list, and nothing else.',
        options.instructions ? `Guidance: ${options.instructions}` : '',
        `Labels:\n${list}`,
      ]
        .filter(Boolean)
        .join('\n'),
    },
    { role: 'user', content: `<text>\n${options.text}\n</text>` },
  ];
}

export function classifyRepair(answer: string, labels: readonly string[]): ChatMessage[] {
  return [
    { role: 'assistant', content: answer },
    {
      role: 'user',
      content: `That is not one of the labels. Answer with exactly one of: ${labels.map((l) => JSON.stringify(l)).join(', ')}. Nothing else.`,
    },
  ];
}

export function extractPrompt(options: {
  text: string;
  schema: JsonSchema;
  instructions?: string | undefined;
}): ChatMessage[] {
  return [
    {
      role: 'system',
      content: [
        'You extract structured data from texts. Answer with one JSON value that matches the JSON Schema below, and nothing else.',
        'Use only information present in the text; when a value is absent use null if the schema allows it, otherwise the closest empty value.',
        options.instructions ? `Guidance: ${options.instructions}` : '',
        `JSON Schema:\n${JSON.stringify(options.schema)}`,
      ]
        .filter(Boolean)
        .join('\n'),
    },
    { role: 'user', content: `<text>\n${options.text}\n</text>` },
  ];
}

export function extractRepair(answer: string, problems: string): ChatMessage[] {
  return [
    { role: 'assistant', content: answer },
    {
      role: 'user',
      content: `Your answer does not match the JSON Schema: ${problems}. Answer again with only the corrected JSON.`,
    },
  ];
}

export function generatePrompt(options: { prompt: string; system?: string | undefined }): ChatMessage[] {
  return [
    ...(options.system ? [{ role: 'system' as const, content: options.system }] : []),
    { role: 'user', content: options.prompt },
  ];
}
