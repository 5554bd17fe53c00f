import {
  consentPlaybackId,
  ev,
  optOutPlaybackId,
  safeHarbourPlaybackId,
} from './attempt-events.js';
import { SAMPLE_CONSENT, SAMPLE_CONSENT_OPT_OUT, SAMPLE_SAFE_HARBOUR } from './attempt-inputs.js';
import {
  answeredAt,
  clock,
  input,
  type JournalScenario,
  verdictAt,
} from './journal-scenario-kit.js';

/**
 * The compliance options of the consent gate and the hand-off: the opt-out digit (with
 * and without its confirmation) and the safe-harbour message played to a person the
 * AI target could not take.
 */
export function complianceScenarios(): JournalScenario[] {
  const optOut = clock(14, 0);
  const silentOptOut = clock(14, 5);
  const safeHarbour = clock(14, 10);
  const lateHandOff = clock(14, 15);
  return [
    {
      scenario: 'opt-out-digit',
      description:
        'A human presses 9 ("never call me") during the consent prompt: the prompt stops, a 3.1 s confirmation plays, the dialer hangs up; the number goes on the do-not-call list.',
      input: input('att-6001', { consent: SAMPLE_CONSENT_OPT_OUT }),
      events: [
        ...answeredAt(optOut),
        ...verdictAt('HUMAN', 'HUMAN-803-800', optOut(3_977)),
        ev.playbackStarted(consentPlaybackId('att-6001'), optOut(3_980)),
        ev.dtmf('9', optOut(5_100)),
        ev.playbackFinished(consentPlaybackId('att-6001'), 'done', optOut(5_104)),
        ev.playbackStarted(optOutPlaybackId('att-6001'), optOut(5_106)),
        ev.playbackFinished(optOutPlaybackId('att-6001'), 'done', optOut(8_210)),
        ev.hungUp(16, optOut(8_224), 'Normal Clearing'),
      ],
      outcome: 'opted_out',
    },
    {
      scenario: 'opt-out-digit-silent',
      description:
        'A campaign with an opt-out digit and no confirmation message: the human presses 9 after the prompt and the dialer hangs up at once.',
      input: input('att-6002', {
        consent: { ...SAMPLE_CONSENT, optOut: { digit: '9', media: null, playbackMaxMs: 0 } },
      }),
      events: [
        ...answeredAt(silentOptOut),
        ...verdictAt('HUMAN', 'HUMAN-803-800', silentOptOut(3_977)),
        ev.playbackStarted(consentPlaybackId('att-6002'), silentOptOut(3_980)),
        ev.playbackFinished(consentPlaybackId('att-6002'), 'done', silentOptOut(5_950)),
        ev.dtmf('9', silentOptOut(7_200)),
        ev.hungUp(16, silentOptOut(7_214), 'Normal Clearing'),
      ],
      outcome: 'opted_out',
    },
    {
      scenario: 'safe-harbour-move-failed',
      description:
        'A human answers but the AI app is not connected (ApplicationMoveFailed): the safe-harbour message names the caller and a call-back number, then the dialer hangs up.',
      input: input('att-6003', { safeHarbour: SAMPLE_SAFE_HARBOUR }),
      events: [
        ...answeredAt(safeHarbour),
        ...verdictAt('HUMAN', 'HUMAN-803-800', safeHarbour(3_977)),
        ev.moveFailed('ai-agent', safeHarbour(3_981)),
        ev.playbackStarted(safeHarbourPlaybackId('att-6003'), safeHarbour(3_985)),
        ev.playbackFinished(safeHarbourPlaybackId('att-6003'), 'done', safeHarbour(8_190)),
        ev.hungUp(16, safeHarbour(8_204), 'Normal Clearing'),
      ],
      outcome: 'handoff_failed',
    },
    {
      scenario: 'safe-harbour-hand-off-timeout',
      description:
        'A human answers but the channel never leaves our app after the hand-off (10 s): the safe-harbour message plays; the callee hangs up during it.',
      input: input('att-6004', { safeHarbour: SAMPLE_SAFE_HARBOUR }),
      events: [
        ...answeredAt(lateHandOff),
        ...verdictAt('HUMAN', 'HUMAN-803-800', lateHandOff(3_977)),
        { timer: 'handOffTimeout', at: lateHandOff(13_977) },
        ev.playbackStarted(safeHarbourPlaybackId('att-6004'), lateHandOff(13_981)),
        ev.hangupRequested(16, lateHandOff(15_400)),
      ],
      outcome: 'handoff_failed',
    },
  ];
}
