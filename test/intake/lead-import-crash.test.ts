import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { INTERRUPTED_IMPORT_ERROR } from '../../src/intake/lead-import-recovery.js';
import { startDialstate } from '../../src/main.js';
import { createLeadImportRepository } from '../../src/store/lead-import/lead-imports.js';
import type { Store } from '../../src/store/sqlite/db.js';
import {
  createTempDir,
  openMigratedStore,
  seedDatabase,
  type TempDir,
} from '../support/store-fixtures.js';
import { until } from '../support/until.js';

const CAMPAIGN = 'campaign-reminders';
const silent = pino({ level: 'silent' });
let dir: TempDir | undefined;
afterEach(() => {
  dir?.remove();
  dir = undefined;
});

async function prepare(): Promise<TempDir> {
  const created = createTempDir();
  await seedDatabase(created, { campaigns: [{ id: CAMPAIGN }] });
  return created;
}

/** Starts the importing child and SIGKILLs it as soon as it prints `line`. */
function importAndKillAt(
  db: string,
  rows: number,
  slow: boolean,
  line: string,
  pace: 'owned' | 'server' = 'server',
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, '../support/import-child.ts'),
        db,
        CAMPAIGN,
        String(rows),
        slow ? 'yes' : 'no',
        pace,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.split('\n').includes(line)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve(stdout);
      else reject(new Error(`import child exited with ${code}: ${stderr}`));
    });
  });
}

function countLeads(store: Store): Promise<{ count: number }> {
  return store.db
    .selectFrom('lead')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
}

/**
 * Starts dialstate on the killed import's database and waits for the import to end:
 * killed before the merge began, it is marked failed with nothing added; after, the
 * start finishes the merge in the background, and every one of its `rows` is a lead.
 */
async function expectAllOrNothingAfterRestart(at: TempDir, rows: number): Promise<void> {
  const dialstate = await startDialstate(
    loadConfig({ DIALSTATE_DATA_DIR: at.path, DIALSTATE_HTTP_PORT: '0' }),
    silent,
  );
  // A second connection reads what the running dialstate writes (WAL).
  const reader = await openMigratedStore(at);
  const imports = createLeadImportRepository(reader.db);
  try {
    await until(async () => (await imports.get('crash-import'))?.status !== 'running', {
      what: 'the interrupted import to end',
    });
    const leads = await countLeads(reader);
    const status = (await imports.get('crash-import'))?.status;
    expect([
      [0, 'failed'],
      [rows, 'completed'],
    ]).toContainEqual([leads.count, status]);
  } finally {
    await reader.close();
    await dialstate.stop();
  }
}

describe('an import killed half way', () => {
  it('leaves no lead behind, and the next start marks it failed', async () => {
    dir = await prepare();
    const output = await importAndKillAt(join(dir.path, 'dialstate.db'), 100_000, true, 'reading');
    expect(output).not.toContain('merging');

    let store = await openMigratedStore(dir);
    expect(await store.db.selectFrom('lead').select('id').execute()).toEqual([]);
    expect((await createLeadImportRepository(store.db).get('crash-import'))?.status).toBe(
      'running',
    );
    await store.close();

    const dialstate = await startDialstate(
      loadConfig({ DIALSTATE_DATA_DIR: dir.path, DIALSTATE_HTTP_PORT: '0' }),
      silent,
    );
    await dialstate.stop();

    store = await openMigratedStore(dir);
    try {
      expect(await createLeadImportRepository(store.db).get('crash-import')).toMatchObject({
        status: 'failed',
        error: INTERRUPTED_IMPORT_ERROR,
      });
      expect(await store.db.selectFrom('lead').select('id').execute()).toEqual([]);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('has all of its leads after the next start when killed during its merge', async () => {
    dir = await prepare();
    const ROWS = 40_000;
    await importAndKillAt(join(dir.path, 'dialstate.db'), ROWS, false, 'merging');
    await expectAllOrNothingAfterRestart(dir, ROWS);
  }, 60_000);

  it('killed during a big-transaction merge (no server on the file), keeps only whole transactions and finishes at the next start', async () => {
    dir = await prepare();
    const ROWS = 60_000;
    await importAndKillAt(join(dir.path, 'dialstate.db'), ROWS, false, 'merging', 'owned');

    // What the kill left: leads only of the merge's committed transactions, each of
    // which recorded the next row to merge; a transaction under way left nothing.
    const store = await openMigratedStore(dir);
    try {
      const left = await createLeadImportRepository(store.db).get('crash-import');
      const [progress] = store
        .prepare('select merge_next_row from lead_import where id = ?')
        .all(['crash-import']) as { merge_next_row: number | null }[];
      const leads = await countLeads(store);
      if (left?.status === 'running' && progress?.merge_next_row != null) {
        expect(leads.count).toBe(progress.merge_next_row - 1);
      } else {
        expect([
          [0, 'running'],
          [ROWS, 'completed'],
        ]).toContainEqual([leads.count, left?.status]);
      }
    } finally {
      await store.close();
    }

    await expectAllOrNothingAfterRestart(dir, ROWS);
  }, 90_000);
});
