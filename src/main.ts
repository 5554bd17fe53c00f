import type { Config } from './config.js';
import { createAttemptRunner } from './dialer/attempt-runner.js';
import { type CallControl, CallControlError, systemClock } from './dialer/ports.js';
import { createLogger } from './logger.js';
import { createAttemptJournal } from './store/attempt-journal.js';
import { openDatabase, type Store } from './store/db.js';
import { migrateToLatest } from './store/migrate.js';

/** Opens the configured database and brings its schema up to date. */
export async function openMigratedStore(
  config: Config,
): Promise<{ store: Store; applied: string[] }> {
  const store = openDatabase({ path: config.db.path, synchronous: config.db.synchronous });
  try {
    const applied = await migrateToLatest(store.db);
    return { store, applied };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Call control for a process with no PBX: refuses every command, so nothing is dialed. */
const noPbx: CallControl = new Proxy({} as CallControl, {
  get: () => async () => {
    throw new CallControlError('no PBX connection is configured');
  },
});

/** A running dialstate process. */
export interface Dialstate {
  /** Stops taking work, waits for queued work and closes the database. */
  stop(): Promise<void>;
}

/**
 * The composition root: opens and migrates the database, builds the engine and takes
 * charge of the attempts a previous run left open.
 */
export async function startDialstate(config: Config): Promise<Dialstate> {
  const log = createLogger(config.logLevel);
  const { store, applied } = await openMigratedStore(config);
  log.info({ db: config.db.path, migrations: applied }, 'database ready');
  const journal = createAttemptJournal(store);
  const runner = createAttemptRunner({ journal, callControl: noPbx, clock: systemClock, log });
  const open = await runner.resumeOpenAttempts();
  log.warn(
    { openAttempts: open.length },
    'no PBX connection: nothing can be dialed, and open attempts are marked interrupted',
  );
  for (const attempt of open) {
    // Without a PBX there is no channel to find: settle each open attempt now.
    await runner.dispatch(attempt.attemptId, { type: 'channel.lost', at: systemClock.now() });
  }
  return {
    async stop() {
      log.info('shutting down');
      await runner.stop();
      await store.close();
    },
  };
}
