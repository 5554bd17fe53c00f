import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { importLeads } from '../../src/intake/import-leads.js';
import { OWNED_MERGE_PACE } from '../../src/store/lead-import/lead-import-merge.js';
import { withLeadImportDatabase } from '../../src/wiring/lead-import-database.js';
import {
  createTempDir,
  openMigratedStore,
  seedDatabase,
  T0,
  type TempDir,
} from '../support/store-fixtures.js';

let dir: TempDir | undefined;
afterEach(() => {
  dir?.remove();
  dir = undefined;
});

async function seeded(): Promise<{ dir: TempDir; file: string }> {
  dir = createTempDir();
  await seedDatabase(dir, { campaigns: [{ id: 'spring' }] });
  return { dir, file: path.join(dir.path, 'dialstate.db') };
}

async function* rows(): AsyncGenerator<string> {
  yield 'phone,name\n+1 415 555 0101,Ada\n+1 212 555 0102,Grace\n';
}

describe("withLeadImportDatabase: `dialstate import`'s parts over SQLite", () => {
  it('imports with the merge pace given, reads the import back, then closes the file', async () => {
    const { file } = await seeded();
    const slices: number[] = [];
    const importMerge = { ...OWNED_MERGE_PACE, onSlice: (ms: number) => slices.push(ms) };
    const db = loadConfig({ DIALSTATE_DB_PATH: file }).db;
    const status = await withLeadImportDatabase({ ...db, importMerge }, async (parts) => {
      expect(parts.location).toBe(file);
      const result = await importLeads(
        { store: parts.leadIntake, clock: { now: () => T0 }, newImportId: () => 'import-1' },
        {
          campaignId: 'spring',
          fileName: 'leads.csv',
          source: rows(),
          bytesTotal: null,
        },
      );
      if (!result.ok) throw new Error(`refused: ${result.reason}`);
      return (await parts.leadImports.get('import-1'))?.status;
    });
    expect(status).toBe('completed');
    // The merge ran at the pace given (the owned pace: one transaction for two rows).
    expect(slices).toHaveLength(1);
    // Closed: the last connection's close checkpoints the WAL and removes it.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const store = await openMigratedStore(dir as TempDir);
    try {
      const leads = await store.db.selectFrom('lead').select('phone').orderBy('phone').execute();
      expect(leads.map((lead) => lead.phone)).toEqual(['+12125550102', '+14155550101']);
    } finally {
      await store.close();
    }
  });

  it('migrates a fresh file first, and closes it when the work throws', async () => {
    dir = createTempDir();
    const file = path.join(dir.path, 'fresh', 'dialstate.db');
    const db = loadConfig({ DIALSTATE_DB_PATH: file }).db;
    await expect(
      withLeadImportDatabase(db, async (parts) => {
        expect(await parts.leadIntake.getCampaign('spring')).toBeUndefined();
        throw new Error('stop here');
      }),
    ).rejects.toThrow('stop here');
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
