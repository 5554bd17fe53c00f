import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { AriConnectionError } from '../../src/ari/ari-errors.js';
import {
  type AriConnectionStatus,
  type AriEventStream,
  createAriEventStream,
} from '../../src/ari/ari-event-stream.js';
import { systemClock } from '../../src/calls/ports.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { ariRest } from '../sim/support/ari-recorder.js';

const USER = 'dialstate';
const PASSWORD = 'secret';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(): Promise<{ sim: Simulator; url: string }> {
  const sim = createSimulator({ user: USER, password: PASSWORD, timeScale: 0.01 });
  const { url } = await sim.start();
  cleanups.push(() => sim.stop());
  return { sim, url };
}

function stream(
  baseUrl: string,
  overrides: {
    heartbeatMs?: number;
    openTimeoutMs?: number;
    skipFrame?: (text: string) => boolean;
  } = {},
) {
  const statuses: AriConnectionStatus[] = [];
  const messages: Array<{ type?: string }> = [];
  let reconnects = 0;
  const events: AriEventStream = createAriEventStream({
    baseUrl,
    user: USER,
    password: PASSWORD,
    app: 'dialstate',
    clock: systemClock,
    log: pino({ level: 'silent' }),
    backoff: { initialMs: 200, maxMs: 2_000 },
    openTimeoutMs: overrides.openTimeoutMs ?? 2_000,
    heartbeatMs: overrides.heartbeatMs ?? 0,
    probeIntervalMs: 100,
    skipFrame: overrides.skipFrame,
    onMessage: (raw) => messages.push(raw as { type?: string }),
    onStatus: (status) => statuses.push(status),
    onReconnected: () => {
      reconnects += 1;
    },
  });
  cleanups.push(() => events.close());
  const states = () => statuses.map((s) => s.state);
  return { events, statuses, messages, states, reconnects: () => reconnects };
}

