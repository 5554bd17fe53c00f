import type { Kysely } from 'kysely';
import {
  buildAttemptInput,
  type DialIdentity,
  type PlayableMedia,
} from '../src/calls/attempt-input.js';
import type { NewAttempt } from '../src/calls/ports.js';
import { DEFAULT_AMD_PARAMETERS } from '../src/campaign/amd-parameters.js';
import type { Campaign } from '../src/campaign/campaign.js';
import { NO_FREQUENCY_CAPS } from '../src/campaign/frequency-caps.js';
import type { Lead } from '../src/campaign/lead.js';
import { DEFAULT_RETRY_POLICY } from '../src/campaign/retry-policy.js';
import { ATTEMPT_MACHINE_VERSION } from '../src/machines/attempt.js';
import { createAttemptSnapshot } from '../src/machines/attempt-step.js';
import type { AttemptInput } from '../src/machines/attempt-types.js';
import type { NewLead } from '../src/store/leads.js';
import { migrateTo, migrateToLatest } from '../src/store/migrate.js';
import type { Database } from '../src/store/schema.js';
import type { OpenDatabaseOptions } from '../src/store/sqlite/db.js';

/**
 * Settings of the SQLite connection the benchmarks compare in one run. `before`: as
 * before the checkpoint thread and in-memory statement journals (SQLite's automatic
 * checkpoint inside the commit, temporary files on disk); `product`: openDatabase's
 * defaults with the checkpoint thread, as `dialstate serve` and `dialstate import` run;
 * the others one change at a time, or another page cache.
 */
export const CONNECTION_VARIANTS: Record<string, Partial<OpenDatabaseOptions>> = {
  before: { checkpoints: 'automatic', tempStore: 'file' },
  background: { checkpoints: 'background', tempStore: 'file' },
  memjournal: { checkpoints: 'automatic', tempStore: 'memory' },
  product: { checkpoints: 'background' },
  'product-cache64': { checkpoints: 'background', cacheSizeKib: 65_536 },
  'product-cache4': { checkpoints: 'background', cacheSizeKib: 4_096 },
};

/** The variants named in `text` (comma-separated), with their settings. */
export function connectionVariants(
  text: string,
): { name: string; options: Partial<OpenDatabaseOptions> }[] {
  return text.split(',').map((name) => {
    const options = CONNECTION_VARIANTS[name];
    if (options === undefined) {
      throw new Error(
        `connection variants are ${Object.keys(CONNECTION_VARIANTS).join(', ')}, not ${name}`,
      );
    }
    return { name, options };
  });
}

/** A campaign with every feature on: consent gate, voicemail drop, dialplan AI target. */
export function benchCampaign(): Campaign {
  return {
    id: 'bench-campaign',
    name: 'Benchmark',
    status: 'running',
    statusReason: null,
    timezone: 'America/New_York',
    window: { start: '00:00', end: '00:00', days: [1, 2, 3, 4, 5, 6, 7] },
    startsAt: null,
    endsAt: null,
    blackoutDates: [],
    frequencyCaps: NO_FREQUENCY_CAPS,
    maxConcurrent: 100,
    minIntervalMs: 0,
    ringTimeoutSec: 30,
    callerId: '+15550100000',
    defaultRegion: 'US',
    allowExtensions: false,
    aiTarget: { kind: 'dialplan', context: 'ai-agent', extension: 's', priority: 1 },
    aiContext: 'reminder',
    aiProvider: 'local',
    aiAgent: 'agent-1',
    dialString: null,
    pbxs: null,
    consent: { enabled: true, recordingId: null, timeoutSec: 8 },
    voicemail: { enabled: true, recordingId: null, greetingMaxWaitSec: 20 },
    amd: { ...DEFAULT_AMD_PARAMETERS, notSureAs: 'machine' },
    retry: DEFAULT_RETRY_POLICY,
    optOutDigit: null,
    optOutRecordingId: null,
    abandonCapPercent: null,
    safeHarbourRecordingId: null,
    createdAt: 0,
    updatedAt: 0,
  };
}

