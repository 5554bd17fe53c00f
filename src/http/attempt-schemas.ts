import { z } from '@hono/zod-openapi';
import { ATTEMPT_OUTCOMES } from '../machines/attempt-types.js';
import { pageLimit } from './page-cursor.js';

const epochMs = z.number().int();
const nullableMs = epochMs.nullable();

/** One attempt as the API shows it, without the lead it called. */
export const attemptSummarySchema = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    leadId: z.string(),
    attemptNumber: z.number().int().openapi({ description: "1 for the lead's first attempt" }),
    machineVersion: z.number().int(),
    state: z.string().openapi({ example: 'dialing.ringing' }),
    live: z.boolean().openapi({ description: 'The attempt has not ended yet' }),
    outcome: z.enum(ATTEMPT_OUTCOMES).nullable(),
    error: z.string().nullable(),
    createdAt: epochMs,
    startedAt: nullableMs,
    answeredAt: nullableMs,
    handedOffAt: nullableMs,
    endedAt: nullableMs,
    durationMs: nullableMs.openapi({ description: 'Start to end; null while live' }),
    talkMs: nullableMs.openapi({ description: 'Time with the AI target, once ended' }),
    dialStatus: z.string().nullable().openapi({ example: 'BUSY' }),
    hangupCause: z.number().int().nullable(),
    farEndCause: z.number().int().nullable(),
    amdStatus: z.string().nullable().openapi({ example: 'MACHINE' }),
    amdCause: z.string().nullable().openapi({ example: 'LONGGREETING-2500-1500' }),
    digits: z.string().openapi({ description: 'DTMF digits received, in order' }),
  })
  .openapi('AttemptSummary');

export const attemptSchema = attemptSummarySchema
  .extend({ phone: z.string(), leadName: z.string().nullable() })
  .openapi('Attempt');

export const attemptPageSchema = z
  .object({
    attempts: z.array(attemptSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `cursor` for the next page' }),
    hasMore: z.boolean(),
  })
  .openapi('AttemptPage');

export const attemptPageQuery = z.object({
  limit: pageLimit,
  cursor: z.string().max(200).optional().openapi({ description: 'From the previous page' }),
});

export const leadAttemptsSchema = z
  .object({ attempts: z.array(attemptSchema) })
  .openapi('LeadAttempts');

const commandSchema = z.object({
  type: z.string().openapi({ example: 'originate' }),
  params: z.record(z.string(), z.unknown()),
});

export const attemptTimelineSchema = z
  .object({
    attemptId: z.string(),
    campaignId: z.string(),
    leadId: z.string(),
    number: z.string(),
    dialString: z.string().nullable().openapi({
      description:
        'The endpoint originated, e.g. PJSIP/14155550101@trunk (null for machine version 1 attempts, which dialed Local/<number>@<dial context>)',
    }),
    endedBy: z.enum(['caller', 'agent', 'transfer']).nullable().openapi({
      description: 'Who ended a call the AI target had (machine version 2 on)',
    }),
    transferredTo: z.string().nullable().openapi({
      description: 'The context the AI target passed the call on to, if it did',
    }),
    machineVersion: z.number().int(),
    currentMachineVersion: z.number().int(),
    live: z.boolean(),
    outcome: z.enum(ATTEMPT_OUTCOMES).nullable(),
    error: z.string().nullable(),
    talkMs: nullableMs,
    spans: z.array(
      z.object({
        state: z.string(),
        from: epochMs,
        to: nullableMs.openapi({ description: 'Null while the attempt is in this state' }),
        durationMs: nullableMs,
      }),
    ),
    markers: z.array(
      z.object({
        seq: z.number().int(),
        at: epochMs,
        type: z.string().openapi({ example: 'amd.completed' }),
        event: z.record(z.string(), z.unknown()),
        stateAfter: z.string(),
        commands: z.array(commandSchema),
      }),
    ),
    replay: z
      .object({
        status: z.enum(['ok', 'mismatch', 'unsupported']),
        seq: z.number().int().nullable().openapi({ description: 'The first seq that diverged' }),
        message: z.string().nullable(),
      })
      .openapi({
        description:
          "Whether this build's machine reproduces every journaled state, command and timer",
      }),
  })
  .openapi('AttemptTimeline');

export const attemptIdParam = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'a-91c2' }),
});
