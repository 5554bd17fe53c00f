import { consentPlaybackId, ev } from './attempt-events.js';
import { SAMPLE_CONSENT } from './attempt-inputs.js';
import {
  AAVA_TARGET,
  answeredAt,
  clock,
  DIALPLAN_TARGET,
  input,
  type JournalScenario,
  verdictAt,
} from './journal-scenario-kit.js';

// A hand-off counts once the call is seen where the target is (leaving our app for an
// app target, the first step of the target context otherwise) and is still up 2 s
// later, when the handOffSettle timer fires.

/** A human who hears the consent prompt to its end (or not at all) and answers. */
export function consentScenarios(): JournalScenario[] {
  const accept = clock(9, 5);
  const early = clock(9, 10);
  const deny = clock(9, 15);
  const timeout = clock(9, 20);
  const duringPrompt = clock(9, 35);
  return [
    {
      scenario: 'consent-accept-dialplan',
      description:
        'A human hears the consent prompt, presses 1 after it ends and is continued into the ai-handoff dialplan; 2 s later the hand-off counts, and the context hangs up (Hangup step) 5 s after the hand-off.',
      input: input('att-1002', { consent: SAMPLE_CONSENT, aiTarget: DIALPLAN_TARGET }),
      events: [
        ...answeredAt(accept),
        ...verdictAt('HUMAN', 'HUMAN-803-800', accept(3_977)),
        ev.playbackStarted(consentPlaybackId('att-1002'), accept(3_980)),
        ev.playbackFinished(consentPlaybackId('att-1002'), 'done', accept(5_950)),
        ev.dtmf('1', accept(7_630)),
        ev.leftStasis(accept(7_641)),
        ev.dialplanEntered('ai-handoff', 's', 1, 'NoOp', accept(7_641)),
        { timer: 'handOffSettle', at: accept(9_641) },
        ev.dialplanEntered('ai-handoff', 's', 6, 'Hangup', accept(12_642)),
        ev.hungUp(16, accept(12_643), 'Normal Clearing'),
      ],
      outcome: 'answered_human',
    },
    {
      scenario: 'consent-accept-during-prompt',
      description:
        'A human presses 1 while the consent prompt still plays: the prompt is stopped and the call moved to the ai-agent app; three minutes later the caller hangs up.',
      input: input('att-1003', { consent: SAMPLE_CONSENT }),
      events: [
        ...answeredAt(early),
        ...verdictAt('HUMAN', 'HUMAN-803-800', early(3_977)),
        ev.playbackStarted(consentPlaybackId('att-1003'), early(3_980)),
        ev.dtmf('1', early(4_912)),
        ev.leftStasis(early(4_930)),
        { timer: 'handOffSettle', at: early(6_930) },
        ev.hangupRequested(16, early(187_399)),
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
        ...verdictAt('HUMAN', 'HUMAN-803-800', deny(3_977)),
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
        ...verdictAt('HUMAN', 'HUMAN-803-800', timeout(3_977)),
        ev.playbackStarted(consentPlaybackId('att-1005'), timeout(3_980)),
        ev.playbackFinished(consentPlaybackId('att-1005'), 'done', timeout(5_950)),
        { timer: 'consentTimeout', at: timeout(13_951) },
        ev.hungUp(16, timeout(13_963), 'Normal Clearing'),
      ],
      outcome: 'consent_timeout',
    },
    {
      scenario: 'hangup-during-prompt',
      description:
        'A human hangs up 1 s into the consent prompt: Asterisk requests the hang-up of our channel before it stops the prompt (PlaybackFinished failed), so the call ends abandoned at once, without a hang-up of our own.',
      input: input('att-1008', { consent: SAMPLE_CONSENT }),
      events: [
        ...answeredAt(duringPrompt),
        ...verdictAt('HUMAN', 'HUMAN-803-800', duringPrompt(3_977)),
        ev.playbackStarted(consentPlaybackId('att-1008'), duringPrompt(3_980)),
        ev.hangupRequested(16, duringPrompt(4_980)),
      ],
      outcome: 'abandoned',
    },
  ];
}

