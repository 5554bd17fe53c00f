import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createAriSetupProbe } from '../src/ari/ari-setup-probe.js';
import { systemClock } from '../src/calls/ports.js';
import { doctorCommand } from '../src/cli/doctor-command.js';
import { loadConfig } from '../src/config.js';
import { type Dialstate, startDialstate } from '../src/main.js';
import { createSimulator } from '../src/sim/simulator.js';
import { createLeadRepository } from '../src/store/leads.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { useCleanup } from './support/cleanup.js';
import { createTempDir, sampleLead, type TempDir } from './support/store-fixtures.js';

/**
 * Hand-offs to the Asterisk AI Voice Agent end to end: dialstate (real HTTP API, real
 * SQLite, the real ari-client) against a simulator whose stand-in AAVA behaves as AAVA's
 * engine does at its door — it hangs up Local channels, and reads the variables it is
 * given from trunk channels.
 */

const silent = pino({ level: 'silent' });
const USER = 'dialstate';
const PASSWORD = 'aava-handoff-secret';
// Scenario time runs 50 times faster; the settle time is scaled with it (2 s → 40 ms).
const TIME_SCALE = 0.02;

const later = useCleanup();
let dir: TempDir | undefined;
let dialstate: Dialstate | undefined;

async function start(options: { aavaConnected?: boolean } = {}) {
  const made = createTempDir();
  later(made.remove);
  dir = made;
  const mediaDir = join(made.path, 'media');
  mkdirSync(mediaDir, { recursive: true });
  const sim = createSimulator({
    user: USER,
    password: PASSWORD,
    timeScale: TIME_SCALE,
    mediaDir,
    aava: { connected: options.aavaConnected ?? true },
  });
  later(() => sim.stop());
  const { url } = await sim.start();
  const started = await startDialstate(
    loadConfig({
      DIALSTATE_DATA_DIR: made.path,
      DIALSTATE_HTTP_PORT: '0',
      DIALSTATE_ARI_URL: url,
      DIALSTATE_ARI_USER: USER,
      DIALSTATE_ARI_PASSWORD: PASSWORD,
      AAVA_MEDIA_DIR: mediaDir,
      DIALSTATE_HANDOFF_SETTLE_MS: String(2_000 * TIME_SCALE),
    }),
    silent,
  );
  later(() => started.stop());
  dialstate = started;
  return { sim, dialstate: started };
}

