import type { Logger } from 'pino';
import type { Clock } from './ports.js';

/** How long writes may keep failing before storage counts as unwritable (ms). */
export const DEFAULT_UNWRITABLE_AFTER_MS = 10_000;

/** Where storage writes stand, read at one instant. */
export interface StorageStatus {
  /**
   * False once writes have kept failing, without one success, for longer than the
   * bound: no new call is claimed then, and `/health` answers 503.
   */
  writable: boolean;
  /** When the current run of failed writes began (epoch ms); null while writes succeed. */
  failingSince: number | null;
  /** Writes that failed since the process started. */
  failures: number;
}

/** What the writers tell: each write's result, as it happens. */
export interface StorageWriteReports {
  /** A write failed for a storage reason (I/O error, disk full, database locked…). */
  writeFailed(error: unknown): void;
  writeSucceeded(): void;
}

/**
 * The health of the database for writing, told by the writers (the attempt runner's
 * journal commits) and read by the scheduler (no claim while unwritable), `/health` and
 * `/metrics`. A short run of failures is tolerated: the runner retries them, and a disk
 * that hiccups must not stop the dialer. Past the bound it says so loudly, once.
 */
export interface StorageHealth extends StorageWriteReports {
  status(): StorageStatus;
  isWritable(): boolean;
  /**
   * Calls `listener` when writes work again after storage was unwritable; returns the
   * unsubscribe function. Open attempts are then reconciled as after a restart.
   */
  onRecovered(listener: () => void): () => void;
  stop(): void;
}

/** Creates the storage health, writable until told otherwise. */
export function createStorageHealth(deps: {
  clock: Clock;
  log: Logger;
  /** Default {@link DEFAULT_UNWRITABLE_AFTER_MS}. */
  unwritableAfterMs?: number;
}): StorageHealth {
  const { clock, log } = deps;
  const boundMs = deps.unwritableAfterMs ?? DEFAULT_UNWRITABLE_AFTER_MS;
  const listeners = new Set<() => void>();
  let writable = true;
  let failingSince: number | null = null;
  let failures = 0;
  let lastError: unknown = null;
  let timer: unknown = null;

  function declareUnwritable(): void {
    timer = null;
    if (failingSince === null || !writable) return;
    writable = false;
    log.error(
      { err: lastError, failingSince, failingForMs: clock.now() - failingSince, failures },
      'STORAGE UNWRITABLE: database writes keep failing; no new call is claimed and /health ' +
        'answers 503 until they work again (calls in progress wait, their events held in order)',
    );
  }

  return {
    writeFailed(error) {
      failures += 1;
      lastError = error;
      if (failingSince !== null) return;
      failingSince = clock.now();
      timer = clock.setTimeout(declareUnwritable, boundMs);
    },
    writeSucceeded() {
      if (failingSince === null) return;
      const downForMs = clock.now() - failingSince;
      const recovered = !writable;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      failingSince = null;
      lastError = null;
      writable = true;
      if (!recovered) return;
      log.warn({ downForMs }, 'storage writable again: reconciling open calls, claiming resumes');
      for (const listener of listeners) listener();
    },
    status: () => ({ writable, failingSince, failures }),
    isWritable: () => writable,
    onRecovered(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      listeners.clear();
    },
  };
}
