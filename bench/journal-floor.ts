/**
 * The floor under bench/attempt-engine.ts: the same SQL statements with the same
 * parameters, run by a bare better-sqlite3 loop in transactions of the same size, with
 * nothing else around them (no machine, no runner, no promises, no JSON at write time).
 *
 * The statements are captured, not rewritten: the real runner plays each attempt's
 * scenario against a journal that hands every claim and commit to the journal's own
 * writers (`writeNewAttempt`, `writeAttemptCommit`) over a recording `prepare`, which
 * notes each statement and its parameters instead of running it. The floor then runs
 * them on the same seeded database the engine would write, `concurrency` attempts at
 * once: one transaction per round, holding the next unit (a claim, or one event's
 * commit) of each live attempt, as the group commit does with that many attempts live.
 *
 * Left out: the answered-call row an answered attempt writes when it ends (it reads the
 * attempt's journal back, which the recording cannot answer), a few per cent of an
 * attempt's writes.
 *
 * `statements` narrows each event's unit to measure the floor under the journal itself:
 * `claims` runs none of an event's statements (the claims and COMMITs alone), `event` keeps only the INSERT of its journal row (the least a write-ahead journal needs
 * per event), `event-update` adds the attempt row's UPDATE, `all` (the default) keeps
 * every statement. Claims run whole in each, so that the three differ only per event.
 */
import { statSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import type { SqliteStatement } from 'kysely';
import { pino } from 'pino';
import { createAttemptRunner } from '../src/calls/attempt-runner.js';
import { type AttemptJournal, type StoredAttempt, systemClock } from '../src/calls/ports.js';
import { DEFAULT_RETRY_POLICY } from '../src/campaign/retry-policy.js';
import type { AttemptEvent } from '../src/machines/attempt-types.js';
import {
  COMMIT_SQL,
  CREATE_SQL,
  writeAttemptCommit,
  writeNewAttempt,
} from '../src/store/journal/attempt-journal.js';
import type { SynchronousMode } from '../src/store/sqlite/db.js';
import { benchAttempt, instantCallControl, type Script, scenarioOf } from './engine-scenarios.js';

/** One statement as the journal ran it: its SQL text, parameters, and whether it returns rows. */
type RecordedStatement = [sql: string, parameters: unknown[], reader: boolean];
/** The statements of one unit of the group commit: a claim, or one event's commit. */
type RecordedUnit = RecordedStatement[];

/**
 * A `prepare` that records instead of running. Its answers are what the real database
 * would give a claim of a fresh lead (first attempt, the bench campaign's retry policy)
 * and a commit that follows its attempt (one row changed); any other read finds nothing.
 */
function recordingPrepare(into: RecordedUnit[]): (sql: string) => SqliteStatement {
  return (sql) => {
    const unit = into[into.length - 1] as RecordedUnit;
    return {
      reader: false,
      all(parameters) {
        unit.push([sql, [...parameters], true]);
        if (sql === CREATE_SQL.claimLead) return [{ attempts: 1, recycled_attempts: 0 }];
        if (sql === CREATE_SQL.markOriginate)
          return [{ retry: JSON.stringify(DEFAULT_RETRY_POLICY) }];
        return [];
      },
      run(parameters) {
        unit.push([sql, [...parameters], false]);
        return { changes: 1, lastInsertRowid: 0 };
      },
      iterate() {
        throw new Error('the journal iterates no statement');
      },
    };
  };
}

/**
 * Plays `attempts` attempts of the engine benchmark through the real runner and
 * returns, per attempt, its units: the claim first, then one per event. Attempt n
 * plays `scriptOf(n)`: the engine benchmark's four scenarios in turn by default.
 */
export async function recordAttemptUnits(
  attempts: number,
  campaignId: string,
  scriptOf: (n: number) => Script = scenarioOf,
): Promise<RecordedUnit[][]> {
  const all: RecordedUnit[][] = [];
  let units: RecordedUnit[] = [];
  const journal: AttemptJournal = {
    async commit(commit) {
      units.push([]);
      writeAttemptCommit(recordingPrepare(units), commit);
    },
    loadAttempt: async () => undefined,
    listOpenAttempts: async () => [],
    loadEntries: async () => [],
  };
  const runner = createAttemptRunner({
    journal,
    callControl: instantCallControl,
    clock: systemClock,
    log: pino({ level: 'silent' }),
  });
  for (let n = 0; n < attempts; n += 1) {
    units = [[]];
    const attempt = benchAttempt(n, campaignId);
    const { input } = attempt;
    const created = writeNewAttempt(recordingPrepare(units), attempt);
    if (!created.ok) throw new Error(`recording lead-${n}: ${created.reason}`);
    const stored: StoredAttempt = created.attempt;
    await runner.start(stored);
    for (const event of scriptOf(n)(input)) {
      await runner.dispatch(input.attemptId, { ...event, at: Date.now() } as AttemptEvent);
    }
    if (runner.isLive(input.attemptId)) throw new Error(`attempt ${input.attemptId} did not end`);
    all.push(units);
  }
  await runner.settled();
  return all;
}

export interface FloorResult {
  events: number;
  seconds: number;
  /** With `timed`: seconds spent in each statement (by SQL text, and `commit`), summed. */
  statementSeconds?: Map<string, number>;
  /** With `walPages`: pages written to the WAL per COMMIT and per event, on average. */
  walPages?: { perCommit: number; perEvent: number };
}

/** Which of an event's statements the floor runs (see the top of this file). */
export type FloorStatements = 'claims' | 'event' | 'event-update' | 'all';

export interface FloorOptions {
  /** Wraps each unit in a savepoint, as the group commit did before units checked their conflicts up front. */
  savepoints?: boolean;
  statements?: FloorStatements;
  /** Times each statement on its own (slows the loop a little: for shares, not rates). */
  timed?: boolean;
  /**
   * Counts the pages each COMMIT appends to the WAL: what the sync writes, the same
   * whatever the load. Checkpoints are turned off for it, so the WAL keeps every frame
   * (about 0.25 MB per commit at 50 live) until the run ends.
   */
  walPages?: boolean;
}

/** The frames in the WAL of the database at `path` (its 32-byte header, then a 24-byte header per page). */
function walFrames(db: SQLite.Database, path: string): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  return (statSync(`${path}-wal`).size - 32) / (24 + pageSize);
}

