/**
 * `npm run build` (after the type check): bundles the `dialstate` command from src/cli.ts
 * into dist/src/ with esbuild — `dist/src/cli.js`, the package's `bin`, and beside it one
 * file per command (each still imported only when it runs) and the chunks they share.
 *
 * Why a bundle: run from tsc's output, `dialstate import` loaded ~1,000 module files —
 * Kysely's, zod's, our own — and Node keeps every module's source, its loader records and
 * its compiled top level for the life of the process: 100 MB of peak RSS for a two-row
 * file. Bundled and tree-shaken, the same command loads a few files holding only the code
 * it can reach (docs/BENCHMARKS.md, "CLI start-up"; ADR 030).
 *
 *   npx tsx scripts/bundle-cli.ts [outdir]      (default dist/src, emptied first)
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Packages left to node_modules, loaded by Node as they are:
 * - better-sqlite3: a native addon, found by its own path;
 * - pg: the PostgreSQL driver, loaded only for PostgreSQL (its optional pg-native too);
 * - ari-client: src/ari/quiet-swagger.ts reaches its swagger-client through `require`,
 *   which must be the very copy ari-client uses;
 * - pino: starts its transports in worker threads by file path;
 * - exceljs: loaded only for a workbook; bundled, it would be one more large chunk;
 * - yaml: loaded with `require` only for a PBX file (src/pbx-config.ts).
 */
export const EXTERNAL_PACKAGES = [
  'better-sqlite3',
  'pg',
  'pg-native',
  'ari-client',
  'pino',
  'exceljs',
  'yaml',
];

/**
 * Bundled packages written as CommonJS call `require` (for Node's own modules too), which
 * an ES module does not have: each output file gets one, made for its own location.
 */
const REQUIRE_BANNER =
  "import { createRequire as __dialstateRequire } from 'node:module'; const require = __dialstateRequire(import.meta.url);";

/** `new URL('./name.js', import.meta.url)`: a module of src loaded by its path (a worker). */
const MODULE_BY_URL = /new URL\(\s*'\.\/([\w.-]+)\.js',\s*import\.meta\.url\s*\)/g;

/**
 * The modules src loads by URL next to the module that names them (a worker thread's
 * file), as extra entry points: the bundle is flat, every file in one folder, so such a
 * URL, resolved from whichever chunk its code ends up in, names the entry's output.
 * Keyed by output name; throws when two folders each name a module of the same name.
 */
export function modulesLoadedByUrl(srcDir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.ts'),
  );
  for (const file of files) {
    const text = readFileSync(path.join(srcDir, file), 'utf8');
    for (const match of text.matchAll(MODULE_BY_URL)) {
      const name = match[1] ?? '';
      const entry = path.join(srcDir, path.dirname(file), `${name}.ts`);
      const known = entries[name];
      if (known !== undefined && known !== entry) {
        throw new Error(`two modules loaded by URL are named ${name}.js: ${known} and ${entry}`);
      }
      entries[name] = entry;
    }
  }
  return entries;
}

/** The server's command, bundled on its own (see bundleCli). */
const SERVER_COMMAND = 'cli/serve-command';

/**
 * Leaves cli.ts's `import('./cli/serve-command.js')` as it is written: from dist/src/cli.js
 * it names the server build's entry. (esbuild's `external` would rewrite the path.)
 */
const serverCommandLeftOut: Plugin = {
  name: 'server-command-left-out',
  setup(builder) {
    builder.onResolve({ filter: new RegExp(`^\\./${SERVER_COMMAND}\\.js$`) }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};

/**
 * Bundles the command into `outdir` (emptied first), in two builds: the server's command
 * (`dist/src/cli/serve-command.js`, the API, the UI's routes, the engine) and the rest
 * (`dist/src/cli.js` and every other command). esbuild shares code between entries module
 * by module, so in one build every command would load the whole of each module the server
 * also uses: the full zod's core alone (the API's schemas) would add ~500 KB to the
 * settings' chunk of `dialstate import`. Returns esbuild's account of both builds.
 */
export async function bundleCli(outdir: string): Promise<Metafile[]> {
  rmSync(outdir, { recursive: true, force: true });
  const srcDir = path.join(ROOT, 'src');
  const common = {
    absWorkingDir: ROOT,
    outdir,
    outbase: srcDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: REQUIRE_BANNER },
    // Names kept (stack traces stay readable); `node --enable-source-maps` maps them to src.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  } satisfies BuildOptions;
  const server = await build({
    ...common,
    entryPoints: { [SERVER_COMMAND]: path.join(srcDir, `${SERVER_COMMAND}.ts`) },
    external: EXTERNAL_PACKAGES,
  });
  const commands = await build({
    ...common,
    // A module loaded by URL is emitted once, here: the server's code finds it by the
    // same name in the same folder.
    entryPoints: { cli: path.join(srcDir, 'cli.ts'), ...modulesLoadedByUrl(srcDir) },
    external: EXTERNAL_PACKAGES,
    plugins: [serverCommandLeftOut],
  });
  return [server.metafile, commands.metafile];
}

if (process.argv[1] === import.meta.filename) {
  const outdir = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist/src'));
  const metafiles = await bundleCli(outdir);
  const files = metafiles.flatMap((metafile) =>
    Object.keys(metafile.outputs).filter((file) => file.endsWith('.js')),
  );
  process.stdout.write(
    `bundled dialstate into ${path.relative(process.cwd(), outdir)}: ${files.length} files\n`,
  );
}
