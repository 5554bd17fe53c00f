import type {
  AttemptEvent,
  AttemptInput,
  AttemptOutcome,
} from '../../src/machines/attempt-types.js';
import { consentPlaybackId, ev, voicemailPlaybackId } from './attempt-events.js';
import { SAMPLE_CONSENT, SAMPLE_VOICEMAIL, sampleInput } from './attempt-inputs.js';

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
function clock(hh: number, mm: number): (offsetMs: number) => number {
  const base = Date.UTC(2026, 10, 24, hh, mm, 0);
  return (offsetMs) => base + offsetMs;
}

function input(
  attemptId: string,
  overrides: Partial<AttemptInput> & { notSureAs?: 'machine' | 'human' } = {},
): AttemptInput {
  const { notSureAs, ...rest } = overrides;
  const base = sampleInput({
    attemptId,
    aiTarget: { kind: 'app', app: 'ai-agent', args: ['handoff', attemptId] },
    ...rest,
  });
  return notSureAs ? { ...base, amd: { ...base.amd, notSureAs } } : base;
}

const DIALPLAN_TARGET = {
  kind: 'dialplan',
  context: 'ai-handoff',
  extension: 's',
  priority: 1,
} as const;

// Timings follow the recorded Asterisk 22 traces (../shared/asterisk-ari): the far end
// answers about 1 s after the originate, the AMD hop's StasisEnd comes 2 ms after the
// continue, HUMAN comes back 2.97 s and MACHINE 1.72 s after it, the consent prompt
// plays 1.97 s and the voicemail message 5.65 s.

/** Originate, ring and answer: the first events of every answered call. */
function answeredAt(at: (offsetMs: number) => number): AttemptEvent[] {
  return [
    ev.started(at(0)),
    ev.originateAccepted(at(3)),
    ev.dialStatus('', at(4)),
    ev.dialStatus('RINGING', at(5)),
    ev.ringing(at(6)),
    ev.dialStatus('ANSWER', at(1_003)),
    ev.answered(at(1_005)),
    ev.leftStasis(at(1_007)),
  ];
}

