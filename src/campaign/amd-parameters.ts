/**
 * The nine positional arguments of Asterisk's `AMD()` application, in their order.
 * All durations are in ms; `silenceThreshold` is an energy level (0–32767).
 */
export interface AmdParameters {
  initialSilence: number;
  greeting: number;
  afterGreetingSilence: number;
  totalAnalysisTime: number;
  minimumWordLength: number;
  betweenWordsSilence: number;
  maximumNumberOfWords: number;
  silenceThreshold: number;
  maximumWordLength: number;
}

export const AMD_PARAMETER_NAMES = [
  'initialSilence',
  'greeting',
  'afterGreetingSilence',
  'totalAnalysisTime',
  'minimumWordLength',
  'betweenWordsSilence',
  'maximumNumberOfWords',
  'silenceThreshold',
  'maximumWordLength',
] as const satisfies readonly (keyof AmdParameters)[];

/** dialstate's defaults: `2000,2000,1000,5000,100,50,10` plus Asterisk's own last two. */
export const DEFAULT_AMD_PARAMETERS: AmdParameters = {
  initialSilence: 2000,
  greeting: 2000,
  afterGreetingSilence: 1000,
  totalAnalysisTime: 5000,
  minimumWordLength: 100,
  betweenWordsSilence: 50,
  maximumNumberOfWords: 10,
  silenceThreshold: 256,
  maximumWordLength: 5000,
};

/**
 * How long the dialplan's AMD hop keeps a caller while dialstate's Stasis app is not
 * connected (a restart), unless the originate says otherwise (ms).
 */
export const DEFAULT_HOP_WAIT_MS = 15_000;

/** Time allowed beyond AMD's own analysis time for the verdict to come back (ms). */
const AMD_VERDICT_MARGIN_MS = 10_000;

/** The comma-joined argument string the dialplan passes to `AMD()`. */
export function formatAmdOptions(params: AmdParameters): string {
  return AMD_PARAMETER_NAMES.map((name) => String(params[name])).join(',');
}

/** How long an attempt waits for the AMD verdict before giving up (ms). */
export function amdVerdictTimeoutMs(params: AmdParameters): number {
  return params.initialSilence + params.totalAnalysisTime + AMD_VERDICT_MARGIN_MS;
}

/** Problems with a set of AMD parameters, empty when they are usable. */
export function checkAmdParameters(params: AmdParameters): string[] {
  const problems: string[] = [];
  for (const name of AMD_PARAMETER_NAMES) {
    const value = params[name];
    if (!Number.isInteger(value) || value < 0) {
      problems.push(`${name} must be a whole number ≥ 0 (got ${value})`);
    }
  }
  if (params.silenceThreshold > 32767) problems.push('silenceThreshold must be at most 32767');
  if (params.totalAnalysisTime < 500) problems.push('totalAnalysisTime must be at least 500 ms');
  return problems;
}
