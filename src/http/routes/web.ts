import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorBody } from '../errors.ts';
import type { RouteModule } from '../route-module.ts';

/** Where `npm install` (or the first `npm start`) builds the web app. */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

// ajv (the forms' validator) compiles schemas to functions, hence 'unsafe-eval'; the graph canvas sets inline styles.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Area</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>The web app is not built yet</h1>
<p>Build it with <code>npm run build:web</code> (or <code>npm install</code>), then reload this page.
The API is running: see <a href="/api/docs">/api/docs</a>.</p></body>`;

/** Paths the web app never answers: an unknown one there is an API 404, not the app. */
function isServerPath(url: string): boolean {
  return /^\/(api|hooks|metrics)(\/|$)/.test(url);
}

/** Serves the built web app at `/`: its files, and index.html for every other page (client-side routes). */
export const webRoutes: RouteModule = (app) => {
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    if (isServerPath(url)) {
      return reply.status(404).send({
        error: { code: 'not_found', message: `No route for ${request.method} ${url}` },
      } satisfies ErrorBody);
    }
    let relative: string;
    try {
      relative = decodeURIComponent(url).replace(/^\/+/, '');
    } catch {
      relative = '';
    }
    const file = path.resolve(WEB_DIST, relative);
    const inside = file.startsWith(WEB_DIST) && relative !== '' && !relative.endsWith('/');
    if (inside) {
      try {
        const body = await readFile(file);
        const hashed = relative.startsWith('assets/');
        void reply
          .type(TYPES[path.extname(file)] ?? 'application/octet-stream')
          .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
          .header('x-content-type-options', 'nosniff');
        return reply.send(body);
      } catch {
        // Not a file of the app: a client-side route, answered with index.html below.
      }
      if (relative.startsWith('assets/')) {
        return reply.status(404).type('text/plain; charset=utf-8').send('Not found');
      }
    }
    let index: Buffer;
    try {
      index = await readFile(path.join(WEB_DIST, 'index.html'));
    } catch {
      return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .send(index);
  });
};
