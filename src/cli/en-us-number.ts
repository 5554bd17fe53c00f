/**
 * A number written as `value.toLocaleString('en-US')` writes it — thousands grouped with
 * commas, at most three decimals rounded half away from zero, `-0`, `NaN`, `∞` — without
 * ICU. A process's first `Intl` number or date format loads ICU's locale data, ~8 MB of
 * peak RSS, more than anything else a small `dialstate import` does; the commands print
 * their counts with this instead (test/cli/en-us-number.test.ts checks it against
 * `toLocaleString` itself).
 *
 * Like ICU, it rounds the shortest decimal that reads back as the number (what
 * `toExponential()` spells), not the binary value's exact expansion: 1.0005 is 1.001.
 */
const MAX_FRACTION_DIGITS = 3;

export function formatEnUsNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (!Number.isFinite(value)) return `${sign}∞`;
  const [mantissa = '0', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  // The significant digits, and where the decimal point falls among them.
  const digits = mantissa.replace('.', '');
  const pointAt = Number(exponentText) + 1;
  const [whole, fraction] = roundFraction(digits, pointAt);
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${sign}${grouped}${fraction === '' ? '' : `.${fraction}`}`;
}

/**
 * The whole and fractional digits of `0.digits × 10^pointAt`, the fraction rounded half
 * up to at most three digits and stripped of trailing zeros.
 */
function roundFraction(digits: string, pointAt: number): [string, string] {
  // Zeros on either side so that the point falls inside the string, with the three
  // fraction digits and the one that decides the rounding all present.
  const lead = pointAt < 1 ? 1 - pointAt : 0;
  const padded = `${'0'.repeat(lead)}${digits}`;
  const point = pointAt + lead;
  const kept = padded
    .padEnd(point + MAX_FRACTION_DIGITS + 1, '0')
    .slice(0, point + MAX_FRACTION_DIGITS + 1);
  let scaled = BigInt(kept.slice(0, -1));
  if (Number(kept.at(-1)) >= 5) scaled += 1n;
  const text = scaled.toString().padStart(MAX_FRACTION_DIGITS + 1, '0');
  const whole = text.slice(0, -MAX_FRACTION_DIGITS);
  const fraction = text.slice(-MAX_FRACTION_DIGITS).replace(/0+$/, '');
  return [whole, fraction];
}
