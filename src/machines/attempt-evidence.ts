import { type AttemptJournalRecord, ReplayMismatchError, replayAttempt } from './attempt-replay.js';
import { createAttemptSnapshot, stepAttempt } from './attempt-step.js';
import type { AttemptFacts, AttemptOutcome, CallEndedBy } from './attempt-types.js';
import { deriveCallTiming } from './call-timing.js';

/** Whether this build's machine reproduces the journal the evidence comes from. */
export type EvidenceReplay =
  | { status: 'ok' }
  | { status: 'mismatch'; seq: number }
  | { status: 'unsupported' };

/**
 * What one attempt shows about consent and contact, derived from its journal: the
 * events as the gateway stamped them and the facts the machine computes from them, so
 * that a replay reproduces every value. Times are epoch ms; null when it did not happen.
 */
export interface AttemptEvidence {
  startedAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  /** The ARI endpoint originated; null for version 1 attempts, which recorded none. */
  dialString: string | null;
  amdStatus: string | null;
  amdCause: string | null;
  amdAt: number | null;
  /** Media URI of the consent prompt; null when the campaign had no consent gate. */
  consentMedia: string | null;
  /** When the prompt was asked for and when Asterisk started playing it. */
  consentPromptAt: number | null;
  consentPlaybackStartedAt: number | null;
  /** The digit that answered the prompt (`1` accept, `2` deny), and when. */
  consentDigit: string | null;
  consentDigitAt: number | null;
  /** Every digit pressed during the call, in order. */
  digits: { digit: string; at: number }[];
  /** When the call was sent to the AI target, and when the target was seen to keep it. */
  handOffAt: number | null;
  handOffConfirmedAt: number | null;
  endedBy: CallEndedBy | null;
  transferredTo: string | null;
  /**
   * How quickly a person who answered was attended (call-timing.ts): null when AMD did
   * not take the answer for a person.
   */
  attended: {
    /** The end of the greeting (AMD's verdict). */
    greetingEndedAt: number;
    /** The consent prompt starting, or the connection; null when neither came. */
    firstAudioAt: number | null;
    /** The call reaching the AI target, confirmed; null when it did not. */
    connectedAt: number | null;
    answerToFirstAudioMs: number | null;
    greetingToFirstAudioMs: number | null;
    greetingToConnectionMs: number | null;
    /** Our side ended it unconnected (hand-off failed, our failure or interruption). */
    ourSideFailed: boolean;
  } | null;
  outcome: AttemptOutcome | null;
  error: string | null;
  replay: EvidenceReplay;
}

const inConsent = (state: string) => state.startsWith('askingConsent');

/** The abandoned-call timing of the journal, as evidence shows it. */
function attendedOf(
  record: AttemptJournalRecord,
  outcome: AttemptOutcome | null,
): AttemptEvidence['attended'] {
  const timing = deriveCallTiming(record.input, record.entries, outcome);
  const greeting = timing.greetingEndedAt;
  if (!timing.human || greeting === null) return null;
  const since = (from: number | null, to: number | null) =>
    from === null || to === null ? null : to - from;
  return {
    greetingEndedAt: greeting,
    firstAudioAt: timing.firstAudioAt,
    connectedAt: timing.connectedAt,
    answerToFirstAudioMs: since(timing.answeredAt, timing.firstAudioAt),
    greetingToFirstAudioMs: since(greeting, timing.firstAudioAt),
    greetingToConnectionMs: since(greeting, timing.connectedAt),
    ourSideFailed: timing.ourSideFailed,
  };
}

/** The facts after every event, from the machine of the journal's version. */
function factsAfterJournal(record: AttemptJournalRecord): {
  facts: AttemptFacts | null;
  replay: EvidenceReplay;
} {
  try {
    const { snapshot } = replayAttempt(record);
    return { facts: snapshot.context, replay: { status: 'ok' } };
  } catch (error) {
    if (!(error instanceof ReplayMismatchError))
      return { facts: null, replay: { status: 'unsupported' } };
    // The journal still is the record: its events, run through the machine, give the facts.
    let snapshot = createAttemptSnapshot(record.input, record.machineVersion);
    for (const entry of record.entries) {
      snapshot = stepAttempt(snapshot, entry.event, record.machineVersion).snapshot;
    }
    return { facts: snapshot.context, replay: { status: 'mismatch', seq: error.seq } };
  }
}

/** Derives an attempt's consent and contact evidence from its journal. */
export function deriveAttemptEvidence(record: AttemptJournalRecord): AttemptEvidence {
  const { facts, replay } = factsAfterJournal(record);
  const consentMedia = record.input.consent?.media ?? null;
  const evidence: AttemptEvidence = {
    startedAt: facts?.startedAt ?? null,
    answeredAt: facts?.answeredAt ?? null,
    endedAt: facts?.endedAt ?? null,
    dialString: record.input.endpoint ?? null,
    amdStatus: facts?.amdStatus ?? null,
    amdCause: facts?.amdCause ?? null,
    amdAt: null,
    consentMedia,
    consentPromptAt: null,
    consentPlaybackStartedAt: null,
    consentDigit: null,
    consentDigitAt: null,
    digits: [],
    handOffAt: null,
    // Version 1 had no confirmation: the hand-off counted when the call left our app.
    handOffConfirmedAt: facts?.handOffConfirmedAt ?? facts?.handedOffAt ?? null,
    endedBy: facts?.endedBy ?? null,
    transferredTo: facts?.transferredTo ?? null,
    attended: attendedOf(record, facts?.outcome ?? null),
    outcome: facts?.outcome ?? null,
    error: facts?.error ?? null,
    replay,
  };
  let promptId: string | null = null;
  let stateBefore = '';
  for (const { event, state, commands } of record.entries) {
    if (event.type === 'amd.completed') evidence.amdAt ??= event.at;
    if (event.type === 'dtmf.received') {
      evidence.digits.push({ digit: event.digit, at: event.at });
      // The digit that took the call out of the consent question answered it.
      if (inConsent(stateBefore) && !inConsent(state) && evidence.consentDigit === null) {
        evidence.consentDigit = event.digit;
        evidence.consentDigitAt = event.at;
      }
    }
    if (event.type === 'playback.started' && event.playbackId === promptId) {
      evidence.consentPlaybackStartedAt ??= event.at;
    }
    for (const command of commands) {
      if (
        command.type === 'play' &&
        consentMedia !== null &&
        command.params.media === consentMedia
      ) {
        evidence.consentPromptAt ??= event.at;
        promptId = command.params.playbackId;
      }
      if (command.type === 'handOff') evidence.handOffAt ??= event.at;
    }
    stateBefore = state;
  }
  return evidence;
}
