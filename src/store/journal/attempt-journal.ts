import {
  type AttemptCommit,
  type AttemptJournal,
  JournalConflictError,
  type LeadClaimRequest,
  type NewAttempt,
  type PlannedStep,
  type StoredAttempt,
} from '../../calls/ports.js';
import { factsOf } from '../../machines/attempt-step.js';
import { recordAnsweredCall } from '../answered-calls.js';
import { retryPolicyFromColumn } from '../retry-policy-column.js';
import { bulkWriteRunning } from '../sqlite/bulk-writes.js';
import type { Store } from '../sqlite/db.js';
import { createSlowDiskSync } from '../sqlite/slow-disk-sync.js';
import { createAttemptJournalReads, snapshotToColumn } from './attempt-journal-reads.js';
import { createCommitBatcher, walSyncOf } from './commit-batcher.js';

export type { NewAttempt } from '../../calls/ports.js';
export { JournalConflictError };

export type CreateAttemptResult =
  | { ok: true; attempt: StoredAttempt }
  /** The lead is not a pending lead of the campaign (someone claimed it first); nothing was written. */
  | { ok: false; reason: 'leadNotPending' };

/** Plans a new attempt's first step from the attempt as its claim stored it (ADR 044). */
export type FirstStep = NonNullable<LeadClaimRequest['firstStep']>;

/** A claim's attempt creation, with its first step when it was asked to write it. */
export type ClaimedAttemptResult =
  | { ok: true; attempt: StoredAttempt; first?: PlannedStep }
  | { ok: false; reason: 'leadNotPending' };

/** The SQLite attempt journal, plus claiming a lead for a new attempt. */
export interface SqliteAttemptJournal extends AttemptJournal {
  /**
   * Claims a pending lead for a new attempt in one transaction: the lead moves
   * `pending` → `dialing` (compare-and-set), its attempt count goes up, the attempt
   * row is written with that count as its number, and the campaign's last originate
   * time becomes `at` (pacing reads it).
   */
  createAttempt(attempt: NewAttempt, firstStep?: FirstStep): Promise<ClaimedAttemptResult>;
  /**
   * Runs synchronous `work` with prepared statements in a transaction shared with
   * journal commits (group commit): for writes that must see and change the database
   * atomically, such as a claim's read of candidates and its compare-and-sets.
   */
  transact<T>(work: (prepare: Store['prepare']) => T): Promise<T>;
}

/**
 * The statements of one journal commit, prepared once per connection; exported so a
 * test can check the query plan of the real text.
 */
export const COMMIT_SQL = {
  update: `update attempt set
      seq = ?, state = ?, snapshot = ?, outcome = ?, error = ?,
      started_at = ?, answered_at = ?, handed_off_at = ?, ended_at = ?,
      dial_status = ?, hangup_cause = ?, far_end_cause = ?, amd_status = ?,
      amd_cause = ?, digits = ?, updated_at = ?
    where id = ? and seq = ? and done = 0`,
  // `done` is only written when the attempt ends: naming it in the SET clause of every
  // update would make SQLite rewrite the partial index on open attempts each time.
  updateFinal: `update attempt set done = 1,
      seq = ?, state = ?, snapshot = ?, outcome = ?, error = ?,
      started_at = ?, answered_at = ?, handed_off_at = ?, ended_at = ?,
      dial_status = ?, hangup_cause = ?, far_end_cause = ?, amd_status = ?,
      amd_cause = ?, digits = ?, updated_at = ?
    where id = ? and seq = ? and done = 0`,
  insertEvent: `insert into attempt_event (attempt_id, seq, at, type, payload, state, commands, timers)
    values (?, ?, ?, ?, ?, ?, ?, ?)`,
  deleteTimers: 'delete from attempt_timer where attempt_id = ?',
  deleteTimer: 'delete from attempt_timer where attempt_id = ? and timer_id = ?',
  upsertTimer: `insert into attempt_timer (attempt_id, timer_id, due_at) values (?, ?, ?)
    on conflict (attempt_id, timer_id) do update set due_at = excluded.due_at`,
  moveLead: `update lead set
      state = ?, next_attempt_at = coalesce(?, next_attempt_at),
      last_outcome = ?, last_error = ?, active_attempt_id = null, updated_at = ?
    where id = ? and state = 'dialing' and active_attempt_id = ?`,
} as const;

