import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { connectAriClient } from '../../src/ari/ari-connect.js';
import { AriConnectionError } from '../../src/ari/ari-errors.js';
import { systemClock } from '../../src/calls/ports.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** An HTTP server that answers every request with `status`, counting them. */
async function answering(status: number): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 401 ? '{"message":"Authentication required"}' : '{}');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests: () => requests };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function options(attempts = 3) {
  return {
    clock: systemClock,
    log: pino({ level: 'silent' }),
    attempts,
    backoff: { initialMs: 10, maxMs: 40 },
    requestTimeoutMs: 2_000,
  };
}

describe('connectAriClient', () => {
  it('gives up on an unreachable port after the allowed attempts, with a clear error', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await connectAriClient(
      { url: `http://127.0.0.1:${port}`, user: 'dialstate', password: 'x' },
      options(3),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AriConnectionError);
    expect(error).toMatchObject({ reason: 'unreachable', status: undefined });
    expect((error as Error).message).toContain(`ARI is not reachable at http://127.0.0.1:${port}`);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).cause).toBeDefined();
    // Two backoff pauses, 10 then 20 ms, between the three attempts.
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
  });

  it('fails at once on wrong credentials, naming the user', async () => {
    const ari = await answering(401);
    const error = await connectAriClient(
      { url: ari.url, user: 'dialstate', password: 'wrong' },
      options(5),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'AriConnectionError',
      reason: 'unauthorized',
      status: 401,
    });
    expect((error as Error).message).toContain('refused user "dialstate" (HTTP 401)');
    expect(ari.requests()).toBe(1);
  });

  it('retries a server error and reports the last status', async () => {
    const ari = await answering(503);
    const error = await connectAriClient(
      { url: ari.url, user: 'u', password: 'p' },
      options(3),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'failed', status: 503 });
    expect(ari.requests()).toBe(3);
  });

  it('does not retry a URL that is not ARI', async () => {
    const ari = await answering(404);
    const error = await connectAriClient(
      { url: ari.url, user: 'u', password: 'p' },
      options(3),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'failed', status: 404 });
    expect((error as Error).message).toContain('is this Asterisk');
    expect(ari.requests()).toBe(1);
  });

  it('rejects a malformed URL before trying anything', async () => {
    await expect(
      connectAriClient({ url: 'not a url', user: 'u', password: 'p' }, options()),
    ).rejects.toMatchObject({ reason: 'failed', message: 'not a valid ARI URL: "not a url"' });
  });
});
