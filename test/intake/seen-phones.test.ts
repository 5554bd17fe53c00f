import { describe, expect, it } from 'vitest';
import { createSeenPhones } from '../../src/intake/seen-phones.js';

describe('seen phones', () => {
  it('returns the first row of a number seen again, across growth of the table', () => {
    const seen = createSeenPhones();
    const COUNT = 200_000;
    let fresh = 0;
    for (let n = 0; n < COUNT; n++) {
      if (seen.firstRowOf(`+1415${2_000_000 + n}`, n + 1) === null) fresh += 1;
    }
    expect(fresh).toBe(COUNT);
    expect(seen.size).toBe(COUNT);
    for (const n of [0, 1, 65_535, 131_071, COUNT - 1]) {
      expect(seen.firstRowOf(`+1415${2_000_000 + n}`, COUNT + 1)).toBe(n + 1);
    }
    expect(seen.size).toBe(COUNT);
  });

  it('keeps extensions apart from public numbers, leading zeros included', () => {
    const seen = createSeenPhones();
    expect(seen.firstRowOf('042', 1)).toBeNull();
    expect(seen.firstRowOf('42', 2)).toBeNull();
    expect(seen.firstRowOf('+42', 3)).toBeNull();
    expect(seen.firstRowOf('042', 4)).toBe(1);
    expect(seen.firstRowOf('+42', 5)).toBe(3);
    // Longer than 15 digits: no longer exact as a double, so kept as text.
    expect(seen.firstRowOf('+1234567890123456', 6)).toBeNull();
    expect(seen.firstRowOf('+1234567890123457', 7)).toBeNull();
    expect(seen.size).toBe(5);
  });
});
