/** `AMDSTATUS` values of Asterisk's `AMD()`. */
export type AmdStatus = 'HUMAN' | 'MACHINE' | 'NOTSURE' | 'HANGUP';

/** What answers: it decides the far end's audio, hence its dialplan steps and TALK_DETECT. */
export type Callee = 'human' | 'machine' | 'silent';

/**
 * What a callee's timed action is measured from: the answer, the start of the first
 * playback on the call (a consent prompt or a voicemail drop), or the hand-off to the
 * AI agent (a move to the agent's app or a continue into an AI context).
 */
export type ScenarioAnchor = 'answer' | 'playback' | 'handoff';

/** How a simulated far end behaves. All times are scenario ms. */
export interface SimScenario {
  readonly name: string;
  readonly summary: string;
  /** How the dial ends: answered, or refused before any answer. */
  readonly dial: 'answer' | 'busy' | 'congestion' | 'invalid-number' | 'no-answer';
  /** Ringing before the answer (`answer` only). */
  readonly ringMs: number;
  readonly callee: Callee;
  /** The verdict the AMD context reaches, `afterMs` after the `continue` into it. */
  readonly amd: { readonly status: AmdStatus; readonly cause: string; readonly afterMs: number };
  /** The key pressed once a playback starts (a consent prompt), if any. */
  readonly keypress: { readonly digit: string; readonly afterPlaybackMs: number } | null;
  /** The callee hangs up by itself (cause 16), if at all before the far end's script ends. */
  readonly hangUp: { readonly after: ScenarioAnchor; readonly ms: number } | null;
  /** How long the built-in AI agent talks before it hangs up. */
  readonly talkMs: number;
  /**
   * The stand-in AAVA passes the call on into the dialplan (a transfer to a person)
   * `afterMs` after it took the call, instead of hanging up.
   */
  readonly transfer?: {
    readonly afterMs: number;
    readonly context: string;
    readonly extension: string;
  };
}

const HUMAN: SimScenario = {
  name: 'human',
  summary: 'answers after 1 s, says hello; AMD HUMAN; presses 1 when prompted',
  dial: 'answer',
  ringMs: 1000,
  callee: 'human',
  // Measured from the continue in the human trace, 2.97 s (fact 6), with amd.conf's
  // defaults; the cause's numbers follow the AMD parameters sent (sim-amd-verdict.ts).
  amd: { status: 'HUMAN', cause: 'HUMAN-800-800', afterMs: 2970 },
  // About 3.66 s after the prompt started: 1.7 s after a 1.97 s prompt ended (fact 13).
  keypress: { digit: '1', afterPlaybackMs: 3660 },
  hangUp: null,
  talkMs: 5000,
};

const MACHINE: SimScenario = {
  name: 'machine',
  summary: '12.2 s voicemail greeting then a 0.43 s beep; AMD MACHINE',
  dial: 'answer',
  ringMs: 1000,
  callee: 'machine',
  // MAXWORDS-3-2 after 1.72 s, measured from the continue (fact 6).
  amd: { status: 'MACHINE', cause: 'MAXWORDS-3-2', afterMs: 1720 },
  keypress: null,
  hangUp: null,
  talkMs: 5000,
};

const REFUSED = { ringMs: 0, callee: 'silent', keypress: null, hangUp: null } as const;

