import type { AmdStatus, SimScenario } from './sim-scenarios.js';

/**
 * amd.conf's defaults in Asterisk 22, in `AMD()`'s argument order: what `AMD()` uses for
 * an argument left empty. The scenarios' verdict times were measured with these.
 */
const AMD_CONF_DEFAULTS = [2500, 1500, 800, 5000, 100, 50, 2, 256, 5000] as const;

/** The parameters `AMD()` ran with, by name (ms, except the word count and threshold). */
interface AmdRun {
  initialSilence: number;
  greeting: number;
  afterGreetingSilence: number;
  totalAnalysisTime: number;
  maximumNumberOfWords: number;
}

/** `AMD(<options>)`'s comma-separated arguments; empty or unparsable ones take amd.conf's. */
function parseAmdOptions(options: string): AmdRun {
  const given = options.split(',');
  const value = (index: number) => {
    const parsed = Number.parseInt(given[index] ?? '', 10);
    return Number.isFinite(parsed) && parsed >= 0 ? parsed : (AMD_CONF_DEFAULTS[index] as number);
  };
  return {
    initialSilence: value(0),
    greeting: value(1),
    afterGreetingSilence: value(2),
    totalAnalysisTime: value(3),
    maximumNumberOfWords: value(6),
  };
}

/** What `AMD()` sets and when, for one call. */
export interface AmdVerdict {
  status: AmdStatus;
  /** AMDCAUSE, e.g. `HUMAN-1000-1000`. */
  cause: string;
  /** Scenario ms from the start of `AMD()` to its verdict. */
  afterMs: number;
}

/**
 * The verdict a scenario's far end gets from `AMD()` run with `options` (the hop's
 * `DIALSTATE_AMD_OPTS`). As in app_amd, the numbers of AMDCAUSE come from the parameters:
 * `HUMAN-<silence>-<afterGreetingSilence>` once the silence after the greeting reaches
 * that parameter, `INITIALSILENCE-<n>-<initialSilence>`, `TOOLONG-<totalAnalysisTime>`,
 * `MAXWORDS-<words>-<maximumNumberOfWords>`; a verdict that waits for a silence or a
 * limit moves with it. (The silence measured is a multiple of the 20 ms frames, so a
 * real Asterisk may report a few ms more; the simulator reports the threshold.)
 */
export function amdVerdictFor(scenario: SimScenario, options: string): AmdVerdict {
  const run = parseAmdOptions(options);
  const defaults = parseAmdOptions('');
  const { status, afterMs } = scenario.amd;
  const kind = scenario.amd.cause.split('-')[0] ?? '';
  switch (kind) {
    case 'HUMAN':
      return {
        status,
        cause: `HUMAN-${run.afterGreetingSilence}-${run.afterGreetingSilence}`,
        afterMs: afterMs + run.afterGreetingSilence - defaults.afterGreetingSilence,
      };
    case 'INITIALSILENCE':
      return {
        status,
        cause: `INITIALSILENCE-${run.initialSilence}-${run.initialSilence}`,
        afterMs: afterMs + run.initialSilence - defaults.initialSilence,
      };
    case 'TOOLONG':
      return {
        status,
        cause: `TOOLONG-${run.totalAnalysisTime}`,
        afterMs: afterMs + run.totalAnalysisTime - defaults.totalAnalysisTime,
      };
    case 'MAXWORDS':
      return {
        status,
        cause: `MAXWORDS-${run.maximumNumberOfWords + 1}-${run.maximumNumberOfWords}`,
        afterMs,
      };
    case 'LONGGREETING':
      return { status, cause: `LONGGREETING-${run.greeting}-${run.greeting}`, afterMs };
    default:
      return { status, cause: scenario.amd.cause, afterMs };
  }
}
