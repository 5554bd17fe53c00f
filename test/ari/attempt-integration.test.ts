import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { type AriGateway, createAriGateway } from '../../src/ari/ari-gateway.js';
import { buildAttemptInput } from '../../src/calls/attempt-input.js';
import { type AttemptRunner, createAttemptRunner } from '../../src/calls/attempt-runner.js';
import {
  createChannelReconciler,
  type ReconcileReport,
} from '../../src/calls/channel-reconciler.js';
import { createEventRouter, type EventRouter } from '../../src/calls/event-router.js';
import type { JournalEntry } from '../../src/calls/ports.js';
import type { Campaign } from '../../src/campaign/campaign.js';
import { ATTEMPT_MACHINE_VERSION } from '../../src/machines/attempt.js';
import { createAttemptSnapshot } from '../../src/machines/attempt-step.js';
import type { AttemptOutcome } from '../../src/machines/attempt-types.js';
import { SCENARIOS as SIM_SCENARIOS } from '../../src/sim/sim-scenarios.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { createAttemptJournal } from '../../src/store/journal/attempt-journal.js';
import { createLeadRepository, type LeadRepository } from '../../src/store/leads.js';
import type { Store } from '../../src/store/sqlite/db.js';
import {
  openSeededStore,
  sampleCampaign,
  sampleLeads,
  T0,
  type TempDir,
} from '../support/store-fixtures.js';
import { createTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const APP = 'dialstate';
const USER = 'dialstate';
const PASSWORD = 'sim-secret';
const SCENARIO_COUNT = 15;
/** Leads after the scenario ones reach a human whose AI conversation lasts 20 s. */
const LONG_TALK_LEAD = SCENARIO_COUNT + 1;

/**
 * The whole dialer path for real: the attempt runner over a SQLite journal, the ARI
 * gateway over ari-client and a real websocket, and the simulated Asterisk behind it.
 * Lead N's phone ends in N, which picks the simulator's scenario N.
 *
 * The simulator and the dialer share one simulated clock that only moves when the
 * test moves it, and only once every message in flight has been handled: the calls
 * play out in their real order however slow or loaded the machine running the test.
 */
interface Dialer {
  sim: Simulator;
  proxy: TcpProxy;
  gateway: AriGateway;
  runner: AttemptRunner;
  router: EventRouter;
  clock: SimulatedClock;
  /** Events and connection changes the gateway delivered so far. */
  heard: () => number;
  /** Reconciliations done after reconnects so far. */
  reconciled: ReconcileReport[];
  store: Store;
  dir: TempDir;
  leads: LeadRepository;
  campaign: Campaign;
  journal: ReturnType<typeof createAttemptJournal>;
}

async function startDialer(): Promise<Dialer> {
  const clock = new SimulatedClock();
  clock.set(T0);
  const sim = createSimulator({
    user: USER,
    password: PASSWORD,
    clock,
    rules: [
      {
        number: /^\+1555020001[67]$/,
        scenario: { ...SIM_SCENARIOS.human, name: 'long-talk', talkMs: 20_000 },
      },
    ],
  });
  const { url } = await sim.start();
  // Every byte between the dialer and the simulator passes here, and can be cut.
  const proxy = await createTcpProxy(url);
  const log = pino({ level: 'silent' });
  const campaign = sampleCampaign({
    status: 'running',
    consent: { enabled: true, recordingId: null, timeoutSec: 8 },
    voicemail: { enabled: true, recordingId: null, greetingMaxWaitSec: 20 },
  });
  const { dir, store } = await openSeededStore({
    campaigns: [campaign],
    leads: sampleLeads(campaign.id, LONG_TALK_LEAD + 1),
  });
  const journal = createAttemptJournal(store);
  const leads = createLeadRepository(store.db);

  const gateway = createAriGateway({
    url: proxy.url,
    user: USER,
    password: PASSWORD,
    app: APP,
    dialContext: 'from-internal',
    amdContext: 'aava-outbound-amd',
    clock,
    log,
    // The clock stands still while a request is in flight: no ARI request times out.
    heartbeatMs: 0,
  });
  let heard = 0;
  gateway.onEvent(() => {
    heard += 1;
  });
  gateway.onConnection(() => {
    heard += 1;
  });
  const runner = createAttemptRunner({ journal, callControl: gateway.callControl, clock, log });
  const reconciled: ReconcileReport[] = [];
  const reconciler = createChannelReconciler({ runner, channels: gateway, clock, log });
  const router = createEventRouter({
    source: gateway,
    runner,
    reconciler: {
      async reconcile() {
        const report = await reconciler.reconcile();
        reconciled.push(report);
        return report;
      },
    },
    log,
  });
  await gateway.connect();
  return {
    sim,
    proxy,
    gateway,
    runner,
    router,
    clock,
    heard: () => heard,
    reconciled,
    store,
    dir,
    leads,
    campaign,
    journal,
  };
}

/**
 * Waits until nothing is in flight: every queued event committed, every command's
 * request answered, and a few event-loop turns (each one polls the sockets) without
 * a new delivery. Counts turns, not milliseconds, so a slow machine changes nothing.
 */
async function quiet(d: Dialer): Promise<void> {
  const TURNS = 10;
  for (let idle = 0; idle < TURNS; ) {
    const before = d.heard();
    await d.runner.settled();
    await new Promise((resolve) => setImmediate(resolve));
    idle = d.heard() === before ? idle + 1 : 0;
  }
}

/** Moves the shared clock in 200 ms steps, letting everything settle after each, until `done`. */
async function advanceUntil(d: Dialer, done: () => Promise<boolean>): Promise<void> {
  const STEP_MS = 200;
  for (let elapsed = 0; elapsed <= 180_000; elapsed += STEP_MS) {
    await quiet(d);
    if (await done()) return;
    d.clock.increment(STEP_MS);
  }
  throw new Error('still not done after 3 simulated minutes');
}

async function stopDialer(d: Dialer): Promise<void> {
  d.router.stop();
  await d.runner.stop();
  await d.gateway.close();
  await d.proxy.close();
  await d.sim.stop();
  await d.store.close();
  d.dir.remove();
}

/** Claims lead N for a new attempt and starts it, as the scheduler would. */
async function launch(d: Dialer, leadNumber: number): Promise<string> {
  const lead = await d.leads.get(`lead-${leadNumber}`);
  if (!lead) throw new Error(`no lead-${leadNumber}`);
  const attemptId = `attempt-${leadNumber}-${lead.attempts + 1}`;
  const input = buildAttemptInput({
    attemptId,
    campaign: d.campaign,
    lead,
    identity: {
      stasisApp: APP,
      outboundIdentity: '6789',
      defaultDialString: 'Local/{number}@from-internal',
      aavaHandoffContext: 'dialstate-aava-handoff',
    },
    // Stock sounds the simulator knows, with their real lengths.
    consentMedia: { uri: 'sound:if-correct-press', durationMs: 1_970 },
    voicemailMedia: { uri: 'sound:vm-intro', durationMs: 5_650 },
  });
  const created = await d.journal.createAttempt({
    attemptId,
    campaignId: d.campaign.id,
    leadId: lead.id,
    machineVersion: ATTEMPT_MACHINE_VERSION,
    input,
    snapshot: createAttemptSnapshot(input),
    state: 'idle',
    at: d.clock.now(),
  });
  if (!created.ok) throw new Error(`lead-${leadNumber} could not be claimed: ${created.reason}`);
  await d.runner.start(created.attempt);
  return attemptId;
}

async function isDone(d: Dialer, attemptId: string): Promise<boolean> {
  return (await d.journal.loadAttempt(attemptId))?.done === true;
}

/** Runs the clock until the attempt is done; returns its journal. */
async function ended(d: Dialer, attemptId: string): Promise<JournalEntry[]> {
  await advanceUntil(d, () => isDone(d, attemptId));
  return d.journal.loadEntries(attemptId);
}

function commandsOf(entries: JournalEntry[]): string[] {
  return entries.flatMap((entry) => entry.commands.map((command) => command.type));
}

/** How an attempt ends: its outcome and every command it sent, in order. */
interface Ending {
  outcome: AttemptOutcome;
  commands: string[];
}

/** The simulator's scenarios by number suffix, and how each attempt must end. */
const SCENARIOS: (Ending & {
  lead: number;
  scenario: string;
  /** The error the attempt ends with, when it must give one. */
  error?: string;
})[] = [
  {
    lead: 1,
    scenario: 'human',
    outcome: 'answered_human',
    commands: ['originate', 'continueToAmd', 'play', 'handOff'],
  },
  {
    lead: 2,
    scenario: 'consent-deny',
    outcome: 'consent_denied',
    commands: ['originate', 'continueToAmd', 'play', 'hangUp'],
  },
  {
    lead: 3,
    scenario: 'consent-silent',
    outcome: 'consent_timeout',
    commands: ['originate', 'continueToAmd', 'play', 'hangUp'],
  },
  {
    lead: 4,
    scenario: 'machine',
    outcome: 'voicemail_dropped',
    commands: ['originate', 'continueToAmd', 'detectGreetingEnd', 'play', 'hangUp'],
  },
  {
    lead: 5,
    scenario: 'silent-line',
    outcome: 'voicemail_dropped',
    commands: ['originate', 'continueToAmd', 'detectGreetingEnd', 'play', 'hangUp'],
  },
  {
    lead: 6,
    scenario: 'notsure',
    outcome: 'voicemail_dropped',
    commands: ['originate', 'continueToAmd', 'detectGreetingEnd', 'play', 'hangUp'],
  },
  { lead: 7, scenario: 'busy', outcome: 'busy', commands: ['originate'] },
  { lead: 8, scenario: 'no-answer', outcome: 'no_answer', commands: ['originate'] },
  { lead: 9, scenario: 'congestion', outcome: 'congestion', commands: ['originate'] },
  { lead: 10, scenario: 'invalid-number', outcome: 'invalid_number', commands: ['originate'] },
  {
    lead: 11,
    scenario: 'hangup-during-amd',
    outcome: 'abandoned',
    commands: ['originate', 'continueToAmd'],
  },
  {
    lead: 12,
    scenario: 'hangup-during-prompt',
    outcome: 'abandoned',
    commands: ['originate', 'continueToAmd', 'play'],
  },
  {
    lead: 13,
    scenario: 'hangup-during-voicemail',
    outcome: 'machine_detected',
    commands: ['originate', 'continueToAmd', 'detectGreetingEnd', 'play'],
    error: 'hung up during the voicemail drop',
  },
  {
    lead: 14,
    scenario: 'slow-answer',
    outcome: 'answered_human',
    commands: ['originate', 'continueToAmd', 'play', 'handOff'],
  },
  {
    lead: 15,
    scenario: 'hangup-during-talk',
    outcome: 'answered_human',
    commands: ['originate', 'continueToAmd', 'play', 'handOff'],
  },
];

describe('an attempt end to end: runner, SQLite journal, ARI gateway and the simulator', () => {
  let d: Dialer;
  /** Attempt id and journal of each scenario's attempt, by lead. */
  const runs = new Map<number, { attemptId: string; entries: JournalEntry[] }>();
  beforeAll(async () => {
    d = await startDialer();
    // All scenarios at once, as a campaign would dial them.
    const launched = await Promise.all(SCENARIOS.map(({ lead }) => launch(d, lead)));
    await advanceUntil(d, async () =>
      (await Promise.all(launched.map((attemptId) => isDone(d, attemptId)))).every(Boolean),
    );
    for (const [index, { lead }] of SCENARIOS.entries()) {
      const attemptId = launched[index] as string;
      runs.set(lead, { attemptId, entries: await d.journal.loadEntries(attemptId) });
    }
  });
  afterAll(async () => {
    await stopDialer(d);
  });

  it('covers every scenario of the simulator', () => {
    expect(
      SCENARIOS.map((s) => d.sim.scenarioFor(`+155502000${String(s.lead).padStart(2, '0')}`).name),
    ).toEqual(SCENARIOS.map((s) => s.scenario));
  });

  for (const { lead, scenario, outcome, commands, error } of SCENARIOS) {
    it(`${scenario}: ends ${outcome}, journaled from start to end`, async () => {
      const run = runs.get(lead);
      if (!run) throw new Error(`lead-${lead} was not dialled`);
      const { attemptId, entries } = run;

      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
      expect(entries[0]?.event.type).toBe('attempt.started');
      expect(entries.at(-1)?.state).toBe('done');
      expect(commandsOf(entries)).toEqual(commands);
      const attempt = await d.journal.loadAttempt(attemptId);
      expect(attempt?.snapshot.context.outcome).toBe(outcome);
      if (error !== undefined) expect(attempt?.snapshot.context.error).toBe(error);
      expect(d.runner.isLive(attemptId)).toBe(false);
      expect(await d.leads.get(`lead-${lead}`)).toMatchObject({
        lastOutcome: outcome,
        activeAttemptId: null,
      });
      // Asterisk (simulated) has nothing left of the call.
      expect(await d.gateway.channelExists(`dialstate-${attemptId}`)).toBe(false);
    });
  }

  it.each([
    [12, 'the prompt'],
    [13, 'the voicemail message'],
  ])('ends lead %i on the hang-up request that comes before %s is cut short', (lead) => {
    const entries = runs.get(lead)?.entries ?? [];

    // Asterisk requests the hang-up of our half before it stops the playback: the
    // attempt is over by then, and the `failed` playback is never heard.
    expect(entries.at(-1)?.event).toMatchObject({ type: 'channel.hangupRequested', cause: 16 });
    expect(entries.some((e) => e.event.type === 'playback.finished')).toBe(false);
    expect(entries.some((e) => e.event.type === 'playback.started')).toBe(true);
  });

  /** The originate requests that went over the wire for an attempt's channel. */
  function originatesSentFor(attemptId: string): string[] {
    return d.proxy
      .sent()
      .split('\r\n')
      .filter(
        (line) =>
          line.startsWith('POST /ari/channels?') &&
          line.includes(`channelId=dialstate-${attemptId}&`),
      );
  }

  async function talking(attemptId: string): Promise<void> {
    await advanceUntil(
      d,
      async () => (await d.journal.loadAttempt(attemptId))?.state === 'talking',
    );
  }

  /** Cuts every connection to the simulator and waits (in real time) for the reconnect and its reconciliation. */
  async function cutAndReconnect(
    duringOutage: () => Promise<void> = async () => {},
  ): Promise<void> {
    const reconciled = d.reconciled.length;
    const lost = new Promise<void>((resolve) => {
      const off = d.gateway.onConnection((status) => {
        if (status.state !== 'disconnected') return;
        off();
        resolve();
      });
    });
    d.proxy.cutAll();
    await lost;
    await duringOutage();
    // The gateway probes ARI on the shared clock while it is away.
    await advanceUntil(d, async () => d.reconciled.length === reconciled + 1);
  }

  it('goes on with a call that outlived a cut websocket, after one originate only', async () => {
    const attemptId = await launch(d, LONG_TALK_LEAD);
    await talking(attemptId);
    await cutAndReconnect();
    expect(d.reconciled.at(-1)?.lost).toEqual([]);
    const entries = await ended(d, attemptId);

    // The reconnect's reconciliation found the channel: the call went on and its end
    // arrived as an event, not as a loss.
    expect(entries.at(-1)?.event).toMatchObject({ type: 'channel.hungUp', cause: 16 });
    expect(entries.some((e) => e.event.type === 'channel.lost')).toBe(false);
    expect((await d.journal.loadAttempt(attemptId))?.snapshot.context).toMatchObject({
      outcome: 'answered_human',
      error: null,
    });
    expect(commandsOf(entries).filter((type) => type === 'originate')).toHaveLength(1);
    expect(originatesSentFor(attemptId)).toHaveLength(1);
    expect(
      d.sim.calls().filter((call) => call.channelId === `dialstate-${attemptId}`),
    ).toHaveLength(1);
  });

  it('still ends an attempt whose call ended while the websocket was cut, after one originate only', async () => {
    const attemptId = await launch(d, LONG_TALK_LEAD + 1);
    await talking(attemptId);
    // The call ends during the outage (hung up at the PBX): its ChannelDestroyed is never
    // heard. dialstate's own requests fail at once meanwhile.
    await cutAndReconnect(async () => {
      await expect(
        d.gateway.callControl.hangUp({ channelId: `dialstate-${attemptId}` }),
      ).rejects.toThrow('not connected to ARI');
      const response = await fetch(
        `${d.sim.url}/ari/channels/${encodeURIComponent(`dialstate-${attemptId}`)}`,
        {
          method: 'DELETE',
          headers: {
            authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
          },
        },
      );
      expect(response.status).toBe(204);
    });
    expect(d.reconciled.at(-1)?.lost).toEqual([attemptId]);
    const entries = await ended(d, attemptId);

    expect(entries.at(-1)?.event.type).toBe('channel.lost');
    expect((await d.journal.loadAttempt(attemptId))?.snapshot.context).toMatchObject({
      outcome: 'answered_human',
      error: 'channel ended while disconnected; talk time is an upper bound',
    });
    expect(commandsOf(entries).filter((type) => type === 'originate')).toHaveLength(1);
    expect(originatesSentFor(attemptId)).toHaveLength(1);
    expect(
      d.sim.calls().filter((call) => call.channelId === `dialstate-${attemptId}`),
    ).toHaveLength(1);
  });
});
