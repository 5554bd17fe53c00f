import { type Kysely, sql } from 'kysely';
import {
  type BatchUnit,
  type CommitBatcher,
  createBatchQueue,
  type Settled,
  type UnitOptions,
} from '../journal/batch-queue.js';
import type { Database } from '../schema.js';
import { runStatement } from './postgres-statements.js';

/**
 * How often a batch is run again, from the start in a new transaction, after one of its
 * units lost a lock race. With the campaigns locked first (`lockCampaigns`) batches of
 * the journal and the claims no longer wait on each other in a cycle; a race is left to
 * writers that do not take that lock, or to units that did not say what they touch.
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
 * The campaigns whose rows a unit will write or whose counters it will change (through
 * the triggers on `lead` and `attempt`): named, or as the campaign of an attempt.
 */
export interface CampaignsTouched {
  campaignIds?: readonly string[];
  attemptIds?: readonly string[];
}

export interface PostgresCommitBatcherOptions {
  /** Called each time a batch lost a lock race and is rolled back (before any rerun). */
  onLockRace?: (race: unknown) => void;
}

/**
 * How a unit is committed on PostgreSQL: which campaigns it touches. A commit there is
 * durable when it resolves; nothing is lent (`whileUnsynced` is never called).
 */
export interface PostgresUnitOptions extends UnitOptions {
  touches?: CampaignsTouched;
}

/** The group commit on PostgreSQL: a unit may say which campaigns it touches. */
export interface PostgresCommitBatcher extends CommitBatcher {
  run<T>(work: (trx: Kysely<Database>) => Promise<T>, options?: PostgresUnitOptions): Promise<T>;
}

/**
 * The rows of the batch's campaigns, locked in id order (collation "C": the same order
 * on every node) before any unit runs. `order by` is applied before the rows are locked,
 * so the locks are taken in that order. `no key update`: what an update of a campaign's
 * columns takes, so it conflicts with another batch's and a claim's lock of the same row
 * but not with the key-share lock of a foreign-key check (an import inserting leads).
 */
const LOCK_CAMPAIGNS = `select id from campaign
  where id in (select unnest($1::text[]) union select campaign_id from attempt where id = any($2::text[]))
  order by id
  for no key update`;

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
 * One lock order for every batch of every node (ADR 048): a batch first locks the rows
 * of the campaigns its units said they touch, in id order, and only then runs its units.
 * Units take a campaign's counter rows (`campaign_lead_count`, `campaign_outcome_count`,
 * `campaign_outcome_bucket`, through the triggers) and its row (a claim) in the order
 * they came, different in each batch; two batches holding some of them each would wait
 * on each other. With the campaign's row held first, a batch that would touch any of them
 * waits at that row instead, holding nothing of the campaign, and the campaigns are
 * taken in the same order by all: no cycle. Units that touch no campaign (the journal's
 * commits of calls going on) take no such lock and run alongside.
 *
 * A unit that loses a lock race all the same (a writer that does not take the campaign
 * first, a unit that did not say what it touches) rolls back the whole transaction, and
 * the batch runs again: rolling back only the unit's savepoint would keep the row locks
 * its batch's earlier units took, which the other transaction may be the one waiting for
 * (ADR 047). After LOCK_RACE_RERUNS reruns every unit of the batch rejects with the
 * race's error, nothing of it written: commits are retried as after any storage fault,
 * claims at the scheduler's next pass.
 */
export function createPostgresCommitBatcher(
  db: Kysely<Database>,
  options: PostgresCommitBatcherOptions = {},
): PostgresCommitBatcher {
  return createBatchQueue<PostgresUnitOptions>(async (batch) => {
    const campaigns = campaignsOf(batch);
    for (let rerun = 0; ; rerun += 1) {
      try {
        return await db.transaction().execute(async (trx) => {
          if (campaigns !== null) {
            await runStatement(trx, LOCK_CAMPAIGNS, [campaigns.campaignIds, campaigns.attemptIds]);
          }
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
        options.onLockRace?.(error.race);
        if (rerun >= LOCK_RACE_RERUNS) throw error.race;
      }
    }
  });
}

/** What the batch's units touch, together; null when none said. */
function campaignsOf(
  batch: readonly BatchUnit<PostgresUnitOptions>[],
): { campaignIds: string[]; attemptIds: string[] } | null {
  const campaignIds: string[] = [];
  const attemptIds: string[] = [];
  for (const unit of batch) {
    const touches = unit.options?.touches;
    campaignIds.push(...(touches?.campaignIds ?? []));
    attemptIds.push(...(touches?.attemptIds ?? []));
  }
  return campaignIds.length + attemptIds.length === 0 ? null : { campaignIds, attemptIds };
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
