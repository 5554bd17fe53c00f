import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../../src/store/database-file/database-backup.js';
import { migrateToLatest } from '../../../src/store/migrate.js';
import { openDatabase, type Store } from '../../../src/store/sqlite/db.js';
import { runSliced } from '../../../src/store/sqlite/sliced-work.js';
import type { CheckpointThresholds } from '../../../src/store/sqlite/wal-checkpoint-protocol.js';
import {
  startWalCheckpointer,
  type WalCheckpointer,
} from '../../../src/store/sqlite/wal-checkpointer.js';
import {
  parseWalIndex,
  WAL_INDEX_BYTES,
  type WalIndexState,
} from '../../../src/store/sqlite/wal-index.js';
import { createTempDir, type TempDir } from '../../support/store-fixtures.js';
import { until } from '../../support/until.js';

/**
 * Small thresholds, so that a few thousand frames exercise every kind of checkpoint; the
 * thread started at once (its late start has tests of its own).
 */
const SMALL: CheckpointThresholds = {
  passiveFrames: 64,
  restartFrames: 1024,
  idleMs: 300,
  pollMs: 5,
  busyMs: 50,
  startFrames: 0,
};
/** A frame is a page of 4 KiB and its 24-byte header; the WAL file starts with 32 bytes. */
const FRAME_BYTES = 4096 + 24;

let dir: TempDir;
let path: string;
const cleanups: (() => unknown)[] = [];
beforeEach(() => {
  dir = createTempDir();
  path = join(dir.path, 'dialstate.db');
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  dir.remove();
});

function open(thresholds: Partial<CheckpointThresholds> = SMALL): Store {
  const store = openDatabase({
    path,
    synchronous: 'NORMAL',
    checkpoints: 'background',
    checkpointThresholds: thresholds,
  });
  cleanups.push(() => store.close());
  return store;
}

/** The WAL-index as any process sees it (the `-shm` file). */
function walIndex(): WalIndexState {
  const state = parseWalIndex(readFileSync(`${path}-shm`).subarray(0, WAL_INDEX_BYTES));
  if ('unreadable' in state) throw new Error(`WAL-index ${state.unreadable}`);
  return state;
}

const walFileBytes = () => statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
const autocheckpoint = (store: Store) =>
  (store.prepare('pragma wal_autocheckpoint').all([]) as { wal_autocheckpoint: number }[])[0]
    ?.wal_autocheckpoint;
const turn = () => new Promise((resolve) => setTimeout(resolve, 1));

/**
 * Writes `transactions` transactions of three 1 KB rows (about two pages each) through
 * the main connection, letting the event loop turn between them, and reports the most
 * frames the WAL held and whether a checkpoint copied frames meanwhile.
 */
async function writeLoad(
  store: Store,
  transactions: number,
): Promise<{ mostFrames: number; backfilledWhileWriting: boolean }> {
  store.prepare('create table if not exists filler (id integer primary key, body blob)').run([]);
  const insert = store.prepare('insert into filler (body) values (randomblob(1000))');
  let mostFrames = 0;
  let backfilled = walIndex().backfilled;
  let backfilledWhileWriting = false;
  for (let i = 0; i < transactions; i++) {
    store.prepare('begin').run([]);
    for (let row = 0; row < 3; row++) insert.run([]);
    store.prepare('commit').run([]);
    const state = walIndex();
    mostFrames = Math.max(mostFrames, state.frames);
    if (state.backfilled > backfilled) backfilledWhileWriting = true;
    backfilled = state.backfilled;
    await turn();
  }
  return { mostFrames, backfilledWhileWriting };
}

