import { createRoute } from '@hono/zod-openapi';
import type { CampaignActionResult, CampaignControl } from '../control/campaign-control.js';
import type { CampaignRepository } from '../control/campaign-reads.js';
import { ApiError, errorResponse, notFound } from './api-error.js';
import { createRouter } from './api-router.js';
import { campaignIdParam } from './campaign-schemas.js';
import { actionResultSchema, stopBodySchema } from './campaign-status-schemas.js';
import { campaignView } from './campaign-views.js';
import type { LiveFeed } from './live-feed.js';
import { jsonResponse as json } from './openapi-content.js';

const TAG = ['Campaigns'];
const byId = { params: campaignIdParam };

const actionResponses = {
  200: json(actionResultSchema, 'The campaign after the action'),
  404: errorResponse('No such campaign'),
  409: errorResponse(
    'Not allowed from the current status, or preconditions unmet (details.problems)',
  ),
};
const actionRoute = (action: string, summary: string) =>
  createRoute({
    method: 'post',
    path: `/{id}/${action}`,
    tags: TAG,
    summary,
    request: byId,
    responses: actionResponses,
  });

const stopRoute = createRoute({
  method: 'post',
  path: '/{id}/stop',
  tags: TAG,
  summary: 'Stop the campaign; optionally cancel its pending leads',
  request: {
    ...byId,
    body: { required: false, content: { 'application/json': { schema: stopBodySchema } } },
  },
  responses: { ...actionResponses, 400: errorResponse('A body other than { cancelPending }') },
});

/** Maps the control's refusal to the API's error. */
function actionError(campaignId: string, result: Exclude<CampaignActionResult, { ok: true }>) {
  switch (result.reason) {
    case 'notFound':
      return notFound('campaign', campaignId);
    case 'notAllowed':
    case 'conflict':
      return new ApiError('conflict', result.message);
    case 'preconditions':
      return new ApiError(
        'conflict',
        `the campaign cannot start: ${result.problems.map((p) => p.message).join('; ')}`,
        { problems: result.problems },
      );
  }
}

/**
 * `/api/campaigns/{id}/start|pause|stop|archive|unarchive`: the lifecycle actions, which
 * the campaign control checks against the transition table.
 */
/** What the lifecycle actions read and change. */
export interface CampaignActionsRoutesDeps {
  campaigns: Pick<CampaignRepository, 'get'>;
  control: Pick<CampaignControl, 'start' | 'pause' | 'stop' | 'archive' | 'unarchive'>;
  /** Tells live clients about the change (the engine does not report operator actions). */
  liveFeed: Pick<LiveFeed, 'campaignChanged' | 'leadsChanged'>;
}

export function campaignActionsRoutes(deps: CampaignActionsRoutesDeps) {
  const { campaigns, control } = deps;

  async function acted(id: string, result: CampaignActionResult) {
    if (!result.ok) throw actionError(id, result);
    if (result.canceledLeads > 0) deps.liveFeed.leadsChanged(id, null);
    else deps.liveFeed.campaignChanged(id);
    const campaign = await campaigns.get(id);
    if (campaign === undefined) throw notFound('campaign', id);
    return { campaign: campaignView(campaign), canceledLeads: result.canceledLeads };
  }

  return createRouter()
    .openapi(actionRoute('start', 'Start, resume or restart dialing'), async (c) => {
      const { id } = c.req.valid('param');
      return c.json(await acted(id, await control.start(id)), 200);
    })
    .openapi(actionRoute('pause', 'Stop starting new calls; live calls finish'), async (c) => {
      const { id } = c.req.valid('param');
      return c.json(await acted(id, await control.pause(id)), 200);
    })
    .openapi(stopRoute, async (c) => {
      const { id } = c.req.valid('param');
      const { cancelPending } = c.req.valid('json') ?? { cancelPending: false };
      return c.json(await acted(id, await control.stop(id, { cancelPending })), 200);
    })
    .openapi(actionRoute('archive', 'Archive a finished campaign'), async (c) => {
      const { id } = c.req.valid('param');
      return c.json(await acted(id, await control.archive(id)), 200);
    })
    .openapi(actionRoute('unarchive', 'Bring an archived campaign back'), async (c) => {
      const { id } = c.req.valid('param');
      return c.json(await acted(id, await control.unarchive(id)), 200);
    });
}
