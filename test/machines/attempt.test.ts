import { describe, expect, it } from 'vitest';
import {
  HAND_OFF_TIMEOUT_MS,
  HANG_UP_TIMEOUT_MS,
  PBX_LOSS_GRACE_MS,
  RING_GRACE_MS,
} from '../../src/machines/attempt.js';
import { type AttemptDrive, createAttemptDrive, driveAttempt } from '../support/attempt-driver.js';
import { ev } from '../support/attempt-events.js';
import {
  consentInput,
  DIALPLAN_AI_TARGET,
  dialplanTargetInput,
  notSureAsHumanInput,
  SAMPLE_AMD_OPTIONS,
  SAMPLE_AMD_TIMEOUT_MS,
  SAMPLE_CONSENT,
  SAMPLE_VOICEMAIL,
  sampleInput,
  t,
} from '../support/attempt-inputs.js';
import {
  AMD_TIMER,
  CHANNEL,
  CONSENT_PLAYBACK,
  CONSENT_TIMER,
  cancelTimer,
  dialing,
  ENTERING_TIMER,
  GREETING_TIMER,
  HAND_OFF_TIMER,
  HANG_UP,
  HANG_UP_TIMER,
  human,
  leavingVoicemail,
  listening,
  machine,
  PBX_GRACE_TIMER,
  PLAYBACK_TIMER,
  PROMPT_TIMER,
  prompting,
  RING_TIMER,
  ringing,
  SETTLE_TIMER,
  screening,
  settling,
  startTimer,
  talking,
  VOICEMAIL_PLAYBACK,
} from '../support/attempt-stories.js';

// The machine's behaviour state by state, from the originate to done. The hand-off
// (attempt-handoff.test.ts) and the PBX-loss rule (attempt-pbx-loss.test.ts) have files
// of their own.

describe('originating', () => {
  it('emits one originate with the channel id, caller id and variables in `variables`', () => {
    const call = createAttemptDrive(sampleInput());

    const step = call.send(ev.started(t(0)));

    expect(step.state).toBe('dialing.originating');
    expect(step.commands).toEqual([
      {
        type: 'originate',
        params: {
          channelId: CHANNEL,
          number: '+15551230042',
          callerId: 'Dialstate <6789>',
          timeoutSec: 30,
          variables: {
            AMPUSER: '6789',
            'CALLERID(num)': '6789',
            __AAVA_ATTEMPT_ID: 'att-0001',
            __AAVA_CAMPAIGN_ID: 'cmp-reminders',
            __AAVA_LEAD_ID: 'lead-0042',
            AAVA_STASIS_APP: 'dialstate',
            AAVA_AMD_OPTS: SAMPLE_AMD_OPTIONS,
          },
        },
      },
    ]);
    expect(step.facts.startedAt).toBe(t(0));
  });

  it('rounds the ring timeout up to whole seconds and arms its own ring timer with grace', () => {
    const call = createAttemptDrive(sampleInput({ ringTimeoutMs: 25_001 }));

    const step = call.send(ev.started(t(0)));

    expect(step.commands[0]).toMatchObject({ type: 'originate', params: { timeoutSec: 26 } });
    expect(step.timers).toEqual([startTimer(RING_TIMER, 25_001 + RING_GRACE_MS)]);
  });

  it('passes a null caller id through when the campaign has none', () => {
    const step = createAttemptDrive(sampleInput({ callerId: null })).send(ev.started(t(0)));

    expect(step.commands[0]).toMatchObject({ type: 'originate', params: { callerId: null } });
  });

  it('waits in idle and emits nothing before it is started', () => {
    const call = createAttemptDrive(sampleInput());

    const step = call.send(ev.ringing(t(0)));

    expect(step.state).toBe('idle');
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([]);
  });

  it('moves to ringing when the far end alerts and keeps the originate accepted quietly', () => {
    const call = dialing();
    expect(call.state).toBe('dialing.originating');
    expect(call.last.commands).toEqual([]);

    const step = call.send(ev.ringing(t(6)));

    expect(step.state).toBe('dialing.ringing');
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([]);
  });

  it('ends failed without a hang-up when ARI refuses the originate', () => {
    const call = driveAttempt(sampleInput(), [ev.started(t(0))]);

    const step = call.send(
      ev.commandFailed('originate', 409, 'Channel with given unique ID already exists', t(4)),
    );

    expect(step.done).toBe(true);
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([cancelTimer(RING_TIMER)]);
    expect(step.facts).toMatchObject({
      outcome: 'failed',
      error: 'originate failed (HTTP 409): Channel with given unique ID already exists',
      endedAt: t(4),
    });
  });

  it('ignores the failure of a command it is not waiting for', () => {
    const call = ringing();

    const step = call.send(ev.commandFailed('play', 500, 'boom', t(100)));

    expect(step.state).toBe('dialing.ringing');
    expect(step.timers).toEqual([]);
  });
});

