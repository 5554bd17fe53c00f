import { afterAll, describe, expect, it } from 'vitest';
import type { Campaign } from '../../src/campaign/campaign.js';
import { isTerminalLeadState } from '../../src/campaign/lead.js';
import { type LeadState, leadAfterAttempt } from '../../src/campaign/retry-policy.js';
import { replayAttempt } from '../../src/machines/attempt-replay.js';
import type { AttemptOutcome } from '../../src/machines/attempt-types.js';
import { createAttemptJournal } from '../../src/store/journal/attempt-journal.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { seedDialingCampaign } from '../support/dialing-seed.js';
import { untilLeadsFinished } from '../support/human-campaign-run.js';
import { seededRandom, spawnServe } from '../support/serve-child.js';
import { createTempDir, openMigratedStore, type TempDir } from '../support/store-fixtures.js';

/**
 * The crash test: `dialstate serve` (the real command, in a child process, against its
 * embedded simulated Asterisk) dials a 500-lead campaign (2,000 with `npm run test:faults`) and is SIGKILLed at seeded
 * random moments — during start-up and recovery as well as mid-calls — then restarted,
 * again and again; the last run may finish, and is stopped with SIGTERM. The simulator
 * dies with each run, so whatever was live comes back as `interrupted` and is retried.
 * Afterwards every invariant of the journal and the leads must hold.
 */

/**
 * `npm run test:faults` runs the full count (20 kills during 2,000 leads at 50 live
 * calls); the default suite a reduced one, to stay fast.
 */
const FULL = process.env.DIALSTATE_FAULTS_FULL === '1';
const LEADS = FULL ? 2_000 : 500;
const KILLS = FULL ? 20 : 10;
const CHANNELS = FULL ? 50 : 25;
const SEED = 0x5eed_2026;
const CAMPAIGN = 'campaign-crash';
/** Real ms per scenario ms: a human call (answer, AMD, consent, talk) takes about 0.4 s. */
const TIME_SCALE = '0.02';

/** Retries come back within a second, so that they happen during the test. */
const RETRY = {
  maxAttempts: 3,
  retryAfterMinutes: { busy: 0.01, no_answer: 0.01, congestion: 0, unavailable: 0, interrupted: 0 },
} satisfies Campaign['retry'];

async function seed(dir: TempDir): Promise<void> {
  // The last two digits pick the far end: every scenario of docs/simulator.md, and
  // humans for 00 and 16–99.
  const phones = Array.from(
    { length: LEADS },
    (_, index) => `+1555040${String(index + 1).padStart(4, '0')}`,
  );
  await seedDialingCampaign(
    dir,
    { id: CAMPAIGN, maxConcurrent: CHANNELS, ringTimeoutSec: 2, retry: RETRY },
    phones,
  );
}

/** One run of `dialstate serve` against its embedded simulator. */
function serve(dir: TempDir) {
  const run = spawnServe(dir.path, {
    DIALSTATE_SIM_TIME_SCALE: TIME_SCALE,
    DIALSTATE_MAX_CHANNELS: String(CHANNELS),
  });
  return { ...run, ready: run.bannerShown, stderr: run.output };
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
  it(
    'keeps every lead and attempt consistent through repeated SIGKILLs of dialstate serve',
    async () => {
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
        await untilLeadsFinished(reader, FULL ? 240_000 : 60_000);
        last.child.kill('SIGTERM');
        const code = await last.exited;
        lastOutput = last.stderr();
        expect(code, lastOutput).toBe(0);

        await checkInvariants(reader);
      } finally {
        // Not left running if the leads never finished: a no-op once it has exited.
        last.child.kill('SIGKILL');
        await reader.close();
      }
      expect(lastOutput).not.toMatch(/"level":(50|60)/);
    },
    FULL ? 600_000 : 150_000,
  );
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
