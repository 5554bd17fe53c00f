import { createRoute, z } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type { AttemptJournal } from '../calls/ports.js';
import { replayStoredAttempt } from '../calls/replay-stored-attempt.js';
import type { AttemptCursor, AttemptListReader, AttemptListRow } from '../control/attempt-reads.js';
import type { CampaignControl } from '../control/campaign-control.js';
import type { CampaignRepository } from '../control/campaign-reads.js';
import { ATTEMPT_MACHINE_VERSION } from '../machines/attempt.js';
import { ApiError, errorResponse, notFound } from './api-error.js';
import { createRouter } from './api-router.js';
import {
  attemptIdParam,
  attemptPageQuery,
  attemptPageSchema,
  attemptSchema,
  attemptTimelineSchema,
} from './attempt-schemas.js';
import { campaignIdParam } from './campaign-schemas.js';
import { type CsvCell, csvDownload, csvRows, isoTime, seconds } from './csv-download.js';
import type { LiveFeed } from './live-feed.js';
import { csvResponse, jsonResponse as json } from './openapi-content.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';

const TAG = ['Attempts'];
const noCampaign = { 404: errorResponse('No such campaign') };
const noAttempt = { 404: errorResponse('No such attempt') };
/** Attempts read per batch of an export. */
const EXPORT_BATCH = 1000;

const attemptCursorSchema: z.ZodType<AttemptCursor> = z.object({
  createdAt: z.number().int(),
  rowid: z.number().int(),
});

const EXPORT_COLUMNS = [
  'attempt_id',
  'lead_id',
  'phone',
  'name',
  'attempt_number',
  'created_at',
  'started_at',
  'answered_at',
  'ended_at',
  'duration_s',
  'talk_s',
  'state',
  'outcome',
  'error',
  'dial_status',
  'hangup_cause',
  'far_end_cause',
  'amd_status',
  'amd_cause',
  'digits',
  'machine_version',
] as const;

function exportRow(a: AttemptListRow): CsvCell[] {
  return [
    a.id,
    a.leadId,
    a.phone,
    a.leadName,
    a.attemptNumber,
    isoTime(a.createdAt),
    isoTime(a.startedAt),
    isoTime(a.answeredAt),
    isoTime(a.endedAt),
    seconds(a.durationMs),
    seconds(a.talkMs),
    a.state,
    a.outcome,
    a.error,
    a.dialStatus,
    a.hangupCause,
    a.farEndCause,
    a.amdStatus,
    a.amdCause,
    a.digits,
    a.machineVersion,
  ];
}

