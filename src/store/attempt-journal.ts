import { type Kysely, type Selectable, sql } from 'kysely';
import type { RetryPolicy } from '../campaign/retry-policy.js';
import type {
  AttemptCommit,
  AttemptJournal,
  JournalEntry,
  StoredAttempt,
  TimerDeadline,
} from '../dialer/ports.js';
import type { PersistedAttemptSnapshot } from '../machines/attempt-step.js';
import type { AttemptInput } from '../machines/attempt-types.js';
import { createCommitBatcher } from './commit-batcher.js';
import type { AttemptEventTable, AttemptTable, Database } from './schema.js';

/**
 * A commit that does not follow the attempt's stored journal: its seq is not the next
 * one, the attempt is already done or missing, or its lead was no longer owned by the
 * attempt. Nothing of the commit was written.
 */
export class JournalConflictError extends Error {
  constructor(
    readonly attemptId: string,
    readonly seq: number,
    detail: string,
  ) {
    super(`attempt ${attemptId}: cannot commit seq ${seq}: ${detail}`);
    this.name = 'JournalConflictError';
  }
}

/** A new attempt, before its first event. */
export interface NewAttempt {
  attemptId: string;
  campaignId: string;
  leadId: string;
  machineVersion: number;
  input: AttemptInput;
  snapshot: PersistedAttemptSnapshot;
  /** Dotted state path of `snapshot`. */
  state: string;
  /** Epoch ms. */
  at: number;
}

export type CreateAttemptResult =
  | { ok: true; attempt: StoredAttempt }
  /** The lead is not a pending lead of the campaign (someone claimed it first); nothing was written. */
  | { ok: false; reason: 'leadNotPending' };

/** The SQLite attempt journal, plus claiming a lead for a new attempt. */
export interface SqliteAttemptJournal extends AttemptJournal {
  /**
   * Claims a pending lead for a new attempt in one transaction: the lead moves
   * `pending` → `dialing` (compare-and-set), its attempt count goes up and the attempt
   * row is written with that count as its number.
   */
  createAttempt(attempt: NewAttempt): Promise<CreateAttemptResult>;
}

type AttemptRow = Selectable<AttemptTable> & { retry: string };

/**
 * The snapshot as stored: without `context.input`, which the attempt's `input` column
 * already holds. The snapshot is rewritten on every event, and the input is most of it.
 */
function snapshotToColumn(snapshot: PersistedAttemptSnapshot): string {
  const { input: _input, ...facts } = snapshot.context;
  return JSON.stringify({ value: snapshot.value, context: facts });
}

function snapshotFromColumn(column: string, input: AttemptInput): PersistedAttemptSnapshot {
  const { value, context } = JSON.parse(column);
  return { value, context: { ...context, input } };
}

function storedAttemptFromRow(row: AttemptRow, timers: TimerDeadline[]): StoredAttempt {
  const input: AttemptInput = JSON.parse(row.input);
  return {
    attemptId: row.id,
    campaignId: row.campaign_id,
    leadId: row.lead_id,
    attemptNumber: row.attempt_number,
    machineVersion: row.machine_version,
    input,
    snapshot: snapshotFromColumn(row.snapshot, input),
    seq: row.seq,
    state: row.state,
    done: row.done === 1,
    timers,
    retry: JSON.parse(row.retry) as RetryPolicy,
  };
}

function journalEntryFromRow(row: Selectable<AttemptEventTable>): JournalEntry {
  return {
    attemptId: row.attempt_id,
    seq: row.seq,
    event: JSON.parse(row.payload),
    state: row.state,
    commands: JSON.parse(row.commands),
    timers: JSON.parse(row.timers),
  };
}

/**
 * Writes one journal commit in the caller's transaction: attempt row, journal row,
 * timers and, when the attempt ended, its lead. Throws `JournalConflictError` (the
 * caller rolls back) when the commit does not follow the stored attempt.
 *
 * These run for every call event, so they are written as SQL templates rather than
 * with the query builder: building and compiling a query costs more than SQLite takes
 * to run it, and the fixed SQL text keeps each statement prepared once.
 */
