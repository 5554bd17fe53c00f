/**
 * The importer on its own, the way an operator runs it: `dialstate import <campaign>
 * <file> --json` in a process of its own on a fresh database (UUID campaign), timed with
 * `/usr/bin/time` (wall seconds, peak RSS). Several builds run in turn in the same
 * invocation, so that a speed-up is a ratio measured under the same load:
 *
 *   npm run build   (and the baseline's build: `npx tsc -p tsconfig.build.json` in its checkout)
 *   npx tsx bench/import-alone.ts --variants base=/path/to/old/dist/src/cli.js,new=dist/src/cli.js \
 *     [--rows 1000000] [--rounds 2] [--floor] [--store sqlite,postgres [--postgres-url postgres://…]]
 *     [--cpu-prof <folder>]
 *
 * A variant may add settings to its process's environment, to compare settings of one
 * build: `new-automatic=dist/src/cli.js+DIALSTATE_DB_CHECKPOINTS=automatic`. `+@server`
 * holds the database's server lock while that variant imports, as a running `dialstate
 * serve` would: the importer then merges in a server's 35 ms slices instead of the big
 * transactions it uses when it owns the file (ADR 035):
 * `new-beside-server=dist/src/cli.js+@server`.
 *
 * `--store sqlite,postgres` imports the file into a fresh PostgreSQL database too
 * (`DIALSTATE_DATABASE_URL`; a throwaway cluster this process starts with PostgreSQL's
 * durability defaults, or the server at `--postgres-url`: see bench-postgres.ts), right
 * after each SQLite import of the same build, and prints PostgreSQL ÷ SQLite per round.
 * Its CPU column is the importer's process only: the server's own work is not in it.
 *
 * `--floor` then measures what SQLite alone costs for the same rows, in a process of its
 * own (not on a busy event loop): the leads the last import stored, read back and
 * inserted raw into a fresh migrated database (same indexes, triggers and foreign keys),
 * 50,000 rows a transaction, in turn:
 * - `per-row`: one prepared INSERT a row, SQLite's default 2 MB page cache (the floor
 *   docs/BENCHMARKS.md gave before);
 * - `per-row-cache`: the same with a 64 MB page cache;
 * - `per-row-cache-memjournal`: and statement journals in memory (`temp_store = memory`):
 *   with the counters' trigger each row's INSERT keeps one, spilled to a temp file;
 * - `set-wise`: the rows staged in a temp table first (not timed), then one
 *   `INSERT … SELECT` per 50,000 rows, as the merge does but in big transactions, with
 *   the connection's own page cache (16 MB, as `dialstate import` runs);
 * - `set-wise-cache`: the same with a 64 MB page cache;
 * - `set-wise-35ms`: the floor under a server's constraint: the same statements in
 *   transactions of ~35 ms (`MERGE_SLICE_MS`), their chunks adapting to ~8 ms as the
 *   merge's do, own page cache — what the merge's slices cost at the least.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { acquireServerLock } from '../src/store/database-file/server-lock.js';
import { MERGE_SLICE_MS } from '../src/store/lead-import/lead-import-merge.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openPostgres } from '../src/store/postgres/open-postgres.js';
import { openDatabase, type Store } from '../src/store/sqlite/db.js';
import { benchCampaign } from './bench-fixtures.js';
import {
  type BenchPostgres,
  type BenchStore,
  benchStores,
  startBenchPostgres,
} from './bench-postgres.js';

const GENERATOR = '/work/shared/bench/gen_leads.py';
const CAMPAIGN_ID = '6f1c2a4e-8d3b-4c7a-9e21-0b5f3d7c9a11';
const FLOOR_BATCH = 50_000;
/** The page cache of the `-cache` floors (KiB): 64 MB instead of SQLite's 2 MB. */
const FLOOR_CACHE_KIB = 65_536;

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '1' },
    variants: { type: 'string', default: `new=${path.resolve('dist/src/cli.js')}` },
    floor: { type: 'boolean', default: false },
    generator: { type: 'string', default: GENERATOR },
    store: { type: 'string', default: 'sqlite' },
    'postgres-url': { type: 'string' },
    // A folder: each import is profiled (\`node --cpu-prof\`) into <folder>/<build>-<round>;
    // bench/import-profile.ts says where the time went.
    'cpu-prof': { type: 'string' },
    // Internal: the floor's own process.
    'floor-from': { type: 'string' },
  },
});

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).join(' ');

