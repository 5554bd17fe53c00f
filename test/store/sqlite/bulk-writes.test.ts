import { describe, expect, it } from 'vitest';
import { createLeadIntakeStore } from '../../../src/store/lead-import/lead-intake-store.js';
import { beginBulkWrite, bulkWriteRunning } from '../../../src/store/sqlite/bulk-writes.js';
import { runSliced } from '../../../src/store/sqlite/sliced-work.js';
import { stagedLeads, T0 } from '../../support/store-fixtures.js';
import { useStoreWorkspace } from '../../support/store-workspace.js';

const CAMPAIGN = 'campaign-bulk';
const workspace = useStoreWorkspace({ campaigns: [{ id: CAMPAIGN }] });

const start = (importId: string) => ({
  importId,
  campaignId: CAMPAIGN,
  fileName: 'leads.csv',
  mode: 'skip_existing' as const,
  bytesTotal: null,
  startedAt: T0,
});

describe('bulk writes on a database file (ADR 055)', () => {
  it('counts each one begun until it ends, by the file, ending twice changing nothing', () => {
    const file = { path: '/tmp/bulk-writes-count.db' };
    const first = beginBulkWrite(file);
    const second = beginBulkWrite({ path: file.path });
    first();
    first();
    expect(bulkWriteRunning(file)).toBe(true);
    second();
    expect(bulkWriteRunning(file)).toBe(false);
  });

  it('runs from an import begun until its merge has ended', async () => {
    const { store } = workspace;
    expect(bulkWriteRunning(store)).toBe(false);
    const run = await createLeadIntakeStore(store).begin(start('import-bulk-merged'));
    expect(bulkWriteRunning(store)).toBe(true);
    await run.stage(stagedLeads(2), []);
    const counts = {
      totalRows: 2,
      accepted: 2,
      updated: 0,
      duplicates: 0,
      rejected: 0,
      dncBlocked: 0,
    };
    const merged = await run.merge(() => counts, T0);
    expect(merged.ok).toBe(true);
    expect(bulkWriteRunning(store)).toBe(false);
  });

  it('runs while work in slices (a campaign purge, a merge on the event loop) runs, and not after', async () => {
    const { store } = workspace;
    const seen: boolean[] = [];
    let chunks = 0;
    const ended = await runSliced(store, () => {
      seen.push(bulkWriteRunning(store));
      chunks += 1;
      return chunks === 3;
    });
    expect(ended).toBe('done');
    expect(seen).toEqual([true, true, true]);
    expect(bulkWriteRunning(store)).toBe(false);
  });

  it('ends with an import that failed', async () => {
    const { store } = workspace;
    const run = await createLeadIntakeStore(store).begin(start('import-bulk-failed'));
    expect(bulkWriteRunning(store)).toBe(true);
    await run.fail(
      'test over',
      { totalRows: 0, accepted: 0, updated: 0, duplicates: 0, rejected: 0, dncBlocked: 0 },
      T0,
    );
    expect(bulkWriteRunning(store)).toBe(false);
  });
});
