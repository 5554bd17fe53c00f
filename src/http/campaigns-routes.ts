import { createRoute, z } from '@hono/zod-openapi';
import type { Campaign, CampaignSettings } from '../campaign/campaign.js';
import { CAMPAIGN_DEFAULTS } from '../campaign/campaign-defaults.js';
import type { ApiDeps } from './api-deps.js';
import { ApiError, errorResponse, notFound, validationError } from './api-error.js';
import { createRouter } from './api-router.js';
import {
  campaignIdParam,
  campaignPatchSchema,
  campaignSchema,
  newCampaignSchema,
} from './campaign-schemas.js';
import { statsSchema, statusSchema } from './campaign-status-schemas.js';
import { checkCampaignReferences, checkCampaignSettings } from './campaign-validation.js';
import { campaignView, dialingStatusView, startOfCampaignDay } from './campaign-views.js';
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
export function campaignsRoutes(deps: ApiDeps) {
  const { campaigns, clock } = deps;
  const recordingExists = async (id: string) => (await deps.recordings.get(id)) !== undefined;

  /** Refuses settings with every problem at once: field rules across fields, then references. */
  async function checkOrThrow(settings: CampaignSettings, given: Partial<CampaignSettings>) {
    const issues = [
      ...checkCampaignSettings(settings),
      ...(await checkCampaignReferences(given, recordingExists)),
    ];
    if (issues.length > 0) throw validationError(issues);
  }

  async function load(id: string): Promise<Campaign> {
    const campaign = await campaigns.get(id);
    if (campaign === undefined) throw notFound('campaign', id);
    return campaign;
  }

  return createRouter()
    .openapi(routes.list, async (c) => {
      const all = await campaigns.list();
      return c.json({ campaigns: all.map(campaignView) }, 200);
    })
    .openapi(routes.create, async (c) => {
      const given = c.req.valid('json');
      const settings = { ...CAMPAIGN_DEFAULTS, ...given };
      await checkOrThrow(settings, given);
      const at = clock.now();
      const campaign: Campaign = {
        ...settings,
        id: deps.newId(),
        status: 'draft',
        statusReason: null,
        createdAt: at,
        updatedAt: at,
      };
      await campaigns.insert(campaign);
      deps.liveFeed.campaignChanged(campaign.id);
      deps.log.info({ campaignId: campaign.id }, 'campaign created');
      return c.json(campaignView(campaign), 201);
    })
    .openapi(routes.get, async (c) =>
      c.json(campaignView(await load(c.req.valid('param').id)), 200),
    )
    .openapi(routes.patch, async (c) => {
      const { id } = c.req.valid('param');
      const patch = c.req.valid('json');
      const current = await load(id);
      if (current.status === 'archived') {
        throw new ApiError('conflict', 'an archived campaign cannot change; unarchive it first');
      }
      await checkOrThrow({ ...current, ...patch }, patch);
      if (!(await campaigns.update(id, patch, clock.now()))) throw notFound('campaign', id);
      deps.liveFeed.campaignChanged(id);
      return c.json(campaignView(await load(id)), 200);
    })
    .openapi(routes.delete, async (c) => {
      const { id } = c.req.valid('param');
      const campaign = await load(id);
      if (campaign.status === 'running') {
        throw new ApiError('conflict', 'a running campaign cannot be deleted; stop it first');
      }
      const live = await deps.campaignStats.countOpenAttempts(id);
      if (live > 0) {
        throw new ApiError(
          'conflict',
          `the campaign has ${live} live call${live === 1 ? '' : 's'}; wait for them to end`,
          { live },
        );
      }
      if (!(await campaigns.delete(id, clock.now()))) throw notFound('campaign', id);
      // Gone for every reader now; its rows are removed in slices in the background.
      deps.campaignPurge.wake();
      deps.log.info({ campaignId: id }, 'campaign deleted');
      return c.body(null, 204);
    })
    .openapi(routes.clone, async (c) => {
      const source = await load(c.req.valid('param').id);
      const at = clock.now();
      const copy: Campaign = {
        ...source,
        id: deps.newId(),
        name: `${source.name} (copy)`.slice(0, 120),
        status: 'draft',
        statusReason: null,
        createdAt: at,
        updatedAt: at,
      };
      await campaigns.insert(copy);
      deps.liveFeed.campaignChanged(copy.id);
      return c.json(campaignView(copy), 201);
    })
    .openapi(routes.stats, async (c) => {
      const campaign = await load(c.req.valid('param').id);
      const since = startOfCampaignDay(campaign, clock.now());
      const { outcomesSince, ...stats } = await deps.campaignStats.stats(campaign.id, since);
      return c.json({ ...stats, outcomesToday: outcomesSince }, 200);
    })
    .openapi(routes.status, async (c) => {
      const campaign = await load(c.req.valid('param').id);
      const status = await deps.dialingStatus(campaign.id);
      if (status === undefined) throw notFound('campaign', campaign.id);
      return c.json(dialingStatusView(campaign, status, clock.now()), 200);
    });
}
