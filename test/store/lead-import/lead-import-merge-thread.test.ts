import { existsSync } from 'node:fs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { importLeads } from '../../../src/intake/import-leads.js';
import type { LeadImportStore } from '../../../src/intake/lead-intake-ports.js';
import { createCampaignRepository } from '../../../src/store/campaigns.js';
import type { MergePace } from '../../../src/store/lead-import/lead-import-merge.js';
import { resumeImportMerges } from '../../../src/store/lead-import/lead-import-resume.js';
import { createLeadImportRepository } from '../../../src/store/lead-import/lead-imports.js';
import { createLeadIntakeStore } from '../../../src/store/lead-import/lead-intake-store.js';
import { beginImmediateAsync } from '../../../src/store/sqlite/begin-immediate-async.js';
import type { Store } from '../../../src/store/sqlite/db.js';
import { withConnection } from '../../../src/store/sqlite/sync-transaction.js';
import { fileStorePerTest } from '../../support/file-store.js';
import { sampleCampaign, T0 } from '../../support/store-fixtures.js';

const CAMPAIGN = 'campaign-thread';
const IMPORT = 'import-t';
const silent = pino({ level: 'silent' });
const files = fileStorePerTest();

/** The test's database file, reopened after a restart, with the campaign in it. */
async function open(first: boolean): Promise<Store> {
  const s = await files.open({ synchronous: 'NORMAL' });
  if (first) await createCampaignRepository(s.db).insert(sampleCampaign({ id: CAMPAIGN }));
  return s;
}

async function* file(count: number): AsyncGenerator<string> {
  yield 'phone,name\n';
  for (let from = 0; from < count; from += 5000) {
    let text = '';
    for (let n = from; n < Math.min(count, from + 5000); n++) {
      text += `+1415${2_000_000 + n},Lead ${n}\n`;
    }
    yield text;
  }
}

const leadCount = (s: Store) =>
  (
    s.prepare('select count(*) as n from lead where campaign_id = ?').all([CAMPAIGN]) as {
      n: number;
    }[]
  )[0]?.n ?? 0;

/**
 * The longest gap between two ticks of a 5 ms timer from `start` to `stop` (ms): how long
 * the event loop stood still at most (one turn's work, or a few).
 */
function loopGaps() {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  return {
    stop(): number {
      clearInterval(timer);
      return Math.max(longest, performance.now() - last);
    },
  };
}

/** The intake store over `s`, its imports' merges watched by `watchMerge`. */
function intakeWatchingMerge(
  s: Store,
  pace: MergePace,
  watchMerge: <T>(merge: () => Promise<T>) => Promise<T>,
): LeadImportStore {
  const intake = createLeadIntakeStore(s, pace);
  return {
    ...intake,
    async begin(start) {
      const run = await intake.begin(start);
      return { ...run, merge: (finalCounts, at) => watchMerge(() => run.merge(finalCounts, at)) };
    },
  };
}

function importInto(store: LeadImportStore, count: number) {
  return importLeads(
    { store, clock: { now: () => T0 }, newImportId: () => IMPORT },
    { campaignId: CAMPAIGN, fileName: 'leads.csv', source: file(count), bytesTotal: null },
  );
}

describe("an import's merge on a thread of its own (ADR 039)", () => {
  it('leaves the event loop turning while its transactions hold the write lock', async () => {
    const s = await open(true);
    const ROWS = 60_000;
    const held: number[] = [];
    let longestGap = Number.POSITIVE_INFINITY;
    // Transactions of up to 5 s: 60,000 rows take 0.5–5 s to merge, in one or two of
    // them. On the event loop, the loop would stand still for each one's whole length;
    // the watched window also holds the staging file's fsync, on the loop (tens of ms).
    const pace: MergePace = { sliceMs: 5_000, onSlice: (ms) => held.push(ms) };
    const store = intakeWatchingMerge(s, pace, async (merge) => {
      const gaps = loopGaps();
      try {
        return await merge();
      } finally {
        longestGap = gaps.stop();
      }
    });
    const result = await importInto(store, ROWS);
    if (!result.ok) throw new Error('refused');
    expect(result.report.status).toBe('completed');
    expect(leadCount(s)).toBe(ROWS);
    const longestHeld = Math.max(...held);
    // A transaction long enough that the loop standing still for it would show.
    expect(longestHeld).toBeGreaterThan(300);
    expect(longestGap).toBeLessThan(longestHeld / 2);
    expect(result.report.mergeBlockedMs).toBe(longestHeld);
    expect(existsSync(`${files.path()}/dialstate.db-import-${IMPORT}`)).toBe(false);
  });

  it('stops with the store closed under it, and the next start finishes the merge', async () => {
    const s = await open(true);
    const ROWS = 20_000;
    let slices = 0;
    // Slices of 16 rows at most: the merge is still under way when the store closes.
    const pace: MergePace = {
      sliceMs: 5,
      chunkMs: 1,
      maxRowsPerChunk: 16,
      onSlice: () => {
        slices += 1;
        if (slices === 3) void s.close();
      },
    };
    const store = intakeWatchingMerge(s, pace, (merge) => merge());
    await expect(importInto(store, ROWS)).rejects.toThrow();
    // The merge ended only once its thread had closed its connection: nothing writes now.
    const reopened = await open(false);
    const half = leadCount(reopened);
    expect(half).toBeGreaterThan(0);
    expect(half).toBeLessThan(ROWS);
    const imports = createLeadImportRepository(reopened.db);
    expect((await imports.get(IMPORT))?.status).toBe('running');
    await resumeImportMerges({ store: reopened, log: silent, now: () => T0 }).done;
    expect(leadCount(reopened)).toBe(ROWS);
    expect(await imports.get(IMPORT)).toMatchObject({ status: 'completed', accepted: ROWS });
    expect(existsSync(`${files.path()}/dialstate.db-import-${IMPORT}`)).toBe(false);
  });

  it("lets the event loop's writers have the write lock between two of its transactions", async () => {
    const s = await open(true);
    const ROWS = 60_000;
    let merging = true;
    const waits: number[] = [];
    // The journal's group commit, as it takes the write lock: from later turns of the loop.
    async function writeAsTheJournalDoes(): Promise<void> {
      while (merging) {
        const began = performance.now();
        await withConnection(s, () => undefined);
        await s.db.connection().execute(async () => {
          await beginImmediateAsync(s, 5_000);
          waits.push(performance.now() - began);
          s.prepare('commit').run([]);
        });
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
    const held: number[] = [];
    // Long transactions (150 ms), so that a write left waiting for several shows.
    const pace: MergePace = { sliceMs: 150, onSlice: (ms) => held.push(ms) };
    const store = intakeWatchingMerge(s, pace, async (merge) => {
      const writer = writeAsTheJournalDoes();
      try {
        return await merge();
      } finally {
        merging = false;
        await writer;
      }
    });
    const result = await importInto(store, ROWS);
    if (!result.ok) throw new Error('refused');
    expect(result.report.status).toBe('completed');
    expect(held.length).toBeGreaterThan(2);
    // A write waits for the transaction under way, not for one after the other: the
    // thread, committing back to back, would otherwise take the lock again before
    // nearly every try of the writer.
    expect(Math.max(...waits)).toBeLessThan(1.5 * Math.max(...held));
  });
});