describe('createAriEventStream', () => {
  it('opens the websocket with the credentials, says connected and passes frames on', async () => {
    const { url } = await simulator();
    const { events, messages, states } = stream(url);
    await events.open();
    expect(states()).toEqual(['connected']);
    await ariRest(url, USER, PASSWORD).post('/channels', {
      endpoint: 'Local/5550107@from-internal',
      app: 'dialstate',
      channelId: 'frames',
    });
    await vi.waitFor(() => expect(messages.map((m) => m.type)).toContain('ChannelDestroyed'));
  });

  it('drops the frames skipFrame names before parsing them, and still hears ApplicationReplaced', async () => {
    const { url } = await simulator();
    const seen: string[] = [];
    // Skips every frame but the ends of channels, and ApplicationReplaced, as the gateway's filter must.
    const skipFrame = (text: string) => {
      seen.push(text);
      return !text.includes('"ChannelDestroyed"') && !text.includes('"ApplicationReplaced"');
    };
    const { events, messages, states } = stream(url, { skipFrame });
    await events.open();
    await ariRest(url, USER, PASSWORD).post('/channels', {
      endpoint: 'Local/5550107@from-internal',
      app: 'dialstate',
      channelId: 'skipped',
    });
    await vi.waitFor(() =>
      expect(messages.filter((m) => m.type === 'ChannelDestroyed')).toHaveLength(2),
    );
    expect(seen.length).toBeGreaterThan(2);
    expect(new Set(messages.map((m) => m.type))).toEqual(new Set(['ChannelDestroyed']));
    const other = stream(url);
    await other.events.open();
    await vi.waitFor(() => expect(states()).toContain('disconnected'));
  });

  it('fails to open with a clear error when nothing answers', async () => {
    const { sim, url } = await simulator();
    await sim.stop();
    const { events, states } = stream(url);
    const error = await events.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AriConnectionError);
    expect((error as Error).message).toMatch(/^the ARI websocket for app "dialstate" failed: /);
    expect(states()).toEqual([]);
  });

  it('probes while the PBX is down and reconnects as soon as it answers again', async () => {
    const { sim, url } = await simulator();
    const { events, states, statuses, reconnects } = stream(url);
    await events.open();
    await sim.shutdown({ drainMs: 50 });
    await vi.waitFor(() => expect(states().filter((s) => s === 'reconnecting').length).toBe(3));
    expect(states().slice(0, 2)).toEqual(['connected', 'disconnected']);
    const back = Date.now();
    await sim.start();
    await vi.waitFor(() => expect(reconnects()).toBe(1));
    // Probes every ~100 ms here: back within a few of them, not after a back-off.
    expect(Date.now() - back).toBeLessThan(2_000);
    expect(statuses.at(-1)?.state).toBe('connected');
  });

  it('treats ApplicationReplaced as a lost connection and takes the app back after a backoff', async () => {
    const { url } = await simulator();
    const { events, states, statuses, reconnects } = stream(url);
    await events.open();
    const intruder = new WebSocket(
      `${url.replace('http', 'ws')}/ari/events?app=dialstate&api_key=${USER}:${PASSWORD}`,
    );
    cleanups.push(() => intruder.terminate());
    const intruderFrames: string[] = [];
    intruder.on('message', (data) => intruderFrames.push(String(data)));
    await vi.waitFor(() => expect(reconnects()).toBe(1));
    expect(states().slice(0, 3)).toEqual(['connected', 'disconnected', 'reconnecting']);
    expect(statuses[1]?.reason).toBe('application dialstate replaced by another websocket');
    expect(statuses.at(-1)?.state).toBe('connected');
    await vi.waitFor(() => expect(intruderFrames.join()).toContain('ApplicationReplaced'));
  });

  it('pings the socket and drops it when a ping goes unanswered', async () => {
    // A websocket server that never answers pings (ws answers them by itself otherwise).
    const server: Server = createServer();
    const upgraded = new Set<Duplex>();
    server.on('upgrade', (request, socket) => {
      upgraded.add(socket);
      const key = String(request.headers['sec-websocket-key']);
      const accept = createHash('sha1')
        .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
        .digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      for (const socket of upgraded) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    });
    const { port } = server.address() as AddressInfo;
    const { events, statuses } = stream(`http://127.0.0.1:${port}`, { heartbeatMs: 100 });
    await events.open();
    await vi.waitFor(() => expect(statuses[1]?.state).toBe('disconnected'));
    expect(statuses[1]?.reason).toBe('no answer to a websocket ping within 100 ms');
  });

  it('reads a frame that is not valid UTF-8 and keeps the connection', async () => {
    const server: Server = createServer();
    const sockets = new WebSocketServer({ server });
    sockets.on('connection', (socket) => {
      // A caller name in Latin-1: "é" as the one byte 0xE9, sent as a text frame.
      const bad = Buffer.concat([
        Buffer.from('{"type":"ChannelCallerId","caller":"Ren'),
        Buffer.from([0xe9]),
        Buffer.from('"}'),
      ]);
      socket.send(bad, { binary: false });
      socket.send('{"type":"StasisStart"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      sockets.close();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    });
    const { port } = server.address() as AddressInfo;
    const { events, messages, states } = stream(`http://127.0.0.1:${port}`);
    await events.open();
    await vi.waitFor(() => expect(messages.map((m) => m.type)).toContain('StasisStart'));
    expect(messages[0]).toEqual({ type: 'ChannelCallerId', caller: 'Ren\ufffd' });
    expect(states()).toEqual(['connected']);
  });

  it('stops the socket on close and reports nothing after', async () => {
    const { url } = await simulator();
    const { events, states } = stream(url);
    await events.open();
    events.close();
    await ariRest(url, USER, PASSWORD).post('/channels', {
      endpoint: 'Local/5550107@from-internal',
      app: 'dialstate',
      channelId: 'after-close',
    });
    expect(states()).toEqual(['connected']);
  });
});