describe('calls that end before the answer', () => {
  it('classifies a busy far end from the Dial status although our half reports cause 0', () => {
    const call = driveAttempt(sampleInput(), [
      ev.started(t(0)),
      ev.dialStatus('', t(1)),
      ev.dialStatus('BUSY', t(2)),
      ev.farEndHungUp(17, t(2)),
    ]);

    const step = call.send(ev.hungUp(0, t(2), 'Unknown'));

    expect(step.done).toBe(true);
    expect(step.timers).toEqual([cancelTimer(RING_TIMER)]);
    expect(step.facts).toMatchObject({
      outcome: 'busy',
      error: null,
      dialStatus: 'BUSY',
      farEndCause: 17,
      hangupCause: 0,
      endedAt: t(2),
    });
  });

  it('ends no_answer when the originate timeout ends the ringing with cause 19', () => {
    const call = ringing();
    call.send(ev.farEndHungUp(19, t(30_030)));

    const step = call.send(ev.hungUp(19, t(30_031), 'User alerting, no answer'));

    expect(step.facts).toMatchObject({
      outcome: 'no_answer',
      hangupCause: 19,
      dialStatus: 'RINGING',
    });
    expect(step.commands).toEqual([]);
  });

  it('ends no_answer from the last RINGING Dial status when neither half gives a cause', () => {
    const call = ringing();

    // Cause 0 while ringing may be the PBX stopping: the attempt waits for that first.
    const step = call.send(ev.hungUp(0, t(30_031)));
    expect(step.state).toBe('ending');
    const end = call.fireTimer('pbxLossGrace');

    expect(end.facts.outcome).toBe('no_answer');
  });

  it('ends interrupted, not no_answer, when the PBX that stopped rang the call out', () => {
    const call = ringing();

    call.send(ev.hungUp(0, t(30_031)));
    const step = call.send(ev.pbxLost('websocket closed', t(30_040)));

    expect(step.facts.outcome).toBe('interrupted');
    expect(step.facts.error).toBe('PBX restarted or unreachable');
  });

  it('hangs up after ringTimeout when the end of the ringing never arrives', () => {
    const call = ringing();

    const timeout = call.fireTimer('ringTimeout');

    expect(timeout.event.at).toBe(t(30_000 + RING_GRACE_MS));
    expect(timeout.state).toBe('hangingUp');
    expect(timeout.commands).toEqual([HANG_UP]);
    expect(timeout.timers).toEqual([
      cancelTimer(RING_TIMER),
      startTimer(HANG_UP_TIMER, HANG_UP_TIMEOUT_MS),
    ]);
    expect(timeout.facts.pendingOutcome).toBe('no_answer');

    call.send(ev.dialStatus('NOANSWER', t(35_002)));
    const end = call.send(ev.hungUp(16, t(35_003)));

    expect(end.facts).toMatchObject({
      outcome: 'no_answer',
      error: 'no answer within the ring timeout',
      endedAt: t(35_003),
    });
  });

  it.each([
    ['CONGESTION', 34, 'congestion'],
    ['CHANUNAVAIL', 20, 'unavailable'],
    ['NOANSWER', 19, 'no_answer'],
    ['DONTCALL', 21, 'rejected'],
  ] as const)('classifies Dial status %s as %s', (dialStatus, farEndCause, outcome) => {
    const call = dialing();
    call.send(ev.dialStatus(dialStatus, t(40)));
    call.send(ev.farEndHungUp(farEndCause, t(41)));

    const step = call.send(ev.hungUp(0, t(41)));

    expect(step.facts.outcome).toBe(outcome);
  });

  it('classifies an unallocated number from the far end cause when Dial gave no verdict', () => {
    const call = dialing();
    call.send(ev.dialStatus('', t(5)));
    call.send(ev.farEndHungUp(1, t(310)));

    const step = call.send(ev.hungUp(0, t(311)));

    expect(step.facts).toMatchObject({ outcome: 'invalid_number', farEndCause: 1 });
  });

  it('classifies a rejected call from the far end cause 21', () => {
    const call = ringing();
    call.send(ev.farEndHungUp(21, t(4_200)));

    const step = call.send(ev.hungUp(0, t(4_201)));

    expect(step.facts.outcome).toBe('rejected');
  });

  it('ends failed with a hint at the dial context when both halves die with cause 0 and the PBX stays up', () => {
    const call = driveAttempt(sampleInput(), [ev.started(t(0)), ev.originateAccepted(t(2))]);
    call.send(ev.farEndHungUp(0, t(3)));

    // Cause 0 on both halves is also what a stopping PBX gives: wait for its loss first.
    const end = call.send(ev.hungUp(0, t(3), 'Unknown'));
    expect(end.state).toBe('ending');
    expect(end.commands).toEqual([]);

    const grace = call.fireTimer('pbxLossGrace');

    expect(grace.event.at).toBe(t(3 + PBX_LOSS_GRACE_MS));
    expect(grace.facts).toMatchObject({
      outcome: 'failed',
      hangupCause: 0,
      farEndCause: 0,
      endedAt: t(3 + PBX_LOSS_GRACE_MS),
    });
    expect(grace.facts.error).toContain('check the dial context');
  });
});

