import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, modulesLoadedByUrl } from '../../scripts/bundle-cli.js';
import { createTempDir, seedDatabase, type TempDir } from '../support/store-fixtures.js';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const peakHook = path.join(repoRoot, 'test/support/report-peak-rss.mjs');
const heapHook = path.join(repoRoot, 'test/support/report-heap-spaces.mjs');
const intlHook = path.join(repoRoot, 'test/support/report-intl-formats.mjs');

/**
 * The most a two-row `dialstate import` may take above the floor (MB of peak RSS), the
 * floor being what any import needs whatever its code: Node itself and the SQLite driver
 * with the database open. 2026-12-06: 5.0–5.3 MB above it since the import builds no
 * Intl formatter (ICU's locale data, ~8 MB) and holds V8's optimizing compiler back for a
 * small file (~4.5 MB; ADR 045); 17.3–17.8 before, when the floor counted ICU's data as
 * well (8.7–9.5 above that one, after ADR 041). With every core kept busy the same
 * build measured ~2.6 MB more than on a quiet machine (V8's GC helper threads fall
 * behind and the heap grows further before it is collected). So the bound leaves room
 * for a loaded machine and fails for either of ADR 045's savings undone (each ~5–8 MB);
 * the tests below guard each of them directly, and the one that names what the import
 * must not load guards ADR 041's structure.
 */
const MAX_ABOVE_FLOOR_MB = 9;
/**
 * The most `dialstate migrate` of a fresh file may take above the same floor: 14.8–15.0
 * MB (2026-12-06; 4–5 MB above the floor that counted ICU's locale data, ADR 045);
 * 27 MB while it started the WAL checkpoint thread (ADR 036).
 */
const MIGRATE_MAX_ABOVE_FLOOR_MB = 18;

