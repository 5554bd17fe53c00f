import { type Kysely, type Selectable, sql } from 'kysely';
import type { AttemptListReader, AttemptSummary } from '../control/attempt-reads.js';
import type { AttemptOutcome } from '../machines/attempt-types.js';
import type { AttemptTable, Database } from './schema.js';

/** The attempt columns a summary is made of, for selecting them under another table's join. */
export const ATTEMPT_SUMMARY_COLUMNS = [
  'id',
  'campaign_id',
  'lead_id',
  'attempt_number',
  'machine_version',
  'state',
  'done',
  'outcome',
  'error',
  'created_at',
  'started_at',
  'answered_at',
  'handed_off_at',
  'ended_at',
  'dial_status',
  'hangup_cause',
  'far_end_cause',
  'amd_status',
  'amd_cause',
  'digits',
] as const satisfies readonly (keyof AttemptTable)[];

export type AttemptSummaryRow = Pick<
  Selectable<AttemptTable>,
  (typeof ATTEMPT_SUMMARY_COLUMNS)[number]
>;

/** Maps the summary columns of an `attempt` row to an `AttemptSummary`. */
export function attemptSummaryFromRow(row: AttemptSummaryRow): AttemptSummary {
  const ended = row.ended_at;
  return {
    id: row.id,
    campaignId: row.campaign_id,
    leadId: row.lead_id,
    attemptNumber: row.attempt_number,
    machineVersion: row.machine_version,
    state: row.state,
    live: row.done === 0,
    outcome: row.outcome as AttemptOutcome | null,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    answeredAt: row.answered_at,
    handedOffAt: row.handed_off_at,
    endedAt: ended,
    durationMs: ended === null ? null : ended - (row.started_at ?? row.created_at),
    talkMs: ended === null || row.handed_off_at === null ? null : ended - row.handed_off_at,
    dialStatus: row.dial_status,
    hangupCause: row.hangup_cause,
    farEndCause: row.far_end_cause,
    amdStatus: row.amd_status,
    amdCause: row.amd_cause,
    digits: row.digits,
  };
}

/** Creates the attempt reader over a migrated database. */
export function createAttemptListReader(db: Kysely<Database>): AttemptListReader {
  const base = () =>
    db
      .selectFrom('attempt')
      .innerJoin('lead', 'lead.id', 'attempt.lead_id')
      .select(ATTEMPT_SUMMARY_COLUMNS.map((column) => `attempt.${column}` as const))
      .select(['lead.phone', 'lead.name as lead_name'])
      .select(sql<number>`attempt.rowid`.as('rowid'));
  const fromRow = (row: AttemptSummaryRow & { phone: string; lead_name: string | null }) => ({
    ...attemptSummaryFromRow(row),
    phone: row.phone,
    leadName: row.lead_name,
  });

  return {
    async get(attemptId) {
      const row = await base().where('attempt.id', '=', attemptId).executeTakeFirst();
      return row && fromRow(row);
    },

    async pageByCampaign(campaignId, { limit, after, order = 'newest' }) {
      const direction = order === 'newest' ? 'desc' : 'asc';
      let query = base().where('attempt.campaign_id', '=', campaignId);
      if (after !== undefined) {
        // A row value comparison: SQLite seeks the index to the cursor instead of
        // walking every attempt before it.
        const comparison = order === 'newest' ? sql`<` : sql`>`;
        query = query.where(
          sql<boolean>`(attempt.created_at, attempt.rowid) ${comparison} (${after.createdAt}, ${after.rowid})`,
        );
      }
      const rows = await query
        .orderBy('attempt.created_at', direction)
        .orderBy(sql`attempt.rowid`, direction)
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        attempts: page.map(fromRow),
        next:
          rows.length > limit && last !== undefined
            ? { createdAt: last.created_at, rowid: last.rowid }
            : null,
      };
    },

    async listByLead(leadId) {
      const rows = await base()
        .where('attempt.lead_id', '=', leadId)
        .orderBy('attempt.created_at', 'desc')
        .orderBy(sql`attempt.rowid`, 'desc')
        .execute();
      return rows.map(fromRow);
    },
  };
}
