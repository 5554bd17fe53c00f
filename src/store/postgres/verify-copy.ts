import { type Kysely, sql } from 'kysely';
import { ReplayMismatchError, replayAttempt } from '../../machines/attempt-replay.js';
import { UnsupportedMachineVersionError } from '../../machines/attempt-step.js';
import type { AttemptInput } from '../../machines/attempt-types.js';
import { journalEntryFromRow } from '../journal/attempt-journal-reads.js';
import type { Database } from '../schema.js';
import { COPIED_TABLES, countRows } from './copy-from-sqlite.js';

/** What checking a copy found. */
export interface CopyVerification {
  /** Rows per table on each side. */
  tables: { table: string; source: number; target: number }[];
  /** Counter tables whose rows differ between the two. */
  counters: string[];
  /** How many ended attempts were replayed from the target. */
  replayed: number;
  /** Attempts that did not replay from the target to the source's final state and outcome. */
  replayFailures: { attemptId: string; reason: string }[];
  ok: boolean;
}

const COUNTERS = COPIED_TABLES.filter((table) => table.name.startsWith('campaign_')).filter(
  (table) => table.name !== 'campaign',
);

/** A counter table's rows, in key order, as comparable text. */
async function counterRows(db: Kysely<Database>, table: (typeof COUNTERS)[number]) {
  const keys = sql.join(table.key.map((column) => sql.ref(column)));
  const { rows } = await sql<Record<string, unknown>>`
    select ${keys}, n from ${sql.table(table.name)} order by ${keys}`.execute(db);
  return JSON.stringify(rows.map((row) => [...table.key.map((column) => row[column]), row.n]));
}

/** Replays attempt `attemptId` from the target; null when it ends as the source's did. */
async function replayFromTarget(
  source: Kysely<Database>,
  target: Kysely<Database>,
  attemptId: string,
): Promise<string | null> {
  const wanted = await source
    .selectFrom('attempt')
    .select(['state', 'outcome', 'seq', 'snapshot'])
    .where('id', '=', attemptId)
    .executeTakeFirst();
  const stored = await target
    .selectFrom('attempt')
    .innerJoin('attempt_input', 'attempt_input.attempt_id', 'attempt.id')
    .select(['machine_version', 'state', 'outcome', 'seq', 'snapshot', 'attempt_input.input'])
    .where('attempt.id', '=', attemptId)
    .executeTakeFirst();
  if (wanted === undefined || stored === undefined) return 'missing from the copy';
  for (const column of ['state', 'outcome', 'seq', 'snapshot'] as const) {
    if (stored[column] !== wanted[column]) return `${column} differs`;
  }
  const rows = await target
    .selectFrom('attempt_event')
    .selectAll()
    .where('attempt_id', '=', attemptId)
    .orderBy('seq')
    .execute();
  try {
    const { steps, snapshot } = replayAttempt({
      machineVersion: stored.machine_version,
      input: JSON.parse(stored.input) as AttemptInput,
      entries: rows.map(journalEntryFromRow),
    });
    if (rows.length !== stored.seq) return `${rows.length} journal rows for seq ${stored.seq}`;
    if (steps.at(-1)?.state !== stored.state) return 'replay ends in another state';
    if (snapshot.context.outcome !== stored.outcome) return 'replay ends with another outcome';
    return null;
  } catch (error) {
    if (error instanceof ReplayMismatchError || error instanceof UnsupportedMachineVersionError) {
      return error.message;
    }
    throw error;
  }
}

/**
 * Checks a copy (copy-from-sqlite.ts): the same number of rows in every table, the same
 * counters row for row, and a sample of up to `sample` ended attempts, picked at random,
 * replaying from the target's journal to the source's final state and outcome.
 */
export async function verifyCopy(deps: {
  source: Kysely<Database>;
  target: Kysely<Database>;
  sample?: number;
}): Promise<CopyVerification> {
  const { source, target, sample = 100 } = deps;
  const sourceCounts = await countRows(source);
  const targetCounts = new Map((await countRows(target)).map((row) => [row.table, row.rows]));
  const tables = sourceCounts.map(({ table, rows }) => ({
    table,
    source: rows,
    target: targetCounts.get(table) ?? 0,
  }));
  const counters: string[] = [];
  for (const table of COUNTERS) {
    if ((await counterRows(source, table)) !== (await counterRows(target, table))) {
      counters.push(table.name);
    }
  }
  const { rows: picked } = await sql<{ id: string }>`
    select id from attempt where done = 1 order by random() limit ${sample}`.execute(source);
  const replayFailures: CopyVerification['replayFailures'] = [];
  for (const { id } of picked) {
    const reason = await replayFromTarget(source, target, id);
    if (reason !== null) replayFailures.push({ attemptId: id, reason });
  }
  return {
    tables,
    counters,
    replayed: picked.length,
    replayFailures,
    ok:
      tables.every((table) => table.source === table.target) &&
      counters.length === 0 &&
      replayFailures.length === 0,
  };
}