/** The parameters of `COMMIT_SQL.update` (and `updateFinal`) for a commit, in order. */
export function updateParameters(c: AttemptCommit): unknown[] {
  const { entry, facts } = c;
  return [
    entry.seq,
    entry.state,
    snapshotToColumn(c.snapshot, facts),
    facts.outcome,
    facts.error,
    facts.startedAt,
    facts.answeredAt,
    facts.handedOffAt,
    facts.endedAt,
    facts.dialStatus,
    facts.hangupCause,
    facts.farEndCause,
    facts.amdStatus,
    facts.amdCause,
    facts.digits,
    entry.event.at,
    entry.attemptId,
    entry.seq - 1,
  ];
}

/** The parameters of `COMMIT_SQL.insertEvent` for a commit, in order. */
export function eventParameters({ entry }: AttemptCommit): unknown[] {
  return [
    entry.attemptId,
    entry.seq,
    entry.event.at,
    entry.event.type,
    JSON.stringify(entry.event),
    entry.state,
    JSON.stringify(entry.commands),
    JSON.stringify(entry.timers),
  ];
}

/** The parameters of `COMMIT_SQL.moveLead` for a commit that ends its attempt, in order. */
export function moveLeadParameters(
  { entry }: AttemptCommit,
  lead: NonNullable<AttemptCommit['lead']>,
): unknown[] {
  return [
    lead.next.state,
    lead.next.nextAttemptAt,
    lead.outcome,
    lead.error,
    entry.event.at,
    lead.leadId,
    entry.attemptId,
  ];
}

/**
 * Writes one journal commit in the caller's transaction: attempt row, journal row,
 * timers and, when the attempt ended, its lead. Throws `JournalConflictError` (the
 * caller rolls back) when the commit does not follow the stored attempt.
 *
 * This runs for every call event, so it runs prepared statements synchronously rather
 * than through the query builder: building, compiling and awaiting each query cost
 * more than SQLite takes to run it (docs/BENCHMARKS.md). Exported for the benchmark
 * that measures the floor under these writes (bench/journal-floor.ts).
 */
export function writeAttemptCommit(prepare: Store['prepare'], c: AttemptCommit): void {
  const { entry, facts, lead } = c;
  const { attemptId, seq } = entry;
  const updated = prepare(c.done ? COMMIT_SQL.updateFinal : COMMIT_SQL.update).run(
    updateParameters(c),
  );
  if (Number(updated.changes) !== 1) {
    throw new JournalConflictError(attemptId, seq, explainConflict(prepare, attemptId));
  }

  prepare(COMMIT_SQL.insertEvent).run(eventParameters(c));

  if (c.done) {
    prepare(COMMIT_SQL.deleteTimers).run([attemptId]);
    // In the same transaction as the end: no answered call goes uncounted. A call never
    // answered had no person on it (most endings: busy, no answer), so its journal is
    // not read back.
    if (facts.answeredAt !== null) recordAnsweredCall(prepare, attemptId, facts.outcome);
  } else {
    // Cancel before start: a step that restarts a timer names it in both.
    for (const timerId of c.cancelTimers) prepare(COMMIT_SQL.deleteTimer).run([attemptId, timerId]);
    for (const { timerId, dueAt } of c.startTimers) {
      prepare(COMMIT_SQL.upsertTimer).run([attemptId, timerId, dueAt]);
    }
  }

  if (lead !== null) {
    const moved = prepare(COMMIT_SQL.moveLead).run(moveLeadParameters(c, lead));
    if (Number(moved.changes) !== 1) {
      throw new JournalConflictError(
        attemptId,
        seq,
        `lead ${lead.leadId} is not dialing for this attempt`,
      );
    }
  }
}

