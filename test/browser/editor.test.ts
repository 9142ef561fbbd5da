import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserSession,
  openBrowser,
  type RunningArea,
  requireChromium,
  screenshot,
  startArea,
} from './harness.ts';

/** The workflow as the API has it, read with the page's own session. */
async function workflowOf(
  page: Page,
  id: string,
): Promise<{
  status: string;
  definition: {
    nodes: { key: string; position?: { x: number; y: number } }[];
    edges: { from: string; to: string }[];
  };
}> {
  return page.evaluate(async (workflowId) => {
    const session = JSON.parse(localStorage.getItem('area.session') ?? '{}');
    const response = await fetch(`/api/v1/workflows/${workflowId}`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    return response.json();
  }, id);
}

async function addFromCatalog(page: Page, search: string, name: string): Promise<void> {
  const catalog = page.getByRole('complementary', { name: 'Catalog' });
  await catalog.getByRole('searchbox').fill(search);
  await catalog
    .getByRole('button', { name: new RegExp(`^${name}`) })
    .first()
    .click();
}

/**
 * Building a workflow from nothing in the editor: trigger and steps from the catalog, a connection
 * made by dragging, a node moved and its position saved, the API's validation errors on the node
 * and the field, versions, export, and a manual run.
 */
describe('the workflow editor', { timeout: 90_000 }, () => {
  let area: RunningArea;
  let session: BrowserSession;
  let workflowId = '';

  beforeAll(async () => {
    requireChromium();
    area = await startArea();
    session = await openBrowser(area.url);
    const { page } = session;
    await page.goto('/signup');
    await page.getByLabel('Email').fill(`editor-${Date.now()}@example.com`);
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: /^Hello/ }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await area?.close();
  });

  it('starts a blank workflow and adds a trigger and a step from the catalog', async () => {
    const { page } = session;
    await page.goto('/workflows');
    await page.getByRole('button', { name: 'New workflow' }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    workflowId = page.url().split('/').pop()!;
    await page.getByRole('heading', { name: 'Start with a trigger' }).waitFor();
    await screenshot(page, 'editor-empty');

    await addFromCatalog(page, 'webhook', 'Catch a webhook');
    await page.locator('.react-flow__node[data-id="trigger"]').waitFor();
    await addFromCatalog(page, 'http', 'HTTP request');
    await page.locator('.react-flow__node[data-id="request"]').waitFor();
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 15_000 }).toBe(1);
    session.console.assertClean();
  });

  it('shows the API’s validation errors on the node and on the field', async () => {
    const { page } = session;
    session.console.expectApiAnswer(400, /^\/api\/v1\/workflows\/[^/]+\/activate$/);
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.locator('.react-flow__node[data-id="request"] .step-invalid').waitFor();
    await page.locator('.react-flow__node[data-id="request"]').click();
    await expect
      .poll(() => page.locator('[id="cfg-request.url__error"]').textContent(), { timeout: 15_000 })
      .toBeTruthy();
    expect(session.console.apiAnswers).toEqual([`400 /api/v1/workflows/${workflowId}/activate`]);
    await screenshot(page, 'editor-api-errors');
    await page.getByRole('textbox', { name: /^URL/ }).fill(`${area.url}/api/v1/health`);
    session.console.assertClean();
  });

  it('connects two nodes by dragging and saves a moved node’s position', async () => {
    const { page } = session;
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await addFromCatalog(page, 'transform', 'Build an object');
    const added = page.locator('.react-flow__node').last();
    const addedKey = (await added.getAttribute('data-id'))!;
    await page
      .locator('.react-flow__node[data-id="request"] .react-flow__handle.source')
      .dragTo(page.locator(`.react-flow__node[data-id="${addedKey}"] .react-flow__handle.target`));
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 15_000 }).toBe(2);

    const box = (await added.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 12);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + 72, { steps: 8 });
    await page.mouse.up();

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();
    const saved = await workflowOf(page, workflowId);
    expect(saved.definition.edges).toContainEqual({ from: 'request', to: addedKey });
    const before = saved.definition.nodes.find((n) => n.key === addedKey)?.position;
    expect(before).toBeDefined();

    await page.reload();
    await page.locator(`.react-flow__node[data-id="${addedKey}"]`).waitFor();
    expect(
      (await workflowOf(page, workflowId)).definition.nodes.find((n) => n.key === addedKey)?.position,
    ).toEqual(before);
    await screenshot(page, 'editor-built');
    session.console.assertClean();
  });

  it('exports the workflow as JSON', async () => {
    const { page } = session;
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export' }).click();
    const file = await (await download).path();
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported.format).toBe('area.workflow');
    expect(exported.definition.trigger.component).toBe('catch_hook');
    session.console.assertClean();
  });

  it('opens the assistant beside the graph and closes it again', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Assistant' }).click();
    const message = page.getByRole('textbox', { name: 'Message to the assistant' });
    await message.waitFor();
    expect(await page.getByText('Describe what should happen').isVisible()).toBe(true);
    await screenshot(page, 'editor-assistant');
    await page.getByRole('button', { name: 'Assistant' }).click();
    await message.waitFor({ state: 'detached' });
    session.console.assertClean();
  });

  it('removes the unfinished step, activates, lists the version and runs by hand with input', async () => {
    const { page } = session;
    const last = page.locator('.react-flow__node').last();
    await last.click();
    await page.getByRole('button', { name: 'Remove this node' }).click();
    await page.locator('.react-flow__node[data-id="request"]').click();
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByRole('status').filter({ hasText: 'Active: it runs on its trigger now' }).waitFor();
    expect((await workflowOf(page, workflowId)).status).toBe('active');

    await page.getByRole('button', { name: 'Versions' }).click();
    await page.getByRole('dialog').getByText('Version 1').waitFor();
    await screenshot(page, 'editor-versions');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByLabel('Input (JSON)').fill('{"hello": "world"}');
    await page.getByRole('dialog').getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/.+/);
    await page.locator('.page-header .badge').filter({ hasText: 'success' }).waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.locator('pre.json').first().textContent(), { timeout: 15_000 })
      .toContain('hello');
    session.console.assertClean();
  });
});
