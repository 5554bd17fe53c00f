import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Store } from '../../../src/store/sqlite/db.js';
import { runSliced } from '../../../src/store/sqlite/sliced-work.js';
import { createTempDir, type TempDir } from '../../support/store-fixtures.js';

/**
 * Background work in slices waits its turn for the write lock: a BEGIN that finds it
 * held past the connection's busy timeout is tried again, rather than failing the work
 * (an import's merge beside a dialer whose commits keep the lock busy).
 */

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (let undo = cleanups.pop(); undo; undo = cleanups.pop()) await undo();
});

/** A database file with table `t`, its store waiting only 20 ms for a held lock. */
function setUp(): { dir: TempDir; store: Store; holder: SQLite.Database } {
  const dir = createTempDir();
  cleanups.push(() => dir.remove());
  const store = openDatabase({ path: join(dir.path, 'work.db'), busyTimeoutMs: 20 });
  cleanups.push(() => store.close());
  store.prepare('create table t (n integer not null)').run([]);
  // Another connection, as another writer (the dialer's main connection) would be.
  const holder = new SQLite(join(dir.path, 'work.db'));
  cleanups.push(() => {
    holder.close();
  });
  return { dir, store, holder };
}

/** A chunk that inserts one row per call, `rows` in all. */
function inserting(store: Store, rows: number) {
  let next = 0;
  return () => {
    store.prepare('insert into t (n) values (?)').run([next]);
    next += 1;
    return next >= rows;
  };
}

function count(store: Store): number {
  const [row] = store.prepare('select count(*) as n from t').all([]) as { n: number }[];
  return row?.n ?? 0;
}

describe('sliced work and a held write lock', () => {
  it('tries again for the lock past the busy timeout, and finishes every chunk once it is free', async () => {
    const { store, holder } = setUp();
    holder.prepare('begin immediate').run();
    let tries = 0;
    const counted: Store = {
      ...store,
      prepare(sql) {
        // Each try at a slice's lock; the holder lets go after the third.
        if (sql === 'begin immediate') {
          tries += 1;
          if (tries === 3) holder.prepare('commit').run();
        }
        return store.prepare(sql);
      },
    };

    const result = await runSliced(counted, inserting(store, 500), { sliceMs: 5 });

    expect(result).toBe('done');
    expect(tries).toBeGreaterThanOrEqual(3);
    expect(count(store)).toBe(500);
  });

  it('fails with a clear error, nothing of it written, when the lock stays held past its patience', async () => {
    const { store, holder } = setUp();
    holder.prepare('begin immediate').run();

    await expect(runSliced(store, inserting(store, 10), { lockPatienceMs: 200 })).rejects.toThrow(
      "the database's write lock stayed held for 200 ms: another process may be holding it",
    );
    holder.prepare('commit').run();
    expect(count(store)).toBe(0);
  });
});
