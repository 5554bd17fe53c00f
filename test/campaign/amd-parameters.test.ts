import { describe, expect, it } from 'vitest';
import {
  amdVerdictTimeoutMs,
  checkAmdParameters,
  DEFAULT_AMD_PARAMETERS,
  formatAmdOptions,
} from '../../src/campaign/amd-parameters.js';

describe('AMD parameters', () => {
  it('formats the nine positional AMD() arguments in Asterisk order', () => {
    expect(formatAmdOptions(DEFAULT_AMD_PARAMETERS)).toBe('2000,2000,1000,5000,100,50,10,256,5000');
  });

  it('allows the verdict the initial silence, the analysis time and a margin', () => {
    expect(amdVerdictTimeoutMs(DEFAULT_AMD_PARAMETERS)).toBe(2000 + 5000 + 10_000);
  });

  it('accepts the defaults and names each bad value', () => {
    expect(checkAmdParameters(DEFAULT_AMD_PARAMETERS)).toEqual([]);
    expect(
      checkAmdParameters({
        ...DEFAULT_AMD_PARAMETERS,
        greeting: -1,
        betweenWordsSilence: 2.5,
        silenceThreshold: 40_000,
      }),
    ).toEqual([
      'greeting must be a whole number ≥ 0 (got -1)',
      'betweenWordsSilence must be a whole number ≥ 0 (got 2.5)',
      'silenceThreshold must be at most 32767',
    ]);
  });
});