describe('answering machine detection', () => {
  it('sends the answered channel to the AMD context with the campaign AMD options', () => {
    const call = ringing();
    call.send(ev.dialStatus('ANSWER', t(1_003)));

    const step = call.send(ev.answered(t(1_005)));

    expect(step.state).toBe('screening');
    expect(step.commands).toEqual([
      { type: 'continueToAmd', params: { channelId: CHANNEL, amdOptions: SAMPLE_AMD_OPTIONS } },
    ]);
    expect(step.timers).toEqual([
      cancelTimer(RING_TIMER),
      startTimer(AMD_TIMER, SAMPLE_AMD_TIMEOUT_MS),
    ]);
    expect(step.facts.answeredAt).toBe(t(1_005));
  });

  it('keeps screening when the AMD hop leaves Stasis: that StasisEnd is not the end', () => {
    const call = ringing();
    call.send(ev.answered(t(1_005)));

    const step = call.send(ev.leftStasis(t(1_007)));

    expect(step.state).toBe('screening');
    expect(step.done).toBe(false);
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([]);
  });

  it('routes a HUMAN verdict to the hand-off and records the raw status and cause', () => {
    const step = human().last;

    expect(step.state).toBe('handingOff.requested');
    expect(step.facts).toMatchObject({ amdStatus: 'HUMAN', amdCause: 'HUMAN-803-800' });
  });

  it('treats NOTSURE as a machine by default', () => {
    const call = screening(sampleInput());

    const step = call.send(ev.amd('NOTSURE', 'TOOLONG-5000', t(8_010)));

    expect(step.state).toBe('hangingUp');
    expect(step.commands).toEqual([HANG_UP]);
    expect(step.facts).toMatchObject({ pendingOutcome: 'machine_detected', amdStatus: 'NOTSURE' });
  });

  it('treats NOTSURE as a human when the campaign says so', () => {
    const call = screening(notSureAsHumanInput());

    const step = call.send(ev.amd('NOTSURE', 'TOOLONG-5000', t(8_010)));

    expect(step.state).toBe('handingOff.requested');
    expect(step.commands.map((c) => c.type)).toEqual(['handOff']);
  });

  it('hangs up and ends abandoned on a HANGUP verdict', () => {
    const call = screening();

    const verdict = call.send(ev.amd('HANGUP', '', t(2_100)));
    expect(verdict.state).toBe('hangingUp');
    expect(verdict.commands).toEqual([HANG_UP]);

    const end = call.send(ev.hungUp(16, t(2_102)));
    expect(end.facts).toMatchObject({ outcome: 'abandoned', amdStatus: 'HANGUP' });
  });

  it.each([
    ['an empty', '', ''],
    ['an unknown', 'MAYBE', 'WEIRD-1'],
    ['a lower-case', 'human', 'HUMAN-803-800'],
  ])('hangs up and ends failed on %s verdict', (_kind, status, cause) => {
    const call = screening();

    const verdict = call.send(ev.amd(status, cause, t(3_000)));
    expect(verdict.state).toBe('hangingUp');
    expect(verdict.commands).toEqual([HANG_UP]);

    const end = call.send(ev.hungUp(16, t(3_002)));
    expect(end.facts).toMatchObject({
      outcome: 'failed',
      error: `AMD returned no usable verdict: status "${status}", cause "${cause}"`,
      amdStatus: status,
    });
  });

  it('ends abandoned without a hang-up when the callee hangs up during AMD', () => {
    const call = screening();

    const step = call.send(ev.hungUp(16, t(2_500), 'Normal Clearing'));

    expect(step.done).toBe(true);
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([cancelTimer(AMD_TIMER)]);
    expect(step.facts).toMatchObject({ outcome: 'abandoned', hangupCause: 16 });
  });

  it('ends abandoned at once when a hang-up is requested during AMD', () => {
    const call = screening();

    const step = call.send(ev.hangupRequested(16, t(2_500)));

    expect(step.done).toBe(true);
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([cancelTimer(AMD_TIMER)]);
    expect(step.facts).toMatchObject({
      outcome: 'abandoned',
      hangupCause: 16,
      endedAt: t(2_500),
      error: null,
    });
  });

  it('ends abandoned after the grace when a hang-up with cause 0 is requested during AMD and the PBX stays up', () => {
    const call = screening();

    expect(call.send(ev.hangupRequested(0, t(2_500))).state).toBe('ending');
    const end = call.fireTimer('pbxLossGrace');

    expect(end.facts).toMatchObject({ outcome: 'abandoned', hangupCause: 0, error: null });
  });

  it('ends failed with a hint when the AMD context is missing (cause 0 after continue) and the PBX stays up', () => {
    const call = screening();

    const step = call.send(ev.hungUp(0, t(1_008), 'Unknown'));
    expect(step.state).toBe('ending');
    expect(step.facts.pendingOutcome).toBe('failed');
    const end = call.fireTimer('pbxLossGrace');

    expect(end.facts.outcome).toBe('failed');
    expect(end.facts.error).toBe(
      'channel destroyed in the AMD dialplan hop (cause 0): check that the AMD context exists',
    );
  });

  it('hangs up and ends failed when the continue command fails', () => {
    const call = ringing();
    call.send(ev.answered(t(1_005)));

    const step = call.send(ev.commandFailed('continueToAmd', 404, 'Channel not found', t(1_006)));

    expect(step.state).toBe('hangingUp');
    expect(step.commands).toEqual([HANG_UP]);
    expect(step.facts.error).toBe('continueToAmd failed (HTTP 404): Channel not found');
    expect(
      call.send(ev.commandFailed('hangUp', 404, 'Channel not found', t(1_007))).facts.outcome,
    ).toBe('failed');
  });

  it('hangs up and ends failed when no verdict comes back within amdTimeout', () => {
    const call = screening();

    const step = call.fireTimer('amdTimeout');

    expect(step.event.at).toBe(t(1_005 + SAMPLE_AMD_TIMEOUT_MS));
    expect(step.state).toBe('hangingUp');
    expect(step.facts).toMatchObject({
      pendingOutcome: 'failed',
      error: 'no AMD verdict within the AMD timeout',
    });
  });

  it('ignores a verdict that arrives outside screening', () => {
    const call = ringing();

    const step = call.send(ev.amd('HUMAN', 'HUMAN-803-800', t(900)));

    expect(step.state).toBe('dialing.ringing');
    expect(step.facts.amdStatus).toBeNull();
  });
});

