import { describe, expect, it } from 'vitest';
import { type RoutedAttemptEvent, translateAriEvent } from '../../src/ari/ari-events.js';
import { createChannelIds, dialstateChannelIds } from '../../src/ari/channel-ids.js';
import type { AttemptEvent } from '../../src/machines/attempt-types.js';
import {
  listTraces,
  loadTrace,
  TRACE_DIALER_APP,
  traceAttemptId,
  traceChannelIds,
} from '../support/ari-traces.js';
import { ev } from '../support/attempt-events.js';
import { t } from '../support/attempt-inputs.js';

/**
 * What each recorded trace means to the dialer's attempt, event by event, in the order
 * the trace gives them (ms since the scenario started). ChannelVarset, ChannelDialplan,
 * the `;2` half's state changes and the first `Dial ""` say nothing to the machine
 * (facts 2, 3 and 19), but for the first step of a context and the Stasis() and Hangup()
 * steps, which tell where a hand-off went. No trace has a hang-up request from outside on `;1`: each
 * `ChannelHangupRequest` of `;1` in them is the dialer's or the agent's own DELETE
 * (cause 32, `soft`, fact 7), the calls that end otherwise (a dialplan `Hangup()`, the
 * originate timeout, a refusal) report none for `;1` (facts 8 and 10), and the `;2`
 * half's requests are ignored.
 */