/** Where one import goes: a SQLite file in `dir`, or a fresh PostgreSQL database. */
interface ImportTarget {
  /** DIALSTATE_DATABASE_URL for the importer; null for SQLite's file in the data folder. */
  url: string | null;
  countLeads(): Promise<number>;
  drop(): Promise<void>;
}

/** A migrated database holding the benchmark's campaign, ready for the import. */
async function importTarget(
  store: BenchStore,
  dir: string,
  cli: string,
  server: BenchPostgres | null,
): Promise<ImportTarget> {
  if (store === 'sqlite') {
    const env = { ...process.env, DIALSTATE_DATA_DIR: dir, DIALSTATE_LOG_LEVEL: 'warn' };
    execFileSync(process.execPath, [cli, 'migrate'], { env, stdio: 'ignore' });
    const dbPath = path.join(dir, 'dialstate.db');
    const setup = openDatabase({ path: dbPath });
    await createCampaignRepository(setup.db).insert({ ...benchCampaign(), id: CAMPAIGN_ID });
    await setup.close();
    return {
      url: null,
      async countLeads() {
        const reader = openDatabase({ path: dbPath });
        const rows = reader.prepare('select count(*) as n from lead').all([]) as { n: number }[];
        await reader.close();
        return rows[0]?.n ?? 0;
      },
      drop: async () => {},
    };
  }
  if (server === null) throw new Error('--store postgres without a PostgreSQL server');
  const database = await server.newDatabase();
  const setup = openPostgres({ url: database.url, maxConnections: 1 });
  try {
    await createCampaignRepository(setup.db).insert({ ...benchCampaign(), id: CAMPAIGN_ID });
  } finally {
    await setup.close();
  }
  return {
    url: database.url,
    async countLeads() {
      const reader = openPostgres({ url: database.url, maxConnections: 1 });
      try {
        const row = await reader.db
          .selectFrom('lead')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirst();
        return Number(row?.n ?? 0);
      } finally {
        await reader.close();
      }
    },
    drop: () => database.drop(),
  };
}

