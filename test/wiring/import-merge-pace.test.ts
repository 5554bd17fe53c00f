import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config.js';
import { importLeads } from '../../src/intake/import-leads.js';
import { type MergePace, OWNED_MERGE_PACE } from '../../src/store/lead-import/lead-import-merge.js';
import { withDatabase } from '../../src/wiring/database.js';
import { createTempDir, sampleCampaign, T0, type TempDir } from '../support/store-fixtures.js';

const CAMPAIGN = 'campaign-pace';
const ROWS = 20_000;
/**
 * Most CPU time one of a server's merge transactions may take (ms): ~35 ms
 * (MERGE_SLICE_MS) plus the chunk under way, with room for a loaded machine.
 */
const SERVER_SLICE_BOUND_MS = 150;

let dir: TempDir | undefined;
afterEach(() => {
  dir?.remove();
  dir = undefined;
});

function dbConfig(): Config['db'] {
  dir ??= createTempDir();
  const env = { DIALSTATE_DB_PATH: path.join(dir.path, 'dialstate.db') };
  return loadConfig({ ...env, DIALSTATE_DB_SYNCHRONOUS: 'NORMAL' }).db;
}

async function* file(): AsyncGenerator<string> {
  yield 'phone,name\n';
  let text = '';
  for (let n = 0; n < ROWS; n++) text += `+1415${2_000_000 + n},Lead ${n}\n`;
  yield text;
}

/** Imports ROWS rows through the parts `withDatabase` builds; each merge transaction's CPU ms. */
async function importWithPace(pace: MergePace | undefined): Promise<number[]> {
  const slices: number[] = [];
  const importMerge = pace && {
    ...pace,
    onSlice: (_ms: number, cpuMs: number) => slices.push(cpuMs),
  };
  await withDatabase({ ...dbConfig(), importMerge }, async (parts) => {
    await parts.campaigns.insert(sampleCampaign({ id: CAMPAIGN }));
    const result = await importLeads(
      { store: parts.leadIntake, clock: { now: () => T0 }, newImportId: () => 'import-pace' },
      { campaignId: CAMPAIGN, fileName: 'leads.csv', source: file(), bytesTotal: null },
    );
    if (!result.ok) throw new Error('refused');
    expect(result.report.status).toBe('completed');
    expect(result.report.counts.accepted).toBe(ROWS);
  });
  return slices;
}

describe("an import's merge pace, from the command line's choice to the merge", () => {
  it('merges in a few big transactions with the owned pace', async () => {
    const slices = await importWithPace(OWNED_MERGE_PACE);
    // 20,000 rows take 0.2–2 s of merging: one transaction, two on a very loaded machine.
    expect(slices.length).toBeGreaterThanOrEqual(1);
    expect(slices.length).toBeLessThanOrEqual(3);
  });

  it("keeps a server's short slices when no pace is given", async () => {
    const slices = await importWithPace({});
    // How many depends on the machine's speed (4 on a quiet one, dozens at load 10), but
    // merging 20,000 rows into the lead table's nine B-trees takes well over one ~35 ms
    // slice anywhere (10–100 µs a row, docs/BENCHMARKS.md): never the owned pace's single
    // transaction.
    expect(slices.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...slices)).toBeLessThan(SERVER_SLICE_BOUND_MS);
  });
});
