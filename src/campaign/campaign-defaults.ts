import { DEFAULT_AMD_PARAMETERS } from './amd-parameters.js';
import type { CampaignSettings } from './campaign.js';
import { NO_FREQUENCY_CAPS } from './frequency-caps.js';
import { DEFAULT_RETRY_POLICY } from './retry-policy.js';

/**
 * What a new campaign gets for each setting its creator leaves out: the API fills a
 * request's gaps with it, the web UI's editor starts from it (read from `GET /api/meta`),
 * and the embedded simulator answers its hand-off context.
 */
export const CAMPAIGN_DEFAULTS: Omit<CampaignSettings, 'name' | 'timezone'> = {
  window: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
  startsAt: null,
  endsAt: null,
  blackoutDates: [],
  frequencyCaps: NO_FREQUENCY_CAPS,
  maxConcurrent: 1,
  minIntervalMs: 1000,
  ringTimeoutSec: 30,
  callerId: null,
  defaultRegion: 'US',
  allowExtensions: false,
  // The example hand-off context of the shipped dialplan.
  aiTarget: { kind: 'dialplan', context: 'ai-handoff', extension: 's', priority: 1 },
  aiContext: null,
  aiProvider: null,
  aiAgent: null,
  dialString: null,
  pbxs: null,
  consent: { enabled: false, recordingId: null, timeoutSec: 8 },
  voicemail: { enabled: false, recordingId: null, greetingMaxWaitSec: 20 },
  amd: { ...DEFAULT_AMD_PARAMETERS, notSureAs: 'machine' },
  retry: DEFAULT_RETRY_POLICY,
  // Compliance options: off until the operator sets them.
  optOutDigit: null,
  optOutRecordingId: null,
  abandonCapPercent: null,
  safeHarbourRecordingId: null,
};
