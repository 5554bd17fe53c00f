import type { Logger } from 'pino';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AttemptRunner } from '../calls/attempt-runner.js';
import type { Clock } from '../calls/ports.js';
import type { StorageStatus } from '../calls/storage-health.js';
import {
  ABANDON_WINDOWS,
  type AbandonWindow,
  abandonRatePercent,
} from '../campaign/abandon-cap.js';
import type { AbandonmentReader } from '../compliance/abandonment-reads.js';
import { ATTEMPT_OUTCOMES } from '../machines/attempt-types.js';
import type { MetricsReader } from '../store/metrics-reader.js';
import { createAttemptLatencies } from './attempt-latencies.js';

/** The metrics `/metrics` serves, in Prometheus text format. */
export interface DialstateMetrics {
  /** The registry's content type, for the response header. */
  readonly contentType: string;
  /** The Prometheus text of every metric; the database-backed gauges are read now. */
  render(): Promise<string>;
  /** Stops following the runner. */
  stop(): void;
}

export interface DialstateMetricsDeps {
  runner: Pick<AttemptRunner, 'onTransition'>;
  reader: MetricsReader;
  /** Abandoned calls per campaign over the rules' windows; left out of the scrape without it. */
  abandonment?: Pick<AbandonmentReader, 'allCampaigns'>;
  clock: Pick<Clock, 'now'>;
  ariConnected(): boolean;
  /** Several PBXs: each one's connection and load, as gauges labelled `pbx`. */
  pbxs?(): { name: string; state: string; live: number; maxChannels: number }[];
  /** Whether database writes work, and how many failed (see `createStorageHealth`). */
  storage(): Pick<StorageStatus, 'writable' | 'failures'>;
  log: Logger;
  /** Also Node's process metrics (`process_*`, `nodejs_*`); off in tests. */
  processMetrics?: boolean;
}

const SECONDS = 1000;

/**
 * Creates dialstate's metrics in a registry of their own (never prom-client's global
 * one: two apps in one process, as in tests, must not share counters). Counters and
 * histograms follow the runner's committed transitions; the gauges are read from the
 * database when scraped, so they are right after a restart too.
 */
