/** How an import treats a number that is already a lead of the campaign. */
export type LeadImportMode = 'skip_existing' | 'update_existing';
export const LEAD_IMPORT_MODES: readonly LeadImportMode[] = ['skip_existing', 'update_existing'];

export type LeadImportStatus = 'running' | 'completed' | 'failed';

/**
 * Row counts of an import, kept up to date as it runs. Every row read (blank rows are
 * not counted) lands in exactly one of the last five.
 */
export interface LeadImportCounts {
  totalRows: number;
  /** New pending leads. */
  accepted: number;
  /** Existing leads updated (`update_existing`). */
  updated: number;
  /** Rows skipped: the number came earlier in the file, or (`skip_existing`) is already a lead. */
  duplicates: number;
  /** Rows with an error; none of them is stored. */
  rejected: number;
  /** Leads stored or updated as `dnc`: the number is on a do-not-call list. */
  dncBlocked: number;
}

export const NO_LEAD_IMPORT_COUNTS: LeadImportCounts = Object.freeze({
  totalRows: 0,
  accepted: 0,
  updated: 0,
  duplicates: 0,
  rejected: 0,
  dncBlocked: 0,
});

/** A problem with one row of an import: an error rejects the row, a warning does not. */
export interface LeadImportIssue {
  /** 1-based data row of the file, the header not counted; 0 for the file as a whole. */
  rowNumber: number;
  severity: 'error' | 'warning';
  /** The CSV column the problem is in; null for the whole row. */
  field: string | null;
  value: string | null;
  reason: string;
  /** The row's fields as a JSON array of strings, for the error CSV; null when unknown. */
  raw: string | null;
}

/** One CSV import into a campaign, and how far it got. */
export interface LeadImport extends LeadImportCounts {
  id: string;
  campaignId: string;
  fileName: string;
  mode: LeadImportMode;
  status: LeadImportStatus;
  error: string | null;
  /** The file's header fields, once read; the error CSV repeats them. */
  header: string[] | null;
  bytesRead: number;
  /** Size of the file when known. */
  bytesTotal: number | null;
  startedAt: number;
  finishedAt: number | null;
}
