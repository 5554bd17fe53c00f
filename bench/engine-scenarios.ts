/**
 * The calls the engine benchmarks run: four recorded-shape scenarios (consent + hand-off,
 * voicemail drop, busy, no answer) and a call control that answers at once, so that a
 * benchmark measures the engine, not Asterisk. Shared by bench/attempt-engine.ts and
 * bench/journal-floor.ts, which must write the same journals.
 */
import type { CallControl, NewAttempt } from '../src/calls/ports.js';
import type { AttemptEvent, AttemptInput } from '../src/machines/attempt-types.js';
import { benchInput, newBenchAttempt, type SnapshotMaker } from './bench-fixtures.js';

export type Script = (input: AttemptInput) => Omit<AttemptEvent, 'at'>[];

export const SCENARIOS: Record<string, Script> = {
  consentHandOff: (input) => [
    { type: 'channel.ringing' },
    { type: 'dial.statusChanged', dialStatus: 'ANSWER' },
    { type: 'channel.answered' },
    { type: 'channel.leftStasis' },
    { type: 'amd.completed', status: 'HUMAN', cause: 'HUMAN-803-800' },
    { type: 'playback.started', playbackId: `${input.attemptId}-consent` },
    { type: 'playback.finished', playbackId: `${input.attemptId}-consent`, state: 'done' },
    { type: 'dtmf.received', digit: '1' },
    { type: 'channel.leftStasis' },
    { type: 'farEnd.hungUp', cause: 16 },
    { type: 'channel.hungUp', cause: 16 },
  ],
  voicemailDrop: (input) => [
    { type: 'channel.ringing' },
    { type: 'channel.answered' },
    { type: 'channel.leftStasis' },
    { type: 'amd.completed', status: 'MACHINE', cause: 'MAXWORDS-3-2' },
    { type: 'greeting.ended' },
    { type: 'playback.started', playbackId: `${input.attemptId}-voicemail` },
    { type: 'playback.finished', playbackId: `${input.attemptId}-voicemail`, state: 'done' },
    { type: 'channel.leftStasis' },
    { type: 'channel.hungUp', cause: 16 },
  ],
  busy: () => [
    { type: 'dial.statusChanged', dialStatus: 'BUSY' },
    { type: 'farEnd.hungUp', cause: 17 },
    { type: 'channel.hungUp', cause: 0 },
  ],
  noAnswer: () => [
    { type: 'channel.ringing' },
    { type: 'dial.statusChanged', dialStatus: 'RINGING' },
    { type: 'farEnd.hungUp', cause: 19 },
    { type: 'channel.hungUp', cause: 19 },
  ],
};

export const instantCallControl: CallControl = {
  originate: async () => {},
  continueToAmd: async () => {},
  play: async () => {},
  stopPlayback: async () => {},
  detectGreetingEnd: async () => {},
  handOff: async () => {},
  hangUp: async () => {},
};

/** The scenario of the `n`th attempt: the four in turn. */
export function scenarioOf(n: number): Script {
  const names = Object.keys(SCENARIOS);
  return SCENARIOS[names[n % names.length] as string] as Script;
}

/** The phone number of the `n`th benchmark lead. */
export function benchPhone(n: number): string {
  return `+1555${String(n).padStart(7, '0')}`;
}

/** The `n`th benchmark attempt, on lead `lead-n`, as a claim creates it. */
export function benchAttempt(n: number, campaignId: string, engine?: SnapshotMaker): NewAttempt {
  return newBenchAttempt(benchInput(`att-${n}`, `lead-${n}`, campaignId, benchPhone(n)), engine);
}
