import { z } from '@hono/zod-openapi';
import { IANAZone } from 'luxon';
import { AMD_PARAMETER_NAMES, DEFAULT_AMD_PARAMETERS } from '../campaign/amd-parameters.js';
import { MAX_BLACKOUT_ENTRIES } from '../campaign/blackout-dates.js';
import { AAVA_DEFAULT_APP, CAMPAIGN_STATUSES } from '../campaign/campaign.js';
import { CAMPAIGN_ACTIONS } from '../campaign/campaign-lifecycle.js';
import { checkDialString, DIAL_PLACEHOLDERS, DIAL_TECHNOLOGIES } from '../campaign/dial-string.js';
import {
  appArgumentProblem,
  callerIdProblem,
  channelVariableProblem,
  contextNameProblem,
  extensionProblem,
  freeTextProblem,
  tokenProblem,
} from '../campaign/pbx-strings.js';
import { ATTEMPT_OUTCOMES } from '../machines/attempt-types.js';

const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, 24-hour (00:00 to 23:59)');
const timezone = z
  .string()
  .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone, e.g. Europe/London')
  .openapi({ example: 'America/New_York' });
const epochMs = z.number().int().nonnegative();
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a YYYY-MM-DD date')
  .openapi({ example: '2026-12-25' });

/** One blackout entry; the list is checked as a whole (real dates, ranges in order). */
export const blackoutDateSchema = z
  .object({
    from: isoDate,
    to: isoDate,
    name: z.string().max(120).nullable().default(null),
  })
  .strict()
  .openapi('BlackoutDate', {
    description: 'A day (from == to) or a range of days, both included, with no calling.',
  });

const callCap = z.number().int().min(0).max(1_000).nullable();
const frequencyCapsSchema = z
  .object({ per24h: callCap, per7d: callCap, per30d: callCap })
  .strict()
  .openapi('FrequencyCaps', {
    description:
      "Most attempts to one number within a rolling 24 hours / 7 days / 30 days, counted across every campaign, for this campaign's calls: only stricter than the server's DIALSTATE_CAP_PER_* applies (null or 0: the server's). A capped lead waits, pending.",
  });

/** A string checked by one of the PBX rules (src/campaign/pbx-strings.ts), whose sentence is the message. */
const pbxString = (problem: (value: string) => string | null) =>
  z.string().superRefine((value, ctx) => {
    const found = problem(value);
    if (found !== null) ctx.addIssue({ code: 'custom', message: found });
  });
/** Text handed to the AI target as a channel variable. */
const channelVariable = pbxString(channelVariableProblem).max(200).nullable();

export const aiTargetSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('dialplan'),
      context: pbxString(contextNameProblem).openapi({
        description: 'Dialplan context: letters, digits, "-" and "_", at most 79 characters',
        example: 'ai-handoff',
      }),
      extension: pbxString(extensionProblem).openapi({
        description:
          'A literal extension: letters, digits, "*", "#", "+", "-" and "_" (not a leading "_"), at most 79 characters',
        example: 's',
      }),
      priority: z.number().int().min(1),
    }),
    z.object({
      kind: z.literal('app'),
      app: pbxString((app) => tokenProblem(app)).openapi({
        description: 'ARI application: letters, digits, ".", "-" and "_", at most 79 characters',
      }),
      args: z
        .array(pbxString(appArgumentProblem).max(200))
        .max(20)
        .openapi({ description: 'Arguments without commas or control characters' }),
    }),
    z.object({
      kind: z.literal('aava'),
      app: pbxString(tokenProblem)
        .default(AAVA_DEFAULT_APP)
        .openapi({ description: "AAVA's ARI app (its YAML's app_name)" }),
      agent: pbxString(tokenProblem).openapi({ description: 'Agent slug, set as AI_AGENT' }),
      provider: pbxString(tokenProblem)
        .nullable()
        .default(null)
        .openapi({ description: 'AI_PROVIDER, when the agent should not use its default' }),
      audioProfile: pbxString(tokenProblem)
        .nullable()
        .default(null)
        .openapi({ description: 'AI_AUDIO_PROFILE, when given' }),
    }),
  ])
  .openapi('AiTarget', {
    description:
      'Where an accepted call goes: a dialplan location (continueInDialplan), another ARI application (move), or the Asterisk AI Voice Agent (`aava`: continued into the hand-off context, which runs `Stasis(<app>)` with no arguments; needs a direct-trunk dial string).',
  });

/** A dial-string template, checked as src/campaign/dial-string.ts reads it. */
const dialString = z
  .string()
  .superRefine((template, ctx) => {
    const check = checkDialString(template);
    if (!check.ok)
      for (const problem of check.problems) ctx.addIssue({ code: 'custom', message: problem });
  })
  .openapi({
    description: `How a lead's number becomes the originated endpoint: one technology (${DIAL_TECHNOLOGIES.join(', ')}), a resource and one placeholder: ${Object.entries(
      DIAL_PLACEHOLDERS,
    )
      .map(([name, meaning]) => `{${name}} = ${meaning}`)
      .join('; ')}. Null = the server's default.`,
    example: 'PJSIP/{e164digits}@my-trunk',
  });

const amdShape = Object.fromEntries(
  AMD_PARAMETER_NAMES.map((name) => [
    name,
    z.number().int().min(0).max(60_000).openapi({ example: DEFAULT_AMD_PARAMETERS[name] }),
  ]),
) as Record<(typeof AMD_PARAMETER_NAMES)[number], z.ZodNumber>;