const EXPECTED: Record<string, AttemptEvent[]> = {
  busy: [
    ev.dialStatus('BUSY', t(3)),
    // Our half ends first here, with cause 0; the real reason is the far end's 17 (fact 8).
    ev.hungUp(0, t(3), 'Unknown'),
    ev.farEndHungUp(17, t(4)),
  ],
  checks: [
    ev.ringing(t(10)),
    ev.dialStatus('RINGING', t(10)),
    ev.dialStatus('ANSWER', t(1_011)),
    ev.answered(t(1_011)),
    ev.leftStasis(t(1_016)),
    ev.hungUp(16, t(1_016), 'Normal Clearing'),
    ev.farEndHungUp(16, t(1_016)),
  ],
  'consent-accept': [
    ev.ringing(t(3)),
    ev.dialStatus('RINGING', t(3)),
    ev.dialStatus('ANSWER', t(1_004)),
    ev.answered(t(1_004)),
    ev.leftStasis(t(1_006)),
    ev.amd('HUMAN', 'HUMAN-803-800', t(3_971)),
    ev.playbackStarted('trace-consent-accept-1-consent', t(3_972)),
    ev.playbackFinished('trace-consent-accept-1-consent', 'done', t(5_937)),
    ev.dtmf('1', t(7_634)),
    ev.leftStasis(t(7_637)),
    // The hand-off is seen landing in its context, and the agent's Hangup() ending it.
    ev.dialplanEntered('ai-handoff', 's', 1, 'NoOp', t(7_637)),
    ev.dialplanEntered('ai-handoff', 's', 2, 'ExecIf', t(7_637)),
    ev.dialplanEntered('ai-handoff', 's', 3, 'Verbose', t(7_637)),
    ev.dialplanEntered('ai-handoff', 's', 4, 'UserEvent', t(7_637)),
    ev.dialplanEntered('ai-handoff', 's', 5, 'Wait', t(7_637)),
    ev.dialplanEntered('ai-handoff', 's', 6, 'Hangup', t(12_638)),
    ev.hungUp(16, t(12_638), 'Normal Clearing'),
    ev.farEndHungUp(16, t(12_638)),
  ],
  'consent-deny': [
    ev.ringing(t(3)),
    ev.dialStatus('RINGING', t(3)),
    ev.dialStatus('ANSWER', t(1_005)),
    ev.answered(t(1_005)),
    ev.leftStasis(t(1_006)),
    ev.amd('HUMAN', 'HUMAN-803-800', t(3_970)),
    ev.playbackStarted('trace-consent-deny-1-consent', t(3_970)),
    ev.playbackFinished('trace-consent-deny-1-consent', 'done', t(5_935)),
    ev.dtmf('2', t(7_634)),
    ev.leftStasis(t(7_635)),
    ev.hungUp(16, t(7_635), 'Normal Clearing'),
    ev.farEndHungUp(16, t(7_635)),
  ],
  'consent-timeout': [
    ev.ringing(t(4)),
    ev.dialStatus('RINGING', t(4)),
    ev.dialStatus('ANSWER', t(1_005)),
    ev.answered(t(1_005)),
    ev.leftStasis(t(1_006)),
    ev.amd('HUMAN', 'HUMAN-803-800', t(3_970)),
    ev.playbackStarted('trace-consent-timeout-1-consent', t(3_971)),
    ev.playbackFinished('trace-consent-timeout-1-consent', 'done', t(5_935)),
    ev.leftStasis(t(11_975)),
    ev.hungUp(16, t(11_975), 'Normal Clearing'),
    ev.farEndHungUp(16, t(11_975)),
  ],
  'continue-bad-context': [
    ev.ringing(t(3)),
    ev.dialStatus('RINGING', t(3)),
    ev.dialStatus('ANSWER', t(1_004)),
    ev.answered(t(1_004)),
    ev.leftStasis(t(1_005)),
    // The continue named a context that does not exist: both halves die with 0 (fact 16),
    // and a stray step of the missing context follows.
    ev.hungUp(0, t(1_006), 'Unknown'),
    ev.dialplanEntered('no-such-context', 's', 1, 'AppDial2', t(1_006)),
    ev.farEndHungUp(0, t(1_006)),
  ],
  'hangup-by-dialer-during-ring': [
    ev.ringing(t(2)),
    ev.dialStatus('RINGING', t(2)),
    // Our own DELETE produces NOANSWER: not a "no answer" outcome (fact 3).
    ev.dialStatus('NOANSWER', t(2_005)),
    ev.hungUp(16, t(2_005), 'Normal Clearing'),
    ev.farEndHungUp(16, t(2_005)),
  ],
  human: [
    ev.ringing(t(9)),
    ev.dialStatus('RINGING', t(9)),
    ev.dialStatus('ANSWER', t(1_011)),
    ev.answered(t(1_011)),
    ev.leftStasis(t(1_012)),
    ev.amd('HUMAN', 'HUMAN-803-800', t(3_977)),
    // The move to `ai-agent` (fact 9).
    ev.leftStasis(t(3_980)),
    ev.hungUp(16, t(5_984), 'Normal Clearing'),
    ev.farEndHungUp(16, t(5_984)),
  ],
  machine: [
    ev.ringing(t(4)),
    ev.dialStatus('RINGING', t(4)),
    ev.dialStatus('ANSWER', t(1_005)),
    ev.answered(t(1_005)),
    ev.leftStasis(t(1_006)),
    ev.amd('MACHINE', 'MAXWORDS-3-2', t(2_727)),
    ev.playbackStarted('trace-machine-1-vm', t(2_729)),
    ev.playbackFinished('trace-machine-1-vm', 'done', t(8_381)),
    ev.leftStasis(t(8_382)),
    ev.hungUp(16, t(8_382), 'Normal Clearing'),
    ev.farEndHungUp(16, t(8_383)),
  ],
  noanswer: [
    ev.ringing(t(3)),
    // The originate timeout gives no NOANSWER Dial event (fact 3): cause 19 tells.
    ev.dialStatus('RINGING', t(3)),
    ev.hungUp(19, t(30_033), 'User alerting, no answer'),
    ev.farEndHungUp(19, t(30_033)),
  ],
  'originate-bad-context': [ev.farEndHungUp(0, t(3)), ev.hungUp(0, t(3), 'Unknown')],
  'originate-duplicate-id': [
    // The two refused originates (409) leave the first call alone (fact 14).
    ev.ringing(t(3)),
    ev.dialStatus('RINGING', t(3)),
    ev.dialStatus('ANSWER', t(1_005)),
    ev.answered(t(1_005)),
    ev.leftStasis(t(1_008)),
    ev.hungUp(16, t(1_008), 'Normal Clearing'),
    ev.farEndHungUp(16, t(1_008)),
  ],
  'play-missing-media': [
    ev.ringing(t(3)),
    ev.dialStatus('RINGING', t(3)),
    ev.dialStatus('ANSWER', t(1_004)),
    ev.answered(t(1_004)),
    ev.playbackStarted('trace-play-missing-media-1-missing', t(1_005)),
    // A missing file still "finishes", as failed (fact 12).
    ev.playbackFinished('trace-play-missing-media-1-missing', 'failed', t(1_005)),
    ev.leftStasis(t(2_008)),
    ev.hungUp(16, t(2_008), 'Normal Clearing'),
    ev.farEndHungUp(16, t(2_008)),
  ],
  'talk-detect': [
    ev.ringing(t(3)),
    ev.dialStatus('RINGING', t(3)),
    ev.dialStatus('ANSWER', t(1_004)),
    ev.answered(t(1_004)),
    ev.leftStasis(t(1_005)),
    ev.amd('MACHINE', 'MAXWORDS-3-2', t(2_726)),
    // ChannelTalkingFinished, 2.5 s after the beep (fact 17).
    ev.greetingEnded(t(16_654)),
    ev.playbackStarted('trace-talk-detect-1-vm', t(16_656)),
    ev.playbackFinished('trace-talk-detect-1-vm', 'done', t(22_309)),
    ev.leftStasis(t(22_311)),
    ev.hungUp(16, t(22_311), 'Normal Clearing'),
    ev.farEndHungUp(16, t(22_311)),
  ],
};

