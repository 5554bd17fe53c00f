import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL cluster for one test run: its data and unix socket in a temp
 * folder, listening on 127.0.0.1 at a free port, trusting local connections. Plain data,
 * so that the process that stops it need not be the one that started it.
 */
export interface ThrowawayCluster {
  /** The `postgres` database as superuser `postgres`, to create test databases from. */
  adminUrl: string;
  /** The temp folder holding the data, the socket and the server's log. */
  dir: string;
  binDir: string;
  /** The OS user the server runs as, when the tests run as root (initdb refuses root). */
  runAs: { uid: number; gid: number } | null;
}

/** Where Debian's `postgresql` package puts the server binaries, one folder per version. */
const DEBIAN_ROOT = '/usr/lib/postgresql';

/**
 * The folder of the newest installed PostgreSQL server binaries (`initdb`, `pg_ctl`),
 * or undefined when there are none.
 */
export function findPostgresBinDir(): string | undefined {
  if (!existsSync(DEBIAN_ROOT)) return undefined;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  return versions
    .map((version) => join(DEBIAN_ROOT, version, 'bin'))
    .find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/** The uid and gid of the `postgres` OS user, which Debian's package creates. */
function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch (error) {
    throw new Error(
      'running as root, the PostgreSQL tests start their server as the "postgres" OS user, ' +
        "which does not exist (install Debian's postgresql package, or set DIALSTATE_TEST_DATABASE_URL)",
      { cause: error },
    );
  }
}

/** Runs a server binary as the cluster's user; rejects with its output when it fails. */
function run(
  cluster: Pick<ThrowawayCluster, 'binDir' | 'runAs'>,
  program: string,
  args: string[],
): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      join(cluster.binDir, program),
      args,
      { ...(cluster.runAs ?? {}), timeout: 120_000, env: { ...process.env, LC_ALL: 'C.UTF-8' } },
      (error, stdout, stderr) => {
        if (error === null) resolve();
        else reject(new Error(`${program} failed: ${stderr || stdout}`, { cause: error }));
      },
    );
  });
}

/** A TCP port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Creates and starts a cluster with the binaries in `binDir`. fsync stays on, as in
 * production: the tests see the durability costs real deployments pay. `settings` are
 * written after the tests' own (the last line of a setting wins in postgresql.conf): a
 * benchmark gives PostgreSQL's default shared_buffers back this way.
 */
export async function startThrowawayCluster(
  binDir: string,
  settings: Readonly<Record<string, string>> = {},
): Promise<ThrowawayCluster> {
  const runAs = process.getuid?.() === 0 ? postgresUser() : null;
  const dir = mkdtempSync(join(tmpdir(), 'dialstate-pg-'));
  if (runAs !== null) chownSync(dir, runAs.uid, runAs.gid);
  const data = join(dir, 'data');
  const cluster = { binDir, runAs, dir };
  try {
    await run(cluster, 'initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
    // The port is free when picked, not reserved: another process may take it before the
    // server binds it, so a failed start is retried on another port.
    for (let tries = 1; ; tries++) {
      const port = await freePort();
      appendFileSync(
        join(data, 'postgresql.conf'),
        [
          '',
          `port = ${port}`,
          `listen_addresses = '127.0.0.1'`,
          `unix_socket_directories = '${dir}'`,
          // Each test file's stores hold a pool of up to 10; two nodes in a failover test more.
          'max_connections = 300',
          'shared_buffers = 32MB',
          'fsync = on',
          ...Object.entries(settings).map(([name, value]) => `${name} = ${value}`),
          '',
        ].join('\n'),
      );
      try {
        await run(cluster, 'pg_ctl', [
          '-D',
          data,
          '-l',
          join(dir, 'server.log'),
          '-w',
          '-t',
          '60',
          'start',
        ]);
        return { ...cluster, adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres` };
      } catch (error) {
        if (tries >= 3) throw error;
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Stops the cluster (its connections ended) and deletes its folder. */
export async function stopThrowawayCluster(cluster: ThrowawayCluster): Promise<void> {
  try {
    await run(cluster, 'pg_ctl', ['-D', join(cluster.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  } finally {
    rmSync(cluster.dir, { recursive: true, force: true });
  }
}

/** Runs `work` on one connection to `url`, closed afterwards. */
export async function withClient<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `url` with its database replaced by `database`. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
