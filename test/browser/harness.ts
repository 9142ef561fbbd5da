import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { ProcessRole } from '../../src/app-context.ts';
import { createTestApp, type TestApp } from '../../src/testing/test-app.ts';
import { buildWeb, webBuildIsStale } from '../../web/build.ts';

/**
 * What the browser tests stand on: a real Area listening on loopback (fresh database, built web app),
 * Debian's Chromium driven by playwright-core, console errors collected, screenshots saved.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url));

/** Fails with one line when the browser is not installed: the suite must never pass without it. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium" to run the browser tests`,
    );
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningArea {
  url: string;
  test: TestApp;
  close(): Promise<void>;
}

/** A whole Area (API, web app, workers, scheduler) on 127.0.0.1 with its own database. */
export async function startArea(roles: ProcessRole[] = ['api', 'worker', 'scheduler']): Promise<RunningArea> {
  if (webBuildIsStale()) await buildWeb();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const test = await createTestApp({
    roles,
    env: { PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url },
  });
  try {
    await test.app.start();
  } catch (error) {
    await test.close();
    throw error;
  }
  return { url, test, close: () => test.close() };
}

export interface ConsoleProblem {
  kind: 'console' | 'pageerror' | 'requestfailed';
  text: string;
  url?: string | undefined;
}

const API_ANSWER = /^Failed to load resource: the server responded with a status of (4\d\d)/;

/**
 * Every console error and uncaught exception of the page. The browser also logs each 4xx answer
 * of the API as a console error. A test that provokes one on purpose (a wrong password, an invalid
 * workflow) declares it with `expectApiAnswer` first; it is then kept in `apiAnswers` for the test
 * to check. Any other is a problem like the rest.
 */
export class ConsoleWatch {
  readonly problems: ConsoleProblem[] = [];
  readonly apiAnswers: string[] = [];
  private readonly expected: { status: number; path: RegExp }[] = [];

  expectApiAnswer(status: number, path: RegExp): void {
    this.expected.push({ status, path });
  }

  attach(page: Page): void {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location()?.url;
      const status = Number(API_ANSWER.exec(message.text())?.[1]);
      const path = where ? new URL(where).pathname : '';
      if (status && this.expected.some((e) => e.status === status && e.path.test(path))) {
        this.apiAnswers.push(`${status} ${path}`);
        return;
      }
      this.problems.push({ kind: 'console', text: message.text(), url: where });
    });
    page.on('pageerror', (error) =>
      this.problems.push({ kind: 'pageerror', text: error.stack ?? error.message }),
    );
    page.on('requestfailed', (request) => {
      const failure = request.failure()?.errorText ?? 'failed';
      // Navigating away aborts polling requests: that is not an error of the app.
      if (failure.includes('ERR_ABORTED')) return;
      this.problems.push({ kind: 'requestfailed', text: `${request.method()} ${request.url()}: ${failure}` });
    });
  }

  /** Throws with every problem seen, so the test names them all. */
  assertClean(): void {
    if (this.problems.length > 0) {
      throw new Error(
        `console errors in the browser:\n${this.problems.map((p) => `- [${p.kind}] ${p.text}${p.url ? ` at ${p.url}` : ''}`).join('\n')}`,
      );
    }
  }
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  console: ConsoleWatch;
  close(): Promise<void>;
}

export async function openBrowser(baseURL: string): Promise<BrowserSession> {
  requireChromium();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1440, height: 900 },
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const watch = new ConsoleWatch();
  watch.attach(page);
  return { browser, context, page, console: watch, close: () => browser.close() };
}

/** Saves `test-results/<name>.png` (the whole page), and fails when the page scrolls sideways. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const width = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    view: window.innerWidth,
  }));
  if (width.page > width.view) {
    throw new Error(
      `${name}: the page is ${width.page}px wide in a ${width.view}px window (something overflows)`,
    );
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
