import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from '../../src/campaign/retry-policy.js';
import { retryPolicyFromColumn } from '../../src/store/retry-policy-column.js';

describe('retry policy column', () => {
  it('parses each distinct text once and shares the frozen policy', () => {
    const text = JSON.stringify(DEFAULT_RETRY_POLICY);
    const first = retryPolicyFromColumn(text);
    expect(first).toEqual(DEFAULT_RETRY_POLICY);
    expect(retryPolicyFromColumn(text)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.retryAfterMinutes)).toBe(true);
  });

  it('gives an edited policy its own object', () => {
    const before = retryPolicyFromColumn(
      JSON.stringify({ ...DEFAULT_RETRY_POLICY, maxAttempts: 4 }),
    );
    const after = retryPolicyFromColumn(
      JSON.stringify({ ...DEFAULT_RETRY_POLICY, maxAttempts: 5 }),
    );
    expect(before.maxAttempts).toBe(4);
    expect(after.maxAttempts).toBe(5);
  });

  it('still parses right past the bound of texts it keeps', () => {
    for (let n = 1; n <= 200; n += 1) {
      const policy = retryPolicyFromColumn(
        JSON.stringify({ maxAttempts: n, retryAfterMinutes: { busy: n } }),
      );
      expect(policy).toEqual({ maxAttempts: n, retryAfterMinutes: { busy: n } });
    }
  });
});