async function api(method: string, path: string, body?: unknown, type = 'application/json') {
  const response = await fetch(`${dialstate?.httpUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': type },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read field by field below.
  return { status: response.status, body: (await response.json()) as any };
}

/** A campaign handing consenting people to AAVA, open around the clock, one try per lead. */
function aavaCampaign(dialString: string) {
  return {
    name: 'AAVA follow-ups',
    timezone: 'UTC',
    window: { start: '00:00', end: '00:00', days: [1, 2, 3, 4, 5, 6, 7] },
    maxConcurrent: 4,
    minIntervalMs: 0,
    ringTimeoutSec: 20,
    dialString,
    aiTarget: { kind: 'aava', agent: 'sales', provider: 'openai', audioProfile: 'telephony' },
    consent: { enabled: true, recordingId: 'default-consent', timeoutSec: 8 },
    retry: { maxAttempts: 1, retryAfterMinutes: {} },
  };
}

// The last two digits pick the simulator's far end (docs/simulator.md).
const LEADS_CSV = [
  'phone,name,custom_vars',
  '+1 415 555 0101,Ada Lovelace,"{""plan"":""gold"",""visits"":3}"',
  '+1 415 555 0202,Brian (declines),',
  '+1 415 555 0404,Dev (voicemail),',
  '+1 415 555 0116,Farah (transferred),',
].join('\n');

async function createCampaign(dialString: string): Promise<string> {
  const created = await api('POST', '/api/campaigns', aavaCampaign(dialString));
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  const imported = await api('POST', `/api/campaigns/${id}/leads/import`, LEADS_CSV, 'text/csv');
  expect(imported.status).toBe(200);
  return id;
}

async function leadsOf(campaignId: string) {
  const page = await api('GET', `/api/campaigns/${campaignId}/leads?limit=200`);
  return page.body.leads as Array<{
    id: string;
    phone: string;
    state: string;
    lastOutcome: string | null;
    lastError: string | null;
  }>;
}

async function runToTheEnd(campaignId: string) {
  const started = await api('POST', `/api/campaigns/${campaignId}/start`);
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  await vi.waitFor(
    async () => {
      const leads = await leadsOf(campaignId);
      expect(leads.every((lead) => lead.state !== 'pending' && lead.state !== 'dialing')).toBe(
        true,
      );
    },
    { timeout: 30_000, interval: 50 },
  );
  return leadsOf(campaignId);
}

describe('hand-off to AAVA over a direct-trunk dial string', () => {
  it('hands every consenting person to AAVA with exactly the variables it reads', async () => {
    const { sim } = await start();
    const campaignId = await createCampaign('PJSIP/{e164digits}@carrier');

    const leads = await runToTheEnd(campaignId);
    const byPhone = new Map(leads.map((lead) => [lead.phone, lead]));
    expect(byPhone.get('+14155550101')).toMatchObject({ lastOutcome: 'answered_human' });
    expect(byPhone.get('+14155550202')).toMatchObject({ lastOutcome: 'consent_denied' });
    expect(byPhone.get('+14155550404')?.lastOutcome).toBe('machine_detected');
    expect(byPhone.get('+14155550116')).toMatchObject({ lastOutcome: 'answered_human' });

    // Dialed on the trunk, the number without its +, as the template says.
    const originates = sim
      .requests()
      .filter((r) => r.method === 'POST' && r.path === '/ari/channels');
    expect(originates.map((r) => r.query.endpoint).sort()).toEqual([
      'PJSIP/14155550101@carrier',
      'PJSIP/14155550116@carrier',
      'PJSIP/14155550202@carrier',
      'PJSIP/14155550404@carrier',
    ]);
    // Only the two who pressed 1 reached AAVA, each as a caller session on a trunk channel.
    const sessions = sim.aava.sessions;
    expect(sessions).toHaveLength(2);
    expect(sessions.every((s) => s.kind === 'session' && s.channelName.startsWith('PJSIP/'))).toBe(
      true,
    );
    const ada = sessions.find((s) => s.variables.AAVA_OUTBOUND_PHONE === '+14155550101');
    expect(ada?.variables).toEqual({
      AI_AGENT: 'sales',
      AI_PROVIDER: 'openai',
      AI_AUDIO_PROFILE: 'telephony',
      AAVA_OUTBOUND: '1',
      AAVA_OUTBOUND_PHONE: '+14155550101',
      AAVA_CAMPAIGN_ID: campaignId,
      AAVA_LEAD_ID: byPhone.get('+14155550101')?.id,
      // Custom variables are kept as text by the lead import.
      AAVA_CUSTOM_VARS_JSON: '{"plan":"gold","visits":"3"}',
      // Never set: they would tie the call to AAVA's own campaign store or VICIdial mode.
      AAVA_ATTEMPT_ID: null,
      AAVA_CALL_OWNER: null,
    });
    // AAVA's {caller_name} and {caller_number} and its Call History.
    expect(ada).toMatchObject({ callerName: 'Ada Lovelace', callerNumber: '+14155550101' });
    const farah = sessions.find((s) => s.variables.AAVA_OUTBOUND_PHONE === '+14155550116');
    expect(farah?.transferredTo).toBe('from-internal,100,1');

    // Who ended each call is recorded: the agent, or its transfer onward.
    const endings = await Promise.all(
      ['+14155550101', '+14155550116'].map(async (phone) => {
        const lead = await api('GET', `/api/leads/${byPhone.get(phone)?.id}/attempts`);
        const attemptId: string = lead.body.attempts[0].id;
        const timeline = await api('GET', `/api/attempts/${attemptId}/timeline`);
        expect(timeline.body.replay.status).toBe('ok');
        return timeline.body;
      }),
    );
    for (const timeline of endings) {
      expect(timeline.spans.map((span: { state: string }) => span.state)).toEqual(
        expect.arrayContaining(['handingOff.entering', 'handingOff.settling', 'talking']),
      );
    }
    // Each attempt's timeline names the dial string it dialed and who ended the call.
    expect(endings[0]).toMatchObject({
      dialString: 'PJSIP/14155550101@carrier',
      endedBy: 'agent',
      transferredTo: null,
    });
    expect(endings[1]).toMatchObject({
      dialString: 'PJSIP/14155550116@carrier',
      endedBy: 'transfer',
      transferredTo: 'from-internal',
    });
  }, 60_000);

  it('refuses to start an AAVA campaign that dials Local channels, which AAVA hangs up', async () => {
    await start();
    const campaignId = await createCampaign('Local/{number}@from-internal');

    const started = await api('POST', `/api/campaigns/${campaignId}/start`);

    expect(started.status).toBe(409);
    expect(JSON.stringify(started.body)).toContain('aavaNeedsTrunk');
    expect(JSON.stringify(started.body)).toContain('PJSIP/{e164digits}');
  });

  it('records handoff_failed, not answered_human, when AAVA is not connected', async () => {
    const { sim } = await start({ aavaConnected: false });
    const campaignId = await createCampaign('PJSIP/{e164digits}@carrier');

    const leads = await runToTheEnd(campaignId);

    const ada = leads.find((lead) => lead.phone === '+14155550101');
    expect(ada?.lastOutcome).toBe('handoff_failed');
    expect(ada?.lastError).toContain('STASISSTATUS=FAILED');
    expect(sim.aava.sessions).toEqual([]);
  }, 60_000);
});

describe('hand-off targets that are not there', () => {
  it('records handoff_failed with the reason when the hand-off context does not exist', async () => {
    const { dialstate } = await start();
    const campaignId = await createCampaign('PJSIP/{e164digits}@carrier');
    // One lead of this running campaign overrides the AI target with a context the PBX
    // does not have (the start only checks the campaign's own target).
    const started = await api('POST', `/api/campaigns/${campaignId}/start`);
    expect(started.status).toBe(200);
    const db = openDatabase({ path: join(dir?.path ?? '', 'dialstate.db') });
    try {
      const inserted = await createLeadRepository(db.db).insert([
        sampleLead(campaignId, 99, {
          id: 'lead-missing-target',
          phone: '+14155550301',
          aiTarget: { kind: 'dialplan', context: 'no-such-agent', extension: 's', priority: 1 },
          createdAt: Date.now(),
        }),
      ]);
      expect(inserted.ok).toBe(true);
    } finally {
      await db.close();
    }
    await dialstate.scheduler.tick();

    await vi.waitFor(
      async () => {
        const lead = await api('GET', '/api/leads/lead-missing-target');
        expect(lead.body.lastOutcome).toBe('handoff_failed');
        expect(lead.body.lastError).toContain('no-such-agent');
      },
      { timeout: 30_000, interval: 50 },
    );
  }, 60_000);

  it('refuses to start a campaign whose AI target is missing, with a fix', async () => {
    await start();
    const body = {
      ...aavaCampaign('Local/{number}@from-internal'),
      aiTarget: { kind: 'dialplan', context: 'no-such-agent', extension: 's', priority: 1 },
    };
    const created = await api('POST', '/api/campaigns', body);
    await api('POST', `/api/campaigns/${created.body.id}/leads/import`, LEADS_CSV, 'text/csv');

    const started = await api('POST', `/api/campaigns/${created.body.id}/start`);

    expect(started.status).toBe(409);
    const text = JSON.stringify(started.body);
    expect(text).toContain('aiTargetMissing');
    expect(text).toContain('no-such-agent,s,1');
    expect(text).toContain('Fix:');
  });

  it('has doctor fail on a missing AI target and warn when AAVA is not connected', async () => {
    const { sim } = await start({ aavaConnected: false });
    const probe = createAriSetupProbe({
      url: sim.url ?? '',
      user: USER,
      password: PASSWORD,
      clock: systemClock,
    });
    const lines: string[] = [];
    const config = loadConfig({
      DIALSTATE_DATA_DIR: dir?.path ?? '',
      DIALSTATE_ARI_URL: sim.url ?? '',
      DIALSTATE_ARI_PASSWORD: PASSWORD,
      AAVA_MEDIA_DIR: join(dir?.path ?? '', 'media'),
    });
    const code = await doctorCommand(config, {
      probe,
      print: (line) => lines.push(line),
      targets: async () => [
        {
          campaignName: 'Reminders',
          target: { kind: 'dialplan', context: 'no-such-agent', extension: 's', priority: 1 },
        },
        {
          campaignName: 'Sales',
          target: {
            kind: 'aava',
            app: 'asterisk-ai-voice-agent',
            agent: 'sales',
            provider: null,
            audioProfile: null,
            context: 'dialstate-aava-handoff',
          },
        },
      ],
    });

    expect(code).toBe(1);
    const report = lines.join('\n');
    expect(report).toMatch(/✗ AI target no-such-agent,s,1 \(Reminders\)/);
    expect(report).toContain('fix: Create no-such-agent,s in the dialplan');
    expect(report).toMatch(
      /! AI target AAVA app asterisk-ai-voice-agent via dialstate-aava-handoff \(Sales\)/,
    );
    expect(report).toContain("fix: Start AAVA's engine");
  });
});
