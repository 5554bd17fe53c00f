import type { Logger } from 'pino';
import {
  type AttemptCommit,
  type AttemptJournal,
  type Clock,
  type CommitOptions,
  JournalConflictError,
} from './ports.js';
import type { StorageWriteReports } from './storage-health.js';

/** Back-off between tries of a commit that failed for a storage reason (ms). */
export interface CommitRetry {
  /** Wait after the first failure; doubled after each further one. */
  firstDelayMs: number;
  /** Longest wait: once storage works again, a held event is committed within this. */
  maxDelayMs: number;
}

export const DEFAULT_COMMIT_RETRY: CommitRetry = { firstDelayMs: 50, maxDelayMs: 1_000 };

/** Thrown when the runner stops while an event is still waiting for storage. */
export class CommitAbandonedError extends Error {
  constructor(attemptId: string, seq: number, options: { cause: unknown }) {
    super(`attempt ${attemptId}: seq ${seq} was not committed before the runner stopped`, options);
    this.name = 'CommitAbandonedError';
  }
}

/** Commits journal entries, retrying storage faults until they succeed. */
export interface DurableCommit {
  /**
   * Commits, and on a storage fault tries again after a bounded back-off, for as long as
   * it takes: the caller (one attempt's event queue) waits meanwhile, so the attempt's
   * events stay in order and its commands never run before their commit. Rejects with a
   * `JournalConflictError` (no retry can help), or a `CommitAbandonedError` after `abandon()`.
   */
  commit(commit: AttemptCommit, log: Logger, options?: CommitOptions): Promise<void>;
  /**
   * As `commit`, for commits of one attempt that follow each other (seq n, n+1, …),
   * written as one unit of the journal (`AttemptJournal.commitInOrder`): all committed,
   * retried together, or all refused. Only when `inOrder` is true.
   */
  commitInOrder(
    commits: readonly AttemptCommit[],
    log: Logger,
    options?: CommitOptions,
  ): Promise<void>;
  /** Whether the journal writes several commits as one unit (`commitInOrder`). */
  readonly inOrder: boolean;
  /** Gives up every commit waiting for its next try (on shutdown); the journal keeps them open. */
  abandon(): void;
}

export function createDurableCommit(deps: {
  journal: Pick<AttemptJournal, 'commit' | 'commitInOrder' | 'loadAttempt'>;
  clock: Clock;
  storage?: StorageWriteReports;
  retry?: CommitRetry;
}): DurableCommit {
  const { journal, clock, storage } = deps;
  const retry = deps.retry ?? DEFAULT_COMMIT_RETRY;
  const waiting = new Set<() => void>();
  let abandoned = false;

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        waiting.delete(wake);
        clock.clearTimeout(handle);
        resolve();
      };
      const handle = clock.setTimeout(wake, ms);
      waiting.add(wake);
    });
  }

  /**
   * Whether the journal already holds these commits (the last one's seq, which only the
   * whole unit writes): a failure reported after the write.
   */
  async function alreadyWritten(commits: readonly AttemptCommit[]): Promise<boolean> {
    const last = commits[commits.length - 1] as AttemptCommit;
    const stored = await journal.loadAttempt(last.entry.attemptId);
    return stored?.seq === last.entry.seq;
  }

  function write(commits: readonly AttemptCommit[], options?: CommitOptions): Promise<void> {
    const [only] = commits;
    if (commits.length === 1 && only !== undefined) return journal.commit(only, options);
    if (journal.commitInOrder === undefined) {
      return Promise.reject(new Error('the journal cannot write several commits as one unit'));
    }
    return journal.commitInOrder(commits, options);
  }

  /** Writes `commits` as one unit, retrying storage faults (see `commit`). */
  async function durably(
    commits: readonly AttemptCommit[],
    log: Logger,
    options?: CommitOptions,
  ): Promise<void> {
    const first = (commits[0] as AttemptCommit).entry;
    const { seq, event } = first;
    const through = commits.length === 1 ? {} : { lastSeq: seq + commits.length - 1 };
    for (let failures = 0; ; ) {
      try {
        await write(commits, options);
        storage?.writeSucceeded();
        if (failures > 0) {
          log.info({ seq, ...through, failures }, 'journal commit succeeded after retries');
        }
        return;
      } catch (error) {
        if (error instanceof JournalConflictError) {
          if (failures > 0 && (await alreadyWritten(commits))) {
            storage?.writeSucceeded();
            return;
          }
          log.error({ err: error, seq, ...through, event: event.type }, 'journal commit refused');
          throw error;
        }
        failures += 1;
        storage?.writeFailed(error);
        // Once per event: the storage health reports the outage as a whole.
        if (failures === 1) {
          log.warn(
            { err: error, seq, ...through, event: event.type },
            'journal commit failed; the event is held and retried',
          );
        }
        if (abandoned) throw new CommitAbandonedError(first.attemptId, seq, { cause: error });
        await pause(Math.min(retry.maxDelayMs, retry.firstDelayMs * 2 ** (failures - 1)));
        if (abandoned) throw new CommitAbandonedError(first.attemptId, seq, { cause: error });
      }
    }
  }

  return {
    commit: (commit, log, options) => durably([commit], log, options),
    commitInOrder: durably,
    inOrder: journal.commitInOrder !== undefined,
    abandon() {
      abandoned = true;
      for (const wake of [...waiting]) wake();
    },
  };
}
