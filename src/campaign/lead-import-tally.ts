import {
  type LeadImportCounts,
  type LeadImportIssue,
  NO_LEAD_IMPORT_COUNTS,
} from './lead-import.js';
import type { LeadIssue } from './lead-input.js';

/** Warnings kept per import; the rest are counted. Errors are always all kept. */
export const MAX_STORED_WARNINGS = 10_000;
/** Issues an import's result carries; all of them are stored with the import. */
export const MAX_REPORTED_ISSUES = 100;

/** What the final merge found, as the tally needs it. */
export interface MergedCounts {
  inserted: { pending: number; dnc: number };
  updated: { pending: number; dnc: number };
  lateDuplicates: number;
}

/**
 * The running account of one import: row counts by outcome, the issues to store (every
 * error; warnings up to `MAX_STORED_WARNINGS`) and the first few to report. Counts of
 * accepted, updated and DNC-blocked rows are provisional until `final` applies what
 * the merge really did.
 */
export function createLeadImportTally() {
  const counts: LeadImportCounts = { ...NO_LEAD_IMPORT_COUNTS };
  let pending: LeadImportIssue[] = [];
  const first: LeadImportIssue[] = [];
  let errors = 0;
  let warnings = 0;

  function add(issue: LeadImportIssue): void {
    if (issue.severity === 'error') errors += 1;
    else warnings += 1;
    if (issue.severity === 'warning' && warnings > MAX_STORED_WARNINGS) return;
    pending.push(issue);
    if (first.length < MAX_REPORTED_ISSUES) first.push(issue);
  }

  function addAll(
    rowNumber: number,
    severity: LeadImportIssue['severity'],
    issues: readonly LeadIssue[],
    raw: string | null,
  ): void {
    for (const issue of issues) add({ rowNumber, severity, ...issue, raw });
  }

  return {
    counts,
    /** A row read; it is then counted once more by exactly one of the outcomes below. */
    row(): void {
      counts.totalRows += 1;
    },
    rejected(
      rowNumber: number,
      found: readonly LeadIssue[],
      warned: readonly LeadIssue[],
      raw: string,
    ): void {
      counts.rejected += 1;
      addAll(rowNumber, 'error', found, raw);
      addAll(rowNumber, 'warning', warned, null);
    },
    duplicate(rowNumber: number, phone: string, reason: string): void {
      counts.duplicates += 1;
      add({ rowNumber, severity: 'warning', field: 'phone', value: phone, reason, raw: null });
    },
    staged(outcome: 'accepted' | 'updated' | 'dncBlocked'): void {
      counts[outcome] += 1;
    },
    warn(rowNumber: number, warned: readonly LeadIssue[]): void {
      addAll(rowNumber, 'warning', warned, null);
    },
    /** A note on the file as a whole (row 0). */
    note(reason: string): void {
      add({ rowNumber: 0, severity: 'warning', field: null, value: null, reason, raw: null });
    },
    /** The issues found since the last call, to be stored. */
    drain(): LeadImportIssue[] {
      const drained = pending;
      pending = [];
      return drained;
    },
    /** Adds the note on warnings not stored, if any were left out. */
    closeWarnings(): void {
      const omitted = warnings - MAX_STORED_WARNINGS;
      if (omitted > 0) {
        pending.push({
          rowNumber: 0,
          severity: 'warning',
          field: null,
          value: null,
          reason: `${omitted} more warnings are counted but not listed (the first ${MAX_STORED_WARNINGS} are)`,
          raw: null,
        });
      }
    },
    /** The counts once the merge is known: what it inserted and updated replaces the estimate. */
    final(merge: MergedCounts): LeadImportCounts {
      return {
        totalRows: counts.totalRows,
        accepted: merge.inserted.pending,
        updated: merge.updated.pending,
        duplicates: counts.duplicates + merge.lateDuplicates,
        rejected: counts.rejected,
        dncBlocked: merge.inserted.dnc + merge.updated.dnc,
      };
    },
    /** The first issues found, and how many there were of each kind. */
    summary() {
      return { issues: [...first], errors, warnings };
    },
  };
}

export type LeadImportTally = ReturnType<typeof createLeadImportTally>;
