import { describe, expect, it } from 'vitest';
import { createSimScheduler, type SimClock } from '../../src/sim/sim-scheduler.js';
import { createManualClock } from './support/manual-clock.js';

const noErrors = (error: unknown) => {
  throw error;
};

describe('the simulator scheduler', () => {
  it('runs tasks in scenario order, scaled by timeScale', () => {
    const { clock, advance } = createManualClock();
    const scheduler = createSimScheduler({ timeScale: 0.01, clock, onError: noErrors });
    const ran: string[] = [];
    scheduler.after(1001, () => ran.push('b'));
    scheduler.after(1000, () => ran.push('a'));
    scheduler.after(30_000, () => ran.push('c'));
    advance(9);
    expect(ran).toEqual([]);
    advance(2);
    expect(ran).toEqual(['a', 'b']);
    advance(300);
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('keeps scheduling order within one instant and counts a task’s delays from its due time', () => {
    const { clock, advance } = createManualClock();
    const scheduler = createSimScheduler({ timeScale: 1, clock, onError: noErrors });
    const ran: Array<[string, number]> = [];
    scheduler.after(500, () => {
      ran.push(['first', scheduler.now()]);
      scheduler.after(0, () => ran.push(['nested', scheduler.now()]));
      scheduler.after(250, () => ran.push(['later', scheduler.now()]));
    });
    scheduler.after(500, () => ran.push(['second', scheduler.now()]));
    advance(2000);
    expect(ran).toEqual([
      ['first', 500],
      ['second', 500],
      ['nested', 500],
      ['later', 750],
    ]);
  });

  it('drops cancelled tasks and everything once closed', () => {
    const { clock, advance } = createManualClock();
    const scheduler = createSimScheduler({ timeScale: 1, clock, onError: noErrors });
    const ran: string[] = [];
    scheduler.after(10, () => ran.push('kept'));
    scheduler.after(10, () => ran.push('cancelled')).cancel();
    advance(20);
    scheduler.after(10, () => ran.push('closed'));
    scheduler.close();
    advance(20);
    expect(ran).toEqual(['kept']);
  });

  it('runs as fast as possible at timeScale 0, in scenario order, without timers', async () => {
    const clock: SimClock = {
      now: () => 0,
      setTimeout: () => {
        throw new Error('timeScale 0 arms no timer');
      },
      clearTimeout: () => {},
    };
    const scheduler = createSimScheduler({ timeScale: 0, clock, onError: noErrors });
    const ran: Array<[string, number]> = [];
    const done = new Promise<void>((resolve) => {
      scheduler.after(30_000, () => {
        ran.push(['timeout', scheduler.now()]);
        resolve();
      });
    });
    scheduler.after(1000, () => {
      ran.push(['answer', scheduler.now()]);
      scheduler.after(2970, () => ran.push(['amd', scheduler.now()]));
    });
    await done;
    expect(ran).toEqual([
      ['answer', 1000],
      ['amd', 3970],
      ['timeout', 30_000],
    ]);
  });

  it('hands a failing task to onError and goes on', () => {
    const { clock, advance } = createManualClock();
    const errors: unknown[] = [];
    const scheduler = createSimScheduler({
      timeScale: 1,
      clock,
      onError: (error) => errors.push(error),
    });
    const ran: string[] = [];
    scheduler.after(1, () => {
      throw new Error('boom');
    });
    scheduler.after(2, () => ran.push('after'));
    advance(5);
    expect(errors).toHaveLength(1);
    expect(ran).toEqual(['after']);
  });

  it('refuses a negative or non-finite timeScale', () => {
    const { clock } = createManualClock();
    expect(() => createSimScheduler({ timeScale: -1, clock, onError: noErrors })).toThrow(
      RangeError,
    );
    expect(() => createSimScheduler({ timeScale: Number.NaN, clock, onError: noErrors })).toThrow(
      RangeError,
    );
  });
});
