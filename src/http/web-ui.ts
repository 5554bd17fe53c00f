import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { packageRoot } from '../package-root.js';

/**
 * Where `npm run build` puts the web UI (vite's outDir): `dist/web` in the package.
 */
export function defaultWebRoot(): string {
  return join(packageRoot(import.meta.url), 'dist', 'web');
}

/** Hashed file names under assets/ never change content; index.html must be re-read. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>dialstate</title>
<body style="font-family:system-ui;margin:2rem;max-width:40rem">
<h1>The web UI is not built</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds and serves), then reload.
The API is up: <a href="/api/docs">/api/docs</a>.</p></body></html>`;

/** Paths that belong to the server, never to the UI's client-side routes. */
const isServerPath = (path: string) => path === '/api' || path.startsWith('/api/');

/**
 * Serves the web UI next to the API on the same port: its files from `root`, and
 * `index.html` for any other GET the app has no route for, so that a reload on
 * `/campaigns/c1` lands in the UI's own router. Mount it before the routes: it answers
 * only for files that exist and for paths nothing else answered (the app's 404), and
 * leaves everything under `/api` alone, so routes added later still win.
 */
export function webUi(root: string = defaultWebRoot()): MiddlewareHandler {
  // Made on first use: serveStatic complains (console.error) when its root is missing,
  // and the UI may be built after the server started.
  let files: MiddlewareHandler | undefined;
  const index = join(root, 'index.html');

  return async (c, next) => {
    const method = c.req.method;
    if ((method !== 'GET' && method !== 'HEAD') || isServerPath(c.req.path)) return next();
    const built = existsSync(index);
    if (built && c.req.path !== '/' && c.req.path !== '/index.html') {
      files ??= serveStatic({ root });
      const served = await files(c, async () => {});
      if (served instanceof Response) {
        const hashed = c.req.path.startsWith('/assets/');
        served.headers.set('Cache-Control', hashed ? IMMUTABLE : 'no-cache');
        return served;
      }
    }
    await next();
    if (c.res.status !== 404) return;
    // A file-like path (`/favicon.png`) that is not there stays a 404.
    const last = c.req.path.split('/').at(-1) ?? '';
    if (last.includes('.') && last !== 'index.html') return;
    c.res = new Response(method === 'HEAD' ? null : built ? await readFile(index) : NOT_BUILT, {
      status: built ? 200 : 404,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
    });
  };
}
