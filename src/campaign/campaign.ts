import type { AiTarget } from '../machines/attempt-types.js';
import type { AmdParameters } from './amd-parameters.js';
import type { BlackoutDate } from './blackout-dates.js';
import type { FrequencyCaps } from './frequency-caps.js';
import type { RetryPolicy } from './retry-policy.js';

export const CAMPAIGN_STATUSES = [
  'draft',
  'running',
  'paused',
  'stopped',
  'completed',
  'archived',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** A daily calling window in local wall-clock time; `start === end` means all day. */
export interface CallingWindow {
  /** `HH:MM`, 24-hour. */
  start: string;
  /** `HH:MM`, 24-hour; earlier than `start` when the window crosses midnight. */
  end: string;
  /** ISO weekdays the window is open on (1 = Monday … 7 = Sunday). */
  days: number[];
}

/** AAVA's ARI app name when its YAML (`asterisk.app_name`) does not change it. */
export const AAVA_DEFAULT_APP = 'asterisk-ai-voice-agent';

/**
 * Where a campaign hands consenting humans to. An `aava` target names AAVA's app and
 * agent; the hand-off context it goes through is the server's (every attempt's input
 * carries the resolved context).
 */
export type CampaignAiTarget =
  | Exclude<AiTarget, { kind: 'aava' }>
  | Omit<Extract<AiTarget, { kind: 'aava' }>, 'context'>;

/** Everything an operator configures about a campaign. */
export interface CampaignSettings {
  name: string;
  /** IANA time zone of the campaign, e.g. `America/New_York`. */
  timezone: string;
  window: CallingWindow;
  /** Optional absolute bounds of the campaign (epoch ms). */
  startsAt: number | null;
  endsAt: number | null;
  /**
   * Days with no calling, each a local calendar day in the zone a lead is called in
   * (src/campaign/blackout-dates.ts); the server's (`DIALSTATE_BLACKOUT_DATES`) apply too.
   */
  blackoutDates: BlackoutDate[];
  /** Caps stricter than the server's for this campaign's calls (null: the server's). */
  frequencyCaps: FrequencyCaps;
  maxConcurrent: number;
  /** Least time between two originates of this campaign (ms). */
  minIntervalMs: number;
  ringTimeoutSec: number;
  callerId: string | null;
  /** ISO 3166 region used to read numbers without a country code, e.g. `US`. */
  defaultRegion: string;
  /** Whether short internal extensions are dialable leads. */
  allowExtensions: boolean;
  aiTarget: CampaignAiTarget;
  /**
   * Template of the endpoint each lead is originated on, e.g. `Local/{number}@from-internal`
   * or `PJSIP/{e164digits}@my-trunk` (src/campaign/dial-string.ts); null = the server's
   * default (`DIALSTATE_DIAL_STRING`).
   */
  dialString: string | null;
  /**
   * The PBXs (by name, `DIALSTATE_PBX_FILE`) this campaign's calls may go to; null = every
   * enabled one. Irrelevant with a single PBX.
   */
  pbxs: string[] | null;
  aiContext: string | null;
  aiProvider: string | null;
  aiAgent: string | null;
  consent: { enabled: boolean; recordingId: string | null; timeoutSec: number };
  /**
   * A third digit at the consent prompt meaning "never call me" (besides 1 and 2);
   * null = none. Pressing it lists the number on the global do-not-call list.
   */
  optOutDigit: string | null;
  /** Played after the opt-out digit, before hanging up; null hangs up at once. */
  optOutRecordingId: string | null;
  voicemail: { enabled: boolean; recordingId: string | null; greetingMaxWaitSec: number };
  amd: AmdParameters & { notSureAs: 'machine' | 'human' };
  retry: RetryPolicy;
  /**
   * Cap on the campaign's abandoned-call rate over the last 30 days and the last 24
   * hours, in percent (3 for the US TSR and Ofcom); null = no cap
   * (src/campaign/abandon-cap.ts).
   */
  abandonCapPercent: number | null;
  /**
   * The safe-harbour recording: names the caller and a call-back number, played to a
   * person the hand-off could not connect before hanging up; null = none.
   */
  safeHarbourRecordingId: string | null;
}

export interface Campaign extends CampaignSettings {
  id: string;
  status: CampaignStatus;
  /** Why the campaign stopped or paused by itself (circuit breaker, config), if it did. */
  statusReason: string | null;
  createdAt: number;
  updatedAt: number;
}
