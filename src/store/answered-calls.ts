import { type Kysely, sql } from 'kysely';
import {
  ABANDON_WINDOWS,
  type AbandonCounts,
  type AbandonWindow,
} from '../campaign/abandon-cap.js';
import type { AbandonDay, AbandonmentReader } from '../compliance/abandonment-reads.js';
import type { RecordedStep } from '../machines/attempt-replay.js';
import type { AttemptInput, AttemptOutcome } from '../machines/attempt-types.js';
import { deriveCallTiming } from '../machines/call-timing.js';
import type { Database } from './schema.js';
import type { Store } from './sqlite/db.js';

const DAY_MS = 24 * 3_600_000;

/** The statements of recording an answered call, prepared once per connection. */
export const RECORD_SQL = {
  inputOf: `select a.campaign_id as "campaignId", i.input as input
    from attempt a join attempt_input i on i.attempt_id = a.id where a.id = ?`,
  journalOf: `select seq, payload, state, commands from attempt_event
    where attempt_id = ? order by seq`,
  insert: `insert or replace into answered_call (attempt_id, campaign_id, ended_at, answered_at,
      greeting_ended_at, first_audio_at, connected_at, callee_left_at, our_side_failed)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
} as const;

/** What `RECORD_SQL.inputOf` and `RECORD_SQL.journalOf` read. */
export interface AnsweredCallSource {
  attempt: { campaignId: string; input: string };
  journal: { seq: number; payload: string; state: string; commands: string }[];
}

/**
 * The `answered_call` row of an attempt that just ended (the parameters of
 * `RECORD_SQL.insert`, in order), or null when no person answered it.
 */
export function answeredCallValues(
  attemptId: string,
  { attempt, journal }: AnsweredCallSource,
  outcome: AttemptOutcome | null,
): (string | number | null)[] | null {
  const input = JSON.parse(attempt.input) as AttemptInput;
  const entries: RecordedStep[] = journal.map((entry) => ({
    seq: entry.seq,
    event: JSON.parse(entry.payload),
    state: entry.state,
    commands: JSON.parse(entry.commands),
    timers: [],
  }));
  const timing = deriveCallTiming(input, entries, outcome);
  if (!timing.human || timing.greetingEndedAt === null || timing.endedAt === null) return null;
  return [
    attemptId,
    attempt.campaignId,
    timing.endedAt,
    timing.answeredAt,
    timing.greetingEndedAt,
    timing.firstAudioAt,
    timing.connectedAt,
    timing.calleeLeftAt,
    timing.ourSideFailed ? 1 : 0,
  ];
}

/**
 * Records the timing of an attempt that just ended, in the caller's transaction, when a
 * person answered it: read back from its journal (the entry of its end included), so
 * that the figures are the ones a replay of the journal gives. Only attempts that got
 * an AMD verdict can have been answered by a person; the others cost nothing.
 */
export function recordAnsweredCall(
  prepare: Store['prepare'],
  attemptId: string,
  outcome: AttemptOutcome | null,
): void {
  const [attempt] = prepare(RECORD_SQL.inputOf).all([attemptId]) as AnsweredCallSource['attempt'][];
  if (attempt === undefined) return;
  const journal = prepare(RECORD_SQL.journalOf).all([attemptId]) as AnsweredCallSource['journal'];
  const values = answeredCallValues(attemptId, { attempt, journal }, outcome);
  if (values !== null) prepare(RECORD_SQL.insert).run(values);
}

/**
 * Whether a row counts as abandoned, as `isAbandoned` (src/machines/call-timing.ts)
 * decides it: our side failed it, or the person was attended more than `thresholdMs`
 * after the greeting, or never, unless they left within that time.
 */
function abandonedExpr(thresholdMs: number) {
  // Every branch a number: PostgreSQL's comparisons are booleans, which it neither mixes
  // with numbers in a CASE nor sums.
  return sql<number>`case
    when our_side_failed = 1 then 1
    when first_audio_at is not null
      then case when first_audio_at - greeting_ended_at > ${thresholdMs} then 1 else 0 end
    when callee_left_at is not null and callee_left_at - greeting_ended_at <= ${thresholdMs} then 0
    else 1 end`;
}

/** Creates the reader; `thresholdMs` is how soon after the greeting a person must be attended. */
export function createAbandonmentReader(
  db: Kysely<Database>,
  thresholdMs: number,
): AbandonmentReader {
  const abandoned = abandonedExpr(thresholdMs);

  async function countsSince(campaignId: string, from: number, to: number) {
    const row = await db
      .selectFrom('answered_call')
      .select((eb) => [
        eb.fn.countAll<number>().as('answered'),
        eb.fn.coalesce(eb.fn.sum<number>(abandoned), eb.lit(0)).as('abandoned'),
      ])
      .where('campaign_id', '=', campaignId)
      .where('ended_at', '>', from)
      .where('ended_at', '<=', to)
      .executeTakeFirstOrThrow();
    return { answered: Number(row.answered), abandoned: Number(row.abandoned) };
  }

  async function windows(campaignId: string, at: number) {
    return {
      last24h: await countsSince(campaignId, at - ABANDON_WINDOWS.last24h, at),
      last30d: await countsSince(campaignId, at - ABANDON_WINDOWS.last30d, at),
    };
  }

  return {
    windows,
    async stats(campaignId, at) {
      const firstDay = Math.floor(at / DAY_MS) - 29;
      const rows = await db
        .selectFrom('answered_call')
        .select((eb) => [
          // Bound numbers are REAL in SQLite: the division is not an integer one by itself.
          sql<number>`cast(ended_at / ${DAY_MS} as integer)`.as('day'),
          eb.fn.countAll<number>().as('answered'),
          eb.fn.coalesce(eb.fn.sum<number>(abandoned), eb.lit(0)).as('abandoned'),
        ])
        .where('campaign_id', '=', campaignId)
        .where('ended_at', '>=', firstDay * DAY_MS)
        .where('ended_at', '<=', at)
        .groupBy('day')
        .execute();
      const byDay = new Map(rows.map((row) => [Number(row.day), row]));
      const daily: AbandonDay[] = [];
      for (let day = firstDay; day < firstDay + 30; day += 1) {
        const row = byDay.get(day);
        daily.push({
          day: new Date(day * DAY_MS).toISOString().slice(0, 10),
          answered: Number(row?.answered ?? 0),
          abandoned: Number(row?.abandoned ?? 0),
        });
      }
      return { ...(await windows(campaignId, at)), daily };
    },
    async allCampaigns(at) {
      const rows = await db
        .selectFrom('answered_call')
        .select((eb) => [
          'campaign_id',
          sql<number>`ended_at > ${at - ABANDON_WINDOWS.last24h}`.as('recent'),
          eb.fn.countAll<number>().as('answered'),
          eb.fn.coalesce(eb.fn.sum<number>(abandoned), eb.lit(0)).as('abandoned'),
        ])
        .where('ended_at', '>', at - ABANDON_WINDOWS.last30d)
        .where('ended_at', '<=', at)
        .groupBy(['campaign_id', 'recent'])
        .execute();
      const result = new Map<string, Record<AbandonWindow, AbandonCounts>>();
      for (const row of rows) {
        const entry = result.get(row.campaign_id) ?? {
          last24h: { answered: 0, abandoned: 0 },
          last30d: { answered: 0, abandoned: 0 },
        };
        const counts = { answered: Number(row.answered), abandoned: Number(row.abandoned) };
        entry.last30d.answered += counts.answered;
        entry.last30d.abandoned += counts.abandoned;
        if (Number(row.recent) === 1) entry.last24h = counts;
        result.set(row.campaign_id, entry);
      }
      return result;
    },
  };
}
