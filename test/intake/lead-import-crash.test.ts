import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { INTERRUPTED_IMPORT_ERROR } from '../../src/intake/lead-import-recovery.js';
import { startDialstate } from '../../src/main.js';
import { createLeadImportRepository } from '../../src/store/lead-imports.js';
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
function importAndKillAt(db: string, rows: number, slow: boolean, line: string): Promise<string> {
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

    const dialstate = await startDialstate(
      loadConfig({ DIALSTATE_DATA_DIR: dir.path, DIALSTATE_HTTP_PORT: '0' }),
      silent,
    );
    // A second connection reads what the running dialstate writes (WAL).
    const reader = await openMigratedStore(dir);
    const imports = createLeadImportRepository(reader.db);
    try {
      // Killed before the merge began: marked failed, nothing added. After: the start
      // finishes the merge in the background, and every lead is there.
      await until(async () => (await imports.get('crash-import'))?.status !== 'running', {
        what: 'the interrupted import to end',
      });
      const leads = await reader.db
        .selectFrom('lead')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      const status = (await imports.get('crash-import'))?.status;
      expect([
        [0, 'failed'],
        [ROWS, 'completed'],
      ]).toContainEqual([leads.count, status]);
    } finally {
      await reader.close();
      await dialstate.stop();
    }
  }, 60_000);
});