function humanScenarios(): JournalScenario[] {
  const human = clock(9, 0);
  const accept = clock(9, 5);
  const early = clock(9, 10);
  const deny = clock(9, 15);
  const timeout = clock(9, 20);
  const notSure = clock(9, 25);
  const handOffFailed = clock(9, 30);
  const duringPrompt = clock(9, 35);
  const duringHandOff = clock(9, 40);
  return [
    {
      scenario: 'human-app-handoff',
      description:
        'A human answers, AMD says HUMAN, the channel moves to the ai-agent app and the agent hangs up 2 s later.',
      input: input('att-1001'),
      events: [
        ...answeredAt(human),
        ev.amd('HUMAN', 'HUMAN-803-800', human(3_977)),
        ev.leftStasis(human(3_990)),
        ev.hungUp(16, human(5_993), 'Normal Clearing'),
      ],
      outcome: 'answered_human',
    },
    {
      scenario: 'consent-accept-dialplan',
      description:
        'A human hears the consent prompt, presses 1 after it ends and is continued into the ai-handoff dialplan, which hangs up 5 s later.',
      input: input('att-1002', { consent: SAMPLE_CONSENT, aiTarget: DIALPLAN_TARGET }),
      events: [
        ...answeredAt(accept),
        ev.amd('HUMAN', 'HUMAN-803-800', accept(3_977)),
        ev.playbackStarted(consentPlaybackId('att-1002'), accept(3_980)),
        ev.playbackFinished(consentPlaybackId('att-1002'), 'done', accept(5_950)),
        ev.dtmf('1', accept(7_630)),
        ev.leftStasis(accept(7_641)),
        ev.hungUp(16, accept(12_643), 'Normal Clearing'),
      ],
      outcome: 'answered_human',
    },
    {
      scenario: 'consent-accept-during-prompt',
      description:
        'A human presses 1 while the consent prompt still plays: the prompt is stopped, then the call is handed off.',
      input: input('att-1003', { consent: SAMPLE_CONSENT }),
      events: [
        ...answeredAt(early),
        ev.amd('HUMAN', 'HUMAN-803-800', early(3_977)),
        ev.playbackStarted(consentPlaybackId('att-1003'), early(3_980)),
        ev.dtmf('1', early(4_912)),
        ev.leftStasis(early(4_930)),
        ev.hungUp(16, early(187_400), 'Normal Clearing'),
      ],
      outcome: 'answered_human',
    },
    {
      scenario: 'consent-deny',
      description: 'A human presses 2 after the consent prompt: the dialer hangs up.',
      input: input('att-1004', { consent: SAMPLE_CONSENT }),
      events: [
        ...answeredAt(deny),
        ev.amd('HUMAN', 'HUMAN-803-800', deny(3_977)),
        ev.playbackStarted(consentPlaybackId('att-1004'), deny(3_980)),
        ev.playbackFinished(consentPlaybackId('att-1004'), 'done', deny(5_950)),
        ev.dtmf('2', deny(7_630)),
        ev.hungUp(16, deny(7_645), 'Normal Clearing'),
      ],
      outcome: 'consent_denied',
    },
    {
      scenario: 'consent-timeout',
      description:
        'A human says hello and never presses a digit: 8 s after the prompt the dialer hangs up.',
      input: input('att-1005', { consent: SAMPLE_CONSENT }),
      events: [
        ...answeredAt(timeout),
        ev.amd('HUMAN', 'HUMAN-803-800', timeout(3_977)),
        ev.playbackStarted(consentPlaybackId('att-1005'), timeout(3_980)),
        ev.playbackFinished(consentPlaybackId('att-1005'), 'done', timeout(5_950)),
        { timer: 'consentTimeout', at: timeout(13_951) },
        ev.hungUp(16, timeout(13_963), 'Normal Clearing'),
      ],
      outcome: 'consent_timeout',
    },
    {
      scenario: 'notsure-as-human',
      description:
        'AMD is not sure; the campaign treats NOTSURE as a human, so the call is handed off.',
      input: input('att-1006', { notSureAs: 'human' }),
      events: [
        ...answeredAt(notSure),
        ev.amd('NOTSURE', 'TOOLONG-5000', notSure(6_010)),
        ev.leftStasis(notSure(6_024)),
        ev.hungUp(16, notSure(95_310), 'Normal Clearing'),
      ],
      outcome: 'answered_human',
    },
    {
      scenario: 'hand-off-refused',
      description:
        'A human answers but the move to the AI app is refused (the app is not connected): the dialer hangs up.',
      input: input('att-1007'),
      events: [
        ...answeredAt(handOffFailed),
        ev.amd('HUMAN', 'HUMAN-803-800', handOffFailed(3_977)),
        ev.commandFailed(
          'handOff',
          422,
          'Provided application is not registered',
          handOffFailed(3_983),
        ),
        ev.hungUp(16, handOffFailed(3_998), 'Normal Clearing'),
      ],
      outcome: 'failed',
    },
    {
      scenario: 'hangup-during-prompt',
      description:
        'A human hangs up 1 s into the consent prompt: Asterisk requests the hang-up of our channel before it stops the prompt (PlaybackFinished failed), so the call ends abandoned at once, without a hang-up of our own.',
      input: input('att-1008', { consent: SAMPLE_CONSENT }),
      events: [
        ...answeredAt(duringPrompt),
        ev.amd('HUMAN', 'HUMAN-803-800', duringPrompt(3_977)),
        ev.playbackStarted(consentPlaybackId('att-1008'), duringPrompt(3_980)),
        ev.hangupRequested(16, duringPrompt(4_980)),
      ],
      outcome: 'abandoned',
    },
    {
      scenario: 'hangup-during-hand-off',
      description:
        'A human hangs up just as the call is moved to the ai-agent app: the hang-up request comes before the StasisEnd it causes, so the call ends abandoned, not handed off.',
      input: input('att-1009'),
      events: [
        ...answeredAt(duringHandOff),
        ev.amd('HUMAN', 'HUMAN-803-800', duringHandOff(3_977)),
        ev.hangupRequested(16, duringHandOff(3_979)),
      ],
      outcome: 'abandoned',
    },
  ];
}

