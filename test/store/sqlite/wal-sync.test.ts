import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createFileSyncer,
  createWalSync,
  type FileSyncer,
} from '../../../src/store/sqlite/wal-sync.js';
import { createTempDir, type TempDir } from '../../support/store-fixtures.js';
import { until } from '../../support/until.js';

/** fsyncs that complete (or fail) only when the test says so, and the releases of the file. */
function heldSyncs() {
  const rounds: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const released: number[] = [];
  const sync: FileSyncer = {
    sync: () =>
      new Promise<void>((resolve, reject) => {
        rounds.push({ resolve, reject });
      }),
    release: () => {
      released.push(rounds.length);
    },
  };
  return { rounds, released, sync };
}

/** Whether `promise` has settled by the time queued reactions have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('WAL sync', () => {
  it('starts an fsync at once when none runs, and resolves when it completes', async () => {
    const { rounds, sync } = heldSyncs();
    const walSync = createWalSync('/db-wal', sync);
    const written = walSync.afterWrite();
    expect(rounds).toHaveLength(1);
    expect(await settled(written)).toBe(false);
    rounds[0]?.resolve();
    await written;
  });

  it('makes writes made while an fsync runs wait for the next one, which they share', async () => {
    const { rounds, sync } = heldSyncs();
    const walSync = createWalSync('/db-wal', sync);
    const first = walSync.afterWrite();
    // Written after the first fsync began: it may not cover them.
    const later = [walSync.afterWrite(), walSync.afterWrite(), walSync.afterWrite()];
    expect(rounds).toHaveLength(1);

    rounds[0]?.resolve();
    await first;
    expect(await settled(Promise.all(later))).toBe(false);
    expect(rounds).toHaveLength(2);

    rounds[1]?.resolve();
    await Promise.all(later);
    expect(rounds).toHaveLength(2);
  });

  it('keeps the file while fsyncs follow each other, and lets it go once none waits', async () => {
    const { rounds, released, sync } = heldSyncs();
    const walSync = createWalSync('/db-wal', sync);
    const first = walSync.afterWrite();
    const second = walSync.afterWrite();
    rounds[0]?.resolve();
    await first;
    await until(() => rounds.length === 2, { what: 'the second fsync to start' });
    expect(released).toEqual([]);
    rounds[1]?.resolve();
    await second;
    await until(() => released.length > 0, { what: 'the file to be let go' });
    expect(released).toEqual([2]);
  });

  it('says when no fsync runs any more, even after a failed one', async () => {
    const { rounds, sync } = heldSyncs();
    const walSync = createWalSync('/db-wal', sync);
    expect(walSync.running()).toBeNull();
    const failed = walSync.afterWrite().catch((error: Error) => error.message);
    const idle = walSync.running();
    expect(idle).not.toBeNull();
    rounds[0]?.reject(new Error('EIO'));
    await idle;
    expect(await failed).toBe('EIO');
    expect(walSync.running()).toBeNull();
  });

  it('fails the writes of a failed fsync, and the next write starts a fresh one', async () => {
    const { rounds, sync } = heldSyncs();
    const walSync = createWalSync('/db-wal', sync);
    const failed = walSync.afterWrite();
    const waiting = walSync.afterWrite();
    rounds[0]?.reject(new Error('EIO'));
    await expect(failed).rejects.toThrow('EIO');
    // The write that came during the failed fsync is covered by one started after it.
    expect(await settled(waiting)).toBe(false);
    rounds[1]?.resolve();
    await waiting;

    const again = walSync.afterWrite();
    expect(rounds).toHaveLength(3);
    rounds[2]?.resolve();
    await again;
  });

  describe('on a real file', () => {
    let dir: TempDir;
    beforeEach(() => {
      dir = createTempDir();
    });
    afterEach(() => dir.remove());

    it('fsyncs it; one SQLite removed (checkpointed at close) needs none', async () => {
      const path = join(dir.path, 'x.db-wal');
      writeFileSync(path, 'frames');
      const syncer = createFileSyncer(path);
      await syncer.sync();
      await syncer.sync();
      syncer.release();
      await createWalSync(path).afterWrite();
      await createFileSyncer(join(dir.path, 'gone.db-wal')).sync();
    });

    it('says why it could not', async () => {
      // A folder cannot be opened for writing.
      await expect(createFileSyncer(dir.path).sync()).rejects.toThrow(/EISDIR/);
    });
  });
});
