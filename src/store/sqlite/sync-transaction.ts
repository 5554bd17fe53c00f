import type { Store } from './db.js';
import { fsyncsEachWalCommit, withoutCommitSync } from './wal-commit-sync.js';

/**
 * Runs synchronous `work` inside one transaction on the store's connection, holding
 * Kysely's lock on that connection throughout.
 *
 * Why both: the dialer shares this connection and group-commits its journal writes in
 * Kysely transactions that stay open across awaits. Holding Kysely's lock keeps them
 * out of our transaction (and ours out of theirs), and doing the work with no await
 * between BEGIN and COMMIT means the lock is held only for as long as SQLite works:
 * the event loop, the dialer included, waits that long and no longer.
 *
 * `immediate` takes the write lock up front (for work that writes the main database,
 * so that another process cannot make it fail half way with SQLITE_BUSY). `onHeld`
 * learns how long the transaction held the thread, BEGIN to COMMIT (ms), and how much
 * CPU time the process spent meanwhile (ms): on a loaded machine the first includes the
 * time the thread waited for a core, the second is the transaction's own work. Rolls
 * back and rethrows when `work` throws.
 *
 * `commitUnsynced` commits without the fsync that `synchronous = FULL` gives each commit
 * in WAL mode, for work that a restart redoes if a power cut loses it (a merge slice
 * commits its next row with its rows). The connection is back at FULL before Kysely's
 * lock is let go, so no other commit — the journal's — is ever made without its fsync;
 * and that next FULL commit's fsync of the WAL file makes this one durable too (ADR 035).
 */
export async function syncTransaction<T>(
  store: Store,
  work: () => T,
  options: {
    immediate?: boolean;
    onHeld?: (ms: number, cpuMs: number) => void;
    commitUnsynced?: boolean;
  } = {},
): Promise<T> {
  return store.db.connection().execute(async (): Promise<T> => {
    if (options.commitUnsynced === true && fsyncsEachWalCommit(store)) {
      return withoutCommitSync(store, () => transaction(store, work, options));
    }
    return transaction(store, work, options);
  });
}

function transaction<T>(
  store: Store,
  work: () => T,
  options: { immediate?: boolean; onHeld?: (ms: number, cpuMs: number) => void },
): T {
  const began = performance.now();
  const cpuBefore = process.cpuUsage();
  store.prepare(options.immediate ? 'begin immediate' : 'begin').run([]);
  let result: T;
  try {
    result = work();
    if (result instanceof Promise) throw new Error('syncTransaction: work must not be async');
    store.prepare('commit').run([]);
  } catch (error) {
    rollback(store);
    throw error;
  } finally {
    if (options.onHeld) {
      const cpu = process.cpuUsage(cpuBefore);
      options.onHeld(performance.now() - began, (cpu.user + cpu.system) / 1000);
    }
  }
  return result;
}

/** Runs synchronous `work` (reads, or statements that need no transaction) with Kysely's lock held. */
export async function withConnection<T>(store: Store, work: () => T): Promise<T> {
  return store.db.connection().execute(async (): Promise<T> => work());
}

function rollback(store: Store): void {
  try {
    store.prepare('rollback').run([]);
  } catch (error) {
    // SQLite has already rolled back by itself (an I/O error, a full disk).
    if (!/no transaction is active/i.test(String(error))) throw error;
  }
}
