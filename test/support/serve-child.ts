import { type ChildProcess, spawn } from 'node:child_process';
import { inject } from 'vitest';

/** One `dialstate serve` in a child process, as an operator runs it. */
export interface ServeChild {
  child: ChildProcess;
  /** Resolves once the embedded simulator's banner is printed (embedded PBX only). */
  bannerShown: Promise<void>;
  /** The exit code; null when a signal killed it. */
  exited: Promise<number | null>;
  /** Everything it printed, stderr then stdout. */
  output(): string;
}

/**
 * Starts `dialstate serve` over `dataDir` with `env` added to this process's environment:
 * the bundled command, as `npm run build` makes it (test/support/cli-bundle.ts).
 */
export function spawnServe(dataDir: string, env: Record<string, string>): ServeChild {
  const cli = inject('dialstateCliBundle');
  const child = spawn(process.execPath, ['--enable-source-maps', cli, 'serve'], {
    env: {
      ...process.env,
      DIALSTATE_DATA_DIR: dataDir,
      DIALSTATE_HTTP_PORT: '0',
      DIALSTATE_DB_SYNCHRONOUS: 'NORMAL',
      DIALSTATE_LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  let onBanner: () => void = () => {};
  const bannerShown = new Promise<void>((resolve) => {
    onBanner = resolve;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
    // serve prints the simulator banner once startDialstate has returned.
    if (stderr.includes('simulated ARI at')) onBanner();
  });
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, bannerShown, exited, output: () => `${stderr}\n${stdout}` };
}

/** mulberry32: a small seeded generator, so a failing run can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
