import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserSession,
  openBrowser,
  type RunningArea,
  requireChromium,
  screenshot,
  startArea,
} from './harness.ts';

interface Received {
  method: string;
  url: string;
  body: string;
}

/** The API the workflow forwards to: answers JSON and remembers what it got. */
interface Sink {
  url: string;
  received: Received[];
  /** Holds every answer until the returned function is called (a step that is still running). */
  hold(): () => void;
  close(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const received: Received[] = [];
  let gate: Promise<void> = Promise.resolve();
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', body });
      void gate.then(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ stored: true, count: received.length }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/inbox`,
    received,
    hold() {
      let release = () => {};
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        gate = Promise.resolve();
        release();
      };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The whole story in the browser: sign up, make a workflow from a template, change a parameter in
 * the form, see a bad value rejected on its field, activate, call the webhook, watch the run succeed
 * step by step, and find it on the dashboard chart.
 */
describe('from template to a successful run', { timeout: 90_000 }, () => {
  let area: RunningArea;
  let session: BrowserSession;
  let sink: Sink;
  let webhookUrl = '';

  beforeAll(async () => {
    requireChromium();
    sink = await startSink();
    area = await startArea();
    session = await openBrowser(area.url);
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await area?.close();
    await sink?.close();
  });

  it('signs up', async () => {
    const { page } = session;
    await page.goto('/signup');
    await page.getByLabel('Email').fill(`flow-${Date.now()}@example.com`);
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: /^Hello/ }).waitFor();
    session.console.assertClean();
  });

  it('makes a draft from a template', async () => {
    const { page } = session;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('heading', { name: 'Forward a webhook to another API' }).waitFor();
    await page.getByRole('button', { name: 'Preview Forward a webhook to another API' }).click();
    await page.locator('dialog .react-flow__node').first().waitFor();
    await screenshot(page, 'template-preview');
    await page.getByRole('dialog').getByRole('button', { name: 'Use template' }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    await page.locator('.react-flow__node[data-id="forward"]').waitFor();
    await page.locator('.react-flow__node[data-id="hook"]').waitFor();
    session.console.assertClean();
  });

  it('changes a parameter through the form and rejects a bad value on its field', async () => {
    const { page } = session;
    await page.locator('.react-flow__node[data-id="forward"]').click();
    const panel = page.getByRole('complementary', { name: 'Node settings' });
    await panel.getByRole('heading', { name: 'HTTP request' }).waitFor();
    await panel.getByRole('textbox', { name: /^URL/ }).fill(sink.url);

    const limit = panel.getByLabel('Time limit (ms)');
    await limit.fill('5');
    const fieldError = page.locator('[id="cfg-forward.timeoutMs__error"]');
    await expect.poll(() => fieldError.textContent(), { timeout: 15_000 }).toMatch(/100/);
    await screenshot(page, 'editor-invalid-field');
    await limit.fill('5000');
    await expect.poll(() => fieldError.count(), { timeout: 15_000 }).toBe(0);

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();
    session.console.assertClean();
  });

  it('activates and shows the webhook URL', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByRole('status').filter({ hasText: 'Active: it runs on its trigger now' }).waitFor();
    webhookUrl = (await page.getByTestId('webhook-url').textContent()) ?? '';
    expect(webhookUrl).toMatch(/\/hooks\/.+/);
    await screenshot(page, 'editor');
    session.console.assertClean();
  });

  it('runs when its webhook is called, and the run page shows every step succeed with its output', async () => {
    const { page } = session;
    const answer = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order: 42, customer: 'ada' }),
    });
    expect(answer.status).toBeLessThan(300);
    await expect.poll(() => sink.received.length, { timeout: 30_000 }).toBe(1);
    expect(JSON.parse(sink.received[0]!.body)).toEqual({ order: 42, customer: 'ada' });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    await page.getByRole('link', { name: 'Forward a webhook to another API' }).first().click();
    await page.waitForURL(/\/runs\/.+/);
    await page.locator('.page-header .badge', { hasText: 'success' }).waitFor({ timeout: 30_000 });
    const forward = page.locator('.step-detail', { has: page.locator('code', { hasText: 'forward' }) });
    await forward.locator('.badge', { hasText: 'success' }).waitFor();
    await expect
      .poll(() => forward.locator('pre.json').textContent(), { timeout: 15_000 })
      .toContain('"stored": true');
    for (const status of await page.locator('.step-detail .card-head .badge').allTextContents())
      expect(status).toBe('success');
    await page.locator('.react-flow__node[data-id="forward"] .step-success').waitFor();
    await screenshot(page, 'run');
    session.console.assertClean();
  });

  it('updates a running run live until its step finishes', async () => {
    const { page } = session;
    const release = sink.hold();
    const delivery = fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order: 43 }),
    });
    await expect.poll(() => sink.received.length, { timeout: 30_000 }).toBe(2);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    await page
      .getByRole('row', { name: /running/i })
      .getByRole('link')
      .click();
    await page.locator('.page-header .badge', { hasText: 'running' }).waitFor();
    await page.getByRole('button', { name: 'Cancel run' }).waitFor();
    await page.locator('.react-flow__node[data-id="forward"] [data-status="running"]').waitFor();
    await screenshot(page, 'run-running');
    release();
    await page
      .locator('.react-flow__node[data-id="forward"] [data-status="success"]')
      .waitFor({ timeout: 30_000 });
    await page.locator('.page-header .badge', { hasText: 'success' }).waitFor({ timeout: 30_000 });
    await delivery;
    session.console.assertClean();
  });

  it('counts the run on the dashboard chart', async () => {
    const { page } = session;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    const bar = page.getByTestId('runs-chart').locator('rect.bar-success');
    await bar.first().waitFor();
    const counts = await bar.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('data-count'))));
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(2);
    expect(await page.getByTestId('stat-success-rate').textContent()).toBe('100%');
    await screenshot(page, 'dashboard-with-run');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    await page.getByRole('cell', { name: 'Forward a webhook to another API' }).first().waitFor();
    await screenshot(page, 'runs-with-one');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workflows' }).click();
    await page.getByRole('row', { name: /Forward a webhook to another API.*active/i }).waitFor();
    await screenshot(page, 'workflows-with-one');
    session.console.assertClean();
  });
});
