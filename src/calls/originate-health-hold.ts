import type { Logger } from 'pino';
import type { AttemptTransition } from './attempt-runner.js';
import type { Clock } from './ports.js';

/** Mean time between two probes while held (ms). */
const DEFAULT_PROBE_INTERVAL_MS = 500;

/**
 * Holds claiming after an originate failed in a way that says the PBX is unwell rather
 * than that our settings are wrong: an HTTP status of 500 or more (Asterisk answers 503
 * while it shuts down) or no answer at all (refused, reset, timed out). Dialing on would
 * only burn the leads' attempts. The hold lasts until a cheap probe of ARI
 * (`GET /asterisk/ping`) succeeds again. A 4xx is not a PBX problem: the circuit breaker
 * deals with those.
 */
export interface OriginateHealthHold {
  /** Feeds one committed transition; a transient originate failure starts (or extends) the hold. */
  observe(transition: AttemptTransition): void;
  /** Why claiming is held now, or null. */
  reason(): string | null;
  /** Probes at once if held, e.g. when the ARI connection is back. */
  probeNow(): void;
  /** Stops probing; the hold is dropped. */
  stop(): void;
}

export interface OriginateHealthHoldDeps {
  clock: Clock;
  log: Logger;
  /** Resolves when ARI answers a cheap request; rejects otherwise. */
  probe(): Promise<unknown>;
  /** Called once the hold is lifted, so that claiming resumes at once. */
  onRelease(): void;
  probeIntervalMs?: number;
}

/** Whether a failed originate's status says the PBX (not our request) is at fault. */
export function isTransientOriginateFailure(status: number | undefined): boolean {
  return status === undefined || status >= 500;
}

export function createOriginateHealthHold(deps: OriginateHealthHoldDeps): OriginateHealthHold {
  const { clock, log } = deps;
  const intervalMs = deps.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
  let held: string | null = null;
  let timer: unknown = null;
  let stopped = false;

  function scheduleProbe(): void {
    if (timer !== null || stopped) return;
    // Jittered, so that several dialers behind one PBX do not probe in step.
    const delay = Math.round(intervalMs * (0.8 + Math.random() * 0.4));
    timer = clock.setTimeout(() => {
      timer = null;
      void probeOnce();
    }, delay);
  }

  async function probeOnce(): Promise<void> {
    if (held === null || stopped) return;
    try {
      await deps.probe();
    } catch {
      scheduleProbe();
      return;
    }
    if (held === null || stopped) return;
    log.info({ after: held }, 'ARI answers again; claiming resumes');
    held = null;
    deps.onRelease();
  }

  return {
    observe(t) {
      const { event } = t;
      if (event.type !== 'command.failed' || event.command !== 'originate') return;
      if (!isTransientOriginateFailure(event.status)) return;
      const status = event.status === undefined ? 'no answer' : `HTTP ${event.status}`;
      if (held === null)
        log.warn({ status, error: event.message }, 'originate failed: holding claims');
      held = `an originate just failed (${status}: ${event.message}); waiting for ARI to answer a ping`;
      scheduleProbe();
    },
    reason: () => held,
    probeNow() {
      if (held === null || stopped) return;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      void probeOnce();
    },
    stop() {
      stopped = true;
      held = null;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}
