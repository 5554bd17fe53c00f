import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayStoredAttempt } from '../../src/calls/replay-stored-attempt.js';
import { createAttemptJournal } from '../../src/store/journal/attempt-journal.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { seedDialingCampaign } from '../support/dialing-seed.js';
import { dialstateWithEnv } from '../support/dialstate-cli.js';
import { spawnServe } from '../support/serve-child.js';
import { createTempDir, openMigratedStore } from '../support/store-fixtures.js';
import { until } from '../support/until.js';

/**
 * `dialstate backup` against a real `dialstate serve` (a child process dialing its
 * embedded simulator), then `dialstate restore` with the server running and stopped.
 */

// Any file that is not a database will do for the restore that must refuse it.
const NOT_A_DATABASE = join(import.meta.dirname, '../../src/cli.ts');
const CAMPAIGN = 'campaign-backup';
const LEADS = 150;

const dir = createTempDir();
afterAll(() => dir.remove());
const env = {
  DIALSTATE_DATA_DIR: dir.path,
  DIALSTATE_DB_PATH: undefined,
  DIALSTATE_ARI_URL: undefined,
  DIALSTATE_SIM_TIME_SCALE: '0.05',
  DIALSTATE_HTTP_PORT: '0',
  DIALSTATE_DB_SYNCHRONOUS: 'NORMAL',
  DIALSTATE_LOG_LEVEL: 'error',
};

/** A running campaign open all day, no consent or drop, a lead per simulator far end. */
function seed(): Promise<void> {
  return seedDialingCampaign(
    dir,
    {
      id: CAMPAIGN,
      maxConcurrent: 8,
      ringTimeoutSec: 2,
      consent: { enabled: false, recordingId: null, timeoutSec: 8 },
      voicemail: { enabled: false, recordingId: null, greetingMaxWaitSec: 2 },
    },
    // Every far end of the simulator, by the last two digits.
    Array.from({ length: LEADS }, (_, i) => `+1555060${String(i + 1).padStart(4, '0')}`),
  );
}

async function attemptCounts(store: Store): Promise<{ ended: number; live: number }> {
  const rows = await store.db
    .selectFrom('attempt')
    .select(({ fn }) => ['done', fn.countAll<number>().as('n')])
    .groupBy('done')
    .execute();
  const n = (done: number) => Number(rows.find((row) => Number(row.done) === done)?.n ?? 0);
  return { ended: n(1), live: n(0) };
}

/** Waits until the attempts in the database satisfy `ready`. */
function waitFor(store: Store, ready: (c: { ended: number; live: number }) => boolean) {
  return until(async () => ready(await attemptCounts(store)), { what: 'the attempt counts' });
}

describe('dialstate backup and restore', () => {
  it('copies the database during a running campaign; every attempt of the copy replays', async () => {
    await seed();
    const server = spawnServe(dir.path, { DIALSTATE_SIM_TIME_SCALE: '0.05' });
    const backup = join(dir.path, 'backup.db');
    const watcher = await openMigratedStore(dir);
    try {
      await server.bannerShown;
      await waitFor(watcher, (c) => c.ended >= 10 && c.live >= 3);

      const result = await dialstateWithEnv(env, 'backup', backup);
      expect(result.stderr).toContain('backup 100%');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/backed up to .*backup\.db: .* attempts/);

      // The campaign went on dialing after the copy was taken.
      const copy = await openMigratedStore(dir, { name: 'backup.db' });
      const copied = await attemptCounts(copy);
      await waitFor(watcher, (c) => c.ended + c.live > copied.ended + copied.live);

      const journal = createAttemptJournal(copy);
      const ids = await copy.db.selectFrom('attempt').select('id').execute();
      expect(ids.length).toBe(copied.ended + copied.live);
      const verdicts = new Map<string, number>();
      for (const { id } of ids) {
        const replay = await replayStoredAttempt(journal, id);
        const status = replay?.replay.status ?? 'missing';
        verdicts.set(status, (verdicts.get(status) ?? 0) + 1);
      }
      expect(Object.fromEntries(verdicts)).toEqual({ ok: ids.length });
      await copy.close();

      // An existing file is not replaced without --force.
      const again = await dialstateWithEnv(env, 'backup', backup);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('already exists; pass --force');
      expect((await dialstateWithEnv(env, 'backup', backup, '--force')).code).toBe(0);

      // No restore under a running server, and no second server either.
      const refused = await dialstateWithEnv(env, 'restore', backup);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        'a dialstate server (or a restore, or an import from the command line) is using this database',
      );
      const second = await dialstateWithEnv({ ...env, DIALSTATE_HTTP_PORT: '0' }, 'serve');
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('serve-lock is locked');
    } finally {
      await watcher.close();
      server.child.kill('SIGTERM');
      await server.exited;
    }

    const restored = await dialstateWithEnv(env, 'restore', backup);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain('The database it replaced is kept as');
    const kept = readdirSync(dir.path).filter((name) => name.includes('.before-restore-'));
    expect(kept.some((name) => name.endsWith('.db') || /before-restore-[\w-]+$/.test(name))).toBe(
      true,
    );
    // The restored database is the copy, not what the server wrote after it.
    const live = await openMigratedStore(dir);
    const backupStore = await openMigratedStore(dir, { name: 'backup.db' });
    try {
      expect(await attemptCounts(live)).toEqual(await attemptCounts(backupStore));
    } finally {
      await live.close();
      await backupStore.close();
    }
  }, 120_000);

  it('refuses a file that is not a dialstate database, and leaves the database alone', async () => {
    const other = createTempDir();
    try {
      const store = await openMigratedStore(other);
      await store.close();
      const result = await dialstateWithEnv(
        { ...env, DIALSTATE_DATA_DIR: other.path },
        'restore',
        NOT_A_DATABASE,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /restore: .*cli\.ts (is not a dialstate database|is damaged)|file is not a database/,
      );
      expect(readdirSync(other.path).filter((name) => name.includes('before-restore'))).toEqual([]);
    } finally {
      other.remove();
    }
  });

  it('refuses on PostgreSQL, pointing at its own tools, and touches no file', async () => {
    const other = createTempDir();
    try {
      // Refused before any connection: nothing needs to listen at the URL.
      const postgres = {
        ...env,
        DIALSTATE_DATA_DIR: other.path,
        DIALSTATE_DATABASE_URL: 'postgres://dialstate:s3cret@127.0.0.1:1/calls',
      };
      const backup = await dialstateWithEnv(postgres, 'backup', join(other.path, 'copy.db'));
      expect(backup.code).toBe(1);
      expect(backup.stderr).toContain('backup: copies the SQLite database file');
      expect(backup.stderr).toContain('pg_dump');
      const restore = await dialstateWithEnv(postgres, 'restore', NOT_A_DATABASE);
      expect(restore.code).toBe(1);
      expect(restore.stderr).toContain('pg_restore');
      expect(`${backup.stderr}${restore.stderr}`).not.toContain('s3cret');
      expect(readdirSync(other.path)).toEqual([]);
    } finally {
      other.remove();
    }
  });
});
