import { EventEmitter } from 'node:events';
import type { Client } from 'ari-client';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { AriConnectionError } from '../../src/ari/ari-errors.js';
import { type AriConnectionStatus, createAriEventStream } from '../../src/ari/ari-event-stream.js';

/**
 * Stands in for ari-client's Client: an EventEmitter that says `WebSocketConnected`,
 * `WebSocketReconnecting`, `WebSocketMaxRetries` and `pong`, and emits every frame as
 * `*` (lib/client.js). The test plays Asterisk's and ari-client's part by emitting.
 */
class ScriptedClient extends EventEmitter {
  starts = 0;
  stops = 0;
  pings = 0;
  terminations = 0;
  openOnStart = true;
  readonly _ws = {
    terminate: () => {
      this.terminations += 1;
    },
  };

  start(): Promise<void> {
    this.starts += 1;
    if (!this.openOnStart) return new Promise(() => {});
    queueMicrotask(() => this.emit('WebSocketConnected'));
    return new Promise((resolve) => this.once('WebSocketConnected', () => resolve()));
  }
  stop(): void {
    this.stops += 1;
  }
  ping(): void {
    this.pings += 1;
  }
}

function setup(heartbeatMs = 0) {
  const clock = new SimulatedClock();
  clock.set(1_000);
  const client = new ScriptedClient();
  const statuses: AriConnectionStatus[] = [];
  const messages: unknown[] = [];
  let reconnects = 0;
  const stream = createAriEventStream(client as unknown as Client, {
    app: 'dialstate',
    clock,
    log: pino({ level: 'silent' }),
    backoff: { initialMs: 500, maxMs: 4_000 },
    openTimeoutMs: 1_000,
    heartbeatMs,
    onMessage: (raw) => messages.push(raw),
    onStatus: (status) => statuses.push(status),
    onReconnected: () => {
      reconnects += 1;
    },
  });
  const states = () => statuses.map((s) => (s.reason ? `${s.state}: ${s.reason}` : s.state));
  return { clock, client, stream, statuses, messages, states, reconnects: () => reconnects };
}

describe('createAriEventStream', () => {
  it('opens the websocket, says connected and passes frames on', async () => {
    const { client, stream, states, messages } = setup();
    await stream.open();
    client.emit('*', { type: 'StasisStart' });
    expect(states()).toEqual(['connected']);
    expect(messages).toEqual([{ type: 'StasisStart' }]);
  });

  it('fails to open with a clear error, and closes a socket that opens too late', async () => {
    const { clock, client, stream, states } = setup();
    client.openOnStart = false;
    const opening = stream.open().catch((e: unknown) => e);
    clock.increment(1_000);
    const error = await opening;
    expect(error).toBeInstanceOf(AriConnectionError);
    expect((error as Error).message).toBe(
      'the ARI websocket for app "dialstate" did not open within 1000 ms',
    );
    expect(client.stops).toBe(1);
    client.emit('WebSocketConnected');
    expect(client.stops).toBe(2);
    expect(states()).toEqual([]);
  });

  it('reports a lost socket and ari-client’s retries, then the reconnect, once', async () => {
    const { client, stream, states, reconnects } = setup();
    await stream.open();
    client.emit('WebSocketReconnecting', new Error('socket hang up'));
    client.emit('WebSocketReconnecting', new Error('connect ECONNREFUSED'));
    expect(reconnects()).toBe(0);
    client.emit('WebSocketConnected');
    expect(states()).toEqual([
      'connected',
      'disconnected: socket hang up',
      'reconnecting: socket hang up',
      'reconnecting: connect ECONNREFUSED',
      'connected',
    ]);
    expect(reconnects()).toBe(1);
  });

  it('treats ApplicationReplaced as a lost connection and reconnects after a backoff', async () => {
    const { clock, client, stream, states, messages, reconnects } = setup();
    await stream.open();
    client.emit('*', { type: 'ApplicationReplaced', application: 'dialstate' });
    // Asterisk keeps the replaced socket open but sends it nothing more (fact 22).
    expect(states()).toEqual([
      'connected',
      'disconnected: application dialstate replaced by another websocket',
      'reconnecting: application dialstate replaced by another websocket',
    ]);
    clock.increment(499);
    expect(client.terminations).toBe(0);
    clock.increment(1);
    expect(client.terminations).toBe(1);
    client.emit('WebSocketReconnecting');
    client.emit('WebSocketConnected');
    expect(states().slice(3)).toEqual(['reconnecting: websocket closed', 'connected']);
    expect(reconnects()).toBe(1);
    expect(messages).toEqual([]);

    // Replaced again soon after: the next reconnect waits longer.
    client.emit('*', { type: 'ApplicationReplaced', application: 'dialstate' });
    clock.increment(999);
    expect(client.terminations).toBe(1);
    clock.increment(1);
    expect(client.terminations).toBe(2);
  });

  it('starts a new round of tries once ari-client gives up', async () => {
    const { clock, client, stream, states } = setup();
    await stream.open();
    client.emit('WebSocketReconnecting', new Error('connect ECONNREFUSED'));
    client.emit('WebSocketMaxRetries', new Error('connect ECONNREFUSED'));
    expect(client.starts).toBe(1);
    clock.increment(4_000);
    expect(client.starts).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(states().at(-1)).toBe('connected');
  });

  it('pings the socket and drops it when a ping goes unanswered', async () => {
    const { clock, client, stream, states } = setup(10_000);
    await stream.open();
    clock.increment(10_000);
    expect(client.pings).toBe(1);
    client.emit('pong');
    clock.increment(10_000);
    expect(client.pings).toBe(2);
    expect(client.terminations).toBe(0);
    clock.increment(10_000);
    expect(client.terminations).toBe(1);
    expect(states().slice(1)).toEqual([
      'disconnected: no answer to a websocket ping within 10000 ms',
      'reconnecting: no answer to a websocket ping within 10000 ms',
    ]);
  });

  it('stops the socket on close and ignores whatever comes after', async () => {
    const { client, stream, messages, states } = setup();
    await stream.open();
    stream.close();
    client.emit('*', { type: 'StasisStart' });
    client.emit('WebSocketReconnecting', new Error('closed'));
    expect(client.stops).toBe(1);
    expect(messages).toEqual([]);
    expect(states()).toEqual(['connected']);
  });
});
