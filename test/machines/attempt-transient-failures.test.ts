import { describe, expect, it } from 'vitest';
import type { CommandName } from '../../src/machines/attempt-types.js';
import { type AttemptDrive, createAttemptDrive } from '../support/attempt-driver.js';
import { ev } from '../support/attempt-events.js';
import { consentInput, sampleInput, t } from '../support/attempt-inputs.js';
import {
  HANG_UP,
  human,
  leavingVoicemail,
  ringing,
  screening,
} from '../support/attempt-stories.js';

// A command ARI answered with 5xx, or did not answer at all, was not refused for our
// settings: the PBX could not take it for now (shutting down, overloaded, unreachable).
// The attempt is cut (`interrupted`, which the retry policy retries), not `failed`.

describe('commands the PBX could not take for now', () => {
  it.each([
    [503, 'Service Unavailable'],
    [500, 'Internal Server Error'],
    [undefined, 'connect ECONNREFUSED 127.0.0.1:8088'],
  ])('ends interrupted, without a hang-up, when the originate gets %s', (status, message) => {
    const call = createAttemptDrive(sampleInput());
    call.send(ev.started(t(0)));

    const step = call.send(ev.commandFailed('originate', status, message, t(6)));

    expect(step.done).toBe(true);
    expect(step.commands).toEqual([]);
    const http = status === undefined ? '' : ` (HTTP ${status})`;
    expect(step.facts).toMatchObject({
      outcome: 'interrupted',
      error: `the PBX could not take the request: originate failed${http}: ${message}`,
    });
  });

  it.each([400, 404, 409, 422])('ends failed when the originate gets %i', (status) => {
    const call = createAttemptDrive(sampleInput());
    call.send(ev.started(t(0)));

    const step = call.send(ev.commandFailed('originate', status, 'refused', t(6)));

    expect(step.facts).toMatchObject({
      outcome: 'failed',
      error: `originate failed (HTTP ${status}): refused`,
    });
  });

  const interrupting: Array<[CommandName, string, () => AttemptDrive]> = [
    [
      'continueToAmd',
      'screening',
      () => {
        const call = ringing();
        call.send(ev.answered(t(1_005)));
        return call;
      },
    ],
    ['play', 'askingConsent.prompting', () => human(consentInput())],
    ['play', 'leavingVoicemail', () => leavingVoicemail()],
    ['handOff', 'handingOff.requested', () => human()],
  ];

  it.each(interrupting)(
    'hangs up and ends interrupted when %s fails with 5xx in %s',
    (command, state, reach) => {
      const call = reach();
      expect(call.state).toBe(state);

      const step = call.send(ev.commandFailed(command, 502, 'Bad Gateway', t(20_000)));

      expect(step.state).toBe('hangingUp');
      expect(step.commands).toEqual([HANG_UP]);
      const end = call.send(ev.hungUp(16, t(20_010)));
      expect(end.facts).toMatchObject({
        outcome: 'interrupted',
        error: `the PBX could not take the request: ${command} failed (HTTP 502): Bad Gateway`,
      });
    },
  );

  it.each(interrupting)(
    'hangs up and ends interrupted when %s gets no answer at all in %s',
    (command, _state, reach) => {
      const call = reach();

      call.send(ev.commandFailed(command, undefined, 'socket hang up', t(20_000)));

      expect(call.send(ev.hungUp(16, t(20_010))).facts.outcome).toBe('interrupted');
    },
  );

  it('ignores the transient failure of a command the state is not waiting for', () => {
    const call = screening();

    const step = call.send(ev.commandFailed('play', 503, 'Service Unavailable', t(2_000)));

    expect(step.state).toBe('screening');
    expect(step.facts.pendingOutcome).toBeNull();
  });
});
