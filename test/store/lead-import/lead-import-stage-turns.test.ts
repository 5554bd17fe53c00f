import { describe, expect, it } from 'vitest';
import { createLeadIntakeStore } from '../../../src/store/lead-import/lead-intake-store.js';
import { withConnection } from '../../../src/store/sqlite/sync-transaction.js';
import { stagedLeads, T0 } from '../../support/store-fixtures.js';
import { useStoreWorkspace } from '../../support/store-workspace.js';

const CAMPAIGN = 'campaign-staged';
const workspace = useStoreWorkspace({ campaigns: [{ id: CAMPAIGN }] });

/** Many more rows than a 1,024-row batch, so that staging them takes far longer than a slice. */
const ROWS = 40_000;

/**
 * The longest stretch between two turns of the event loop while `work` runs (ms), and
 * how many turns it spanned: a `setImmediate` that schedules itself runs once a turn.
 */
async function turnsOf(work: () => Promise<void>): Promise<{ turns: number; longestMs: number }> {
  let turns = 0;
  let longestMs = 0;
  let last = performance.now();
  let running = true;
  const tick = () => {
    const now = performance.now();
    longestMs = Math.max(longestMs, now - last);
    last = now;
    turns += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await work();
  } finally {
    running = false;
  }
  longestMs = Math.max(longestMs, performance.now() - last);
  return { turns, longestMs };
}

describe('staging a batch of an import', () => {
  it('holds the event loop for slices of it, not for the whole batch, and stages every row in order', async () => {
    const { store } = workspace;
    const run = await createLeadIntakeStore(store).begin({
      importId: 'import-turns',
      campaignId: CAMPAIGN,
      fileName: 'leads.csv',
      mode: 'skip_existing',
      bytesTotal: null,
      startedAt: T0,
    });
    const leads = stagedLeads(ROWS);
    const issue = {
      rowNumber: 1,
      severity: 'warning' as const,
      field: null,
      value: null,
      reason: 'a note',
      raw: null,
    };

    const began = performance.now();
    const { turns, longestMs } = await turnsOf(() => run.stage(leads, [issue]));
    const totalMs = performance.now() - began;

    // Unsliced, the whole batch is one turn. Sliced, many turns, none near the whole:
    // each slice stops at ~5 ms, so even a slice that waited long for a busy core is a
    // small part of the total (bounds wide for a loaded CI machine).
    expect(turns).toBeGreaterThanOrEqual(4);
    expect(longestMs).toBeLessThan(totalMs / 2);

    const staged = await withConnection(store, () => {
      const [schema] = (store.prepare('pragma database_list').all([]) as { name: string }[])
        .map((entry) => entry.name)
        .filter((name) => name.startsWith('import_stage_'));
      const staged = store
        .prepare(`select row_number from ${schema}.lead_import_rows order by rowid`)
        .all([]) as { row_number: number }[];
      return staged.map((row) => row.row_number);
    });
    expect(staged).toEqual(leads.map((lead) => lead.rowNumber));
    await run.fail(
      'test over',
      { totalRows: ROWS, accepted: 0, updated: 0, duplicates: 0, rejected: 0, dncBlocked: 0 },
      T0,
    );
  });

  it('saves its progress without an fsync of its own, the connection back at FULL after (ADR 052)', async () => {
    const { store } = workspace;
    const statements: string[] = [];
    const run = await createLeadIntakeStore({
      ...store,
      prepare(text) {
        statements.push(text);
        return store.prepare(text);
      },
    }).begin({
      importId: 'import-progress',
      campaignId: CAMPAIGN,
      fileName: 'leads.csv',
      mode: 'skip_existing',
      bytesTotal: null,
      startedAt: T0,
    });
    const counts = {
      totalRows: 1,
      accepted: 1,
      updated: 0,
      duplicates: 0,
      rejected: 0,
      dncBlocked: 0,
    };
    await run.stage(stagedLeads(1), []);
    statements.length = 0;
    expect(await run.saveProgress(counts, 100)).toBe(true);
    // Its commit is made at NORMAL: the next FULL commit (the journal's) syncs it too.
    const commit = statements.indexOf('commit');
    expect(statements.slice(0, commit)).toContain('pragma synchronous = NORMAL');
    expect(statements.slice(commit)).toContain('pragma synchronous = FULL');
    expect(store.prepare('pragma synchronous').all([])).toEqual([{ synchronous: 2 }]);
    await run.fail('test over', counts, T0);
  });
});
