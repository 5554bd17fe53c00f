import { z } from '@hono/zod-openapi';
import { DIALING_STATUS_REASONS } from '../campaign/dialing-status.js';
import { abandonmentSchema } from './abandonment-view.js';
import { campaignSchema } from './campaign-schemas.js';

/** What a lifecycle action answers: the campaign after it, and the leads it canceled. */
export const actionResultSchema = z
  .object({ campaign: campaignSchema, canceledLeads: z.number().int() })
  .openapi('CampaignActionResult');

/** The body of `POST /api/campaigns/{id}/stop`; none means keep the pending leads. */
export const stopBodySchema = z
  .object({
    cancelPending: z
      .boolean()
      .default(false)
      .openapi({ description: 'Also cancel every pending lead: they will never be dialed.' }),
  })
  .strict();

/** A campaign's counters: leads by state, outcomes (all time and today), live calls by state. */
export const statsSchema = z
  .object({
    leads: z.record(z.string(), z.number().int()),
    outcomes: z.record(z.string(), z.number().int()),
    outcomesToday: z.record(z.string(), z.number().int()),
    live: z.record(z.string(), z.number().int()),
    liveTotal: z.number().int(),
    abandonment: abandonmentSchema,
  })
  .openapi('CampaignStats');

/** Why no call is starting now, with the server and campaign clocks and the window. */
export const statusSchema = z
  .object({
    dialing: z.boolean(),
    reason: z
      .enum(DIALING_STATUS_REASONS)
      .nullable()
      .openapi({ description: 'Why no call is starting now; null while dialing.' }),
    message: z.string().openapi({ example: 'outside the calling window; it opens at 09:00' }),
    detail: z.record(z.string(), z.unknown()),
    serverTime: z.number().int(),
    campaignTime: z.string().nullable(),
    window: z.object({
      open: z.boolean(),
      closesAt: z.number().int().nullable().optional(),
      opensAt: z.number().int().nullable().optional(),
      detail: z.string().nullable(),
    }),
    nextWindowOpensAt: z.number().int().nullable().openapi({
      description:
        "When the campaign's window opens next, or with `leadsOutsideWindow` when the first due lead's own window does (epoch ms).",
    }),
    nextDueAt: z.number().int().nullable(),
  })
  .openapi('DialingStatus');
