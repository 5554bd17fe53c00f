import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { type RoutedAttemptEvent, translateAriEvent } from '../../src/ari/ari-events.js';
import { createHangupOrdering } from '../../src/ari/hangup-ordering.js';
import type {
  AttemptEvent,
  AttemptInput,
  AttemptOutcome,
} from '../../src/machines/attempt-types.js';
import { dialerEventsOf, traceAttemptId, traceChannelIds } from '../support/ari-traces.js';
import { type AttemptDrive, createAttemptDrive } from '../support/attempt-driver.js';
import { ev, voicemailPlaybackId } from '../support/attempt-events.js';
import {
  DIALPLAN_AI_TARGET,
  SAMPLE_CONSENT,
  SAMPLE_VOICEMAIL,
  sampleInput,
  T0,
  t,
} from '../support/attempt-inputs.js';

/**
 * Each recorded call, as the gateway would deliver it (translation plus the far-end-
 * first ordering of fact 20), driven through the real attempt machine.
 */
function deliveredEvents(scenario: string): AttemptEvent[] {
  const clock = new SimulatedClock();
  clock.set(T0);
  const delivered: RoutedAttemptEvent[] = [];
  const ordering = createHangupOrdering({ clock, deliver: (routed) => delivered.push(routed) });
  for (const { t_ms, msg } of dialerEventsOf(scenario)) {
    clock.set(t(t_ms));
    const routed = translateAriEvent(msg, clock.now(), traceChannelIds);
    if (routed) ordering.push(routed);
  }
  clock.increment(60_000);
  return delivered.map((routed) => routed.event);
}

/**
 * Steps the events in order, firing each timer the machine armed once the trace's time
 * passes its deadline, as the runner's clock would, and then the timers due within the
 * minute after the trace's last event (a cut call waits a moment to learn whether the
 * PBX went away).
 */
function drive(input: AttemptInput, events: readonly AttemptEvent[]): AttemptDrive {
  const call = createAttemptDrive(input);
  const fireUntil = (at: number) => {
    for (;;) {
      const due = call.steps.length === 0 || call.done ? [] : call.armedTimers();
      const next = due.filter((timer) => timer.dueAt <= at).sort((a, b) => a.dueAt - b.dueAt)[0];
      if (!next) break;
      call.send(ev.timerFired(next.timerId, next.dueAt));
    }
  };
  for (const event of events) {
    fireUntil(event.at);
    call.send(event);
  }
  fireUntil((events.at(-1)?.at ?? 0) + 60_000);
  return call;
}

/** Adds events the trace cannot show; on the same ms they come after the trace's own. */
function merge(trace: AttemptEvent[], extra: AttemptEvent[]): AttemptEvent[] {
  return [...trace, ...extra].sort((a, b) => a.at - b.at);
}

/**
 * The recorder named its playbacks `<id>-vm` and `<id>-missing`; the machine names the
 * voicemail `<attemptId>-voicemail`. Nothing else is changed.
 */
function renamePlayback(events: AttemptEvent[], from: string, to: string): AttemptEvent[] {
  return events.map((event) =>
    (event.type === 'playback.started' || event.type === 'playback.finished') &&
    event.playbackId === from
      ? { ...event, playbackId: to }
      : event,
  );
}

function traceInput(scenario: string, overrides: Partial<AttemptInput> = {}): AttemptInput {
  const attemptId = traceAttemptId(scenario);
  return sampleInput({
    attemptId,
    channelId: attemptId,
    aiTarget: { kind: 'app', app: 'ai-agent', args: ['handoff', attemptId] },
    ...overrides,
  });
}

function expectOutcome(call: AttemptDrive, outcome: AttemptOutcome): void {
  expect(call.done).toBe(true);
  expect(call.facts.outcome).toBe(outcome);
}

