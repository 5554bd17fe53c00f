import { createRoute } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type { AttemptJournal } from '../calls/ports.js';
import {
  type AttemptEvidenceRecord,
  createEvidenceReader,
  type EvidenceAttemptReader,
} from '../compliance/consent-evidence.js';
import type { OptOutStore } from '../compliance/opt-out.js';
import type { CampaignRepository } from '../control/campaign-reads.js';
import type { RecordingLibrary } from '../media/recording-library.js';
import { errorResponse, notFound } from './api-error.js';
import { createRouter } from './api-router.js';
import { campaignIdParam } from './campaign-schemas.js';
import { type CsvCell, csvDownload, csvRows, isoTime } from './csv-download.js';
import { leadEvidenceSchema } from './evidence-schemas.js';
import { leadIdParam } from './lead-schemas.js';
import { csvResponse, jsonResponse } from './openapi-content.js';

const TAG = ['Compliance'];
/** Attempts read per batch of a campaign's export. */
const EXPORT_BATCH = 200;

const FROM_JOURNAL =
  "Derived from each attempt's journal (the events as the PBX reported them, run through the machine of the attempt's version), so it is the same evidence a replay reproduces. Times are epoch ms.";

const routes = {
  lead: createRoute({
    method: 'get',
    path: '/leads/{id}/evidence.json',
    tags: TAG,
    summary: "A lead's consent and contact evidence: every attempt, oldest first",
    description: FROM_JOURNAL,
    request: { params: leadIdParam },
    responses: {
      200: jsonResponse(leadEvidenceSchema, 'The evidence'),
      404: errorResponse('No such lead'),
    },
  }),
  campaign: createRoute({
    method: 'get',
    path: '/campaigns/{id}/evidence.csv',
    tags: TAG,
    summary: "A campaign's consent and contact evidence as CSV: one row per attempt",
    description: `${FROM_JOURNAL.replace('Times are epoch ms.', 'Times are ISO 8601 UTC.')} Streamed in the order the attempts were made. Digits are \`digit@time\` separated by spaces; opt-outs \`list@time: reason\` separated by \` | \`. Cells that a spreadsheet would run as a formula start with an apostrophe.`,
    request: { params: campaignIdParam },
    responses: { 200: csvResponse('The evidence'), 404: errorResponse('No such campaign') },
  }),
};

const COLUMNS = [
  'attempt_id',
  'lead_id',
  'attempt_number',
  'phone',
  'dial_string',
  'started_at',
  'answered_at',
  'ended_at',
  'amd_status',
  'amd_cause',
  'amd_at',
  'consent_media',
  'consent_recording_id',
  'consent_recording_name',
  'consent_recording_sha256',
  'consent_prompt_at',
  'consent_digit',
  'consent_digit_at',
  'digits',
  'hand_off_at',
  'hand_off_confirmed_at',
  'ended_by',
  'transferred_to',
  'opt_outs',
  'outcome',
  'error',
  'machine_version',
  'replay',
] as const;

function csvRow(e: AttemptEvidenceRecord): CsvCell[] {
  return [
    e.attemptId,
    e.leadId,
    e.attemptNumber,
    e.phone,
    e.dialString,
    isoTime(e.startedAt),
    isoTime(e.answeredAt),
    isoTime(e.endedAt),
    e.amdStatus,
    e.amdCause,
    isoTime(e.amdAt),
    e.consentMedia,
    e.consentRecording?.id ?? null,
    e.consentRecording?.name ?? null,
    e.consentRecording?.sha256 ?? null,
    isoTime(e.consentPromptAt),
    e.consentDigit,
    isoTime(e.consentDigitAt),
    e.digits.map((d) => `${d.digit}@${isoTime(d.at)}`).join(' '),
    isoTime(e.handOffAt),
    isoTime(e.handOffConfirmedAt),
    e.endedBy,
    e.transferredTo,
    e.optOuts
      .map((o) => `${o.campaignId ?? 'global'}@${isoTime(o.at)}${o.reason ? `: ${o.reason}` : ''}`)
      .join(' | '),
    e.outcome,
    e.error,
    e.machineVersion,
    e.replay.status === 'mismatch' ? `mismatch at seq ${e.replay.seq}` : e.replay.status,
  ];
}

/** `/api/leads/{id}/evidence.json` and `/api/campaigns/{id}/evidence.csv`: consent and contact evidence. */
/** What the evidence exports read. */
export interface EvidenceRoutesDeps {
  journal: Pick<AttemptJournal, 'loadAttempt' | 'loadEntries'>;
  optOuts: Pick<OptOutStore, 'optOutsOfAttempt'>;
  recordings: Pick<RecordingLibrary, 'list'>;
  /** Which attempts consent evidence covers. */
  evidenceAttempts: EvidenceAttemptReader;
  campaigns: Pick<CampaignRepository, 'get'>;
  log: Logger;
}

export function evidenceRoutes(deps: EvidenceRoutesDeps) {
  const reader = () =>
    createEvidenceReader({
      journal: deps.journal,
      optOuts: deps.optOuts,
      listRecordings: () => deps.recordings.list(),
    });

  return createRouter()
    .openapi(routes.lead, async (c) => {
      const { id } = c.req.valid('param');
      const ids = await deps.evidenceAttempts.attemptIdsOfLead(id);
      if (ids === undefined) throw notFound('lead', id);
      const read = reader();
      const attempts: AttemptEvidenceRecord[] = [];
      for (const attemptId of ids) {
        const evidence = await read.evidenceOf(attemptId);
        if (evidence !== undefined) attempts.push(evidence);
      }
      return c.json({ leadId: id, attempts }, 200);
    })
    .openapi(routes.campaign, async (c) => {
      const { id } = c.req.valid('param');
      if ((await deps.campaigns.get(id)) === undefined) throw notFound('campaign', id);
      const read = reader();
      async function* batches() {
        let after: string | null = null;
        for (;;) {
          const ids = await deps.evidenceAttempts.attemptIdsOfCampaign(id, after, EXPORT_BATCH);
          const rows: CsvCell[][] = [];
          for (const attemptId of ids) {
            const evidence = await read.evidenceOf(attemptId);
            if (evidence !== undefined) rows.push(csvRow(evidence));
          }
          yield rows;
          if (ids.length < EXPORT_BATCH) return;
          after = ids.at(-1) ?? null;
        }
      }
      deps.log.info({ campaignId: id }, 'evidence export');
      return csvDownload(`evidence-${id}.csv`, csvRows(COLUMNS, batches()), deps.log);
    });
}
