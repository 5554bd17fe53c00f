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
