import { createRoute } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type { Clock } from '../calls/ports.js';
import type { AttemptListReader } from '../control/attempt-reads.js';
import type { CampaignControl } from '../control/campaign-control.js';
import type { CampaignRepository } from '../control/campaign-reads.js';
import type { LeadActionResult, LeadControl } from '../control/lead-control.js';
import type { LeadListReader } from '../control/lead-reads.js';
import { addLead } from '../intake/add-lead.js';
import type { LeadAddStore } from '../intake/lead-intake-ports.js';
import { ApiError, errorResponse, notFound, validationError } from './api-error.js';
import { createRouter } from './api-router.js';
import { leadAttemptsSchema } from './attempt-schemas.js';
import { campaignIdParam } from './campaign-schemas.js';
import { leadPage } from './lead-page.js';
import {
  addedLeadSchema,
  canceledLeadSchema,
  leadActionSchema,
  leadIdParam,
  leadListQuery,
  leadPageSchema,
  leadSchema,
  newLeadSchema,
  recycleBodySchema,
} from './lead-schemas.js';
import { issuePath, leadView } from './lead-views.js';
import type { LiveFeed } from './live-feed.js';
import { jsonResponse as json, jsonBody } from './openapi-content.js';

const TAG = ['Leads'];
const noCampaign = { 404: errorResponse('No such campaign') };
const noLead = { 404: errorResponse('No such lead') };

