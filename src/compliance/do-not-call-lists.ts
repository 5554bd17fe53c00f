import type { Clock } from '../calls/ports.js';
import { createPhoneNormalizer, type PhoneNormalizer } from '../campaign/phone-number.js';
import {
  type CsvLimits,
  DEFAULT_CSV_LIMITS,
  readCsv,
  rowShapeProblem,
} from '../intake/csv-reader.js';
import { planLeadColumns } from '../intake/lead-columns.js';
import type { DncListing, DncListStore } from '../intake/lead-intake-ports.js';
import { createSeenPhones } from '../intake/seen-phones.js';

/** Which list: the global one (`campaignId: null`) or a campaign's. */
export interface DncScope {
  campaignId: string | null;
  /**
   * Region of numbers written without a country code; defaults to the campaign's. The
   * global list has none unless given: its numbers must then carry their `+` code.
   */
  region?: string | null;
}

type ScopeProblem =
  | { ok: false; reason: 'campaignNotFound' }
  | { ok: false; reason: 'invalidRegion'; message: string };

export type DncChangeResult =
  | { ok: true; phone: string; changed: boolean }
  | ScopeProblem
  | { ok: false; reason: 'invalidPhone'; message: string };

/** A rejected row of a do-not-call CSV. */
export interface DncImportIssue {
  rowNumber: number;
  value: string | null;
  reason: string;
}

export interface DncImportReport {
  status: 'completed' | 'failed';
  /** Why the file was refused; nothing of a failed import is added. */
  error: string | null;
  counts: {
    totalRows: number;
    added: number;
    /** On the list already. */
    alreadyListed: number;
    /** The number came earlier in the file. */
    duplicates: number;
    rejected: number;
  };
  /** Every rejected row, up to `MAX_DNC_ISSUES`. */
  issues: DncImportIssue[];
}

export type DncImportResult = { ok: true; report: DncImportReport } | ScopeProblem;

/** Rejected rows a DNC import report lists; they are counted beyond that. */
export const MAX_DNC_ISSUES = 10_000;

type Deps = { store: DncListStore; clock: Pick<Clock, 'now'> };

/** The normaliser of a list's numbers; extensions are always accepted (blocking one is harmless). */
async function normalizerFor(
  store: DncListStore,
  scope: DncScope,
): Promise<PhoneNormalizer | ScopeProblem> {
  let region = scope.region ?? null;
  if (scope.campaignId !== null) {
    const campaign = await store.getCampaign(scope.campaignId);
    if (!campaign) return { ok: false, reason: 'campaignNotFound' };
    region ??= campaign.defaultRegion;
  }
  try {
    return createPhoneNormalizer({ defaultRegion: region, allowExtensions: true });
  } catch (error) {
    return { ok: false, reason: 'invalidRegion', message: String(error) };
  }
}

/** Puts one number on a do-not-call list, normalised like lead numbers; `changed` is false if it was there. */
export async function addToDnc(
  deps: Deps,
  scope: DncScope,
  phone: string,
  reason: string | null = null,
): Promise<DncChangeResult> {
  const normalize = await normalizerFor(deps.store, scope);
  if (typeof normalize !== 'function') return normalize;
  const number = normalize(phone);
  if (!number.ok) return { ok: false, reason: 'invalidPhone', message: number.reason };
  const changed = await deps.store.add({
    campaignId: scope.campaignId,
    phone: number.phone,
    reason: reason?.trim() || null,
    createdAt: deps.clock.now(),
  });
  return { ok: true, phone: number.phone, changed };
}

/** Takes one number off a do-not-call list, however it is written; `changed` is false if it was not on it. */
export async function removeFromDnc(
  deps: Deps,
  scope: DncScope,
  phone: string,
): Promise<DncChangeResult> {
  const normalize = await normalizerFor(deps.store, scope);
  if (typeof normalize !== 'function') return normalize;
  const number = normalize(phone);
  if (!number.ok) return { ok: false, reason: 'invalidPhone', message: number.reason };
  return {
    ok: true,
    phone: number.phone,
    changed: await deps.store.remove(number.phone, scope.campaignId),
  };
}

/**
 * Adds the numbers of a CSV file to a do-not-call list: a phone column (same names as
 * for leads) and optionally a `reason` column (else `defaultReason`); other columns are
 * ignored. All the valid numbers are added, or — if the file turns out unreadable — none.
 */
export async function importDnc(
  deps: Deps,
  scope: DncScope,
  source: AsyncIterable<Uint8Array | string>,
  options: { defaultReason?: string | null; limits?: Partial<CsvLimits> } = {},
): Promise<DncImportResult> {
  const normalize = await normalizerFor(deps.store, scope);
  if (typeof normalize !== 'function') return normalize;
  const limits: CsvLimits = { ...DEFAULT_CSV_LIMITS, ...options.limits };
  const counts = { totalRows: 0, added: 0, alreadyListed: 0, duplicates: 0, rejected: 0 };
  const issues: DncImportIssue[] = [];
  const reject = (rowNumber: number, value: string | null, reason: string) => {
    counts.rejected += 1;
    if (issues.length < MAX_DNC_ISSUES) issues.push({ rowNumber, value, reason });
  };
  const seen = createSeenPhones();
  const run = await deps.store.beginImport(scope.campaignId);
  const failed = async (error: string): Promise<DncImportResult> => {
    await run.discard();
    return { ok: true, report: { status: 'failed', error, counts, issues } };
  };

  try {
    let header: readonly string[] = [];
    let phoneAt = -1;
    let reasonAt = -1;
    let staged = 0;
    for await (const event of readCsv(source, limits)) {
      if (event.kind === 'invalid') return await failed(event.reason);
      if (event.kind === 'header') {
        const plan = planLeadColumns(event.fields);
        if (!plan.ok) return await failed(plan.reason);
        header = event.fields;
        phoneAt = plan.columns.findIndex((c) => c.kind === 'field' && c.field === 'phone');
        reasonAt = plan.columns.findIndex((c) => c.kind === 'customVar' && c.name === 'reason');
        continue;
      }
      const listings: DncListing[] = [];
      for (const { rowNumber, fields } of event.rows) {
        counts.totalRows += 1;
        const problem = rowShapeProblem(fields, header, limits.maxFieldLength);
        const raw = fields[phoneAt] ?? '';
        const number = problem === null ? normalize(raw) : null;
        if (number === null || !number.ok) {
          reject(rowNumber, raw, problem ?? (number?.ok === false ? number.reason : 'unreadable'));
          continue;
        }
        const earlier = seen.firstRowOf(number.phone, rowNumber);
        if (earlier !== null) {
          counts.duplicates += 1;
          continue;
        }
        listings.push({
          phone: number.phone,
          reason: (reasonAt >= 0 ? fields[reasonAt] : '') || options.defaultReason?.trim() || null,
        });
      }
      staged += listings.length;
      await run.stage(listings);
    }
    counts.added = await run.commit(deps.clock.now());
    counts.alreadyListed = staged - counts.added;
    return { ok: true, report: { status: 'completed', error: null, counts, issues } };
  } catch (error) {
    await run.discard().catch(() => undefined);
    throw error;
  }
}
