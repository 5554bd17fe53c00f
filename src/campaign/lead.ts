import type { AttemptOutcome } from '../machines/attempt-types.js';
import type { CampaignAiTarget } from './campaign.js';
import { MAX_CHANNEL_VARIABLE_BYTES } from './pbx-strings.js';
import type { LeadState } from './retry-policy.js';

/** One person to call in one campaign. Unique per campaign by normalised phone. */
/**
 * Bytes of a lead's custom variables as JSON at most: they reach the AI target as one
 * channel variable (`AAVA_LEAD_VARS`), which the dialplan reads whole only up to this.
 */
export const MAX_LEAD_VARS_BYTES = MAX_CHANNEL_VARIABLE_BYTES;

export interface Lead {
  id: string;
  campaignId: string;
  /** Normalised: E.164 for public numbers, digits for internal extensions. */
  phone: string;
  name: string | null;
  /** IANA time zone of the lead, when it differs from the campaign's. */
  timezone: string | null;
  /**
   * IANA zones the number maps to (country, and area code for NANP numbers), derived when
   * the lead was added; empty when none is known. Used when `timezone` is null.
   */
  phoneZones: string[];
  /** Why the next attempt was put off at the last claim (a frequency cap); null if not. */
  waitReason: string | null;
  callerId: string | null;
  /** Free data handed to the AI target with the call. */
  customVars: Record<string, string>;
  /** Where this lead is handed off instead of the campaign's AI target; null = the campaign's. */
  aiTarget: CampaignAiTarget | null;
  state: LeadState;
  priority: number;
  attempts: number;
  /** Epoch ms from which the lead may be dialed (again); 0 means at once. */
  nextAttemptAt: number;
  lastOutcome: AttemptOutcome | null;
  lastError: string | null;
  /** The live attempt while `state` is `dialing`. */
  activeAttemptId: string | null;
  /** Position in import order, the last tie-breaker when claiming. */
  importSeq: number;
  createdAt: number;
  updatedAt: number;
}

/** States a lead stays in until an operator recycles it: nothing of it is live or due. */
export const TERMINAL_LEAD_STATES = [
  'completed',
  'failed',
  'canceled',
  'dnc',
] as const satisfies readonly LeadState[];

/** Whether a lead in `state` is finished: neither waiting to be dialed nor being dialed. */
export function isTerminalLeadState(state: LeadState): boolean {
  return (TERMINAL_LEAD_STATES as readonly LeadState[]).includes(state);
}
