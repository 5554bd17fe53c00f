import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAriHttp } from '../../src/ari/ari-rest.js';
import { systemClock } from '../../src/calls/ports.js';

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

const http = (options: { user?: string; password?: string; maxSockets?: number } = {}) =>
  createAriHttp({ url, user: 'u', password: 'p', clock: systemClock, ...options });

describe('ARI requests on the kept-alive socket pool', () => {
  it('carries many concurrent requests on at most maxSockets kept-alive connections', async () => {
    const ari = http({ maxSockets: 4 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          ari.request('POST', '/channels', {
            query: { endpoint: `Local/${i}@x`, channelId: `c-${i}` },
          }),
        ),
      );
      expect(answers.every((answer) => answer.answered && answer.status === 200)).toBe(true);
      expect(seen).toHaveLength(200);
      expect(connections).toBeGreaterThan(0);
      expect(connections).toBeLessThanOrEqual(4);
      // A later request reuses a kept socket rather than connecting again.
      const before = connections;
      await ari.request('POST', '/channels', { query: { endpoint: 'Local/again@x' } });
      expect(connections).toBe(before);
    } finally {
      ari.close();
    }
  });

  it('sends the path, query, JSON body and basic credentials as ari-client did', async () => {
    const ari = http({ user: 'dialer', password: 's3cret' });
    try {
      await ari.request('POST', '/channels', {
        query: { endpoint: 'Local/+1555@from internal', channelId: 'dialstate-a' },
        body: { variables: { A: '1' } },
      });
      await ari.request('DELETE', `/channels/${encodeURIComponent('dialstate-a;2')}`, {
        query: { reason: 'normal' },
      });
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
      ari.close();
    }
  });

  it('gives an error answer with its status and body', async () => {
    const ari = http();
    try {
      const answer = await ari.request('DELETE', '/channels/gone');
      expect(answer).toMatchObject({
        answered: true,
        status: 404,
        body: { message: 'Channel not found' },
      });
    } finally {
      ari.close();
    }
  });

  it('gives up on a request past its time limit and frees its socket for the next', async () => {
    const ari = http({ maxSockets: 1 });
    try {
      let release: (() => void) | undefined;
      hold = (answer) => {
        release = answer;
      };
      const slow = await ari.request('DELETE', '/channels/slow', { timeoutMs: 200 });
      expect(slow).toMatchObject({ answered: false, timedOut: true });
      expect(release).toBeDefined();
      hold = null;
      // The one socket is free again: the next request gets through.
      const next = await ari.request('DELETE', '/channels/next');
      expect(next).toMatchObject({ answered: true, status: 200 });
      release?.();
    } finally {
      ari.close();
    }
  });

  it('sends once more, on a new socket, a request whose kept socket the server had closed', async () => {
    const ari = http({ maxSockets: 1 });
    try {
      expect(await ari.request('GET', '/asterisk/ping')).toMatchObject({ status: 200 });
      // The server drops every idle connection, as Asterisk does after its keep-alive time.
      server.closeIdleConnections();
      const again = await ari.request('GET', '/asterisk/ping');
      expect(again).toMatchObject({ answered: true, status: 200 });
      expect(seen).toHaveLength(2);
    } finally {
      ari.close();
    }
  });
});
