import { type Kysely, sql } from 'kysely';
import {
  type BatchUnit,
  type CommitBatcher,
  createBatchQueue,
  type Settled,
} from '../journal/commit-batcher.js';
import type { Database } from '../schema.js';

/**
 * How often a unit is run again within its batch after PostgreSQL chose it as the victim
 * of a deadlock. Nodes' batches touch the same rows (a campaign's counters, its row at
 * a claim) in the order their units came, so two nodes may wait on each other; the
 * victim's savepoint is rolled back, which frees the other, and the unit goes again.
 */
const DEADLOCK_RETRIES = 3;
/** SQLSTATEs of a lost lock race: deadlock_detected, serialization_failure. */
const LOCK_RACES = new Set(['40P01', '40001']);

function isLockRace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && LOCK_RACES.has(code);
}

/**
 * Creates the group commit over a PostgreSQL pool, with the contract of the SQLite one
 * (`createCommitBatcher`): units queued in one turn of the event loop share one
 * transaction, each in its own savepoint, so one unit's failure rolls back only its own
 * writes; each resolves once the transaction is committed, and every unit rejects with
 * the commit's error when the commit fails (nothing of the batch written). A commit on
 * PostgreSQL waits for the write-ahead log to be flushed, so sharing one is what lets
 * many concurrent calls cost little more than one.
 *
 * Batches run on connections of their own, so one waiting on a lock (another node's
 * claim of the same campaign) does not hold back the next.
 */
export function createPostgresCommitBatcher(db: Kysely<Database>): CommitBatcher {
  return createBatchQueue((batch) =>
    db.transaction().execute(async (trx) => {
      const results: Settled[] = [];
      for (const unit of batch) results.push(await runInSavepoint(trx, unit));
      return results;
    }),
  );
}

/**
 * Runs one unit inside a savepoint of the batch's transaction. Unlike SQLite, a lone
 * unit gets one too: a failed statement leaves a PostgreSQL transaction unusable until
 * rolled back, and the savepoint keeps the rest of the batch (none, or later units) able
 * to commit. If the rollback itself fails, the connection is lost: that throws, and the
 * whole batch fails rather than half of it being written.
 */
async function runInSavepoint(trx: Kysely<Database>, unit: BatchUnit): Promise<Settled> {
  for (let attempt = 0; ; attempt += 1) {
    await sql`savepoint batched_unit`.execute(trx);
    try {
      const value = await unit.work(trx);
      await sql`release savepoint batched_unit`.execute(trx);
      return { ok: true, value };
    } catch (error) {
      await sql`rollback to savepoint batched_unit`.execute(trx);
      await sql`release savepoint batched_unit`.execute(trx);
      if (attempt < DEADLOCK_RETRIES && isLockRace(error)) continue;
      return { ok: false, error };
    }
  }
}
