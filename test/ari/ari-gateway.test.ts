import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { AriConnectionError } from '../../src/ari/ari-errors.js';
import type { AriConnectionStatus } from '../../src/ari/ari-event-stream.js';
import type { RoutedAttemptEvent } from '../../src/ari/ari-events.js';
import {
  type AriGateway,
  type AriGatewayOptions,
  createAriGateway,
} from '../../src/ari/ari-gateway.js';
import { CallControlError, systemClock } from '../../src/calls/ports.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { createTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const USER = 'dialstate';
const PASSWORD = 'sim-secret';
const APP = 'dialstate';

let sim: Simulator;
let simUrl: string;
const gateways: AriGateway[] = [];
const proxies: TcpProxy[] = [];
const sockets: WebSocket[] = [];

beforeEach(async () => {
  // 100× faster than real time: a 1 s ring takes 10 ms.
  sim = createSimulator({ user: USER, password: PASSWORD, timeScale: 0.01 });
  simUrl = (await sim.start()).url;
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  for (const gateway of gateways.splice(0)) await gateway.close();
  for (const proxy of proxies.splice(0)) await proxy.close();
  await sim.stop();
});

function gateway(overrides: Partial<AriGatewayOptions> = {}) {
  const gw = createAriGateway({
    url: simUrl,
    user: USER,
    password: PASSWORD,
    app: APP,
    dialContext: 'from-internal',
    amdContext: 'aava-outbound-amd',
    clock: systemClock,
    log: pino({ level: 'silent' }),
    connectAttempts: 2,
    backoff: { initialMs: 20, maxMs: 200 },
    requestTimeoutMs: 2_000,
    heartbeatMs: 0,
    // The simulated callee hangs up after 0.6 s of silence here: reconnect well before.
    probeIntervalMs: 50,
    ...overrides,
  });
  gateways.push(gw);
  const events: RoutedAttemptEvent[] = [];
  const statuses: AriConnectionStatus[] = [];
  let reconnects = 0;
  gw.onEvent((routed) => events.push(routed));
  gw.onConnection((status) => statuses.push(status));
  gw.onReconnected(() => {
    reconnects += 1;
  });
  const typesOf = (attemptId: string) =>
    events.filter((r) => r.attemptId === attemptId).map((r) => r.event.type);
  const states = () => statuses.map((s) => s.state);
  return { gw, events, statuses, states, typesOf, reconnects: () => reconnects };
}

async function proxied(): Promise<TcpProxy> {
  const proxy = await createTcpProxy(simUrl);
  proxies.push(proxy);
  return proxy;
}

/**
 * Ping frames a client sent on one connection: after a websocket upgrade request come
 * the client's frames, each masked: a 2-byte header, a longer length when the header
 * says so, the 4-byte mask and the payload. Other connections (plain HTTP) count none.
 */
function websocketPings(sent: Buffer): number {
  const upgrade = sent.indexOf('Upgrade: websocket');
  if (upgrade < 0) return 0;
  let at = sent.indexOf('\r\n\r\n', upgrade) + 4;
  let pings = 0;
  while (at + 2 <= sent.length) {
    const opcode = (sent[at] ?? 0) & 0x0f;
    let length = (sent[at + 1] ?? 0) & 0x7f;
    let header = 2;
    if (length === 126) {
      length = sent.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      length = Number(sent.readBigUInt64BE(at + 2));
      header = 10;
    }
    if (opcode === 0x9) pings += 1;
    at += header + 4 + length;
  }
  return pings;
}

function originate(gw: AriGateway, attemptId: string, number: string) {
  return gw.callControl.originate({
    channelId: `dialstate-${attemptId}`,
    number,
    callerId: 'Dialstate <6789>',
    timeoutSec: 30,
    variables: {
      AMPUSER: '6789',
      'CALLERID(num)': '6789',
      __DIALSTATE_ATTEMPT_ID: attemptId,
      DIALSTATE_STASIS_APP: APP,
    },
  });
}

