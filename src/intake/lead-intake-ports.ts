import type { Campaign } from '../campaign/campaign.js';
import type { DncMatch } from '../campaign/do-not-call.js';
import type {
  LeadImport,
  LeadImportCounts,
  LeadImportIssue,
  LeadImportMode,
  LeadImportStatus,
} from './lead-import.js';
import type { LeadDraft } from './lead-input.js';

export type { DncMatch };

/**
 * The store side of lead intake: CSV imports, leads added by hand, do-not-call lists.
 * Declared here, implemented in src/store.
 */

/** A row ready to become a lead, as staged. */
export interface StagedLead extends Omit<LeadDraft, 'customVars'> {
  rowNumber: number;
  /** JSON object of strings. */
  customVars: string;
  state: 'pending' | 'dnc';
  /** Why the lead is `dnc`, for its `last_error`. */
  note: string | null;
}

/** What the final merge did. */
export type LeadImportMerge =
  | {
      ok: true;
      /** New leads, by state. */
      inserted: { pending: number; dnc: number };
      /** Existing leads updated (`update_existing`), by the state the row asked for. */
      updated: { pending: number; dnc: number };
      /** Staged rows whose number became a lead of the campaign after they were read. */
      lateDuplicates: number;
      /** The longest the merge held the database and the event loop at once (ms). */
      blockedMs: number;
    }
  /** The import is no longer running (a restart marked it failed); nothing was merged. */
  | { ok: false; reason: 'notRunning' };

/** One import in progress: rows are staged out of sight, then merged all at once. */
export interface LeadImportRun {
  readonly importId: string;
  /** Records the file's header (for the error CSV). */
  setHeader(header: readonly string[]): Promise<void>;
  /** Stages rows and issues, in one short transaction no other writer waits long for. */
  stage(rows: readonly StagedLead[], issues: readonly LeadImportIssue[]): Promise<void>;
  /**
   * Makes the staged issues and the counts so far visible to readers of the import;
   * false when the import is no longer running.
   */
  saveProgress(counts: LeadImportCounts, bytesRead: number): Promise<boolean>;
  /**
   * Commits to the import (from here on it completes, after a restart if need be), then
   * in short transactions: updates existing leads (`update_existing`), inserts the rest
   * in row order, and marks the import completed with its counts (the counts before the
   * merge come from `finalCounts`, which the caller derives from a merge's result).
   */
  merge(
    finalCounts: (merge: Extract<LeadImportMerge, { ok: true }>) => LeadImportCounts,
    at: number,
  ): Promise<LeadImportMerge>;
  /** Marks the import failed with its counts so far; no lead of it is ever stored. */
  fail(error: string, counts: LeadImportCounts, at: number): Promise<void>;
}

export interface LeadImportStart {
  importId: string;
  campaignId: string;
  fileName: string;
  mode: LeadImportMode;
  /** Size of the file when known, for progress in percent. */
  bytesTotal: number | null;
  startedAt: number;
}

/** What an import reads and writes. */
export interface LeadImportStore {
  getCampaign(campaignId: string): Promise<Campaign | undefined>;
  /** Records the import as running and opens its staging area. */
  begin(start: LeadImportStart): Promise<LeadImportRun>;
  /** Which of `phones` are already leads of the campaign. */
  findExisting(campaignId: string, phones: readonly string[]): Promise<Set<string>>;
  /** Which of `phones` are on the global or the campaign's do-not-call list. */
  findBlocked(campaignId: string, phones: readonly string[]): Promise<Map<string, DncMatch>>;
}

/** A lead added by hand, validated, ready to be stored after the campaign's last one. */
export interface AddedLead extends LeadDraft {
  id: string;
  campaignId: string;
  state: 'pending' | 'dnc';
  /** Why the lead is `dnc`, for its `last_error`. */
  note: string | null;
  /** Epoch ms. */
  createdAt: number;
}

/** What adding one lead by hand reads and writes. */
export interface LeadAddStore {
  getCampaign(campaignId: string): Promise<Campaign | undefined>;
  findBlocked(campaignId: string, phones: readonly string[]): Promise<Map<string, DncMatch>>;
  /** Stores the lead last in import order; the id of the lead holding the number if there is one. */
  insertLead(lead: AddedLead): Promise<{ ok: true } | { ok: false; existingLeadId: string }>;
}

/** A number for a do-not-call list, normalised. */
export interface DncListing {
  phone: string;
  reason: string | null;
}

/** One CSV import into a do-not-call list: numbers are staged, then added all at once. */
export interface DncImportRun {
  stage(listings: readonly DncListing[]): Promise<void>;
  /** Adds the staged numbers in one transaction; returns how many were not listed yet. */
  commit(at: number): Promise<number>;
  /** Drops what was staged; nothing is added. */
  discard(): Promise<void>;
}

/** What managing the do-not-call lists reads and writes. */
export interface DncListStore {
  getCampaign(campaignId: string): Promise<Campaign | undefined>;
  /** Lists the number on the global (`null`) or a campaign's list; false when it was already. */
  add(listing: DncListing & { campaignId: string | null; createdAt: number }): Promise<boolean>;
  /** Takes the number off that list; false when it was not on it. */
  remove(phone: string, campaignId: string | null): Promise<boolean>;
  beginImport(campaignId: string | null): Promise<DncImportRun>;
}

/** Which issues of an import to read: errors only, and a page of them. */
export interface IssuePage {
  severity?: LeadImportIssue['severity'];
  /** Only issues of rows after this one. */
  afterRow?: number;
  /** About this many issues (whole rows: see `listIssues`). */
  limit?: number;
}

/** Lead imports and the issues found in their rows. */
export interface LeadImportRepository {
  /** Records a new import as `running` with zero counts. */
  start(started: {
    id: string;
    campaignId: string;
    fileName: string;
    mode: LeadImportMode;
    /** Size of the file when known; defaults to unknown. */
    bytesTotal?: number | null;
    startedAt: number;
  }): Promise<void>;
  /** Sets the final status and counts; false when there is no such running import. */
  finish(
    id: string,
    result: {
      status: Exclude<LeadImportStatus, 'running'>;
      counts: LeadImportCounts;
      error: string | null;
    },
    at: number,
  ): Promise<boolean>;
  addIssues(importId: string, issues: readonly LeadImportIssue[]): Promise<void>;
  get(id: string): Promise<LeadImport | undefined>;
  /** The campaign's imports, newest first. */
  listByCampaign(campaignId: string): Promise<LeadImport[]>;
  /**
   * The issues of an import in row order (a row's issues in the order found): all of
   * them, or one page when asked. A page holds whole rows: it runs past `limit` to give
   * its last row's every issue, so the next page starts after that row.
   */
  listIssues(importId: string, page?: IssuePage): Promise<LeadImportIssue[]>;
  /**
   * Marks every import still `running` as failed with `error`: run on start, when no
   * import of this process can be running. Returns the ids it marked.
   */
  failRunning(error: string, at: number): Promise<string[]>;
  /** Deletes the import and its issues; its leads stay. */
  delete(id: string): Promise<boolean>;
}
