import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { RoutedAttemptEvent } from '../../src/ari/ari-events.js';
import { createHangupOrdering } from '../../src/ari/hangup-ordering.js';
import type { AttemptEvent } from '../../src/machines/attempt-types.js';
import { ev } from '../support/attempt-events.js';

function setup(holdMs = 100) {
  const clock = new SimulatedClock();
  clock.set(1_000);
  const delivered: RoutedAttemptEvent[] = [];
  const ordering = createHangupOrdering({ clock, holdMs, deliver: (r) => delivered.push(r) });
  const push = (attemptId: string, event: AttemptEvent) => ordering.push({ attemptId, event });
  const types = (attemptId = 'a') =>
    delivered.filter((r) => r.attemptId === attemptId).map((r) => r.event.type);
  return { clock, ordering, delivered, push, types };
}

describe('createHangupOrdering', () => {
  it('holds the hang-up of an unanswered call until the far end’s arrives', () => {
    const { push, types } = setup();
    push('a', ev.dialStatus('BUSY', 1_000));
    push('a', ev.hungUp(0, 1_000));
    expect(types()).toEqual(['dial.statusChanged']);
    push('a', ev.farEndHungUp(17, 1_001));
    expect(types()).toEqual(['dial.statusChanged', 'farEnd.hungUp', 'channel.hungUp']);
  });

  it('releases the held hang-up after holdMs when no far end comes (a trunk channel)', () => {
    const { clock, push, types } = setup(100);
    push('a', ev.hungUp(34, 1_000));
    clock.increment(99);
    expect(types()).toEqual([]);
    clock.increment(1);
    expect(types()).toEqual(['channel.hungUp']);
  });

  it('does not hold when the far end already went, or once the call reached Stasis', () => {
    const { push, types } = setup();
    push('a', ev.farEndHungUp(0, 1_000));
    push('a', ev.hungUp(0, 1_000));
    push('b', ev.answered(1_000));
    push('b', ev.hungUp(16, 1_001));
    push('b', ev.farEndHungUp(16, 1_001));
    expect(types('a')).toEqual(['farEnd.hungUp', 'channel.hungUp']);
    expect(types('b')).toEqual(['channel.answered', 'channel.hungUp', 'farEnd.hungUp']);
  });

  it('keeps later events of a held call behind its hang-up, and other calls flowing', () => {
    const { clock, push, delivered } = setup();
    push('a', ev.hungUp(0, 1_000));
    push('a', ev.leftStasis(1_000));
    push('b', ev.ringing(1_000));
    expect(delivered.map((r) => `${r.attemptId}:${r.event.type}`)).toEqual(['b:channel.ringing']);
    clock.increment(100);
    expect(delivered.map((r) => `${r.attemptId}:${r.event.type}`)).toEqual([
      'b:channel.ringing',
      'a:channel.hungUp',
      'a:channel.leftStasis',
    ]);
  });

  it('delivers what it holds when flushed', () => {
    const { ordering, push, types } = setup();
    push('a', ev.hungUp(0, 1_000));
    ordering.flush();
    expect(types()).toEqual(['channel.hungUp']);
  });

  it('forgets a far end that ended after our half, so nothing is held for it later', () => {
    const { clock, push, types } = setup();
    push('a', ev.answered(1_000));
    push('a', ev.hungUp(16, 1_000));
    push('a', ev.farEndHungUp(16, 1_000));
    clock.increment(5_000);
    // A new call reusing the id (a retry) starts from scratch: unanswered, so it is held.
    push('a', ev.hungUp(0, 6_000));
    expect(types()).toEqual(['channel.answered', 'channel.hungUp', 'farEnd.hungUp']);
  });
});
