import type { LeadImportReport } from '../intake/import-leads.js';
import type { LeadImport, LeadImportIssue } from '../intake/lead-import.js';
import type { LeadImportJobStatus } from '../intake/lead-import-jobs.js';

/** Where the rejected rows of an import are, when it has any. */
const errorsCsvUrl = (importId: string, rejected: number) =>
  rejected > 0 ? `/api/imports/${importId}/errors.csv` : null;
/** An issue as the API shows it: the raw row is for the error CSV only. */
const issueView = ({ raw: _, ...issue }: LeadImportIssue) => issue;

/** The report of an import answered in its request. */
export function reportView(report: LeadImportReport) {
  return {
    importId: report.importId,
    status: report.status,
    error: report.error,
    counts: report.counts,
    issues: report.issues.map(issueView),
    errorCount: report.errorCount,
    warningCount: report.warningCount,
    elapsedMs: Math.round(report.elapsedMs),
    errorsCsvUrl: errorsCsvUrl(report.importId, report.counts.rejected),
  };
}

/**
 * The status of an import: from its record, and while it runs in this process, from its
 * live progress (fresher counts, rows per second, phase).
 */
export function statusView(
  id: string,
  record: LeadImport | undefined,
  job: LeadImportJobStatus | undefined,
  issues: LeadImportIssue[],
  now: number,
) {
  const live = job !== undefined && (record === undefined || record.status === 'running');
  const status = record?.status ?? (job?.error ? 'failed' : 'running');
  const startedAt = record?.startedAt ?? job?.startedAt ?? now;
  const finishedAt = record?.finishedAt ?? null;
  const counts = live ? job.progress.counts : { ...countsOf(record) };
  const bytesTotal = record?.bytesTotal ?? job?.progress.bytesTotal ?? null;
  // The record saves bytes read once a second; the job knows the last count, to the end.
  const bytesRead = Math.max(job?.progress.bytesRead ?? 0, record?.bytesRead ?? 0);
  const elapsedMs = (finishedAt ?? now) - startedAt;
  return {
    id,
    campaignId: record?.campaignId ?? job?.campaignId ?? '',
    fileName: record?.fileName ?? job?.fileName ?? '',
    mode: record?.mode ?? job?.mode ?? 'skip_existing',
    status,
    phase: live ? job.progress.phase : status === 'running' ? 'reading' : status,
    error: record?.error ?? job?.error ?? null,
    counts,
    bytesRead,
    bytesTotal,
    percent:
      status === 'completed'
        ? 100
        : bytesTotal
          ? Math.min(100, Math.round((1000 * bytesRead) / bytesTotal) / 10)
          : null,
    rowsPerSecond: live
      ? Math.round(job.progress.rowsPerSecond)
      : elapsedMs > 0
        ? Math.round((counts.totalRows * 1000) / elapsedMs)
        : null,
    elapsedMs,
    startedAt,
    finishedAt,
    issues: issues.map(issueView),
    errorsCsvUrl: status === 'running' ? null : errorsCsvUrl(id, counts.rejected),
  };
}

function countsOf(record: LeadImport | undefined) {
  return {
    totalRows: record?.totalRows ?? 0,
    accepted: record?.accepted ?? 0,
    updated: record?.updated ?? 0,
    duplicates: record?.duplicates ?? 0,
    rejected: record?.rejected ?? 0,
    dncBlocked: record?.dncBlocked ?? 0,
  };
}
