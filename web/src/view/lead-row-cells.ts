import type { Lead } from '../api/api.js';
import { describeCallingZones } from './calling-zones.js';
import { formatDateTime, formatShortDateTime } from './format.js';
import { outcomeLabel } from './labels.js';

/** A leads-table row's text, formatted once per version of a lead. */
export interface LeadRowCells {
  outcome: string;
  amd: string;
  digits: string;
  /**
   * The last attempt's start in the campaign's zone, short (`11-24 09:05:03`); the title
   * has it in full, with the zones the lead is called in and why it waits, if it does.
   */
  time: string;
  timeTitle: string;
}

const cache = new WeakMap<Lead, { timeZone: string; cells: LeadRowCells }>();

/**
 * The formatted cells of `lead`'s row. Kept per lead object (a changed lead arrives as a
 * new object), so a row scrolled out and back in is not formatted again: date formatting
 * is the costliest part of building a row.
 */
export function leadRowCells(lead: Lead, timeZone: string): LeadRowCells {
  const hit = cache.get(lead);
  if (hit !== undefined && hit.timeZone === timeZone) return hit.cells;
  const last = lead.lastAttempt;
  const startedAt = last?.startedAt ?? null;
  const cells: LeadRowCells = {
    outcome: outcomeLabel(lead.lastOutcome),
    amd: last?.amdStatus ?? '—',
    digits: last?.digits || '—',
    time: formatShortDateTime(startedAt, timeZone),
    timeTitle: [
      formatDateTime(startedAt, timeZone),
      `called in ${describeCallingZones(lead, timeZone)}`,
      ...(lead.state === 'pending' && lead.waitReason !== null
        ? [`waits: ${lead.waitReason}`]
        : []),
    ].join(' · '),
  };
  cache.set(lead, { timeZone, cells });
  return cells;
}
