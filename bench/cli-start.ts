/**
 * Peak RSS of `dialstate` commands that do little, for several builds in turn in one run
 * (memory hardly depends on the machine's load, but the builds are measured side by side
 * all the same), next to the floor of an import, then what each package costs loaded as
 * Node loads it from node_modules and bundled:
 *
 *   npm run build   (and the baseline's in its checkout: `npm run build`; before the bundle, `npx tsc -p tsconfig.build.json`)
 *   npm run bench:cli-start -- --variants base=/path/to/old/dist/src/cli.js,new=dist/src/cli.js [--rounds 3]
 *
 * Each figure is the least of `--rounds` runs (getrusage's peak RSS of a fresh process).
 * The floor is a process that opens the database with better-sqlite3, runs one query, and
 * nothing else; next to it the same with ICU's locale data loaded by a date and a number
 * format (~8 MB), which an import needed until it checked zones against Intl's list of
 * names and wrote its counts without Intl (ADR 045). Then, per
 * build, where a two-row import's memory goes: the floor with the young generation kept
 * small as the command keeps it (and V8's optimizing compiler held back, for a build that
 * does so, ADR 045), then with the settings loaded, then with the import command's
 * modules loaded too (not run); the import itself is the line above.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { benchCampaign } from './bench-fixtures.js';

const CAMPAIGN_ID = '6f1c2a4e-8d3b-4c7a-9e21-0b5f3d7c9a11';
const ROOT = path.resolve(import.meta.dirname, '..');
const PEAK_HOOK = path.join(ROOT, 'test/support/report-peak-rss.mjs');

const { values } = parseArgs({
  options: {
    variants: { type: 'string', default: `new=${path.join(ROOT, 'dist/src/cli.js')}` },
    rounds: { type: 'string', default: '3' },
  },
});
const rounds = Number(values.rounds);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const work = mkdtempSync(path.join(os.tmpdir(), 'dialstate-cli-start-'));

/** Peak RSS (MB) of `node <args>` run in `cwd`. */
function peak(args: string[], cwd: string = ROOT): number {
  const report = path.join(work, 'peak.txt');
  execFileSync(process.execPath, ['--import', PEAK_HOOK, ...args], {
    cwd,
    env: { ...process.env, DIALSTATE_PEAK_RSS_FILE: report, DIALSTATE_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  return Number(readFileSync(report, 'utf8')) / 1024;
}

/** The least and the greatest of the rounds, e.g. `75.3` or `75.3–76.1`. */
function span(figures: number[]): string {
  const low = Math.min(...figures).toFixed(1);
  const high = Math.max(...figures).toFixed(1);
  return low === high ? low : `${low}–${high}`;
}

// A migrated database holding the campaign, copied afresh for every import.
const seeded = path.join(work, 'seeded.db');
const setup = openDatabase({ path: seeded });
await migrateToLatest(setup.db);
await createCampaignRepository(setup.db).insert({ ...benchCampaign(), id: CAMPAIGN_ID });
await setup.close();
const leads = path.join(work, 'two.csv');
writeFileSync(leads, 'phone,name\n+1 415 555 0101,Ada\n+1 212 555 0102,Grace\n');
const freshDb = (): string => {
  const file = path.join(work, 'run.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  copyFileSync(seeded, file);
  return file;
};

const COMMANDS: { name: string; args: () => string[] }[] = [
  { name: '--help', args: () => ['--help'] },
  { name: 'import --sample', args: () => ['import', '--sample'] },
  {
    name: 'import <campaign> <2-row file>',
    args: () => ['import', CAMPAIGN_ID, leads, '--db', freshDb()],
  },
  {
    name: 'migrate (fresh file)',
    args: () => ['migrate', '--db', path.join(mkdtempSync(path.join(work, 'm-')), 'd.db')],
  },
];
const FLOOR = `const { default: SQLite } = await import('better-sqlite3');
const db = new SQLite(process.argv[1]);
db.pragma('journal_mode = WAL');
db.prepare('select count(*) from lead').get();
db.close();`;
/** ICU's locale data, as the first date or number format of a process loads it. */
const ICU_FORMATS = `new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York' }).format(0);
(1234).toLocaleString('en-US');`;

const variants = values.variants.split(',').map((spec) => {
  const [name, cli] = spec.split('=');
  if (!name || !cli) throw new Error(`--variants takes name=path/to/cli.js, not "${spec}"`);
  return { name, cli: path.resolve(cli) };
});

console.log(
  `dialstate start-up, node ${process.version}, ${os.cpus().length} cores; load ${loadavg()}`,
);
const figures = new Map<string, number[]>();
const record = (key: string, mb: number) => figures.set(key, [...(figures.get(key) ?? []), mb]);
for (let round = 0; round < rounds; round += 1) {
  record('node -e ""', peak(['-e', '']));
  record('floor of an import', peak(['--input-type=module', '-e', FLOOR, freshDb()]));
  record(
    "floor + ICU's formats",
    peak(['--input-type=module', '-e', `${FLOOR}\n${ICU_FORMATS}`, freshDb()]),
  );
  for (const command of COMMANDS) {
    for (const variant of variants) {
      record(`${variant.name}: ${command.name}`, peak([variant.cli, ...command.args()]));
    }
  }
}
for (const [key, mbs] of figures) console.log(`  ${key.padEnd(48)} ${span(mbs)} MB`);

/**
 * The floor, then each step of a two-row import up to its modules loaded, in one process
 * made of the build's own files (found by the names esbuild gives its entries); null for
 * a build without them (tsc's output, before the bundle of ADR 030).
 */
function stageScript(cli: string, stage: number, database: string): string | null {
  const dir = path.dirname(cli);
  const names = readdirSync(dir);
  const urls = [
    /^young-generation-\w+\.js$/,
    // Since ADR 045 an import holds V8's optimizing compiler back from its start.
    /^optimizing-compiler-\w+\.js$/,
    // The settings' entry: config-*.js before ADR 042, process-environment-*.js since.
    /^(?:config|process-environment)-[A-Z0-9]+\.js$/,
    /^import-command-\w+\.js$/,
  ].map((pattern) => {
    const name = names.find((entry) => pattern.test(entry));
    return name === undefined ? null : JSON.stringify(pathToFileURL(path.join(dir, name)).href);
  });
  const [youngGeneration, optimizingCompiler, settings, command] = urls;
  if (!youngGeneration || !settings || !command) return null;
  return [
    optimizingCompiler ? `(await import(${optimizingCompiler})).holdOptimizingCompiler();` : '',
    `(await import(${youngGeneration})).keepYoungGenerationSmall();`,
    FLOOR.replace('process.argv[1]', JSON.stringify(database)),
    stage >= 1
      ? `const settings = await import(${settings});
         globalThis.config = settings.loadProcessConfig({ overrides: { DIALSTATE_DB_PATH: ${JSON.stringify(database)} } });`
      : '',
    stage >= 2 ? `globalThis.command = await import(${command});` : '',
  ].join('\n');
}
const STAGES = [
  'floor, young generation kept small',
  '+ the settings loaded',
  "+ the import's modules loaded",
];
const stages = new Map<string, number[]>();
for (let round = 0; round < rounds; round += 1) {
  for (const variant of variants) {
    STAGES.forEach((name, stage) => {
      const script = stageScript(variant.cli, stage, freshDb());
      if (script === null) return;
      const key = `${variant.name}: ${name}`;
      stages.set(key, [...(stages.get(key) ?? []), peak(['--input-type=module', '-e', script])]);
    });
  }
}
console.log('a two-row import, step by step (the import itself is the line above):');
for (const [key, mbs] of stages) console.log(`  ${key.padEnd(48)} ${span(mbs)} MB`);

// What each package costs: imported after a first (empty) module, from node_modules as
// it is, then as one esbuild bundle of what the import names.
const PACKAGES: Record<string, string> = {
  zod: "import { z } from 'zod'; z.object({ a: z.string() }).parse({ a: '' });",
  'zod/mini': "import * as z from 'zod/mini'; z.object({ a: z.string() }).parse({ a: '' });",
  kysely:
    "import { Kysely, Migrator, SqliteDialect, sql } from 'kysely'; void [Kysely, Migrator, SqliteDialect, sql];",
  pg: "import pg from 'pg'; void pg.Pool;",
  yaml: "import { parse } from 'yaml'; parse('a: 1');",
  luxon: "import { DateTime, IANAZone } from 'luxon'; void [DateTime, IANAZone];",
  bson: "import { deserialize } from 'bson'; void deserialize;",
  'libphonenumber-js/min':
    "import { parsePhoneNumberWithError } from 'libphonenumber-js/min'; void parsePhoneNumberWithError;",
  'csv-parse': "import { parse } from 'csv-parse'; void parse;",
  xstate: "import { setup } from 'xstate'; void setup;",
};
const empty = path.join(work, 'empty.mjs');
writeFileSync(empty, 'export {};\n');
const costs = new Map<string, { loaded: number[]; bundled: number[] }>();
for (const [name, code] of Object.entries(PACKAGES)) {
  const source = path.join(ROOT, `bench/.cli-start-${name.replace(/\W/g, '_')}.mjs`);
  const bundled = path.join(work, `${name.replace(/\W/g, '_')}.bundle.mjs`);
  writeFileSync(source, code);
  try {
    await build({
      entryPoints: [source],
      outfile: bundled,
      bundle: true,
      format: 'esm',
      platform: 'node',
      external: ['pg-native'],
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      logLevel: 'error',
    });
    for (let round = 0; round < rounds; round += 1) {
      const run = (file: string) =>
        peak([
          '--input-type=module',
          '-e',
          `await import(${JSON.stringify(empty)}); await import(${JSON.stringify(file)});`,
        ]);
      const base = peak(['--input-type=module', '-e', `await import(${JSON.stringify(empty)});`]);
      const entry = costs.get(name) ?? { loaded: [], bundled: [] };
      entry.loaded.push(run(source) - base);
      entry.bundled.push(run(bundled) - base);
      costs.set(name, entry);
    }
  } finally {
    rmSync(source, { force: true });
  }
}
console.log('package cost (MB of peak RSS above a process that imported one empty module):');
console.log(
  `  ${'package'.padEnd(24)} ${'from node_modules'.padStart(18)} ${'bundled'.padStart(12)}`,
);
for (const [name, cost] of costs) {
  console.log(
    `  ${name.padEnd(24)} ${span(cost.loaded).padStart(18)} ${span(cost.bundled).padStart(12)}`,
  );
}
console.log(`load ${loadavg()}`);
rmSync(work, { recursive: true, force: true });
