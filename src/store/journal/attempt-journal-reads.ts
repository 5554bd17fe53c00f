import type { Kysely, Selectable } from 'kysely';
import type {
  AttemptJournal,
  JournalEntry,
  StoredAttempt,
  TimerDeadline,
} from '../../calls/ports.js';
import type { RetryPolicy } from '../../campaign/retry-policy.js';
import type { PersistedAttemptSnapshot } from '../../machines/attempt-step.js';
import type { AttemptFacts, AttemptInput } from '../../machines/attempt-types.js';
import type { AttemptEventTable, AttemptTable, Database } from '../schema.js';

/** The read half of the attempt journal: plain Kysely, the same on SQLite and PostgreSQL. */
export type AttemptJournalReads = Pick<
  AttemptJournal,
  'loadAttempt' | 'listOpenAttempts' | 'loadEntries'
>;

type AttemptRow = Selectable<AttemptTable> & {
  retry: string;
  input: string;
  recycled_attempts: number;
};

/**
 * The snapshot as stored: without `context.input`, which the attempt's `input` column
 * already holds. The snapshot is rewritten on every event, and the input is most of it.
 * `facts` is the context without its input (`factsOf`), which a step has made already.
 */
export function snapshotToColumn(snapshot: PersistedAttemptSnapshot, facts: AttemptFacts): string {
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
    uncountedAttempts: row.recycled_attempts,
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

export function journalEntryFromRow(row: Selectable<AttemptEventTable>): JournalEntry {
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
 * Creates the journal's reads over a migrated database. With `ownerNode`, the open
 * attempts listed are that node's only (several nodes on one PostgreSQL database: each
 * resumes what it runs, never another live node's calls); without, every open attempt.
 */
export function createAttemptJournalReads(
  db: Kysely<Database>,
  options: { ownerNode?: string } = {},
): AttemptJournalReads {
  const { ownerNode } = options;
  const selectAttempts = () =>
    db
      .selectFrom('attempt')
      .innerJoin('campaign', 'campaign.id', 'attempt.campaign_id')
      .innerJoin('attempt_input', 'attempt_input.attempt_id', 'attempt.id')
      .innerJoin('lead', 'lead.id', 'attempt.lead_id')
      .selectAll('attempt')
      .select(['campaign.retry', 'attempt_input.input', 'lead.recycled_attempts']);

  return {
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
        .$if(ownerNode !== undefined, (q) => q.where('attempt.owner_node', '=', ownerNode ?? ''))
        .orderBy('attempt.created_at')
        .orderBy('attempt.id')
        .execute();
      const timers = await db
        .selectFrom('attempt_timer')
        .innerJoin('attempt', 'attempt.id', 'attempt_timer.attempt_id')
        .select(['attempt_timer.attempt_id', 'timer_id', 'due_at'])
        .where('attempt.done', '=', 0)
        .$if(ownerNode !== undefined, (q) => q.where('attempt.owner_node', '=', ownerNode ?? ''))
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
