import type { RecordedStep } from './attempt-replay.js';
import type { AttemptInput, AttemptOutcome } from './attempt-types.js';

/**
 * How quickly a person who answered was attended, derived from the attempt's journal
 * (the events as the gateway stamped them and the states the machine reached), so that
 * a replay gives the same figures. The abandoned-call rules (US TSR, Ofcom) count a
 * call as abandoned when the person is not connected within 2 s of the end of their
 * greeting; ADR 023 says how each moment is read. Times are epoch ms.
 */
export interface CallTiming {
  /** AMD took the answer for a person (the call went on to consent or the hand-off). */
  human: boolean;
  answeredAt: number | null;
  /** The end of the callee's greeting: AMD's verdict, which it reaches on the silence after it. */
  greetingEndedAt: number | null;
  /**
   * The first audio of ours the person heard: the consent prompt starting to play, or
   * the AI target having the call (without a consent gate).
   */
  firstAudioAt: number | null;
  /** The call reached the AI target (its context, or its app), counted once confirmed. */
  connectedAt: number | null;
  /** The callee (not our side, not the PBX) hung up before the hand-off was confirmed. */
  calleeLeftAt: number | null;
  /** The call ended unconnected by our side's doing: hand-off failed, or a failure or interruption of ours. */
  ourSideFailed: boolean;
  endedAt: number | null;
}

/** Outcomes of a person's call that our side, not the person, ended unconnected. */
const OUR_SIDE_FAILURES: ReadonlySet<AttemptOutcome> = new Set<AttemptOutcome>([
  'handoff_failed',
  'failed',
  'interrupted',
]);

const HUMAN_STATES = ['askingConsent', 'handingOff', 'talking'];

const isHumanState = (state: string) => HUMAN_STATES.some((name) => state.startsWith(name));
/** Where the call is seen at the target: settling (version 2) or talking (version 1). */
const isAtTarget = (state: string) => state === 'handingOff.settling' || state === 'talking';

/** Derives the abandonment timing of an attempt from its input, journal and outcome. */
export function deriveCallTiming(
  input: AttemptInput,
  entries: readonly RecordedStep[],
  outcome: AttemptOutcome | null,
): CallTiming {
  const timing: CallTiming = {
    human: false,
    answeredAt: null,
    greetingEndedAt: null,
    firstAudioAt: null,
    connectedAt: null,
    calleeLeftAt: null,
    ourSideFailed: false,
    endedAt: entries.at(-1)?.event.at ?? null,
  };
  const promptId = `${input.attemptId}-consent`;
  let promptStartedAt: number | null = null;
  let arrivedAt: number | null = null;
  let confirmed = false;
  let weHungUp = false;
  for (const { event, state, commands } of entries) {
    if (event.type === 'channel.answered') timing.answeredAt ??= event.at;
    if (event.type === 'amd.completed' && isHumanState(state)) {
      timing.human = true;
      timing.greetingEndedAt = event.at;
    }
    if (event.type === 'playback.started' && event.playbackId === promptId) {
      promptStartedAt ??= event.at;
    }
    if (isAtTarget(state)) arrivedAt ??= event.at;
    if (state === 'talking') confirmed = true;
    // Cause 0 is the PBX or a dialplan, never the person; the end of a channel we
    // asked to hang up is ours (our own hang-up requests are not journaled).
    const byCallee =
      (event.type === 'channel.hangupRequested' ||
        (event.type === 'channel.hungUp' && !weHungUp)) &&
      event.cause !== 0;
    if (byCallee && timing.human && !confirmed) timing.calleeLeftAt ??= event.at;
    if (commands.some((command) => command.type === 'hangUp')) weHungUp = true;
  }
  if (!timing.human) return timing;
  timing.connectedAt = confirmed ? arrivedAt : null;
  const attended = [promptStartedAt, timing.connectedAt].filter((at) => at !== null);
  timing.firstAudioAt = attended.length > 0 ? Math.min(...attended) : null;
  timing.ourSideFailed =
    outcome !== null && OUR_SIDE_FAILURES.has(outcome) && timing.calleeLeftAt === null;
  return timing;
}

/** The default of the rules: attended within 2 s of the end of the greeting. */
export const DEFAULT_ABANDON_THRESHOLD_MS = 2_000;

/**
 * Whether a person's call counts as abandoned: our side ended it unconnected, or the
 * person was attended more than `thresholdMs` after their greeting (or never, unless
 * they hung up themselves within that time). Exactly `thresholdMs` is in time. Calls
 * not answered by a person are not counted at all (false).
 */
export function isAbandoned(timing: CallTiming, thresholdMs: number): boolean {
  if (!timing.human || timing.greetingEndedAt === null) return false;
  if (timing.ourSideFailed) return true;
  if (timing.firstAudioAt !== null)
    return timing.firstAudioAt - timing.greetingEndedAt > thresholdMs;
  return !(
    timing.calleeLeftAt !== null && timing.calleeLeftAt - timing.greetingEndedAt <= thresholdMs
  );
}
