import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChannelIds } from '../../src/ari/channel-ids.js';

/** The repository's root (the folder with package.json). */
const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

/** The ARI traces recorded from a real Asterisk 22.10.1 (see the README beside them). */
export const TRACES_DIR = resolve(REPO_ROOT, '../shared/asterisk-ari/traces');

/** The ARI app the recorder dialled from; `ai-agent` was the hand-off target. */
export const TRACE_DIALER_APP = 'trace-dialer';

/** One line of a trace: a websocket frame, a REST request or its response. */
export interface TraceLine {
  dir: 'event' | 'request' | 'response';
  /** Milliseconds since the scenario started. */
  t_ms: number;
  app: string;
  id?: number;
  msg: Record<string, unknown>;
}

/** Scenario names of every trace file, sorted (`busy`, `checks`, …). */
export function listTraces(): string[] {
  return readdirSync(TRACES_DIR)
    .filter((file) => file.endsWith('.jsonl'))
    .map((file) => file.slice(0, -'.jsonl'.length))
    .sort();
}

/** Every line of one trace, in the order the recorder saw them. */
export function loadTrace(scenario: string): TraceLine[] {
  return readFileSync(resolve(TRACES_DIR, `${scenario}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TraceLine);
}

/** The attempt id (= channel id) the recorder used for a scenario. */
export function traceAttemptId(scenario: string): string {
  return `trace-${scenario}-1`;
}

/**
 * The recorder's id scheme: `attemptId = channelId = trace-<scenario>-1`, far end
 * `…;2` (README, "How each call was driven").
 */
export const traceChannelIds: ChannelIds = {
  attemptIdOf: (channelId) =>
    channelId.startsWith('trace-') ? channelId.replace(/;2$/, '') : null,
  isFarEnd: (channelId) => channelId.endsWith(';2'),
};

/** One trace event as the dialer's own app received it, with its receive offset. */
export interface DialerTraceEvent {
  t_ms: number;
  msg: Record<string, unknown>;
}

/**
 * The websocket frames the dialer's app received, in order. The hand-off target's
 * socket (`ai-agent`) is left out: the gateway subscribes to its own app only.
 */
export function dialerEventsOf(scenario: string): DialerTraceEvent[] {
  return loadTrace(scenario)
    .filter((line) => line.dir === 'event' && line.app === TRACE_DIALER_APP)
    .map(({ t_ms, msg }) => ({ t_ms, msg }));
}
