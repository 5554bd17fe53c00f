import SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createCommitBatcher,
  LENT_SYNC_WAIT_MS,
} from '../../../src/store/journal/commit-batcher.js';
import { createRecordingRepository } from '../../../src/store/recordings.js';
import type { Database } from '../../../src/store/schema.js';
import type { FileSyncer } from '../../../src/store/sqlite/wal-sync.js';
import { sampleRecording } from '../../support/store-fixtures.js';
import { useStoreWorkspace } from '../../support/store-workspace.js';
import { until } from '../../support/until.js';

/**
 * ADR 050: a batch whose every unit lends its sync (an attempt's end) is committed
 * without its own fsync, and made durable by the synced commit its hook leads to (the
 * next claim's), or by an fsync of its own when none follows.
 */

const workspace = useStoreWorkspace();

const readers: SQLite.Database[] = [];
afterEach(() => {
  while (readers.length > 0) readers.pop()?.close();
});

/** A second connection to the workspace's file, as another process would read it. */
function otherConnection(): SQLite.Database {
  const reader = new SQLite(workspace.store.path, { readonly: true });
  readers.push(reader);
  return reader;
}

/** A syncer that counts its fsyncs and completes each only when `finish` is called. */
function heldSyncer() {
  let syncs = 0;
  const pending: (() => void)[] = [];
  const syncer: FileSyncer = {
    sync() {
      syncs += 1;
      return new Promise<void>((resolve) => pending.push(resolve));
    },
    release() {},
  };
  return {
    syncer,
    syncs: () => syncs,
    finish() {
      for (const resolve of pending.splice(0)) resolve();
    },
  };
}

async function synchronousOf(trx: Kysely<Database>): Promise<number | undefined> {
  const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(trx);
  return rows[0]?.synchronous;
}

/** A unit that adds recording `id` and says what `synchronous` its transaction had. */
function addRecording(id: string) {
  return async (trx: Kysely<Database>) => {
    await createRecordingRepository(trx).insert(sampleRecording(id));
    return synchronousOf(trx);
  };
}

/** Tracks whether a promise has settled. */
function watch<T>(promise: Promise<T>) {
  const state = { settled: false };
  void promise.then(
    () => {
      state.settled = true;
    },
    () => {
      state.settled = true;
    },
  );
  return state;
}

const FULL = 2;
const NORMAL = 1;

describe('an end lending its sync to the next commit (ADR 050)', () => {
  it('is committed unsynced, visible to other connections while its hook runs, and made durable by the synced commit the hook leads to, with no fsync of its own', async () => {
    const held = heldSyncer();
    const batcher = createCommitBatcher(workspace.store, null, { syncer: held.syncer });
    const seen: { visible: unknown; endSettled: boolean; claimSynchronous: unknown }[] = [];
    let end: { settled: boolean } = { settled: false };
    const ending = batcher.run(addRecording('end'), {
      whileUnsynced: async () => {
        const visible = otherConnection()
          .prepare('select id from recording where id = ?')
          .get('end');
        // The next claim: a synced commit that writes, after the end's in the WAL.
        const claimSynchronous = await batcher.run(addRecording('claim'));
        seen.push({ visible, endSettled: end.settled, claimSynchronous });
      },
    });
    end = watch(ending);

    expect(await ending).toBe(NORMAL);
    expect(seen).toEqual([{ visible: { id: 'end' }, endSettled: false, claimSynchronous: FULL }]);
    expect(held.syncs()).toBe(0);
    expect(await synchronousOf(workspace.store.db)).toBe(FULL);
  });

  it('fsyncs the WAL itself when its hook leads to no synced commit, and settles only once that fsync is done', async () => {
    const held = heldSyncer();
    const batcher = createCommitBatcher(workspace.store, null, { syncer: held.syncer });
    const ending = batcher.run(addRecording('end'), { whileUnsynced: async () => {} });
    const end = watch(ending);

    await until(() => held.syncs() === 1);
    expect(end.settled).toBe(false);
    held.finish();
    expect(await ending).toBe(NORMAL);
    expect(held.syncs()).toBe(1);
  });

  it('does not count a commit that wrote nothing: its COMMIT synced no frame', async () => {
    const held = heldSyncer();
    const batcher = createCommitBatcher(workspace.store, null, { syncer: held.syncer });
    const ending = batcher.run(addRecording('end'), {
      // A claim that found no lead: a transaction that only reads.
      whileUnsynced: () => batcher.run((trx) => synchronousOf(trx)),
    });

    await until(() => held.syncs() === 1);
    held.finish();
    await ending;
    expect(held.syncs()).toBe(1);
  });

  it(`waits for its hook no longer than ${LENT_SYNC_WAIT_MS} ms, then fsyncs itself`, async () => {
    const held = heldSyncer();
    const batcher = createCommitBatcher(workspace.store, null, { syncer: held.syncer });
    const ending = batcher.run(addRecording('end'), {
      whileUnsynced: () => new Promise(() => {}),
    });

    await until(() => held.syncs() === 1);
    held.finish();
    expect(await ending).toBe(NORMAL);
  });

  it('settles despite a hook that fails', async () => {
    const held = heldSyncer();
    const batcher = createCommitBatcher(workspace.store, null, { syncer: held.syncer });
    const ending = batcher.run(addRecording('end'), {
      whileUnsynced: () => Promise.reject(new Error('the pass failed')),
    });

    await until(() => held.syncs() === 1);
    held.finish();
    expect(await ending).toBe(NORMAL);
  });

  it('is committed synced, its hook not called, when a unit of its batch does not lend', async () => {
    const held = heldSyncer();
    const batcher = createCommitBatcher(workspace.store, null, { syncer: held.syncer });
    const hooks: string[] = [];
    const [ended, other] = await Promise.all([
      batcher.run(addRecording('end'), {
        whileUnsynced: async () => {
          hooks.push('end');
        },
      }),
      // An event of a call still up, whose commands wait for its commit.
      batcher.run(addRecording('answered')),
    ]);

    expect([ended, other]).toEqual([FULL, FULL]);
    expect(hooks).toEqual([]);
    expect(held.syncs()).toBe(0);
  });

  it('lends nothing on a connection that does not fsync each commit (synchronous=NORMAL)', async () => {
    const held = heldSyncer();
    workspace.store.prepare('pragma synchronous = NORMAL').run([]);
    const batcher = createCommitBatcher(workspace.store, null, { syncer: held.syncer });
    const hooks: string[] = [];
    const ended = await batcher.run(addRecording('end'), {
      whileUnsynced: async () => {
        hooks.push('end');
      },
    });

    expect(ended).toBe(NORMAL);
    expect(hooks).toEqual([]);
    expect(held.syncs()).toBe(0);
  });
});
