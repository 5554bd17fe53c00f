import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Runs the real `dialstate` command in a child process; resolves with its exit code and output. */
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
      ['--import', 'tsx', path.join(repoRoot, 'src/cli.ts'), ...args],
      { cwd: repoRoot, env: { ...process.env, DIALSTATE_LOG_LEVEL: 'silent', ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
