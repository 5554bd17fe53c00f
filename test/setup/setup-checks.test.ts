import { describe, expect, it } from 'vitest';
import {
  hasFailedCheck,
  type MediaDirAccess,
  type ProbeResult,
  runSetupChecks,
  type SetupCheck,
  type SetupProbe,
} from '../../src/setup/setup-checks.js';

const OPTIONS = {
  app: 'dialstate',
  amdContext: 'aava-outbound-amd',
  dialContext: 'from-internal',
  mediaDir: '/mnt/asterisk_media/ai-generated',
  hopVersionLabel: 'dialstate_hop_v2',
};

interface FakeAsterisk {
  ping: ProbeResult<{ version: string }>;
  modules: string[];
  contexts: string[];
  apps: string[];
  /** Priority labels of the installed AMD hop's `s` extension. */
  hopLabels: string[];
  mediaDir: MediaDirAccess;
}

const HEALTHY: FakeAsterisk = {
  ping: { ok: true, value: { version: '22.10.1' } },
  modules: ['app_amd.so'],
  contexts: ['aava-outbound-amd', 'from-internal'],
  apps: ['dialstate'],
  hopLabels: ['dialstate_hop_v2'],
  mediaDir: { ok: true, ownerOnly: false },
};

/** A probe answering from a description of the PBX, recording what it was asked. */
function fakeProbe(overrides: Partial<FakeAsterisk> = {}) {
  const pbx = { ...HEALTHY, ...overrides };
  const asked: string[] = [];
  const probe: SetupProbe = {
    async ping() {
      asked.push('ping');
      return pbx.ping;
    },
    async moduleLoaded(name) {
      asked.push(`module ${name}`);
      return { ok: true, value: pbx.modules.includes(name) };
    },
    async appConnected(app) {
      asked.push(`app ${app}`);
      return { ok: true, value: pbx.apps.includes(app) };
    },
    async dialplanHas(queries) {
      asked.push(
        `dialplan ${queries.map((q) => [q.context, q.extension, q.priority].filter((x) => x !== undefined).join(',')).join(' ')}`,
      );
      return {
        ok: true,
        value: queries.map(
          (q) =>
            pbx.contexts.includes(q.context) &&
            (q.priority === undefined || pbx.hopLabels.includes(q.priority)),
        ),
      };
    },
    async mediaDirAccess(dir) {
      asked.push(`media ${dir}`);
      return pbx.mediaDir;
    },
  };
  return { probe, asked };
}

function summary(checks: SetupCheck[]): Record<string, boolean | 'warn'> {
  return Object.fromEntries(checks.map((c) => [c.id, c.ok]));
}

const ALL_PASS = {
  'ari-reachable': true,
  'ari-credentials': true,
  'app-amd': true,
  'amd-context': true,
  'amd-hop-version': true,
  'dial-context': true,
  'app-connected': true,
  'media-dir': true,
};

