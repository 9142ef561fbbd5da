import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SETTINGS } from '../config.ts';

export const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const START = '<!-- config:start -->';
const END = '<!-- config:end -->';

/** The README's configuration table, made from the settings list in src/config.ts. */
export function renderConfigTable(): string {
  const rows = SETTINGS.map(
    (s) => `| \`${s.name}\` | ${s.default.replace(/\|/g, '\\|')} | ${s.description.replace(/\|/g, '\\|')} |`,
  );
  return ['| Variable | Default | What it does |', '|---|---|---|', ...rows].join('\n');
}

export function readmeConfigSection(text: string): string | undefined {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return undefined;
  return text.slice(start + START.length, end).trim();
}

/** Rewrites the table in README.md (npm run docs:config). */
export function updateReadme(): boolean {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} ... ${END} markers`);
  const next = `${text.slice(0, start + START.length)}\n${renderConfigTable()}\n${text.slice(end)}`;
  if (next === text) return false;
  writeFileSync(README, next);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(
    updateReadme() ? 'README.md configuration table updated\n' : 'README.md already up to date\n',
  );
}
