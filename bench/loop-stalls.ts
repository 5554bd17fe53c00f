/**
 * Long event-loop turns and garbage-collection pauses, recorded as they happen, for a
 * benchmark to say what held its loop (bench/import.ts `--stalls`).
 *
 * A timer ticks every `tickMs`; a gap between two ticks longer than `thresholdMs` is a
 * stall: one turn (or a few back to back) held the loop that long. Every GC pause is kept
 * from a `PerformanceObserver`, so that a stall can be set against the collections that
 * ran inside it. Times are `performance.now()` ms; `toProfileUs` turns them into the
 * monotonic µs of a `node --cpu-prof` profile (`bench/stall-profile.ts` reads both).
 *
 * On Linux each stall also says how long the main thread ran on a core in it and how
 * long it was ready but waited for one (`/proc/self/task/<pid>/schedstat`); the rest it
 * was blocked (an fsync, GC helper threads). On a shared, loaded machine a 200 ms turn
 * may be 40 ms of work and 160 ms of waiting for a core.
 */
import { readFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';

export interface LoopStall {
  /** The last tick before the stall (ms, `performance.now()`). */
  from: number;
  /** The tick that ended it. */
  to: number;
  /** A label the caller set for what was going on (e.g. the import's phase). */
  label: string;
  /** The main thread's time on a core during it (ms); null where Linux does not say. */
  onCpuMs: number | null;
  /** Its time ready to run but waiting for a core (ms). */
  waitingMs: number | null;
}

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;

/** The main thread's time on a core and waiting for one since it started (ns). */
function schedstat(): { runNs: number; waitNs: number } | null {
  try {
    const [run, wait] = readFileSync(SCHEDSTAT, 'utf8').split(' ').map(Number);
    return run === undefined || wait === undefined ? null : { runNs: run, waitNs: wait };
  } catch {
    return null;
  }
}

export interface GcPause {
  start: number;
  durationMs: number;
  kind: 'minor' | 'major' | 'incremental' | 'weak' | 'other';
}

const GC_KINDS: Record<number, GcPause['kind']> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
};

export interface StallRecorder {
  /** Labels the stalls from now on. */
  label(text: string): void;
  stop(): { stalls: LoopStall[]; gc: GcPause[] };
}

export function recordLoopStalls(thresholdMs = 50, tickMs = 5): StallRecorder {
  const stalls: LoopStall[] = [];
  const gc: GcPause[] = [];
  let label = '';
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? -1;
      gc.push({
        start: entry.startTime,
        durationMs: entry.duration,
        kind: GC_KINDS[kind] ?? 'other',
      });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  let last = performance.now();
  let lastSched = schedstat();
  const timer = setInterval(() => {
    const now = performance.now();
    const sched = schedstat();
    if (now - last > thresholdMs + tickMs) {
      const before = lastSched;
      const known = sched !== null && before !== null;
      stalls.push({
        from: last,
        to: now,
        label,
        onCpuMs: known ? (sched.runNs - before.runNs) / 1e6 : null,
        waitingMs: known ? (sched.waitNs - before.waitNs) / 1e6 : null,
      });
    }
    last = now;
    lastSched = sched;
  }, tickMs);
  return {
    label(text) {
      label = text;
    },
    stop() {
      clearInterval(timer);
      observer.disconnect();
      return { stalls, gc };
    },
  };
}

/** `performance.now()` ms → the monotonic µs clock of a CPU profile (`process.hrtime`). */
export function toProfileUs(ms: number): number {
  const offsetUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
  return Math.round(offsetUs + ms * 1000);
}

/** The GC pause time (ms) of each kind that falls inside [from, to]. */
export function gcWithin(gc: readonly GcPause[], from: number, to: number): Map<string, number> {
  const within = new Map<string, number>();
  for (const pause of gc) {
    const overlap = Math.min(to, pause.start + pause.durationMs) - Math.max(from, pause.start);
    if (overlap > 0) within.set(pause.kind, (within.get(pause.kind) ?? 0) + overlap);
  }
  return within;
}

/** A few lines on the longest stalls, for a benchmark's output. */
export function describeStalls(
  recorded: { stalls: LoopStall[]; gc: GcPause[] },
  show = 12,
): string[] {
  const { stalls, gc } = recorded;
  const over = (ms: number) => stalls.filter((s) => s.to - s.from > ms).length;
  const onCpu = (ms: number) => stalls.filter((s) => (s.onCpuMs ?? 0) > ms).length;
  const totals = new Map<string, { n: number; ms: number; max: number }>();
  for (const pause of gc) {
    const t = totals.get(pause.kind) ?? { n: 0, ms: 0, max: 0 };
    t.n += 1;
    t.ms += pause.durationMs;
    t.max = Math.max(t.max, pause.durationMs);
    totals.set(pause.kind, t);
  }
  const lines = [
    `stalls (gaps between 5 ms ticks): ${stalls.length} over 50 ms, ${over(100)} over 100 ms, ${over(150)} over 150 ms`,
    `main thread on a core in a stall: ${onCpu(50)} over 50 ms, ${onCpu(100)} over 100 ms, longest ${Math.max(0, ...stalls.map((s) => s.onCpuMs ?? 0)).toFixed(0)} ms`,
    `GC: ${[...totals].map(([kind, t]) => `${kind} ${t.n}× ${t.ms.toFixed(0)} ms (max ${t.max.toFixed(0)})`).join(', ')}`,
  ];
  const longest = [...stalls].sort((a, b) => b.to - b.from - (a.to - a.from)).slice(0, show);
  // On a loaded machine the longest by the clock are those that waited longest for a
  // core; the longest on one are the work a turn did.
  const busiest = [...stalls]
    .filter((s) => s.onCpuMs !== null && !longest.includes(s))
    .sort((a, b) => (b.onCpuMs ?? 0) - (a.onCpuMs ?? 0))
    .slice(0, show);
  for (const stall of [...longest, ...busiest]) {
    const inGc = [...gcWithin(gc, stall.from, stall.to)]
      .map(([kind, ms]) => `${kind} ${ms.toFixed(0)}`)
      .join(', ');
    const cpu =
      stall.onCpuMs === null
        ? ''
        : `, on a core ${stall.onCpuMs.toFixed(0)} ms, waiting for one ${(stall.waitingMs ?? 0).toFixed(0)} ms, ` +
          `blocked ${(stall.to - stall.from - stall.onCpuMs - (stall.waitingMs ?? 0)).toFixed(0)} ms`;
    lines.push(
      `  ${(stall.to - stall.from).toFixed(0)} ms at ${(stall.from / 1000).toFixed(2)} s (${stall.label}${cpu}; ` +
        `profile µs ${toProfileUs(stall.from)}:${toProfileUs(stall.to)}), GC inside: ${inGc || 'none'}`,
    );
  }
  return lines;
}
