import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AriPoolResponse,
  createAriHttpPool,
  requestPath,
} from '../../src/ari/ari-http-pool.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

let server: Server;
let url: string;
let connections: number;
let seen: Seen[];
let hold: ((release: () => void) => void) | null;

beforeEach(async () => {
  connections = 0;
  seen = [];
  hold = null;
  server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization,
        contentType: request.headers['content-type'],
        body: Buffer.concat(chunks).toString(),
      });
      const answer = () => {
        if (request.url?.startsWith('/ari/channels/gone')) {
          response.writeHead(404, { 'content-type': 'application/json' });
          response.end('{"message":"Channel not found"}');
        } else {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"ok":true}');
        }
      };
      if (hold) hold(answer);
      else answer();
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ORIGINATE = {
  method: 'post',
  path: '/channels',
  parameters: [
    { name: 'endpoint', paramType: 'query' },
    { name: 'channelId', paramType: 'query' },
    { name: 'variables', paramType: 'body' },
  ],
};
const HANGUP = {
  method: 'delete',
  path: '/channels/{channelId}',
  parameters: [
    { name: 'channelId', paramType: 'path' },
    { name: 'reason', paramType: 'query' },
  ],
};

function send(
  pool: ReturnType<typeof createAriHttpPool>,
  operation: typeof ORIGINATE,
  args: Record<string, unknown>,
): Promise<{ ok: boolean; response: AriPoolResponse }> {
  return new Promise((resolve) => {
    pool.send(
      operation,
      args,
      (response) => resolve({ ok: true, response }),
      (response) => resolve({ ok: false, response }),
    );
  });
}

describe('createAriHttpPool', () => {
  it('carries many concurrent requests on at most maxSockets kept-alive connections', async () => {
    const pool = createAriHttpPool({ url, user: 'u', password: 'p', maxSockets: 4 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          send(pool, ORIGINATE, { endpoint: `Local/${i}@x`, channelId: `c-${i}` }),
        ),
      );
      expect(answers.every((answer) => answer.ok && answer.response.status === 200)).toBe(true);
      expect(seen).toHaveLength(200);
      expect(connections).toBeGreaterThan(0);
      expect(connections).toBeLessThanOrEqual(4);
      // A later request reuses a kept socket rather than connecting again.
      const before = connections;
      await send(pool, ORIGINATE, { endpoint: 'Local/again@x', channelId: 'c-again' });
      expect(connections).toBe(before);
    } finally {
      pool.close();
    }
  });

  it('sends what swagger-client sent: path, query, JSON body and basic credentials', async () => {
    const pool = createAriHttpPool({ url, user: 'dialer', password: 's3cret' });
    try {
      await send(pool, ORIGINATE, {
        endpoint: 'Local/+1555@from internal',
        channelId: 'dialstate-a',
        body: '{"variables":{"A":"1"}}',
      });
      await send(pool, HANGUP, { channelId: 'dialstate-a;2', reason: 'normal' });
      expect(seen).toEqual([
        {
          method: 'POST',
          url: '/ari/channels?endpoint=Local%2F%2B1555%40from%20internal&channelId=dialstate-a',
          authorization: `Basic ${Buffer.from('dialer:s3cret').toString('base64')}`,
          contentType: 'application/json',
          body: '{"variables":{"A":"1"}}',
        },
        {
          method: 'DELETE',
          url: '/ari/channels/dialstate-a%3B2?reason=normal',
          authorization: `Basic ${Buffer.from('dialer:s3cret').toString('base64')}`,
          contentType: undefined,
          body: '',
        },
      ]);
    } finally {
      pool.close();
    }
  });

  it('hands an error answer to onError with its status and body', async () => {
    const pool = createAriHttpPool({ url, user: 'u', password: 'p' });
    try {
      const answer = await send(pool, HANGUP, { channelId: 'gone' });
      expect(answer).toEqual({
        ok: false,
        response: { status: 404, data: '{"message":"Channel not found"}' },
      });
    } finally {
      pool.close();
    }
  });

  it('calls neither callback for an abandoned request, and frees its socket', async () => {
    const pool = createAriHttpPool({ url, user: 'u', password: 'p', maxSockets: 1 });
    try {
      let release: (() => void) | undefined;
      hold = (answer) => {
        release = answer;
      };
      const called: string[] = [];
      const abandon = pool.send(
        HANGUP,
        { channelId: 'slow' },
        () => called.push('success'),
        () => called.push('error'),
      );
      await new Promise<void>((resolve) => {
        const check = () => (release ? resolve() : setImmediate(check));
        check();
      });
      abandon();
      hold = null;
      // The one socket is free again: the next request gets through.
      const next = await send(pool, HANGUP, { channelId: 'next' });
      expect(next.ok).toBe(true);
      release?.();
      expect(called).toEqual([]);
    } finally {
      pool.close();
    }
  });

  it('refuses a request that lacks a path parameter, as swagger-client did', () => {
    expect(() => requestPath(HANGUP, {})).toThrow('channelId is a required path param.');
  });
});
