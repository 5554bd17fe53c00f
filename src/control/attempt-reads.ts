import type { AttemptOutcome } from '../machines/attempt-types.js';

// The operator's read model of attempts: what the API and exports read; the store implements it.

/** What an operator sees of one attempt: its state, times, outcome and the call's facts. */
export interface AttemptSummary {
  id: string;
  campaignId: string;
  leadId: string;
  /** 1 for the lead's first attempt. */
  attemptNumber: number;
  machineVersion: number;
  /** The machine's state, e.g. `dialing.ringing`, `talking`, `done`. */
  state: string;
  /** Whether the attempt has not ended yet. */
  live: boolean;
  outcome: AttemptOutcome | null;
  error: string | null;
  /** Epoch ms; every time is null until it happened. */
  createdAt: number;
  startedAt: number | null;
  answeredAt: number | null;
  handedOffAt: number | null;
  endedAt: number | null;
  /** From the start (or creation) to the end, ms; null while live. */
  durationMs: number | null;
  /** Time with the AI target, ms; null unless handed off and ended. */
  talkMs: number | null;
  dialStatus: string | null;
  hangupCause: number | null;
  farEndCause: number | null;
  amdStatus: string | null;
  amdCause: string | null;
  /** DTMF digits received, in order. */
  digits: string;
}

/** An attempt with the lead it called. */
export interface AttemptListRow extends AttemptSummary {
  phone: string;
  leadName: string | null;
}

/**
 * Where a page of attempts starts: after this attempt, in the page's order. Ties of
 * `createdAt` are broken by rowid, the index's last column, so that no sort is needed.
 */
export interface AttemptCursor {
  createdAt: number;
  rowid: number;
}

export interface AttemptPage {
  attempts: AttemptListRow[];
  /** The cursor of the next page; null on the last one. */
  next: AttemptCursor | null;
}

/** Read-only views of attempts for the API: pages, one attempt, a lead's history. */
export interface AttemptListReader {
  get(attemptId: string): Promise<AttemptListRow | undefined>;
  /**
   * A page of the campaign's attempts, newest first (or oldest first, for an export),
   * after `after` when given. Keyset paging on (created_at, rowid) through the
   * (campaign_id, created_at) index: as fast deep in a history of millions as on its
   * first page.
   */
  pageByCampaign(
    campaignId: string,
    options: { limit: number; after?: AttemptCursor; order?: 'newest' | 'oldest' },
  ): Promise<AttemptPage>;
  /** Every attempt of a lead, newest first. */
  listByLead(leadId: string): Promise<AttemptListRow[]>;
}
