import type { AttemptJournal } from '../../src/calls/ports.js';

/** How the journal's commits fail while `mode` is not `ok`. */
export type FaultMode =
  /** Healthy: commits go through. */
  | 'ok'
  /** Every commit fails before writing anything, as SQLite does on an I/O error. */
  | 'fail'
  /** The next commit is written, then reported failed (an error after the write); then ok. */
  | 'failAfterWriteOnce';

/** An attempt journal whose commits fail on demand, over a real one. */
export interface FaultyJournal {
  mode: FaultMode;
  /** Commits tried so far, and how many of them failed. */
  readonly tries: number;
  readonly failures: number;
  /**
   * Resolves once `failures` reaches `n` and the failure has been dealt with (the
   * runner's retry is scheduled on its clock by then).
   */
  failed(n: number): Promise<void>;
  /** Wraps a journal: the runner commits through the result. */
  wrap(journal: AttemptJournal): AttemptJournal;
}

/** The error SQLite gives for a write the disk refused. */
export function ioError(): Error {
  return Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });
}

/** Creates a fault switch for the store port: commits fail while its `mode` says so. */
export function createFaultyJournal(): FaultyJournal {
  const waiters: { n: number; resolve: () => void }[] = [];
  const faulty = {
    mode: 'ok' as FaultMode,
    tries: 0,
    failures: 0,
    failed(n: number) {
      if (faulty.failures >= n) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ n, resolve }));
    },
    wrap(journal: AttemptJournal): AttemptJournal {
      return {
        loadAttempt: (id) => journal.loadAttempt(id),
        listOpenAttempts: () => journal.listOpenAttempts(),
        loadEntries: (id) => journal.loadEntries(id),
        async commit(commit) {
          faulty.tries += 1;
          const mode = faulty.mode;
          if (mode === 'ok') return journal.commit(commit);
          if (mode === 'failAfterWriteOnce') {
            faulty.mode = 'ok';
            await journal.commit(commit);
          }
          faulty.failures += 1;
          for (const waiter of waiters.filter((w) => faulty.failures >= w.n)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            // After the promise jobs the rejection sets off: the retry is then scheduled.
            setImmediate(waiter.resolve);
          }
          throw ioError();
        },
      };
    },
  };
  return faulty;
}