async function compare(): Promise<void> {
  const variants = values.variants.split(',').map((spec) => {
    // name=path/to/cli.js, then settings of that run's environment: +KEY=value…
    const [head = '', ...options] = spec.split('+');
    const [name, cli] = head.split('=');
    if (!name || !cli) {
      throw new Error(`--variants takes name=path/to/cli.js[+SETTING=value…], not "${spec}"`);
    }
    const besideServer = options.includes('@server');
    const settings = options.filter((option) => option !== '@server');
    const env = Object.fromEntries(
      settings.map((setting) => {
        const at = setting.indexOf('=');
        if (at < 1) throw new Error(`--variants: "${setting}" is not SETTING=value`);
        return [setting.slice(0, at), setting.slice(at + 1)];
      }),
    );
    return { name, cli: path.resolve(cli), env, besideServer };
  });
  const work = mkdtempSync(path.join(os.tmpdir(), 'dialstate-import-alone-'));
  const file = path.join(work, 'leads.csv');
  execFileSync('python3', [values.generator, values.rows, file, '--seed', '7']);
  console.log(
    `importer alone, node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, ` +
      `${values.rows} rows, ${(statSync(file).size / 1e6).toFixed(1)} MB`,
  );
  console.log(
    '| round | build | loadavg before | wall s | CPU s (user + sys) | import s | longest merge slice ms | peak RSS MB | accepted / duplicates / rejected | leads |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  const stores = benchStores(values.store);
  const server = stores.includes('postgres')
    ? await startBenchPostgres(values['postgres-url'])
    : null;
  if (server !== null) console.log(`PostgreSQL: ${server.description}`);
  let lastDb: string | null = null;
  const walls = new Map<string, number[]>();
  const cpus = new Map<string, number[]>();
  const storeRatios: string[] = [];
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const variant of variants) {
      for (const store of stores) {
        const dir = path.join(work, `${variant.name}-${store}-${round}`);
        const target = await importTarget(store, dir, variant.cli, server);
        const env = {
          ...process.env,
          DIALSTATE_DATA_DIR: dir,
          DIALSTATE_LOG_LEVEL: 'warn',
          ...(target.url === null ? {} : { DIALSTATE_DATABASE_URL: target.url }),
          ...variant.env,
        };
        const name = store === 'sqlite' ? variant.name : `${variant.name} (${store})`;
        const before = loadavg();
        // Released once the import's process has ended (spawnSync waits for it).
        const serverLock =
          variant.besideServer && store === 'sqlite'
            ? acquireServerLock(path.join(dir, 'dialstate.db'))
            : null;
        const run = spawnSync(
          '/usr/bin/time',
          [
            '-f',
            'TIME %e %M %U %S',
            process.execPath,
            ...(values['cpu-prof'] === undefined
              ? []
              : [
                  '--cpu-prof',
                  '--cpu-prof-dir',
                  path.join(values['cpu-prof'], `${name}-${round}`),
                ]),
            variant.cli,
            'import',
            CAMPAIGN_ID,
            file,
            '--json',
          ],
          { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        );
        serverLock?.release();
        const timeLine = run.stderr.split('\n').find((line) => line.startsWith('TIME '));
        if (run.status !== 0 || timeLine === undefined) {
          throw new Error(`${variant.name} failed (${run.status}): ${run.stderr.slice(-2000)}`);
        }
        const [, wall, kib, user, system] = timeLine.split(' ');
        const cpu = Number(user) + Number(system);
        const report = JSON.parse(run.stdout) as {
          elapsedMs: number;
          mergeBlockedMs: number | null;
          counts: { accepted: number; duplicates: number; rejected: number };
        };
        const leads = await target.countLeads();
        walls.set(name, [...(walls.get(name) ?? []), Number(wall)]);
        cpus.set(name, [...(cpus.get(name) ?? []), cpu]);
        const { counts } = report;
        console.log(
          `| ${round} | ${name} | ${before} | ${Number(wall).toFixed(2)} | ${cpu.toFixed(2)} | ` +
            `${(report.elapsedMs / 1000).toFixed(2)} | ${report.mergeBlockedMs?.toFixed(0) ?? '–'} | ` +
            `${(Number(kib) / 1024).toFixed(0)} | ${counts.accepted} / ${counts.duplicates} / ${counts.rejected} | ${leads} |`,
        );
        if (store === 'postgres') {
          const sqliteWall = walls.get(variant.name)?.[round - 1];
          if (sqliteWall !== undefined) {
            storeRatios.push(
              `round ${round}, ${variant.name}: PostgreSQL ÷ SQLite wall ${(Number(wall) / sqliteWall).toFixed(2)}`,
            );
          }
        }
        await target.drop();
        // The last SQLite import's file stays for the floor (`--floor`).
        if (store === 'sqlite') {
          if (lastDb !== null) rmSync(path.dirname(lastDb), { recursive: true, force: true });
          lastDb = path.join(dir, 'dialstate.db');
        } else rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  for (const line of storeRatios) console.log(line);
  await server?.close();
  const [first, ...others] = variants;
  if (first !== undefined) {
    for (const other of others) {
      for (const [what, times] of [
        ['wall', walls],
        ['CPU', cpus],
      ] as const) {
        const ratios = (times.get(first.name) ?? []).map(
          (base, n) => base / (times.get(other.name)?.[n] ?? Number.NaN),
        );
        console.log(
          `${first.name} ÷ ${other.name} ${what}, per round: ${ratios.map((r) => r.toFixed(2)).join(', ')}`,
        );
      }
    }
  }
  console.log(`loadavg at end ${loadavg()}`);
  if (values.floor && lastDb !== null) {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--floor-from', lastDb],
      { stdio: 'inherit' },
    );
    if (child.status !== 0) throw new Error('the floor failed');
  }
  rmSync(work, { recursive: true, force: true });
}

/** Column list of the lead table, as the import stored the rows. */
const LEAD_COLUMNS = [
  'id',
  'campaign_id',
  'phone',
  'phone_zones',
  'name',
  'timezone',
  'caller_id',
  'custom_vars',
  'state',
  'last_error',
  'import_id',
  'import_seq',
  'created_at',
  'updated_at',
] as const;

async function floor(sourceDb: string): Promise<void> {
  const source = openDatabase({ path: sourceDb });
  const rows = (
    source
      .prepare(`select ${LEAD_COLUMNS.join(', ')} from lead order by import_seq`)
      .all([]) as Record<string, unknown>[]
  ).map((lead) => LEAD_COLUMNS.map((column) => lead[column]));
  const imports = source.prepare('select * from lead_import').all([]) as Record<string, unknown>[];
  await source.close();
  console.log(
    `floor: ${rows.length} leads as the import stored them, raw into a fresh database, ` +
      `${FLOOR_BATCH} rows a transaction, own process`,
  );
  console.log('| floor | loadavg before | wall s | CPU s (user + sys) | rows/s (wall) |');
  console.log('|---|---|---|---|---|');
  for (const variant of [
    'per-row',
    'per-row-cache',
    'per-row-cache-memjournal',
    'set-wise',
    'set-wise-cache',
    'set-wise-35ms',
  ] as const) {
    const dir = mkdtempSync(path.join(path.dirname(sourceDb), 'floor-'));
    const store = openDatabase({ path: path.join(dir, 'floor.db') });
    await migrateToLatest(store.db);
    await createCampaignRepository(store.db).insert({ ...benchCampaign(), id: CAMPAIGN_ID });
    const before = loadavg();
    const { seconds, cpu } = await store.db.connection().execute(async () => {
      for (const row of imports) {
        const columns = Object.keys(row);
        store
          .prepare(
            `insert into lead_import (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
          )
          .run(Object.values(row));
      }
      if (variant.endsWith('-cache') || variant === 'per-row-cache-memjournal')
        store.prepare(`pragma cache_size = -${FLOOR_CACHE_KIB}`).run([]);
      if (variant === 'per-row-cache-memjournal')
        store.prepare('pragma temp_store = memory').run([]);
      if (variant === 'set-wise-35ms') return setWise(store, rows, MERGE_SLICE_MS);
      return variant.startsWith('set-wise') ? setWise(store, rows) : perRow(store, rows);
    });
    console.log(
      `| ${variant} | ${before} | ${seconds.toFixed(2)} | ${((cpu.user + cpu.system) / 1e6).toFixed(2)} | ` +
        `${Math.round(rows.length / seconds)} |`,
    );
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const placeholders = LEAD_COLUMNS.map(() => '?').join(', ');

/** Wall and CPU seconds of the timed part of a floor. */
interface FloorTime {
  seconds: number;
  cpu: NodeJS.CpuUsage;
}

function timed(work: () => void): FloorTime {
  const began = performance.now();
  const cpu = process.cpuUsage();
  work();
  return { seconds: (performance.now() - began) / 1000, cpu: process.cpuUsage(cpu) };
}

function perRow(store: Store, rows: unknown[][]): FloorTime {
  const insert = store.prepare(
    `insert into lead (${LEAD_COLUMNS.join(', ')}) values (${placeholders})`,
  );
  return timed(() => {
    for (let i = 0; i < rows.length; i += FLOOR_BATCH) {
      store.prepare('begin').run([]);
      for (const row of rows.slice(i, i + FLOOR_BATCH)) insert.run(row);
      store.prepare('commit').run([]);
    }
  });
}

/** First rows per statement of the sliced floor, and the time each adapts to (ms), as the merge's. */
const SLICED_FIRST_CHUNK = 256;
const SLICED_CHUNK_MS = 8;

/**
 * The rows staged first (not timed), then moved with `INSERT … SELECT`: 50,000 rows a
 * transaction, or with `sliceMs` transactions of about that long, each of statements of
 * a chunk of rows that adapts to ~8 ms like the merge's.
 */
function setWise(store: Store, rows: unknown[][], sliceMs?: number): FloorTime {
  store.prepare('create temp table staged as select * from lead where 0').run([]);
  const stage = store.prepare(
    `insert into temp.staged (${LEAD_COLUMNS.join(', ')}) values (${placeholders})`,
  );
  store.prepare('begin').run([]);
  for (const row of rows) stage.run(row);
  store.prepare('commit').run([]);
  const move = store.prepare(
    `insert into lead (${LEAD_COLUMNS.join(', ')}) select ${LEAD_COLUMNS.join(', ')}
     from temp.staged where rowid between ? and ?`,
  );
  if (sliceMs === undefined) {
    return timed(() => {
      for (let i = 0; i < rows.length; i += FLOOR_BATCH) {
        store.prepare('begin').run([]);
        move.run([i + 1, i + FLOOR_BATCH]);
        store.prepare('commit').run([]);
      }
    });
  }
  return timed(() => {
    let next = 1;
    let chunk = SLICED_FIRST_CHUNK;
    while (next <= rows.length) {
      store.prepare('begin immediate').run([]);
      const until = performance.now() + sliceMs;
      while (next <= rows.length && performance.now() < until) {
        const began = performance.now();
        move.run([next, next + chunk - 1]);
        next += chunk;
        const took = performance.now() - began;
        if (took > SLICED_CHUNK_MS) chunk = Math.max(16, chunk >> 1);
        else if (took < SLICED_CHUNK_MS / 2) chunk = Math.min(4096, chunk * 2);
      }
      store.prepare('commit').run([]);
    }
  });
}

if (values['floor-from'] !== undefined) {
  await floor(values['floor-from']);
} else {
  await compare();
}
