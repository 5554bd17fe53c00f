import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttemptCommit, StoredAttempt } from '../../src/calls/ports.js';
import { DEFAULT_AMD_PARAMETERS } from '../../src/campaign/amd-parameters.js';
import type { Campaign } from '../../src/campaign/campaign.js';
import { NO_FREQUENCY_CAPS } from '../../src/campaign/frequency-caps.js';
import { DEFAULT_RETRY_POLICY } from '../../src/campaign/retry-policy.js';
import type { StagedLead } from '../../src/intake/lead-intake-ports.js';
import type { PersistedAttemptSnapshot } from '../../src/machines/attempt-step.js';
import type { AttemptEvent, AttemptFacts, AttemptInput } from '../../src/machines/attempt-types.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import type { NewAttempt } from '../../src/store/journal/attempt-journal.js';
import { createLeadRepository, type NewLead } from '../../src/store/leads.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { createRecordingRepository, type Recording } from '../../src/store/recordings.js';
import { openDatabase, type Store, type SynchronousMode } from '../../src/store/sqlite/db.js';

/** 2026-11-24T14:00:00Z: every fixture time is counted from here. */
export const T0 = Date.UTC(2026, 10, 24, 14, 0, 0);

/** A directory of its own under the OS temp dir, with a way to remove it. */
export interface TempDir {
  path: string;
  remove(): void;
}

export function createTempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), 'dialstate-store-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Opens (creating it if needed) and migrates the database file `name` inside `dir`. */
export async function openMigratedStore(
  dir: TempDir,
  options: { name?: string; synchronous?: SynchronousMode } = {},
): Promise<Store> {
  const store = openDatabase({
    path: join(dir.path, options.name ?? 'dialstate.db'),
    synchronous: options.synchronous,
  });
  await migrateToLatest(store.db);
  return store;
}

/** A migrated database in memory, for tests that need no file (and no second connection). */
export async function openMemoryStore(): Promise<Store> {
  const store = openDatabase({ path: ':memory:' });
  await migrateToLatest(store.db);
  return store;
}

/**
 * What a test starts from, inserted in this order (a campaign may refer to a recording, a
 * lead to a campaign): recordings, sample campaigns (by their overrides), then leads.
 */
export interface StoreSeed {
  recordings?: readonly Recording[];
  campaigns?: readonly Partial<Campaign>[];
  leads?: readonly NewLead[];
}

/** Inserts the seed into an open store; throws if the leads are refused. */
export async function seedStore(store: Pick<Store, 'db'>, seed: StoreSeed): Promise<void> {
  const recordings = createRecordingRepository(store.db);
  for (const recording of seed.recordings ?? []) await recordings.insert(recording);
  const campaigns = createCampaignRepository(store.db);
  for (const overrides of seed.campaigns ?? []) await campaigns.insert(sampleCampaign(overrides));
  if (!seed.leads?.length) return;
  const inserted = await createLeadRepository(store.db).insert(seed.leads);
  if (!inserted.ok) throw new Error(`could not seed the leads: ${inserted.reason}`);
}

/**
 * Migrates and seeds the database file of `dir` and closes it again, for a test that then
 * hands the folder to something that opens it itself (a child process, startDialstate).
 */
export async function seedDatabase(dir: TempDir, seed: StoreSeed): Promise<void> {
  const store = await openMigratedStore(dir);
  try {
    await seedStore(store, seed);
  } finally {
    await store.close();
  }
}

/** A temp dir of its own holding a migrated database seeded with `seed`, left open. */
export async function openSeededStore(seed: StoreSeed): Promise<{ dir: TempDir; store: Store }> {
  const dir = createTempDir();
  const store = await openMigratedStore(dir);
  try {
    await seedStore(store, seed);
  } catch (error) {
    await store.close();
    dir.remove();
    throw error;
  }
  return { dir, store };
}

