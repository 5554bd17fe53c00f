import { describe, expect, it } from 'vitest';
import { formatEnUsNumber } from '../../src/cli/en-us-number.js';

// The reference is ICU itself: formatEnUsNumber must write what toLocaleString('en-US') does.
const expectAsIcu = (value: number) =>
  expect(formatEnUsNumber(value), String(value)).toBe(value.toLocaleString('en-US'));

/** A deterministic stream of doubles (xorshift), so that a failure can be replayed. */
function* doubles(count: number): Generator<number> {
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  for (let i = 0; i < count; i += 1) {
    const magnitude = Math.floor(next() * 40) - 12;
    const value = next() * 10 ** magnitude;
    yield next() < 0.2 ? -value : value;
  }
}

describe('formatEnUsNumber', () => {
  it('groups whole numbers as en-US does', () => {
    for (const value of [0, 1, 12, 999, 1000, 12_345, 999_999, 1_000_000, 981_514, 2 ** 53, 1e21])
      expectAsIcu(value);
    expect(formatEnUsNumber(1_234_567)).toBe('1,234,567');
  });

  it('keeps at most three decimals, rounding the shortest decimal half away from zero', () => {
    for (const value of [18.0175, 1.0005, 1.0045, 0.0005, 0.00049, 999.9995, 4.338, 0.1 + 0.2])
      expectAsIcu(value);
    expect(formatEnUsNumber(1.0005)).toBe('1.001');
    expect(formatEnUsNumber(999.9995)).toBe('1,000');
  });

  it('writes signs, zeros and non-finite numbers as en-US does', () => {
    for (const value of [-0, -0.0001, -0.0005, -1234.5678, Number.NaN, Infinity, -Infinity])
      expectAsIcu(value);
    for (const value of [5e-324, 2.5e-7, Number.MAX_VALUE, 1.5e300]) expectAsIcu(value);
  });

  it('agrees with toLocaleString over 20,000 doubles of every magnitude', () => {
    for (const value of doubles(20_000)) expectAsIcu(value);
  });
});