describe('the background WAL checkpointer', () => {
  it('copies the WAL from its own connection while the main one only writes, and keeps it bounded', async () => {
    const store = open();
    await until(() => store.checkpoints() === 'background', { what: 'the thread ready' });
    // The main connection never checkpoints: every frame copied was copied by the thread.
    expect(autocheckpoint(store)).toBe(0);
    const { mostFrames, backfilledWhileWriting } = await writeLoad(store, 1500);
    expect(autocheckpoint(store)).toBe(0);
    expect(backfilledWhileWriting).toBe(true);
    // Told by a message from the thread, which may come a turn after the WAL shows it.
    await until(() => (store.checkpointStats()?.passive ?? 0) > 0, { what: 'a PASSIVE told' });
    // ~3,000 pages written: without checkpoints the WAL would hold them all. A slow thread
    // on a loaded machine may let it overshoot the bound at which it makes it start over.
    expect(mostFrames).toBeLessThan(2 * SMALL.restartFrames);
    expect(walFileBytes()).toBeLessThan(2 * SMALL.restartFrames * FRAME_BYTES);
    const rows = store.prepare('select count(*) as n from filler').all([]) as { n: number }[];
    expect(rows[0]?.n).toBe(4500);
  });

  it('empties the WAL file once nothing was written for a while', async () => {
    const store = open();
    await until(() => store.checkpoints() === 'background', { what: 'the thread ready' });
    // The WAL held frames while written (read then: 300 ms after the last write the
    // thread may already have emptied it, as a loaded machine showed).
    const { mostFrames } = await writeLoad(store, 100);
    expect(mostFrames).toBeGreaterThan(0);
    await until(() => walFileBytes() === 0, { what: 'the WAL truncated', timeoutMs: 30_000 });
    // The thread tells of its TRUNCATE by a message, which may come a turn after the file
    // is found empty.
    await until(() => (store.checkpointStats()?.truncate ?? 0) > 0, { what: 'the TRUNCATE told' });
    expect(walIndex().frames).toBe(0);
  });

  it('makes the WAL start over once a reader that held it back has finished', async () => {
    const store = open({ ...SMALL, idleMs: 60_000 });
    await until(() => store.checkpoints() === 'background', { what: 'the thread ready' });
    await writeLoad(store, 10);
    // A reader inside a transaction keeps every frame after its snapshot in the WAL.
    const reader = new SQLite(path, { readonly: true });
    cleanups.push(() => reader.close());
    reader.prepare('begin').run();
    reader.prepare('select count(*) from filler').get();
    const { mostFrames } = await writeLoad(store, 700);
    expect(mostFrames).toBeGreaterThan(SMALL.restartFrames);
    // The thread tried to make it start over and found the reader in the way.
    await until(() => (store.checkpointStats()?.busy ?? 0) > 0, { what: 'a busy restart' });
    reader.prepare('commit').run();
    await until(
      async () => {
        await writeLoad(store, 5);
        return walIndex().frames < SMALL.restartFrames / 2;
      },
      { what: 'the WAL started over after the reader', timeoutMs: 30_000 },
    );
    // Told by a message from the thread, which may come a turn after the WAL shows it.
    await until(() => (store.checkpointStats()?.restart ?? 0) > 0, { what: 'a RESTART told' });
  });

  it('keeps the WAL bounded under sliced work that commits back to back, in the gaps it asks for', async () => {
    const store = open({ ...SMALL, idleMs: 60_000 });
    await until(() => store.checkpoints() === 'background', { what: 'the thread ready' });
    store.prepare('create table filler (id integer primary key, body blob)').run([]);
    const insert = store.prepare('insert into filler (body) values (randomblob(1000))');
    let chunks = 0;
    let mostFrames = 0;
    // ~50,000 pages (about 50 times the restart threshold) in 10 ms transactions with no
    // more than a setImmediate between them: the WAL never starts over by itself then.
    await runSliced(
      store,
      () => {
        for (let row = 0; row < 3; row++) insert.run([]);
        chunks += 1;
        return chunks === 25_000;
      },
      {
        sliceMs: 10,
        onSlice: () => {
          mostFrames = Math.max(mostFrames, walIndex().frames);
        },
      },
    );
    // Told by a message from the thread, which may come a turn after the WAL shows it.
    await until(() => (store.checkpointStats()?.restart ?? 0) > 0, { what: 'a RESTART told' });
    // A fast writer outruns the thread for a while past the threshold (the copy before the
    // restart, the end of the slice under way): bounded, not at the threshold.
    expect(mostFrames).toBeLessThan(8 * SMALL.restartFrames);
  });

  it('stops with the store: the thread closes its connection first, so the last close removes the WAL', async () => {
    const store = open();
    await until(() => store.checkpoints() === 'background', { what: 'the thread ready' });
    await writeLoad(store, 50);
    await store.close();
    expect(store.checkpoints()).toBe('automatic');
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('is not started for an in-memory database, which has no WAL', async () => {
    const store = openDatabase({ path: ':memory:', checkpoints: 'background' });
    cleanups.push(() => store.close());
    expect(store.checkpoints()).toBe('automatic');
    expect(store.checkpointStats()).toBeNull();
  });

  it('leaves a backup and its copy consistent while it checkpoints', async () => {
    const store = open();
    await migrateToLatest(store.db);
    await until(() => store.checkpoints() === 'background', { what: 'the thread ready' });
    await writeLoad(store, 300);
    const target = join(dir.path, 'copy.db');
    const summary = await backupDatabase(path, target);
    expect(summary.pages).toBeGreaterThan(0);
    const copy = new SQLite(target, { readonly: true });
    cleanups.push(() => copy.close());
    expect(copy.prepare('select count(*) as n from filler').get()).toEqual({ n: 900 });
  });
});

describe('the checkpoint thread started once the WAL has grown', () => {
  it('is not started by a migration of a fresh database, which leaves the WAL short of the default', async () => {
    const store = openDatabase({ path, synchronous: 'NORMAL', checkpoints: 'background' });
    cleanups.push(() => store.close());
    await migrateToLatest(store.db);
    expect(walFileBytes()).toBeGreaterThan(0);
    // A long writer's gap looks at the WAL at once, as the watch does every 100 ms.
    await store.checkpointGap();
    expect(store.checkpointStats()?.started).toBe(false);
    expect(store.checkpoints()).toBe('automatic');
    expect(autocheckpoint(store)).toBe(1000);
    await store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('starts once the WAL file has grown to startFrames, then takes the checkpoints over', async () => {
    const store = open({ ...SMALL, startFrames: 200 });
    const { mostFrames } = await writeLoad(store, 20);
    expect(mostFrames).toBeLessThan(200);
    await store.checkpointGap();
    expect(store.checkpointStats()?.started).toBe(false);
    expect(autocheckpoint(store)).toBe(1000);
    // No gap asked for: the watch sees the WAL grow by itself.
    await writeLoad(store, 150);
    await until(() => store.checkpointStats()?.started === true, { what: 'the thread started' });
    await until(() => store.checkpoints() === 'background', { what: 'the thread ready' });
    expect(autocheckpoint(store)).toBe(0);
    await writeLoad(store, 300);
    // Told by a message from the thread, which may come a turn after the WAL shows it.
    await until(() => (store.checkpointStats()?.passive ?? 0) > 0, { what: 'a PASSIVE told' });
  });

  it("sees a WAL that SQLite's own checkpoints made start over: its file is as large as it ever was", async () => {
    const store = open({ ...SMALL, startFrames: 150 });
    // Before the thread, the main connection checkpoints by itself (here at 200 frames)
    // and the WAL starts over from its first frame.
    store.prepare('pragma wal_autocheckpoint = 200').all([]);
    store.prepare('create table filler (id integer primary key, body blob)').run([]);
    const insert = store.prepare('insert into filler (body) values (randomblob(1000))');
    // Written without letting the event loop turn, so the watch does not look meanwhile.
    let mostFrames = 0;
    for (let i = 0; i < 10_000; i++) {
      store.prepare('begin').run([]);
      for (let row = 0; row < 3; row++) insert.run([]);
      store.prepare('commit').run([]);
      const { frames } = walIndex();
      mostFrames = Math.max(mostFrames, frames);
      if (mostFrames >= 150 && frames < 50) break;
    }
    expect(walIndex().frames).toBeLessThan(50);
    expect(store.checkpointStats()?.started).toBe(false);
    await store.checkpointGap();
    expect(store.checkpointStats()?.started).toBe(true);
  });

  it('stops a store whose thread was never started at once', async () => {
    const store = open({ ...SMALL, startFrames: 10_000 });
    await writeLoad(store, 5);
    await store.close();
    expect(store.checkpointStats()?.started).toBe(false);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});

describe('when the checkpoint thread is gone', () => {
  function connect(): SQLite.Database {
    const connection = new SQLite(path);
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    cleanups.push(() => connection.close());
    return connection;
  }
  function start(connection: SQLite.Database, warnings: unknown[]): WalCheckpointer {
    const checkpointer = startWalCheckpointer(connection, {
      path,
      synchronous: 'NORMAL',
      thresholds: SMALL,
      log: { warn: (fields: unknown) => warnings.push(fields) } as never,
    });
    cleanups.push(() => checkpointer.stop());
    return checkpointer;
  }

  it('gives the main connection its automatic checkpoint back when the thread dies, and says so', async () => {
    const connection = connect();
    const warnings: unknown[] = [];
    const checkpointer = start(connection, warnings);
    await until(() => checkpointer.mode() === 'background', { what: 'the thread ready' });
    expect(connection.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await checkpointer.worker()?.terminate();
    await until(() => checkpointer.mode() === 'automatic', { what: 'the fallback' });
    expect(connection.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(warnings).toHaveLength(1);
    // The connection checkpoints by itself again: 3,000 pages written, the WAL stays
    // near SQLite's 1,000-page threshold.
    connection.exec('create table filler (id integer primary key, body blob)');
    const insert = connection.prepare('insert into filler (body) values (randomblob(1000))');
    let mostFrames = 0;
    for (let i = 0; i < 1500; i++) {
      connection.transaction(() => {
        for (let row = 0; row < 3; row++) insert.run();
      })();
      mostFrames = Math.max(mostFrames, walIndex().frames);
    }
    expect(mostFrames).toBeLessThan(1100);
  });

  it('keeps the automatic checkpoint when the thread cannot start', async () => {
    // Not in WAL mode: the thread refuses it and ends.
    const connection = new SQLite(path);
    cleanups.push(() => connection.close());
    connection.exec('create table t (x)');
    const warnings: unknown[] = [];
    const checkpointer = start(connection, warnings);
    await until(() => warnings.length === 1, { what: 'the warning' });
    expect(checkpointer.mode()).toBe('automatic');
    expect(connection.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });
});
