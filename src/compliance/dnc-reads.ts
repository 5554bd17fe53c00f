// The do-not-call lists as the API reads them, a page at a time; the store implements it.

/** A do-not-call entry: a phone that is never dialed, globally or in one campaign. */
export interface DncEntry {
  id: number;
  /** `null` for the global list. */
  campaignId: string | null;
  /** Normalised, like lead phones. */
  phone: string;
  reason: string | null;
  createdAt: number;
}

/** Which part of a do-not-call list to read. */
export interface DncPageQuery {
  /** At most this many entries. */
  limit: number;
  /** Only entries whose phone sorts after this one: the previous page's `nextAfter`. */
  after?: string | null;
  /** Only phones containing these characters, e.g. `555` or `+4420`. */
  search?: string | null;
}

/** One page of a do-not-call list, by phone. */
export interface DncPage {
  entries: DncEntry[];
  /** Entries of the list that match the search, on every page. */
  total: number;
  /** `after` for the next page; null on the last one. */
  nextAfter: string | null;
}

/** Reads do-not-call lists a page at a time, for the API. */
export interface DncPageReader {
  /** A page of the global list (`campaignId` null) or of a campaign's. */
  page(campaignId: string | null, query: DncPageQuery): Promise<DncPage>;
}
