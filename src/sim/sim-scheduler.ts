/** Wall-clock time and timers, injected so that tests can drive the simulator's time. */
export interface SimClock {
  /** Epoch ms. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The system clock. */
export const systemSimClock: SimClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A scheduled task that has not run yet. */
export interface SimTimer {
  /** Prevents the task from running; harmless once it ran. */
  cancel(): void;
}

/**
 * Runs the simulated world's tasks in scenario time.
 *
 * Every delay the scenarios speak of (ring time, AMD time, media length, the originate
 * timeout) is in scenario milliseconds. The scheduler keeps one queue ordered by due
 * time, so tasks run in scenario order whatever the timer granularity of the host:
 * a task due at 1000 ms never runs after one due at 1001 ms, and tasks due at the same
 * time run in the order they were scheduled.
 */
export interface SimScheduler {
  /** Scenario ms since the scheduler started; inside a task, that task's due time. */
  now(): number;
  /** Runs `task` `delayMs` scenario ms from now (0 = after the current instant). */
  after(delayMs: number, task: () => void): SimTimer;
  /** Drops every pending task and stops arming timers. */
  close(): void;
}

export interface SimSchedulerOptions {
  /**
   * Real ms per scenario ms: 1 = real time, 0.01 = 100× faster, 0 = as fast as
   * possible (one scenario instant per event-loop turn, via setImmediate).
   */
  timeScale: number;
  clock: SimClock;
  /** Receives an exception thrown by a task; the queue goes on. */
  onError: (error: unknown) => void;
}

interface Task {
  readonly due: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

/** Creates a scheduler; see {@link SimScheduler}. */
export function createSimScheduler(options: SimSchedulerOptions): SimScheduler {
  return new VirtualTimeScheduler(options);
}

class VirtualTimeScheduler implements SimScheduler {
  readonly #timeScale: number;
  readonly #clock: SimClock;
  readonly #onError: (error: unknown) => void;
  readonly #origin: number;
  readonly #heap: Task[] = [];
  #seq = 0;
  /** Due time of the task running now, or of the last one that ran. */
  #floor = 0;
  #running = false;
  #armed: { handle: unknown; due: number } | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #closed = false;

  constructor(options: SimSchedulerOptions) {
    if (!(options.timeScale >= 0) || !Number.isFinite(options.timeScale)) {
      throw new RangeError(`timeScale must be a finite number >= 0, got ${options.timeScale}`);
    }
    this.#timeScale = options.timeScale;
    this.#clock = options.clock;
    this.#onError = options.onError;
    this.#origin = options.clock.now();
  }

  now(): number {
    if (this.#running || this.#timeScale === 0) return this.#floor;
    return Math.max(this.#floor, this.#realNow());
  }

  after(delayMs: number, run: () => void): SimTimer {
    const task: Task = {
      due: this.now() + Math.max(0, delayMs),
      seq: this.#seq++,
      run,
      cancelled: false,
    };
    if (this.#closed) return { cancel: () => {} };
    this.#push(task);
    this.#arm();
    return {
      cancel: () => {
        task.cancelled = true;
      },
    };
  }

  close(): void {
    this.#closed = true;
    this.#heap.length = 0;
    if (this.#armed) this.#clock.clearTimeout(this.#armed.handle);
    this.#armed = null;
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#immediate = null;
  }

  #realNow(): number {
    return (this.#clock.now() - this.#origin) / this.#timeScale;
  }

  #arm(): void {
    if (this.#closed || this.#running) return;
    const head = this.#peek();
    if (!head) return;
    if (this.#timeScale === 0) {
      this.#immediate ??= setImmediate(() => {
        this.#immediate = null;
        this.#drainInstant();
      });
      return;
    }
    if (this.#armed && this.#armed.due <= head.due) return;
    if (this.#armed) this.#clock.clearTimeout(this.#armed.handle);
    const wait = Math.max(0, (head.due - this.#realNow()) * this.#timeScale);
    const due = head.due;
    const handle = this.#clock.setTimeout(() => {
      this.#armed = null;
      // A timer may fire a hair before its scenario time once scaled and rounded.
      this.#drainUntil(Math.max(this.#floor, this.#realNow(), due));
    }, wait);
    this.#armed = { handle, due };
  }

  /** Runs every task due by `limit` (scenario ms), tasks they add included. */
  #drainUntil(limit: number): void {
    this.#running = true;
    try {
      for (let head = this.#peek(); head && head.due <= limit; head = this.#peek()) {
        this.#runNext();
      }
    } finally {
      this.#running = false;
    }
    this.#arm();
  }

  /** Runs the tasks of the earliest pending instant, then yields to the event loop. */
  #drainInstant(): void {
    const head = this.#peek();
    if (head) this.#drainUntil(head.due);
  }

  #runNext(): void {
    const task = this.#pop();
    if (!task || task.cancelled) return;
    this.#floor = Math.max(this.#floor, task.due);
    try {
      task.run();
    } catch (error) {
      this.#onError(error);
    }
  }

  #peek(): Task | undefined {
    while (this.#heap[0]?.cancelled) this.#pop();
    return this.#heap[0];
  }

  #push(task: Task): void {
    const heap = this.#heap;
    heap.push(task);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(task, heap[parent] as Task)) break;
      heap[i] = heap[parent] as Task;
      i = parent;
    }
    heap[i] = task;
  }

  #pop(): Task | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (!top || !last || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      let smallestTask = last;
      if (left < heap.length && before(heap[left] as Task, smallestTask)) {
        smallest = left;
        smallestTask = heap[left] as Task;
      }
      if (right < heap.length && before(heap[right] as Task, smallestTask)) {
        smallest = right;
        smallestTask = heap[right] as Task;
      }
      if (smallest === i) break;
      heap[i] = smallestTask;
      i = smallest;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: Task, b: Task): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
