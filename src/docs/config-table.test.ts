import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../config.ts';
import { README, readmeConfigSection, renderConfigTable } from './config-table.ts';

describe('README configuration table', () => {
  it('lists exactly the settings Area reads (run `npm run docs:config` after adding one)', () => {
    const section = readmeConfigSection(readFileSync(README, 'utf8'));
    expect(section).toBe(renderConfigTable());
  });

  it('documents every variable src/config.ts reads', () => {
    const source = readFileSync(new URL('../config.ts', import.meta.url), 'utf8');
    const read = new Set([...source.matchAll(/env(?:, |\[)'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!));
    const documented = new Set(SETTINGS.map((s) => s.name));
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
    expect(read.size).toBeGreaterThan(20);
  });

  it('starts with the two commands', () => {
    const text = readFileSync(README, 'utf8');
    const install = text.indexOf('npm install');
    expect(install).toBeGreaterThan(-1);
    expect(install).toBeLessThan(text.indexOf('npm start'));
    expect(text.indexOf('npm start')).toBeLessThan(1500);
    expect(text.indexOf('npm test')).toBeLessThan(1500);
  });
});