function machineScenarios(): JournalScenario[] {
  const drop = clock(10, 0);
  const detected = clock(10, 5);
  const missing = clock(10, 10);
  const amdHangup = clock(10, 15);
  const duringAmd = clock(10, 20);
  const badContext = clock(10, 25);
  const duringDrop = clock(10, 30);
  return [
    {
      scenario: 'voicemail-drop',
      description:
        'An answering machine: AMD says MACHINE, the greeting ends 2.5 s after the beep, the 5.65 s message plays to the end, then the dialer hangs up.',
      input: input('att-2001', { voicemail: SAMPLE_VOICEMAIL }),
      events: [
        ...answeredAt(drop),
        ev.amd('MACHINE', 'MAXWORDS-3-2', drop(2_727)),
        ev.greetingEnded(drop(16_650)),
        ev.playbackStarted(voicemailPlaybackId('att-2001'), drop(16_662)),
        ev.playbackFinished(voicemailPlaybackId('att-2001'), 'done', drop(22_312)),
        ev.hungUp(16, drop(22_327), 'Normal Clearing'),
      ],
      outcome: 'voicemail_dropped',
    },
    {
      scenario: 'machine-detected',
      description:
        'An answering machine on a campaign without voicemail drop: the dialer hangs up.',
      input: input('att-2002'),
      events: [
        ...answeredAt(detected),
        ev.amd('MACHINE', 'MAXWORDS-3-2', detected(2_727)),
        ev.hungUp(16, detected(2_741), 'Normal Clearing'),
      ],
      outcome: 'machine_detected',
    },
    {
      scenario: 'voicemail-missing-media',
      description:
        'The voicemail recording is missing: PlaybackFinished comes in state failed in the same millisecond, so nothing was dropped.',
      input: input('att-2003', { voicemail: SAMPLE_VOICEMAIL }),
      events: [
        ...answeredAt(missing),
        ev.amd('MACHINE', 'MAXWORDS-3-2', missing(2_727)),
        ev.greetingEnded(missing(16_650)),
        ev.playbackStarted(voicemailPlaybackId('att-2003'), missing(16_655)),
        ev.playbackFinished(voicemailPlaybackId('att-2003'), 'failed', missing(16_655)),
        ev.hungUp(16, missing(16_668), 'Normal Clearing'),
      ],
      outcome: 'failed',
    },
    {
      scenario: 'amd-hangup',
      description:
        'The callee hangs up while AMD listens (AMDSTATUS HANGUP); our hang-up finds the channel already gone (404).',
      input: input('att-2004'),
      events: [
        ...answeredAt(amdHangup),
        ev.amd('HANGUP', '', amdHangup(2_104)),
        ev.commandFailed('hangUp', 404, 'Channel not found', amdHangup(2_109)),
      ],
      outcome: 'abandoned',
    },
    {
      scenario: 'abandoned-during-amd',
      description: 'The callee hangs up during the AMD hop, before any verdict comes back.',
      input: input('att-2005'),
      events: [...answeredAt(duringAmd), ev.hungUp(16, duringAmd(2_380), 'Normal Clearing')],
      outcome: 'abandoned',
    },
    {
      scenario: 'continue-bad-context',
      description:
        'The AMD context does not exist: Asterisk accepts the continue, then destroys the channel with cause 0.',
      input: input('att-2006'),
      events: [...answeredAt(badContext), ev.hungUp(0, badContext(1_008), 'Unknown')],
      outcome: 'failed',
    },
    {
      scenario: 'hangup-during-voicemail',
      description:
        'An answering machine hangs up 2 s into the voicemail message: Asterisk requests the hang-up of our channel before it stops the message (PlaybackFinished failed), so the call ends machine_detected at once, without a hang-up of our own.',
      input: input('att-2007', { voicemail: SAMPLE_VOICEMAIL }),
      events: [
        ...answeredAt(duringDrop),
        ev.amd('MACHINE', 'MAXWORDS-3-2', duringDrop(2_727)),
        ev.greetingEnded(duringDrop(16_650)),
        ev.playbackStarted(voicemailPlaybackId('att-2007'), duringDrop(16_662)),
        ev.hangupRequested(16, duringDrop(18_662)),
      ],
      outcome: 'machine_detected',
    },
  ];
}

