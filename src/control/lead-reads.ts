import type { Lead } from '../campaign/lead.js';
import type { LeadState } from '../campaign/retry-policy.js';
import type { SearchQuery } from '../campaign/search-query.js';
import type { AttemptOutcome } from '../machines/attempt-types.js';
import type { AttemptSummary } from './attempt-reads.js';

// The leads table's read model: a page of a campaign's leads; the store implements it.

/** A lead as the leads table shows it: the lead and its latest attempt, if any. */
export interface LeadListRow extends Lead {
  lastAttempt: AttemptSummary | null;
}

/** Which of a campaign's leads to list; every filter given must hold. */
export interface LeadFilter {
  state?: LeadState;
  /** The outcome of the lead's latest ended attempt. */
  outcome?: AttemptOutcome;
  search?: SearchQuery;
}

/**
 * Where a page starts: after this lead, in the page's order. The order follows from the
 * filter: import order, or phone order for a phone search, or name order for a name one.
 * Ties are broken by rowid, the last column of every index, so that a page is read in
 * index order without a sort; a cursor is for paging now, not for keeping (a VACUUM may
 * renumber rowids).
 */
export type LeadCursor =
  | { order: 'import'; importSeq: number; rowid: number }
  | { order: 'phone'; phone: string }
  | { order: 'name'; name: string; rowid: number };

export type LeadOrder = LeadCursor['order'];

export interface LeadPage {
  leads: LeadListRow[];
  /** The cursor of the next page; null on the last one. */
  next: LeadCursor | null;
}

/** The order a filter's pages come in. */
export function leadOrderOf(filter: LeadFilter): LeadOrder {
  return filter.search === undefined ? 'import' : filter.search.kind;
}

/** Read-only views of leads for the API and exports. */
export interface LeadListReader {
  get(leadId: string): Promise<LeadListRow | undefined>;
  /**
   * A page of the campaign's leads matching `filter`, after `after` (whose order must be
   * the filter's: see `leadOrderOf`; throws otherwise). Keyset paging through an index
   * for each shape of filter, so that a page costs the same in a campaign of a million
   * leads, deep in it or not (docs/BENCHMARKS.md). A search combined with a filter reads
   * the search's matches until it has a page of those that pass the filter.
   */
  page(
    campaignId: string,
    filter: LeadFilter,
    options: { limit: number; after?: LeadCursor },
  ): Promise<LeadPage>;
}
