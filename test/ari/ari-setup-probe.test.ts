import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AMD_HOP_VERSION_LABEL } from '../../src/ari/amd-hop.js';
import { createAriSetupProbe } from '../../src/ari/ari-setup-probe.js';
import { channelIdFor } from '../../src/calls/attempt-input.js';
import { systemClock } from '../../src/calls/ports.js';
import { runSetupChecks } from '../../src/setup/setup-checks.js';
import {
  loadRecordedChecks,
  type RecordedAriOptions,
  type RecordedAriServer,
  startRecordedAriServer,
} from '../support/recorded-ari-server.js';

const CREDENTIALS = { user: 'dialstate', password: 's3cret' };
const ASTERISK: RecordedAriOptions = {
  ...CREDENTIALS,
  modules: ['app_amd.so'],
  contexts: ['aava-outbound-amd', 'from-internal'],
};

let server: RecordedAriServer | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

async function asterisk(overrides: Partial<RecordedAriOptions> = {}) {
  server = await startRecordedAriServer({ ...ASTERISK, ...overrides });
  return server;
}

function probeFor(url: string, overrides: { password?: string; timeoutMs?: number } = {}) {
  return createAriSetupProbe({
    url,
    user: CREDENTIALS.user,
    password: overrides.password ?? CREDENTIALS.password,
    clock: systemClock,
    timeoutMs: overrides.timeoutMs ?? 2_000,
    nextId: () => 'test',
  });
}

describe('the recorded trace', () => {
  it('holds every answer the imitation serves', () => {
    const recorded = loadRecordedChecks();
    expect(recorded.info.body).toMatchObject({ system: { version: '22.10.1' } });
    expect(recorded.wrongPassword).toEqual({
      status: 401,
      body: { message: 'Authentication required' },
    });
    expect(recorded.channelContextFound.body).toEqual({ value: '1' });
    expect(recorded.channelContextMissing.body).toEqual({ value: '0' });
    // Why the probe needs a channel: the global endpoint cannot tell the two apart.
    expect(recorded.globalDialplanExists.body).toEqual({ value: '' });
  });
});