function unansweredScenarios(): JournalScenario[] {
  const busy = clock(11, 0);
  const noAnswer = clock(11, 5);
  const ringTimeout = clock(11, 10);
  const congestion = clock(11, 15);
  const unavailable = clock(11, 20);
  const invalid = clock(11, 25);
  const rejected = clock(11, 30);
  const badDialContext = clock(11, 35);
  const refused = clock(11, 40);
  return [
    {
      scenario: 'busy',
      description:
        'The far end is busy: Dial BUSY and the ;2 cause 17 within 2 ms, while our ;1 half reports cause 0.',
      input: input('att-3001'),
      events: [
        ev.started(busy(0)),
        ev.dialStatus('', busy(1)),
        ev.dialStatus('BUSY', busy(2)),
        ev.originateAccepted(busy(2)),
        ev.farEndHungUp(17, busy(2)),
        ev.hungUp(0, busy(3), 'Unknown'),
      ],
      outcome: 'busy',
    },
    {
      scenario: 'no-answer',
      description:
        "The far end rings until ARI's 30 s originate timeout ends the call with cause 19.",
      input: input('att-3002'),
      events: [
        ev.started(noAnswer(0)),
        ev.originateAccepted(noAnswer(3)),
        ev.dialStatus('', noAnswer(4)),
        ev.dialStatus('RINGING', noAnswer(5)),
        ev.ringing(noAnswer(6)),
        ev.hungUp(19, noAnswer(30_031), 'User alerting, no answer'),
      ],
      outcome: 'no_answer',
    },
    {
      scenario: 'no-answer-ring-timeout',
      description:
        "The end of the ringing never reaches us: the dialer's own ring timer hangs up 5 s after ARI's timeout.",
      input: input('att-3003'),
      events: [
        ev.started(ringTimeout(0)),
        ev.originateAccepted(ringTimeout(3)),
        ev.dialStatus('RINGING', ringTimeout(5)),
        ev.ringing(ringTimeout(6)),
        { timer: 'ringTimeout', at: ringTimeout(35_001) },
        ev.dialStatus('NOANSWER', ringTimeout(35_004)),
        ev.hungUp(16, ringTimeout(35_005), 'Normal Clearing'),
      ],
      outcome: 'no_answer',
    },
    {
      scenario: 'congestion',
      description: 'The network is congested: Dial CONGESTION and ;2 cause 34, our half cause 0.',
      input: input('att-3004'),
      events: [
        ev.started(congestion(0)),
        ev.originateAccepted(congestion(3)),
        ev.dialStatus('', congestion(4)),
        ev.dialStatus('CONGESTION', congestion(182)),
        ev.farEndHungUp(34, congestion(183)),
        ev.hungUp(0, congestion(183), 'Unknown'),
      ],
      outcome: 'congestion',
    },
    {
      scenario: 'unavailable',
      description: 'The far end cannot be reached: Dial CHANUNAVAIL, our half cause 0.',
      input: input('att-3005'),
      events: [
        ev.started(unavailable(0)),
        ev.originateAccepted(unavailable(3)),
        ev.dialStatus('', unavailable(4)),
        ev.dialStatus('CHANUNAVAIL', unavailable(41)),
        ev.hungUp(0, unavailable(42), 'Unknown'),
      ],
      outcome: 'unavailable',
    },
    {
      scenario: 'invalid-number',
      description: 'The number is unallocated: no Dial verdict, ;2 ends with Q.850 cause 1.',
      input: input('att-3006', { number: '+15550000000' }),
      events: [
        ev.started(invalid(0)),
        ev.originateAccepted(invalid(3)),
        ev.dialStatus('', invalid(4)),
        ev.farEndHungUp(1, invalid(318)),
        ev.hungUp(0, invalid(319), 'Unknown'),
      ],
      outcome: 'invalid_number',
    },
    {
      scenario: 'rejected',
      description: 'The callee rejects the ringing call: ;2 ends with Q.850 cause 21.',
      input: input('att-3007'),
      events: [
        ev.started(rejected(0)),
        ev.originateAccepted(rejected(3)),
        ev.dialStatus('', rejected(4)),
        ev.dialStatus('RINGING', rejected(5)),
        ev.ringing(rejected(6)),
        ev.farEndHungUp(21, rejected(4_206)),
        ev.hungUp(0, rejected(4_207), 'Unknown'),
      ],
      outcome: 'rejected',
    },
    {
      scenario: 'originate-bad-context',
      description:
        'The dial context does not exist: the originate is accepted, then both halves die with cause 0 and no Dial event.',
      input: input('att-3008'),
      events: [
        ev.started(badDialContext(0)),
        ev.originateAccepted(badDialContext(2)),
        ev.farEndHungUp(0, badDialContext(3)),
        ev.hungUp(0, badDialContext(3), 'Unknown'),
      ],
      outcome: 'failed',
    },
    {
      scenario: 'originate-refused',
      description:
        'ARI refuses the originate because a channel with the same id exists (409): nothing to hang up.',
      input: input('att-3009'),
      events: [
        ev.started(refused(0)),
        ev.commandFailed(
          'originate',
          409,
          'Channel with given unique ID already exists',
          refused(4),
        ),
      ],
      outcome: 'failed',
    },
  ];
}

