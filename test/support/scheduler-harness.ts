import { pino } from 'pino';
import { afterEach } from 'vitest';
import type { PlayableMedia } from '../../src/calls/attempt-input.js';
import {
  type CampaignScheduler,
  type CampaignSchedulerDeps,
  createCampaignScheduler,
} from '../../src/calls/campaign-scheduler.js';
import type { DialingStore } from '../../src/calls/ports.js';
import type { Campaign } from '../../src/campaign/campaign.js';
import { type CampaignControl, createCampaignControl } from '../../src/control/campaign-control.js';
import type { CampaignRepository } from '../../src/control/campaign-reads.js';
import type { AiTarget } from '../../src/machines/attempt-types.js';
import type { TargetProblem } from '../../src/setup/ai-target-checks.js';
import { createCampaignControlStore } from '../../src/store/campaign-control-store.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import { createDialingStore } from '../../src/store/dialing-store.js';
import type { AttemptJournalOptions } from '../../src/store/journal/attempt-journal.js';
import { createHarness, type Harness } from './harness.js';
import {
  createTempDir,
  sampleCampaign,
  sampleLeads,
  sampleRecording,
  seedDatabase,
} from './store-fixtures.js';

/** An attempt that has not ended, as the store holds it. */
export interface OpenAttempt {
  attemptId: string;
  campaignId: string;
  leadId: string;
  createdAt: number;
}

export interface SchedulerHarness extends Harness {
  scheduler: CampaignScheduler;
  dialing: DialingStore;
  campaigns: CampaignRepository;
  /** Flip to simulate the ARI connection dropping. */
  ari: { connected: boolean; hold: string | null };
  /** Adds another running campaign with `leads` leads numbered from `firstSeq`. */
  addCampaign(overrides: Partial<Campaign>, leads: number, firstSeq: number): Promise<void>;
  /** Waits until neither the scheduler nor the runner has anything left to do. */
  quiet(): Promise<void>;
  /** Moves the clock forward (firing due timers), then waits until all is quiet. */
  advance(ms: number): Promise<void>;
  /** Attempts not ended yet, oldest first. */
  openAttempts(): Promise<OpenAttempt[]>;
  /**
   * Ends a live attempt before any answer with this Q.850 cause (17 busy, 1 invalid
   * number…), then waits until all is quiet.
   */
  hangUp(attemptId: string, cause: number): Promise<void>;
  originates(): number;
  /** The operator's controls over this harness's store, scheduler and runner. */
  control(extra?: { purge?: { wake(): void } }): CampaignControl;
}

/**
 * The harness of `createHarness` (real runner, SQLite file, FakeCallControl, simulated
 * clock) with a campaign scheduler over it. The sample campaign runs, without consent
 * or voicemail unless asked; the scheduler is not started.
 */
export async function createSchedulerHarness(
  options: {
    campaign?: Partial<Campaign>;
    leads?: number;
    now?: number;
    maxChannels?: number;
    media?: Record<string, PlayableMedia>;
    scheduler?: Partial<CampaignSchedulerDeps>;
    /** Recordings (by id) to put in the library before the campaign. */
    withRecordings?: string[];
    /**
     * What the PBX says of a hand-off target when a campaign starts; by default every
     * target can take calls (test/aava-handoff.test.ts asks the simulator).
     */
    checkTarget?: (target: AiTarget) => Promise<TargetProblem | null>;
    /** How the journal commits (ADR 037, 050). */
    journalOptions?: AttemptJournalOptions;
  } = {},
): Promise<SchedulerHarness> {
  // Seeded here rather than by createHarness: recordings must exist before the campaign
  // that refers to them.
  const dir = createTempDir();
  const campaignOverrides: Partial<Campaign> = {
    consent: { enabled: false, recordingId: null, timeoutSec: 8 },
    minIntervalMs: 0,
    ...options.campaign,
  };
  const seeded = sampleCampaign({ status: 'running', ...campaignOverrides });
  await seedDatabase(dir, {
    recordings: (options.withRecordings ?? []).map((id) => sampleRecording(id)),
    campaigns: [seeded],
    leads: sampleLeads(seeded.id, options.leads ?? 3),
  });
  const base = await createHarness({
    dir,
    seed: false,
    campaign: campaignOverrides,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.journalOptions === undefined ? {} : { journalOptions: options.journalOptions }),
  });
  const dialing = createDialingStore(base.store.db, base.journal);
  const campaigns = createCampaignRepository(base.store.db);
  const ari: { connected: boolean; hold: string | null } = { connected: true, hold: null };
  let ids = 0;
  const media = options.media ?? {};
  const scheduler = createCampaignScheduler({
    store: dialing,
    runner: base.runner,
    clock: base.clock,
    log: pino({ level: 'silent' }),
    maxChannels: options.maxChannels ?? 10,
    identity: {
      stasisApp: 'dialstate',
      outboundIdentity: '6789',
      defaultDialString: 'Local/{number}@from-internal',
      aavaHandoffContext: 'dialstate-aava-handoff',
    },
    findMedia: async (id) => media[id],
    ariConnected: () => ari.connected,
    pbxHold: () => ari.hold,
    newAttemptId: () => {
      ids += 1;
      return `attempt-${ids}`;
    },
    ...options.scheduler,
  });

  const harness: SchedulerHarness = {
    ...base,
    scheduler,
    dialing,
    campaigns,
    ari,
    async addCampaign(overrides, leads, firstSeq) {
      const campaign = sampleCampaign({
        status: 'running',
        consent: { enabled: false, recordingId: null, timeoutSec: 8 },
        minIntervalMs: 0,
        ...overrides,
      });
      await campaigns.insert(campaign);
      const inserted = await base.leads.insert(sampleLeads(campaign.id, leads, firstSeq));
      if (!inserted.ok) throw new Error('could not insert the leads');
    },
    async quiet() {
      for (;;) {
        const before = base.callControl.received.length;
        await base.runner.settled();
        await scheduler.tick();
        await base.runner.settled();
        if (base.callControl.received.length === before) return;
      }
    },
    async advance(ms) {
      base.clock.increment(ms);
      await harness.quiet();
    },
    async openAttempts() {
      const rows = await base.store.db
        .selectFrom('attempt')
        .select(['id', 'campaign_id', 'lead_id', 'created_at'])
        .where('done', '=', 0)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        attemptId: row.id,
        campaignId: row.campaign_id,
        leadId: row.lead_id,
        createdAt: row.created_at,
      }));
    },
    async hangUp(attemptId, cause) {
      await base.send(attemptId, { type: 'channel.hungUp', cause });
      await harness.quiet();
    },
    originates: () => base.callControl.count('originate'),
    control: (extra = {}) =>
      createCampaignControl({
        ...extra,
        store: createCampaignControlStore(base.store.db),
        scheduler,
        runner: base.runner,
        clock: base.clock,
        log: pino({ level: 'silent' }),
        defaultDialString: 'Local/{number}@from-internal',
        aavaHandoffContext: 'dialstate-aava-handoff',
        checkTarget: options.checkTarget ?? (async () => null),
      }),
    async close() {
      await scheduler.stop();
      await base.close();
      dir.remove();
    },
  };
  return harness;
}

/**
 * For a test file whose tests each build their own scheduler harness: the returned
 * `setUp` builds one, and it is closed after the test that built it.
 */
export function schedulerHarnessPerTest(): (
  options?: Parameters<typeof createSchedulerHarness>[0],
) => Promise<SchedulerHarness> {
  let current: SchedulerHarness | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (options = {}) => {
    current = await createSchedulerHarness(options);
    return current;
  };
}
