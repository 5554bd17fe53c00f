import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Campaign } from '../../src/campaign/campaign.js';
import { isTerminalLeadState } from '../../src/campaign/lead.js';
import { type LeadState, leadAfterAttempt } from '../../src/campaign/retry-policy.js';
import { replayAttempt } from '../../src/machines/attempt-replay.js';
import type { AttemptOutcome } from '../../src/machines/attempt-types.js';
import { createAttemptJournal } from '../../src/store/attempt-journal.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import type { Store } from '../../src/store/db.js';
import { createLeadRepository } from '../../src/store/leads.js';
import { createRecordingRepository } from '../../src/store/recordings.js';
import {
  createTempDir,
  openMigratedStore,
  sampleCampaign,
  sampleLead,
  T0,
  type TempDir,
} from '../support/store-fixtures.js';

/**
 * The crash test: `dialstate serve` (the real command, in a child process, against its
 * embedded simulated Asterisk) dials a 500-lead campaign and is SIGKILLed at seeded
 * random moments — during start-up and recovery as well as mid-calls — then restarted,
 * again and again; the last run may finish, and is stopped with SIGTERM. The simulator
 * dies with each run, so whatever was live comes back as `interrupted` and is retried.
 * Afterwards every invariant of the journal and the leads must hold.
 */

const LEADS = 500;
const KILLS = 10;
const SEED = 0x5eed_2026;
const CAMPAIGN = 'campaign-crash';
const CLI = join(import.meta.dirname, '../../src/cli.ts');
/** Real ms per scenario ms: a human call (answer, AMD, consent, talk) takes about 0.4 s. */
const TIME_SCALE = '0.02';

/** Retries come back within a second, so that they happen during the test. */
const RETRY = {
  maxAttempts: 3,
  retryAfterMinutes: { busy: 0.01, no_answer: 0.01, congestion: 0, unavailable: 0, interrupted: 0 },
} satisfies Campaign['retry'];

/** mulberry32: a small seeded generator, so a failing run can be repeated exactly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seed(dir: TempDir): Promise<void> {
  const store = await openMigratedStore(dir);
  try {
    const recordings = createRecordingRepository(store.db);
    // Stock sounds the simulator plays with their real lengths.
    for (const [id, uri, durationMs] of [
      ['rec-consent', 'sound:if-correct-press', 1_970],
      ['rec-voicemail', 'sound:vm-intro', 5_650],
    ] as const) {
      await recordings.insert({
        id,
        name: id,
        fileName: `${id}.ulaw`,
        mediaUri: uri,
        durationMs,
        sizeBytes: 0,
        sha256: '0'.repeat(64),
        createdAt: T0,
        updatedAt: T0,
      });
    }
    await createCampaignRepository(store.db).insert(
      sampleCampaign({
        id: CAMPAIGN,
        status: 'running',
        window: { start: '00:00', end: '00:00', days: [1, 2, 3, 4, 5, 6, 7] },
        maxConcurrent: 25,
        minIntervalMs: 0,
        ringTimeoutSec: 2,
        consent: { enabled: true, recordingId: 'rec-consent', timeoutSec: 1 },
        voicemail: { enabled: true, recordingId: 'rec-voicemail', greetingMaxWaitSec: 2 },
        retry: RETRY,
      }),
    );
    // The last two digits pick the far end: every scenario of docs/simulator.md, and
    // humans for 00 and 16–99.
    const leads = Array.from({ length: LEADS }, (_, index) =>
      sampleLead(CAMPAIGN, index + 1, { phone: `+1555040${String(index + 1).padStart(4, '0')}` }),
    );
    const inserted = await createLeadRepository(store.db).insert(leads);
    if (!inserted.ok) throw new Error('could not seed the leads');
  } finally {
    await store.close();
  }
}

/** One run of `dialstate serve`; `ready` resolves once it has started its scheduler. */
function serve(dir: TempDir): {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
  stderr: () => string;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve'], {
    env: {
      ...process.env,
      DIALSTATE_DATA_DIR: dir.path,
      DIALSTATE_SIM_TIME_SCALE: TIME_SCALE,
      DIALSTATE_MAX_CHANNELS: '25',
      DIALSTATE_HTTP_PORT: '0',
      DIALSTATE_DB_SYNCHRONOUS: 'NORMAL',
      DIALSTATE_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
    // serve prints the simulator banner once startDialstate has returned.
    if (stderr.includes('simulated ARI at')) onReady();
  });
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited, stderr: () => `${stderr}\n${stdout}` };
}

interface AttemptRow {
  id: string;
  lead_id: string;
  attempt_number: number;
  done: number;
  outcome: string | null;
  created_at: number;
  ended_at: number | null;
}

let dir: TempDir | undefined;
afterAll(() => dir?.remove());