/** A stored recording named after its id; durationMs etc. are plausible for 2 s of audio. */
export function sampleRecording(id: string, overrides: Partial<Recording> = {}): Recording {
  return {
    id,
    name: id,
    fileName: `${id}.ulaw`,
    mediaUri: `sound:dialstate/${id}`,
    durationMs: 2_000,
    sizeBytes: 16_000,
    sha256: '0'.repeat(64),
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** A weekday-office-hours campaign in New York, with dialstate's defaults elsewhere. */
export function sampleCampaign(overrides: Partial<Campaign> = {}): Campaign {
  return {
    id: 'campaign-reminders',
    name: 'Appointment reminders',
    status: 'draft',
    statusReason: null,
    timezone: 'America/New_York',
    window: { start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] },
    startsAt: null,
    endsAt: null,
    blackoutDates: [],
    frequencyCaps: NO_FREQUENCY_CAPS,
    maxConcurrent: 4,
    minIntervalMs: 500,
    ringTimeoutSec: 30,
    callerId: '+15550100000',
    defaultRegion: 'US',
    allowExtensions: false,
    aiTarget: { kind: 'dialplan', context: 'ai-agent', extension: 's', priority: 1 },
    aiContext: 'reminder',
    aiProvider: 'openai',
    aiAgent: null,
    dialString: null,
    pbxs: null,
    consent: { enabled: true, recordingId: null, timeoutSec: 8 },
    voicemail: { enabled: false, recordingId: null, greetingMaxWaitSec: 20 },
    amd: { ...DEFAULT_AMD_PARAMETERS, notSureAs: 'machine' },
    retry: DEFAULT_RETRY_POLICY,
    optOutDigit: null,
    optOutRecordingId: null,
    abandonCapPercent: null,
    safeHarbourRecordingId: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** Pending lead number `seq` of a campaign: id lead-N, phone +1555020NNNN. */
export function sampleLead(
  campaignId: string,
  seq: number,
  overrides: Partial<NewLead> = {},
): NewLead {
  return {
    id: `lead-${seq}`,
    campaignId,
    phone: `+1555020${String(seq).padStart(4, '0')}`,
    name: `Lead ${seq}`,
    timezone: null,
    callerId: null,
    customVars: { appointment: '2026-11-25 10:30' },
    importId: null,
    importSeq: seq,
    createdAt: T0,
    ...overrides,
  };
}

/** `count` rows of an import as staged: valid, pending, row numbers from 2 (after the header). */
export function stagedLeads(count: number): StagedLead[] {
  return Array.from({ length: count }, (_, index) => ({
    rowNumber: index + 2,
    phone: `+1202555${String(index).padStart(4, '0').slice(-4)}`,
    name: `Lead ${index}`,
    timezone: null,
    callerId: null,
    customVars: '{}',
    state: 'pending',
    note: null,
  }));
}

/** `count` pending leads of a campaign, numbered from `firstSeq`. */
export function sampleLeads(campaignId: string, count: number, firstSeq = 1): NewLead[] {
  return Array.from({ length: count }, (_, index) => sampleLead(campaignId, firstSeq + index));
}

export function sampleAttemptInput(
  attemptId: string,
  campaignId: string,
  leadId: string,
): AttemptInput {
  return {
    attemptId,
    campaignId,
    leadId,
    channelId: `dialstate-${attemptId}`,
    number: '+15550200001',
    callerId: '+15550100000',
    ringTimeoutMs: 30_000,
    amd: {
      options: '2000,2000,1000,5000,100,50,10,256,5000',
      notSureAs: 'machine',
      timeoutMs: 17_000,
    },
    consent: null,
    voicemail: null,
    aiTarget: { kind: 'dialplan', context: 'ai-agent', extension: 's', priority: 1 },
    handOffVariables: { AI_CONTEXT: 'reminder' },
    originateVariables: { AMPUSER: '6789' },
  };
}

/** Facts of an attempt before anything happened. */
export const NO_FACTS: AttemptFacts = {
  startedAt: null,
  answeredAt: null,
  handedOffAt: null,
  endedAt: null,
  dialStatus: null,
  hangupCause: null,
  farEndCause: null,
  amdStatus: null,
  amdCause: null,
  digits: '',
  pendingOutcome: null,
  outcome: null,
  error: null,
};

/** A snapshot the store keeps as opaque JSON; its shape follows the machine's. */
export function sampleSnapshot(
  input: AttemptInput,
  value: string,
  facts: AttemptFacts = NO_FACTS,
): PersistedAttemptSnapshot {
  return { value, context: { ...facts, input } };
}

/** A new attempt for a lead, in its initial `idle` state. */
export function sampleNewAttempt(
  attemptId: string,
  campaignId: string,
  leadId: string,
  at = T0,
): NewAttempt {
  const input = sampleAttemptInput(attemptId, campaignId, leadId);
  return {
    attemptId,
    campaignId,
    leadId,
    machineVersion: 1,
    input,
    snapshot: sampleSnapshot(input, 'idle'),
    state: 'idle',
    at,
  };
}

/** The commit of event number `seq` of an attempt; everything else defaults to "nothing". */
export function sampleCommit(
  attempt: StoredAttempt,
  seq: number,
  event: AttemptEvent,
  options: Partial<Omit<AttemptCommit, 'entry' | 'snapshot'>> & { state?: string } = {},
): AttemptCommit {
  const state = options.state ?? 'dialing.originating';
  const facts = options.facts ?? NO_FACTS;
  return {
    entry: { attemptId: attempt.attemptId, seq, event, state, commands: [], timers: [] },
    snapshot: sampleSnapshot(attempt.input, state, facts),
    facts,
    done: options.done ?? false,
    startTimers: options.startTimers ?? [],
    cancelTimers: options.cancelTimers ?? [],
    lead: options.lead ?? null,
  };
}

/** The last commit of an attempt, ended by a hang-up at `at`: done, with these facts. */
export function sampleFinalCommit(
  attempt: StoredAttempt,
  seq: number,
  end: { at: number; cause: number; facts: AttemptFacts; lead?: AttemptCommit['lead'] },
): AttemptCommit {
  return sampleCommit(
    attempt,
    seq,
    { type: 'channel.hungUp', at: end.at, cause: end.cause },
    { state: 'done', done: true, facts: end.facts, lead: end.lead ?? null },
  );
}
