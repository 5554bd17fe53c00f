import { z } from '@hono/zod-openapi';
import { LEAD_STATES } from '../campaign/retry-policy.js';
import { ATTEMPT_OUTCOMES } from '../machines/attempt-types.js';
import { attemptSummarySchema } from './attempt-schemas.js';
import { aiTargetSchema } from './campaign-schemas.js';
import { pageLimit } from './page-cursor.js';

const epochMs = z.number().int();

/** A lead as the API shows it, with its latest attempt. */
export const leadSchema = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    phone: z
      .string()
      .openapi({ description: 'E.164, or the digits of an extension', example: '+14155550101' }),
    name: z.string().nullable(),
    timezone: z.string().nullable().openapi({
      description:
        "The lead's own IANA time zone; null: it is called in its number's zones (phoneZones), else the campaign's",
    }),
    phoneZones: z.array(z.string()).openapi({
      description:
        "IANA zones the number maps to (country, and area code for NANP numbers), derived when the lead was added; when the lead has no time zone of its own it is called only while the window is open in all of them. Empty: unknown (an extension, a non-geographic number), the campaign's zone applies",
      example: ['America/Denver', 'America/North_Dakota/Center'],
    }),
    waitReason: z.string().nullable().openapi({
      description:
        'Why the last claim put the next attempt off to nextAttemptAt (a call-frequency cap); null otherwise',
    }),
    callerId: z.string().nullable(),
    customVars: z.record(z.string(), z.string()),
    aiTarget: aiTargetSchema.nullable(),
    state: z.enum(LEAD_STATES),
    priority: z.number().int(),
    attempts: z.number().int(),
    nextAttemptAt: epochMs.openapi({ description: 'When it may be dialed (again); 0 = at once' }),
    lastOutcome: z.enum(ATTEMPT_OUTCOMES).nullable(),
    lastError: z.string().nullable(),
    activeAttemptId: z.string().nullable(),
    createdAt: epochMs,
    updatedAt: epochMs,
    lastAttempt: attemptSummarySchema.nullable(),
  })
  .openapi('Lead');

export const leadPageSchema = z
  .object({
    leads: z.array(leadSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `cursor` for the next page' }),
    hasMore: z.boolean(),
  })
  .openapi('LeadPage');

export const leadListQuery = z.object({
  state: z.enum(LEAD_STATES).optional(),
  outcome: z
    .enum(ATTEMPT_OUTCOMES)
    .optional()
    .openapi({ description: "The outcome of the lead's latest attempt" }),
  q: z.string().max(100).optional().openapi({
    description:
      'Search: a number (digits, + ( ) - . spaces) matches the start of the phone in any usual spelling, in phone order; other text matches the start of the name, any case, in name order',
    example: '415 555',
  }),
  limit: pageLimit,
  cursor: z.string().max(400).optional().openapi({ description: 'From the previous page' }),
});

/** The filters an export takes: the list's, without paging. */
export const leadExportQuery = leadListQuery.pick({ state: true, outcome: true, q: true });

export const newLeadSchema = z
  .object({
    phone: z.string().min(1).max(64).openapi({ example: '(415) 555-0101' }),
    name: z.string().max(4096).nullable().optional(),
    timezone: z.string().max(64).nullable().optional().openapi({ example: 'America/Los_Angeles' }),
    callerId: z.string().max(64).nullable().optional(),
    customVars: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .nullable()
      .optional()
      .openapi({ description: 'Passed to the AI target with the call; values stored as text' }),
  })
  .strict()
  .openapi('NewLead');

const issueSchema = z.object({
  field: z.string().nullable(),
  value: z.string().nullable(),
  reason: z.string(),
});

export const addedLeadSchema = z
  .object({
    lead: leadSchema,
    warnings: z.array(issueSchema).openapi({
      description: 'Fallbacks applied (unknown time zone, invalid caller id), a do-not-call block',
    }),
  })
  .openapi('AddedLead');

export const recycleBodySchema = z
  .object({
    mode: z.enum(['redial', 'reset']).openapi({
      description:
        'redial keeps the attempts and gives a fresh attempt budget; reset deletes the attempts',
    }),
  })
  .strict();

export const leadActionSchema = z.object({ lead: leadSchema }).openapi('LeadActionResult');

export const canceledLeadSchema = z
  .object({
    lead: leadSchema,
    canceled: z.enum(['pending', 'liveAttempt']).openapi({
      description: 'pending: it will never be dialed; liveAttempt: its call is being hung up',
    }),
  })
  .openapi('CanceledLead');

export const leadIdParam = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'l-3b8e' }),
});