/** The AMD hop's steps, which the gateway keeps quiet. */
const QUIET: ReadonlySet<string> = new Set(['aava-outbound-amd']);

/** Translates every line of a trace; returns what the dialer's app would act on. */
function translateTrace(scenario: string): RoutedAttemptEvent[] {
  const routed: RoutedAttemptEvent[] = [];
  for (const line of loadTrace(scenario)) {
    const result = translateAriEvent(line.msg, t(line.t_ms), traceChannelIds, QUIET);
    if (line.dir !== 'event') {
      expect(result, `${scenario}: a REST ${line.dir} is not an event`).toBeNull();
    } else if (line.app === TRACE_DIALER_APP && result) {
      routed.push(result);
    }
  }
  return routed;
}

describe('translateAriEvent over the recorded traces', () => {
  it('has an expected sequence for every trace file', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(listTraces());
  });

  for (const scenario of Object.keys(EXPECTED)) {
    it(`turns ${scenario}.jsonl into the expected events of its attempt`, () => {
      const routed = translateTrace(scenario);
      expect(routed.every((r) => r.attemptId === traceAttemptId(scenario))).toBe(true);
      expect(routed.map((r) => r.event)).toEqual(EXPECTED[scenario]);
    });
  }

  it('routes the hand-off app’s copy of a moved channel like ours, which is why the gateway hears only its own app', () => {
    const agentEvents = loadTrace('human')
      .filter((line) => line.dir === 'event' && line.app === 'ai-agent')
      .map((line) => translateAriEvent(line.msg, t(line.t_ms), traceChannelIds));
    // StasisStart ["handoff", …] means nothing; the agent's StasisEnd looks like ours.
    expect(agentEvents).toEqual([
      null,
      null,
      { attemptId: 'trace-human-1', event: ev.leftStasis(t(5_985)) },
    ]);
  });
});

const channel = (id: string, state = 'Up') => ({ id, name: `Local/x@ctx-0001;1`, state });

