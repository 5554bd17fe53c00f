import type {
  AiTarget,
  AttemptInput,
  ConsentSettings,
  SafeHarbourSettings,
  VoicemailSettings,
} from '../../src/machines/attempt-types.js';

/**
 * Fixed, readable attempt inputs for machine tests. They mirror what
 * `buildAttemptInput` produces for a FreePBX deployment with the identity extension
 * 6789, dialstate's default AMD parameters and the recordings of the ARI traces.
 */

/** `2026-11-24T09:00:00.000Z`, the moment the sample attempts start. */
export const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

/** Epoch ms `offsetMs` after {@link T0}. */
export function t(offsetMs: number): number {
  return T0 + offsetMs;
}

/** dialstate's default `AMD()` arguments and the verdict wait derived from them (ms). */
export const SAMPLE_AMD_OPTIONS = '2000,2000,1000,5000,100,50,10,256,5000';
export const SAMPLE_AMD_TIMEOUT_MS = 17_000;

/** A 1.97 s consent prompt ("if correct press 1") with 5 s of slack, 8 s to answer. */
export const SAMPLE_CONSENT: ConsentSettings = {
  media: 'sound:dialstate/consent-3f2a',
  timeoutMs: 8_000,
  promptMaxMs: 6_970,
};

/** A 5.65 s voicemail message with 5 s of slack, 20 s to wait for the beep. */
export const SAMPLE_VOICEMAIL: VoicemailSettings = {
  media: 'sound:dialstate/voicemail-7c1e',
  greetingMaxWaitMs: 20_000,
  playbackMaxMs: 10_650,
};

/** The consent prompt with `9` meaning "never call me", confirmed by a 3.1 s message. */
export const SAMPLE_CONSENT_OPT_OUT: ConsentSettings = {
  ...SAMPLE_CONSENT,
  optOut: { digit: '9', media: 'sound:dialstate/opt-out-51d0', playbackMaxMs: 8_100 },
};

/** A 4.2 s message naming the caller and a call-back number, with 5 s of slack. */
export const SAMPLE_SAFE_HARBOUR: SafeHarbourSettings = {
  media: 'sound:dialstate/safe-harbour-9b21',
  playbackMaxMs: 9_200,
};

/** Hand-off by moving the channel to an AI agent's own ARI application. */
export const APP_AI_TARGET: AiTarget = {
  kind: 'app',
  app: 'ai-agent',
  args: ['handoff', 'att-0001'],
};

/** Hand-off by continuing the channel into an AI agent's dialplan context. */
export const DIALPLAN_AI_TARGET: AiTarget = {
  kind: 'dialplan',
  context: 'ai-handoff',
  extension: 's',
  priority: 1,
};

/** An attempt with consent and voicemail drop off, NOTSURE as machine, app hand-off. */
export function sampleInput(overrides: Partial<AttemptInput> = {}): AttemptInput {
  const attemptId = overrides.attemptId ?? 'att-0001';
  return {
    attemptId,
    campaignId: 'cmp-reminders',
    leadId: 'lead-0042',
    channelId: `dialstate-${attemptId}`,
    number: '+15551230042',
    callerId: 'Dialstate <6789>',
    ringTimeoutMs: 30_000,
    amd: { options: SAMPLE_AMD_OPTIONS, notSureAs: 'machine', timeoutMs: SAMPLE_AMD_TIMEOUT_MS },
    consent: null,
    voicemail: null,
    aiTarget: APP_AI_TARGET,
    handOffVariables: {
      AAVA_LEAD_VARS: '{"firstName":"Ada","appointment":"2026-11-25T10:30"}',
      AI_CONTEXT: 'appointment-reminder',
      AI_PROVIDER: 'openai',
    },
    originateVariables: {
      AMPUSER: '6789',
      'CALLERID(num)': '6789',
      __AAVA_ATTEMPT_ID: attemptId,
      __AAVA_CAMPAIGN_ID: 'cmp-reminders',
      __AAVA_LEAD_ID: 'lead-0042',
      AAVA_STASIS_APP: 'dialstate',
      AAVA_AMD_OPTS: SAMPLE_AMD_OPTIONS,
    },
    ...overrides,
  };
}

/** The sample attempt with the consent gate on. */
export function consentInput(overrides: Partial<AttemptInput> = {}): AttemptInput {
  return sampleInput({ consent: SAMPLE_CONSENT, ...overrides });
}

/** The sample attempt with voicemail drop on. */
export function voicemailInput(overrides: Partial<AttemptInput> = {}): AttemptInput {
  return sampleInput({ voicemail: SAMPLE_VOICEMAIL, ...overrides });
}

/** The sample attempt with an AMD `NOTSURE` verdict treated as a human. */
export function notSureAsHumanInput(overrides: Partial<AttemptInput> = {}): AttemptInput {
  const base = sampleInput(overrides);
  return { ...base, amd: { ...base.amd, notSureAs: 'human' } };
}

/** The sample attempt handing off into a dialplan context instead of an ARI app. */
export function dialplanTargetInput(overrides: Partial<AttemptInput> = {}): AttemptInput {
  return sampleInput({ aiTarget: DIALPLAN_AI_TARGET, ...overrides });
}

/** A named input variant, for tests that run over every campaign shape. */
export interface InputVariant {
  name: string;
  input: AttemptInput;
}

/**
 * Every combination of consent on/off, voicemail on/off and NOTSURE as machine/human
 * (eight variants); those with consent hand off into the dialplan.
 */
export const INPUT_VARIANTS: readonly InputVariant[] = [false, true].flatMap((consent) =>
  [false, true].flatMap((voicemail) =>
    (['machine', 'human'] as const).map((notSureAs) => {
      const base = sampleInput({
        consent: consent ? SAMPLE_CONSENT : null,
        voicemail: voicemail ? SAMPLE_VOICEMAIL : null,
        aiTarget: consent ? DIALPLAN_AI_TARGET : APP_AI_TARGET,
      });
      return {
        name: `consent ${consent ? 'on' : 'off'}, voicemail ${voicemail ? 'on' : 'off'}, NOTSURE as ${notSureAs}`,
        input: { ...base, amd: { ...base.amd, notSureAs } },
      };
    }),
  ),
);

/**
 * The campaign shapes of the compliance options: the opt-out digit (with and without
 * its message) and the safe-harbour message, on an app and a dialplan target.
 */
export const COMPLIANCE_VARIANTS: readonly InputVariant[] = [
  {
    name: 'consent with opt-out digit and message, safe harbour, app target',
    input: sampleInput({ consent: SAMPLE_CONSENT_OPT_OUT, safeHarbour: SAMPLE_SAFE_HARBOUR }),
  },
  {
    name: 'consent with a silent opt-out digit, safe harbour, dialplan target',
    input: dialplanTargetInput({
      consent: { ...SAMPLE_CONSENT, optOut: { digit: '9', media: null, playbackMaxMs: 0 } },
      safeHarbour: SAMPLE_SAFE_HARBOUR,
    }),
  },
];
