import type { Clock } from '../calls/ports.js';
import {
  type CampaignLeadValidator,
  loadCampaignLeadValidator,
} from './campaign-lead-validator.js';
import { type CsvLimits, DEFAULT_CSV_LIMITS } from './csv-reader.js';
import {
  type LeadFileReader,
  type LeadFileThreadOptions,
  readLeadFileInThread,
} from './lead-file-thread.js';
import type { LeadImportCounts, LeadImportIssue, LeadImportMode } from './lead-import.js';
import { createLeadImportTally } from './lead-import-tally.js';
import type { LeadImportStore } from './lead-intake-ports.js';
import { nextTurn } from './next-turn.js';
import { type LeadFileFormat, type LeadFileReading, readLeadFile } from './read-lead-file.js';
import { stageLeadBatch } from './stage-lead-batch.js';
import type { XlsxLimits } from './xlsx-reader.js';

export interface ImportLeadsRequest {
  campaignId: string;
  /** Shown with the import; the file's own name. */
  fileName: string;
  /** The file's bytes (or text) as they arrive: it is never held whole. */
  source: AsyncIterable<Uint8Array | string>;
  /** The file's size when known, for progress in percent. */
  bytesTotal?: number | null;
  /** Defaults to `csv`. */
  format?: LeadFileFormat;
  /** Defaults to `skip_existing`. */
  mode?: LeadImportMode;
  limits?: Partial<XlsxLimits>;
  /** Called after every batch of rows and when the import ends. */
  onProgress?: (progress: LeadImportProgress) => void;
}

/** Where an import is, for a progress bar or an API status. */
export interface LeadImportProgress {
  importId: string;
  phase: 'reading' | 'merging' | 'completed' | 'failed';
  bytesRead: number;
  bytesTotal: number | null;
  /** 0 to 100; null when the size is unknown. */
  percent: number | null;
  /** Rows read per second since the start. */
  rowsPerSecond: number;
  elapsedMs: number;
  /** So far; accepted, updated and DNC-blocked are final only once `completed`. */
  counts: LeadImportCounts;
}

/** How an import ended. Its issues are all stored with it; `issues` holds the first ones. */
export interface LeadImportReport {
  importId: string;
  status: 'completed' | 'failed';
  /** Why it failed; no lead of a failed import is stored. */
  error: string | null;
  counts: LeadImportCounts;
  issues: LeadImportIssue[];
  errorCount: number;
  warningCount: number;
  /**
   * The longest one of the merge's transactions held the database's write lock (ms; and
   * the event loop too when it merged there, ADR 039); null if none ran.
   */
  mergeBlockedMs: number | null;
  elapsedMs: number;
}

export type ImportLeadsResult =
  | { ok: true; report: LeadImportReport }
  | Extract<CampaignLeadValidator, { ok: false }>;

/**
 * A new import id: short and time-ordered, e.g. `mhw3k2ab-5f1c9e2a`. Short, because it
 * is stored with every lead the import adds, twice (in the lead's own id and in its
 * `import_id`), each time with an index: a UUID costs a million-row import ~90 MB more.
 */
export function newImportId(now: number = Date.now()): string {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(4)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
  return `${now.toString(36)}-${random}`;
}

/**
 * A file known to be this small (bytes) is read in place rather than in a thread: about
 * 2,500 rows, parsed in ~11 ms, where starting the thread took 130–470 ms at load 12 — a
 * small import answered in its request would mostly wait for it (ADR 032).
 */
export const READ_IN_PLACE_MAX_BYTES = 256 * 1024;

/** Least time between two progress records in the database (ms); callbacks come every batch. */
const SAVE_EVERY_MS = 1000;

/**
 * Imports a file of leads (CSV, or the first worksheet of an `.xlsx` workbook) into a campaign: all its valid rows, or — if the file
 * turns out unreadable half way, or anything fails — none of them.
 *
 * The file is read, its rows validated by the one lead validator and its numbers
 * normalised and deduplicated within the file in a worker thread (`readLeadFileInThread`;
 * a small file in place), off this event loop; this thread takes its batches of checked
 * rows as it stages them, checks each number against the campaign's leads (skipped, or
 * updated in `update_existing` mode) and the do-not-call lists (stored as `dnc`). Valid
 * rows are staged out of sight; once the whole file is read the import is decided, and
 * a merge adds them to the campaign in short transactions, finished after a restart if
 * need be (docs/decisions/009-lead-import-staging.md, 020). Rejected rows, duplicates and
 * fallbacks are recorded as issues, row by row.
 */