function operatorScenarios(): JournalScenario[] {
  const canceled = clock(12, 0);
  const lost = clock(12, 5);
  return [
    {
      scenario: 'canceled-during-ring',
      description:
        'The operator cancels 2 s into the ringing: the dialer hangs up, and the NOANSWER Dial status that follows stays a cancel.',
      input: input('att-4001'),
      events: [
        ev.started(canceled(0)),
        ev.originateAccepted(canceled(3)),
        ev.dialStatus('RINGING', canceled(5)),
        ev.ringing(canceled(6)),
        ev.operatorCanceled(canceled(2_000)),
        ev.dialStatus('NOANSWER', canceled(2_003)),
        ev.hungUp(16, canceled(2_004), 'Normal Clearing'),
      ],
      outcome: 'canceled',
    },
    {
      scenario: 'interrupted-after-restart',
      description:
        'The process restarted during the ringing; on reconcile the channel was not found in Asterisk.',
      input: input('att-4002'),
      events: [
        ev.started(lost(0)),
        ev.originateAccepted(lost(3)),
        ev.dialStatus('RINGING', lost(5)),
        ev.ringing(lost(6)),
        ev.channelLost(lost(94_120)),
      ],
      outcome: 'interrupted',
    },
  ];
}

/** Every recorded scenario; at least one per outcome. */
export const JOURNAL_SCENARIOS: readonly JournalScenario[] = [
  ...humanScenarios(),
  ...machineScenarios(),
  ...unansweredScenarios(),
  ...operatorScenarios(),
];
