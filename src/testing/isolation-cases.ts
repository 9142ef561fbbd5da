import { globSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TestApp } from './test-app.ts';
import type { TestUser } from './test-users.ts';

export type IsolationMethod = 'GET' | 'PATCH' | 'PUT' | 'DELETE' | 'POST';

export interface IsolationRequest {
  method: IsolationMethod;
  url: string;
  /** A valid body, so the answer is about ownership and not about validation. */
  payload?: unknown;
  /**
   * What another user must get; 404 unless the route addresses the caller's own namespace
   * (`PUT /me/preferences/:key` writes the caller's own row: it may succeed, but must not touch the owner's).
   */
  status?: number;
}

/**
 * One owned resource in the isolation table (src/http/isolation.test.ts): how to make a row as its
 * owner, and every request that addresses that row by id. Another user must get 404 for each,
 * must not find the row in its list, and the owner must read the row back unchanged afterwards.
 */
export interface IsolationCase {
  name: string;
  /** Creates one row owned by `owner` and returns the id (or key) the requests address it by. */
  create(t: TestApp, owner: TestUser): Promise<string>;
  /** Every route that addresses the row; the first GET is also the owner's read-back. Put DELETE last. */
  requests(id: string): IsolationRequest[];
  /** The list the row appears in for its owner (`{ items: [{ id }] }`); another user's must not show it. */
  list?: { url: string; idOf?: (item: Record<string, unknown>) => unknown };
}

/** A route with a path parameter that is not an owned row (a public catalog entry, say), and why. */
export interface IsolationExemption {
  /** `METHOD /openapi/path/{param}`, e.g. `GET /api/v1/services/{key}`. */
  route: string;
  reason: string;
}

/**
 * Cases declared here directly. Most rooms instead add a file named `isolation.case.ts` next to their
 * code exporting `isolationCases: IsolationCase[]` (and, when needed, `isolationExemptions`); the
 * isolation test finds those files by name, so a new resource is one small object in one file.
 */
export const isolationCases: IsolationCase[] = [];
export const isolationExemptions: IsolationExemption[] = [];

export function defineIsolationCases(...cases: IsolationCase[]): IsolationCase[] {
  return cases;
}

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every case: the ones above and those of every `src/**\/isolation.case.ts`. */
export async function loadIsolationCases(): Promise<{
  cases: IsolationCase[];
  exemptions: IsolationExemption[];
}> {
  const cases = [...isolationCases];
  const exemptions = [...isolationExemptions];
  const files = globSync(['**/isolation.case.ts', '**/*.isolation.case.ts'], { cwd: SRC }).sort();
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(SRC, file)).href)) as {
      isolationCases?: IsolationCase[];
      isolationExemptions?: IsolationExemption[];
    };
    cases.push(...(mod.isolationCases ?? []));
    exemptions.push(...(mod.isolationExemptions ?? []));
  }
  return { cases, exemptions };
}