export async function importLeads(
  deps: {
    store: LeadImportStore;
    clock: Pick<Clock, 'now'>;
    newImportId: () => string;
    /** Where the file is read and checked: a worker thread of its own unless given. */
    readLeadFile?: LeadFileReader;
    /** How that thread runs (its priority), when the file is read in one. */
    readingThread?: Pick<LeadFileThreadOptions, 'nice'>;
  },
  request: ImportLeadsRequest,
): Promise<ImportLeadsResult> {
  const { store, clock } = deps;
  const limits: CsvLimits = { ...DEFAULT_CSV_LIMITS, ...request.limits };
  // Refuses a campaign that takes no leads or reads no numbers before anything is recorded.
  const loaded = await loadCampaignLeadValidator(store, request.campaignId, limits.maxFieldLength);
  if (!loaded.ok) return loaded;
  const { campaign } = loaded;

  const mode = request.mode ?? 'skip_existing';
  const startedAt = clock.now();
  const bytesTotal = request.bytesTotal ?? null;
  const run = await store.begin({
    importId: deps.newImportId(),
    campaignId: campaign.id,
    fileName: request.fileName,
    mode,
    bytesTotal,
    startedAt,
  });
  const tally = createLeadImportTally();
  let bytesRead = 0;
  let lastSaved = startedAt;

  const progress = (phase: LeadImportProgress['phase']): void => {
    const elapsedMs = clock.now() - startedAt;
    request.onProgress?.({
      importId: run.importId,
      phase,
      bytesRead,
      bytesTotal,
      percent:
        bytesTotal === null || bytesTotal === 0
          ? null
          : Math.min(100, (100 * bytesRead) / bytesTotal),
      rowsPerSecond: elapsedMs > 0 ? (tally.counts.totalRows * 1000) / elapsedMs : 0,
      elapsedMs,
      counts: { ...tally.counts },
    });
  };
  const report = (
    status: LeadImportReport['status'],
    error: string | null,
    counts: LeadImportCounts,
    mergeBlockedMs: number | null,
  ): ImportLeadsResult => {
    const summary = tally.summary();
    return {
      ok: true,
      report: {
        importId: run.importId,
        status,
        error,
        counts,
        issues: summary.issues,
        errorCount: summary.errors,
        warningCount: summary.warnings,
        mergeBlockedMs,
        elapsedMs: clock.now() - startedAt,
      },
    };
  };
  const fail = async (error: string): Promise<ImportLeadsResult> => {
    await run.stage([], tally.drain());
    await run.fail(error, tally.counts, clock.now());
    progress('failed');
    return report('failed', error, tally.counts, null);
  };

  const reading: LeadFileReading = {
    format: request.format ?? 'csv',
    limits: {
      ...limits,
      ...(request.limits?.maxInflatedBytes === undefined
        ? {}
        : { maxInflatedBytes: request.limits.maxInflatedBytes }),
    },
    rules: {
      defaultRegion: campaign.defaultRegion,
      allowExtensions: campaign.allowExtensions,
      maxFieldLength: limits.maxFieldLength,
    },
  };
  const context = { store, run, campaignId: campaign.id, mode, tally };

  try {
    const read =
      deps.readLeadFile ??
      (bytesTotal !== null && bytesTotal <= READ_IN_PLACE_MAX_BYTES
        ? readLeadFile
        : (source, fileReading) =>
            readLeadFileInThread(source, fileReading, deps.readingThread ?? {}));
    for await (const event of read(request.source, reading)) {
      if (event.kind === 'invalid') {
        bytesRead = event.bytesRead;
        return await fail(event.reason);
      }
      if (event.kind === 'header') {
        if (event.problem !== null) return await fail(event.problem);
        await run.setHeader(event.fields);
        for (const warning of event.warnings) tally.note(warning);
        continue;
      }
      bytesRead = event.batch.bytesRead;
      await stageLeadBatch(context, event.batch);
      if (clock.now() - lastSaved >= SAVE_EVERY_MS) {
        lastSaved = clock.now();
        if (!(await run.saveProgress(tally.counts, bytesRead))) {
          return await fail('stopped: the import was marked failed while it ran (by a restart)');
        }
      }
      progress('reading');
      // The next batch may be queued already (the thread reads ahead): taking it at once
      // would stage it in this same turn of the event loop, and the next one after it.
      await nextTurn();
    }
    if (tally.counts.totalRows === 0) tally.note('the file has no rows below its header');
    tally.closeOmitted();
    await run.stage([], tally.drain());
    progress('merging');
    const merged = await run.merge((merge) => tally.final(merge), clock.now());
    if (!merged.ok) {
      return await fail('stopped: the import was marked failed while it ran (by a restart)');
    }
    Object.assign(tally.counts, tally.final(merged));
    progress('completed');
    return report('completed', null, tally.counts, merged.blockedMs);
  } catch (error) {
    // Infrastructure (the file, the disk): record the failure, then let it through.
    await run
      .fail(
        `failed: ${error instanceof Error ? error.message : String(error)}`,
        tally.counts,
        clock.now(),
      )
      .catch(() => undefined);
    throw error;
  }
}