describe('the recorded traces through the attempt machine', () => {
  it('human: AMD HUMAN, moved to the agent app, answered_human once the agent hangs up', () => {
    const input = traceInput('human');
    const call = drive(input, [ev.started(t(5)), ...deliveredEvents('human')]);
    expectOutcome(call, 'answered_human');
    expect(call.facts.amdStatus).toBe('HUMAN');
    expect(call.facts.handedOffAt).toBe(t(3_980));
    expect(call.commands.map((c) => c.type)).toEqual(['originate', 'continueToAmd', 'handOff']);
    expect(call.commands[2]?.params).toMatchObject({
      target: { kind: 'app', app: 'ai-agent', args: ['handoff', 'trace-human-1'] },
    });
  });

  it('machine: MACHINE, voicemail played to the end, voicemail_dropped', () => {
    const id = traceAttemptId('machine');
    // The recorder played at once, without waiting for the greeting to end.
    const input = traceInput('machine', {
      voicemail: { ...SAMPLE_VOICEMAIL, greetingMaxWaitMs: 0 },
    });
    const events = renamePlayback(deliveredEvents('machine'), `${id}-vm`, voicemailPlaybackId(id));
    const call = drive(input, [ev.started(t(1)), ...events]);
    expectOutcome(call, 'voicemail_dropped');
    expect(call.commands.map((c) => c.type)).toEqual([
      'originate',
      'continueToAmd',
      'detectGreetingEnd',
      'play',
      'hangUp',
    ]);
  });

  it('consent-accept: digit 1 after the prompt, continued to the AI context, answered_human', () => {
    const input = traceInput('consent-accept', {
      consent: SAMPLE_CONSENT,
      aiTarget: DIALPLAN_AI_TARGET,
    });
    const call = drive(input, [ev.started(t(1)), ...deliveredEvents('consent-accept')]);
    expectOutcome(call, 'answered_human');
    expect(call.facts.digits).toBe('1');
    expect(call.commands.map((c) => c.type)).toEqual([
      'originate',
      'continueToAmd',
      'play',
      'handOff',
    ]);
    expect(call.commands[3]?.params).toMatchObject({ target: DIALPLAN_AI_TARGET });
  });

  it('consent-deny: digit 2, hung up, consent_denied', () => {
    const input = traceInput('consent-deny', { consent: SAMPLE_CONSENT });
    const call = drive(input, [ev.started(t(1)), ...deliveredEvents('consent-deny')]);
    expectOutcome(call, 'consent_denied');
    expect(call.facts.digits).toBe('2');
    expect(call.commands.at(-1)?.type).toBe('hangUp');
  });

  it('consent-timeout: no digit, the consent timer fires, consent_timeout', () => {
    // The recorder hung up 8 s after the play request, about 6 s after the prompt ended;
    // the machine counts its timeout from the end of the prompt.
    const input = traceInput('consent-timeout', {
      consent: { ...SAMPLE_CONSENT, timeoutMs: 6_000 },
    });
    const call = drive(input, [ev.started(t(1)), ...deliveredEvents('consent-timeout')]);
    expectOutcome(call, 'consent_timeout');
    const fired = call.steps.filter((step) => step.event.type === 'timer.fired');
    expect(fired.map((step) => step.event.at)).toEqual([t(5_935 + 6_000)]);
  });

  it('busy: the far end’s cause 17 is delivered before our cause 0, busy', () => {
    const events = deliveredEvents('busy');
    expect(events).toEqual([
      ev.dialStatus('BUSY', t(3)),
      ev.farEndHungUp(17, t(4)),
      // Held until the far end's hang-up arrived, then delivered with its own time.
      ev.hungUp(0, t(3), 'Unknown'),
    ]);
    const call = drive(traceInput('busy'), [ev.started(t(1)), ...events]);
    expectOutcome(call, 'busy');
    expect(call.facts).toMatchObject({ dialStatus: 'BUSY', farEndCause: 17, hangupCause: 0 });
  });

  it('noanswer: rings until the originate timeout, cause 19, no_answer', () => {
    const call = drive(traceInput('noanswer'), [ev.started(t(1)), ...deliveredEvents('noanswer')]);
    expectOutcome(call, 'no_answer');
    expect(call.facts).toMatchObject({ dialStatus: 'RINGING', hangupCause: 19, farEndCause: 19 });
  });

  it('originate-bad-context: both halves gone with cause 0 and no dial, failed: check the dial context', () => {
    const call = drive(traceInput('originate-bad-context'), [
      ev.started(t(1)),
      ...deliveredEvents('originate-bad-context'),
    ]);
    expectOutcome(call, 'failed');
    expect(call.facts.error).toContain('check the dial context');
  });

  it('continue-bad-context: destroyed with cause 0 during the AMD hop, failed naming the AMD context', () => {
    const call = drive(traceInput('continue-bad-context'), [
      ev.started(t(1)),
      ...deliveredEvents('continue-bad-context'),
    ]);
    expectOutcome(call, 'failed');
    expect(call.facts.error).toContain('AMD context');
  });

  it('play-missing-media: the drop finishes as failed, failed and not dropped', () => {
    const id = traceAttemptId('play-missing-media');
    // The recorder played right after the answer; the machine first needs the AMD
    // verdict and the end of the greeting, which this trace does not contain.
    const skipped = [ev.amd('MACHINE', 'MAXWORDS-3-2', t(1_004)), ev.greetingEnded(t(1_004))];
    const events = renamePlayback(
      deliveredEvents('play-missing-media'),
      `${id}-missing`,
      voicemailPlaybackId(id),
    );
    const input = traceInput('play-missing-media', { voicemail: SAMPLE_VOICEMAIL });
    const call = drive(input, [ev.started(t(1)), ...merge(events, skipped)]);
    expectOutcome(call, 'failed');
    expect(call.facts.error).toContain('voicemail recording could not be played (playback failed)');
  });

  it('hangup-by-dialer-during-ring: the NOANSWER our own hang-up causes does not hide the reason, canceled', () => {
    // The recorder's DELETE at 2 s stands for the operator cancelling the attempt.
    const events = merge(deliveredEvents('hangup-by-dialer-during-ring'), [
      ev.operatorCanceled(t(2_004)),
    ]);
    const call = drive(traceInput('hangup-by-dialer-during-ring'), [ev.started(t(1)), ...events]);
    expectOutcome(call, 'canceled');
    expect(call.facts.dialStatus).toBe('NOANSWER');
  });

  it('talk-detect: the drop starts on ChannelTalkingFinished, voicemail_dropped', () => {
    const id = traceAttemptId('talk-detect');
    const events = renamePlayback(
      deliveredEvents('talk-detect'),
      `${id}-vm`,
      voicemailPlaybackId(id),
    );
    const call = drive(traceInput('talk-detect', { voicemail: SAMPLE_VOICEMAIL }), [
      ev.started(t(1)),
      ...events,
    ]);
    expectOutcome(call, 'voicemail_dropped');
    const play = call.steps.find((step) => step.commands.some((c) => c.type === 'play'));
    expect(play?.event).toEqual(ev.greetingEnded(t(16_654)));
    expect(call.steps.some((step) => step.event.type === 'timer.fired')).toBe(false);
  });
});
