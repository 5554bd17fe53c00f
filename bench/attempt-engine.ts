/**
 * Attempt engine throughput: journaled events per second through the real runner and
 * the real SQLite journal (file, WAL), under synchronous=NORMAL and FULL.
 *
 *   npm run bench:attempt-engine -- [--attempts 10000] [--light 1000]
 *     [--synchronous NORMAL,FULL] [--schema latest,before-trim] [--rounds 1]
 *     [--variant engine,baseline,floor,floor-savepoints,floor-claims,floor-event,floor-event-update]
 *     [--baseline <checkout dir>] [--statement-times] [--wal-pages]
 *     [--store sqlite,postgres [--postgres-url postgres://…]] [--connection product,before]
 *
 * `--schema` runs each load on each schema in turn (see bench-fixtures.ts `BenchSchema`),
 * `--rounds` times, so that what a migration changed is a ratio within one run.
 * `--variant floor` runs the same load's SQL statements alone in a bare better-sqlite3
 * loop (bench/journal-floor.ts), in turn with the engine, so that the distance to what
 * SQLite itself takes is a ratio within one run too; `floor-savepoints` adds a savepoint
 * around each unit, as the group commit once did; `floor-claims` runs the claims alone
 * (each event's unit empty, its COMMIT kept); `floor-event` keeps only each event's
 * INSERT into the journal (the least a write-ahead journal writes per event) and
 * `floor-event-update` adds the attempt row's UPDATE, so that what each statement costs
 * on this disk is a ratio within one run too. `--statement-times` times each statement of
 * the floor variants on its own and prints each one's share of the loop (and the COMMIT's,
 * its sync); `--wal-pages` counts the pages each of their COMMITs writes to the WAL (with
 * checkpoints off), a figure the machine's load does not change. `--variant baseline`
 * runs the engine of
 * another checkout (`--baseline`, see engine-kit.ts), in turn with this one.
 *
 * Every attempt follows one of four recorded-shape scenarios (consent + hand-off,
 * voicemail drop, busy, no answer) and is claimed from a pending lead first, as the
 * scheduler does. Two loads per durability setting:
 * - heavy: 50 attempts live at once, events sent as fast as the engine takes them
 *   (throughput; per-event latency then includes waiting for the shared commit);
 * - light: one attempt at a time (the latency of a single event on an idle engine).
 * Latency is measured per event, from dispatch until its commit. Call control answers
 * at once: this measures the engine, not Asterisk.
 *
 * `--connection` runs each SQLite load once per setting of the connection, in turn (see
 * CONNECTION_VARIANTS in bench-fixtures.ts; `before`: the WAL checkpointed inside the
 * commit that fills it, statement journals in temp files), so that what the checkpoint
 * thread changed is a ratio within one run; "largest WAL MB" is the WAL file's size at
 * the end of the run (it is written over in place, so its largest).
 *
 * `--store sqlite,postgres` runs each load on PostgreSQL too, right after SQLite's (a
 * fresh database each, on a throwaway cluster this process starts or the server at
 * `--postgres-url`; see bench-postgres.ts): this checkout's engine over the PostgreSQL
 * journal and its group commit, as one node runs it. PostgreSQL keeps its defaults
 * (fsync on, synchronous_commit on), the pair of SQLite's FULL: it runs in the FULL
 * rounds only, on the latest schema, as the `engine` variant. Its "file B/attempt" is
 * `pg_database_size` (the empty migrated database's size included).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Kysely, sql } from 'kysely';
import { pino } from 'pino';
import type { AttemptJournal } from '../src/calls/ports.js';
import { systemClock } from '../src/calls/ports.js';
import type { AttemptEvent } from '../src/machines/attempt-types.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { createLeadRepository, type LeadRepository } from '../src/store/leads.js';
import { openPostgres } from '../src/store/postgres/open-postgres.js';
import {
  createPostgresAttemptJournal,
  type PostgresAttemptJournal,
} from '../src/store/postgres/postgres-attempt-journal.js';
import type { Database } from '../src/store/schema.js';
import type { OpenDatabaseOptions, SynchronousMode } from '../src/store/sqlite/db.js';
import {
  type BenchSchema,
  benchCampaign,
  benchLead,
  benchSchemas,
  connectionVariants,
  migrateBenchSchema,
} from './bench-fixtures.js';
import {
  BENCH_POOL_SIZE,
  type BenchPostgres,
  type BenchStore,
  benchStores,
  postgresDatabaseBytes,
  startBenchPostgres,
} from './bench-postgres.js';
import { type EngineKit, loadEngineKit } from './engine-kit.js';
import { benchAttempt, benchPhone, instantCallControl, scenarioOf } from './engine-scenarios.js';
import {
  type FloorOptions,
  type FloorResult,
  recordAttemptUnits,
  runJournalFloor,
} from './journal-floor.js';

/**
 * What runs the load: the engine, an earlier engine (`--baseline <dir>`, engine-kit.ts),
 * or the floor under this one (bench/journal-floor.ts: its statements alone, with or
 * without a savepoint around each unit).
 */
