import { createRoute, z } from '@hono/zod-openapi';
import type { Clock } from '../calls/ports.js';
import { type OptOutStore, recordOptOut } from '../compliance/opt-out.js';
import { ApiError, errorResponse } from './api-error.js';
import { createRouter } from './api-router.js';
import { jsonBody, jsonResponse } from './openapi-content.js';

const id = z.string().min(1).max(200);

export const optOutRequestSchema = z
  .object({
    attemptId: id.optional().openapi({ description: 'The attempt of the call.' }),
    channelId: id.optional().openapi({
      description: "dialstate's ARI channel id for the call (`dialstate-<attempt id>`).",
    }),
    leadId: id.optional().openapi({
      description: "The lead (AAVA's `AAVA_LEAD_ID`): its latest attempt is the call.",
    }),
    phone: z.string().min(1).max(64).optional().openapi({
      description:
        "The number the call dialed (AAVA's `AAVA_OUTBOUND_PHONE`); when given it must match, as a guard against a mis-templated id.",
    }),
    scope: z.enum(['global', 'campaign']).default('global').openapi({
      description:
        "The list the number goes on: the global one (default: the callee asked the business, not one campaign) or the call's campaign's.",
    }),
    reason: z.string().max(500).nullable().optional().openapi({
      description: 'The words or reason the callee gave, e.g. "do not call me again".',
    }),
  })
  .strict()
  .openapi('OptOutRequest');

export const optOutSchema = z
  .object({
    phone: z.string().openapi({ description: 'The number listed, normalised.' }),
    list: z.string().openapi({ description: '`global`, or the id of the campaign whose list.' }),
    reason: z.string().nullable(),
    listedAt: z.number().int().openapi({ description: 'When it was listed (epoch ms).' }),
    source: z
      .object({
        kind: z.string().nullable().openapi({
          description: '`opt_out` when a callee asked; null when an operator listed it first.',
        }),
        campaignId: z.string().nullable(),
        attemptId: z.string().nullable(),
      })
      .openapi({ description: 'Where the listing came from: the first one stays.' }),
  })
  .openapi('OptOut');

const route = createRoute({
  method: 'post',
  path: '/opt-outs',
  tags: ['Do-not-call'],
  summary: 'Record a callee asking not to be called again, during the call',
  description:
    "For the AI agent's tools: the call's number goes on the do-not-call list with the campaign, the attempt, the time and the reason as its source. Name the call with exactly one of `attemptId`, `channelId` or `leadId`. Idempotent: asking again changes nothing and answers the same.",
  request: { body: jsonBody(optOutRequestSchema) },
  responses: {
    200: jsonResponse(optOutSchema, 'The number is on the list (now or already)'),
    400: errorResponse('No call named, several named, or `phone` is not the number called'),
    404: errorResponse('No such attempt, or the lead does not exist or was never called'),
  },
});

/** What the opt-out route records. */
export interface OptOutRoutesDeps {
  /** Callees' opt-outs asked during their call. */
  optOuts: OptOutStore;
  clock: Pick<Clock, 'now'>;
  log: { info(fields: object, message: string): void };
}

/** `/api/opt-outs`: a callee's "do not call me again", from the AI agent during the call. */
export function optOutRoutes(deps: OptOutRoutesDeps) {
  return createRouter().openapi(route, async (c) => {
    const result = await recordOptOut(
      { store: deps.optOuts, clock: deps.clock },
      c.req.valid('json'),
    );
    if (!result.ok) {
      const code = result.reason === 'callNotFound' ? 'notFound' : 'validation';
      throw new ApiError(code, result.message, { reason: result.reason });
    }
    const { entry, call, changed } = result;
    if (changed) {
      deps.log.info(
        { attemptId: call.attemptId, campaignId: call.campaignId, leadId: call.leadId },
        'callee opted out',
      );
    }
    return c.json(
      {
        phone: entry.phone,
        list: entry.campaignId ?? 'global',
        reason: entry.reason,
        listedAt: entry.createdAt,
        source: {
          kind: entry.source,
          campaignId: entry.sourceCampaignId,
          attemptId: entry.sourceAttemptId,
        },
      },
      200,
    );
  });
}
