import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createAttemptJournal } from '../../../src/store/journal/attempt-journal.js';
import { createCommitBatcher, walSyncOf } from '../../../src/store/journal/commit-batcher.js';
import { migrateToLatest } from '../../../src/store/migrate.js';
import { createRecordingRepository } from '../../../src/store/recordings.js';
import type { Database } from '../../../src/store/schema.js';
import { openDatabase } from '../../../src/store/sqlite/db.js';
import { createSlowDiskSync } from '../../../src/store/sqlite/slow-disk-sync.js';
import type { FileSyncer, WalSync } from '../../../src/store/sqlite/wal-sync.js';
import { createTempDir, openMigratedStore, sampleRecording } from '../../support/store-fixtures.js';
import { useStoreWorkspace } from '../../support/store-workspace.js';
import { until } from '../../support/until.js';

const workspace = useStoreWorkspace();

function addRecording(trx: Kysely<Database>, id: string) {
  return createRecordingRepository(trx).insert(sampleRecording(id));
}

async function recordingIds(): Promise<string[]> {
  const rows = await workspace.store.db
    .selectFrom('recording')
    .select('id')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

const TRANSACTION = new Set(['begin immediate', 'commit', 'rollback']);

/** A batcher over the workspace's store that notes every statement it prepares itself. */
function recordingBatcher() {
  const statements: string[] = [];
  const { store } = workspace;
  const batcher = createCommitBatcher({
    ...store,
    prepare(text) {
      statements.push(text);
      return store.prepare(text);
    },
  });
  return { batcher, statements };
}

describe('commit batcher', () => {
  it('runs the units queued in one turn in a single transaction', async () => {
    const batcher = createCommitBatcher(workspace.store);
    const seen: Kysely<Database>[] = [];
    const unit = (id: string) => async (trx: Kysely<Database>) => {
      seen.push(trx);
      await addRecording(trx, id);
      return id;
    };

    expect(await Promise.all([batcher.run(unit('a')), batcher.run(unit('b'))])).toEqual(['a', 'b']);
    await batcher.run(unit('c'));

    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).not.toBe(seen[0]);
    expect(await recordingIds()).toEqual(['a', 'b', 'c']);
  });

  it('rolls back only the unit that fails', async () => {
    const batcher = createCommitBatcher(workspace.store);
    const results = await Promise.allSettled([
      batcher.run((trx) => addRecording(trx, 'a')),
      batcher.run(async (trx) => {
        await addRecording(trx, 'b');
        throw new Error('unit b failed');
      }),
      batcher.run((trx) => addRecording(trx, 'c')),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await recordingIds()).toEqual(['a', 'c']);
  });

  it('fails every unit of a batch whose transaction is gone, writing none of them', async () => {
    const batcher = createCommitBatcher(workspace.store);
    const results = await Promise.allSettled([
      batcher.run((trx) => addRecording(trx, 'a')),
      batcher.run(async (trx) => {
        // What SQLite does by itself on an I/O error or a full disk.
        await sql`rollback`.execute(trx);
        throw new Error('disk full');
      }),
      batcher.run((trx) => addRecording(trx, 'c')),
    ]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await recordingIds()).toEqual([]);
  });

  it('writes a batch whose units all succeed without a savepoint, each unit run once', async () => {
    const { batcher, statements } = recordingBatcher();
    const runs: string[] = [];
    const unit = (id: string) => async (trx: Kysely<Database>) => {
      runs.push(id);
      await addRecording(trx, id);
    };
    await Promise.all([batcher.run(unit('a')), batcher.run(unit('b')), batcher.run(unit('c'))]);

    expect(runs).toEqual(['a', 'b', 'c']);
    expect(statements.filter((text) => /savepoint|release/.test(text))).toEqual([]);
    expect(statements.filter((text) => TRANSACTION.has(text))).toEqual([
      'begin immediate',
      'commit',
    ]);
    expect(await recordingIds()).toEqual(['a', 'b', 'c']);
  });

  it('runs a batch again unit by unit in savepoints when one of its units fails', async () => {
    const { batcher, statements } = recordingBatcher();
    const runs: string[] = [];
    const results = await Promise.allSettled([
      batcher.run(async (trx) => {
        runs.push('a');
        await addRecording(trx, 'a');
      }),
      batcher.run(async (trx) => {
        runs.push('b');
        await addRecording(trx, 'b');
        throw new Error('unit b failed');
      }),
      batcher.run(async (trx) => {
        runs.push('c');
        await addRecording(trx, 'c');
      }),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // The first pass stopped at b and was rolled back; the second ran all three.
    expect(runs).toEqual(['a', 'b', 'a', 'b', 'c']);
    expect(statements.filter((text) => TRANSACTION.has(text))).toEqual([
      'begin immediate',
      'rollback',
      'begin immediate',
      'commit',
    ]);
    expect(statements.filter((text) => text === 'savepoint batched_unit')).toHaveLength(3);
    expect(await recordingIds()).toEqual(['a', 'c']);
  });

  it('splits a long queue into several transactions', async () => {
    const batcher = createCommitBatcher(workspace.store);
    const seen = new Set<Kysely<Database>>();
    await Promise.all(
      Array.from({ length: 300 }, (_, index) =>
        batcher.run(async (trx) => {
          seen.add(trx);
          await addRecording(trx, `r${String(index).padStart(3, '0')}`);
        }),
      ),
    );
    expect(seen.size).toBe(2);
    expect(await recordingIds()).toHaveLength(300);
  });

  describe('durability under synchronous=FULL (ADR 037)', () => {
    /** A WAL sync whose fsyncs complete (or fail) only when the test says so. */
    function heldWalSync() {
      const rounds: { resolve: () => void; reject: (error: Error) => void }[] = [];
      const walSync: WalSync = {
        afterWrite: () =>
          new Promise<void>((resolve, reject) => {
            rounds.push({ resolve, reject });
          }),
        running: () => null,
      };
      return { rounds, walSync };
    }

    async function synchronousOf(trx: Kysely<Database>): Promise<number | undefined> {
      const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(trx);
      return rows[0]?.synchronous;
    }

    it('commits without fsync and acknowledges each unit only once the WAL is synced', async () => {
      const { rounds, walSync } = heldWalSync();
      const batcher = createCommitBatcher(workspace.store, walSync);
      let settled = false;
      const written = Promise.all([
        batcher.run(async (trx) => {
          await addRecording(trx, 'a');
          return synchronousOf(trx);
        }),
        batcher.run((trx) => addRecording(trx, 'b')),
      ]).finally(() => {
        settled = true;
      });

      await until(() => rounds.length === 1, { what: 'the WAL sync to be asked for' });
      // Committed, readable, but not yet acknowledged: its fsync has not completed.
      expect(await recordingIds()).toEqual(['a', 'b']);
      expect(settled).toBe(false);
      // Other writes on the connection keep SQLite's fsync at commit.
      expect(await synchronousOf(workspace.store.db)).toBe(2);

      rounds[0]?.resolve();
      const [synchronousInBatch] = await written;
      expect(synchronousInBatch).toBe(1);
      expect(rounds).toHaveLength(1);
    });

    it('holds back the units queued while an fsync runs, and writes them together after it', async () => {
      const { rounds, walSync } = heldWalSync();
      let fsyncing: { promise: Promise<void>; end: () => void } | null = null;
      const gated: WalSync = {
        afterWrite() {
          const end = walSync.afterWrite();
          let finish = () => {};
          const promise = new Promise<void>((resolve) => {
            finish = resolve;
          });
          fsyncing = { promise, end: finish };
          return end.finally(() => fsyncing?.end());
        },
        running: () => fsyncing?.promise ?? null,
      };
      const batcher = createCommitBatcher(workspace.store, gated);
      const seen: Kysely<Database>[] = [];
      const unit = (id: string) => async (trx: Kysely<Database>) => {
        seen.push(trx);
        await addRecording(trx, id);
      };
      const first = batcher.run(unit('a'));
      await until(() => rounds.length === 1, { what: 'the first fsync' });
      // Queued in two turns of the loop while the first batch's fsync runs.
      const b = batcher.run(unit('b'));
      await new Promise((resolve) => setImmediate(resolve));
      const c = batcher.run(unit('c'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(await recordingIds()).toEqual(['a']);

      rounds[0]?.resolve();
      await first;
      await until(() => rounds.length === 2, { what: 'the second fsync' });
      expect(await recordingIds()).toEqual(['a', 'b', 'c']);
      expect(seen[1]).toBe(seen[2]);
      rounds[1]?.resolve();
      await Promise.all([b, c]);
    });

    it('fails every unit of a batch whose WAL sync failed', async () => {
      const { rounds, walSync } = heldWalSync();
      const batcher = createCommitBatcher(workspace.store, walSync);
      const results = Promise.allSettled([
        batcher.run((trx) => addRecording(trx, 'a')),
        batcher.run((trx) => addRecording(trx, 'b')),
      ]);
      await until(() => rounds.length === 1, { what: 'the WAL sync to be asked for' });
      rounds[0]?.reject(new Error('EIO'));
      expect((await results).map((result) => result.status)).toEqual(['rejected', 'rejected']);
    });

    describe('by how long the last sync took (DIALSTATE_DB_WAL_SYNC=auto, ADR 052)', () => {
      /** A syncer of the WAL file whose fsyncs complete when the test says so. */
      function heldSyncer() {
        const syncs: (() => void)[] = [];
        const syncer: FileSyncer = {
          sync: () => new Promise<void>((resolve) => syncs.push(resolve)),
          release: () => {},
        };
        return { syncs, syncer };
      }

      it('syncs from the thread pool after a slow COMMIT, inside COMMIT again after a quick sync', async () => {
        const { syncs, syncer } = heldSyncer();
        // Every COMMIT counts as slow, every sync of the thread pool as quick.
        const slowDisk = createSlowDiskSync(`${workspace.store.path}-wal`, {
          syncer,
          slowMs: 0,
          quickMs: Number.POSITIVE_INFINITY,
        });
        const batcher = createCommitBatcher(workspace.store, null, { syncWhenSlow: slowDisk });

        expect(await batcher.run((trx) => synchronousOf(trx))).toBe(2);
        expect(slowDisk.offLoop).toBe(true);

        let settled = false;
        const second = batcher
          .run(async (trx) => {
            await addRecording(trx, 'a');
            return synchronousOf(trx);
          })
          .finally(() => {
            settled = true;
          });
        await until(() => syncs.length === 1, { what: 'the thread pool sync to be asked for' });
        // Committed without its fsync, and not acknowledged before it.
        expect(await recordingIds()).toEqual(['a']);
        expect(settled).toBe(false);
        syncs[0]?.();
        expect(await second).toBe(1);
        expect(slowDisk.offLoop).toBe(false);

        expect(await batcher.run((trx) => synchronousOf(trx))).toBe(2);
        expect(syncs).toHaveLength(1);
      });

      it('syncs from the thread pool while bulk writes run, however quick its COMMITs and syncs (ADR 055)', async () => {
        const { syncs, syncer } = heldSyncer();
        let bulk = true;
        // No COMMIT counts as slow, every sync of the thread pool as quick.
        const slowDisk = createSlowDiskSync(`${workspace.store.path}-wal`, {
          syncer,
          slowMs: Number.POSITIVE_INFINITY,
          quickMs: Number.POSITIVE_INFINITY,
          busy: () => bulk,
        });
        const batcher = createCommitBatcher(workspace.store, null, { syncWhenSlow: slowDisk });
        for (const round of [1, 2]) {
          const next = batcher.run((trx) => synchronousOf(trx));
          await until(() => syncs.length === round, { what: `thread pool sync ${round}` });
          syncs[round - 1]?.();
          expect(await next).toBe(1);
        }
        bulk = false;
        expect(await batcher.run((trx) => synchronousOf(trx))).toBe(2);
        expect(syncs).toHaveLength(2);
      });

      it('stays with the thread pool while its syncs are slow', async () => {
        const { syncs, syncer } = heldSyncer();
        const slowDisk = createSlowDiskSync(`${workspace.store.path}-wal`, {
          syncer,
          slowMs: 0,
          quickMs: 0,
        });
        const batcher = createCommitBatcher(workspace.store, null, { syncWhenSlow: slowDisk });
        expect(await batcher.run((trx) => synchronousOf(trx))).toBe(2);
        for (const round of [1, 2]) {
          const next = batcher.run((trx) => synchronousOf(trx));
          await until(() => syncs.length === round, { what: `thread pool sync ${round}` });
          syncs[round - 1]?.();
          expect(await next).toBe(1);
        }
        expect(slowDisk.offLoop).toBe(true);
      });
    });

    it('syncs the real WAL file and acknowledges after it', async () => {
      const batcher = createCommitBatcher(workspace.store, walSyncOf(workspace.store));
      const seen = await batcher.run(async (trx) => {
        await addRecording(trx, 'a');
        return synchronousOf(trx);
      });
      expect(seen).toBe(1);
      expect(await recordingIds()).toEqual(['a']);
    });

    it("leaves the fsync to SQLite's COMMIT when told to (no WAL sync)", async () => {
      const batcher = createCommitBatcher(workspace.store, null);
      expect(await batcher.run((trx) => synchronousOf(trx))).toBe(2);
    });

    it("leaves the fsync to SQLite's COMMIT by default, as the journal does", async () => {
      const batcher = createCommitBatcher(workspace.store);
      expect(await batcher.run((trx) => synchronousOf(trx))).toBe(2);
      const journaled = createAttemptJournal(workspace.store);
      expect(
        await journaled.transact(() => workspace.store.prepare('pragma synchronous').all([])),
      ).toEqual([{ synchronous: 2 }]);
    });

    it('follows the connection when its synchronous mode changes after the first batch', async () => {
      const { rounds, walSync } = heldWalSync();
      const batcher = createCommitBatcher(workspace.store, walSync);
      const first = batcher.run((trx) => addRecording(trx, 'a'));
      await until(() => rounds.length === 1, { what: 'the WAL sync of the FULL batch' });
      rounds[0]?.resolve();
      await first;

      await sql`pragma synchronous = NORMAL`.execute(workspace.store.db);
      // Under NORMAL no sync is asked for, and the connection is left at NORMAL.
      expect(await batcher.run((trx) => synchronousOf(trx))).toBe(1);
      expect(rounds).toHaveLength(1);
      expect(await synchronousOf(workspace.store.db)).toBe(1);

      await sql`pragma synchronous = FULL`.execute(workspace.store.db);
      const third = batcher.run((trx) => synchronousOf(trx));
      await until(() => rounds.length === 2, { what: 'the WAL sync of FULL again' });
      rounds[1]?.resolve();
      expect(await third).toBe(1);
      expect(await synchronousOf(workspace.store.db)).toBe(2);
    });

    it('asks for no WAL sync under synchronous=NORMAL', async () => {
      const dir = createTempDir();
      const store = await openMigratedStore(dir, { synchronous: 'NORMAL' });
      try {
        const { rounds, walSync } = heldWalSync();
        const batcher = createCommitBatcher(store, walSync);
        await batcher.run((trx) => addRecording(trx, 'a'));
        expect(rounds).toHaveLength(0);
      } finally {
        await store.close();
        dir.remove();
      }
    });
  });

  describe('while another connection holds the write lock', () => {
    /** A second connection to the workspace's file, in a write transaction (as a RESTART checkpoint holds the lock). */
    function holdWriteLock(path: string) {
      const other = new SQLite(path);
      other.prepare('begin immediate').run();
      let timer: NodeJS.Timeout | undefined;
      const lock = {
        released: false,
        /** Lets the lock go, once: later calls do nothing. */
        release() {
          clearTimeout(timer);
          if (lock.released) return;
          lock.released = true;
          other.prepare('rollback').run();
          other.close();
        },
        /** Lets the lock go from a timer, `ms` from now. */
        releaseAfter(ms: number) {
          timer = setTimeout(() => lock.release(), ms);
        },
      };
      return lock;
    }

    it('waits for it without holding the event loop, then commits', async () => {
      const { store } = workspace;
      const lock = holdWriteLock(store.path);
      const batcher = createCommitBatcher(store);
      let turns = 0;
      const ticking = setInterval(() => {
        turns += 1;
      }, 1);
      // Only a timer lets the lock go: if the batch's BEGIN slept in SQLite's busy
      // handler, the loop would stand still until the busy timeout (5 s) and fail it.
      lock.releaseAfter(150);
      try {
        let resolvedAfterRelease = false;
        await batcher
          .run((trx) => addRecording(trx, 'a'))
          .then(() => {
            resolvedAfterRelease = lock.released;
          });
        expect(resolvedAfterRelease).toBe(true);
        expect(turns).toBeGreaterThan(3);
        expect(await recordingIds()).toEqual(['a']);
        // The connection's own busy timeout is back for every other statement.
        expect(store.prepare('pragma busy_timeout').all([])).toEqual([{ timeout: 5000 }]);
      } finally {
        clearInterval(ticking);
        lock.release();
      }
    });

    /** A unit that writes a recording and holds the thread for `busyMs`, noting its transaction. */
    function busyUnits(log: string[], busyMs: number) {
      const transactions = new Map<Kysely<Database>, number>();
      const unit = (index: number) => async (trx: Kysely<Database>) => {
        if (!transactions.has(trx)) transactions.set(trx, transactions.size);
        log.push(`unit ${index} in ${transactions.get(trx)}`);
        await addRecording(trx, `r${String(index).padStart(2, '0')}`);
        const until = performance.now() + busyMs;
        while (performance.now() < until) {}
        return index;
      };
      return { transactions, unit };
    }

    it('runs the batches behind a wait for the lock for at most BATCH_WORK_MS each, in turns of their own (ADR 055)', async () => {
      const { store } = workspace;
      const lock = holdWriteLock(store.path);
      const batcher = createCommitBatcher(store);
      const log: string[] = [];
      const { transactions, unit } = busyUnits(log, 8);
      // A callback that runs once in every turn of the event loop: other work between two
      // batches. (A timer would not do: a batch taken in the timers phase is followed by
      // the next in the same turn's check phase, before the timers run again.)
      let turning = true;
      const turn = () => {
        log.push('turn');
        if (turning) setImmediate(turn);
      };
      setImmediate(turn);
      lock.releaseAfter(30);
      try {
        // Twelve units of 8 ms queued in one turn while the lock is held elsewhere: 96 ms
        // in one turn without the bound.
        const indexes = Array.from({ length: 12 }, (_, index) => index);
        expect(await Promise.all(indexes.map((index) => batcher.run(unit(index))))).toEqual(
          indexes,
        );
      } finally {
        turning = false;
        lock.release();
      }
      // BATCH_WORK_MS (20 ms) of units a transaction: at most three of these a batch.
      expect(transactions.size).toBeGreaterThanOrEqual(4);
      const units = log.filter((line) => line.startsWith('unit'));
      expect(units.map((line) => Number(line.split(' ')[1]))).toEqual(
        Array.from({ length: 12 }, (_, index) => index),
      );
      // The loop turned between every two batches, none ran more than 20 ms of units
      // past its first (three of 8 ms).
      for (let batch = 1; batch < transactions.size; batch += 1) {
        const last = log.findLastIndex((line) => line.endsWith(` in ${batch - 1}`));
        const first = log.findIndex((line) => line.endsWith(` in ${batch}`));
        expect(log.slice(last, first)).toContain('turn');
      }
      for (let batch = 0; batch < transactions.size; batch += 1) {
        expect(units.filter((line) => line.endsWith(` in ${batch}`)).length).toBeLessThanOrEqual(3);
      }
      expect(await recordingIds()).toHaveLength(12);

      // Caught up, and the lock free: a batch runs all its units in one transaction again.
      const again = busyUnits([], 8);
      const more = [12, 13, 14, 15];
      expect(await Promise.all(more.map((index) => batcher.run(again.unit(index))))).toEqual(more);
      expect(again.transactions.size).toBe(1);
    });

    it('does not bound a batch that found the lock free', async () => {
      const batcher = createCommitBatcher(workspace.store);
      const { transactions, unit } = busyUnits([], 8);
      const indexes = [0, 1, 2, 3, 4];
      expect(await Promise.all(indexes.map((index) => batcher.run(unit(index))))).toEqual(indexes);
      expect(transactions.size).toBe(1);
    });

    it('fails only the unit that failed when a batch behind a wait is cut short', async () => {
      const { store } = workspace;
      const lock = holdWriteLock(store.path);
      const batcher = createCommitBatcher(store, null, { batchWorkMs: 0 });
      lock.releaseAfter(20);
      try {
        const results = await Promise.allSettled([
          batcher.run((trx) => addRecording(trx, 'a')),
          batcher.run(() => Promise.reject(new Error('refused'))),
          batcher.run((trx) => addRecording(trx, 'c')),
        ]);
        expect(results.map((result) => result.status)).toEqual([
          'fulfilled',
          'rejected',
          'fulfilled',
        ]);
        expect(await recordingIds()).toEqual(['a', 'c']);
      } finally {
        lock.release();
      }
    });

    it('lets reads of the connection run while it waits, not queue behind it', async () => {
      const { store } = workspace;
      const lock = holdWriteLock(store.path);
      const batcher = createCommitBatcher(store);
      // Only this timer lets the lock go, long after the read below should have answered.
      lock.releaseAfter(2_000);
      try {
        const written = batcher.run((trx) => addRecording(trx, 'a'));
        // The batch is under way (its first try made) before the read is asked for.
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setTimeout(resolve, 5));
        const read = await sql<{ one: number }>`select 1 as one`.execute(store.db);
        expect(read.rows).toEqual([{ one: 1 }]);
        // Answered while the batch still waited: a read held behind it would only have
        // run once the lock was released.
        expect(lock.released).toBe(false);
        lock.release();
        await written;
        expect(await recordingIds()).toEqual(['a']);
      } finally {
        lock.release();
      }
    });

    it('fails the batch with SQLITE_BUSY after the busy timeout, writing nothing', async () => {
      const dir = createTempDir();
      const path = join(dir.path, 'busy.db');
      const store = openDatabase({ path, busyTimeoutMs: 200 });
      await migrateToLatest(store.db);
      const lock = holdWriteLock(path);
      try {
        const batcher = createCommitBatcher(store);
        const began = performance.now();
        await expect(batcher.run((trx) => addRecording(trx, 'a'))).rejects.toMatchObject({
          code: 'SQLITE_BUSY',
        });
        expect(performance.now() - began).toBeGreaterThanOrEqual(190);
        lock.release();
        // Nothing left open: the next batch runs once the lock is free.
        await batcher.run((trx) => addRecording(trx, 'b'));
        const rows = await store.db.selectFrom('recording').select('id').execute();
        expect(rows.map((row) => row.id)).toEqual(['b']);
      } finally {
        if (store.inTransaction()) store.prepare('rollback').run([]);
        await store.close();
        dir.remove();
      }
    });
  });
});
