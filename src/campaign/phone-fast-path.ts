import type { CountryCode } from 'libphonenumber-js/core';
import { Metadata } from 'libphonenumber-js/core';
import metadataJson from 'libphonenumber-js/min/metadata';

/**
 * A fast path for reading phone numbers in the two shapes spreadsheets hold most often:
 * `+<country code><number>` and a national number of the campaign's region, both with
 * any of the separators ` -./()`. It gives the same E.164 number libphonenumber-js
 * would, or nothing, in which case the caller asks libphonenumber-js itself.
 *
 * Why: libphonenumber-js builds its validation regular expressions again for every
 * number (`new RegExp` on patterns of up to a few kB), which costs about 9 µs a number
 * on a small server — 9 s for a million-row import. This module replays the same
 * decisions with the same metadata (the `min` set) and patterns compiled once:
 * international calling code, international dialling prefix, national prefix,
 * region by leading digits or number type, and validity. Wherever libphonenumber-js
 * takes a branch this module does not replay (carrier codes, national prefix
 * transform rules, numbers written with the IDD prefix or the calling code without
 * `+`, non-geographic calling codes, anything but an accepted valid number), it
 * answers nothing. `test/campaign/phone-fast-path.test.ts` checks it against
 * libphonenumber-js over generated numbers of every region.
 */

/** Separators libphonenumber-js ignores between digits; other characters go the slow way. */
const SEPARATORS = /[ \-./()]/g;
const PLUS_AND_DIGITS = /^\+?\d+$/;
/** libphonenumber-js's bounds on a national significant number (constants.js). */
const MIN_NSN_LENGTH = 2;
const MAX_NSN_LENGTH = 17;
const MAX_CALLING_CODE_LENGTH = 3;
/** Checked in this order by libphonenumber-js's `getNumberType` (fixed line first). */
const NUMBER_TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;

/** The parts of libphonenumber-js's runtime `Metadata` API this module reads. */
interface NumberingPlanReader {
  callingCode(): string;
  IDDPrefix(): string;
  nationalNumberPattern(): string;
  possibleLengths(): number[] | undefined;
  nationalPrefixForParsing(): string | undefined;
  nationalPrefixTransformRule(): string | undefined;
  leadingDigits(): string | undefined;
  hasTypes(): boolean;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}
interface MetadataReader {
  selectNumberingPlan(country: string): void;
  numberingPlan: NumberingPlanReader;
  hasCountry(country: string): boolean;
  hasCallingCode(callingCode: string): boolean;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
}

/** One region's numbering plan, its patterns compiled once. */
interface Plan {
  callingCode: string;
  /** Matches the international dialling prefix at the start of a number. */
  idd: RegExp;
  /** The whole national number pattern. */
  national: RegExp;
  possibleLengths: number[] | undefined;
  /** Matches the national prefix (for parsing) at the start; null when the region has none. */
  nationalPrefix: RegExp | null;
  hasTransformRule: boolean;
  leadingDigits: RegExp | null;
  hasTypes: boolean;
  types: { pattern: RegExp; lengths: number[] | undefined }[];
}

const reader = new Metadata(metadataJson) as unknown as MetadataReader;
const plans = new Map<string, Plan>();