let dir: TempDir;
/** Where the bundle is, as in the package: it finds node_modules from there. */
let packageDir: string;
let cli: string;
/** esbuild's account of the commands' build (the second). */
let commands: Metafile;
let database: string;
let leads: string;
beforeAll(async () => {
  dir = createTempDir();
  // The bundle where the package has it (dist/src under a folder with package.json and
  // node_modules), built here from the sources under test.
  packageDir = path.join(dir.path, 'package');
  mkdirSync(packageDir);
  writeFileSync(path.join(packageDir, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(packageDir, 'node_modules'));
  [, commands] = (await bundleCli(path.join(packageDir, 'dist/src'))) as [Metafile, Metafile];
  cli = path.join(packageDir, 'dist/src/cli.js');
  await seedDatabase(dir, { campaigns: [{ id: 'spring' }] });
  database = path.join(dir.path, 'dialstate.db');
  leads = path.join(dir.path, 'leads.csv');
  writeFileSync(leads, 'phone,name\n+1 415 555 0101,Ada\n+1 212 555 0102,Grace\n');
}, 120_000);
afterAll(() => dir.remove());

/**
 * Peak RSS (MB) of `node <args>`, the least of `rounds` runs; the run's stdout and the
 * size of its heap's young generation at the end (MB) too. `args` is made anew for each
 * run (a fresh database file).
 */
async function peakRss(
  args: string[] | (() => string[]),
  rounds = 2,
): Promise<{ mb: number; stdout: string; youngMb: number }> {
  let best = { mb: Number.POSITIVE_INFINITY, stdout: '', youngMb: 0 };
  for (let round = 0; round < rounds; round += 1) {
    const report = path.join(dir.path, `peak-${round}.txt`);
    const spaces = path.join(dir.path, `spaces-${round}.json`);
    const hooks = ['--import', peakHook, '--import', heapHook];
    const { stdout } = await run(
      process.execPath,
      [...hooks, ...(typeof args === 'function' ? args() : args)],
      {
        cwd: packageDir,
        env: {
          ...process.env,
          DIALSTATE_PEAK_RSS_FILE: report,
          DIALSTATE_HEAP_SPACES_FILE: spaces,
        },
      },
    );
    const mb = Number(readFileSync(report, 'utf8')) / 1024;
    const young = (JSON.parse(readFileSync(spaces, 'utf8')) as Record<string, number>).new_space;
    if (mb < best.mb) best = { mb, stdout, youngMb: (young ?? 0) / 2 ** 20 };
  }
  return best;
}

/** A process that opens `database` with the driver, and does nothing else. */
function floorScript(database: string): string {
  return `
    const { default: SQLite } = await import('better-sqlite3');
    const db = new SQLite(${JSON.stringify(database)});
    db.pragma('journal_mode = WAL');
    db.prepare('select count(*) from lead').get();
    db.close();
  `;
}

describe('the bundled dialstate command', () => {
  it('imports a two-row file within a few MB of the floor of any import', async () => {
    const imported = await peakRss([
      cli,
      'import',
      'spring',
      leads,
      '--db',
      database,
      '--mode',
      'update_existing',
    ]);
    expect(imported.stdout).toContain('2 rows:');
    const floor = await peakRss(['--input-type=module', '-e', floorScript(database)]);
    expect(floor.mb).toBeGreaterThan(30);
    expect(
      imported.mb - floor.mb,
      `import ${imported.mb.toFixed(1)} MB, floor ${floor.mb.toFixed(1)} MB`,
    ).toBeLessThanOrEqual(MAX_ABOVE_FLOOR_MB);
    // Kept at V8's starting size (two semi-spaces of 1 MB), not grown to 8 MB or more.
    expect(imported.youngMb).toBeLessThanOrEqual(2);
  }, 120_000);

  it('imports new leads, their zones checked, without building an Intl formatter (ADR 045)', async () => {
    // New numbers (their zones are looked up by prefix) and the timezone column (each
    // name checked): canonical names, answered from Intl's list of them.
    const zoned = path.join(dir.path, 'zoned.csv');
    writeFileSync(
      zoned,
      'phone,name,timezone\n+1 415 555 0111,Ada,America/Los_Angeles\n+44 20 7946 0112,Grace,Europe/London\n',
    );
    const report = path.join(dir.path, 'intl-formats.json');
    const { stdout } = await run(
      process.execPath,
      ['--import', intlHook, cli, 'import', 'spring', zoned, '--db', database],
      { cwd: packageDir, env: { ...process.env, DIALSTATE_INTL_FORMATS_FILE: report } },
    );
    // The counts are written as en-US writes them, without ICU.
    expect(stdout).toMatch(/2 rows: 2 new, 0 updated, 0 duplicates, 0 rejected/);
    expect(JSON.parse(readFileSync(report, 'utf8'))).toEqual([]);
  }, 120_000);

  it("optimizes no function for a small CSV file, and lets V8's optimizing compiler run for a larger one (ADR 045)", async () => {
    const traced = async (file: string) =>
      (
        await run(
          process.execPath,
          ['--trace-opt', cli, 'import', 'spring', file, '--db', database],
          {
            cwd: packageDir,
            maxBuffer: 64 * 2 ** 20,
          },
        )
      ).stdout;
    const small = await traced(leads);
    expect(small).toContain('2 rows:');
    expect(small).not.toContain('completed optimizing');
    // Past the 256 KiB read in place (READ_IN_PLACE_MAX_BYTES): 3,000 rows of ~100 bytes.
    const larger = path.join(dir.path, 'larger.csv');
    const note = 'x'.repeat(80);
    const rows = Array.from(
      { length: 3_000 },
      (_, i) => `+1 415 555 ${String(i).padStart(4, '0')},Lead ${note}`,
    );
    writeFileSync(larger, `phone,name\n${rows.join('\n')}\n`);
    const large = await traced(larger);
    expect(large).toContain('3,000 rows:');
    expect(large).toContain('completed optimizing');
  }, 120_000);

  it('migrates a fresh database without the WAL checkpoint thread, within a few MB of the floor', async () => {
    let fresh = 0;
    const migrated = await peakRss(() => {
      fresh += 1;
      return [cli, 'migrate', '--db', path.join(dir.path, `fresh-${fresh}`, 'dialstate.db')];
    });
    expect(migrated.stdout).toContain('applied 202611241400_initial');
    const floor = await peakRss(['--input-type=module', '-e', floorScript(database)]);
    expect(
      migrated.mb - floor.mb,
      `migrate ${migrated.mb.toFixed(1)} MB, floor ${floor.mb.toFixed(1)} MB`,
    ).toBeLessThanOrEqual(MIGRATE_MAX_ABOVE_FLOOR_MB);
  }, 120_000);

  it('reads a PBX file with yaml from node_modules, which it loads only then', async () => {
    const pbxFile = path.join(dir.path, 'pbxs.yaml');
    writeFileSync(
      pbxFile,
      'pbxs:\n  - name: east\n    url: http://127.0.0.1:8088\n    password: s\n',
    );
    const { stdout } = await run(process.execPath, [cli, 'config', 'check'], {
      cwd: packageDir,
      env: { ...process.env, DIALSTATE_PBX_FILE: pbxFile },
    });
    expect(stdout).toMatch(/east +http:\/\/127\.0\.0\.1:8088/);
  });

  it('prints --help from the entry file alone', async () => {
    const { stdout } = await run(process.execPath, [cli, '--help']);
    expect(stdout).toContain('usage: dialstate <command>');
  });
});

/**
 * What `dialstate import` loads of the bundle: the entry, the settings' chunk and the
 * import command's, with every file each imports statically (not what they import only
 * when needed, e.g. the workbook reader or the PostgreSQL side); each file's source
 * modules and the packages it leaves to node_modules.
 */
function loadedByImport(metafile: Metafile): { inputs: string[]; external: string[] } {
  const outputs = Object.entries(metafile.outputs);
  const byEntry = (entry: string) => {
    const found = outputs.find(([, output]) => output.entryPoint === entry);
    if (found === undefined) throw new Error(`no output for ${entry}`);
    return found[0];
  };
  const loaded = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) external.add(imported.path);
      else visit(imported.path);
    }
  };
  for (const entry of ['src/cli.ts', 'src/process-environment.ts', 'src/cli/import-command.ts']) {
    visit(byEntry(entry));
  }
  const inputs = [...loaded].flatMap((file) => Object.keys(metafile.outputs[file]?.inputs ?? {}));
  return { inputs, external: [...external] };
}

