import { ev, voicemailPlaybackId } from './attempt-events.js';
import { SAMPLE_VOICEMAIL } from './attempt-inputs.js';
import {
  AMD_CONTEXT,
  answeredAt,
  clock,
  input,
  type JournalScenario,
  verdictAt,
} from './journal-scenario-kit.js';

/** Answering machines, and callees who hang up while AMD listens. */
export function machineScenarios(): JournalScenario[] {
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
        ...verdictAt('MACHINE', 'MAXWORDS-3-2', drop(2_727)),
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
        ...verdictAt('MACHINE', 'MAXWORDS-3-2', detected(2_727)),
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
        ...verdictAt('MACHINE', 'MAXWORDS-3-2', missing(2_727)),
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
        ...verdictAt('HANGUP', '', amdHangup(2_104)),
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
        'The AMD context does not exist: Asterisk accepts the continue, then destroys the channel with cause 0; with no connection loss within 3 s that is a setup fault, not a PBX restart.',
      input: input('att-2006'),
      events: [
        ...answeredAt(badContext).slice(0, -1),
        ev.hungUp(0, badContext(1_008), 'Unknown'),
        ev.dialplanEntered(AMD_CONTEXT, 's', 1, 'AppDial2', badContext(1_008)),
        ev.farEndHungUp(0, badContext(1_008)),
        { timer: 'pbxLossGrace', at: badContext(4_008) },
      ],
      outcome: 'failed',
    },
    {
      scenario: 'hangup-during-voicemail',
      description:
        'An answering machine hangs up 2 s into the voicemail message: Asterisk requests the hang-up of our channel before it stops the message (PlaybackFinished failed), so the call ends machine_detected at once, without a hang-up of our own.',
      input: input('att-2007', { voicemail: SAMPLE_VOICEMAIL }),
      events: [
        ...answeredAt(duringDrop),
        ...verdictAt('MACHINE', 'MAXWORDS-3-2', duringDrop(2_727)),
        ev.greetingEnded(duringDrop(16_650)),
        ev.playbackStarted(voicemailPlaybackId('att-2007'), duringDrop(16_662)),
        ev.hangupRequested(16, duringDrop(18_662)),
      ],
      outcome: 'machine_detected',
    },
  ];
}