async function writeAttemptCommit(trx: Kysely<Database>, c: AttemptCommit): Promise<void> {
  const { entry, facts, lead } = c;
  const { attemptId, seq, event } = entry;
  // `done` is only written when the attempt ends: naming it in the SET clause would
  // make SQLite rewrite the partial index on open attempts for every event.
  const finish = c.done ? sql`done = 1,` : sql``;
  const updated = await sql`
    update attempt set ${finish}
      seq = ${seq}, state = ${entry.state}, snapshot = ${snapshotToColumn(c.snapshot)},
      outcome = ${facts.outcome}, error = ${facts.error},
      started_at = ${facts.startedAt}, answered_at = ${facts.answeredAt},
      handed_off_at = ${facts.handedOffAt}, ended_at = ${facts.endedAt},
      dial_status = ${facts.dialStatus}, hangup_cause = ${facts.hangupCause},
      far_end_cause = ${facts.farEndCause}, amd_status = ${facts.amdStatus},
      amd_cause = ${facts.amdCause}, digits = ${facts.digits}, updated_at = ${event.at}
    where id = ${attemptId} and seq = ${seq - 1} and done = 0`.execute(trx);
  if (updated.numAffectedRows !== 1n) {
    throw new JournalConflictError(attemptId, seq, await explainConflict(trx, attemptId));
  }

  await sql`
    insert into attempt_event (attempt_id, seq, at, type, payload, state, commands, timers)
    values (${attemptId}, ${seq}, ${event.at}, ${event.type}, ${JSON.stringify(event)},
      ${entry.state}, ${JSON.stringify(entry.commands)}, ${JSON.stringify(entry.timers)})`.execute(
    trx,
  );

  if (c.done) {
    await sql`delete from attempt_timer where attempt_id = ${attemptId}`.execute(trx);
  } else {
    // Cancel before start: a step that restarts a timer names it in both.
    for (const timerId of c.cancelTimers) {
      await sql`
        delete from attempt_timer
        where attempt_id = ${attemptId} and timer_id = ${timerId}`.execute(trx);
    }
    for (const { timerId, dueAt } of c.startTimers) {
      await sql`
        insert into attempt_timer (attempt_id, timer_id, due_at)
        values (${attemptId}, ${timerId}, ${dueAt})
        on conflict (attempt_id, timer_id) do update set due_at = excluded.due_at`.execute(trx);
    }
  }

  if (lead !== null) {
    const moved = await sql`
      update lead set
        state = ${lead.next.state},
        next_attempt_at = coalesce(${lead.next.nextAttemptAt}, next_attempt_at),
        last_outcome = ${lead.outcome}, last_error = ${lead.error},
        active_attempt_id = null, updated_at = ${event.at}
      where id = ${lead.leadId} and state = 'dialing' and active_attempt_id = ${attemptId}`.execute(
      trx,
    );
    if (moved.numAffectedRows !== 1n) {
      throw new JournalConflictError(
        attemptId,
        seq,
        `lead ${lead.leadId} is not dialing for this attempt`,
      );
    }
  }
}

/** Why an attempt refused a commit, read before the rollback. */
async function explainConflict(db: Kysely<Database>, attemptId: string): Promise<string> {
  const row = await db
    .selectFrom('attempt')
    .select(['seq', 'done'])
    .where('id', '=', attemptId)
    .executeTakeFirst();
  if (row === undefined) return 'no such attempt';
  if (row.done === 1) return `the attempt is already done (at seq ${row.seq})`;
  return `the journal is at seq ${row.seq}, so the next seq is ${row.seq + 1}`;
}

