import type { Kysely } from 'kysely';
import {
  type AttemptCommit,
  type AttemptJournal,
  JournalConflictError,
  type NewAttempt,
} from '../../calls/ports.js';
import { type AnsweredCallSource, answeredCallValues, RECORD_SQL } from '../answered-calls.js';
import {
  COMMIT_SQL,
  CREATE_SQL,
  type CreateAttemptResult,
  describeConflict,
  eventParameters,
  moveLeadParameters,
  newAttemptParameters,
  storedNewAttempt,
  updateParameters,
} from '../journal/attempt-journal.js';
import { createAttemptJournalReads } from '../journal/attempt-journal-reads.js';
import type { Database } from '../schema.js';
import { numberedParameters as $ } from './numbered-parameters.js';
import {
  type CampaignsTouched,
  createPostgresCommitBatcher,
  type PostgresCommitBatcherOptions,
  type PostgresUnitOptions,
} from './postgres-commit-batcher.js';
import { changedRows, runStatement } from './postgres-statements.js';

/**
 * The attempt journal on PostgreSQL, one node's view of it: what the SQLite journal
 * offers (`SqliteAttemptJournal`), with the claim's work asynchronous.
 */
export interface PostgresAttemptJournal extends AttemptJournal {
  /** The node whose attempts this journal writes and resumes. */
  readonly nodeId: string;
  /** As on SQLite: the lead's compare-and-set, the attempt row (owned by this node). */
  createAttempt(attempt: NewAttempt): Promise<CreateAttemptResult>;
  /**
   * Runs `work` as one unit of the group commit (its own savepoint); `touches` names the
   * campaigns whose rows or counters it writes, which its batch locks first (ADR 048).
   */
  transact<T>(work: (trx: Kysely<Database>) => Promise<T>, touches?: CampaignsTouched): Promise<T>;
}

/**
 * The statements of one commit: SQLite's text, numbered for PostgreSQL. A commit writes
 * only an attempt this node owns: once another node has taken it over (this node's
 * lease had expired), a late commit from here is a conflict, not a second writer.
 */
const PG_COMMIT = {
  update: $(`${COMMIT_SQL.update} and owner_node = ?`),
  updateFinal: $(`${COMMIT_SQL.updateFinal} and owner_node = ?`),
  insertEvent: $(COMMIT_SQL.insertEvent),
  deleteTimers: $(COMMIT_SQL.deleteTimers),
  deleteTimer: $(COMMIT_SQL.deleteTimer),
  upsertTimer: $(COMMIT_SQL.upsertTimer),
  moveLead: $(COMMIT_SQL.moveLead),
  conflict: $(`select seq, done, owner_node from attempt where id = ?`),
  answeredInput: $(RECORD_SQL.inputOf),
  answeredJournal: $(RECORD_SQL.journalOf),
  answeredInsert: $(
    `${RECORD_SQL.insert.replace('insert or replace', 'insert')}
    on conflict (attempt_id) do update set campaign_id = excluded.campaign_id,
      ended_at = excluded.ended_at, answered_at = excluded.answered_at,
      greeting_ended_at = excluded.greeting_ended_at, first_audio_at = excluded.first_audio_at,
      connected_at = excluded.connected_at, callee_left_at = excluded.callee_left_at,
      our_side_failed = excluded.our_side_failed`,
  ),
} as const;

/** The statements of a new attempt; `greatest` is PostgreSQL's two-argument `max`. */
const PG_CREATE = {
  claimLead: $(CREATE_SQL.claimLead),
  markOriginate:
    $(`update campaign set last_originate_at = greatest(coalesce(last_originate_at, ?), ?)
    where id = ? returning retry`),
  insertAttempt: $(`insert into attempt (id, campaign_id, lead_id, attempt_number, machine_version,
      channel_id, snapshot, state, done, seq, created_at, updated_at, owner_node)
    values (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)`),
  insertInput: $(CREATE_SQL.insertInput),
} as const;

/** Why the attempt refused the commit, read before the savepoint is rolled back. */
async function explainConflict(
  trx: Kysely<Database>,
  attemptId: string,
  nodeId: string,
): Promise<string> {
  const { rows } = await runStatement<{ seq: number; done: number; owner_node: string | null }>(
    trx,
    PG_COMMIT.conflict,
    [attemptId],
  );
  const [row] = rows;
  if (row !== undefined && row.done === 0 && row.owner_node !== nodeId) {
    return `the attempt is run by node ${row.owner_node ?? '(none)'}, not ${nodeId}`;
  }
  return describeConflict(row);
}

/** Records an answered call's timing, as `recordAnsweredCall` does on SQLite. */
async function recordAnsweredCall(
  trx: Kysely<Database>,
  attemptId: string,
  outcome: AttemptCommit['facts']['outcome'],
): Promise<void> {
  const { rows } = await runStatement<AnsweredCallSource['attempt']>(trx, PG_COMMIT.answeredInput, [
    attemptId,
  ]);
  const [attempt] = rows;
  if (attempt === undefined) return;
  const journal = await runStatement<AnsweredCallSource['journal'][number]>(
    trx,
    PG_COMMIT.answeredJournal,
    [attemptId],
  );
  const values = answeredCallValues(attemptId, { attempt, journal: journal.rows }, outcome);
  if (values !== null) await runStatement(trx, PG_COMMIT.answeredInsert, values);
}

