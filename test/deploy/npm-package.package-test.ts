import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'dialstate-package-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('the npm package', () => {
  it('installs globally from its tarball; the installed dialstate serves the UI and prompts', async () => {
    await run('npm', ['run', 'build'], { cwd: root });
    await run('npm', ['pack', '--pack-destination', dir], { cwd: root });
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const { stdout: listing } = await run('tar', ['tzf', join(dir, tarball ?? '')]);
    const files = listing.split('\n');
    for (const shipped of [
      'package/dist/src/cli.js',
      'package/dist/web/index.html',
      'package/dialplan/extensions_dialstate.conf',
      'package/assets/prompts/consent.ulaw',
      'package/docs/configuration.md',
    ]) {
      expect(files).toContain(shipped);
    }
    expect(files.filter((name) => /^package\/(src|test|web)\//.test(name))).toEqual([]);
    // The command is the bundle (scripts/bundle-cli.ts), not tsc's module per source file.
    expect(files).toContain('package/dist/src/cli/serve-command.js');
    expect(files).not.toContain('package/dist/src/store/sqlite/db.js');

    const prefix = join(dir, 'prefix');
    await run(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        prefix,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        join(dir, tarball ?? ''),
      ],
      { cwd: dir },
    );
    const bin = join(prefix, 'bin', 'dialstate');
    const help = await run(bin, ['--help'], { cwd: dir });
    expect(help.stdout).toContain('backup <file> [--force]');

    // The installed command, from another folder, against its embedded simulator.
    const port = await freePort();
    const server = spawn(bin, ['serve'], {
      cwd: dir,
      env: {
        ...process.env,
        DIALSTATE_DATA_DIR: join(dir, 'data'),
        DIALSTATE_HTTP_PORT: String(port),
        DIALSTATE_ARI_URL: '',
        DIALSTATE_LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(server);
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      server.stderr?.on('data', (chunk) => {
        stderr += chunk;
        if (stderr.includes('simulated ARI at')) resolve();
      });
      server.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain('<div id="root"');
    expect(page).not.toContain('The web UI is not built');
    const recordings = (await (await fetch(`http://127.0.0.1:${port}/api/recordings`)).json()) as {
      recordings: { id: string }[];
    };
    expect(recordings.recordings.map((r) => r.id)).toEqual(
      expect.arrayContaining(['default-consent', 'default-voicemail']),
    );
    const dialplan = await (await fetch(`http://127.0.0.1:${port}/api/setup/dialplan`)).text();
    expect(dialplan).toContain('aava-outbound-amd');

    // A lead file past 256 KB, so that the installed package's reading thread (compiled
    // JS, dist/src/intake/lead-file-worker.js) reads it.
    const rows = Array.from(
      { length: 12_000 },
      (_, n) => `+1415${2_000_000 + n},Lead ${n} of the package test`,
    );
    const csv = `phone,name\n${rows.join('\n')}\nnot a number,Bob\n+14152000000,Again\n`;
    expect(csv.length).toBeGreaterThan(256 * 1024);
    const created = (await (
      await fetch(`http://127.0.0.1:${port}/api/campaigns`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Package', timezone: 'UTC' }),
      })
    ).json()) as { id: string };
    const imported = await fetch(
      `http://127.0.0.1:${port}/api/campaigns/${created.id}/leads/import`,
      {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: csv,
      },
    );
    expect(imported.status).toBe(200);
    expect(await imported.json()).toMatchObject({
      status: 'completed',
      counts: { totalRows: 12_002, accepted: 12_000, rejected: 1, duplicates: 1 },
    });
    const exited = new Promise((resolve) => server.on('exit', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
