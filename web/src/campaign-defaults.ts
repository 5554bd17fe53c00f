import { AMD_FIELDS, type AmdFieldName } from './amd-help.js';
import type { FormSettings } from './campaign-form.js';

/**
 * What a new campaign starts with in the editor: the server's defaults for anything a
 * request leaves out (src/http/campaign-schemas.ts; a test keeps the two equal).
 */
export const NEW_CAMPAIGN_DEFAULTS: Omit<FormSettings, 'name' | 'timezone'> = {
  window: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
  startsAt: null,
  endsAt: null,
  maxConcurrent: 1,
  minIntervalMs: 1000,
  ringTimeoutSec: 30,
  callerId: null,
  defaultRegion: 'US',
  allowExtensions: false,
  aiTarget: { kind: 'dialplan', context: 'ai-handoff', extension: 's', priority: 1 },
  aiContext: null,
  aiProvider: null,
  aiAgent: null,
  dialString: null,
  consent: { enabled: false, recordingId: null, timeoutSec: 8 },
  voicemail: { enabled: false, recordingId: null, greetingMaxWaitSec: 20 },
  amd: {
    ...(Object.fromEntries(AMD_FIELDS.map((f) => [f.name, f.default])) as Record<
      AmdFieldName,
      number
    >),
    notSureAs: 'machine',
  },
  retry: {
    maxAttempts: 3,
    retryAfterMinutes: { busy: 10, no_answer: 60, congestion: 5, unavailable: 60, interrupted: 5 },
  },
};