/** Hand-offs the target confirmed, and the ways they end. */
export function confirmedHandOffScenarios(): JournalScenario[] {
  const human = clock(9, 0);
  const notSure = clock(9, 25);
  const aava = clock(9, 45);
  const transfer = clock(9, 50);
  return [
    {
      scenario: 'human-app-handoff',
      description:
        'A human answers, AMD says HUMAN, the channel moves to the ai-agent app (StasisEnd 1 ms after the move), the hand-off counts 2 s later and the agent hangs up 13 ms after that.',
      input: input('att-1001'),
      events: [
        ...answeredAt(human),
        ...verdictAt('HUMAN', 'HUMAN-803-800', human(3_977)),
        ev.leftStasis(human(3_980)),
        { timer: 'handOffSettle', at: human(5_980) },
        ev.hungUp(16, human(5_993), 'Normal Clearing'),
      ],
      outcome: 'answered_human',
    },
    {
      scenario: 'notsure-as-human',
      description:
        'AMD is not sure; the campaign treats NOTSURE as a human, so the call is handed off and talks for 89 s.',
      input: input('att-1006', { notSureAs: 'human' }),
      events: [
        ...answeredAt(notSure),
        ...verdictAt('NOTSURE', 'TOOLONG-5000', notSure(6_010)),
        ev.leftStasis(notSure(6_024)),
        { timer: 'handOffSettle', at: notSure(8_024) },
        ev.hungUp(16, notSure(95_310), 'Normal Clearing'),
      ],
      outcome: 'answered_human',
    },
    {
      scenario: 'aava-handoff',
      description:
        'Dialed straight to a PJSIP trunk (no Local halves, no Dial events): a human is continued into the rendered AAVA hand-off context, whose Stasis() starts an AAVA session; the hand-off counts 2 s later and AAVA ends the call after 64 s.',
      input: input('att-1010', {
        endpoint: 'PJSIP/15551230042@trunk-out',
        aiTarget: AAVA_TARGET,
        handOffVariables: {
          DIALSTATE_AAVA_APP: 'asterisk-ai-voice-agent',
          AI_AGENT: 'appointment-reminder',
          AI_PROVIDER: 'openai',
          AAVA_OUTBOUND: '1',
          AAVA_OUTBOUND_PHONE: '+15551230042',
          AAVA_CAMPAIGN_ID: 'cmp-reminders',
          AAVA_LEAD_ID: 'lead-0042',
          AAVA_CUSTOM_VARS_JSON: '{"firstName":"Ada","appointment":"2026-11-25T10:30"}',
          'CALLERID(num)': '+15551230042',
          'CALLERID(name)': 'Ada Lovelace',
        },
      }),
      events: [
        ev.started(aava(0)),
        ev.originateAccepted(aava(3)),
        ev.ringing(aava(180)),
        ev.answered(aava(1_005)),
        ev.leftStasis(aava(1_007)),
        ev.dialplanEntered('aava-outbound-amd', 's', 1, 'NoOp', aava(1_007)),
        ...verdictAt('HUMAN', 'HUMAN-803-800', aava(3_977)),
        ev.leftStasis(aava(3_984)),
        ev.dialplanEntered('dialstate-aava-handoff', 's', 1, 'NoOp', aava(3_984)),
        ev.dialplanEntered('dialstate-aava-handoff', 's', 2, 'Stasis', aava(3_985)),
        { timer: 'handOffSettle', at: aava(5_984) },
        ev.hungUp(16, aava(68_240), 'Normal Clearing'),
      ],
      outcome: 'answered_human',
    },
    {
      scenario: 'transfer-onward',
      description:
        'The agent in the ai-handoff context takes the call, then sends it on to the sales-queue context (a transfer onward), where it ends 40 s later.',
      input: input('att-1011', { aiTarget: DIALPLAN_TARGET }),
      events: [
        ...answeredAt(transfer),
        ...verdictAt('HUMAN', 'HUMAN-803-800', transfer(3_977)),
        ev.leftStasis(transfer(3_984)),
        ev.dialplanEntered('ai-handoff', 's', 1, 'NoOp', transfer(3_984)),
        { timer: 'handOffSettle', at: transfer(5_984) },
        ev.dialplanEntered('sales-queue', 's', 1, 'Queue', transfer(31_200)),
        ev.hungUp(16, transfer(71_200), 'Normal Clearing'),
      ],
      outcome: 'answered_human',
    },
  ];
}
