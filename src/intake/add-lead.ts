import type { Clock } from '../calls/ports.js';
import { dncNote } from '../campaign/do-not-call.js';
import {
  type CampaignLeadValidator,
  loadCampaignLeadValidator,
} from './campaign-lead-validator.js';
import { DEFAULT_CSV_LIMITS } from './csv-reader.js';
import type { LeadInput, LeadIssue } from './lead-input.js';
import type { LeadAddStore } from './lead-intake-ports.js';

export type AddLeadResult =
  | {
      ok: true;
      leadId: string;
      /** `dnc` when the number is on a do-not-call list: stored, never dialed. */
      state: 'pending' | 'dnc';
      /** Fallbacks applied (unknown time zone, invalid caller id) and the do-not-call block. */
      warnings: LeadIssue[];
    }
  | Extract<CampaignLeadValidator, { ok: false }>
  /** The input is not a valid lead; `errors` says why, value by value. */
  | { ok: false; reason: 'invalid'; errors: LeadIssue[]; warnings: LeadIssue[] }
  | { ok: false; reason: 'duplicatePhone'; leadId: string };

/**
 * Adds one lead to a campaign by hand, through the same validator as a CSV row: the
 * number normalised and unique in the campaign, a number on a do-not-call list stored
 * as `dnc`, fallbacks reported as warnings. The lead comes last in import order.
 */
export async function addLead(
  deps: { store: LeadAddStore; clock: Pick<Clock, 'now'>; newLeadId: () => string },
  campaignId: string,
  input: LeadInput,
): Promise<AddLeadResult> {
  const { store } = deps;
  const loaded = await loadCampaignLeadValidator(
    store,
    campaignId,
    DEFAULT_CSV_LIMITS.maxFieldLength,
  );
  if (!loaded.ok) return loaded;
  const validation = loaded.validate(input);
  if (!validation.ok) {
    return {
      ok: false,
      reason: 'invalid',
      errors: validation.errors,
      warnings: validation.warnings,
    };
  }
  const { lead, warnings } = validation;
  const blocked = (await store.findBlocked(campaignId, [lead.phone])).get(lead.phone);
  if (blocked) {
    warnings.push({
      field: 'phone',
      value: lead.phone,
      reason: `${dncNote(blocked)}; stored as dnc, never dialed`,
    });
  }
  const leadId = deps.newLeadId();
  const inserted = await store.insertLead({
    id: leadId,
    campaignId,
    ...lead,
    state: blocked ? 'dnc' : 'pending',
    note: blocked ? dncNote(blocked) : null,
    createdAt: deps.clock.now(),
  });
  if (!inserted.ok) return { ok: false, reason: 'duplicatePhone', leadId: inserted.existingLeadId };
  return { ok: true, leadId, state: blocked ? 'dnc' : 'pending', warnings };
}
