import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, openApiOf, textOf } from '../support/api-harness.js';

let h: ApiHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function setUp(): Promise<ApiHarness> {
  h = await createApiHarness({ apiToken: 'a-long-enough-secret-token' });
  return h;
}

/** Every route the app serves under /api, and /health and /metrics, as `METHOD /path/{param}`. */
function servedRoutes(x: ApiHarness): string[] {
  const routes = x.app.routes
    .filter((r) => r.path.startsWith('/api/') || ['/health', '/metrics'].includes(r.path))
    .filter((r) => r.method !== 'ALL')
    .filter((r) => !['/api/openapi.json', '/api/docs'].includes(r.path))
    .filter((r) => !r.path.startsWith('/api/docs/'))
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
  return [...new Set(routes)].sort();
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and documents every route the app serves, with its error shape', async () => {
    const x = await setUp();
    const response = await x.call('GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    const doc = openApiOf(response);
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(servedRoutes(x));
    expect(documented.length).toBeGreaterThan(10);
    expect(doc.components.schemas.Error).toBeDefined();
    expect(doc.security).toEqual([{ bearer: [] }]);
  });

  it('serves the interactive docs page without a token', async () => {
    const x = await setUp();
    const page = await x.call('GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(textOf(page)).toContain('/api/openapi.json');
  });

  it('serves the docs page with its own assets: it loads on a network without internet', async () => {
    const x = await setUp();
    const page = textOf(await x.call('GET', '/api/docs'));
    // Every address the page names, in attributes and in its script.
    const addresses = [...page.matchAll(/(?:src|href)="([^"]*)"|url: '([^']*)'/g)].map(
      (m) => m[1] ?? m[2] ?? '',
    );
    expect(addresses.length).toBeGreaterThanOrEqual(3);
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).toContain("validatorUrl: 'none'");
    for (const address of addresses) {
      expect(address).toMatch(/^\/api\//);
      if (address === '/api/openapi.json') continue;
      // No token, as for the page itself.
      const asset = await x.call('GET', address);
      expect(asset.status, address).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/^text\/(css|javascript)/);
      expect(textOf(asset).length).toBeGreaterThan(10_000);
    }
    // Only the page's files, nothing else of the package.
    expect((await x.call('GET', '/api/docs/assets/swagger-ui-dist/package.json')).status).toBe(404);
  });
});