/** Recordings of the benchmark campaign: names only, call control never plays them. */
export const BENCH_MEDIA: { consent: PlayableMedia; voicemail: PlayableMedia } = {
  consent: { uri: 'sound:dialstate/consent', durationMs: 1970 },
  voicemail: { uri: 'sound:dialstate/voicemail', durationMs: 5650 },
};

/** The dialer's side of a benchmark call: its Stasis app, dial string and hand-off context. */
export const BENCH_IDENTITY: DialIdentity = {
  stasisApp: 'dialstate',
  outboundIdentity: '6789',
  defaultDialString: 'Local/{number}@from-internal',
  aavaHandoffContext: 'dialstate-aava-handoff',
};

/** The input of one benchmark attempt; `media` names recordings a PBX really plays. */
export function benchInput(
  attemptId: string,
  leadId: string,
  campaignId: string,
  phone: string,
  media: { consent: PlayableMedia; voicemail: PlayableMedia } = BENCH_MEDIA,
): AttemptInput {
  const lead: Lead = {
    id: leadId,
    campaignId,
    phone,
    name: null,
    timezone: null,
    phoneZones: [],
    waitReason: null,
    callerId: null,
    customVars: { appointment: '2026-11-25 10:30' },
    aiTarget: null,
    state: 'dialing',
    priority: 0,
    attempts: 1,
    nextAttemptAt: 0,
    lastOutcome: null,
    lastError: null,
    activeAttemptId: attemptId,
    importSeq: 0,
    createdAt: 0,
    updatedAt: 0,
  };
  return buildAttemptInput({
    attemptId,
    campaign: benchCampaign(),
    lead,
    identity: BENCH_IDENTITY,
    consentMedia: media.consent,
    voicemailMedia: media.voicemail,
  });
}

/**
 * The schemas a benchmark can compare in one run: `latest`, or `before-trim`, the schema
 * before migration 202612061500 (attempt.channel_id's unique index, attempt_timer as a
 * rowid table), to measure what that migration changed against a baseline.
 */
export type BenchSchema = 'latest' | 'before-trim';

export function benchSchemas(text: string): BenchSchema[] {
  return text.split(',').map((name) => {
    if (name !== 'latest' && name !== 'before-trim') {
      throw new Error(`--schema takes latest or before-trim, not ${name}`);
    }
    return name;
  });
}

export async function migrateBenchSchema(db: Kysely<Database>, schema: BenchSchema): Promise<void> {
  if (schema === 'latest') await migrateToLatest(db);
  else await migrateTo(db, '202612061440_background_delete_and_merge');
}

/** How an engine makes a new attempt's snapshot: this checkout's, or a baseline's (engine-kit.ts). */
export interface SnapshotMaker {
  createAttemptSnapshot: (input: AttemptInput) => NewAttempt['snapshot'];
  machineVersion: number;
}

const THIS_ENGINE: SnapshotMaker = {
  createAttemptSnapshot,
  machineVersion: ATTEMPT_MACHINE_VERSION,
};

/** A new attempt of `input`, in its machine's initial state, as a claim creates it now. */
export function newBenchAttempt(input: AttemptInput, engine = THIS_ENGINE): NewAttempt {
  return {
    attemptId: input.attemptId,
    campaignId: input.campaignId,
    leadId: input.leadId,
    machineVersion: engine.machineVersion,
    input,
    snapshot: engine.createAttemptSnapshot(input),
    state: 'idle',
    at: Date.now(),
  };
}

/** A bare lead (no name, time zone or variables), as the benches seed them. */
export function benchLead(
  id: string,
  campaignId: string,
  phone: string,
  importSeq: number,
  createdAt = 0,
): NewLead {
  return {
    id,
    campaignId,
    phone,
    name: null,
    timezone: null,
    callerId: null,
    customVars: {},
    importId: null,
    importSeq,
    createdAt,
  };
}