describe('translateAriEvent', () => {
  const ids = dialstateChannelIds;
  const OURS = 'dialstate-att-7';

  it('reads where a hand-off went: a context entered, Stasis() failing, a move refused', () => {
    const step = (priority: number, app: string) => ({
      type: 'ChannelDialplan',
      dialplan_app: app,
      dialplan_app_data: '',
      channel: {
        ...channel(OURS),
        dialplan: { context: 'dialstate-aava-handoff', exten: 's', priority },
      },
    });
    expect(translateAriEvent(step(1, 'NoOp'), 5, ids)?.event).toEqual(
      ev.dialplanEntered('dialstate-aava-handoff', 's', 1, 'NoOp', 5),
    );
    expect(translateAriEvent(step(3, 'Stasis'), 6, ids)?.event).toEqual(
      ev.dialplanEntered('dialstate-aava-handoff', 's', 3, 'Stasis', 6),
    );
    // Every step outside the quiet contexts (the AMD hop's) is reported, at any priority.
    expect(translateAriEvent(step(2, 'Set'), 7, ids)?.event).toEqual(
      ev.dialplanEntered('dialstate-aava-handoff', 's', 2, 'Set', 7),
    );
    const quiet = new Set(['dialstate-aava-handoff']);
    expect(translateAriEvent(step(1, 'NoOp'), 7, ids, quiet)).toBeNull();
    const varset = (variable: string, value: string) => ({
      type: 'ChannelVarset',
      variable,
      value,
      channel: channel(OURS),
    });
    expect(translateAriEvent(varset('STASISSTATUS', 'FAILED'), 8, ids)?.event).toEqual(
      ev.stasisFailed(8),
    );
    expect(translateAriEvent(varset('STASISSTATUS', 'SUCCESS'), 8, ids)).toBeNull();
    expect(translateAriEvent(varset('AMDSTATUS', 'FAILED'), 8, ids)).toBeNull();
    const moveFailed = {
      type: 'ApplicationMoveFailed',
      destination: 'ai-agent',
      args: [],
      channel: channel(OURS),
    };
    expect(translateAriEvent(moveFailed, 9, ids)).toEqual({
      attemptId: 'att-7',
      event: ev.moveFailed('ai-agent', 9),
    });
    // The far end's dialplan says nothing about our hand-off.
    const farEnd = { ...step(1, 'NoOp'), channel: { ...step(1, 'NoOp').channel, id: `${OURS};2` } };
    expect(translateAriEvent(farEnd, 10, ids)).toBeNull();
  });

  it("reads dialstate's AMD arguments, which carry the attempt id", () => {
    const raw = {
      type: 'StasisStart',
      args: ['amd', 'att-7', 'NOTSURE', 'TOOLONG-5000'],
      channel: channel(OURS),
    };
    expect(translateAriEvent(raw, 10, ids)).toEqual({
      attemptId: 'att-7',
      event: ev.amd('NOTSURE', 'TOOLONG-5000', 10),
    });
  });

  it('reads an AMD verdict whose cause Asterisk left empty, in both argument shapes', () => {
    const ours = { type: 'StasisStart', args: ['amd', 'att-7', 'HANGUP'], channel: channel(OURS) };
    const recorded = { type: 'StasisStart', args: ['amd', 'HANGUP', ''], channel: channel(OURS) };
    expect(translateAriEvent(ours, 1, ids)?.event).toEqual(ev.amd('HANGUP', '', 1));
    expect(translateAriEvent(recorded, 1, ids)?.event).toEqual(ev.amd('HANGUP', '', 1));
  });

  it('ignores a StasisStart whose arguments are neither dial nor amd', () => {
    const raw = { type: 'StasisStart', args: ['handoff', 'att-7'], channel: channel(OURS) };
    expect(translateAriEvent(raw, 1, ids)).toBeNull();
    expect(translateAriEvent({ type: 'StasisStart', channel: channel(OURS) }, 1, ids)).toBeNull();
  });

  it("ignores channels that are not ours and our far end's own-half events", () => {
    const foreign = { type: 'StasisStart', args: ['dial', 'x'], channel: channel('1763970000.42') };
    const farEndRinging = {
      type: 'ChannelStateChange',
      channel: channel(`${OURS};2`, 'Ringing'),
    };
    const farEndDtmf = { type: 'ChannelDtmfReceived', digit: '1', channel: channel(`${OURS};2`) };
    expect(translateAriEvent(foreign, 1, ids)).toBeNull();
    expect(translateAriEvent(farEndRinging, 1, ids)).toBeNull();
    expect(translateAriEvent(farEndDtmf, 1, ids)).toBeNull();
  });

  it('hears only the Ringing state change of our half', () => {
    const up = { type: 'ChannelStateChange', channel: channel(OURS, 'Up') };
    const ringing = { type: 'ChannelStateChange', channel: channel(OURS, 'Ringing') };
    expect(translateAriEvent(up, 1, ids)).toBeNull();
    expect(translateAriEvent(ringing, 1, ids)?.event).toEqual(ev.ringing(1));
  });

  it('gives a destroyed far end its cause and our channel its cause and text', () => {
    const far = {
      type: 'ChannelDestroyed',
      cause: 17,
      cause_txt: 'User busy',
      channel: channel(`${OURS};2`),
    };
    const ours = { type: 'ChannelDestroyed', cause: 0, channel: channel(OURS, 'Down') };
    expect(translateAriEvent(far, 4, ids)).toEqual({
      attemptId: 'att-7',
      event: ev.farEndHungUp(17, 4),
    });
    expect(translateAriEvent(ours, 5, ids)).toEqual({ attemptId: 'att-7', event: ev.hungUp(0, 5) });
  });

  it('reports a hang-up request from outside on our half, with its cause', () => {
    const raw = { type: 'ChannelHangupRequest', cause: 16, channel: channel(OURS) };
    expect(translateAriEvent(raw, 6, ids)).toEqual({
      attemptId: 'att-7',
      event: ev.hangupRequested(16, 6),
    });
    const withoutCause = { type: 'ChannelHangupRequest', channel: channel(OURS) };
    expect(translateAriEvent(withoutCause, 7, ids)?.event).toEqual(ev.hangupRequested(0, 7));
    const notSoft = { type: 'ChannelHangupRequest', cause: 1, soft: false, channel: channel(OURS) };
    expect(translateAriEvent(notSoft, 8, ids)?.event).toEqual(ev.hangupRequested(1, 8));
  });

  it("ignores our own (soft) hang-up requests and the far end's", () => {
    const ours = { type: 'ChannelHangupRequest', cause: 32, soft: true, channel: channel(OURS) };
    const farEnd = { type: 'ChannelHangupRequest', cause: 16, channel: channel(`${OURS};2`) };
    const farEndSoft = {
      type: 'ChannelHangupRequest',
      cause: 16,
      soft: true,
      channel: channel(`${OURS};2`),
    };
    expect(translateAriEvent(ours, 1, ids)).toBeNull();
    expect(translateAriEvent(farEnd, 1, ids)).toBeNull();
    expect(translateAriEvent(farEndSoft, 1, ids)).toBeNull();
  });

  it('routes a playback without a channel target by the id the machine gave it', () => {
    const raw = { type: 'PlaybackFinished', playback: { id: 'att-7-voicemail', state: 'done' } };
    expect(translateAriEvent(raw, 9, ids)).toEqual({
      attemptId: 'att-7',
      event: ev.playbackFinished('att-7-voicemail', 'done', 9),
    });
  });

  it("ignores a playback on someone else's channel even when its id looks like ours", () => {
    const raw = {
      type: 'PlaybackStarted',
      playback: { id: 'att-7-consent', state: 'playing', target_uri: 'channel:other-app-1' },
    };
    expect(translateAriEvent(raw, 9, ids)).toBeNull();
  });

  it('returns null, without throwing, for anything malformed or unknown', () => {
    const junk: unknown[] = [
      null,
      42,
      'StasisStart',
      [],
      {},
      { type: 'ApplicationReplaced', application: 'dialstate' },
      { type: 'SomethingAsterisk23Added', channel: channel(OURS) },
      { type: 'StasisStart', args: 'dial', channel: channel(OURS) },
      { type: 'StasisStart', args: ['dial'], channel: { name: 'no id' } },
      { type: 'Dial', dialstatus: 'ANSWER' },
      { type: 'Dial', dialstatus: '', peer: channel(OURS) },
      { type: 'ChannelDestroyed', cause: '16', channel: channel(OURS) },
      { type: 'ChannelHangupRequest', cause: 16 },
      { type: 'ChannelHangupRequest', cause: 16, channel: channel('1763970000.42') },
      { type: 'ChannelDtmfReceived', channel: channel(OURS) },
      { type: 'PlaybackFinished', playback: { state: 'done' } },
      { type: 'PlaybackFinished', playback: { id: 'unrelated', state: 'done' } },
    ];
    for (const raw of junk) expect(translateAriEvent(raw, 1, ids)).toBeNull();
  });

  it('uses whichever prefix the id scheme is built with', () => {
    const ids2 = createChannelIds('acme-');
    expect(ids2.attemptIdOf('acme-42;2')).toBe('42');
    expect(ids2.attemptIdOf('acme-')).toBeNull();
    expect(ids2.attemptIdOf('dialstate-42')).toBeNull();
    expect(dialstateChannelIds.attemptIdOf('dialstate-att-7')).toBe('att-7');
  });
});
