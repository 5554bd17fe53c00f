import { consentPlaybackId, ev } from './attempt-events.js';
import { SAMPLE_CONSENT } from './attempt-inputs.js';
import {
  answeredAt,
  clock,
  input,
  type JournalScenario,
  verdictAt,
} from './journal-scenario-kit.js';

/**
 * The PBX going away, and the dialer restarting. A stopping Asterisk hangs every call up
 * with cause 0 just before it closes the websocket: the attempt waits in `ending` for
 * that connection loss and ends `interrupted`, not `abandoned` or a setup-looking
 * `failed`. A command it can no longer take (5xx) interrupts the attempt too.
 */
export function faultScenarios(): JournalScenario[] {
  const lost = clock(12, 5);
  const duringAmd = clock(12, 10);
  const duringConsent = clock(12, 15);
  const unavailable = clock(12, 20);
  return [
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
    {
      scenario: 'pbx-restart-during-amd',
      description:
        'Asterisk is stopped while AMD listens: it requests the hang-up of both halves with cause 0, destroys them, and 4 ms later its websocket closes.',
      input: input('att-4003'),
      events: [
        ...answeredAt(duringAmd),
        ev.hangupRequested(0, duringAmd(2_400)),
        ev.farEndHungUp(0, duringAmd(2_401)),
        ev.hungUp(0, duringAmd(2_401), 'Unknown'),
        ev.pbxLost('websocket closed (1006)', duringAmd(2_405)),
      ],
      outcome: 'interrupted',
    },
    {
      scenario: 'pbx-restart-during-consent',
      description:
        'Asterisk is stopped while the consent prompt plays: the request (cause 0), the cut prompt finishing failed, the end of our channel, then the websocket closing.',
      input: input('att-4004', { consent: SAMPLE_CONSENT }),
      events: [
        ...answeredAt(duringConsent),
        ...verdictAt('HUMAN', 'HUMAN-803-800', duringConsent(3_977)),
        ev.playbackStarted(consentPlaybackId('att-4004'), duringConsent(3_980)),
        ev.hangupRequested(0, duringConsent(5_000)),
        ev.playbackFinished(consentPlaybackId('att-4004'), 'failed', duringConsent(5_000)),
        ev.leftStasis(duringConsent(5_001)),
        ev.hungUp(0, duringConsent(5_001), 'Unknown'),
        ev.pbxLost('websocket closed (1006)', duringConsent(5_006)),
      ],
      outcome: 'interrupted',
    },
    {
      scenario: 'originate-503',
      description:
        'Asterisk is shutting down and answers the originate with 503: nothing was dialed, and the lead is not failed for good.',
      input: input('att-4005'),
      events: [
        ev.started(unavailable(0)),
        ev.commandFailed('originate', 503, 'Service Unavailable', unavailable(6)),
      ],
      outcome: 'interrupted',
    },
  ];
}
