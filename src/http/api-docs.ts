import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { swaggerUI } from '@hono/swagger-ui';
import { Hono } from 'hono';
import { etag } from 'hono/etag';

/** Where the docs page's script and style are served from (this server, never a CDN). */
export const API_DOCS_ASSETS = '/api/docs/assets';

/** The files of swagger-ui-dist the page loads, and their content types. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const require = createRequire(import.meta.url);

/**
 * `/api/docs`: Swagger UI over `/api/openapi.json`, with its assets served by this server
 * from the swagger-ui-dist package. A PBX often sits on a network without internet, where
 * a page loading its script from a CDN stays blank. The version is the installed one, so
 * the page and its assets cannot disagree; the validator badge (a request to
 * validator.swagger.io) is off.
 */
export function apiDocsRoutes() {
  const cache = new Map<string, Promise<Buffer>>();
  const asset = (file: string) => {
    let bytes = cache.get(file);
    if (bytes === undefined) {
      bytes = readFile(require.resolve(`swagger-ui-dist/${file}`));
      cache.set(file, bytes);
    }
    return bytes;
  };

  const assetsPath = `${API_DOCS_ASSETS.slice('/api'.length)}/swagger-ui-dist`;
  return new Hono()
    .use(`${assetsPath}/*`, etag())
    .get(
      '/docs',
      swaggerUI({
        url: '/api/openapi.json',
        title: 'dialstate API',
        // @hono/swagger-ui appends `/swagger-ui-dist` to its base URL.
        baseUrl: API_DOCS_ASSETS,
        validatorUrl: 'none',
      }),
    )
    .get(`${assetsPath}/:file`, async (c) => {
      const file = c.req.param('file');
      const type = ASSETS[file];
      if (type === undefined) return c.notFound();
      return c.body(new Uint8Array(await asset(file)), 200, {
        'content-type': type,
        // Named by no version: revalidated (by its ETag) rather than kept forever.
        'cache-control': 'no-cache',
      });
    });
}
