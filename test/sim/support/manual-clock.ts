import type { SimClock } from '../../../src/sim/sim-scheduler.js';

/** A clock whose time moves only when the test advances it. */
export function createManualClock(start = Date.UTC(2026, 10, 24, 6, 0, 0)) {
  let now = start;
  let timers: Array<{ at: number; run: () => void; id: number }> = [];
  let nextId = 0;
  const clock: SimClock = {
    now: () => now,
    setTimeout: (run, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, run, id });
      return id;
    },
    clearTimeout: (handle) => {
      timers = timers.filter((timer) => timer.id !== handle);
    },
  };
  /** Moves time forward by `ms`, firing due timers in order. */
  const advance = (ms: number): void => {
    const until = now + ms;
    for (;;) {
      const due = timers
        .filter((timer) => timer.at <= until)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      timers = timers.filter((timer) => timer !== due);
      now = Math.max(now, due.at);
      due.run();
    }
    now = until;
  };
  return { clock, advance };
}
