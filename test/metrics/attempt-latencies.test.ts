import { describe, expect, it } from 'vitest';
import type { AttemptTransition } from '../../src/calls/attempt-runner.js';
import type { AttemptCommand, AttemptEvent } from '../../src/machines/attempt-types.js';
import { createAttemptLatencies } from '../../src/metrics/attempt-latencies.js';

const ORIGINATE: AttemptCommand = {
  type: 'originate',
  params: { channelId: 'c', number: '+14155550101', callerId: null, timeoutSec: 30, variables: {} },
};
const CONTINUE: AttemptCommand = {
  type: 'continueToAmd',
  params: { channelId: 'c', amdOptions: '' },
};

function transition(
  event: AttemptEvent,
  commands: AttemptCommand[] = [],
  attemptId = 'a-1',
  done = false,
): AttemptTransition {
  return {
    attemptId,
    leadId: 'lead-1',
    campaignId: 'campaign-1',
    seq: 1,
    event,
    state: 'x',
    done,
    outcome: null,
    commands,
  };
}

describe('attempt latencies', () => {
  it('measures the originate until answered when the far end never rang', () => {
    const latencies = createAttemptLatencies();
    latencies.observe(transition({ type: 'attempt.started', at: 1_000 }, [ORIGINATE]));
    expect(latencies.observe(transition({ type: 'channel.answered', at: 4_000 }))).toEqual({
      eventFromAri: true,
      originate: { until: 'answered', ms: 3_000 },
    });
    // Only the first sign counts.
    expect(latencies.observe(transition({ type: 'channel.ringing', at: 5_000 }))).toEqual({
      eventFromAri: true,
    });
  });

  it('names an AMD status it does not know `other`', () => {
    const latencies = createAttemptLatencies();
    latencies.observe(transition({ type: 'channel.answered', at: 1_000 }, [CONTINUE]));
    const observed = latencies.observe(
      transition({ type: 'amd.completed', at: 1_500, status: 'WHATEVER', cause: '' }),
    );
    expect(observed.amd).toEqual({ status: 'other', ms: 500 });
  });

  it('measures nothing for an attempt taken over after a restart, and keeps attempts apart', () => {
    const latencies = createAttemptLatencies();
    latencies.observe(transition({ type: 'attempt.started', at: 1_000 }, [ORIGINATE], 'a-1'));
    expect(
      latencies.observe(transition({ type: 'channel.ringing', at: 2_000 }, [], 'a-2')),
    ).toEqual({ eventFromAri: true });
    expect(
      latencies.observe(
        transition({ type: 'amd.completed', at: 2_000, status: 'HUMAN', cause: '' }, [], 'a-2'),
      ).amd,
    ).toBeUndefined();
  });

  it('forgets an attempt once it ends', () => {
    const latencies = createAttemptLatencies();
    latencies.observe(transition({ type: 'attempt.started', at: 1_000 }, [ORIGINATE]));
    latencies.observe(transition({ type: 'operator.canceled', at: 1_100 }, [], 'a-1', true));
    expect(latencies.observe(transition({ type: 'channel.ringing', at: 2_000 }))).toEqual({
      eventFromAri: true,
    });
  });

  it("does not count the runner's own events as ARI events", () => {
    const latencies = createAttemptLatencies();
    for (const event of [
      { type: 'attempt.started', at: 1 },
      { type: 'timer.fired', at: 1, timerId: 't' },
      { type: 'operator.canceled', at: 1 },
      { type: 'channel.lost', at: 1 },
      { type: 'command.failed', at: 1, command: 'originate', message: 'x' },
    ] satisfies AttemptEvent[]) {
      expect(latencies.observe(transition(event)).eventFromAri, event.type).toBe(false);
    }
  });
});
