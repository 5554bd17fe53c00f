import type {
  AttemptEvent,
  AttemptInput,
  AttemptOutcome,
} from '../../src/machines/attempt-types.js';
import { ev } from './attempt-events.js';
import { sampleInput } from './attempt-inputs.js';

/**
 * What the journal scenarios share: their shape, their clock and inputs, and the event
 * runs every answered call starts with. Timings follow the recorded Asterisk 22 traces
 * (../shared/asterisk-ari): the far end answers about 1 s after the originate, the AMD
 * hop's StasisEnd comes 2 ms after the continue, HUMAN comes back 2.97 s and MACHINE
 * 1.72 s after it, the consent prompt plays 1.97 s and the voicemail message 5.65 s; a
 * `continue` lands in its context in the same millisecond as the StasisEnd.
 */

/** A timer firing in a scenario, named by its delay; the recorder finds its timer id. */
export interface ScenarioTimer {
  timer: string;
  at: number;
}

/** A call whose journal is recorded once as a fixture and replayed by the tests. */
export interface JournalScenario {
  /** File name stem: `<scenario>.v<machineVersion>.json`. */
  scenario: string;
  description: string;
  input: AttemptInput;
  events: Array<AttemptEvent | ScenarioTimer>;
  /** The recorder refuses to write a journal that does not end with this outcome. */
  outcome: AttemptOutcome;
}

/** Epoch ms of `2026-11-24T<hh>:<mm>:00Z` plus `offsetMs`. */
export function clock(hh: number, mm: number): (offsetMs: number) => number {
  const base = Date.UTC(2026, 10, 24, hh, mm, 0);
  return (offsetMs) => base + offsetMs;
}

/** The AMD context of the rendered dialplan (dialplan/extensions_dialstate.conf). */
export const AMD_CONTEXT = 'aava-outbound-amd';
export { DIALPLAN_AI_TARGET as DIALPLAN_TARGET } from './attempt-inputs.js';
/** The example AI context of the rendered dialplan, and AAVA through its hand-off context. */
export { AAVA_AI_TARGET as AAVA_TARGET } from './attempt-stories.js';

/**
 * The sample input of an attempt, dialed through FreePBX's `from-internal` as version 2
 * inputs name their endpoint, handing off to the ai-agent app unless told otherwise.
 */
export function input(
  attemptId: string,
  overrides: Partial<AttemptInput> & { notSureAs?: 'machine' | 'human' } = {},
): AttemptInput {
  const { notSureAs, ...rest } = overrides;
  const number = rest.number ?? '+15551230042';
  const base = sampleInput({
    attemptId,
    endpoint: `Local/${number}@from-internal`,
    aiTarget: { kind: 'app', app: 'ai-agent', args: ['handoff', attemptId] },
    ...rest,
  });
  return notSureAs ? { ...base, amd: { ...base.amd, notSureAs } } : base;
}

/** Originate, ring, answer and the continue into the AMD hop: every answered call. */
export function answeredAt(at: (offsetMs: number) => number): AttemptEvent[] {
  return [
    ev.started(at(0)),
    ev.originateAccepted(at(3)),
    ev.dialStatus('RINGING', at(5)),
    ev.ringing(at(6)),
    ev.dialStatus('ANSWER', at(1_003)),
    ev.answered(at(1_005)),
    ev.leftStasis(at(1_007)),
    ev.dialplanEntered(AMD_CONTEXT, 's', 1, 'NoOp', at(1_007)),
  ];
}

/** The AMD hop's `Stasis()` step and the verdict it brings back, in the same millisecond. */
export function verdictAt(status: string, cause: string, at: number): AttemptEvent[] {
  return [ev.dialplanEntered(AMD_CONTEXT, 's', 8, 'Stasis', at), ev.amd(status, cause, at)];
}