describe('consent gate', () => {
  it('plays the consent prompt with a playback id of its own', () => {
    const step = human(consentInput()).last;

    expect(step.state).toBe('askingConsent.prompting');
    expect(step.commands).toEqual([
      {
        type: 'play',
        params: { channelId: CHANNEL, playbackId: CONSENT_PLAYBACK, media: SAMPLE_CONSENT.media },
      },
    ]);
    expect(step.timers).toEqual([
      cancelTimer(AMD_TIMER),
      startTimer(PROMPT_TIMER, SAMPLE_CONSENT.promptMaxMs),
    ]);
  });

  it('stops the prompt and then hands off when 1 is pressed during the prompt', () => {
    const call = prompting(dialplanTargetInput({ consent: SAMPLE_CONSENT }));

    const step = call.send(ev.dtmf('1', t(4_800)));

    expect(step.state).toBe('handingOff.requested');
    expect(step.commands).toEqual([
      { type: 'stopPlayback', params: { playbackId: CONSENT_PLAYBACK } },
      {
        type: 'handOff',
        params: {
          channelId: CHANNEL,
          target: DIALPLAN_AI_TARGET,
          variables: sampleInput().handOffVariables,
        },
      },
    ]);
    expect(step.timers).toEqual([
      cancelTimer(PROMPT_TIMER),
      startTimer(HAND_OFF_TIMER, HAND_OFF_TIMEOUT_MS),
    ]);
    expect(step.facts.digits).toBe('1');
  });

  it('hands off without stopping anything when 1 is pressed after the prompt', () => {
    const call = listening();

    const step = call.send(ev.dtmf('1', t(7_630)));

    expect(step.state).toBe('handingOff.requested');
    expect(step.commands.map((c) => c.type)).toEqual(['handOff']);
    expect(step.timers).toEqual([
      cancelTimer(CONSENT_TIMER),
      startTimer(HAND_OFF_TIMER, HAND_OFF_TIMEOUT_MS),
    ]);
    expect(step.facts.digits).toBe('1');
  });

  it.each([
    ['during the prompt', prompting, PROMPT_TIMER],
    ['after the prompt', listening, CONSENT_TIMER],
  ])('hangs up and ends consent_denied when 2 is pressed %s', (_when, reach, timer) => {
    const call = reach();

    const step = call.send(ev.dtmf('2', t(7_630)));

    expect(step.state).toBe('hangingUp');
    expect(step.commands).toEqual([HANG_UP]);
    expect(step.timers).toEqual([
      cancelTimer(timer),
      startTimer(HANG_UP_TIMER, HANG_UP_TIMEOUT_MS),
    ]);
    expect(call.send(ev.hungUp(16, t(7_640))).facts).toMatchObject({
      outcome: 'consent_denied',
      digits: '2',
    });
  });

  it('ignores other digits but records them, during and after the prompt', () => {
    const call = prompting();

    const star = call.send(ev.dtmf('*', t(4_000)));
    expect(star.state).toBe('askingConsent.prompting');
    expect(star.commands).toEqual([]);
    expect(star.timers).toEqual([]);

    call.send(ev.playbackFinished(CONSENT_PLAYBACK, 'done', t(5_947)));
    const three = call.send(ev.dtmf('3', t(6_500)));
    expect(three.state).toBe('askingConsent.listening');
    expect(three.timers).toEqual([]);

    const accept = call.send(ev.dtmf('1', t(7_000)));
    expect(accept.state).toBe('handingOff.requested');
    expect(accept.facts.digits).toBe('*31');
  });

  it('starts the consent timeout only once the prompt has finished', () => {
    const call = prompting();
    expect(call.armedTimers().map((timer) => timer.name)).toEqual(['promptTimeout']);

    const finished = call.send(ev.playbackFinished(CONSENT_PLAYBACK, 'done', t(5_947)));

    expect(finished.state).toBe('askingConsent.listening');
    expect(finished.timers).toEqual([
      cancelTimer(PROMPT_TIMER),
      startTimer(CONSENT_TIMER, SAMPLE_CONSENT.timeoutMs),
    ]);

    const timeout = call.fireTimer('consentTimeout');
    expect(timeout.event.at).toBe(t(5_947 + SAMPLE_CONSENT.timeoutMs));
    expect(timeout.state).toBe('hangingUp');
    expect(timeout.commands).toEqual([HANG_UP]);
    expect(call.send(ev.hungUp(16, t(13_960))).facts.outcome).toBe('consent_timeout');
  });

  it('listens anyway when the prompt never reports its end within promptTimeout', () => {
    const call = prompting();

    const step = call.fireTimer('promptTimeout');

    expect(step.event.at).toBe(t(3_975 + SAMPLE_CONSENT.promptMaxMs));
    expect(step.state).toBe('askingConsent.listening');
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([
      cancelTimer(PROMPT_TIMER),
      startTimer(CONSENT_TIMER, SAMPLE_CONSENT.timeoutMs),
    ]);
  });

  it('ignores the end of a playback that is not the consent prompt', () => {
    const call = prompting();

    const step = call.send(ev.playbackFinished('someone-else-consent', 'done', t(5_000)));

    expect(step.state).toBe('askingConsent.prompting');
  });

  it('hangs up and ends failed when the prompt finishes in state failed', () => {
    const call = prompting();

    const step = call.send(ev.playbackFinished(CONSENT_PLAYBACK, 'failed', t(3_978)));

    expect(step.state).toBe('hangingUp');
    expect(step.commands).toEqual([HANG_UP]);
    expect(step.facts.error).toBe('the consent prompt could not be played');
    expect(call.send(ev.hungUp(16, t(3_990))).facts.outcome).toBe('failed');
  });

  it('hangs up and ends failed when the play command fails', () => {
    const call = human(consentInput());

    const step = call.send(ev.commandFailed('play', 404, 'Channel not found', t(3_976)));

    expect(step.state).toBe('hangingUp');
    expect(step.facts.error).toBe('play failed (HTTP 404): Channel not found');
  });

  it.each([
    ['during the prompt', prompting, PROMPT_TIMER],
    ['while listening', listening, CONSENT_TIMER],
  ])('ends abandoned without a hang-up when the callee hangs up %s', (_when, reach, timer) => {
    const call = reach();

    const step = call.send(ev.hungUp(16, t(6_000)));

    expect(step.done).toBe(true);
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([cancelTimer(timer)]);
    expect(step.facts.outcome).toBe('abandoned');
  });

  it.each([
    ['during the prompt', prompting, PROMPT_TIMER],
    ['while listening', listening, CONSENT_TIMER],
  ])('ends abandoned without a hang-up when a hang-up is requested %s', (_when, reach, timer) => {
    const call = reach();

    const step = call.send(ev.hangupRequested(16, t(6_000)));

    expect(step.done).toBe(true);
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([cancelTimer(timer)]);
    expect(step.facts).toMatchObject({
      outcome: 'abandoned',
      hangupCause: 16,
      endedAt: t(6_000),
      error: null,
    });
  });

  it('ends abandoned, not failed, when the callee hangs up during the prompt and the cut prompt finishes failed', () => {
    const call = prompting();

    // Asterisk's order: the request on our half, the prompt stopped, StasisEnd, then
    // ChannelDestroyed.
    call.send(ev.hangupRequested(16, t(4_977)));
    call.send(ev.playbackFinished(CONSENT_PLAYBACK, 'failed', t(4_977)));
    call.send(ev.leftStasis(t(4_978)));
    const end = call.send(ev.hungUp(16, t(4_978), 'Normal Clearing'));

    expect(end.state).toBe('done');
    expect(end.facts).toMatchObject({
      outcome: 'abandoned',
      error: null,
      hangupCause: 16,
      endedAt: t(4_977),
    });
    expect(call.commands.map((c) => c.type)).toEqual(['originate', 'continueToAmd', 'play']);
  });
});

