import { ev } from './attempt-events.js';
import {
  AAVA_TARGET,
  answeredAt,
  clock,
  DIALPLAN_TARGET,
  input,
  type JournalScenario,
  verdictAt,
} from './journal-scenario-kit.js';

/**
 * Hand-offs that did not happen: before the call left our app it is the callee's
 * doing (`abandoned`); once it left, anything short of a confirmed hand-off is
 * `handoff_failed`.
 */
export function failedHandOffScenarios(): JournalScenario[] {
  const refused = clock(9, 30);
  const duringHandOff = clock(9, 40);
  const missing = clock(9, 55);
  const stasisFailed = clock(13, 0);
  const duringSettle = clock(13, 5);
  const moveFailed = clock(13, 10);
  return [
    {
      scenario: 'hand-off-refused',
      description:
        'A human answers but ARI refuses the move to the AI app (422: the app is not registered): the dialer hangs up.',
      input: input('att-1007'),
      events: [
        ...answeredAt(refused),
        ...verdictAt('HUMAN', 'HUMAN-803-800', refused(3_977)),
        ev.commandFailed('handOff', 422, 'Provided application is not registered', refused(3_983)),
        ev.hungUp(16, refused(3_998), 'Normal Clearing'),
      ],
      outcome: 'handoff_failed',
    },
    {
      scenario: 'hangup-during-hand-off',
      description:
        'A human hangs up just as the call is moved to the ai-agent app: the hang-up request comes before the StasisEnd it causes, so the call ends abandoned, not handed off.',
      input: input('att-1009'),
      events: [
        ...answeredAt(duringHandOff),
        ...verdictAt('HUMAN', 'HUMAN-803-800', duringHandOff(3_977)),
        ev.hangupRequested(16, duringHandOff(3_979)),
      ],
      outcome: 'abandoned',
    },
    {
      scenario: 'handoff-missing-context',
      description:
        'The AI target names a context this PBX does not have: the continue is accepted, the channel is destroyed with cause 0 as it lands, and with no connection loss within 3 s that is a failed hand-off, not a PBX restart.',
      input: input('att-1012', { aiTarget: DIALPLAN_TARGET }),
      events: [
        ...answeredAt(missing),
        ...verdictAt('HUMAN', 'HUMAN-803-800', missing(3_977)),
        ev.leftStasis(missing(3_984)),
        ev.hungUp(0, missing(3_985), 'Unknown'),
        ev.dialplanEntered('ai-handoff', 's', 1, 'AppDial2', missing(3_985)),
        ev.farEndHungUp(0, missing(3_985)),
        { timer: 'pbxLossGrace', at: missing(6_985) },
      ],
      outcome: 'handoff_failed',
    },
    {
      scenario: 'handoff-stasis-failed',
      description:
        "AAVA's engine is not running: the hand-off context's Stasis() fails (STASISSTATUS=FAILED), its fallback plays a short apology and hangs up; the dialer waits for that end instead of cutting it short.",
      input: input('att-1013', {
        endpoint: 'PJSIP/15551230042@trunk-out',
        aiTarget: AAVA_TARGET,
      }),
      events: [
        ev.started(stasisFailed(0)),
        ev.originateAccepted(stasisFailed(3)),
        ev.ringing(stasisFailed(180)),
        ev.answered(stasisFailed(1_005)),
        ev.leftStasis(stasisFailed(1_007)),
        ev.dialplanEntered('aava-outbound-amd', 's', 1, 'NoOp', stasisFailed(1_007)),
        ...verdictAt('HUMAN', 'HUMAN-803-800', stasisFailed(3_977)),
        ev.leftStasis(stasisFailed(3_984)),
        ev.dialplanEntered('dialstate-aava-handoff', 's', 1, 'NoOp', stasisFailed(3_984)),
        ev.dialplanEntered('dialstate-aava-handoff', 's', 2, 'Stasis', stasisFailed(3_985)),
        ev.stasisFailed(stasisFailed(3_985)),
        ev.dialplanEntered('dialstate-aava-handoff', 's', 4, 'Hangup', stasisFailed(6_412)),
        ev.hungUp(16, stasisFailed(6_413), 'Normal Clearing'),
      ],
      outcome: 'handoff_failed',
    },
    {
      scenario: 'hangup-during-settle',
      description:
        'The call reaches the ai-handoff context, but the caller hangs up 0.8 s later, before the hand-off could count.',
      input: input('att-1014', { aiTarget: DIALPLAN_TARGET }),
      events: [
        ...answeredAt(duringSettle),
        ...verdictAt('HUMAN', 'HUMAN-803-800', duringSettle(3_977)),
        ev.leftStasis(duringSettle(3_984)),
        ev.dialplanEntered('ai-handoff', 's', 1, 'NoOp', duringSettle(3_984)),
        ev.hangupRequested(16, duringSettle(4_790)),
      ],
      outcome: 'handoff_failed',
    },
    {
      scenario: 'app-move-failed',
      description:
        'ARI takes the move to the ai-agent app, but nobody holds that app (ApplicationMoveFailed): the channel stays ours and the dialer hangs up.',
      input: input('att-1015'),
      events: [
        ...answeredAt(moveFailed),
        ...verdictAt('HUMAN', 'HUMAN-803-800', moveFailed(3_977)),
        ev.moveFailed('ai-agent', moveFailed(3_981)),
        ev.hungUp(16, moveFailed(3_995), 'Normal Clearing'),
      ],
      outcome: 'handoff_failed',
    },
  ];
}
