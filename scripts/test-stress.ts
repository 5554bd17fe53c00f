/**
 * Runs the test suite while busy loops keep every core loaded, the way a PBX running
 * calls (or a shared CI machine) does: a test that only passes on an idle machine fails
 * here.
 *
 *   npm run test:stress [-- <vitest arguments, e.g. a file filter>]
 *
 * The hogs end with this script whatever happens: they are killed when the suite ends,
 * fails or is interrupted, and each one also exits by itself once its parent is gone
 * (its parent process id changes), so not even a SIGKILL of this script leaves one behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const HOG = `
const parent = process.ppid;
for (;;) {
  for (let i = 0; i < 5e7; i++);
  if (process.ppid !== parent) process.exit(0);
}`;

const hogs: ChildProcess[] = [];
for (let i = 0; i < availableParallelism(); i++) {
  hogs.push(spawn(process.execPath, ['-e', HOG], { stdio: 'ignore' }));
}

function killHogs(): void {
  for (const hog of hogs) if (hog.exitCode === null && hog.signalCode === null) hog.kill('SIGKILL');
}

process.on('exit', killHogs);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    killHogs();
    process.exit(130);
  });
}

process.stderr.write(`test:stress: ${hogs.length} busy loops running beside the suite\n`);
const suite = spawn('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
suite.on('exit', (code, signal) => {
  killHogs();
  process.exit(code ?? (signal === null ? 1 : 128));
});