type Variant =
  | 'engine'
  | 'baseline'
  | 'floor'
  | 'floor-savepoints'
  | 'floor-claims'
  | 'floor-event'
  | 'floor-event-update';
const VARIANTS: readonly Variant[] = [
  'engine',
  'baseline',
  'floor',
  'floor-savepoints',
  'floor-claims',
  'floor-event',
  'floor-event-update',
];

/** The bare loop's options for a floor variant. */
const FLOOR_OPTIONS: Partial<Record<Variant, FloorOptions>> = {
  floor: {},
  'floor-savepoints': { savepoints: true },
  'floor-claims': { statements: 'claims' },
  'floor-event': { statements: 'event' },
  'floor-event-update': { statements: 'event-update' },
};

interface Result {
  store: BenchStore;
  variant: Variant;
  connection: string;
  schema: BenchSchema;
  synchronous: SynchronousMode;
  concurrency: number;
  attempts: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  journalBytesPerAttempt: number;
  fileBytesPerAttempt: number;
  walMegabytes: number | null;
  /** A timed floor's seconds per statement (`--statement-times`). */
  statementSeconds?: Map<string, number>;
  /** A floor's WAL pages per COMMIT and per event (`--wal-pages`). */
  walPages?: FloorResult['walPages'];
}

/** One pending lead per attempt, as the claims find them. */
async function insertBenchLeads(
  leads: Pick<LeadRepository, 'insert'>,
  campaignId: string,
  attempts: number,
): Promise<void> {
  const BATCH = 5000;
  for (let i = 0; i < attempts; i += BATCH) {
    const count = Math.min(BATCH, attempts - i);
    await leads.insert(
      Array.from({ length: count }, (_, j) =>
        benchLead(`lead-${i + j}`, campaignId, benchPhone(i + j), i + j),
      ),
    );
  }
}

/** The journal's bytes: the text of every event row (either dialect), plus 16 a row. */
async function journalBytes(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ bytes: number }>`
    select sum(length(payload) + length(commands) + length(timers) + length(state) + length(type) + 16) as bytes
    from attempt_event`.execute(db);
  return rows[0]?.bytes ?? 0;
}

/** A run's figures from what it measured and the sizes it left. */
function figures(
  measured: { events: number; seconds: number; latencies: number[] },
  attempts: number,
  journal: number,
  file: number,
): Pick<
  Result,
  | 'attempts'
  | 'events'
  | 'seconds'
  | 'eventsPerSecond'
  | 'p50Ms'
  | 'p99Ms'
  | 'journalBytesPerAttempt'
  | 'fileBytesPerAttempt'
> {
  const sorted = measured.latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return {
    attempts,
    events: measured.events,
    seconds: round(measured.seconds),
    eventsPerSecond: Math.round(measured.events / measured.seconds),
    p50Ms: round(pct(0.5)),
    p99Ms: round(pct(0.99)),
    journalBytesPerAttempt: Math.round(journal / attempts),
    fileBytesPerAttempt: Math.round(file / attempts),
  };
}