describe('crash recovery', () => {
  it('keeps every lead and attempt consistent through repeated SIGKILLs of dialstate serve', async () => {
    dir = createTempDir();
    await seed(dir);
    const random = seededRandom(SEED);
    let lastOutput = '';

    for (let kill = 0; kill < KILLS; kill += 1) {
      const run = serve(dir);
      // Some kills land while it starts and recovers (timed from the spawn), the others
      // mid-calls (timed from the moment it is up and dialing).
      const duringStartUp = random() < 0.3;
      if (!duringStartUp) await Promise.race([run.ready, run.exited]);
      const delayMs = duringStartUp ? 200 + random() * 1_500 : 200 + random() * 2_000;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      run.child.kill('SIGKILL');
      // Null: killed by the signal, not ended by itself.
      expect(await run.exited, run.stderr()).toBeNull();
      lastOutput = run.stderr();
    }

    const last = serve(dir);
    await Promise.race([last.ready, last.exited]);
    const reader = await openMigratedStore(dir);
    try {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const unfinished = await reader.db
          .selectFrom('lead')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('campaign_id', '=', CAMPAIGN)
          .where('state', 'in', ['pending', 'dialing'])
          .executeTakeFirstOrThrow();
        if (unfinished.count === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      last.child.kill('SIGTERM');
      const code = await last.exited;
      lastOutput = last.stderr();
      expect(code, lastOutput).toBe(0);

      await checkInvariants(reader);
    } finally {
      await reader.close();
    }
    expect(lastOutput).not.toMatch(/"level":(50|60)/);
  }, 150_000);
});

async function checkInvariants(store: Store): Promise<void> {
  const leads = await store.db
    .selectFrom('lead')
    .selectAll()
    .where('campaign_id', '=', CAMPAIGN)
    .orderBy('import_seq')
    .execute();
  const attempts = (await store.db
    .selectFrom('attempt')
    .select(['id', 'lead_id', 'attempt_number', 'done', 'outcome', 'created_at', 'ended_at'])
    .orderBy('lead_id')
    .orderBy('attempt_number')
    .execute()) as AttemptRow[];
  const byLead = new Map<string, AttemptRow[]>();
  for (const attempt of attempts) {
    byLead.set(attempt.lead_id, [...(byLead.get(attempt.lead_id) ?? []), attempt]);
  }

  // No attempt is left open, and no lead is left dialing.
  expect(attempts.filter((a) => a.done !== 1)).toEqual([]);
  expect(leads.filter((lead) => lead.state === 'dialing').map((l) => l.id)).toEqual([]);
  expect(leads).toHaveLength(LEADS);
  // The kills really cut calls short: their attempts came back interrupted.
  expect(attempts.filter((a) => a.outcome === 'interrupted').length).toBeGreaterThan(0);

  for (const lead of leads) {
    const mine = byLead.get(lead.id) ?? [];
    const where = `lead ${lead.id} (${lead.state}, attempts ${lead.attempts})`;
    // Its attempt count is its attempt rows, numbered 1..n.
    expect(
      mine.map((a) => a.attempt_number),
      where,
    ).toEqual(mine.map((_, i) => i + 1));
    expect(lead.attempts, where).toBe(mine.length);
    // Never two live attempts: each attempt began after the one before it ended.
    for (let i = 1; i < mine.length; i += 1) {
      const before = mine[i - 1] as AttemptRow;
      const after = mine[i] as AttemptRow;
      expect(before.ended_at, where).not.toBeNull();
      expect(after.created_at, where).toBeGreaterThanOrEqual(before.ended_at as number);
    }
    const lastAttempt = mine.at(-1);
    if (lastAttempt === undefined) {
      // Never dialed: only a lead still waiting (or finished without a call) can be so.
      expect(['pending', 'dnc', 'canceled', 'failed'], where).toContain(lead.state);
      continue;
    }
    const outcome = lastAttempt.outcome as AttemptOutcome;
    expect(lead.last_outcome, where).toBe(outcome);
    const next = leadAfterAttempt(
      outcome,
      lead.attempts - lead.recycled_attempts,
      RETRY,
      lastAttempt.ended_at as number,
    );
    expect(lead.state as LeadState, where).toBe(next.state);
    if (lead.state === 'pending') {
      expect(lead.next_attempt_at, where).toBe(next.nextAttemptAt);
    } else {
      expect(isTerminalLeadState(lead.state as LeadState), where).toBe(true);
    }
  }

  // Every journal replays, to the outcome stored.
  const journal = createAttemptJournal(store);
  for (const attempt of attempts) {
    const stored = await journal.loadAttempt(attempt.id);
    if (stored === undefined) throw new Error(`attempt ${attempt.id} vanished`);
    const entries = await journal.loadEntries(attempt.id);
    const replayed = replayAttempt({
      machineVersion: stored.machineVersion,
      input: stored.input,
      entries,
    });
    expect(replayed.snapshot.context.outcome, attempt.id).toBe(attempt.outcome);
  }
}
