import {
  type CountryCode,
  isSupportedCountry,
  ParseError,
  type PhoneNumber,
  parsePhoneNumberWithError,
} from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/min/metadata';
import { createPhoneFastPath } from './phone-fast-path.js';

/** How the numbers of one campaign (or one do-not-call list) are read. */
export interface PhoneRules {
  /**
   * ISO 3166 alpha-2 region of numbers written without a country code, e.g. `US`;
   * null when every number must carry its `+<country code>`.
   */
  defaultRegion: string | null;
  /** Whether a short internal extension (2 to 6 digits) is a valid number. */
  allowExtensions: boolean;
}

/** A phone number as dialstate stores it, or why it is not one. */
export type NormalizedPhone =
  | {
      ok: true;
      /** E.164 (`+14155550100`) for a public number, the digits for an extension. */
      phone: string;
      kind: 'public' | 'extension';
    }
  | { ok: false; reason: string };

/** Reads one phone number as written in a spreadsheet cell. */
export type PhoneNormalizer = (text: string) => NormalizedPhone;

/** An internal extension: a few digits and nothing else. */
const EXTENSION = /^\d{2,6}$/;
/** More than any phone number written with separators; libphonenumber-js stops at 250. */
const MAX_PHONE_TEXT = 64;

/** Whether `region` is an ISO 3166 alpha-2 code libphonenumber-js knows numbers of. */
export function isKnownPhoneRegion(region: string): region is CountryCode {
  return isSupportedCountry(region as CountryCode, metadata);
}

/**
 * Creates the normaliser for `rules`: public numbers become E.164, extensions (when
 * allowed) their digits, and anything else a reason fit for an operator's eyes.
 * Most numbers take a fast path that gives libphonenumber-js's answer without its cost
 * (see phone-fast-path.ts); the rest, invalid ones included, go to libphonenumber-js.
 *
 * @throws Error when `rules.defaultRegion` is not a known region (a campaign setting
 * problem, not a row problem).
 */
export function createPhoneNormalizer(rules: PhoneRules): PhoneNormalizer {
  const { defaultRegion, allowExtensions } = rules;
  if (defaultRegion !== null && !isKnownPhoneRegion(defaultRegion)) {
    throw new Error(`"${defaultRegion}" is not a known ISO 3166 region for phone numbers`);
  }
  const fastPath = createPhoneFastPath(defaultRegion ?? '');
  return (raw) => {
    const text = raw.trim();
    if (text === '') return { ok: false, reason: 'no phone number' };
    if (text.length > MAX_PHONE_TEXT) return { ok: false, reason: 'too long for a phone number' };
    if (EXTENSION.test(text)) {
      return allowExtensions
        ? { ok: true, phone: text, kind: 'extension' }
        : {
            ok: false,
            reason: 'an internal extension, and this campaign dials public numbers only',
          };
    }
    const fast = fastPath(text);
    if (fast !== undefined) return { ok: true, phone: fast, kind: 'public' };
    return parseSlowly(text, defaultRegion);
  };
}

function parseSlowly(text: string, defaultRegion: string | null): NormalizedPhone {
  let parsed: PhoneNumber;
  try {
    parsed = parsePhoneNumberWithError(
      text,
      // Not `extract`: a cell holding a sentence with a number in it is not a number.
      { defaultCountry: (defaultRegion ?? undefined) as CountryCode | undefined, extract: false },
      metadata,
    );
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, reason: parseErrorReason(error.message) };
    throw error;
  }
  const where = parsed.country ?? `+${parsed.countryCallingCode}`;
  if (parsed.ext !== undefined) {
    return { ok: false, reason: `has an extension (${parsed.ext}), which cannot be dialed` };
  }
  if (!parsed.isPossible()) {
    return { ok: false, reason: `wrong number of digits for a ${where} number` };
  }
  if (!parsed.isValid()) return { ok: false, reason: `not a valid ${where} number` };
  return { ok: true, phone: parsed.number, kind: 'public' };
}

function parseErrorReason(code: string): string {
  switch (code) {
    case 'INVALID_COUNTRY':
      return 'no valid country code (write it as +<country code> <number>)';
    case 'TOO_SHORT':
      return 'too short for a phone number';
    case 'TOO_LONG':
      return 'too long for a phone number';
    default:
      return 'not a phone number';
  }
}