describe('voicemail drop', () => {
  it('waits for the end of the greeting after a MACHINE verdict, bounded by greetingTimeout', () => {
    const step = machine().last;

    expect(step.state).toBe('waitingForGreetingEnd');
    expect(step.commands).toEqual([{ type: 'detectGreetingEnd', params: { channelId: CHANNEL } }]);
    expect(step.timers).toEqual([
      cancelTimer(AMD_TIMER),
      startTimer(GREETING_TIMER, SAMPLE_VOICEMAIL.greetingMaxWaitMs),
    ]);
  });

  it('plays the voicemail message when the greeting ends', () => {
    const call = machine();

    const step = call.send(ev.greetingEnded(t(16_650)));

    expect(step.state).toBe('leavingVoicemail');
    expect(step.commands).toEqual([
      {
        type: 'play',
        params: {
          channelId: CHANNEL,
          playbackId: VOICEMAIL_PLAYBACK,
          media: SAMPLE_VOICEMAIL.media,
        },
      },
    ]);
    expect(step.timers).toEqual([
      cancelTimer(GREETING_TIMER),
      startTimer(PLAYBACK_TIMER, SAMPLE_VOICEMAIL.playbackMaxMs),
    ]);
  });

  it('plays the voicemail message anyway when the greeting outlasts its maximum wait', () => {
    const call = machine();

    const step = call.fireTimer('greetingTimeout');

    expect(step.event.at).toBe(t(2_725 + SAMPLE_VOICEMAIL.greetingMaxWaitMs));
    expect(step.state).toBe('leavingVoicemail');
    expect(step.commands.map((c) => c.type)).toEqual(['play']);
  });

  it('records voicemail_dropped only once the message finished in state done', () => {
    const call = leavingVoicemail();

    const started = call.send(ev.playbackStarted(VOICEMAIL_PLAYBACK, t(16_652)));
    expect(started.state).toBe('leavingVoicemail');
    expect(started.facts.pendingOutcome).toBeNull();

    const finished = call.send(ev.playbackFinished(VOICEMAIL_PLAYBACK, 'done', t(22_302)));
    expect(finished.state).toBe('hangingUp');
    expect(finished.commands).toEqual([HANG_UP]);
    expect(finished.facts.pendingOutcome).toBe('voicemail_dropped');

    const end = call.send(ev.hungUp(16, t(22_310)));
    expect(end.facts).toMatchObject({ outcome: 'voicemail_dropped', error: null });
  });

  it('ends failed, not dropped, when the message finishes in state failed (missing media)', () => {
    const call = leavingVoicemail();
    call.send(ev.playbackStarted(VOICEMAIL_PLAYBACK, t(16_652)));

    const step = call.send(ev.playbackFinished(VOICEMAIL_PLAYBACK, 'failed', t(16_652)));

    expect(step.state).toBe('hangingUp');
    expect(step.facts).toMatchObject({
      pendingOutcome: 'failed',
      error: 'the voicemail recording could not be played (playback failed)',
    });
    expect(call.send(ev.hungUp(16, t(16_660))).facts.outcome).toBe('failed');
  });

  it('ignores the end of a playback that is not the voicemail message', () => {
    const call = leavingVoicemail();

    const step = call.send(ev.playbackFinished(CONSENT_PLAYBACK, 'done', t(17_000)));

    expect(step.state).toBe('leavingVoicemail');
  });

  it('ends machine_detected when the machine hangs up in the middle of the drop', () => {
    const call = leavingVoicemail();

    const step = call.send(ev.hungUp(16, t(19_000)));

    expect(step.done).toBe(true);
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([cancelTimer(PLAYBACK_TIMER)]);
    expect(step.facts).toMatchObject({
      outcome: 'machine_detected',
      error: 'hung up during the voicemail drop',
    });
  });

  it('ends machine_detected, not failed, when the machine hangs up during the drop and the cut message finishes failed', () => {
    const call = leavingVoicemail();
    call.send(ev.playbackStarted(VOICEMAIL_PLAYBACK, t(16_652)));

    const request = call.send(ev.hangupRequested(16, t(18_652)));
    expect(request.done).toBe(true);
    expect(request.commands).toEqual([]);
    expect(request.timers).toEqual([cancelTimer(PLAYBACK_TIMER)]);

    call.send(ev.playbackFinished(VOICEMAIL_PLAYBACK, 'failed', t(18_652)));
    call.send(ev.leftStasis(t(18_653)));
    call.send(ev.hungUp(16, t(18_653), 'Normal Clearing'));

    expect(call.facts).toMatchObject({
      outcome: 'machine_detected',
      error: 'hung up during the voicemail drop',
      hangupCause: 16,
      endedAt: t(18_652),
    });
    expect(call.commands.filter((c) => c.type === 'hangUp')).toEqual([]);
  });

  it('ends machine_detected at once when a hang-up is requested before the greeting ends', () => {
    const call = machine();

    const step = call.send(ev.hangupRequested(16, t(9_000)));

    expect(step.done).toBe(true);
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([cancelTimer(GREETING_TIMER)]);
    expect(step.facts).toMatchObject({
      outcome: 'machine_detected',
      error: 'hung up before the voicemail drop',
      hangupCause: 16,
    });
  });

  it('ends machine_detected when the machine hangs up before the greeting ends', () => {
    const call = machine();

    const step = call.send(ev.hungUp(16, t(9_000)));

    expect(step.facts).toMatchObject({
      outcome: 'machine_detected',
      error: 'hung up before the voicemail drop',
    });
  });

  it('hangs up and ends failed when the message outlasts playbackTimeout', () => {
    const call = leavingVoicemail();

    const step = call.fireTimer('playbackTimeout');

    expect(step.event.at).toBe(t(16_650 + SAMPLE_VOICEMAIL.playbackMaxMs));
    expect(step.state).toBe('hangingUp');
    expect(step.facts.error).toBe(
      'the voicemail playback did not finish within its maximum length',
    );
    expect(call.send(ev.hungUp(16, t(27_400))).facts.outcome).toBe('failed');
  });

  it('hangs up and ends failed when the play command fails', () => {
    const call = leavingVoicemail();

    const step = call.send(ev.commandFailed('play', 404, 'Channel not found', t(16_655)));

    expect(step.state).toBe('hangingUp');
    expect(step.facts.error).toBe('play failed (HTTP 404): Channel not found');
    expect(call.send(ev.hungUp(16, t(16_660))).facts.outcome).toBe('failed');
  });

  it('hangs up and ends machine_detected when voicemail drop is off', () => {
    const call = machine(sampleInput());

    expect(call.state).toBe('hangingUp');
    expect(call.last.commands).toEqual([HANG_UP]);
    expect(call.send(ev.hungUp(16, t(2_740))).facts.outcome).toBe('machine_detected');
  });
});