describe('runSetupChecks', () => {
  const cases: {
    name: string;
    pbx: Partial<FakeAsterisk>;
    expected: Record<string, boolean | 'warn'>;
    failedId?: string;
    fixMentions?: string;
    fails: boolean;
  }[] = [
    { name: 'a complete installation', pbx: {}, expected: ALL_PASS, fails: false },
    {
      name: 'a wrong ARI password',
      pbx: {
        ping: {
          ok: false,
          reason: 'unauthorized',
          message: 'GET …/ari/asterisk/ping answered 401',
        },
      },
      expected: { 'ari-reachable': true, 'ari-credentials': false, 'media-dir': true },
      failedId: 'ari-credentials',
      fixMentions: 'DIALSTATE_ARI_PASSWORD',
      fails: true,
    },
    {
      name: 'an unreachable Asterisk',
      pbx: { ping: { ok: false, reason: 'unreachable', message: 'GET …: ECONNREFUSED' } },
      expected: { 'ari-reachable': false, 'media-dir': true },
      failedId: 'ari-reachable',
      fixMentions: 'http.conf',
      fails: true,
    },
    {
      name: 'a timeout',
      pbx: { ping: { ok: false, reason: 'timeout', message: 'no answer within 5000 ms' } },
      expected: { 'ari-reachable': false, 'media-dir': true },
      failedId: 'ari-reachable',
      fixMentions: 'firewall',
      fails: true,
    },
    {
      name: 'a missing app_amd',
      pbx: { modules: [] },
      expected: { ...ALL_PASS, 'app-amd': false },
      failedId: 'app-amd',
      fixMentions: 'module load app_amd.so',
      fails: true,
    },
    {
      name: 'a missing AMD context',
      pbx: { contexts: ['from-internal'] },
      expected: { ...ALL_PASS, 'amd-context': false, 'amd-hop-version': false },
      failedId: 'amd-context',
      fixMentions: 'dialplan reload',
      fails: true,
    },
    {
      name: 'an older AMD hop, which drops callers while dialstate restarts',
      pbx: { hopLabels: [] },
      expected: { ...ALL_PASS, 'amd-hop-version': false },
      failedId: 'amd-hop-version',
      fixMentions: 'dialplan/extensions_dialstate.conf',
      fails: true,
    },
    {
      name: 'a missing dial context',
      pbx: { contexts: ['aava-outbound-amd'] },
      expected: { ...ALL_PASS, 'dial-context': false },
      failedId: 'dial-context',
      fixMentions: 'DIALSTATE_DIAL_CONTEXT',
      fails: true,
    },
    {
      name: 'a missing media folder',
      pbx: { mediaDir: { ok: false, reason: 'missing', message: 'does not exist' } },
      expected: { ...ALL_PASS, 'media-dir': false },
      failedId: 'media-dir',
      fixMentions: 'mkdir -p /mnt/asterisk_media/ai-generated',
      fails: true,
    },
    {
      name: 'a read-only media folder',
      pbx: { mediaDir: { ok: false, reason: 'notWritable', message: 'cannot write' } },
      expected: { ...ALL_PASS, 'media-dir': false },
      failedId: 'media-dir',
      fixMentions: 'write access',
      fails: true,
    },
    {
      name: 'dialstate not running',
      pbx: { apps: [] },
      expected: { ...ALL_PASS, 'app-connected': 'warn' },
      failedId: 'app-connected',
      fixMentions: 'DIALSTATE_ARI_APP',
      fails: false,
    },
    {
      name: 'a media folder only its owner can enter',
      pbx: { mediaDir: { ok: true, ownerOnly: true } },
      expected: { ...ALL_PASS, 'media-dir': 'warn' },
      failedId: 'media-dir',
      fixMentions: 'chgrp asterisk',
      fails: false,
    },
  ];

  it.each(cases)('reports $name', async ({ pbx, expected, failedId, fixMentions, fails }) => {
    const checks = await runSetupChecks(fakeProbe(pbx).probe, OPTIONS);
    expect(summary(checks)).toEqual(expected);
    expect(hasFailedCheck(checks)).toBe(fails);
    for (const check of checks) {
      expect(check.title).not.toBe('');
      expect(check.detail).not.toBe('');
      // A fix for every problem, and none when all is well.
      if (check.ok === true) expect(check.fix).toBeNull();
      else expect(check.fix).toMatch(/\S/);
    }
    if (failedId) {
      expect(checks.find((c) => c.id === failedId)?.fix).toContain(fixMentions);
    }
  });

  it('keeps a fixed order, so the first problem shown is the one to fix first', async () => {
    const checks = await runSetupChecks(fakeProbe().probe, OPTIONS);
    expect(checks.map((c) => c.id)).toEqual(Object.keys(ALL_PASS));
  });

  it('names the configured context and app in titles and fixes', async () => {
    const checks = await runSetupChecks(fakeProbe({ contexts: [] }).probe, {
      ...OPTIONS,
      app: 'dialer-b',
      amdContext: 'amd-b',
      dialContext: 'outbound-b',
    });
    const amd = checks.find((c) => c.id === 'amd-context');
    expect(amd?.title).toBe('AMD context amd-b exists');
    expect(amd?.fix).toContain('context amd-b and app dialer-b');
    expect(checks.find((c) => c.id === 'dial-context')?.title).toBe(
      'dial context outbound-b exists',
    );
    expect(checks.find((c) => c.id === 'app-connected')?.title).toBe(
      'Stasis app dialer-b is connected',
    );
  });

  it('asks about s,1 of the AMD context, the dial context as a whole and the hop version label', async () => {
    const { probe, asked } = fakeProbe();
    await runSetupChecks(probe, OPTIONS);
    expect(asked).toContain(
      'dialplan aava-outbound-amd,s from-internal aava-outbound-amd,s,dialstate_hop_v2',
    );
    expect(asked).toContain('module app_amd.so');
  });

  it('asks nothing more of ARI once it is unreachable or refuses the credentials', async () => {
    for (const reason of ['unreachable', 'unauthorized'] as const) {
      const { probe, asked } = fakeProbe({ ping: { ok: false, reason, message: reason } });
      await runSetupChecks(probe, OPTIONS);
      expect(asked).toEqual(['ping', `media ${OPTIONS.mediaDir}`]);
    }
  });

  it('fails a disconnected app when dialstate is expected to run', async () => {
    const checks = await runSetupChecks(fakeProbe({ apps: [] }).probe, {
      ...OPTIONS,
      expectAppConnected: true,
    });
    expect(checks.find((c) => c.id === 'app-connected')?.ok).toBe(false);
    expect(hasFailedCheck(checks)).toBe(true);
  });

  it('fails both context checks with the reason when the lookup itself fails', async () => {
    const { probe } = fakeProbe();
    probe.dialplanHas = async () => ({
      ok: false,
      reason: 'forbidden',
      message: 'POST /ari/channels/create answered 403',
    });
    const checks = await runSetupChecks(probe, OPTIONS);
    for (const id of ['amd-context', 'amd-hop-version', 'dial-context']) {
      const check = checks.find((c) => c.id === id);
      expect(check).toMatchObject({ ok: false, detail: 'POST /ari/channels/create answered 403' });
      expect(check?.fix).toContain('read_only = no');
    }
  });
});
