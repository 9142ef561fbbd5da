import type { ApiError } from '../api/client.ts';

/** The message the API gave for one field (`email`, `nodes[2].config.url`), if any. */
export function problemAt(error: ApiError | undefined, path: string): string | undefined {
  return error?.problems.find((p) => p.path === path || p.path === `body.${path}`)?.message;
}

/** The API error's message unless a field already shows it. */
export function generalMessage(error: ApiError | undefined, fields: string[]): string | undefined {
  if (!error) return undefined;
  if (error.problems.length > 0 && error.problems.every((p) => fields.includes(p.path))) return undefined;
  return error.message;
}