describe('hanging up', () => {
  it('ends on ChannelDestroyed and records its cause', () => {
    const call = machine(sampleInput());

    const step = call.send(ev.hungUp(16, t(2_740), 'Normal Clearing'));

    expect(step.done).toBe(true);
    expect(step.timers).toEqual([cancelTimer(HANG_UP_TIMER)]);
    expect(step.facts).toMatchObject({ hangupCause: 16, endedAt: t(2_740) });
  });

  it('ends when the hang-up command fails because the channel is already gone', () => {
    const call = machine(sampleInput());

    const step = call.send(ev.commandFailed('hangUp', 404, 'Channel not found', t(2_730)));

    expect(step.done).toBe(true);
    expect(step.facts).toMatchObject({ outcome: 'machine_detected', hangupCause: null });
  });

  it('ends when ChannelDestroyed does not come within hangUpTimeout', () => {
    const call = machine(sampleInput());

    const step = call.fireTimer('hangUpTimeout');

    expect(step.event.at).toBe(t(2_725 + HANG_UP_TIMEOUT_MS));
    expect(step.done).toBe(true);
    expect(step.facts.outcome).toBe('machine_detected');
  });

  it('ignores a second cancel and keeps the decided outcome', () => {
    const call = machine(sampleInput());

    const step = call.send(ev.operatorCanceled(t(2_730)));

    expect(step.state).toBe('hangingUp');
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([]);
    expect(call.send(ev.hungUp(16, t(2_740))).facts.outcome).toBe('machine_detected');
  });

  it('ends with the decided outcome when the channel is lost while hanging up', () => {
    const call = machine(sampleInput());

    const step = call.send(ev.channelLost(t(60_000)));

    expect(step.done).toBe(true);
    expect(step.facts.outcome).toBe('machine_detected');
  });

  it('does not turn the NOANSWER Dial status of its own hang-up into no_answer', () => {
    const call = ringing();
    call.send(ev.operatorCanceled(t(2_000)));
    call.send(ev.dialStatus('NOANSWER', t(2_001)));

    const step = call.send(ev.hungUp(16, t(2_002)));

    expect(step.facts).toMatchObject({ outcome: 'canceled', dialStatus: 'NOANSWER' });
  });
});

