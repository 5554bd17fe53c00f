import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config.js';
import { startDialstate } from '../main.js';
import { acquireServerLock } from '../store/database-file/server-lock.js';

/**
 * `dialstate serve`: runs until SIGINT or SIGTERM, then shuts down gracefully: no new
 * lead is claimed, queued events are committed, and calls still live stay open in the
 * journal for the next start to restore. A second signal exits at once; everything
 * committed is safe, and the next start reconciles the rest.
 *
 * On SQLite it holds the database's server lock while it runs, so a second server or a
 * `dialstate restore` on the same database is refused. On PostgreSQL several servers
 * share the database by design: there is no lock.
 */
export async function serveCommand(config: Config): Promise<number> {
  const lock = serverLockOf(config);
  const dialstate = await startDialstate(config).catch((error: unknown) => {
    lock.release();
    throw error;
  });
  if (dialstate.simulated) {
    console.error(
      [
        '',
        '  ┌───────────────────────────────────────────────────────────────────┐',
        '  │  EMBEDDED SIMULATED ASTERISK — no real calls are placed.          │',
        '  │  Set DIALSTATE_ARI_URL (see .env.example) to dial through a PBX.  │',
        '  └───────────────────────────────────────────────────────────────────┘',
        `  simulated ARI at ${dialstate.ariUrl}`,
        '',
      ].join('\n'),
    );
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const now = () => process.exit(1);
  process.once('SIGINT', now);
  process.once('SIGTERM', now);
  await dialstate.stop();
  lock.release();
  return 0;
}

/** The SQLite file's server lock, or none on PostgreSQL. */
function serverLockOf(config: Config): { release(): void } {
  if (config.db.url !== null) return { release() {} };
  mkdirSync(dirname(config.db.path), { recursive: true });
  return acquireServerLock(config.db.path);
}
