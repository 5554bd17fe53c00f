import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on the module at `entry`: as it is when it is JavaScript (the
 * built command), or, for a `.ts` entry (tests, `tsx`), through a small script that first
 * registers tsx's loader in the thread. A thread does not inherit the loader, and Node 20
 * hands a worker's entry to its own loader before any `--import` of its execArgv has run.
 * tsx's ESM API is taken as its exports map gives it to `import` (its CommonJS twin
 * registers a path that does not exist).
 */
export function startThread(entry: URL, options: WorkerOptions): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const tsxPackage = pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = new URL('dist/esm/api/index.mjs', tsxPackage).href;
  const boot = `import(${JSON.stringify(api)})
    .then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
