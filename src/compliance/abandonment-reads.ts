import type { AbandonCounts, AbandonWindow } from '../campaign/abandon-cap.js';

/*
 * What the API, the metrics and the scheduler's cap read of abandoned calls; the store
 * keeps them (store/answered-calls.ts, one row per call a person answered).
 */

/** Abandoned calls of one UTC day. */
export interface AbandonDay extends AbandonCounts {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
}

/** A campaign's abandoned calls over the rules' rolling windows, and per day. */
export interface AbandonmentStats extends Record<AbandonWindow, AbandonCounts> {
  /** The 30 days up to now, oldest first, days with no answered call included. */
  daily: AbandonDay[];
}

/** Reads the abandoned-call counts the rules measure. */
export interface AbandonmentReader {
  /** One campaign's windows ending at `at`. */
  windows(campaignId: string, at: number): Promise<Record<AbandonWindow, AbandonCounts>>;
  stats(campaignId: string, at: number): Promise<AbandonmentStats>;
  /** Every campaign with an answered call in the last 30 days, for /metrics. */
  allCampaigns(at: number): Promise<Map<string, Record<AbandonWindow, AbandonCounts>>>;
}
