import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleCli } from '../../scripts/bundle-cli.js';

/**
 * The `dialstate` command the tests run in child processes (`dialstate serve` killed and
 * restarted, the CLI's commands): the bundle `npm run build` ships, built once per run
 * from the current sources by the same script (scripts/bundle-cli.ts).
 *
 * Why not `node --import tsx src/cli.ts`, as before: tsx compiles every module again in
 * each process and in each of its threads, so one `dialstate serve` took 8–10 s to come up
 * on a 2-core machine against 2 s for the bundle, and the suite starts dozens. Running
 * the bundle also tests what operators run.
 *
 * Kept under node_modules/.cache, keyed by a hash of the sources and the bundling script,
 * so a run after no change to them builds nothing. The bundle's modules find the package
 * root (assets/, dist/web/) and node_modules by walking up, as from dist/src.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** The bundled command's entry (cli.js), for `node <it> <command>`. */
    dialstateCliBundle: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, '../..');
const CACHE = path.join(ROOT, 'node_modules/.cache/dialstate-test-cli');

/** A hash of everything the bundle is made from: src/, the script, the locked packages. */
function sourcesHash(): string {
  const hash = createHash('sha256');
  const files = readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => path.join('src', file));
  for (const file of [...files, 'scripts/bundle-cli.ts', 'package-lock.json']) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(path.join(ROOT, file)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Builds the bundle for the current sources unless it is already there; returns cli.js. */
export async function ensureCliBundle(): Promise<string> {
  const key = sourcesHash();
  const dir = path.join(CACHE, key);
  const entry = path.join(dir, 'src', 'cli.js');
  if (existsSync(entry)) return entry;
  // Built aside and renamed into place, so that a run never sees half a bundle, and two
  // runs building at once both end with a whole one.
  const staging = path.join(CACHE, `${key}.${process.pid}.tmp`);
  await bundleCli(path.join(staging, 'src'));
  try {
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(entry)) throw error;
  }
  // Bundles of earlier sources are never used again.
  for (const name of readdirSync(CACHE)) {
    if (name !== key && !name.endsWith('.tmp')) {
      rmSync(path.join(CACHE, name), { recursive: true, force: true });
    }
  }
  return entry;
}

/** The vitest globalSetup: builds (or finds) the bundle and tells the tests where it is. */
export default async function setup(project: TestProject): Promise<void> {
  project.provide('dialstateCliBundle', await ensureCliBundle());
}