/** The built-in far ends, by name. */
export const SCENARIOS = {
  human: HUMAN,
  'consent-deny': {
    ...HUMAN,
    name: 'consent-deny',
    summary: 'a human who presses 2 when prompted',
    keypress: { digit: '2', afterPlaybackMs: 3660 },
  },
  'consent-silent': {
    ...HUMAN,
    name: 'consent-silent',
    summary: 'a human who never presses a key',
    keypress: null,
  },
  machine: MACHINE,
  'silent-line': {
    ...MACHINE,
    name: 'silent-line',
    summary: 'answers and says nothing; AMD MACHINE on initial silence',
    callee: 'silent',
    // amd.conf's initial_silence (2500 ms) counted from the first audio, 0.5 s after the answer.
    amd: { status: 'MACHINE', cause: 'INITIALSILENCE-2500-2500', afterMs: 3000 },
  },
  notsure: {
    ...HUMAN,
    name: 'notsure',
    summary: 'AMD cannot decide: NOTSURE after the 5 s analysis time; presses 1 when prompted',
    amd: { status: 'NOTSURE', cause: 'TOOLONG-5000', afterMs: 5500 },
  },
  busy: { ...HUMAN, ...REFUSED, name: 'busy', summary: 'busy at once, never rings', dial: 'busy' },
  'no-answer': {
    ...HUMAN,
    ...REFUSED,
    name: 'no-answer',
    summary: 'rings until the originate timeout',
    dial: 'no-answer',
  },
  congestion: {
    ...HUMAN,
    ...REFUSED,
    name: 'congestion',
    summary: 'congestion at once, never rings',
    dial: 'congestion',
  },
  'invalid-number': {
    ...HUMAN,
    ...REFUSED,
    name: 'invalid-number',
    summary: 'the number does not exist: cause 1, never rings',
    dial: 'invalid-number',
  },
  'hangup-during-amd': {
    ...HUMAN,
    name: 'hangup-during-amd',
    summary: 'a human who hangs up 1.5 s after answering, while AMD listens',
    hangUp: { after: 'answer', ms: 1500 },
  },
  'hangup-during-prompt': {
    ...HUMAN,
    name: 'hangup-during-prompt',
    summary: 'a human who hangs up 1 s into the first prompt',
    keypress: null,
    hangUp: { after: 'playback', ms: 1000 },
  },
  'hangup-during-voicemail': {
    ...MACHINE,
    name: 'hangup-during-voicemail',
    summary: 'an answering machine that hangs up 2 s into the voicemail drop',
    hangUp: { after: 'playback', ms: 2000 },
  },
  'slow-answer': {
    ...HUMAN,
    name: 'slow-answer',
    summary: 'rings 8 s, then as human',
    ringMs: 8000,
  },
  'hangup-during-talk': {
    ...HUMAN,
    name: 'hangup-during-talk',
    summary: 'as human, then hangs up 3 s into the hand-off, before the agent does',
    hangUp: { after: 'handoff', ms: 3000 },
  },
  'opt-out': {
    ...HUMAN,
    name: 'opt-out',
    summary: 'a human who presses 9 ("never call me") when prompted',
    keypress: { digit: '9', afterPlaybackMs: 1500 },
  },
  transfer: {
    ...HUMAN,
    name: 'transfer',
    summary: 'as human; the stand-in AAVA transfers the call to from-internal,100 after 3 s',
    transfer: { afterMs: 3000, context: 'from-internal', extension: '100' },
  },
} as const satisfies Record<string, SimScenario>;

/** Names of the built-in far ends. */
export type ScenarioName = keyof typeof SCENARIOS;

/** The far end for every number not matched by a rule. */
export const DEFAULT_SCENARIO: ScenarioName = 'human';

/** The default rules: the last two digits of the dialed number pick the far end. */
export const NUMBER_SUFFIX_RULES: ReadonlyArray<{ suffix: string; scenario: ScenarioName }> = [
  { suffix: '01', scenario: 'human' },
  { suffix: '02', scenario: 'consent-deny' },
  { suffix: '03', scenario: 'consent-silent' },
  { suffix: '04', scenario: 'machine' },
  { suffix: '05', scenario: 'silent-line' },
  { suffix: '06', scenario: 'notsure' },
  { suffix: '07', scenario: 'busy' },
  { suffix: '08', scenario: 'no-answer' },
  { suffix: '09', scenario: 'congestion' },
  { suffix: '10', scenario: 'invalid-number' },
  { suffix: '11', scenario: 'hangup-during-amd' },
  { suffix: '12', scenario: 'hangup-during-prompt' },
  { suffix: '13', scenario: 'hangup-during-voicemail' },
  { suffix: '14', scenario: 'slow-answer' },
  { suffix: '15', scenario: 'hangup-during-talk' },
  { suffix: '16', scenario: 'transfer' },
  { suffix: '17', scenario: 'opt-out' },
];

/** A rule given at creation: checked before the suffix table, first match wins. */
export interface SimRule {
  /** The dialed number (the Local channel's extension), exactly or by pattern. */
  readonly number: string | RegExp;
  readonly scenario: ScenarioName | SimScenario;
}

/** The far end a dialed number reaches. */
export function scenarioFor(number: string, rules: readonly SimRule[] = []): SimScenario {
  for (const rule of rules) {
    const matches =
      typeof rule.number === 'string' ? rule.number === number : rule.number.test(number);
    if (matches)
      return typeof rule.scenario === 'string' ? SCENARIOS[rule.scenario] : rule.scenario;
  }
  const bySuffix = NUMBER_SUFFIX_RULES.find((rule) => number.endsWith(rule.suffix));
  return SCENARIOS[bySuffix?.scenario ?? DEFAULT_SCENARIO];
}

/** The suffix table as text lines, e.g. for `dialstate sim`. */
export function describeNumberRules(): string[] {
  return [
    ...NUMBER_SUFFIX_RULES.map(
      (rule) =>
        `${`…${rule.suffix}`.padEnd(6)} ${rule.scenario.padEnd(24)} ${SCENARIOS[rule.scenario].summary}`,
    ),
    `${'other'.padEnd(6)} ${DEFAULT_SCENARIO.padEnd(24)} ${SCENARIOS[DEFAULT_SCENARIO].summary}`,
  ];
}
