import { type Kysely, sql } from 'kysely';
import {
  type BatchUnit,
  type CommitBatcher,
  createBatchQueue,
  type Settled,
} from '../journal/commit-batcher.js';
import type { Database } from '../schema.js';

/**
 * How often a batch is run again, from the start in a new transaction, after one of its
 * units lost a lock race. Batches, of this node and of others, touch the same rows (a
 * campaign's counters, its row at a claim) in the order their units came, so two of them
 * may wait on each other; PostgreSQL then fails one statement of one of them.
 */
const LOCK_RACE_RERUNS = 3;
/** SQLSTATEs of a lost lock race: deadlock_detected, serialization_failure. */
const LOCK_RACES = new Set(['40P01', '40001']);

function isLockRace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && LOCK_RACES.has(code);
}

/** Thrown inside a batch's transaction to roll all of it back: a unit lost a lock race. */
class LockRaceLost extends Error {
  constructor(readonly race: unknown) {
    super('a unit of the batch lost a lock race', { cause: race });
  }
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
 *
 * A unit that loses a lock race (deadlock victim, serialization failure) rolls back the
 * whole transaction, and the batch runs again: rolling back only the unit's savepoint
 * would keep the row locks its batch's earlier units took, which the other transaction
 * may be the one waiting for. It would go on waiting, and the unit run again would meet
 * it again and lose again (PostgreSQL looks for a deadlock once per wait, so the one
 * that waits anew is the one found), each try a `deadlock_timeout` long, while every
 * claim of the campaign waits behind the other's lock of the campaign's row (ADR 047).
 * After LOCK_RACE_RERUNS reruns every unit of the batch rejects with the race's error,
 * nothing of it written: commits are retried as after any storage fault, claims at the
 * scheduler's next pass.
 */
export function createPostgresCommitBatcher(db: Kysely<Database>): CommitBatcher {
  return createBatchQueue(async (batch) => {
    for (let rerun = 0; ; rerun += 1) {
      try {
        return await db.transaction().execute(async (trx) => {
          const results: Settled[] = [];
          for (const unit of batch) {
            const settled = await runInSavepoint(trx, unit);
            if (!settled.ok && isLockRace(settled.error)) throw new LockRaceLost(settled.error);
            results.push(settled);
          }
          return results;
        });
      } catch (error) {
        if (!(error instanceof LockRaceLost)) throw error;
        if (rerun >= LOCK_RACE_RERUNS) throw error.race;
      }
    }
  });
}

/**
 * Runs one unit inside a savepoint of the batch's transaction. Unlike SQLite, a lone
 * unit gets one too: a failed statement leaves a PostgreSQL transaction unusable until
 * rolled back, and the savepoint keeps the rest of the batch (none, or later units) able
 * to commit. If the rollback itself fails, the connection is lost: that throws, and the
 * whole batch fails rather than half of it being written.
 */
async function runInSavepoint(trx: Kysely<Database>, unit: BatchUnit): Promise<Settled> {
  await sql`savepoint batched_unit`.execute(trx);
  try {
    const value = await unit.work(trx);
    await sql`release savepoint batched_unit`.execute(trx);
    return { ok: true, value };
  } catch (error) {
    await sql`rollback to savepoint batched_unit`.execute(trx);
    await sql`release savepoint batched_unit`.execute(trx);
    return { ok: false, error };
  }
}
