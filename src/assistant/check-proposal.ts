import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import type { FieldProblem } from '../http/errors.ts';
import { type CheckTools, checkDefinition } from '../workflows/check-definition.ts';
import {
  type DraftDefinition,
  normalizeDefinition,
  WorkflowDefinitionInput,
} from '../workflows/definition.ts';

export interface Question {
  question: string;
  path?: string;
  options?: string[];
}

export interface CheckedProposal {
  /** Absent when the arguments were not a definition at all. */
  definition: DraftDefinition | undefined;
  summary: string;
  /** What the model must correct (paths as it wrote them). */
  problems: FieldProblem[];
  /** What the user must answer (which connection?, and the model's own questions). */
  questions: Question[];
  /** Passes the validator except for what only the user can tell. */
  valid: boolean;
}

// Only the user can say which account to use: these become questions, not repairs.
const USER_RULES = new Set(['connection_required']);

function parseQuestions(value: unknown): Question[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (q): q is Record<string, unknown> =>
        q !== null && typeof q === 'object' && typeof (q as { question?: unknown }).question === 'string',
    )
    .slice(0, 10)
    .map((q) => ({
      question: String(q['question']).slice(0, 500),
      ...(typeof q['path'] === 'string' ? { path: q['path'].slice(0, 200) } : {}),
      ...(Array.isArray(q['options'])
        ? { options: q['options'].filter((o) => typeof o === 'string').slice(0, 20) }
        : {}),
    }));
}

/** The validator numbers `actions` as nodes after the explicit ones; point back at what the model wrote. */
function toInputPath(path: string, explicitNodes: number, fromActions: boolean): string {
  if (!fromActions) return path;
  return path.replace(/^nodes\[(\d+)\]/, (whole, index: string) => {
    const i = Number(index);
    return i >= explicitNodes ? `actions[${i - explicitNodes}]` : whole;
  });
}

function connectionQuestion(definition: DraftDefinition, path: string): string {
  const index = /^nodes\[(\d+)\]/.exec(path)?.[1];
  const step = index === undefined ? definition.trigger : definition.nodes[Number(index)];
  const service = step?.service ?? 'the service';
  return `Which ${service} connection should "${step?.label ?? step?.key ?? 'this step'}" use? (connect a ${service} account first if there is none)`;
}

export function parseArguments(
  raw: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; problem: FieldProblem } {
  try {
    const value = JSON.parse(raw || '{}') as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return { ok: true, value: value as Record<string, unknown> };
  } catch {}
  return {
    ok: false,
    problem: { path: 'arguments', rule: 'json', message: 'the tool arguments must be one JSON object' },
  };
}

export function parseAskArguments(raw: string): Question[] {
  const parsed = parseArguments(raw);
  return parsed.ok ? parseQuestions(parsed.value['questions']) : [];
}

/** Checks a `propose_workflow` call: the definition's shape, then the workflow validator (publish rules). */
export async function checkProposal(
  db: Kysely<DB>,
  tools: CheckTools,
  userId: string,
  raw: string,
): Promise<CheckedProposal> {
  const parsed = parseArguments(raw);
  if (!parsed.ok)
    return { definition: undefined, summary: '', problems: [parsed.problem], questions: [], valid: false };
  const args = parsed.value;
  const summary = typeof args['summary'] === 'string' ? args['summary'].slice(0, 2000) : '';
  const questions = parseQuestions(args['questions']);
  const input = args['definition'];
  const shape = tools.checker.check(
    WorkflowDefinitionInput as unknown as Record<string, unknown>,
    input,
    'definition',
  );
  if (shape.length > 0) return { definition: undefined, summary, problems: shape, questions, valid: false };

  const typed = input as WorkflowDefinitionInput;
  const definition = normalizeDefinition(typed);
  const result = await checkDefinition(db, tools, userId, definition, 'publish');
  const explicitNodes = typed.nodes?.length ?? 0;
  const fromActions = (typed.actions?.length ?? 0) > 0;
  const problems: FieldProblem[] = [];
  for (const problem of [...result.errors, ...result.warnings]) {
    const path = `definition.${toInputPath(problem.path, explicitNodes, fromActions)}`;
    if (problem.rule && USER_RULES.has(problem.rule)) {
      if (!questions.some((q) => q.path === path))
        questions.push({ question: connectionQuestion(definition, problem.path), path });
    } else {
      problems.push({ ...problem, path });
    }
  }
  return { definition, summary, problems, questions, valid: problems.length === 0 };
}