async function run(
  variant: Variant,
  connection: { name: string; options: Partial<OpenDatabaseOptions> },
  schema: BenchSchema,
  synchronous: SynchronousMode,
  attempts: number,
  concurrency: number,
): Promise<Result> {
  const kit = variant === 'baseline' ? await baselineKit() : await thisKit;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-bench-'));
  const dbPath = path.join(dir, 'bench.db');
  // The checkpoint thread from the start (a server's once its WAL has grown): the steady state.
  let store = kit.openDatabase({
    path: dbPath,
    synchronous,
    ...connection.options,
    checkpointThresholds: { startFrames: 0 },
  });
  // A baseline runs its own migrations; `before-trim` is this checkout's down-migration.
  if (schema === 'latest') await kit.migrateToLatest(store.db);
  else await migrateBenchSchema(store.db, schema);
  const campaign = benchCampaign();
  await kit.createCampaignRepository(store.db).insert(campaign);
  await insertBenchLeads(kit.createLeadRepository(store.db), campaign.id, attempts);

  let measured: { events: number; seconds: number; latencies: number[] };
  let statementSeconds: Map<string, number> | undefined;
  let walPages: FloorResult['walPages'];
  if (variant === 'engine' || variant === 'baseline') {
    // The thread takes a moment to start (longer under tsx): measured once it runs.
    if (connection.options.checkpoints === 'background' && variant === 'engine') {
      while (store.checkpoints() !== 'background') {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    measured = await runEngine(
      kit,
      kit.createAttemptJournal(store),
      campaign.id,
      attempts,
      concurrency,
    );
  } else {
    await store.close();
    const recorded = await recordAttemptUnits(attempts, campaign.id);
    const floor = runJournalFloor(dbPath, synchronous, recorded, concurrency, {
      ...FLOOR_OPTIONS[variant],
      timed: values['statement-times'] === true,
      walPages: values['wal-pages'] === true,
    });
    statementSeconds = floor.statementSeconds;
    walPages = floor.walPages;
    measured = { ...floor, latencies: [] };
    store = kit.openDatabase({ path: dbPath, synchronous });
  }

  const bytes = await journalBytes(store.db);
  const walBytes = statSync(`${dbPath}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
  await store.close();
  const fileBytes = statSync(dbPath).size;
  rmSync(dir, { recursive: true, force: true });
  return {
    store: 'sqlite',
    variant,
    connection: connection.name,
    schema,
    synchronous,
    concurrency,
    ...figures(measured, attempts, bytes, fileBytes),
    walMegabytes: Math.round(walBytes / 1e5) / 10,
    ...(statementSeconds === undefined ? {} : { statementSeconds }),
    ...(walPages === undefined ? {} : { walPages }),
  };
}

/** Claims and plays `attempts` attempts through the real runner, `concurrency` at once. */
async function runEngine(
  kit: EngineKit,
  journal: AttemptJournal & Pick<PostgresAttemptJournal, 'createAttempt'>,
  campaignId: string,
  attempts: number,
  concurrency: number,
): Promise<{ events: number; seconds: number; latencies: number[] }> {
  const runner = kit.createAttemptRunner({
    journal,
    callControl: instantCallControl,
    clock: systemClock,
    log: pino({ level: 'silent' }),
  });
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();

  async function worker(): Promise<void> {
    for (;;) {
      const n = next++;
      if (n >= attempts) return;
      const attempt = benchAttempt(n, campaignId, kit);
      const { input } = attempt;
      const created = await journal.createAttempt(attempt);
      if (!created.ok) throw new Error(`could not claim lead-${n}`);
      let t0 = process.hrtime.bigint();
      await runner.start(created.attempt);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      for (const event of scenarioOf(n)(input)) {
        t0 = process.hrtime.bigint();
        await runner.dispatch(input.attemptId, { ...event, at: Date.now() } as AttemptEvent);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      if (runner.isLive(input.attemptId)) throw new Error(`attempt ${input.attemptId} did not end`);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await runner.settled();
  return { events: latencies.length, seconds, latencies };
}

/**
 * The same load through this checkout's engine over a fresh PostgreSQL database, as one
 * node (`bench-node`) runs it: its journal, group commit and claims' attempt rows.
 */
async function runPostgres(
  server: BenchPostgres,
  attempts: number,
  concurrency: number,
): Promise<Result> {
  const kit = await thisKit;
  const database = await server.newDatabase();
  const postgres = openPostgres({ url: database.url, maxConnections: BENCH_POOL_SIZE });
  try {
    const campaign = benchCampaign();
    await createCampaignRepository(postgres.db).insert(campaign);
    await insertBenchLeads(createLeadRepository(postgres.db), campaign.id, attempts);
    const journal = createPostgresAttemptJournal(postgres.db, 'bench-node');
    const measured = await runEngine(kit, journal, campaign.id, attempts, concurrency);
    const bytes = await journalBytes(postgres.db);
    const databaseBytes = await postgresDatabaseBytes(database.url);
    return {
      store: 'postgres',
      variant: 'engine',
      connection: '–',
      walMegabytes: null,
      schema: 'latest',
      synchronous: 'FULL',
      concurrency,
      ...figures(measured, attempts, bytes, databaseBytes),
    };
  } finally {
    await postgres.close();
    await database.drop();
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

const { values } = parseArgs({
  options: {
    attempts: { type: 'string', default: '10000' },
    light: { type: 'string', default: '1000' },
    synchronous: { type: 'string', default: 'NORMAL,FULL' },
    schema: { type: 'string', default: 'latest' },
    rounds: { type: 'string', default: '1' },
    variant: { type: 'string', default: 'engine' },
    baseline: { type: 'string' },
    store: { type: 'string', default: 'sqlite' },
    'postgres-url': { type: 'string' },
    connection: { type: 'string', default: 'product' },
    'statement-times': { type: 'boolean', default: false },
    'wal-pages': { type: 'boolean', default: false },
  },
});
const connections = connectionVariants(values.connection ?? '');
const stores = benchStores(values.store ?? '');
const postgresServer = stores.includes('postgres')
  ? await startBenchPostgres(values['postgres-url'])
  : null;
const modes = (values.synchronous ?? '').split(',').map((mode) => {
  if (mode !== 'NORMAL' && mode !== 'FULL') throw new Error(`not a synchronous mode: ${mode}`);
  return mode;
});
const schemas = benchSchemas(values.schema ?? '');
const variants = (values.variant ?? '').split(',').map((name) => {
  const variant = VARIANTS.find((known) => known === name);
  if (variant === undefined) throw new Error(`--variant takes ${VARIANTS.join(', ')}, not ${name}`);
  return variant;
});
const thisKit = loadEngineKit();
let baseline: Promise<EngineKit> | undefined;
function baselineKit(): Promise<EngineKit> {
  const dir = values.baseline;
  if (dir === undefined) throw new Error('--variant baseline needs --baseline <checkout dir>');
  baseline ??= loadEngineKit(path.resolve(dir));
  return baseline;
}
const loadBefore = os.loadavg().map((n) => n.toFixed(2));
const results: Result[] = [];
for (const mode of modes) {
  for (let round = 0; round < Number(values.rounds); round += 1) {
    for (const [attempts, live] of [
      [Number(values.attempts), 50],
      [Number(values.light), 1],
    ] as const) {
      for (const store of stores) {
        if (store === 'postgres') {
          // PostgreSQL's durability pairs with FULL; its schema has no down-migrations.
          if (postgresServer !== null && mode === 'FULL') {
            results.push(await runPostgres(postgresServer, attempts, live));
          }
          continue;
        }
        for (const schema of schemas) {
          for (const variant of variants) {
            for (const connection of connections) {
              results.push(await run(variant, connection, schema, mode, attempts, live));
            }
          }
        }
      }
    }
  }
}
await postgresServer?.close();
console.log(
  `attempt engine, node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, ` +
    `load average ${loadBefore.join(' ')} before, ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(
        ' ',
      )} after${postgresServer === null ? '' : `, PostgreSQL: ${postgresServer.description}`}`,
);
console.log(
  '| store | variant | connection | schema | synchronous | live at once | attempts | events | seconds | events/s | p50 ms | p99 ms | journal B/attempt | file B/attempt | largest WAL MB |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.store} | ${r.variant} | ${r.connection} | ${r.schema} | ${r.store === 'postgres' ? 'on (fsync on)' : r.synchronous} | ${r.concurrency} | ${r.attempts} | ${r.events} | ${r.seconds} | ${r.eventsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.journalBytesPerAttempt} | ${r.fileBytesPerAttempt} | ${r.walMegabytes ?? '–'} |`,
  );
}
// Each connection setting beside the first one's run just before it (same load, same round).
const [firstConnection] = connections;
for (const [n, r] of results.entries()) {
  if (r.store !== 'sqlite' || firstConnection === undefined) continue;
  if (r.connection === firstConnection.name) continue;
  const base = results
    .slice(0, n)
    .findLast(
      (other) =>
        other.store === 'sqlite' &&
        other.connection === firstConnection.name &&
        other.variant === r.variant &&
        other.schema === r.schema &&
        other.synchronous === r.synchronous &&
        other.concurrency === r.concurrency,
    );
  if (base === undefined) continue;
  console.log(
    `${r.synchronous}, ${r.concurrency} live, ${r.variant}: ${r.connection} ÷ ${base.connection} events/s ${(r.eventsPerSecond / base.eventsPerSecond).toFixed(2)}, p50 ${(r.p50Ms / base.p50Ms).toFixed(2)}, p99 ${(r.p99Ms / base.p99Ms).toFixed(2)}`,
  );
}
// A floor's WAL pages per COMMIT.
for (const r of results) {
  if (r.walPages === undefined) continue;
  console.log(
    `${r.synchronous}, ${r.concurrency} live, ${r.variant}: ${r.walPages.perCommit.toFixed(1)} WAL pages per COMMIT, ${r.walPages.perEvent.toFixed(2)} per event`,
  );
}
// A timed floor's statements, each as a share of its run's seconds and per event.
for (const r of results) {
  if (r.statementSeconds === undefined) continue;
  console.log(`\n${r.synchronous}, ${r.concurrency} live, ${r.variant}: time by statement`);
  console.log('| statement | share of run | µs per event |');
  console.log('|---|---|---|');
  const sorted = [...r.statementSeconds].sort(([, a], [, b]) => b - a);
  for (const [statement, seconds] of sorted) {
    const text = statement.replace(/\s+/g, ' ').slice(0, 60);
    console.log(
      `| ${text} | ${((100 * seconds) / r.seconds).toFixed(1)} % | ${((1e6 * seconds) / r.events).toFixed(1)} |`,
    );
  }
}
// Each PostgreSQL run beside the SQLite engine run before it (same load, same round).
const roundOf = new Map<number, number>();
for (const [n, r] of results.entries()) {
  if (r.store !== 'postgres') continue;
  const round = (roundOf.get(r.concurrency) ?? 0) + 1;
  roundOf.set(r.concurrency, round);
  const sqlite = results
    .slice(0, n)
    .findLast(
      (other) =>
        other.store === 'sqlite' &&
        other.variant === 'engine' &&
        other.synchronous === 'FULL' &&
        other.schema === 'latest' &&
        other.concurrency === r.concurrency,
    );
  if (sqlite === undefined) continue;
  console.log(
    `run ${round}, ${r.concurrency} live: PostgreSQL ÷ SQLite events/s ${(r.eventsPerSecond / sqlite.eventsPerSecond).toFixed(2)}, p50 ${(r.p50Ms / sqlite.p50Ms).toFixed(2)}, p99 ${(r.p99Ms / sqlite.p99Ms).toFixed(2)}`,
  );
}
