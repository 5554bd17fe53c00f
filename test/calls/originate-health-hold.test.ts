import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { AttemptTransition } from '../../src/calls/attempt-runner.js';
import {
  createOriginateHealthHold,
  isTransientOriginateFailure,
} from '../../src/calls/originate-health-hold.js';

function failedOriginate(status: number | undefined, message = 'x'): AttemptTransition {
  return {
    attemptId: 'a-1',
    leadId: 'l-1',
    campaignId: 'c-1',
    seq: 2,
    event: {
      type: 'command.failed',
      at: 0,
      command: 'originate',
      ...(status === undefined ? {} : { status }),
      message,
    },
    state: 'done',
    done: true,
    outcome: 'interrupted',
    commands: [],
  };
}

function setup() {
  const clock = new SimulatedClock();
  let answers = false;
  let probes = 0;
  let releases = 0;
  const hold = createOriginateHealthHold({
    clock,
    log: pino({ level: 'silent' }),
    probeIntervalMs: 500,
    async probe() {
      probes += 1;
      if (!answers) throw new Error('ECONNREFUSED');
    },
    onRelease: () => {
      releases += 1;
    },
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    clock,
    hold,
    settle,
    answer: () => {
      answers = true;
    },
    probes: () => probes,
    releases: () => releases,
  };
}

describe('createOriginateHealthHold', () => {
  it('tells transient failures (5xx, no answer) from settings errors (4xx)', () => {
    expect(isTransientOriginateFailure(undefined)).toBe(true);
    expect(isTransientOriginateFailure(500)).toBe(true);
    expect(isTransientOriginateFailure(503)).toBe(true);
    expect(isTransientOriginateFailure(400)).toBe(false);
    expect(isTransientOriginateFailure(409)).toBe(false);
  });

  it('holds after a 503 until a probe of ARI succeeds, then releases once', async () => {
    const x = setup();
    x.hold.observe(failedOriginate(503, '503 Service Unavailable'));
    expect(x.hold.reason()).toBe(
      'an originate just failed (HTTP 503: 503 Service Unavailable); waiting for ARI to answer a ping',
    );
    x.clock.increment(600);
    await x.settle();
    expect(x.probes()).toBe(1);
    expect(x.hold.reason()).not.toBeNull();
    x.answer();
    x.clock.increment(600);
    await x.settle();
    expect(x.hold.reason()).toBeNull();
    expect(x.releases()).toBe(1);
    x.clock.increment(5_000);
    await x.settle();
    expect(x.probes()).toBe(2);
  });

  it('probes at once when asked, e.g. on a reconnect', async () => {
    const x = setup();
    x.hold.observe(failedOriginate(undefined, 'not connected to ARI'));
    x.answer();
    x.hold.probeNow();
    await x.settle();
    expect(x.probes()).toBe(1);
    expect(x.hold.reason()).toBeNull();
    expect(x.releases()).toBe(1);
  });

  it('ignores 4xx failures and failures of other commands', () => {
    const x = setup();
    x.hold.observe(failedOriginate(400, 'Allocation failed'));
    x.hold.observe({
      ...failedOriginate(undefined),
      event: { type: 'command.failed', at: 0, command: 'hangUp', message: 'x' },
    });
    expect(x.hold.reason()).toBeNull();
  });

  it('holds on an originate that got no answer at all', () => {
    const x = setup();
    x.hold.observe(failedOriginate(undefined, 'not connected to ARI'));
    expect(x.hold.reason()).toContain('(no answer: not connected to ARI)');
    x.hold.stop();
    expect(x.hold.reason()).toBeNull();
  });
});
