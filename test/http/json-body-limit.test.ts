import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type ErrorBody, errorBodySchema } from '../../src/http/api-error.js';
import { type HttpServer, listenHttp } from '../../src/http/http-server.js';
import { JSON_BODY_MAX_BYTES } from '../../src/http/json-body-limit.js';
import { apiHarnessPerTest, issuesOf } from '../support/api-harness.js';

const setUp = apiHarnessPerTest();
let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** What a client saw sending a chunked JSON body of up to `maxBytes` to a real server. */
interface StreamedPost {
  status: number;
  body: ErrorBody;
  /** Bytes of the body the client got to hand to its socket. */
  sent: number;
  /** Whether the client sent the whole body (false: the server closed the connection first). */
  sentAll: boolean;
}

/** POSTs a JSON body with no Content-Length (chunked), 64 KiB at a time, up to `maxBytes`. */
async function postStreamed(url: string, maxBytes: number): Promise<StreamedPost> {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let sent = 0;
  async function* body() {
    yield Buffer.from('{"name":"');
    while (sent < maxBytes) {
      sent += chunk.length;
      yield chunk;
    }
    yield Buffer.from('","timezone":"UTC"}');
  }
  const req = request(`${url}/api/campaigns`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on('response', async (res) => {
      let text = '';
      try {
        for await (const piece of res) text += piece;
      } catch (error) {
        reject(error);
      }
      resolve({ status: res.statusCode ?? 0, text });
    });
  });
  const sentAll = await pipeline(Readable.from(body()), req).then(
    () => true,
    () => false,
  );
  const { status, text } = await response;
  return { status, body: errorBodySchema.parse(JSON.parse(text)), sent, sentAll };
}

describe('JSON body limit', () => {
  it('refuses a streamed JSON body past 1 MiB with a 413 and closes the connection without reading it all', async () => {
    const x = await setUp();
    server = await listenHttp(x.app, { host: '127.0.0.1', port: 0 });
    const limit = 128 * 1024 * 1024;
    const result = await postStreamed(server.url, limit);
    expect(result.status).toBe(413);
    expect(result.body.error).toEqual({
      code: 'payloadTooLarge',
      message: 'a JSON body is larger than the limit of 1 MiB',
      details: { limitBytes: JSON_BODY_MAX_BYTES },
    });
    // The server held at most the limit, then dropped the connection: the client never got
    // to send the rest (the HTTP server discards up to 64 MiB before closing).
    expect(result.sentAll).toBe(false);
    expect(result.sent).toBeLessThan(limit);
    expect((await x.ok('$get', '/campaigns', {})).campaigns).toHaveLength(1);
  });

  it('refuses a JSON body whose Content-Length is past the limit before reading any of it', async () => {
    const x = await setUp();
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new TextEncoder().encode('{'));
      },
    });
    const response = await x.app.request('/api/campaigns', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(600 * 1024 ** 2) },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(errorBodySchema.parse(await response.json()).error.code).toBe('payloadTooLarge');
    // A stream pulls once when it is built, to fill its queue; nothing read it since.
    expect(pulled).toBe(1);
  });

  it('reads a JSON body just under the limit as usual', async () => {
    const x = await setUp();
    const name = 'x'.repeat(JSON_BODY_MAX_BYTES - 100);
    const response = await x.refused('$post', '/campaigns', { json: { name, timezone: 'UTC' } });
    expect(response.status).toBe(400);
    expect(issuesOf(response)).toEqual([
      { path: 'body.name', message: expect.stringMatching(/120/) },
    ]);
  });
});
