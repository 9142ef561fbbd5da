import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderServicePage, servicePagePath } from '../../docs/service-docs.ts';
import { allServices } from '../all-services.ts';

describe('service pages of the Google, Notion, feed and AI services', () => {
  it('are current in docs/services', () => {
    for (const key of ['gmail', 'google-sheets', 'notion', 'rss', 'openai', 'anthropic', 'gemini']) {
      const service = allServices.find((s) => s.key === key);
      expect(service, key).toBeDefined();
      const onDisk = readFileSync(servicePagePath(service!), 'utf8');
      expect(onDisk, `${key}: run node src/docs/service-docs.ts`).toBe(renderServicePage(service!));
    }
  });
});
