import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createCommitBatcher } from '../../src/store/commit-batcher.js';
import { createRecordingRepository } from '../../src/store/recordings.js';
import type { Database } from '../../src/store/schema.js';
import { sampleRecording } from '../support/store-fixtures.js';
import { useStoreWorkspace } from '../support/store-workspace.js';

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
});
