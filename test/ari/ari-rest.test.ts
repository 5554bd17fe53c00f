import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from 'ari-client';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { connectAriClient } from '../../src/ari/ari-connect.js';
import { AriConnectionError, AriRequestError } from '../../src/ari/ari-errors.js';
import { createAriHttp, createAriRest } from '../../src/ari/ari-rest.js';
import { systemClock } from '../../src/calls/ports.js';
import { createSimulator } from '../../src/sim/simulator.js';

const USER = 'dialstate';
const PASSWORD = 'secret';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The simulator, and the REST caller over the api-docs ari-client loaded from it. */
async function restAgainstSimulator() {
  const sim = createSimulator({ user: USER, password: PASSWORD, timeScale: 0.01 });
  const { url } = await sim.start();
  cleanups.push(() => sim.stop());
  const client = await connectAriClient(
    { url, user: USER, password: PASSWORD },
    {
      clock: systemClock,
      log: pino({ level: 'silent' }),
      attempts: 1,
      backoff: { initialMs: 10, maxMs: 10 },
      requestTimeoutMs: 5_000,
    },
  );
  const http = createAriHttp({ url, user: USER, password: PASSWORD, clock: systemClock });
  return { sim, http, rest: createAriRest(client, http) };
}

/** An HTTP server that takes requests and never answers them. */
async function silentServer(): Promise<string> {
  const server: Server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** A client with ARI's api-docs for `channels.get` only, as swagger-client keeps them. */
const CHANNELS_GET = {
  _swagger: {
    apis: {
      channels: {
        operations: {
          originate: { path: '/channels', method: 'POST', parameters: [] },
          get: {
            path: '/channels/{channelId}',
            method: 'GET',
            parameters: [{ name: 'channelId', paramType: 'path' }],
          },
        },
      },
    },
  },
} as unknown as Client;

describe('createAriRest over the one ARI HTTP client', () => {
  it('places path, query and body parameters as ari-client does and drops absent values', async () => {
    const { sim, rest } = await restAgainstSimulator();
    const answer = await rest.call('channels', 'originate', {
      endpoint: 'Local/100@from-internal',
      app: 'dialstate',
      channelId: 'dialstate-a/b',
      callerId: undefined,
      label: null,
      variables: { AMPUSER: '6789' },
    });
    expect(answer).toMatchObject({ id: 'dialstate-a/b' });
    expect(sim.requests().at(-1)).toEqual({
      method: 'POST',
      path: '/ari/channels',
      query: { endpoint: 'Local/100@from-internal', app: 'dialstate', channelId: 'dialstate-a/b' },
      body: { variables: { AMPUSER: '6789' } },
    });
  });

  it('keeps the status and ARI’s message of a refusal, which ari-client itself drops', async () => {
    const { sim, rest } = await restAgainstSimulator();
    await expect(rest.call('channels', 'get', { channelId: 'no/body' })).rejects.toMatchObject({
      name: 'AriRequestError',
      status: 404,
      operation: 'channels.get',
      detail: 'Channel not found',
    });
    // The id is one path segment, slash and all.
    expect(sim.requests().at(-1)).toMatchObject({ method: 'GET', path: '/ari/channels/no%2Fbody' });
  });

  it('drops an answer the caller does not read, on the same kept socket, and still explains a refusal', async () => {
    const { sim, http, rest } = await restAgainstSimulator();
    const params = { endpoint: 'Local/100@from-internal', app: 'dialstate' };
    const unread = { answer: false };
    expect(await rest.call('channels', 'originate', { ...params, channelId: 'u-1' }, unread)).toBe(
      undefined,
    );
    // The dropped body was read off the socket: the next requests go out on it and are answered.
    expect(await rest.call('channels', 'originate', { ...params, channelId: 'u-2' }, unread)).toBe(
      undefined,
    );
    // Not `channels.get u-2`: at the simulator's time scale the call may have rung out already.
    expect(await rest.call('asterisk', 'ping')).toMatchObject({ ping: 'pong' });
    expect(sim.calls().map((call) => call.channelId)).toEqual(
      expect.arrayContaining(['u-1', 'u-2']),
    );
    await expect(
      rest.call('channels', 'get', { channelId: 'nobody' }, unread),
    ).rejects.toMatchObject({ status: 404, detail: 'Channel not found' });
    const raw = await http.request('GET', '/asterisk/ping', { readBody: false });
    expect(raw).toMatchObject({ answered: true, status: 200, body: undefined });
  });

  it('keeps a 503 HTML page as its status and first line, never the page', async () => {
    const { sim, rest } = await restAgainstSimulator();
    // REST answers 503 from the start of a shutdown until the listener closes.
    const shutdown = sim.shutdown({ drainMs: 2_000 });
    cleanups.push(() => shutdown);
    const error = await rest.call('asterisk', 'ping').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AriRequestError);
    expect(error).toMatchObject({ status: 503, detail: '503 Service Unavailable' });
    expect((error as Error).message).toBe(
      'ARI asterisk.ping failed (HTTP 503): 503 Service Unavailable',
    );
  });

  it('gives up on a request that never gets an answer, timed by the injected clock', async () => {
    const clock = new SimulatedClock();
    const url = await silentServer();
    const http = createAriHttp({ url, user: USER, password: PASSWORD, clock, timeoutMs: 2_000 });
    const pending = createAriRest(CHANNELS_GET, http).call('channels', 'get', { channelId: 'x' });
    clock.increment(2_000);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AriRequestError);
    expect(error).toMatchObject({ status: undefined, detail: 'no answer within 2000 ms' });
  });

  it('says so when nothing listens, with no status', async () => {
    const url = await closedPort();
    const http = createAriHttp({ url, user: USER, password: PASSWORD, clock: systemClock });
    await expect(
      createAriRest(CHANNELS_GET, http).call('channels', 'get', { channelId: 'x' }),
    ).rejects.toMatchObject({
      status: undefined,
      detail: 'connection refused, nothing listens there (ECONNREFUSED)',
    });
  });

  it('rejects an operation the api-docs do not have, a missing path parameter, and a client without api-docs', async () => {
    const http = createAriHttp({
      url: await closedPort(),
      user: USER,
      password: PASSWORD,
      clock: systemClock,
    });
    const rest = createAriRest(CHANNELS_GET, http);
    await expect(rest.call('channels', 'teleport')).rejects.toMatchObject({
      detail: 'no such operation in the api-docs',
    });
    await expect(rest.call('channels', 'get', {})).rejects.toMatchObject({
      detail: 'not sent: channelId is a required path param.',
    });
    expect(() => createAriRest({} as Client, http)).toThrow(AriConnectionError);
  });
});

describe('createAriHttp', () => {
  it('authenticates with HTTP Basic and names each request for messages', async () => {
    const { http } = await restAgainstSimulator();
    const wrong = createAriHttp({
      url: http.baseUrl,
      user: USER,
      password: 'nope',
      clock: systemClock,
    });
    const refused = await wrong.request('GET', '/asterisk/ping');
    expect(refused).toMatchObject({ answered: true, status: 401 });
    const pong = await http.request('GET', '/asterisk/ping', { query: { unused: undefined } });
    expect(pong).toMatchObject({
      answered: true,
      status: 200,
      body: { ping: 'pong' },
      what: `GET ${http.baseUrl}/ari/asterisk/ping`,
    });
    expect(http.eventsUrl('a b')).toBe(
      `${http.baseUrl.replace(/^http/, 'ws')}/ari/events?app=a%20b`,
    );
  });
});