describe('createAriSetupProbe against recorded Asterisk answers', () => {
  it('reports the Asterisk version, authenticating with HTTP Basic', async () => {
    const ari = await asterisk();
    const result = await probeFor(ari.url).ping();
    expect(result).toEqual({ ok: true, value: { version: '22.10.1' } });
    expect(ari.requests.map((r) => r.path)).toEqual(['/ari/asterisk/ping', '/ari/asterisk/info']);
    expect(ari.requests[0]?.authorization).toBe(
      `Basic ${Buffer.from('dialstate:s3cret').toString('base64')}`,
    );
  });

  it('turns a 401 into an unauthorized failure naming the user, not the password', async () => {
    const ari = await asterisk();
    const result = await probeFor(ari.url, { password: 'wrong' }).ping();
    expect(result).toMatchObject({ ok: false, reason: 'unauthorized' });
    if (result.ok) return;
    expect(result.message).toContain('401 "Authentication required"');
    expect(result.message).toContain('"dialstate"');
    expect(result.message).not.toContain('wrong');
  });

  it('says that an address answering 404 for the ping is no ARI', async () => {
    const ari = await asterisk();
    const result = await probeFor(`${ari.url}/ari`).ping();
    expect(result).toMatchObject({ ok: false, reason: 'notAri' });
    if (result.ok) return;
    expect(result.message).toContain('without the /ari suffix');
  });

  it('fails as unreachable when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await probeFor(`http://127.0.0.1:${port}`).ping();
    expect(result).toMatchObject({ ok: false, reason: 'unreachable' });
    if (result.ok) return;
    expect(result.message).toContain('ECONNREFUSED');
  });

  it('fails as a timeout when the server never answers', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const result = await probeFor(`http://127.0.0.1:${port}`, { timeoutMs: 150 }).ping();
      expect(result).toMatchObject({ ok: false, reason: 'timeout' });
      if (result.ok) return;
      expect(result.message).toContain('no answer within 150 ms');
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('tells a loaded module from a missing one', async () => {
    const ari = await asterisk({ modules: ['app_amd.so'] });
    const probe = probeFor(ari.url);
    expect(await probe.moduleLoaded('app_amd.so')).toEqual({ ok: true, value: true });
    expect(await probe.moduleLoaded('app_no_such_module.so')).toEqual({ ok: true, value: false });
  });

  it('tells a connected app from one no websocket holds', async () => {
    const ari = await asterisk({ connectedApps: ['dialstate'] });
    const probe = probeFor(ari.url);
    expect(await probe.appConnected('dialstate')).toEqual({ ok: true, value: true });
    expect(await probe.appConnected('no-such-app')).toEqual({ ok: true, value: false });
  });

  it('looks contexts up on a temporary channel and removes it afterwards', async () => {
    const ari = await asterisk({ contexts: ['aava-outbound-amd'] });
    const result = await probeFor(ari.url).dialplanHas([
      { context: 'aava-outbound-amd', extension: 's' },
      { context: 'no-such-context' },
    ]);
    expect(result).toEqual({ ok: true, value: [true, false] });

    const create = ari.requests.find((r) => r.path === '/ari/channels/create');
    expect(create?.query).toEqual({
      endpoint: 'Local/doctor@aava-outbound-amd',
      app: 'dialstate_doctor-test',
      appArgs: 'doctor',
      channelId: 'dialstate_doctor-test',
    });
    // Never taken for an attempt's channel by a dialstate that lists channels meanwhile.
    expect(create?.query.channelId?.startsWith(channelIdFor(''))).toBe(false);
    const variables = ari.requests
      .filter((r) => r.path === '/ari/channels/dialstate_doctor-test/variable')
      .map((r) => r.query.variable);
    expect(variables).toEqual([
      'DIALPLAN_EXISTS(aava-outbound-amd,s,1)',
      'DIALPLAN_EXISTS(no-such-context)',
    ]);
    expect(ari.requests.some((r) => r.path === '/ari/asterisk/variable')).toBe(false);
    expect(ari.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      path: '/ari/channels/dialstate_doctor-test',
    });
    expect(ari.channels.size).toBe(0);
    await vi.waitFor(() => expect(ari.apps.size).toBe(0));
  });

  it('waits for the temporary app to be registered before creating the channel', async () => {
    // A channel created for an app nobody holds is hung up at once, and every lookup
    // would then fail.
    const ari = await asterisk({ registrationDelayMs: 120 });
    const result = await probeFor(ari.url).dialplanHas([{ context: 'from-internal' }]);
    expect(result).toEqual({ ok: true, value: [true] });
    const polls = ari.requests.filter((r) => r.path === '/ari/applications/dialstate_doctor-test');
    expect(polls.length).toBeGreaterThan(1);
  });

  it('leaves a running dialstate alone: its app never sees the doctor channel', async () => {
    const ari = await asterisk({ connectedApps: ['dialstate'] });
    await probeFor(ari.url).dialplanHas([{ context: 'aava-outbound-amd', extension: 's' }]);
    const create = ari.requests.find((r) => r.path === '/ari/channels/create');
    expect(create?.query.app).not.toBe('dialstate');
    expect(ari.apps).toEqual(new Set(['dialstate']));
  });

  it('refuses names that would break the DIALPLAN_EXISTS() call, without asking Asterisk', async () => {
    const ari = await asterisk();
    const result = await probeFor(ari.url).dialplanHas([{ context: 'a,b' }]);
    expect(result).toMatchObject({ ok: false, reason: 'unexpected' });
    expect(ari.requests).toEqual([]);
  });

  it('reports a refused websocket as unauthorized', async () => {
    const ari = await asterisk();
    const result = await probeFor(ari.url, { password: 'wrong' }).dialplanHas([
      { context: 'from-internal' },
    ]);
    expect(result).toMatchObject({ ok: false, reason: 'unauthorized' });
  });
});

describe('the doctor checks against recorded Asterisk answers', () => {
  const options = {
    app: 'dialstate',
    amdContext: 'aava-outbound-amd',
    dialContext: 'from-internal',
    mediaDir: process.cwd(),
    hopVersionLabel: AMD_HOP_VERSION_LABEL,
  };

  it('pass on a complete installation with dialstate running', async () => {
    const ari = await asterisk({ connectedApps: ['dialstate'] });
    const checks = await runSetupChecks(probeFor(ari.url), options);
    expect(checks.map((c) => [c.id, c.ok])).toEqual([
      ['ari-reachable', true],
      ['ari-credentials', true],
      ['app-amd', true],
      ['amd-context', true],
      ['amd-hop-version', true],
      ['dial-context', true],
      ['app-connected', true],
      ['media-dir', expect.anything()],
    ]);
    expect(checks[0]?.detail).toBe('Asterisk 22.10.1');
  });

  it('find a missing AMD context and a missing app_amd', async () => {
    const ari = await asterisk({ modules: [], contexts: ['from-internal'] });
    const checks = await runSetupChecks(probeFor(ari.url), options);
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(byId['app-amd']?.ok).toBe(false);
    expect(byId['amd-context']?.ok).toBe(false);
    expect(byId['dial-context']?.ok).toBe(true);
    expect(byId['app-connected']?.ok).toBe('warn');
  });
});