function perCommitAndEvent(frames: number, commits: number, events: number) {
  return { perCommit: frames / commits, perEvent: frames / events };
}

/** Whether an event's statement `sql` runs under `statements`. */
function keeps(statements: FloorStatements, sql: string): boolean {
  if (statements === 'claims') return false;
  if (statements === 'all' || sql === COMMIT_SQL.insertEvent) return true;
  return (
    statements === 'event-update' && (sql === COMMIT_SQL.update || sql === COMMIT_SQL.updateFinal)
  );
}

/**
 * Runs the recorded units on the database at `path` (migrated and seeded with the
 * attempts' leads and campaign), `concurrency` attempts at once, one `BEGIN IMMEDIATE`
 * transaction per round (see `FloorOptions`).
 */
export function runJournalFloor(
  path: string,
  synchronous: SynchronousMode,
  recorded: RecordedUnit[][],
  concurrency: number,
  options: FloorOptions = {},
): FloorResult {
  const { savepoints = false, statements: kept = 'all', timed = false, walPages = false } = options;
  const db = new SQLite(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`synchronous = ${synchronous}`);
    if (walPages) {
      db.pragma('wal_autocheckpoint = 0');
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
    const statements = new Map<string, SQLite.Statement>();
    const statementOf = (sql: string) => {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    };
    // Prepared before the clock starts, so that the loop below only runs statements.
    const lanes = recorded.map((units) =>
      units.map((unit, n) =>
        unit
          // Unit 0 is the claim, run whole whatever `statements` says.
          .filter(([sql]) => n === 0 || keeps(kept, sql))
          .map(([sql, parameters, reader]) => ({
            statement: statementOf(sql),
            sql,
            parameters,
            reader,
          })),
      ),
    );
    const statementSeconds = new Map<string, number>();
    const addTime = (key: string, since: bigint) => {
      const seconds = Number(process.hrtime.bigint() - since) / 1e9;
      statementSeconds.set(key, (statementSeconds.get(key) ?? 0) + seconds);
    };
    const begin = db.prepare('begin immediate');
    const commit = db.prepare('commit');
    const savepoint = db.prepare('savepoint batched_unit');
    const release = db.prepare('release batched_unit');

    let events = 0;
    let commits = 0;
    let next = 0;
    const live: { units: (typeof lanes)[number]; at: number }[] = [];
    const started = process.hrtime.bigint();
    for (;;) {
      while (live.length < concurrency && next < lanes.length) {
        live.push({ units: lanes[next++] as (typeof lanes)[number], at: 0 });
      }
      if (live.length === 0) break;
      begin.run();
      for (const lane of live) {
        const unit = lane.units[lane.at++] ?? [];
        if (savepoints) savepoint.run();
        for (const { statement, sql, parameters, reader } of unit) {
          // No closure per statement: the untimed loop stays as bare as before.
          const t0 = timed ? process.hrtime.bigint() : 0n;
          if (reader) statement.all(parameters);
          else statement.run(parameters);
          if (timed) addTime(sql, t0);
        }
        if (savepoints) release.run();
        // Every unit after the claim is one journaled event.
        if (lane.at > 1) events += 1;
      }
      const t0 = timed ? process.hrtime.bigint() : 0n;
      commit.run();
      commits += 1;
      if (timed) addTime('commit', t0);
      for (let i = live.length - 1; i >= 0; i -= 1) {
        const lane = live[i];
        if (lane !== undefined && lane.at >= lane.units.length) live.splice(i, 1);
      }
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      events,
      seconds,
      ...(timed ? { statementSeconds } : {}),
      ...(walPages ? { walPages: perCommitAndEvent(walFrames(db, path), commits, events) } : {}),
    };
  } finally {
    db.close();
  }
}