/** The statements of a claim's attempt creation, prepared once per connection (exported as above). */
export const CREATE_SQL = {
  claimLead: `update lead set state = 'dialing', attempts = attempts + 1,
      active_attempt_id = ?, last_attempt_id = ?, updated_at = ?
    where id = ? and campaign_id = ? and state = 'pending'
    returning attempts, recycled_attempts`,
  markOriginate: `update campaign set last_originate_at = max(coalesce(last_originate_at, ?), ?)
    where id = ? returning retry`,
  insertAttempt: `insert into attempt (id, campaign_id, lead_id, attempt_number, machine_version,
      channel_id, snapshot, state, done, seq, created_at, updated_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)`,
  insertInput: 'insert into attempt_input (attempt_id, input) values (?, ?)',
  /**
   * The attempt row as its first step leaves it (ADR 044): the columns `COMMIT_SQL.update`
   * sets, in its order, then the row's identity. One insert instead of an insert at seq 0
   * and an update to seq 1 in the same transaction.
   */
  insertStartedAttempt: `insert into attempt (seq, state, snapshot, outcome, error,
      started_at, answered_at, handed_off_at, ended_at, dial_status, hangup_cause,
      far_end_cause, amd_status, amd_cause, digits, updated_at,
      id, campaign_id, lead_id, attempt_number, machine_version, channel_id, created_at, done)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
} as const;

/**
 * Creates an attempt in the caller's transaction (see `createAttempt`): the lead's
 * compare-and-set `pending` → `dialing`, the campaign's last originate time, the attempt
 * row and its input. Writes nothing when the lead is no longer pending.
 */
export function writeNewAttempt(
  prepare: Store['prepare'],
  attempt: NewAttempt,
): CreateAttemptResult {
  const claimed = claimLeadOf(prepare, attempt);
  if (!claimed.ok) return claimed;
  insertAttemptAtSeq0(prepare, attempt, claimed.lead.attempts);
  return { ok: true, attempt: storedNewAttempt(attempt, claimed.lead, claimed.retry) };
}

/** The attempt row as its claim creates it (seq 0, initial snapshot) and its input. */
function insertAttemptAtSeq0(
  prepare: Store['prepare'],
  attempt: NewAttempt,
  attemptNumber: number,
): void {
  prepare(CREATE_SQL.insertAttempt).run(newAttemptParameters(attempt, attemptNumber));
  prepare(CREATE_SQL.insertInput).run([attempt.attemptId, JSON.stringify(attempt.input)]);
}

/**
 * The lead's compare-and-set `pending` → `dialing` for a new attempt and its campaign's
 * last originate time: what a claim writes before its attempt row.
 */
function claimLeadOf(
  prepare: Store['prepare'],
  attempt: NewAttempt,
):
  | { ok: true; lead: { attempts: number; recycled_attempts: number }; retry: string }
  | { ok: false; reason: 'leadNotPending' } {
  const { attemptId, campaignId, leadId, at } = attempt;
  const [lead] = prepare(CREATE_SQL.claimLead).all([
    attemptId,
    attemptId,
    at,
    leadId,
    campaignId,
  ]) as { attempts: number; recycled_attempts: number }[];
  if (lead === undefined) return { ok: false, reason: 'leadNotPending' };
  const [campaign] = prepare(CREATE_SQL.markOriginate).all([at, at, campaignId]) as {
    retry: string;
  }[];
  if (campaign === undefined) throw new Error(`campaign ${campaignId} of lead ${leadId} is gone`);
  return { ok: true, lead, retry: campaign.retry };
}

/**
 * A claim's writes for its chosen lead in the caller's transaction: the attempt
 * (`writeNewAttempt`) and, given `firstStep`, the attempt's first journal entry, so that
 * its first command waits for this one commit (ADR 044). The attempt row is inserted as
 * that step leaves it: the rows are those of `writeNewAttempt` followed by
 * `writeAttemptCommit`, for one snapshot's JSON and one statement less.
 */
export function writeClaimedAttempt(
  prepare: Store['prepare'],
  attempt: NewAttempt,
  firstStep: FirstStep | undefined,
): ClaimedAttemptResult {
  if (firstStep === undefined) return writeNewAttempt(prepare, attempt);
  const claimed = claimLeadOf(prepare, attempt);
  if (!claimed.ok) return claimed;
  const stored = storedNewAttempt(attempt, claimed.lead, claimed.retry);
  const first = firstStep(stored);
  const { commit } = first;
  if (commit.done || commit.lead !== null || commit.entry.seq !== 1) {
    // Not a plain first step (a machine that ends at once): the general path.
    insertAttemptAtSeq0(prepare, attempt, claimed.lead.attempts);
    writeAttemptCommit(prepare, commit);
    return { ok: true, attempt: stored, first };
  }
  // `updateParameters` ends with the row's id and the seq it follows: the insert takes
  // the columns it sets, then the identity.
  const set = updateParameters(commit).slice(0, -2);
  prepare(CREATE_SQL.insertStartedAttempt).run([
    ...set,
    attempt.attemptId,
    attempt.campaignId,
    attempt.leadId,
    claimed.lead.attempts,
    attempt.machineVersion,
    attempt.input.channelId,
    attempt.at,
  ]);
  prepare(CREATE_SQL.insertInput).run([attempt.attemptId, JSON.stringify(attempt.input)]);
  prepare(COMMIT_SQL.insertEvent).run(eventParameters(commit));
  for (const { timerId, dueAt } of commit.startTimers) {
    prepare(COMMIT_SQL.upsertTimer).run([attempt.attemptId, timerId, dueAt]);
  }
  return { ok: true, attempt: stored, first };
}

/** The parameters of `CREATE_SQL.insertAttempt` for a new attempt, in order. */
export function newAttemptParameters(attempt: NewAttempt, attemptNumber: number): unknown[] {
  const { at } = attempt;
  return [
    attempt.attemptId,
    attempt.campaignId,
    attempt.leadId,
    attemptNumber,
    attempt.machineVersion,
    attempt.input.channelId,
    snapshotToColumn(attempt.snapshot, factsOf(attempt.snapshot.context)),
    attempt.state,
    at,
    at,
  ];
}

/** A new attempt as stored by its claim: its lead's counts, its campaign's retry policy. */
export function storedNewAttempt(
  attempt: NewAttempt,
  lead: { attempts: number; recycled_attempts: number },
  retry: string,
): StoredAttempt {
  return {
    attemptId: attempt.attemptId,
    campaignId: attempt.campaignId,
    leadId: attempt.leadId,
    attemptNumber: lead.attempts,
    uncountedAttempts: lead.recycled_attempts,
    machineVersion: attempt.machineVersion,
    input: attempt.input,
    snapshot: attempt.snapshot,
    seq: 0,
    state: attempt.state,
    done: false,
    timers: [],
    retry: retryPolicyFromColumn(retry),
  };
}

/** The statement reading why an attempt refused a commit (see `describeConflict`). */
const CONFLICT_SQL = 'select seq, done from attempt where id = ?';

/** Why an attempt refused a commit, from its row as read before the rollback. */
export function describeConflict(row: { seq: number; done: number } | undefined): string {
  if (row === undefined) return 'no such attempt';
  if (row.done === 1) return `the attempt is already done (at seq ${row.seq})`;
  return `the journal is at seq ${row.seq}, so the next seq is ${row.seq + 1}`;
}

function explainConflict(prepare: Store['prepare'], attemptId: string): string {
  const [row] = prepare(CONFLICT_SQL).all([attemptId]) as { seq: number; done: number }[];
  return describeConflict(row);
}

/** How the journal's commits reach the disk under `synchronous=FULL` (ADR 037). */
export interface AttemptJournalOptions {
  /**
   * `in-commit` (the default here, `DIALSTATE_DB_WAL_SYNC=commit`): by SQLite inside
   * COMMIT, stopping the event loop for it; `thread-pool`: each batch's WAL frames are
   * synced from libuv's thread pool, its commits acknowledged after (ADR 037);
   * `when-slow` (`DIALSTATE_DB_WAL_SYNC=auto`, a server's default): inside COMMIT while
   * that is quick, from the thread pool while an import runs or the disk is slow (ADR
   * 052, 055).
   */
  walFsync?: 'thread-pool' | 'in-commit' | 'when-slow';
  /**
   * How long an attempt's end waits for the next claim to sync it before it syncs
   * itself (ms, ADR 050); `LENT_SYNC_WAIT_MS` by default.
   */
  lentSyncWaitMs?: number;
}

/** Creates the attempt journal over a migrated database. */
export function createAttemptJournal(
  store: Store,
  options: AttemptJournalOptions = {},
): SqliteAttemptJournal {
  const batcher = createCommitBatcher(
    store,
    options.walFsync === 'thread-pool' ? walSyncOf(store) : null,
    {
      ...(options.lentSyncWaitMs === undefined ? {} : { lentSyncWaitMs: options.lentSyncWaitMs }),
      ...(options.walFsync === 'when-slow'
        ? {
            syncWhenSlow: createSlowDiskSync(`${store.path}-wal`, {
              busy: () => bulkWriteRunning(store),
            }),
          }
        : {}),
    },
  );

  return {
    createAttempt(attempt, firstStep) {
      // Through the batcher like commits: claims of many leads share a transaction.
      return batcher.run(async () => writeClaimedAttempt(store.prepare, attempt, firstStep));
    },

    transact(work) {
      return batcher.run(async () => work(store.prepare));
    },

    async commit(c, options) {
      await batcher.run(async () => writeAttemptCommit(store.prepare, c), options);
    },

    async commitInOrder(commits, options) {
      await batcher.run(async () => {
        for (const c of commits) writeAttemptCommit(store.prepare, c);
      }, options);
    },

    ...createAttemptJournalReads(store.db),
  };
}