describe('what the bundled dialstate import loads', () => {
  it('holds no full zod, server, PostgreSQL driver, workbook reader, logger or attempt machine', () => {
    const { inputs, external } = loadedByImport(commands);
    expect(inputs).toContain('src/cli/import-command.ts');
    expect(inputs).toContain('src/intake/import-leads.ts');
    const heavy = [
      /node_modules\/zod\/v4\/classic\//, // the API's zod: ~500 KB more in the settings' chunk
      /node_modules\/zod\/v4\/locales\/(?!en\.js)/, // zod's other languages
      /^src\/http\//,
      /node_modules\/(hono|@hono)\//,
      /node_modules\/exceljs\//,
      /node_modules\/bson\//, // ~2.4 MB; the zone mapping's BSON is read by bson-strings.ts
      /node_modules\/yaml\//, // ~1 MB, for a PBX file only
      // The journal, the attempt machine and xstate, the dialing store: an import uses none
      // of them (src/wiring/lead-import-database.ts; ~1 MB of a two-row import, ADR 041).
      /node_modules\/xstate\//,
      /^src\/machines\//,
      /^src\/store\/(attempt-journal|dialing-store|commit-batcher|campaign-purge)\.ts$/,
      /node_modules\/csv-stringify\//, // the error file's writer, loaded only to write one
    ];
    for (const pattern of heavy) expect(inputs.filter((input) => pattern.test(input))).toEqual([]);
    for (const name of ['pg', 'exceljs', 'pino', 'ari-client', 'yaml'])
      expect(external).not.toContain(name);
    expect(external).toContain('better-sqlite3');
  });
});

describe('modulesLoadedByUrl', () => {
  it('makes each module src loads by URL beside itself an entry of the bundle', () => {
    const src = createTempDir();
    try {
      mkdirSync(path.join(src.path, 'intake'));
      writeFileSync(
        path.join(src.path, 'intake/import-leads.ts'),
        "const worker = new Worker(new URL('./parse-worker.js', import.meta.url));\n",
      );
      writeFileSync(path.join(src.path, 'cli.ts'), "new URL('https://example.com/x.js');\n");
      expect(modulesLoadedByUrl(src.path)).toEqual({
        'parse-worker': path.join(src.path, 'intake/parse-worker.ts'),
      });
    } finally {
      src.remove();
    }
  });
});