interface LiveState {
  state: string;
  reach: () => AttemptDrive;
  /** The timer the state has armed, cancelled when it is left. */
  timer: string | null;
}

const LIVE_STATES: LiveState[] = [
  { state: 'dialing.originating', reach: () => dialing(), timer: RING_TIMER },
  { state: 'dialing.ringing', reach: () => ringing(), timer: RING_TIMER },
  { state: 'screening', reach: () => screening(), timer: AMD_TIMER },
  { state: 'askingConsent.prompting', reach: () => prompting(), timer: PROMPT_TIMER },
  { state: 'askingConsent.listening', reach: () => listening(), timer: CONSENT_TIMER },
  { state: 'handingOff.requested', reach: () => human(), timer: HAND_OFF_TIMER },
  {
    state: 'handingOff.entering',
    reach: () => {
      const call = human(dialplanTargetInput());
      call.send(ev.leftStasis(t(3_990)));
      return call;
    },
    timer: ENTERING_TIMER,
  },
  { state: 'handingOff.settling', reach: () => settling(), timer: SETTLE_TIMER },
  { state: 'talking', reach: () => talking(), timer: null },
  { state: 'waitingForGreetingEnd', reach: () => machine(), timer: GREETING_TIMER },
  { state: 'leavingVoicemail', reach: () => leavingVoicemail(), timer: PLAYBACK_TIMER },
];

describe('hang-up requests where they decide nothing', () => {
  it.each([
    { state: 'dialing.originating', reach: () => dialing() },
    { state: 'dialing.ringing', reach: () => ringing() },
    { state: 'hangingUp', reach: () => machine(sampleInput()) },
  ])('ignores a hang-up request in $state', ({ state, reach }) => {
    const call = reach();
    const before = call.snapshot;

    const step = call.send(ev.hangupRequested(16, t(100_000)));

    expect(step.state).toBe(state);
    expect(step.done).toBe(false);
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([]);
    expect(step.snapshot).toEqual(before);
  });

  it('keeps classifying an unanswered call from the Dial status and causes', () => {
    const call = ringing();

    call.send(ev.hangupRequested(1, t(4_200)));
    call.send(ev.farEndHungUp(1, t(4_200)));
    const step = call.send(ev.hungUp(0, t(4_201)));

    expect(step.facts).toMatchObject({ outcome: 'invalid_number', hangupCause: 0 });
  });

  it('ends a call in talking only on ChannelDestroyed, with its talk time', () => {
    const call = talking();

    const request = call.send(ev.hangupRequested(16, t(125_980)));
    expect(request.state).toBe('talking');
    expect(request.commands).toEqual([]);
    const end = call.send(ev.hungUp(16, t(125_990), 'Normal Clearing'));

    expect(end.facts).toMatchObject({
      outcome: 'answered_human',
      hangupCause: 16,
      endedAt: t(125_990),
      endedBy: 'caller',
    });
  });

  it('waits for ChannelDestroyed while hanging up, keeping the decided outcome', () => {
    const call = machine(sampleInput());

    call.send(ev.hangupRequested(16, t(2_735)));
    const end = call.send(ev.hungUp(16, t(2_740)));

    expect(end.facts).toMatchObject({ outcome: 'machine_detected', endedAt: t(2_740) });
  });
});

