import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserSession,
  openBrowser,
  type RunningArea,
  requireChromium,
  screenshot,
  startArea,
} from './harness.ts';

/**
 * The web app as a person meets it: sign up, every main page renders with its heading, sign out and
 * back in, an API key shown once. No console error on the way.
 */
describe('web app pages', { timeout: 90_000 }, () => {
  let area: RunningArea;
  let session: BrowserSession;
  const email = `pages-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    requireChromium();
    area = await startArea(['api']);
    session = await openBrowser(area.url);
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await area?.close();
  });

  it('signs up and lands on the dashboard', async () => {
    const { page } = session;
    await page.goto('/');
    await page.waitForURL('**/signin?next=%2F');
    await screenshot(page, 'sign-in');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await screenshot(page, 'sign-up');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Hello, Ada Lovelace' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('heading', { name: 'Runs per day' }).waitFor();
    await screenshot(page, 'dashboard');
    session.console.assertClean();
  });

  const pages: [string, string, string][] = [
    ['/workflows', 'Workflows', 'workflows'],
    ['/runs', 'Runs', 'runs'],
    ['/templates', 'Templates', 'templates'],
    ['/connections', 'Connections', 'connections'],
    ['/secrets', 'Secrets', 'secrets'],
    ['/settings', 'Profile', 'profile'],
    ['/settings/api-keys', 'API keys', 'api-keys'],
    ['/admin', 'Admin', 'admin'],
  ];
  for (const [path, heading, shot] of pages) {
    it(`shows ${path} from the navigation`, async () => {
      const { page } = session;
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: heading, exact: true })
        .click();
      await page.waitForURL(`**${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForSelector('.loading', { state: 'detached' });
      await screenshot(page, shot);
      session.console.assertClean();
    });
  }

  it('saves the time zone on the profile', async () => {
    const { page } = session;
    await page.goto('/settings');
    await page.getByLabel('Time zone').selectOption('Europe/Paris');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const me = await page.evaluate(async () => {
      const session = JSON.parse(localStorage.getItem('area.session') ?? '{}');
      const response = await fetch('/api/v1/me', {
        headers: { authorization: `Bearer ${session.accessToken}` },
      });
      return response.json();
    });
    expect(me.timezone).toBe('Europe/Paris');
    session.console.assertClean();
  });

  it('creates an API key, shows it once, and revokes it', async () => {
    const { page } = session;
    await page.goto('/settings/api-keys');
    await page.getByRole('button', { name: 'New API key' }).click();
    await page.getByLabel('Name').fill('deploy script');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.locator('.secret-value').textContent();
    expect(key).toMatch(/^area_/);
    await page.getByRole('cell', { name: 'deploy script', exact: true }).waitFor();
    await screenshot(page, 'api-key-created');
    await page.getByRole('button', { name: 'Revoke deploy script' }).click();
    await page.getByRole('cell', { name: 'deploy script', exact: true }).waitFor({ state: 'detached' });
    session.console.assertClean();
  });

  it('adds, replaces and deletes a secret without ever showing its value again', async () => {
    const { page } = session;
    await page.goto('/secrets');
    await page.getByRole('button', { name: 'New secret' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('SLACK_TOKEN');
    await dialog.getByLabel('Value').fill('xoxb-very-secret');
    await dialog.getByRole('button', { name: 'Save secret' }).click();
    await page.getByRole('cell', { name: 'SLACK_TOKEN', exact: true }).waitFor();
    expect(await page.content()).not.toContain('xoxb-very-secret');
    await page.getByRole('button', { name: 'Replace' }).click();
    await dialog.getByLabel('Value').fill('xoxb-newer-secret');
    await dialog.getByRole('button', { name: 'Save secret' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await screenshot(page, 'secrets-with-one');
    await page.getByRole('button', { name: 'Delete SLACK_TOKEN' }).click();
    await page.getByRole('heading', { name: 'No secrets yet' }).waitFor();
    session.console.assertClean();
  });

  it('adds a connection from the service’s auth form and deletes it', async () => {
    const { page } = session;
    await page.goto('/connections');
    await page.getByRole('button', { name: 'Add connection' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Service').selectOption({ label: 'HTTP' });
    await dialog.getByLabel('Connection name').fill('Example API');
    await dialog.getByRole('textbox', { name: /^Token/ }).fill('token-123');
    await screenshot(page, 'connection-form');
    await dialog.getByRole('button', { name: 'Save connection' }).click();
    await page.getByRole('cell', { name: 'Example API', exact: true }).waitFor();
    expect(await page.content()).not.toContain('token-123');
    await screenshot(page, 'connections-with-one');
    await page.getByRole('button', { name: 'Delete Example API' }).click();
    await page.getByRole('heading', { name: 'No connections yet' }).waitFor();
    session.console.assertClean();
  });

  it('shows the audit log and the system status to the admin', async () => {
    const { page } = session;
    await page.goto('/admin');
    await page.getByRole('tab', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'auth.registered' }).first().waitFor();
    await screenshot(page, 'admin-audit');
    await page.getByRole('tab', { name: 'System status' }).click();
    await page.getByRole('heading', { level: 2, name: /Overall|System status/ }).waitFor();
    await page.waitForSelector('.loading', { state: 'detached' });
    await screenshot(page, 'admin-status');
    session.console.assertClean();
  });

  it('signs out, rejects a wrong password on the form, and signs back in', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/signin**');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not the password');
    session.console.expectApiAnswer(401, /^\/api\/v1\/auth\/login$/);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(session.console.apiAnswers).toEqual(['401 /api/v1/auth/login']);
    // The second attempt by keyboard alone: the form is labelled and in tab order.
    await page.getByLabel('Email').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe('password');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Hello, Ada Lovelace' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    session.console.assertClean();
  });

  it('answers a deep link with the app and an unknown API path with JSON', async () => {
    const page = await session.context.newPage();
    const response = await page.goto(`${area.url}/runs/does-not-exist`);
    expect(response?.headers()['content-type']).toContain('text/html');
    await page.close();
    const api = await fetch(`${area.url}/api/v1/no-such-route`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});