/**
 * Writes one journal commit in the caller's savepoint, statement for statement what
 * SQLite's `writeAttemptCommit` writes; throws `JournalConflictError` the same way.
 */
export async function writeAttemptCommit(
  trx: Kysely<Database>,
  c: AttemptCommit,
  nodeId: string,
): Promise<void> {
  const { entry, facts, lead } = c;
  const { attemptId, seq } = entry;
  const updated = await runStatement(trx, c.done ? PG_COMMIT.updateFinal : PG_COMMIT.update, [
    ...updateParameters(c),
    nodeId,
  ]);
  if (changedRows(updated) !== 1) {
    throw new JournalConflictError(attemptId, seq, await explainConflict(trx, attemptId, nodeId));
  }
  await runStatement(trx, PG_COMMIT.insertEvent, eventParameters(c));
  if (c.done) {
    await runStatement(trx, PG_COMMIT.deleteTimers, [attemptId]);
    if (facts.answeredAt !== null) await recordAnsweredCall(trx, attemptId, facts.outcome);
  } else {
    for (const timerId of c.cancelTimers) {
      await runStatement(trx, PG_COMMIT.deleteTimer, [attemptId, timerId]);
    }
    for (const { timerId, dueAt } of c.startTimers) {
      await runStatement(trx, PG_COMMIT.upsertTimer, [attemptId, timerId, dueAt]);
    }
  }
  if (lead !== null) {
    const moved = await runStatement(trx, PG_COMMIT.moveLead, moveLeadParameters(c, lead));
    if (changedRows(moved) !== 1) {
      throw new JournalConflictError(
        attemptId,
        seq,
        `lead ${lead.leadId} is not dialing for this attempt`,
      );
    }
  }
}

/**
 * Creates an attempt owned by `nodeId` in the caller's savepoint, as SQLite's
 * `writeNewAttempt` does; writes nothing when the lead is no longer pending.
 */
export async function writeNewAttempt(
  trx: Kysely<Database>,
  attempt: NewAttempt,
  nodeId: string,
): Promise<CreateAttemptResult> {
  const { attemptId, campaignId, leadId, input, at } = attempt;
  const claimed = await runStatement<{ attempts: number; recycled_attempts: number }>(
    trx,
    PG_CREATE.claimLead,
    [attemptId, attemptId, at, leadId, campaignId],
  );
  const [lead] = claimed.rows;
  if (lead === undefined) return { ok: false, reason: 'leadNotPending' };
  const marked = await runStatement<{ retry: string }>(trx, PG_CREATE.markOriginate, [
    at,
    at,
    campaignId,
  ]);
  const [campaign] = marked.rows;
  if (campaign === undefined) throw new Error(`campaign ${campaignId} of lead ${leadId} is gone`);
  await runStatement(trx, PG_CREATE.insertAttempt, [
    ...newAttemptParameters(attempt, lead.attempts),
    nodeId,
  ]);
  await runStatement(trx, PG_CREATE.insertInput, [attemptId, JSON.stringify(input)]);
  return { ok: true, attempt: storedNewAttempt(attempt, lead, campaign.retry) };
}

/**
 * The campaigns whose counters these commits change: an attempt that ends is counted by
 * outcome, and its lead leaves `dialing`. Commits of a call going on change none.
 */
function campaignsCounted(commits: readonly AttemptCommit[]): CampaignsTouched | undefined {
  const attemptIds = commits.filter((c) => c.done || c.lead !== null).map((c) => c.entry.attemptId);
  return attemptIds.length === 0 ? undefined : { attemptIds };
}

function touched(touches: CampaignsTouched | undefined): PostgresUnitOptions | undefined {
  return touches === undefined ? undefined : { touches };
}

/**
 * Creates node `nodeId`'s attempt journal over a migrated PostgreSQL database: its
 * writes go through the group commit, its open attempts are the ones it owns.
 */
export function createPostgresAttemptJournal(
  db: Kysely<Database>,
  nodeId: string,
  options: PostgresCommitBatcherOptions = {},
): PostgresAttemptJournal {
  const batcher = createPostgresCommitBatcher(db, options);
  return {
    nodeId,
    createAttempt: (attempt) =>
      batcher.run((trx) => writeNewAttempt(trx, attempt, nodeId), {
        touches: { campaignIds: [attempt.campaignId] },
      }),
    transact: (work, touches) => batcher.run(work, touched(touches)),
    // A commit here is durable when it resolves: nothing to lend (`CommitOptions`, ADR 050).
    async commit(c) {
      await batcher.run(
        (trx) => writeAttemptCommit(trx, c, nodeId),
        touched(campaignsCounted([c])),
      );
    },
    async commitInOrder(commits) {
      await batcher.run(
        async (trx) => {
          for (const c of commits) await writeAttemptCommit(trx, c, nodeId);
        },
        touched(campaignsCounted(commits)),
      );
    },
    ...createAttemptJournalReads(db, { ownerNode: nodeId }),
  };
}