function whole(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

function planOf(country: string): Plan {
  let plan = plans.get(country);
  if (plan === undefined) {
    reader.selectNumberingPlan(country);
    const p = reader.numberingPlan;
    const prefix = p.nationalPrefixForParsing();
    const leading = p.leadingDigits();
    plan = {
      callingCode: p.callingCode(),
      idd: new RegExp(`^(?:${p.IDDPrefix()})`),
      national: whole(p.nationalNumberPattern()),
      possibleLengths: p.possibleLengths(),
      nationalPrefix: prefix ? new RegExp(`^(?:${prefix})`) : null,
      hasTransformRule: Boolean(p.nationalPrefixTransformRule()),
      // `String.prototype.search` semantics: the first match must start at 0.
      leadingDigits: leading ? new RegExp(`^(?:${leading})`) : null,
      hasTypes: p.hasTypes(),
      types: NUMBER_TYPES.flatMap((name) => {
        const type = p.type(name);
        const pattern = type?.pattern();
        return type && pattern
          ? [{ pattern: whole(pattern), lengths: type.possibleLengths() }]
          : [];
      }),
    };
    plans.set(country, plan);
  }
  return plan;
}

/** libphonenumber-js's `getNumberType(...) !== undefined`. */
function hasNumberType(nsn: string, plan: Plan): boolean {
  if (!plan.national.test(nsn)) return false;
  return plan.types.some(
    (type) => (!type.lengths || type.lengths.includes(nsn.length)) && type.pattern.test(nsn),
  );
}

/** libphonenumber-js's `getCountryByCallingCode`. */
function regionOf(callingCode: string, nsn: string): string | undefined {
  const regions = reader.getCountryCodesForCallingCode(callingCode);
  if (!regions) return undefined;
  if (regions.length === 1) return regions[0];
  return regions.find((region) => {
    const plan = planOf(region);
    return plan.leadingDigits ? plan.leadingDigits.test(nsn) : hasNumberType(nsn, plan);
  });
}

/** libphonenumber-js's `isValid()` of a parsed number. */
function isValidIn(nsn: string, plan: Plan): boolean {
  return plan.hasTypes ? hasNumberType(nsn, plan) : plan.national.test(nsn);
}

/** libphonenumber-js's `checkNumberLength` is neither TOO_SHORT nor INVALID_LENGTH. */
function isPossibleLength(nsn: string, plan: Plan): boolean {
  const lengths = plan.possibleLengths;
  if (!lengths) return true;
  const min = lengths[0] ?? 0;
  const max = lengths.at(-1) ?? 0;
  // TOO_LONG counts as possible here, as it does in libphonenumber-js.
  return (
    nsn.length === min || (nsn.length > min && (nsn.length > max || lengths.includes(nsn.length)))
  );
}

/** The E.164 number of a valid national significant number, or undefined if not valid. */
function e164Of(callingCode: string, nsn: string, fallbackRegion: string): string | undefined {
  if (nsn.length < MIN_NSN_LENGTH || nsn.length > MAX_NSN_LENGTH) return undefined;
  const region = regionOf(callingCode, nsn) ?? fallbackRegion;
  return isValidIn(nsn, planOf(region)) ? `+${callingCode}${nsn}` : undefined;
}

function fromInternational(digits: string): string | undefined {
  if (digits.startsWith('0')) return undefined;
  for (let length = 1; length <= MAX_CALLING_CODE_LENGTH && length < digits.length; length++) {
    const callingCode = digits.slice(0, length);
    if (!reader.hasCallingCode(callingCode)) continue;
    // A non-geographic calling code (800, 808, 870…) has no region to replay.
    const main = reader.getCountryCodesForCallingCode(callingCode)?.[0];
    if (main === undefined) return undefined;
    const nsn = digits.slice(length);
    // A national prefix after the calling code would be stripped (or transformed).
    const prefix = planOf(main).nationalPrefix?.exec(nsn);
    if (prefix && prefix[0] !== '') return undefined;
    return e164Of(callingCode, nsn, main);
  }
  return undefined;
}

function fromNational(digits: string, region: string): string | undefined {
  const plan = planOf(region);
  if (plan.idd.test(digits) || digits.startsWith(plan.callingCode)) return undefined;
  let nsn = digits;
  const prefix = plan.nationalPrefix?.exec(digits);
  if (prefix && prefix[0] !== '') {
    // Captured groups are carrier codes or transform inputs: not replayed here.
    if (plan.hasTransformRule || prefix.length > 1) return undefined;
    const stripped = digits.slice(prefix[0].length);
    const keep = plan.national.test(digits) && !plan.national.test(stripped);
    if (!keep) {
      const strippedRegion = regionOf(plan.callingCode, stripped);
      const lengthPlan = strippedRegion === undefined ? plan : planOf(strippedRegion);
      if (!plan.possibleLengths || isPossibleLength(stripped, lengthPlan)) nsn = stripped;
    }
  }
  return e164Of(plan.callingCode, nsn, region);
}

/** Reads numbers for one default region; `undefined` means "ask libphonenumber-js". */
export type PhoneFastPath = (text: string) => string | undefined;

/**
 * The fast path for numbers of `defaultRegion` (ISO 3166 alpha-2; any other string
 * leaves only `+` numbers to it), read from trimmed text. Returns the E.164
 * number when the text is a valid number in one of the shapes it replays, else
 * `undefined` — never a different answer from libphonenumber-js's.
 */
export function createPhoneFastPath(defaultRegion: string): PhoneFastPath {
  const region = reader.hasCountry(defaultRegion) ? (defaultRegion as CountryCode) : null;
  return (text) => {
    const compact = text.replace(SEPARATORS, '');
    if (!PLUS_AND_DIGITS.test(compact)) return undefined;
    if (compact.startsWith('+')) {
      // libphonenumber-js (without `extract`) takes a `+` only as the first character.
      return text.startsWith('+') ? fromInternational(compact.slice(1)) : undefined;
    }
    return region === null ? undefined : fromNational(compact, region);
  };
}