const outcomeEnum = z.enum(ATTEMPT_OUTCOMES);

/** Every setting of a campaign, as the API shows it. */
export const campaignSettingsSchema = z
  .object({
    name: pbxString(freeTextProblem)
      .trim()
      .min(1, 'must not be empty')
      .max(120)
      .openapi({ description: 'Any text without control characters (line breaks, NUL…)' }),
    timezone,
    window: z
      .object({
        start: hhmm,
        end: hhmm,
        days: z
          .array(z.number().int().min(1).max(7))
          .min(1, 'needs at least one day (1 = Monday … 7 = Sunday)')
          .refine((days) => new Set(days).size === days.length, 'must not repeat a day'),
      })
      .openapi({ description: 'Daily window in local time; start == end means all day.' }),
    startsAt: epochMs.nullable(),
    endsAt: epochMs.nullable(),
    blackoutDates: z.array(blackoutDateSchema).max(MAX_BLACKOUT_ENTRIES).openapi({
      description:
        "Days with no calling (holidays), each a local calendar day in the zone a lead is called in (its own, its number's, else the campaign's); the server's DIALSTATE_BLACKOUT_DATES apply too. Presets: GET /api/blackout-presets.",
    }),
    frequencyCaps: frequencyCapsSchema,
    maxConcurrent: z.number().int().min(1).max(1000),
    minIntervalMs: z.number().int().min(0).max(3_600_000),
    ringTimeoutSec: z.number().int().min(5).max(300),
    callerId: pbxString(callerIdProblem).trim().min(1).max(80).nullable().openapi({
      description:
        'A number (digits, leading "+"), or "Name" <number> with a printable name; null: the trunk\'s own',
      example: '"Clinic" <+15551234567>',
    }),
    defaultRegion: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 region code, e.g. US'),
    allowExtensions: z.boolean(),
    aiTarget: aiTargetSchema,
    aiContext: channelVariable.openapi({
      description: 'AI_CONTEXT for the AI target: text without control characters',
    }),
    aiProvider: channelVariable.openapi({ description: 'AI_PROVIDER for the AI target' }),
    aiAgent: channelVariable.openapi({ description: 'AI_AGENT for the AI target' }),
    dialString: dialString.nullable(),
    pbxs: z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be the name of a configured PBX'))
      .min(1, 'must name at least one PBX, or be null for every one')
      .max(64)
      .refine((names) => new Set(names).size === names.length, 'must not repeat a PBX')
      .nullable()
      .openapi({
        description:
          "The PBXs (names from DIALSTATE_PBX_FILE) this campaign's calls may go to, the least loaded first; null: every enabled one.",
        example: ['east', 'west'],
      }),
    consent: z.object({
      enabled: z.boolean(),
      recordingId: z.string().min(1).nullable(),
      timeoutSec: z.number().int().min(1).max(60),
    }),
    voicemail: z.object({
      enabled: z.boolean(),
      recordingId: z.string().min(1).nullable(),
      greetingMaxWaitSec: z.number().int().min(1).max(120),
    }),
    amd: z
      .object({ ...amdShape, notSureAs: z.enum(['machine', 'human']) })
      .openapi({ description: 'The 9 AMD() arguments (ms or counts) and what NOTSURE counts as.' }),
    retry: z.object({
      maxAttempts: z.number().int().min(1).max(20),
      retryAfterMinutes: z.partialRecord(outcomeEnum, z.number().int().min(1).max(43_200)),
    }),
    optOutDigit: z
      .string()
      .regex(/^[03-9*#]$/, 'must be one key other than 1 (accept) and 2 (deny): 0, 3–9, * or #')
      .nullable()
      .openapi({
        description:
          'A third key at the consent prompt meaning "never call me": the number goes on the global do-not-call list and the call ends (outcome opted_out). null: none.',
        example: '9',
      }),
    optOutRecordingId: z.string().min(1).nullable().openapi({
      description: 'Played after the opt-out key before hanging up; null hangs up at once.',
    }),
    abandonCapPercent: z.number().min(0.1).max(100).nullable().openapi({
      description:
        'Cap on the abandoned-call rate over the last 30 days and 24 hours, in percent (3 for the US TSR and Ofcom): close to it the campaign dials one call at a time, over it it pauses with the reason. null: no cap.',
      example: 3,
    }),
    safeHarbourRecordingId: z.string().min(1).nullable().openapi({
      description:
        'A recording naming the caller and a call-back number, played to a person the hand-off could not connect before hanging up. null: none.',
    }),
  })
  .strict()
  .openapi('CampaignSettings');

/** A new campaign: a name and a time zone, the rest as in `CAMPAIGN_DEFAULTS` (src/campaign) unless given. */
export const newCampaignSchema = campaignSettingsSchema
  .partial()
  .required({ name: true, timezone: true })
  .strict()
  .openapi('NewCampaign');

/** A change of some settings; nested objects (window, consent, amd…) are given whole. */
export const campaignPatchSchema = campaignSettingsSchema
  .partial()
  .strict()
  .openapi('CampaignPatch');

export const campaignSchema = z
  .object({
    id: z.string(),
    status: z.enum(CAMPAIGN_STATUSES),
    statusReason: z.string().nullable(),
    availableActions: z.array(z.enum(CAMPAIGN_ACTIONS)),
    createdAt: epochMs,
    updatedAt: epochMs,
    ...campaignSettingsSchema.shape,
  })
  .openapi('Campaign');

export const campaignIdParam = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'c-7f3a' }),
});
