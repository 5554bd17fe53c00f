import {
  type LeadImportCounts,
  type LeadImportIssue,
  NO_LEAD_IMPORT_COUNTS,
} from './lead-import.js';
import type { LeadIssue } from './lead-input.js';

/** Warnings kept per import; the rest are counted. */
export const MAX_STORED_WARNINGS = 10_000;
/**
 * Rejected rows kept per import, with their errors and text: the error CSV lists these.
 * The rest are counted: a file of millions of bad rows (the wrong file, a broken export)
 * would otherwise store every one of them, about 170 bytes each.
 */
export const MAX_STORED_REJECTED_ROWS = 10_000;
/** Issues an import's result carries; all of them are stored with the import. */
export const MAX_REPORTED_ISSUES = 100;

/** What the final merge found, as the tally needs it. */
export interface MergedCounts {
  inserted: { pending: number; dnc: number };
  updated: { pending: number; dnc: number };
  lateDuplicates: number;
}

/**
 * The running account of one import: row counts by outcome, the issues to store (the
 * errors of the first `MAX_STORED_REJECTED_ROWS` rejected rows, the first
 * `MAX_STORED_WARNINGS` warnings) and the first few to report. Counts of
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
    /** Rows read; each is then counted once more by exactly one of the outcomes below. */
    rows(read: number): void {
      counts.totalRows += read;
    },
    rejected(
      rowNumber: number,
      found: readonly LeadIssue[],
      warned: readonly LeadIssue[],
      raw: string,
    ): void {
      counts.rejected += 1;
      if (counts.rejected <= MAX_STORED_REJECTED_ROWS) addAll(rowNumber, 'error', found, raw);
      else errors += found.length;
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
    /** Adds a note on the rejected rows and the warnings not stored, for each left out. */
    closeOmitted(): void {
      const note = (reason: string) =>
        pending.push({
          rowNumber: 0,
          severity: 'warning',
          field: null,
          value: null,
          reason,
          raw: null,
        });
      const rejectedOmitted = counts.rejected - MAX_STORED_REJECTED_ROWS;
      if (rejectedOmitted > 0) {
        note(
          `${rejectedOmitted} more rejected rows are counted but not listed (the first ${MAX_STORED_REJECTED_ROWS} are, in the error CSV)`,
        );
      }
      const omitted = warnings - MAX_STORED_WARNINGS;
      if (omitted > 0) {
        note(
          `${omitted} more warnings are counted but not listed (the first ${MAX_STORED_WARNINGS} are)`,
        );
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