describe('operator cancel', () => {
  it('ends canceled without any command when canceled before dialing', () => {
    const call = createAttemptDrive(sampleInput());

    const step = call.send(ev.operatorCanceled(t(0)));

    expect(step.done).toBe(true);
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([]);
    expect(step.facts).toMatchObject({ outcome: 'canceled', error: 'canceled before dialing' });
  });

  it.each(LIVE_STATES)('hangs up from $state and ends canceled', ({ state, reach, timer }) => {
    const call = reach();
    expect(call.state).toBe(state);

    const cancel = call.send(ev.operatorCanceled(t(200_000)));

    expect(cancel.state).toBe('hangingUp');
    expect(cancel.commands).toEqual([HANG_UP]);
    expect(cancel.timers).toEqual([
      ...(timer ? [cancelTimer(timer)] : []),
      startTimer(HANG_UP_TIMER, HANG_UP_TIMEOUT_MS),
    ]);
    const end = call.send(ev.hungUp(16, t(200_010)));
    expect(end.facts).toMatchObject({
      outcome: 'canceled',
      error: 'canceled by the operator',
      endedAt: t(200_010),
    });
  });
});

describe('channel lost after a restart', () => {
  it('ends interrupted when the channel is gone before dialing', () => {
    const step = createAttemptDrive(sampleInput()).send(ev.channelLost(t(0)));

    expect(step.facts.outcome).toBe('interrupted');
  });

  it.each(LIVE_STATES.filter((live) => live.state !== 'talking'))(
    'ends interrupted from $state without a command',
    ({ reach, timer }) => {
      const call = reach();

      const step = call.send(ev.channelLost(t(300_000)));

      expect(step.done).toBe(true);
      expect(step.commands).toEqual([]);
      expect(step.timers).toEqual(timer ? [cancelTimer(timer)] : []);
      expect(step.facts).toMatchObject({
        outcome: 'interrupted',
        error: 'channel not found after a restart or reconnect',
        endedAt: t(300_000),
      });
    },
  );

  it('ends answered_human when the channel is lost while talking', () => {
    const call = talking();

    const step = call.send(ev.channelLost(t(300_000)));

    expect(step.facts).toMatchObject({
      outcome: 'answered_human',
      error: 'channel ended while disconnected; talk time is an upper bound',
    });
  });
});

describe('timers', () => {
  it('leaves no timer armed once the attempt is done, on every kind of path', () => {
    const calls = [...LIVE_STATES.map((live) => live.reach()), machine(sampleInput())];
    for (const call of calls) {
      call.send(ev.hungUp(16, t(400_000)));
      expect(call.done).toBe(true);
      expect(call.armedTimers()).toEqual([]);
    }
  });

  it('ignores a timer of a state it has already left', () => {
    const call = ringing();
    const ringTimer = call.armedTimers()[0];
    expect(ringTimer?.name).toBe('ringTimeout');
    call.send(ev.answered(t(1_005)));

    const step = call.send(ev.timerFired(ringTimer?.timerId ?? '', t(35_000)));

    expect(step.state).toBe('screening');
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([]);
  });

  it('refuses a timer id that is not one of the machine timers', () => {
    const call = ringing();

    expect(() => call.send(ev.timerFired('ringTimeout', t(35_000)))).toThrow(
      'not an attempt timer: "ringTimeout"',
    );
  });
});

describe('after done', () => {
  const late = [
    ev.started(t(500_000)),
    ev.ringing(t(500_000)),
    ev.dialStatus('BUSY', t(500_000)),
    ev.farEndHungUp(17, t(500_000)),
    ev.answered(t(500_000)),
    ev.leftStasis(t(500_000)),
    ev.hangupRequested(16, t(500_000)),
    ev.hungUp(16, t(500_000)),
    ev.amd('HUMAN', 'HUMAN-803-800', t(500_000)),
    ev.dtmf('1', t(500_000)),
    ev.playbackFinished(VOICEMAIL_PLAYBACK, 'done', t(500_000)),
    ev.greetingEnded(t(500_000)),
    ev.commandFailed('hangUp', 404, 'Channel not found', t(500_000)),
    ev.operatorCanceled(t(500_000)),
    ev.channelLost(t(500_000)),
    ev.dialplanEntered('ai-handoff', 's', 1, 'NoOp', t(500_000)),
    ev.stasisFailed(t(500_000)),
    ev.moveFailed('ai-agent', t(500_000)),
    ev.pbxLost('websocket closed', t(500_000)),
    ev.timerFired(HANG_UP_TIMER, t(500_000)),
    ev.timerFired(PBX_GRACE_TIMER, t(500_000)),
  ];

  it.each(late.map((event) => [event.type, event] as const))(
    'changes nothing and emits nothing on a late %s',
    (_type, event) => {
      const call = talking();
      call.send(ev.hungUp(16, t(125_990)));
      const before = call.snapshot;

      const step = call.send(event);

      expect(step.done).toBe(true);
      expect(step.state).toBe('done');
      expect(step.commands).toEqual([]);
      expect(step.timers).toEqual([]);
      expect(step.snapshot).toEqual(before);
      expect(step.facts).toMatchObject({ outcome: 'answered_human', endedAt: t(125_990) });
    },
  );
});
