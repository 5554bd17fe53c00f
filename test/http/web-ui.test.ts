import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultWebRoot, webUi } from '../../src/http/web-ui.js';
import { createTempDir, type TempDir } from '../support/store-fixtures.js';

let dir: TempDir | undefined;
afterEach(() => {
  dir?.remove();
  dir = undefined;
});

const INDEX = '<!doctype html><div id="root"></div>';

/** An app shaped like createApp's: JSON 404s, the UI first, then API and health routes. */
function appServing(root: string) {
  const app = new Hono();
  app.notFound((c) => c.json({ error: { code: 'notFound', message: 'no route' } }, 404));
  app.use('*', webUi(root));
  app.get('/api/campaigns', (c) => c.json({ campaigns: [] }));
  app.get('/health', (c) => c.json({ status: 'ok' }));
  return app;
}

function builtUi(): string {
  dir = createTempDir();
  mkdirSync(join(dir.path, 'assets'));
  writeFileSync(join(dir.path, 'index.html'), INDEX);
  writeFileSync(join(dir.path, 'assets', 'index-abc123.js'), 'console.log(1)');
  return dir.path;
}

describe('webUi', () => {
  it('serves index.html at / and for any page path, so a reload lands in the UI', async () => {
    const app = appServing(builtUi());
    for (const path of ['/', '/campaigns/c1', '/campaigns/c1/leads/l9', '/setup']) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toBe(INDEX);
    }
  });

  it('serves the hashed assets with a long cache life', async () => {
    const app = appServing(builtUi());
    const response = await app.request('/assets/index-abc123.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('javascript');
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('leaves the API and the server routes alone, their 404s included', async () => {
    const app = appServing(builtUi());
    expect(await (await app.request('/api/campaigns')).json()).toEqual({ campaigns: [] });
    expect(await (await app.request('/health')).json()).toEqual({ status: 'ok' });
    const missing = await app.request('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
    const post = await app.request('/campaigns', { method: 'POST' });
    expect(post.status).toBe(404);
    expect(post.headers.get('content-type')).toContain('application/json');
  });

  it('answers 404 for a missing file rather than the page', async () => {
    const app = appServing(builtUi());
    const response = await app.request('/assets/gone-000.js');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
  });

  it('answers HEAD for a page without a body', async () => {
    const app = appServing(builtUi());
    const response = await app.request('/campaigns', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('says how to build the UI when it is not built, and keeps the API working', async () => {
    dir = createTempDir();
    const app = appServing(join(dir.path, 'not-built'));
    const page = await app.request('/');
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('npm run build');
    expect((await app.request('/api/campaigns')).status).toBe(200);
  });

  it('finds the UI in the package’s dist/web', () => {
    expect(defaultWebRoot()).toBe(join(process.cwd(), 'dist', 'web'));
  });
});