const routes = {
  list: createRoute({
    method: 'get',
    path: '/campaigns/{id}/attempts',
    tags: TAG,
    summary: "A page of the campaign's attempts, newest first",
    request: { params: campaignIdParam, query: attemptPageQuery },
    responses: {
      200: json(attemptPageSchema, 'The page'),
      400: errorResponse('A bad limit or cursor'),
      ...noCampaign,
    },
  }),
  export: createRoute({
    method: 'get',
    path: '/campaigns/{id}/attempts/export.csv',
    tags: TAG,
    summary: 'Every attempt of the campaign as CSV, oldest first (streamed)',
    request: { params: campaignIdParam },
    responses: {
      200: csvResponse('The attempts'),
      ...noCampaign,
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/attempts/{id}',
    tags: TAG,
    summary: 'Get an attempt',
    request: { params: attemptIdParam },
    responses: { 200: json(attemptSchema, 'The attempt'), ...noAttempt },
  }),
  timeline: createRoute({
    method: 'get',
    path: '/attempts/{id}/timeline',
    tags: TAG,
    summary: "An attempt's timeline: state spans, events with their commands, replay check",
    description:
      'What `dialstate replay` prints: every journaled event with the state it led to and the commands it caused, the time spent in each state, and whether this build reproduces the journal.',
    request: { params: attemptIdParam },
    responses: { 200: json(attemptTimelineSchema, 'The timeline'), ...noAttempt },
  }),
  cancel: createRoute({
    method: 'post',
    path: '/attempts/{id}/cancel',
    tags: TAG,
    summary: 'Cancel a live attempt: its call is hung up and it ends canceled',
    request: { params: attemptIdParam },
    responses: {
      200: json(attemptSchema, 'The attempt, hanging up'),
      ...noAttempt,
      409: errorResponse('The attempt has ended already'),
    },
  }),
};

/**
 * Attempts: `/api/campaigns/{id}/attempts` (the call log and its CSV) and
 * `/api/attempts/{id}` (one attempt, its timeline, canceling it).
 */
/** What the attempts routes read and change. */
export interface AttemptsRoutesDeps {
  attemptList: AttemptListReader;
  campaigns: Pick<CampaignRepository, 'get'>;
  /** Attempts and their journals, for timelines and replay. */
  journal: Pick<AttemptJournal, 'loadAttempt' | 'loadEntries'>;
  control: Pick<CampaignControl, 'cancelAttempt'>;
  liveFeed: Pick<LiveFeed, 'campaignChanged'>;
  log: Logger;
}

export function attemptsRoutes(deps: AttemptsRoutesDeps) {
  const { attemptList } = deps;

  async function load(id: string) {
    const attempt = await attemptList.get(id);
    if (attempt === undefined) throw notFound('attempt', id);
    return attempt;
  }
  async function campaignOf(id: string) {
    const campaign = await deps.campaigns.get(id);
    if (campaign === undefined) throw notFound('campaign', id);
    return campaign;
  }

  return createRouter()
    .openapi(routes.list, async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      await campaignOf(id);
      const after = cursor === undefined ? undefined : decodeCursor(cursor, attemptCursorSchema);
      const page = await attemptList.pageByCampaign(id, { limit, after });
      const nextCursor = page.next === null ? null : encodeCursor(page.next);
      return c.json({ attempts: page.attempts, nextCursor, hasMore: page.next !== null }, 200);
    })
    .openapi(routes.export, async (c) => {
      const campaign = await campaignOf(c.req.valid('param').id);
      async function* batches() {
        let after: AttemptCursor | undefined;
        do {
          const page = await attemptList.pageByCampaign(campaign.id, {
            limit: EXPORT_BATCH,
            after,
            order: 'oldest',
          });
          yield page.attempts.map(exportRow);
          after = page.next ?? undefined;
        } while (after !== undefined);
      }
      deps.log.info({ campaignId: campaign.id }, 'attempt export');
      const name = `attempts-${campaign.id}.csv`;
      return csvDownload(name, csvRows(EXPORT_COLUMNS, batches()), deps.log);
    })
    .openapi(routes.get, async (c) => c.json(await load(c.req.valid('param').id), 200))
    .openapi(routes.timeline, async (c) => {
      const { id } = c.req.valid('param');
      const replayed = await replayStoredAttempt(deps.journal, id);
      if (replayed === undefined) throw notFound('attempt', id);
      const { attempt, timeline, replay } = replayed;
      const facts = attempt.snapshot.context;
      return c.json(
        {
          attemptId: id,
          campaignId: attempt.campaignId,
          leadId: attempt.leadId,
          number: attempt.input.number,
          dialString: attempt.input.endpoint ?? null,
          endedBy: facts.endedBy ?? null,
          transferredTo: facts.transferredTo ?? null,
          machineVersion: attempt.machineVersion,
          currentMachineVersion: ATTEMPT_MACHINE_VERSION,
          live: !attempt.done,
          outcome: facts.outcome,
          error: facts.error,
          talkMs: replayed.talkMs,
          spans: timeline.spans,
          markers: timeline.markers.map((marker) => ({
            seq: marker.seq,
            at: marker.at,
            type: marker.event.type,
            event: { ...marker.event },
            stateAfter: marker.stateAfter,
            commands: marker.commands.map((command) => ({
              type: command.type,
              params: { ...command.params },
            })),
          })),
          replay: {
            status: replay.status,
            seq: replay.status === 'mismatch' ? replay.seq : null,
            message: replay.status === 'ok' ? null : replay.message,
          },
        },
        200,
      );
    })
    .openapi(routes.cancel, async (c) => {
      const { id } = c.req.valid('param');
      const attempt = await load(id);
      if (!attempt.live || !(await deps.control.cancelAttempt(id))) {
        throw new ApiError(
          'conflict',
          `the attempt has ended already (${attempt.outcome ?? attempt.state})`,
          { outcome: attempt.outcome },
        );
      }
      deps.liveFeed.campaignChanged(attempt.campaignId);
      return c.json(await load(id), 200);
    });
}
