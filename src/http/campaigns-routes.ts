import { createRoute, z } from '@hono/zod-openapi';
import type { Clock } from '../calls/ports.js';
import type { Campaign } from '../campaign/campaign.js';
import type { DialingStatus } from '../campaign/dialing-status.js';
import type { AbandonmentReader } from '../compliance/abandonment-reads.js';
import type { CampaignControl } from '../control/campaign-control.js';
import type { CampaignEditing, CampaignEditResult } from '../control/campaign-editing.js';
import type { CampaignRepository, CampaignStatsReader } from '../control/campaign-reads.js';
import { abandonmentView } from './abandonment-view.js';
import { ApiError, errorResponse, notFound, validationError } from './api-error.js';
import { createRouter } from './api-router.js';
import {
  campaignIdParam,
  campaignPatchSchema,
  campaignSchema,
  newCampaignSchema,
} from './campaign-schemas.js';
import { statsSchema, statusSchema } from './campaign-status-schemas.js';
import { campaignView, dialingStatusView, startOfCampaignDay } from './campaign-views.js';
import type { LiveFeed } from './live-feed.js';
import { jsonResponse as json, jsonBody } from './openapi-content.js';

const TAG = ['Campaigns'];

const byId = { params: campaignIdParam };
const notFoundResponse = { 404: errorResponse('No such campaign') };

