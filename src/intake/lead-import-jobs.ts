import type { Logger } from 'pino';
import type { Clock } from '../calls/ports.js';
import { type ImportLeadsRequest, importLeads, type LeadImportProgress } from './import-leads.js';
import { SERVER_READER_NICE } from './lead-file-thread.js';
import { type LeadImportMode, NO_LEAD_IMPORT_COUNTS } from './lead-import.js';
import type { LeadImportStore } from './lead-intake-ports.js';

/** An import to run in the background, and what to do once it has ended. */
export interface LeadImportJob extends Omit<ImportLeadsRequest, 'onProgress'> {
  /** Runs when the import has ended, however it ended (e.g. deletes the uploaded file). */
  release?: () => Promise<void>;
}

/** Where a background import is, as this process last saw it. */
export interface LeadImportJobStatus {
  campaignId: string;
  fileName: string;
  mode: LeadImportMode;
  /** Epoch ms. */
  startedAt: number;
  progress: LeadImportProgress;
  /** Why it ended without an import record, e.g. its campaign was deleted meanwhile. */
  error: string | null;
}

export type StartImportResult =
  | { ok: true; importId: string }
  /** As many imports as allowed are running already. */
  | { ok: false; reason: 'busy'; running: number };

/** Lead imports too large to answer in the request, run one after the request. */
export interface LeadImportJobs {
  /** Starts the import now; its id is known at once, before it has read anything. */
  start(job: LeadImportJob): StartImportResult;
  /** The latest progress of an import started here, running or recently ended. */
  status(importId: string): LeadImportJobStatus | undefined;
  /** Resolves once every import started so far has ended. */
  settled(): Promise<void>;
}

/**
 * Told of every change of a background import: each progress report while it runs, then
 * once more with `ended` when it has ended, however it ended, and its upload is released.
 */
export type LeadImportJobListener = (
  importId: string,
  status: LeadImportJobStatus,
  ended: boolean,
) => void;

/** Ended imports whose last progress is remembered; older ones are read from the store. */
const REMEMBERED = 100;

/**
 * Creates the runner of background imports. Each runs `importLeads` with its progress
 * kept in memory (rows per second, percent, phase) while the import record in the store
 * holds the counts; at most `maxRunning` run at once, since each merge holds the
 * database while it runs.
 */
export function createLeadImportJobs(deps: {
  store: LeadImportStore;
  clock: Pick<Clock, 'now'>;
  newImportId: () => string;
  log: Logger;
  maxRunning: number;
  /** Follows every import's progress (e.g. for the live feed); must not throw. */
  onChange?: LeadImportJobListener;
}): LeadImportJobs {
  const { log } = deps;
  const notify = (importId: string, status: LeadImportJobStatus | undefined, ended: boolean) => {
    if (status) deps.onChange?.(importId, status, ended);
  };
  const statuses = new Map<string, LeadImportJobStatus>();
  const running = new Map<string, Promise<void>>();

  function forgetOld(): void {
    const ended = [...statuses.keys()].filter((id) => !running.has(id));
    for (const id of ended.slice(0, Math.max(0, ended.length - REMEMBERED))) statuses.delete(id);
  }

  async function run(importId: string, job: LeadImportJob): Promise<void> {
    const { release, ...request } = job;
    const status = statuses.get(importId);
    const context = { importId, campaignId: job.campaignId, fileName: job.fileName };
    try {
      const result = await importLeads(
        {
          store: deps.store,
          clock: deps.clock,
          newImportId: () => importId,
          // The server's loop runs the calls: the file's reading gives way to it.
          readingThread: { nice: SERVER_READER_NICE },
        },
        {
          ...request,
          onProgress: (progress) => {
            if (status) status.progress = progress;
            notify(importId, status, false);
          },
        },
      );
      if (!result.ok) {
        const error =
          result.reason === 'campaignNotFound'
            ? 'the campaign no longer exists'
            : result.reason === 'campaignClosed'
              ? result.message
              : `the campaign cannot read phone numbers: ${result.message}`;
        if (status) {
          status.error = error;
          status.progress = { ...status.progress, phase: 'failed' };
        }
        log.warn({ ...context, error }, 'lead import not started');
        return;
      }
      const { report } = result;
      log.info(
        { ...context, status: report.status, counts: report.counts, elapsedMs: report.elapsedMs },
        'lead import ended',
      );
    } catch (error) {
      // The import has recorded the failure where it could; the status says so too.
      if (status) {
        status.error = 'the import failed; see the server log';
        status.progress = { ...status.progress, phase: 'failed' };
      }
      log.error({ ...context, err: error }, 'lead import failed');
    } finally {
      await release?.().catch((error: unknown) =>
        log.warn({ ...context, err: error }, 'could not remove the uploaded file'),
      );
      running.delete(importId);
      forgetOld();
      // After the release: the leads are merged and the campaign's counters are sent.
      notify(importId, status, true);
    }
  }

  return {
    start(job) {
      if (running.size >= deps.maxRunning)
        return { ok: false, reason: 'busy', running: running.size };
      const importId = deps.newImportId();
      statuses.set(importId, {
        campaignId: job.campaignId,
        fileName: job.fileName,
        mode: job.mode ?? 'skip_existing',
        startedAt: deps.clock.now(),
        error: null,
        progress: {
          importId,
          phase: 'reading',
          bytesRead: 0,
          bytesTotal: job.bytesTotal ?? null,
          percent: job.bytesTotal ? 0 : null,
          rowsPerSecond: 0,
          elapsedMs: 0,
          counts: { ...NO_LEAD_IMPORT_COUNTS },
        },
      });
      log.info(
        { importId, campaignId: job.campaignId, fileName: job.fileName, bytes: job.bytesTotal },
        'lead import started',
      );
      notify(importId, statuses.get(importId), false);
      running.set(importId, run(importId, job));
      return { ok: true, importId };
    },
    status: (importId) => statuses.get(importId),
    async settled() {
      while (running.size > 0) await Promise.all(running.values());
    },
  };
}
