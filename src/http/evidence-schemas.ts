import { z } from '@hono/zod-openapi';

const time = z.number().int().nullable();

export const attemptEvidenceSchema = z
  .object({
    attemptId: z.string(),
    campaignId: z.string(),
    leadId: z.string(),
    attemptNumber: z.number().int(),
    machineVersion: z.number().int(),
    phone: z.string().openapi({ description: 'The number dialed, normalised.' }),
    dialString: z.string().nullable().openapi({
      description: 'The ARI endpoint originated; null for machine version 1 attempts.',
    }),
    startedAt: time,
    answeredAt: time,
    endedAt: time,
    amdStatus: z.string().nullable(),
    amdCause: z.string().nullable(),
    amdAt: time,
    consentMedia: z.string().nullable().openapi({
      description: 'Media URI of the consent prompt; null when the campaign asked none.',
    }),
    consentRecording: z
      .object({ id: z.string(), name: z.string(), sha256: z.string() })
      .nullable()
      .openapi({
        description:
          'The library recording with that media URI, with its checksum; null if none has it now.',
      }),
    consentPromptAt: time.openapi({ description: 'When the prompt was asked for.' }),
    consentPlaybackStartedAt: time.openapi({ description: 'When Asterisk started playing it.' }),
    consentDigit: z.string().nullable().openapi({ description: 'The digit that answered.' }),
    consentDigitAt: time,
    digits: z.array(z.object({ digit: z.string(), at: z.number().int() })),
    handOffAt: time.openapi({ description: 'When the call was sent to the AI target.' }),
    handOffConfirmedAt: time.openapi({
      description:
        'When the target was seen to keep the call (machine version 1: when it left the app).',
    }),
    endedBy: z.enum(['caller', 'agent', 'transfer']).nullable(),
    transferredTo: z.string().nullable(),
    attended: z
      .object({
        greetingEndedAt: z.number().int(),
        firstAudioAt: time,
        connectedAt: time,
        answerToFirstAudioMs: time,
        greetingToFirstAudioMs: time,
        greetingToConnectionMs: time,
        ourSideFailed: z.boolean(),
      })
      .nullable()
      .openapi({
        description:
          "How quickly the person was attended, for the abandoned-call rules: the end of the greeting (AMD's verdict), the first audio (consent prompt or connection) and the connection to the AI target. Null when no person answered.",
      }),
    optOuts: z.array(
      z.object({
        phone: z.string(),
        campaignId: z.string().nullable().openapi({ description: 'The list; null is global.' }),
        reason: z.string().nullable(),
        at: z.number().int(),
      }),
    ),
    outcome: z.string().nullable(),
    error: z.string().nullable(),
    replay: z
      .object({
        status: z.enum(['ok', 'mismatch', 'unsupported']),
        seq: z.number().int().optional(),
      })
      .openapi({
        description:
          'Whether this build reproduces the journal; on a mismatch the evidence is still what the journal records.',
      }),
  })
  .openapi('AttemptEvidence');

export const leadEvidenceSchema = z
  .object({
    leadId: z.string(),
    attempts: z.array(attemptEvidenceSchema),
  })
  .openapi('LeadEvidence');
