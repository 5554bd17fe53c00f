import { z } from '@hono/zod-openapi';
import { ATTEMPT_OUTCOMES } from '../machines/attempt-types.js';
import { campaignSchema } from './campaign-schemas.js';
import { statsSchema } from './campaign-status-schemas.js';
import { countsSchema } from './lead-import-schemas.js';

/**
 * The events of `GET /api/events`, one schema per SSE event name, for every side: the
 * server publishes values of these types, the web takes its types from here (types
 * only, so it bundles no zod), and the tests parse what they receive through them.
 */

/** `attempt`: an attempt's transition, sent once it is in the journal. */
export const attemptEventSchema = z
  .object({
    attemptId: z.string(),
    leadId: z.string(),
    campaignId: z.string(),
    seq: z.number().int().openapi({ description: "The transition's number within its attempt" }),
    event: z.string().openapi({ description: 'What happened: the machine event type' }),
    at: z.number().int().openapi({ description: 'When it happened (epoch ms)' }),
    state: z.string().openapi({ description: 'The state the attempt is in after it' }),
    done: z.boolean(),
    outcome: z.enum(ATTEMPT_OUTCOMES).nullable(),
  })
  .openapi('LiveAttemptEvent');

/** `campaign`: the campaign and its counters, at most every 250 ms per campaign while it changes. */
export const campaignEventSchema = z
  .object({
    campaign: campaignSchema,
    // The abandoned-call rates are read over 30 days of calls: GET …/stats has them.
    stats: statsSchema.omit({ abandonment: true }),
  })
  .openapi('LiveCampaignEvent');

/** `leads`: leads changed other than by a call; `leadIds` null when many did (reload the list). */
export const leadsEventSchema = z
  .object({ campaignId: z.string(), leadIds: z.array(z.string()).nullable() })
  .openapi('LiveLeadsEvent');

/**
 * `import`: a background import's progress (files over 1 MiB): at most 4 a second while
 * it runs, then once with `state` completed or failed when it has ended.
 */
export const importEventSchema = z
  .object({
    importId: z.string(),
    campaignId: z.string(),
    fileName: z.string(),
    state: z
      .enum(['running', 'completed', 'failed'])
      .openapi({ description: '`running` until the import has ended' }),
    phase: z.enum(['reading', 'merging', 'completed', 'failed']),
    percent: z
      .number()
      .nullable()
      .openapi({ description: '0 to 100, to a tenth; null when the file size is unknown' }),
    rowsRead: z.number().int(),
    rowsPerSecond: z.number().int(),
    elapsedMs: z.number().int(),
    counts: countsSchema,
    error: z
      .string()
      .nullable()
      .openapi({ description: 'Why it failed, when it ended without an import record' }),
  })
  .openapi('LiveImportEvent');

/**
 * `ready` (the stream is open) and `reset` (events were missed: reload state): control
 * frames whose data is always `{}`.
 */
export const controlEventSchema = z.object({}).strict().openapi('LiveControlEvent');

/** The data schema of each SSE event name. */
export const liveEventSchemas = {
  attempt: attemptEventSchema,
  campaign: campaignEventSchema,
  leads: leadsEventSchema,
  import: importEventSchema,
  ready: controlEventSchema,
  reset: controlEventSchema,
} as const;

/** Every SSE event name of `/api/events`. */
export type LiveEventName = keyof typeof liveEventSchemas;
/** The events the feed publishes; `ready` and `reset` come from the stream itself. */
export type LiveDataEventName = Exclude<LiveEventName, 'ready' | 'reset'>;
/** The data of each event, by name. */
export type LiveEventData = { [K in LiveEventName]: z.infer<(typeof liveEventSchemas)[K]> };
/** One event with its name and data, as a discriminated union. */
export type LiveEventMessage<K extends LiveEventName = LiveEventName> = {
  [N in K]: { type: N; data: LiveEventData[N] };
}[K];

function isLiveEventName(name: string): name is LiveEventName {
  return Object.hasOwn(liveEventSchemas, name);
}

/**
 * Reads one received SSE event (its name and data line) through its schema.
 *
 * @throws Error for an unknown event name, data that is not JSON, or data that does not
 *   fit the event's schema (zod's issues in the message).
 */
export function parseLiveEvent(type: string, data: string): LiveEventMessage {
  if (!isLiveEventName(type)) throw new Error(`not a live event name: "${type}"`);
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (error) {
    throw new Error(`the data of this "${type}" event is not JSON: ${data}`, { cause: error });
  }
  const parsed = liveEventSchemas[type].safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `the data of this "${type}" event does not fit its schema: ${parsed.error.message}`,
    );
  }
  return { type, data: parsed.data } as LiveEventMessage;
}

function frame<K extends LiveEventName>(name: K) {
  return z.object({
    id: z.string().optional().openapi({
      description:
        'Resume after it with `Last-Event-ID`; a `ready`, and a `reset` with nothing to resume from, have none',
    }),
    event: z.literal(name),
    data: liveEventSchemas[name],
  });
}

/**
 * One frame of the stream as the OpenAPI document describes it: the `id`, `event` and
 * JSON `data` lines of a text/event-stream message.
 */
export const liveEventFrameSchema = z
  .union([
    frame('attempt'),
    frame('campaign'),
    frame('leads'),
    frame('import'),
    frame('ready'),
    frame('reset'),
  ])
  .openapi('LiveEventFrame', {
    description: 'One server-sent event: its `event` name, its `data` line (JSON) and its `id`.',
  });
