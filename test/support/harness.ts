import { type Logger, pino } from 'pino';
import { SimulatedClock } from 'xstate';
import { buildAttemptInput } from '../../src/calls/attempt-input.js';
import { type AttemptRunner, createAttemptRunner } from '../../src/calls/attempt-runner.js';
import type { AttemptJournal } from '../../src/calls/ports.js';
import type { StorageWriteReports } from '../../src/calls/storage-health.js';
import type { Campaign } from '../../src/campaign/campaign.js';
import type { Lead } from '../../src/campaign/lead.js';
import { ATTEMPT_MACHINE_VERSION } from '../../src/machines/attempt.js';
import { createAttemptSnapshot } from '../../src/machines/attempt-step.js';
import type { AttemptEvent } from '../../src/machines/attempt-types.js';
import {
  type AttemptJournalOptions,
  createAttemptJournal,
  type SqliteAttemptJournal,
} from '../../src/store/journal/attempt-journal.js';
import { createLeadRepository, type LeadRepository } from '../../src/store/leads.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { FakeCallControl } from './fake-call-control.js';
import {
  createTempDir,
  openMigratedStore,
  sampleCampaign,
  sampleLeads,
  seedStore,
  T0,
  type TempDir,
} from './store-fixtures.js';

/** An event as a test writes it: the harness stamps `at` from its clock. */
export type EventWithoutTime = AttemptEvent extends infer E
  ? E extends AttemptEvent
    ? Omit<E, 'at'>
    : never
  : never;

export interface Harness {
  dir: TempDir;
  store: Store;
  journal: SqliteAttemptJournal;
  leads: LeadRepository;
  callControl: FakeCallControl;
  clock: SimulatedClock;
  runner: AttemptRunner;
  campaign: Campaign;
  /** Claims lead-N (1-based) for a new attempt and starts it; returns the attempt id. */
  launch(leadNumber: number): Promise<string>;
  /** Dispatches an event stamped with the clock's time and waits for all work to settle. */
  send(attemptId: string, event: EventWithoutTime): Promise<void>;
  /** Moves the clock forward, firing due timers, and waits for all work to settle. */
  advance(ms: number): Promise<void>;
  lead(leadNumber: number): Promise<Lead>;
  /**
   * Simulates a crash: abandons this runner without stopping it, then builds a new
   * store connection, clock and runner over the same database file and resumes.
   */
  crashAndRestart(options?: {
    downForMs?: number;
    /** Runs after the open attempts are restored and before their timers are armed, as reconciliation does. */
    beforeTimers?: (restarted: Harness) => Promise<void>;
  }): Promise<Harness>;
  close(): Promise<void>;
}

/**
 * Assembles the real runner over a real SQLite file with real migrations, a call
 * control that records commands, a simulated clock and sequential ids.
 */
export async function createHarness(
  options: {
    campaign?: Partial<Campaign>;
    leads?: number;
    /** An existing folder; its database is reused and, unless `seed`, not seeded. */
    dir?: TempDir;
    /** Insert the sample campaign and leads (default: only into a new folder). */
    seed?: boolean;
    now?: number;
    /** Wraps the journal the runner commits through (a fault-injecting journal). */
    wrapJournal?: (journal: AttemptJournal) => AttemptJournal;
    /** Told the result of the runner's every commit. */
    storage?: StorageWriteReports;
    /** The runner's logger (silent by default). */
    log?: Logger;
    /** How the journal commits (ADR 037, 050). */
    journalOptions?: AttemptJournalOptions;
  } = {},
): Promise<Harness> {
  const dir = options.dir ?? createTempDir();
  const store = await openMigratedStore(dir);
  const journal = createAttemptJournal(store, options.journalOptions);
  const leads = createLeadRepository(store.db);
  const campaign = sampleCampaign({ status: 'running', ...options.campaign });
  if (options.seed ?? !options.dir) {
    await seedStore(store, {
      campaigns: [campaign],
      leads: sampleLeads(campaign.id, options.leads ?? 3),
    });
  }
  const clock = new SimulatedClock();
  clock.set(options.now ?? T0);
  const callControl = new FakeCallControl();
  const runner = createAttemptRunner({
    journal: options.wrapJournal?.(journal) ?? journal,
    callControl,
    clock,
    log: options.log ?? pino({ level: 'silent' }),
    ...(options.storage ? { storage: options.storage } : {}),
  });
  const harness: Harness = {
    dir,
    store,
    journal,
    leads,
    callControl,
    clock,
    runner,
    campaign,
    async launch(leadNumber) {
      const lead = await harness.lead(leadNumber);
      const attemptId = `attempt-${leadNumber}-${lead.attempts + 1}`;
      const input = buildAttemptInput({
        attemptId,
        campaign,
        lead,
        identity: {
          stasisApp: 'dialstate',
          outboundIdentity: '6789',
          defaultDialString: 'Local/{number}@from-internal',
          aavaHandoffContext: 'dialstate-aava-handoff',
        },
        consentMedia: campaign.consent.enabled
          ? { uri: 'sound:dialstate/consent', durationMs: 2_000 }
          : null,
        voicemailMedia: campaign.voicemail.enabled
          ? { uri: 'sound:dialstate/voicemail', durationMs: 6_000 }
          : null,
      });
      const created = await journal.createAttempt({
        attemptId,
        campaignId: campaign.id,
        leadId: lead.id,
        machineVersion: ATTEMPT_MACHINE_VERSION,
        input,
        snapshot: createAttemptSnapshot(input),
        state: 'idle',
        at: clock.now(),
      });
      if (!created.ok)
        throw new Error(`lead-${leadNumber} could not be claimed: ${created.reason}`);
      await runner.start(created.attempt);
      await runner.settled();
      return attemptId;
    },
    async send(attemptId, event) {
      await runner.dispatch(attemptId, { ...event, at: clock.now() } as AttemptEvent);
      await runner.settled();
    },
    async advance(ms) {
      clock.increment(ms);
      await runner.settled();
    },
    async lead(leadNumber) {
      const lead = await leads.get(`lead-${leadNumber}`);
      if (!lead) throw new Error(`no lead-${leadNumber}`);
      return lead;
    },
    async crashAndRestart({ downForMs = 0, beforeTimers } = {}) {
      // The old runner is abandoned, not stopped: like a killed process, it gets no
      // chance to tidy up. Its clock is never advanced again, so its timers never fire.
      await runner.settled();
      const next = await createHarness({
        ...options,
        dir,
        seed: false,
        now: clock.now() + downForMs,
      });
      await store.close();
      await next.runner.resumeOpenAttempts();
      await beforeTimers?.(next);
      next.runner.resumeTimers();
      return next;
    },
    async close() {
      await runner.stop();
      await store.close();
      if (!options.dir) dir.remove();
    },
  };
  return harness;
}