const routes = {
  list: createRoute({
    method: 'get',
    path: '/campaigns/{id}/leads',
    tags: TAG,
    summary: "A page of the campaign's leads with their latest attempt",
    description:
      'Import order by default; a search comes in phone or name order. Filters combine. Counts per state are in the campaign stats.',
    request: { params: campaignIdParam, query: leadListQuery },
    responses: {
      200: json(leadPageSchema, 'The page'),
      400: errorResponse('A bad filter, limit or cursor'),
      ...noCampaign,
    },
  }),
  add: createRoute({
    method: 'post',
    path: '/campaigns/{id}/leads',
    tags: TAG,
    summary: 'Add one lead, checked as a CSV row is',
    description:
      'The number is normalised (E.164) and must be new to the campaign; a number on a do-not-call list is stored as `dnc`, never dialed.',
    request: { params: campaignIdParam, body: jsonBody(newLeadSchema) },
    responses: {
      201: json(addedLeadSchema, 'The new lead, with any fallbacks applied'),
      400: errorResponse('Not a valid lead (details.issues, details.warnings)'),
      ...noCampaign,
      409: errorResponse(
        'The number is already a lead (details.leadId), or the campaign is archived',
      ),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/leads/{id}',
    tags: TAG,
    summary: 'Get a lead with its latest attempt',
    request: { params: leadIdParam },
    responses: { 200: json(leadSchema, 'The lead'), ...noLead },
  }),
  attempts: createRoute({
    method: 'get',
    path: '/leads/{id}/attempts',
    tags: TAG,
    summary: "The lead's call history: every attempt, newest first",
    request: { params: leadIdParam },
    responses: { 200: json(leadAttemptsSchema, 'Its attempts'), ...noLead },
  }),
  delete: createRoute({
    method: 'delete',
    path: '/leads/{id}',
    tags: TAG,
    summary: 'Delete a lead and its attempts',
    request: { params: leadIdParam },
    responses: {
      204: { description: 'Deleted' },
      ...noLead,
      409: errorResponse('The lead is being dialed; cancel it first'),
    },
  }),
  recycle: createRoute({
    method: 'post',
    path: '/leads/{id}/recycle',
    tags: TAG,
    summary: 'Send a finished lead back to pending, due at once',
    request: { params: leadIdParam, body: jsonBody(recycleBodySchema) },
    responses: {
      200: json(leadActionSchema, 'The lead, pending again'),
      400: errorResponse('No or an unknown mode'),
      ...noLead,
      409: errorResponse('The lead is not finished (pending or dialing)'),
    },
  }),
  ignore: createRoute({
    method: 'post',
    path: '/leads/{id}/ignore',
    tags: TAG,
    summary: 'Ignore a pending lead: it is canceled and never dialed',
    request: { params: leadIdParam },
    responses: {
      200: json(leadActionSchema, 'The lead, canceled'),
      ...noLead,
      409: errorResponse('The lead is not pending'),
    },
  }),
  cancel: createRoute({
    method: 'post',
    path: '/leads/{id}/cancel',
    tags: TAG,
    summary: 'Cancel a lead: a pending one is never dialed, a live call is hung up',
    request: { params: leadIdParam },
    responses: {
      200: json(canceledLeadSchema, 'The lead, and what was canceled'),
      ...noLead,
      409: errorResponse('The lead is finished already'),
    },
  }),
};

/** What the leads routes read and change. */
export interface LeadsRoutesDeps {
  /** Leads with their latest attempt, a page at a time. */
  leadList: LeadListReader;
  /** The operator's actions on one lead: recycle, ignore, delete. */
  leadControl: LeadControl;
  /** Canceling a lead whatever it is doing (its live call too). */
  control: Pick<CampaignControl, 'cancelLead'>;
  campaigns: Pick<CampaignRepository, 'get'>;
  attemptList: Pick<AttemptListReader, 'listByLead'>;
  /** Adding a lead by hand. */
  leadIntake: LeadAddStore;
  /** Tells live clients about the change (the engine does not report operator actions). */
  liveFeed: Pick<LiveFeed, 'leadsChanged'>;
  clock: Clock;
  newId(): string;
  log: Logger;
}

/**
 * Leads: `/api/campaigns/{id}/leads` (the leads table, adding one by hand) and
 * `/api/leads/{id}` (one lead, its call history, the operator's actions on it).
 */
export function leadsRoutes(deps: LeadsRoutesDeps) {
  const { leadList, leadControl, clock, log } = deps;

  async function load(id: string) {
    const lead = await leadList.get(id);
    if (lead === undefined) throw notFound('lead', id);
    return leadView(lead);
  }

  async function acted(id: string, result: LeadActionResult) {
    if (!result.ok) {
      throw result.reason === 'notFound'
        ? notFound('lead', id)
        : new ApiError('conflict', result.message, { state: result.state });
    }
    const lead = await load(id);
    deps.liveFeed.leadsChanged(lead.campaignId, [id]);
    return { lead };
  }

  return createRouter()
    .openapi(routes.list, async (c) => {
      const { id } = c.req.valid('param');
      const campaign = await deps.campaigns.get(id);
      if (campaign === undefined) throw notFound('campaign', id);
      const page = await leadPage(leadList, campaign, c.req.valid('query'));
      return c.json({ ...page, leads: page.leads.map(leadView) }, 200);
    })
    .openapi(routes.add, async (c) => {
      const { id } = c.req.valid('param');
      const result = await addLead(
        { store: deps.leadIntake, clock, newLeadId: deps.newId },
        id,
        c.req.valid('json'),
      );
      if (!result.ok) {
        switch (result.reason) {
          case 'campaignNotFound':
            throw notFound('campaign', id);
          case 'campaignClosed':
            throw new ApiError('conflict', result.message);
          case 'invalidCampaign':
            throw new ApiError('conflict', `the campaign cannot read numbers: ${result.message}`);
          case 'duplicatePhone':
            throw new ApiError('conflict', 'the number is already a lead of this campaign', {
              leadId: result.leadId,
            });
          case 'invalid': {
            const issues = result.errors.map((issue) => ({
              path: issuePath(issue),
              message: issue.reason,
            }));
            throw new ApiError('validation', validationError(issues).message, {
              issues,
              warnings: result.warnings,
            });
          }
        }
      }
      log.info({ campaignId: id, leadId: result.leadId, state: result.state }, 'lead added');
      deps.liveFeed.leadsChanged(id, [result.leadId]);
      return c.json({ lead: await load(result.leadId), warnings: result.warnings }, 201);
    })
    .openapi(routes.get, async (c) => c.json(await load(c.req.valid('param').id), 200))
    .openapi(routes.attempts, async (c) => {
      const { id } = c.req.valid('param');
      await load(id);
      return c.json({ attempts: await deps.attemptList.listByLead(id) }, 200);
    })
    .openapi(routes.delete, async (c) => {
      const { id } = c.req.valid('param');
      const result = await leadControl.delete(id);
      if (!result.ok) {
        throw result.reason === 'notFound'
          ? notFound('lead', id)
          : new ApiError('conflict', result.message, { state: result.state });
      }
      deps.liveFeed.leadsChanged(result.campaignId, [id]);
      return c.body(null, 204);
    })
    .openapi(routes.recycle, async (c) => {
      const { id } = c.req.valid('param');
      const { mode } = c.req.valid('json');
      return c.json(await acted(id, await leadControl.recycle(id, mode)), 200);
    })
    .openapi(routes.ignore, async (c) => {
      const { id } = c.req.valid('param');
      return c.json(await acted(id, await leadControl.ignore(id)), 200);
    })
    .openapi(routes.cancel, async (c) => {
      const { id } = c.req.valid('param');
      const result = await deps.control.cancelLead(id);
      if (!result.ok) {
        throw result.reason === 'notFound'
          ? notFound('lead', id)
          : new ApiError(
              'conflict',
              `cannot cancel a lead that is ${result.state}; only pending and dialing leads can be`,
              { state: result.state },
            );
      }
      log.info({ leadId: id, canceled: result.canceled }, 'lead canceled');
      const lead = await load(id);
      deps.liveFeed.leadsChanged(lead.campaignId, [id]);
      return c.json({ lead, canceled: result.canceled }, 200);
    });
}
