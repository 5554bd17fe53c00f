import type { AttemptJournal } from '../calls/ports.js';
import { type AttemptEvidence, deriveAttemptEvidence } from '../machines/attempt-evidence.js';
import type { AttemptOptOut, OptOutStore } from './opt-out.js';

/** The recording a consent prompt played, as the library knew it when the export ran. */
export interface EvidenceRecording {
  id: string;
  name: string;
  sha256: string;
}

/** One attempt's consent and contact evidence, with what identifies the call. */
export interface AttemptEvidenceRecord extends AttemptEvidence {
  attemptId: string;
  campaignId: string;
  leadId: string;
  attemptNumber: number;
  machineVersion: number;
  /** The number dialed, normalised. */
  phone: string;
  /** Null when no library recording has the prompt's media URI (e.g. it was deleted). */
  consentRecording: EvidenceRecording | null;
  optOuts: AttemptOptOut[];
}

/** What evidence is read from: the journal, the opt-outs and the recording library. */
export interface ConsentEvidenceDeps {
  journal: Pick<AttemptJournal, 'loadAttempt' | 'loadEntries'>;
  optOuts: Pick<OptOutStore, 'optOutsOfAttempt'>;
  /** The library's recordings; read once per export. */
  listRecordings(): Promise<{ id: string; name: string; sha256: string; mediaUri: string }[]>;
}

/** Which attempts consent evidence covers: a lead's, or a campaign's a batch at a time. */
export interface EvidenceAttemptReader {
  /** Undefined when there is no such lead; else its attempts, oldest first. */
  attemptIdsOfLead(leadId: string): Promise<string[] | undefined>;
  /** A campaign's attempts in creation order, `limit` at a time after `after` (an attempt id). */
  attemptIdsOfCampaign(campaignId: string, after: string | null, limit: number): Promise<string[]>;
}

/**
 * Reads the evidence of attempts by id, from their journals (the same evidence a replay
 * reproduces, not the attempt's summary columns). Create one per export: it reads the
 * recording library once.
 */
export function createEvidenceReader(deps: ConsentEvidenceDeps) {
  let recordings: Promise<Map<string, EvidenceRecording>> | undefined;
  const recordingOf = async (media: string | null) => {
    recordings ??= deps
      .listRecordings()
      .then(
        (all) =>
          new Map(all.map((r) => [r.mediaUri, { id: r.id, name: r.name, sha256: r.sha256 }])),
      );
    return media === null ? null : ((await recordings).get(media) ?? null);
  };

  return {
    /** Undefined when the attempt does not exist (deleted since it was listed). */
    async evidenceOf(attemptId: string): Promise<AttemptEvidenceRecord | undefined> {
      const attempt = await deps.journal.loadAttempt(attemptId);
      if (attempt === undefined) return undefined;
      const entries = await deps.journal.loadEntries(attemptId);
      const evidence = deriveAttemptEvidence({
        machineVersion: attempt.machineVersion,
        input: attempt.input,
        entries,
      });
      return {
        attemptId,
        campaignId: attempt.campaignId,
        leadId: attempt.leadId,
        attemptNumber: attempt.attemptNumber,
        machineVersion: attempt.machineVersion,
        phone: attempt.input.number,
        ...evidence,
        consentRecording: await recordingOf(evidence.consentMedia),
        optOuts: await deps.optOuts.optOutsOfAttempt(attemptId),
      };
    },
  };
}
