/**
 * Where the end-to-end benchmarks' simulated Asterisk runs (bench/sim-stack.ts):
 *
 * - `inline`: in the benchmark's own process, sharing its event loop and core with the
 *   dialer (the CPU the process spends is both of theirs);
 * - `process`: in a child process of its own (bench/sim-child.ts), reached over
 *   loopback as a real Asterisk would be on its own host: the benchmark's process is
 *   then the dialer alone, and the child's CPU time is measured apart.
 *
 * Either way every originate the simulator receives is counted per attempt, so that a
 * pass can check that each attempt made exactly one.
 */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { createSimulator, type SimRequestRecord } from '../src/sim/simulator.js';

export type SimPlacement = 'inline' | 'process';
export const SIM_PLACEMENTS: readonly SimPlacement[] = ['inline', 'process'];

/** What the simulator saw since the last `mark()`. */
export interface SimReport {
  /** Originates of attempt `first + i` at index i. */
  perAttempt: number[];
  /** Every originate, whatever its attempt. */
  total: number;
  /** CPU time of the simulator's own process (null when it shares the dialer's). */
  cpuMs: number | null;
}

/** A started simulator, wherever it runs. */
export interface SimHost {
  readonly placement: SimPlacement;
  readonly url: string;
  /** Starts counting originates (and the simulator's CPU time) afresh. */
  mark(): Promise<void>;
  /** What it saw since the last mark, for attempts `first` to `first + leads - 1`. */
  report(first: number, leads: number): Promise<SimReport>;
  stop(): Promise<void>;
}

export interface SimHostOptions {
  user: string;
  password: string;
  timeScale: number;
}

/** The attempt number of the bench's channel ids (`dialstate-att-<n>`). */
const BENCH_CHANNEL = /^dialstate-att-(\d+)$/;

/** Counts originates (`POST /ari/channels`) per attempt number. */
export function createOriginateTally() {
  let counts = new Map<number, number>();
  let total = 0;
  return {
    see(request: SimRequestRecord): void {
      if (request.method !== 'POST' || request.path !== '/ari/channels') return;
      total += 1;
      const n = Number(BENCH_CHANNEL.exec(request.query.channelId ?? '')?.[1] ?? -1);
      if (n >= 0) counts.set(n, (counts.get(n) ?? 0) + 1);
    },
    reset(): void {
      counts = new Map();
      total = 0;
    },
    report(first: number, leads: number): Omit<SimReport, 'cpuMs'> {
      return {
        perAttempt: Array.from({ length: leads }, (_, i) => counts.get(first + i) ?? 0),
        total,
      };
    },
  };
}

export async function startSimHost(
  placement: SimPlacement,
  options: SimHostOptions,
): Promise<SimHost> {
  return placement === 'inline' ? startInline(options) : startChild(options);
}

async function startInline(options: SimHostOptions): Promise<SimHost> {
  const tally = createOriginateTally();
  const sim = createSimulator({ ...options, onRequest: tally.see });
  const { url } = await sim.start();
  return {
    placement: 'inline',
    url,
    async mark() {
      tally.reset();
    },
    async report(first, leads) {
      return { ...tally.report(first, leads), cpuMs: null };
    },
    stop: () => sim.stop(),
  };
}

/** Messages of bench/sim-child.ts to its parent. */
export type SimChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'marked' }
  | ({ type: 'report' } & SimReport);

/** Messages of the parent to bench/sim-child.ts. */
export type SimParentMessage =
  | { type: 'mark' }
  | { type: 'report'; first: number; leads: number }
  | { type: 'stop' };

/**
 * The child's Node options: this process's, less a CPU profile (`--cpu-prof` profiles
 * the dialer alone; the child would write a profile of its own into the same folder).
 */
function childEnv(): NodeJS.ProcessEnv {
  const nodeOptions = (process.env.NODE_OPTIONS ?? '')
    .split(/\s+/)
    .filter((option) => option !== '' && !option.startsWith('--cpu-prof'))
    .join(' ');
  return { ...process.env, NODE_OPTIONS: nodeOptions };
}

async function startChild(options: SimHostOptions): Promise<SimHost> {
  const child = fork(
    path.join(import.meta.dirname, 'sim-child.ts'),
    [options.user, options.password, String(options.timeScale)],
    { execArgv: ['--import', 'tsx'], env: childEnv() },
  );
  let stopping = false;
  // Replies come in the order of the requests: one request at a time is in flight.
  const waiting: ((message: SimChildMessage) => void)[] = [];
  child.on('message', (message: SimChildMessage) => waiting.shift()?.(message));
  child.on('exit', (code, signal) => {
    if (stopping) return;
    // The calls in flight would only stall: say why and stop the benchmark at once.
    console.error(`the simulator's process ended mid-run (code ${code}, signal ${signal})`);
    process.exit(1);
  });

  function next<T extends SimChildMessage['type']>(
    type: T,
  ): Promise<Extract<SimChildMessage, { type: T }>> {
    return new Promise((resolve, reject) =>
      waiting.push((message) =>
        message.type === type
          ? resolve(message as Extract<SimChildMessage, { type: T }>)
          : reject(new Error(`the simulator's process answered ${message.type}, not ${type}`)),
      ),
    );
  }

  function ask<T extends SimChildMessage['type']>(
    request: SimParentMessage,
    type: T,
  ): Promise<Extract<SimChildMessage, { type: T }>> {
    const answer = next(type);
    child.send(request);
    return answer;
  }

  const { url } = await next('ready');
  return {
    placement: 'process',
    url,
    async mark() {
      await ask({ type: 'mark' }, 'marked');
    },
    async report(first, leads) {
      const { perAttempt, total, cpuMs } = await ask({ type: 'report', first, leads }, 'report');
      return { perAttempt, total, cpuMs };
    },
    async stop() {
      stopping = true;
      await stopChild(child);
    },
  };
}

/** Asks the child to stop and waits until it has exited. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.send({ type: 'stop' } satisfies SimParentMessage);
  });
}