describe('createAriGateway against the simulator', () => {
  it('connects, keeps a healthy connection through its pings and answers the doctor’s questions', async () => {
    const proxy = await proxied();
    const { gw, states } = gateway({ url: proxy.url, heartbeatMs: 100 });
    await gw.connect();
    expect((await gw.ping()).asteriskId).not.toBe('');
    expect(await gw.moduleLoaded('app_amd.so')).toBe(true);
    expect(await gw.moduleLoaded('app_no_such_module.so')).toBe(false);
    expect(await gw.listChannels()).toEqual([]);
    // Three pings on the wire, each answered before the next: a ping still unanswered
    // when the next one is due drops the socket, which the states would show.
    const pings = () => proxy.sentPerConnection().reduce((n, b) => n + websocketPings(b), 0);
    await vi.waitFor(() => expect(pings()).toBeGreaterThanOrEqual(3), {
      timeout: 5_000,
      interval: 20,
    });
    expect(states()).toEqual(['connected']);
  });

  it('refuses a wrong password with a clear error', async () => {
    const error = await gateway({ password: 'wrong' })
      .gw.connect()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AriConnectionError);
    expect(error).toMatchObject({ reason: 'unauthorized', status: 401 });
    expect((error as Error).message).toContain('check the ARI user and password');
  });

  it('gives up on an unreachable port after its bounded retries', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const error = await gateway({ url: `http://127.0.0.1:${port}`, connectAttempts: 3 })
      .gw.connect()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AriConnectionError', reason: 'unreachable' });
    expect((error as Error).message).toContain(`ARI is not reachable at http://127.0.0.1:${port}`);
  });

  it("sends the originate's variables in ARI's variables body object, scalars on the query string", async () => {
    const proxy = await proxied();
    const { gw } = gateway({ url: proxy.url });
    await gw.connect();
    await originate(gw, 'att-1', '5550101');

    const wire = proxy.sent();
    const start = wire.indexOf('POST /ari/channels?');
    expect(start).toBeGreaterThanOrEqual(0);
    const request = wire.slice(start);
    const [head = '', rest = ''] = request.split('\r\n\r\n');
    const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1]);
    const query = new URLSearchParams(head.slice(head.indexOf('?') + 1, head.indexOf(' HTTP/')));
    expect(Object.fromEntries(query)).toEqual({
      endpoint: 'Local/5550101@from-internal',
      app: APP,
      appArgs: 'dial,att-1',
      callerId: 'Dialstate <6789>',
      timeout: '30',
      channelId: 'dialstate-att-1',
      otherChannelId: 'dialstate-att-1;2',
    });
    expect(JSON.parse(rest.slice(0, length))).toEqual({
      variables: {
        AMPUSER: '6789',
        'CALLERID(num)': '6789',
        __DIALSTATE_ATTEMPT_ID: 'att-1',
        DIALSTATE_STASIS_APP: APP,
      },
    });
    // And Asterisk (simulated) set them on the channel.
    expect(sim.calls()[0]?.variables).toMatchObject({
      AMPUSER: '6789',
      DIALSTATE_ATTEMPT_ID: 'att-1',
    });
  });

  it('surfaces a duplicate originate as CallControlError 409 and leaves the first call alone', async () => {
    const { gw } = gateway();
    await gw.connect();
    await originate(gw, 'att-1', '5550108');
    const error = await originate(gw, 'att-1', '5550108').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallControlError);
    expect(error).toMatchObject({
      status: 409,
      message: 'Channel with given unique ID already exists',
    });
    expect(await gw.channelExists('dialstate-att-1')).toBe(true);
    expect((await gw.listChannels()).map((c) => c.id).sort()).toEqual([
      'dialstate-att-1',
      'dialstate-att-1;2',
    ]);
  });

  it('delivers a call’s events translated and in order', async () => {
    const { gw, events, typesOf } = gateway();
    await gw.connect();
    await originate(gw, 'att-1', '5550101');
    await vi.waitFor(() => expect(typesOf('att-1')).toContain('channel.answered'));
    await gw.callControl.continueToAmd({ channelId: 'dialstate-att-1', amdOptions: '' });
    await vi.waitFor(() => expect(typesOf('att-1')).toContain('amd.completed'));
    await gw.callControl.hangUp({ channelId: 'dialstate-att-1' });
    await vi.waitFor(() => expect(typesOf('att-1')).toContain('farEnd.hungUp'));

    expect(typesOf('att-1')).toEqual([
      'channel.ringing',
      'dial.statusChanged',
      'dial.statusChanged',
      'channel.answered',
      'channel.leftStasis',
      'amd.completed',
      'channel.leftStasis',
      'channel.hungUp',
      'farEnd.hungUp',
    ]);
    expect(events.find((r) => r.event.type === 'amd.completed')?.event).toMatchObject({
      status: 'HUMAN',
      cause: 'HUMAN-800-800',
    });
    const times = events.map((r) => r.event.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('delivers the far end’s busy cause before our own cause 0', async () => {
    const { gw, events, typesOf } = gateway();
    await gw.connect();
    await originate(gw, 'att-7', '5550107');
    await vi.waitFor(() => expect(typesOf('att-7')).toContain('channel.hungUp'));
    expect(events.map((r) => r.event)).toMatchObject([
      { type: 'dial.statusChanged', dialStatus: 'BUSY' },
      { type: 'farEnd.hungUp', cause: 17 },
      { type: 'channel.hungUp', cause: 0 },
    ]);
  });

  it('reconnects after the websocket is cut mid-call, says so, and hears the call again', async () => {
    const proxy = await proxied();
    const { gw, states, statuses, typesOf, reconnects } = gateway({ url: proxy.url });
    await gw.connect();
    await originate(gw, 'att-1', '5550101');
    await vi.waitFor(() => expect(typesOf('att-1')).toContain('channel.answered'));

    proxy.cutAll();
    await vi.waitFor(() => expect(reconnects()).toBe(1));
    expect(states()).toEqual(['connected', 'disconnected', 'reconnecting', 'connected']);
    expect(statuses[1]?.reason).not.toBeNull();

    expect(await gw.channelExists('dialstate-att-1')).toBe(true);
    await gw.callControl.hangUp({ channelId: 'dialstate-att-1' });
    await vi.waitFor(() => expect(typesOf('att-1')).toContain('channel.hungUp'));
  });

  it('gives the app up when another websocket takes it over, then takes it back after a backoff', async () => {
    const { gw, states, statuses, reconnects } = gateway();
    await gw.connect();
    const intruder = new WebSocket(
      `${simUrl.replace('http', 'ws')}/ari/events?app=${APP}&api_key=${USER}:${PASSWORD}`,
    );
    sockets.push(intruder);
    const intruderFrames: string[] = [];
    intruder.on('message', (data) => intruderFrames.push(String(data)));

    await vi.waitFor(() => expect(reconnects()).toBe(1));
    expect(states()).toEqual(['connected', 'disconnected', 'reconnecting', 'connected']);
    expect(statuses[1]?.reason).toBe(`application ${APP} replaced by another websocket`);
    // Taking the app back replaced the intruder in turn (fact 22).
    await vi.waitFor(() => expect(intruderFrames.join()).toContain('ApplicationReplaced'));
  });

  it("adopts a dead node's app: hears its call, follows it back from the AMD hop, and lets the app go when its owner returns", async () => {
    // Ten times slower than the other tests: the callee waits 6 s in silence, time for
    // one gateway to go and another to adopt its app.
    await sim.stop();
    sim = createSimulator({ user: USER, password: PASSWORD, timeScale: 0.1 });
    simUrl = (await sim.start()).url;
    const dead = gateway();
    await dead.gw.connect();
    await originate(dead.gw, 'att-1', '5550101');
    await vi.waitFor(() => expect(dead.typesOf('att-1')).toContain('channel.answered'), {
      timeout: 10_000,
    });
    // Node A dies: its websocket goes, the call stays in its app.
    await dead.gw.close();

    const logLines: string[] = [];
    const heir = gateway({
      app: 'dialstate-node-b',
      log: pino({ level: 'info' }, { write: (line: string) => logLines.push(line) }),
    });
    await heir.gw.connect();
    await heir.gw.adoptApp(APP);
    // The AMD hop returns the channel to its DIALSTATE_STASIS_APP: the adopted app.
    await heir.gw.callControl.continueToAmd({ channelId: 'dialstate-att-1', amdOptions: '' });
    await vi.waitFor(() => expect(heir.typesOf('att-1')).toContain('amd.completed'), {
      timeout: 10_000,
    });

    // Node A comes back under its name: the heir lets the app go, without taking it back.
    const returned = new WebSocket(
      `${simUrl.replace('http', 'ws')}/ari/events?app=${APP}&api_key=${USER}:${PASSWORD}`,
    );
    sockets.push(returned);
    const returnedFrames: string[] = [];
    returned.on('message', (data) => returnedFrames.push(String(data)));
    await new Promise((resolve) => returned.once('open', resolve));
    await heir.gw.callControl.hangUp({ channelId: 'dialstate-att-1' });
    await vi.waitFor(() => expect(returnedFrames.join()).toContain('ChannelDestroyed'));
    await vi.waitFor(() => expect(logLines.join()).toContain('took it back'));
    expect(logLines.join()).not.toContain('adopted app disconnected');
    expect(returnedFrames.join()).not.toContain('ApplicationReplaced');
    expect(heir.typesOf('att-1')).not.toContain('channel.hungUp');
    // Its own app never moved.
    expect(heir.states()).toEqual(['connected']);
  });

  it('reads and sets channel variables, with null for what ARI does not have', async () => {
    const { gw, typesOf } = gateway();
    await gw.connect();
    await originate(gw, 'att-1', '5550101');
    await vi.waitFor(() => expect(typesOf('att-1')).toContain('channel.answered'));
    await gw.setVariable('dialstate-att-1', 'AI_CONTEXT', 'reminder');
    expect(await gw.getVariable('dialstate-att-1', 'AI_CONTEXT')).toBe('reminder');
    expect(await gw.getVariable('dialstate-att-1', 'DIALSTATE_ATTEMPT_ID')).toBe('att-1');
    expect(await gw.getVariable('dialstate-att-1', 'NO_SUCH_VARIABLE')).toBeNull();
    expect(await gw.getVariable('dialstate-gone', 'AI_CONTEXT')).toBeNull();
    expect(await gw.channelExists('dialstate-gone')).toBe(false);
  });

  it('reads back the AMD verdict of a channel back in Stasis from the hop, and none while it is still in the hop', async () => {
    // Ten times slower than the other tests: the callees stay on the line for seconds.
    await sim.stop();
    sim = createSimulator({ user: USER, password: PASSWORD, timeScale: 0.1 });
    simUrl = (await sim.start()).url;
    const { gw, typesOf } = gateway();
    await gw.connect();
    await originate(gw, 'att-1', '5550101');
    // att-2's hop returns to an app no websocket holds: it waits in the retry loop.
    await gw.callControl.originate({
      channelId: 'dialstate-att-2',
      number: '5550101',
      callerId: 'Dialstate <6789>',
      timeoutSec: 30,
      variables: {
        __DIALSTATE_ATTEMPT_ID: 'att-2',
        DIALSTATE_STASIS_APP: 'dialstate-away',
        DIALSTATE_HOP_WAIT_MS: '600000',
      },
    });
    const waitLong = { timeout: 10_000 };
    await vi.waitFor(() => expect(typesOf('att-1')).toContain('channel.answered'), waitLong);
    await vi.waitFor(() => expect(typesOf('att-2')).toContain('channel.answered'), waitLong);
    // In the originate's own Stasis, not the hop's.
    expect(await gw.returnedVerdict('dialstate-att-1')).toBeNull();

    await gw.callControl.continueToAmd({ channelId: 'dialstate-att-1', amdOptions: '' });
    await gw.callControl.continueToAmd({ channelId: 'dialstate-att-2', amdOptions: '' });
    await vi.waitFor(() => expect(typesOf('att-1')).toContain('amd.completed'), waitLong);
    expect(await gw.returnedVerdict('dialstate-att-1')).toEqual({
      status: 'HUMAN',
      cause: 'HUMAN-800-800',
    });
    const hopOf = () => sim.calls().find((call) => call.channelId === 'dialstate-att-2');
    await vi.waitFor(() => expect(Number(hopOf()?.variables.HOP_WAITED_MS)).toBeGreaterThan(0), {
      ...waitLong,
    });
    // The verdict is on the channel, but the hop will bring it back itself.
    expect(hopOf()?.variables.DIALSTATE_AMDSTATUS).toBe('HUMAN');
    expect(await gw.returnedVerdict('dialstate-att-2')).toBeNull();
    expect(await gw.returnedVerdict('dialstate-gone')).toBeNull();
  });

  it('stops hearing events once closed and cannot be connected again', async () => {
    const { gw, events } = gateway();
    await gw.connect();
    await gw.close();
    await expect(gw.connect()).rejects.toThrow('closed');
    await expect(originate(gw, 'att-1', '5550101')).rejects.toMatchObject({
      message: 'not connected to ARI',
    });
    expect(events).toEqual([]);
  });
});