const routes = {
  list: createRoute({
    method: 'get',
    path: '/',
    tags: TAG,
    summary: 'List campaigns, oldest first',
    responses: {
      200: json(z.object({ campaigns: z.array(campaignSchema) }), 'Every campaign'),
    },
  }),
  create: createRoute({
    method: 'post',
    path: '/',
    tags: TAG,
    summary: 'Create a campaign (as a draft)',
    request: { body: jsonBody(newCampaignSchema) },
    responses: {
      201: json(campaignSchema, 'The new campaign'),
      400: errorResponse(
        'Invalid settings, or a recording id that names no recording (details.issues has each, e.g. body.consent.recordingId)',
      ),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/{id}',
    tags: TAG,
    summary: 'Get a campaign',
    request: byId,
    responses: { 200: json(campaignSchema, 'The campaign'), ...notFoundResponse },
  }),
  patch: createRoute({
    method: 'patch',
    path: '/{id}',
    tags: TAG,
    summary: 'Change some settings (nested objects are replaced whole)',
    request: { ...byId, body: jsonBody(campaignPatchSchema) },
    responses: {
      200: json(campaignSchema, 'The changed campaign'),
      400: errorResponse(
        'Invalid settings, or a recording id that names no recording (details.issues has each)',
      ),
      ...notFoundResponse,
      409: errorResponse('The campaign is archived'),
    },
  }),
  delete: createRoute({
    method: 'delete',
    path: '/{id}',
    tags: TAG,
    summary: 'Delete a campaign with its leads and history',
    request: byId,
    responses: {
      204: { description: 'Deleted' },
      ...notFoundResponse,
      409: errorResponse('The campaign is running or has live calls'),
    },
  }),
  clone: createRoute({
    method: 'post',
    path: '/{id}/clone',
    tags: TAG,
    summary: 'Copy the settings into a new draft campaign (without leads)',
    request: byId,
    responses: { 201: json(campaignSchema, 'The copy'), ...notFoundResponse },
  }),
  stats: createRoute({
    method: 'get',
    path: '/{id}/stats',
    tags: TAG,
    summary: 'Lead states, outcomes (all time and today, campaign time) and live calls by state',
    request: byId,
    responses: { 200: json(statsSchema, 'Counters'), ...notFoundResponse },
  }),
  status: createRoute({
    method: 'get',
    path: '/{id}/status',
    tags: TAG,
    summary: 'Why no call is starting now, with the clocks and the calling window',
    request: byId,
    responses: { 200: json(statusSchema, 'The dialing status'), ...notFoundResponse },
  }),
};

/**
 * `/api/campaigns`: campaign settings, counters and dialing status; the lifecycle actions
 * are in campaign-actions-routes.ts.
 */
/** What the campaign routes read and change. */
export interface CampaignsRoutesDeps {
  campaigns: Pick<CampaignRepository, 'get' | 'list'>;
  campaignStats: Pick<CampaignStatsReader, 'stats'>;
  /** Abandoned calls per campaign over the rules' windows. */
  abandonment: Pick<AbandonmentReader, 'stats'>;
  /** How soon a person must be attended for the call not to count as abandoned (ms). */
  abandonThresholdMs: number;
  /** Creating, changing and cloning campaigns, with their rules. */
  editing: CampaignEditing;
  control: Pick<CampaignControl, 'delete'>;
  /** Why the campaign is not starting a call now (the scheduler's answer); undefined if unknown. */
  dialingStatus(campaignId: string): Promise<DialingStatus | undefined>;
  liveFeed: Pick<LiveFeed, 'campaignChanged'>;
  clock: Clock;
}

export function campaignsRoutes(deps: CampaignsRoutesDeps) {
  const { campaigns, clock } = deps;

  async function load(id: string): Promise<Campaign> {
    const campaign = await campaigns.get(id);
    if (campaign === undefined) throw notFound('campaign', id);
    return campaign;
  }

  /** The campaign written, or the refusal as the API answers it. */
  function edited(id: string | null, result: CampaignEditResult): Campaign {
    if (result.ok) return result.campaign;
    switch (result.reason) {
      case 'notFound':
        throw notFound('campaign', id ?? '');
      case 'archived':
        throw new ApiError('conflict', result.message);
      case 'invalid':
        throw validationError(
          result.issues.map((issue) => ({ path: `body.${issue.field}`, message: issue.message })),
        );
    }
  }

  return createRouter()
    .openapi(routes.list, async (c) => {
      const all = await campaigns.list();
      return c.json({ campaigns: all.map(campaignView) }, 200);
    })
    .openapi(routes.create, async (c) => {
      const campaign = edited(null, await deps.editing.create(c.req.valid('json')));
      deps.liveFeed.campaignChanged(campaign.id);
      return c.json(campaignView(campaign), 201);
    })
    .openapi(routes.get, async (c) =>
      c.json(campaignView(await load(c.req.valid('param').id)), 200),
    )
    .openapi(routes.patch, async (c) => {
      const { id } = c.req.valid('param');
      const campaign = edited(id, await deps.editing.update(id, c.req.valid('json')));
      deps.liveFeed.campaignChanged(id);
      return c.json(campaignView(campaign), 200);
    })
    .openapi(routes.delete, async (c) => {
      const { id } = c.req.valid('param');
      const result = await deps.control.delete(id);
      if (!result.ok) {
        if (result.reason === 'notFound') throw notFound('campaign', id);
        const details = result.live === undefined ? undefined : { live: result.live };
        throw new ApiError('conflict', result.message, details);
      }
      return c.body(null, 204);
    })
    .openapi(routes.clone, async (c) => {
      const { id } = c.req.valid('param');
      const copy = edited(id, await deps.editing.clone(id));
      deps.liveFeed.campaignChanged(copy.id);
      return c.json(campaignView(copy), 201);
    })
    .openapi(routes.stats, async (c) => {
      const campaign = await load(c.req.valid('param').id);
      const since = startOfCampaignDay(campaign, clock.now());
      const { outcomesSince, ...stats } = await deps.campaignStats.stats(campaign.id, since);
      const abandonment = await deps.abandonment.stats(campaign.id, clock.now());
      return c.json(
        {
          ...stats,
          outcomesToday: outcomesSince,
          abandonment: abandonmentView(abandonment, campaign, deps.abandonThresholdMs),
        },
        200,
      );
    })
    .openapi(routes.status, async (c) => {
      const campaign = await load(c.req.valid('param').id);
      const status = await deps.dialingStatus(campaign.id);
      if (status === undefined) throw notFound('campaign', campaign.id);
      return c.json(dialingStatusView(campaign, status, clock.now()), 200);
    });
}
