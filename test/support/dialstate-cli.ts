import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * Runs the real `dialstate` command in a child process, the bundle `npm run build` makes
 * (test/support/cli-bundle.ts); resolves with its exit code and output.
 */
export function dialstate(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return dialstateWithEnv({}, ...args);
}

/** {@link dialstate} with `env` added to (or, with `undefined`, removed from) the environment. */
export async function dialstateWithEnv(
  env: Record<string, string | undefined>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--enable-source-maps', inject('dialstateCliBundle'), ...args],
      { cwd: repoRoot, env: { ...process.env, DIALSTATE_LOG_LEVEL: 'silent', ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