/** Creates the attempt journal over a migrated database. */
export function createAttemptJournal(db: Kysely<Database>): SqliteAttemptJournal {
  const batcher = createCommitBatcher(db);
  const selectAttempts = () =>
    db
      .selectFrom('attempt')
      .innerJoin('campaign', 'campaign.id', 'attempt.campaign_id')
      .selectAll('attempt')
      .select('campaign.retry');

  return {
    async createAttempt(attempt) {
      const { attemptId, campaignId, leadId, input, at } = attempt;
      // Through the batcher like commits: claims of many leads share a transaction.
      return batcher.run(async (trx): Promise<CreateAttemptResult> => {
        const lead = await trx
          .updateTable('lead')
          .set((eb) => ({
            state: 'dialing',
            attempts: eb('attempts', '+', 1),
            active_attempt_id: attemptId,
            last_attempt_id: attemptId,
            updated_at: at,
          }))
          .where('id', '=', leadId)
          .where('campaign_id', '=', campaignId)
          .where('state', '=', 'pending')
          .returning('attempts')
          .executeTakeFirst();
        if (lead === undefined) return { ok: false, reason: 'leadNotPending' };

        const campaign = await trx
          .selectFrom('campaign')
          .select('retry')
          .where('id', '=', campaignId)
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('attempt')
          .values({
            id: attemptId,
            campaign_id: campaignId,
            lead_id: leadId,
            attempt_number: lead.attempts,
            machine_version: attempt.machineVersion,
            channel_id: input.channelId,
            input: JSON.stringify(input),
            snapshot: snapshotToColumn(attempt.snapshot),
            state: attempt.state,
            done: 0,
            seq: 0,
            created_at: at,
            updated_at: at,
          })
          .execute();
        return {
          ok: true,
          attempt: {
            attemptId,
            campaignId,
            leadId,
            attemptNumber: lead.attempts,
            machineVersion: attempt.machineVersion,
            input,
            snapshot: attempt.snapshot,
            seq: 0,
            state: attempt.state,
            done: false,
            timers: [],
            retry: JSON.parse(campaign.retry),
          },
        };
      });
    },

    async commit(c) {
      await batcher.run((trx) => writeAttemptCommit(trx, c));
    },

    async loadAttempt(attemptId) {
      const row = await selectAttempts().where('attempt.id', '=', attemptId).executeTakeFirst();
      if (row === undefined) return undefined;
      const timers = await db
        .selectFrom('attempt_timer')
        .select(['timer_id as timerId', 'due_at as dueAt'])
        .where('attempt_id', '=', attemptId)
        .orderBy('due_at')
        .orderBy('timer_id')
        .execute();
      return storedAttemptFromRow(row, timers);
    },

    async listOpenAttempts() {
      const rows = await selectAttempts()
        .where('attempt.done', '=', 0)
        .orderBy('attempt.created_at')
        .orderBy('attempt.id')
        .execute();
      const timers = await db
        .selectFrom('attempt_timer')
        .innerJoin('attempt', 'attempt.id', 'attempt_timer.attempt_id')
        .select(['attempt_timer.attempt_id', 'timer_id', 'due_at'])
        .where('attempt.done', '=', 0)
        .orderBy('due_at')
        .orderBy('timer_id')
        .execute();
      const timersByAttempt = new Map<string, TimerDeadline[]>();
      for (const timer of timers) {
        const list = timersByAttempt.get(timer.attempt_id) ?? [];
        list.push({ timerId: timer.timer_id, dueAt: timer.due_at });
        timersByAttempt.set(timer.attempt_id, list);
      }
      return rows.map((row) => storedAttemptFromRow(row, timersByAttempt.get(row.id) ?? []));
    },

    async loadEntries(attemptId) {
      const rows = await db
        .selectFrom('attempt_event')
        .selectAll()
        .where('attempt_id', '=', attemptId)
        .orderBy('seq')
        .execute();
      return rows.map(journalEntryFromRow);
    },
  };
}