export function createDialstateMetrics(deps: DialstateMetricsDeps): DialstateMetrics {
  const { reader, log } = deps;
  const registry = new Registry();
  if (deps.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  /** A database read for a gauge; undefined when it failed (the gauge is then left out). */
  async function readOrWarn<T>(what: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      // One failing source must not cost the whole scrape (the process metrics above all).
      log.warn({ err: error }, `metrics: could not read ${what}`);
      return undefined;
    }
  }

  const attempts = new Counter({
    name: 'dialstate_attempts_total',
    help: 'Call attempts ended, by outcome (since the process started).',
    labelNames: ['outcome'] as const,
    registers,
  });
  // Every outcome from zero: rate() needs the series before its first increment.
  for (const outcome of ATTEMPT_OUTCOMES) attempts.inc({ outcome }, 0);

  new Gauge({
    name: 'dialstate_live_attempts',
    help: 'Attempts not ended yet, by the state they are in (ringing, screening, talking…).',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      this.reset();
      const live = await readOrWarn('the live attempts', () => reader.liveAttemptsByState());
      for (const [state, n] of Object.entries(live ?? {})) this.set({ state }, n);
    },
  });

  const originateLatency = new Histogram({
    name: 'dialstate_originate_latency_seconds',
    help: 'From the originate request to the first sign of the far end: ringing, or answered without ringing first.',
    labelNames: ['until'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60],
    registers,
  });
  const amdLatency = new Histogram({
    name: 'dialstate_amd_latency_seconds',
    help: 'From sending the answered call to the AMD context to its verdict, by AMDSTATUS.',
    labelNames: ['status'] as const,
    buckets: [0.5, 1, 2, 3, 4, 5, 7.5, 10, 15, 30],
    registers,
  });
  const eventLag = new Histogram({
    name: 'dialstate_event_lag_seconds',
    help: 'From the time an ARI event was received to the commit of its journal entry.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });

  new Gauge({
    name: 'dialstate_lead_import_rows',
    help: 'Rows of the lead imports the database holds, by result.',
    labelNames: ['result'] as const,
    registers,
    async collect() {
      this.reset();
      const rows = await readOrWarn('the lead import totals', () => reader.leadImportRows());
      if (rows === undefined) return;
      this.set({ result: 'accepted' }, rows.accepted);
      this.set({ result: 'updated' }, rows.updated);
      this.set({ result: 'duplicate' }, rows.duplicates);
      this.set({ result: 'rejected' }, rows.rejected);
      this.set({ result: 'dnc_blocked' }, rows.dncBlocked);
    },
  });

  new Gauge({
    name: 'dialstate_ari_connected',
    help: '1 while the ARI websocket is connected, else 0.',
    registers,
    collect() {
      this.set(deps.ariConnected() ? 1 : 0);
    },
  });

  const { pbxs } = deps;
  if (pbxs) {
    new Gauge({
      name: 'dialstate_pbx_connected',
      help: "1 while the PBX's ARI websocket is connected, else 0 (several PBXs).",
      labelNames: ['pbx'],
      registers,
      collect() {
        for (const pbx of pbxs()) this.set({ pbx: pbx.name }, pbx.state === 'connected' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'dialstate_pbx_live_calls',
      help: 'Attempts live on the PBX now (several PBXs).',
      labelNames: ['pbx'],
      registers,
      collect() {
        for (const pbx of pbxs()) this.set({ pbx: pbx.name }, pbx.live);
      },
    });
    new Gauge({
      name: 'dialstate_pbx_max_channels',
      help: 'Most attempts live at once on the PBX (its maxChannels; several PBXs).',
      labelNames: ['pbx'],
      registers,
      collect() {
        for (const pbx of pbxs()) this.set({ pbx: pbx.name }, pbx.maxChannels);
      },
    });
  }

  new Gauge({
    name: 'dialstate_storage_writable',
    help: '1 while database writes work; 0 once they have kept failing past the bound (no call is claimed then).',
    registers,
    collect() {
      this.set(deps.storage().writable ? 1 : 0);
    },
  });

  new Counter({
    name: 'dialstate_storage_write_failures_total',
    help: 'Journal commits that failed for a storage reason and were retried (since the process started).',
    registers,
    collect() {
      // The storage health keeps the count; the counter shows it.
      this.reset();
      this.inc(deps.storage().failures);
    },
  });

  // Read once per scrape for the three gauges below: the collects of one scrape run
  // together, and each would otherwise query the same rows.
  let abandonRead: {
    at: number;
    read: Promise<
      Map<string, Record<AbandonWindow, { answered: number; abandoned: number }>> | undefined
    >;
  } | null = null;
  const abandonCounts = () => {
    const at = deps.clock.now();
    const source = deps.abandonment;
    if (source === undefined) return Promise.resolve(undefined);
    if (abandonRead === null || abandonRead.at !== at) {
      abandonRead = {
        at,
        read: readOrWarn('the abandoned calls', () => source.allCampaigns(at)),
      };
    }
    return abandonRead.read;
  };
  const windowLabel = (window: AbandonWindow) => (window === 'last24h' ? '24h' : '30d');
  const abandonGauge = (
    name: string,
    help: string,
    value: (counts: { answered: number; abandoned: number }) => number | null,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['campaign', 'window'] as const,
      registers,
      async collect() {
        this.reset();
        const counts = await abandonCounts();
        for (const [campaign, windows] of counts ?? []) {
          for (const window of Object.keys(ABANDON_WINDOWS) as AbandonWindow[]) {
            const v = value(windows[window]);
            if (v !== null) this.set({ campaign, window: windowLabel(window) }, v);
          }
        }
      },
    });
  abandonGauge(
    'dialstate_answered_calls',
    'Calls a person answered per campaign over the rolling window (24h, 30d).',
    (counts) => counts.answered,
  );
  abandonGauge(
    'dialstate_abandoned_calls',
    'Calls a person answered that were abandoned (not attended within DIALSTATE_ABANDON_THRESHOLD_MS of the greeting, or not connected by our side), per campaign over the rolling window.',
    (counts) => counts.abandoned,
  );
  abandonGauge(
    'dialstate_abandoned_call_rate',
    'Abandoned of answered calls per campaign over the rolling window, as a ratio (0.03 is 3 %); absent while none was answered.',
    (counts) => {
      const rate = abandonRatePercent(counts);
      return rate === null ? null : rate / 100;
    },
  );

  const latencies = createAttemptLatencies();
  const unsubscribe = deps.runner.onTransition((transition) => {
    const observed = latencies.observe(transition);
    if (observed.eventFromAri) {
      eventLag.observe(Math.max(0, deps.clock.now() - transition.event.at) / SECONDS);
    }
    if (observed.originate) {
      originateLatency.observe(
        { until: observed.originate.until },
        observed.originate.ms / SECONDS,
      );
    }
    if (observed.amd)
      amdLatency.observe({ status: observed.amd.status }, observed.amd.ms / SECONDS);
    if (transition.outcome !== null) attempts.inc({ outcome: transition.outcome });
  });

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    stop: unsubscribe,
  };
}
