import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createAriHttp } from '../../src/ari/ari-rest.js';
import { systemClock } from '../../src/calls/ports.js';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * What the server does with the next request it reads: write an answer in the pieces it
 * is split into (each after the previous one's data has left), never answer, or drop
 * the connection without an answer, closing it (`end`) or resetting it (`reset`).
 */
type Answer = { pieces: (string | Buffer)[]; thenClose?: boolean } | 'never' | 'end' | 'reset';

/** A TCP server that speaks HTTP only as `answers` spell it, byte for byte. */
interface RawServer {
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** The request heads and bodies received, in order. */
  received: string[];
  /** For each request received, the connection it came on (1 for the first accepted). */
  connectionOf: number[];
  /** Resolves when `count` accepted connections have closed, with how long each was idle. */
  closedAfterAnswer(count: number): Promise<number[]>;
  close(): Promise<void>;
}

async function rawServer(answers: Answer[]): Promise<RawServer> {
  let accepted = 0;
  const received: string[] = [];
  const connectionOf: number[] = [];
  const sockets = new Set<net.Socket>();
  const idleAtClose: number[] = [];
  const closeWaiters: Array<() => void> = [];
  const server = net.createServer((socket) => {
    accepted += 1;
    const connection = accepted;
    sockets.add(socket);
    let lastAnswerAt = Date.now();
    socket.on('close', () => {
      sockets.delete(socket);
      idleAtClose.push(Date.now() - lastAnswerAt);
      for (const wake of closeWaiters.splice(0)) wake();
    });
    socket.on('error', () => {});
    let pending = '';
    socket.on('data', async (chunk) => {
      pending += chunk.toString('latin1');
      // One request per answer: its head, then the body its content-length gives.
      for (;;) {
        const headEnd = pending.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(pending.slice(0, headEnd))?.[1] ?? 0);
        if (pending.length < headEnd + 4 + length) return;
        received.push(pending.slice(0, headEnd + 4 + length));
        connectionOf.push(connection);
        pending = pending.slice(headEnd + 4 + length);
        const answer = answers.shift();
        if (answer === undefined || answer === 'never') continue;
        if (answer === 'end') return void socket.destroy();
        if (answer === 'reset') return void socket.resetAndDestroy();
        for (const piece of answer.pieces) {
          await new Promise<void>((resolve) => socket.write(piece, () => resolve()));
          await new Promise((resolve) => setImmediate(resolve));
        }
        lastAnswerAt = Date.now();
        if (answer.thenClose) socket.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    received,
    connectionOf,
    async closedAfterAnswer(count) {
      while (idleAtClose.length < count) {
        await new Promise<void>((resolve) => closeWaiters.push(resolve));
      }
      return idleAtClose.slice(0, count);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function against(answers: Answer[], maxSockets = 4) {
  const server = await rawServer(answers);
  const ari = createAriHttp({
    url: server.url,
    user: 'u',
    password: 'p',
    clock: systemClock,
    maxSockets,
  });
  cleanups.push(
    () => server.close(),
    () => ari.close(),
  );
  return { server, ari };
}

/**
 * True when the connection that carried request `index` carried a later one too: the
 * answer was read to its very end, leaving the socket fit for the next.
 */
function reusedAfter(server: RawServer, index: number): boolean {
  return server.connectionOf.slice(index + 1).includes(server.connectionOf[index] ?? 0);
}

const OK = (body: string): Answer => ({
  pieces: [`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`],
});

describe('ARI REST answers read byte by byte on the pool’s kept sockets', () => {
  it('reads an answer that comes a byte at a time, with a character split between writes, then reuses the socket', async () => {
    const body = '{"message":"Kanal nicht gefunden: Straße ☎"}';
    const whole = Buffer.from(
      `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    const { server, ari } = await against([
      { pieces: [...whole].map((byte) => Buffer.from([byte])) },
      { pieces: ['HTTP/1.1 204 No Content\r\n\r\n'] },
      OK('{}'),
    ]);
    expect(await ari.request('GET', '/channels/x')).toMatchObject({
      answered: true,
      status: 404,
      body: { message: 'Kanal nicht gefunden: Straße ☎' },
    });
    expect(await ari.request('DELETE', '/channels/x')).toMatchObject({
      answered: true,
      status: 204,
      body: undefined,
    });
    expect(await ari.request('GET', '/asterisk/ping')).toMatchObject({ status: 200, body: {} });
    expect(reusedAfter(server, 0)).toBe(true);
    expect(server.connections()).toBe(1);
  });

  it('reads a chunked answer, its trailer too, and reuses the socket', async () => {
    const { server, ari } = await against([
      {
        pieces: [
          'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
          '7\r\n{"id":"\r\n',
          'b;ext=1\r\ndialstate-a\r\n2\r\n"}\r\n0\r\n',
          'X-Trailer: 1\r\n\r\n',
        ],
      },
      { pieces: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'] },
      OK('{}'),
    ]);
    expect(await ari.request('GET', '/channels/a')).toMatchObject({
      status: 200,
      body: { id: 'dialstate-a' },
    });
    expect(await ari.request('GET', '/channels/b')).toMatchObject({ status: 200, body: {} });
    expect(await ari.request('GET', '/channels/c')).toMatchObject({ status: 200, body: {} });
    expect(reusedAfter(server, 0)).toBe(true);
    expect(server.connections()).toBe(1);
  });

  it('reads an answer that ends with its connection, and does not send the next request on it', async () => {
    const { server, ari } = await against([
      { pieces: ['HTTP/1.1 503 Service Unavailable\r\n\r\n', '<html>503</html>'], thenClose: true },
      { pieces: ['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}'] },
      OK('{"ok":true}'),
    ]);
    expect(await ari.request('GET', '/asterisk/ping')).toMatchObject({
      status: 503,
      body: '<html>503</html>',
    });
    expect(await ari.request('GET', '/asterisk/ping')).toMatchObject({ status: 200, body: {} });
    // `Connection: close`: the third request goes out on a socket of its own.
    expect(await ari.request('GET', '/asterisk/ping')).toMatchObject({ body: { ok: true } });
    expect(server.connections()).toBe(3);
    expect(server.received).toHaveLength(3);
  });

  it('drops an unread 2xx body but keeps an error body, both to their end, on one socket', async () => {
    const { server, ari } = await against([
      { pieces: ['HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n{"id":', '"chan"}'] },
      { pieces: ['HTTP/1.1 409 Conflict\r\nContent-Length: 13\r\n\r\n{"message":', '1}'] },
      OK('{}'),
      OK('{}'),
    ]);
    const originate = { body: { variables: {} }, readBody: false };
    expect(await ari.request('POST', '/channels', originate)).toMatchObject({
      status: 200,
      body: undefined,
    });
    expect(await ari.request('POST', '/channels', originate)).toMatchObject({
      status: 409,
      body: { message: 1 },
    });
    expect(await ari.request('GET', '/asterisk/ping')).toMatchObject({ status: 200, body: {} });
    expect(await ari.request('GET', '/asterisk/ping')).toMatchObject({ status: 200, body: {} });
    // Both sockets, the dropped body's and the kept one's, carried a request after.
    expect(reusedAfter(server, 0)).toBe(true);
    expect(reusedAfter(server, 1)).toBe(true);
    expect(server.connections()).toBe(1);
    // The request as ARI reads it: kept alive, basic credentials, a sized JSON body.
    const [head = '', body] = (server.received[0] ?? '').split('\r\n\r\n');
    const [line, ...fields] = head.split('\r\n');
    expect(line).toBe('POST /ari/channels HTTP/1.1');
    expect(fields.map((field) => field.toLowerCase()).sort()).toEqual(
      [
        'accept: application/json',
        'authorization: basic dtpw',
        'connection: keep-alive',
        'content-length: 16',
        'content-type: application/json',
        `host: ${new URL(server.url).host}`,
      ].sort(),
    );
    expect(body).toBe('{"variables":{}}');
  });

  it('gives up on a request still waiting for a socket when its time is up, and the pool carries on', async () => {
    const { server, ari } = await against(['never', OK('{}')], 1);
    const stuck = ari.request('GET', '/stuck', { timeoutMs: 400 });
    const queued = await ari.request('GET', '/queued', { timeoutMs: 100 });
    expect(queued).toMatchObject({
      answered: false,
      timedOut: true,
      reason: 'no answer within 100 ms',
    });
    expect(await stuck).toMatchObject({ answered: false, timedOut: true });
    // The stuck request's socket was closed with it; the next one goes out on a new one,
    // and the request given up while it waited was never sent.
    expect(await ari.request('GET', '/next')).toMatchObject({ answered: true, status: 200 });
    expect(server.received.map((request) => request.split(' ')[1])).toEqual([
      '/ari/stuck',
      '/ari/next',
    ]);
  });

  it('says what came when the answer is not HTTP, and does not send the request again', async () => {
    const { server, ari } = await against([{ pieces: ['SSH-2.0-OpenSSH_9.6\r\n\r\n'] }, OK('{}')]);
    expect(await ari.request('GET', '/asterisk/ping')).toMatchObject({
      answered: false,
      timedOut: false,
      reason: 'HPE_INVALID_CONSTANT',
    });
    expect(server.received).toHaveLength(1);
  });
});

describe('a kept socket the server dropped', () => {
  it.each(['end', 'reset'] as const)(
    'sends a request once more, on a new socket, when the server drops the kept socket it came on (%s)',
    async (drop) => {
      const { server, ari } = await against([OK('{}'), drop, OK('{"again":true}')], 1);
      expect(await ari.request('GET', '/asterisk/ping')).toMatchObject({ status: 200 });
      expect(await ari.request('POST', '/channels', { query: { channelId: 'c-1' } })).toMatchObject(
        { answered: true, status: 200, body: { again: true } },
      );
      expect(server.received.map((request) => request.split(' ')[1])).toEqual([
        '/ari/asterisk/ping',
        '/ari/channels?channelId=c-1',
        '/ari/channels?channelId=c-1',
      ]);
      expect(server.connections()).toBe(2);
    },
  );

  it.each(['end', 'reset'] as const)(
    'does not send again a request whose new socket the server dropped (%s), and says why',
    async (drop) => {
      const { server, ari } = await against([drop, OK('{}')], 1);
      expect(await ari.request('POST', '/channels', { query: { channelId: 'c-1' } })).toMatchObject(
        { answered: false, timedOut: false, reason: 'the connection was reset (ECONNRESET)' },
      );
      expect(server.received).toHaveLength(1);
    },
  );
});

describe('the kept sockets’ lifetime', () => {
  it('closes an idle socket after 4 s, closes every socket with the client, and opens new ones after', async () => {
    const { server, ari } = await against([OK('{}'), OK('{}'), OK('{}'), OK('{}')], 2);
    await Promise.all([ari.request('GET', '/a'), ari.request('GET', '/b')]);
    expect(server.connections()).toBe(2);
    // Both idle out, not before their 4 s.
    const idle = await server.closedAfterAnswer(2);
    for (const ms of idle) expect(ms).toBeGreaterThanOrEqual(3_900);
    expect(await ari.request('GET', '/c')).toMatchObject({ status: 200 });
    expect(server.connections()).toBe(3);
    ari.close();
    await server.closedAfterAnswer(3);
    expect(await ari.request('GET', '/d')).toMatchObject({ answered: true });
    expect(server.connections()).toBe(4);
  }, 20_000);

  it('lets the process exit with a kept socket idle and the client never closed', async () => {
    const server = await rawServer([OK('{"ping":"pong"}')]);
    cleanups.push(() => server.close());
    const script = `
      const { createAriHttp } = await import(${JSON.stringify(path.join(repoRoot, 'src/ari/ari-rest.ts'))});
      const { systemClock } = await import(${JSON.stringify(path.join(repoRoot, 'src/calls/ports.ts'))});
      const ari = createAriHttp({ url: ${JSON.stringify(server.url)}, user: 'u', password: 'p', clock: systemClock });
      console.log(JSON.stringify(await ari.request('GET', '/asterisk/ping')));
    `;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: repoRoot, timeout: 30_000 },
    );
    expect(JSON.parse(stdout)).toMatchObject({ answered: true, body: { ping: 'pong' } });
    // The socket was kept, and closed by the process ending on its own, well before
    // the 4 s a ref'd socket or keep-alive timer would have held it open.
    expect(server.connections()).toBe(1);
    const [idle = 0] = await server.closedAfterAnswer(1);
    expect(idle).toBeLessThan(3_900);
  }, 40_000);
});
