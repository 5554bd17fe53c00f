import { IANAZone } from 'luxon';
import { type BlackoutDate, blackoutAt, endOfBlackout } from './blackout-dates.js';
import {
  type CallingWindowClosedReason,
  type CallingWindowSettings,
  checkCallingWindow,
  nextWindowOpening,
} from './calling-window.js';

/**
 * Whether a lead may be called now, in callee-local time: the campaign's daily window
 * and the blackout dates, in every time zone the lead may be in.
 *
 * The zones are the lead's own time zone when it has one; else those of its number
 * (country, and area code for NANP numbers, derived when the lead was added); else the
 * campaign's. A number that maps to several zones (an area code across a zone line, a
 * country with several) is called only while the window is open and the day is not
 * blacked out in all of them: it fails closed.
 */

/** Where the zones a lead is called in come from. */
export type CallingZoneSource = 'lead' | 'number' | 'campaign';

export function callingZonesOf(
  campaign: { timezone: string },
  lead: { timezone: string | null; phoneZones: readonly string[] },
): { zones: readonly string[]; source: CallingZoneSource } {
  if (lead.timezone !== null) return { zones: [lead.timezone], source: 'lead' };
  if (lead.phoneZones.length > 0) return { zones: lead.phoneZones, source: 'number' };
  return { zones: [campaign.timezone], source: 'campaign' };
}

export type LeadWindowClosedReason = CallingWindowClosedReason | 'blackout';

export type LeadWindowCheck =
  | { open: true }
  | { open: false; reason: LeadWindowClosedReason; detail: string; opensAt: number | null };

/** Rounds of looking for an instant open in every zone before giving up (fail closed). */
const COMMON_OPENING_ROUNDS = 8;
/** Windows stepped over while looking past blackout days in one zone. */
const BLACKOUT_STEPS = 64;

/**
 * Whether a lead in `zones` may be called at `at` (epoch ms), with `blackouts` (the
 * campaign's and the server's together). Closed: the reason of the first zone that is
 * closed, and the first instant open in all of them (null when none is found).
 */
export function checkLeadWindow(
  settings: CallingWindowSettings,
  blackouts: readonly BlackoutDate[],
  at: number,
  zones: readonly string[],
): LeadWindowCheck {
  const checks = zones.map((zone) => checkZone(settings, blackouts, at, zone));
  const closed = checks.filter((check) => !check.open);
  const [first] = closed;
  if (first === undefined) return { open: true };
  if (zones.length === 1 || first.reason === 'invalid' || first.reason === 'afterEnd') {
    return first;
  }
  return {
    ...first,
    detail: `${first.detail} (the number may ring in ${zones.join(', ')}: called only while all are open)`,
    opensAt: commonOpening(settings, blackouts, zones, closed),
  };
}

type Closed = Extract<LeadWindowCheck, { open: false }>;

/** The first instant at which every zone is open, searching from the latest opening. */
function commonOpening(
  settings: CallingWindowSettings,
  blackouts: readonly BlackoutDate[],
  zones: readonly string[],
  closed: readonly Closed[],
): number | null {
  let candidate = latestOpening(closed);
  for (let round = 0; round < COMMON_OPENING_ROUNDS && candidate !== null; round += 1) {
    const at = candidate;
    const still = zones
      .map((zone) => checkZone(settings, blackouts, at, zone))
      .filter((check): check is Closed => !check.open);
    if (still.length === 0) return at;
    candidate = latestOpening(still);
  }
  return null;
}

function latestOpening(closed: readonly Closed[]): number | null {
  let latest = Number.NEGATIVE_INFINITY;
  for (const check of closed) {
    if (check.opensAt === null) return null;
    latest = Math.max(latest, check.opensAt);
  }
  return latest;
}

function checkZone(
  settings: CallingWindowSettings,
  blackouts: readonly BlackoutDate[],
  at: number,
  zoneName: string,
): LeadWindowCheck {
  // The campaign's own zone as such: a bad one is reported once, as the campaign's.
  const window = checkCallingWindow(settings, at, zoneName === settings.timezone ? null : zoneName);
  if (!window.open) {
    if (window.opensAt === null || blackouts.length === 0) return window;
    const zone = IANAZone.create(zoneName);
    return { ...window, opensAt: freeOpening(settings, blackouts, zone, window.opensAt) };
  }
  if (blackouts.length === 0) return window;
  const zone = IANAZone.create(zoneName);
  const entry = blackoutAt(blackouts, zone, at);
  if (entry === undefined) return window;
  const days = entry.from === entry.to ? entry.from : `${entry.from} to ${entry.to}`;
  return {
    open: false,
    reason: 'blackout',
    detail: `${days}${entry.name === null ? '' : ` (${entry.name})`} is a blackout date in ${zoneName}`,
    opensAt: freeOpening(settings, blackouts, zone, at),
  };
}

/** The first window opening at or after `from` that is not on a blackout day in `zone`. */
function freeOpening(
  settings: CallingWindowSettings,
  blackouts: readonly BlackoutDate[],
  zone: IANAZone,
  from: number,
): number | null {
  let at = from;
  for (let step = 0; step < BLACKOUT_STEPS; step += 1) {
    if (blackoutAt(blackouts, zone, at) === undefined) return at;
    const next = nextWindowOpening(settings, endOfBlackout(blackouts, zone, at), zone.name);
    if (next === null) return null;
    at = next;
  }
  return null;
}
