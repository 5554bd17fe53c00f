import { dncNote } from '../campaign/do-not-call.js';
import type { CsvRow } from './csv-reader.js';
import type { LeadImportMode } from './lead-import.js';
import type { LeadImportTally } from './lead-import-tally.js';
import type { LeadValidation } from './lead-input.js';
import type { LeadImportRun, LeadImportStore, StagedLead } from './lead-intake-ports.js';
import type { SeenPhones } from './seen-phones.js';

/** What staging one batch needs of its import. */
export interface LeadBatchContext {
  store: LeadImportStore;
  run: LeadImportRun;
  campaignId: string;
  mode: LeadImportMode;
  readRow: (row: CsvRow) => LeadValidation;
  tally: LeadImportTally;
  seen: SeenPhones;
}

/**
 * Validates one batch of rows, drops numbers seen earlier in the file, looks the rest up
 * (already leads of the campaign? on a do-not-call list?) with one query each, counts
 * every row's outcome and stages the batch with its issues in one short transaction.
 */
export async function stageLeadBatch(
  context: LeadBatchContext,
  rows: readonly CsvRow[],
): Promise<void> {
  const { store, run, campaignId, mode, readRow, tally, seen } = context;
  const candidates: { rowNumber: number; validation: Extract<LeadValidation, { ok: true }> }[] = [];
  for (const row of rows) {
    tally.row();
    const validation = readRow(row);
    if (!validation.ok) {
      tally.rejected(
        row.rowNumber,
        validation.errors,
        validation.warnings,
        JSON.stringify(row.fields),
      );
      continue;
    }
    const earlier = seen.firstRowOf(validation.lead.phone, row.rowNumber);
    if (earlier !== null) {
      tally.duplicate(
        row.rowNumber,
        validation.lead.phone,
        `same number as row ${earlier}; skipped`,
      );
      continue;
    }
    tally.warn(row.rowNumber, validation.warnings);
    candidates.push({ rowNumber: row.rowNumber, validation });
  }

  const phones = candidates.map((candidate) => candidate.validation.lead.phone);
  const [existing, blocked] = await Promise.all([
    store.findExisting(campaignId, phones),
    store.findBlocked(campaignId, phones),
  ]);
  const staged: StagedLead[] = [];
  for (const { rowNumber, validation } of candidates) {
    const { lead } = validation;
    const isLead = existing.has(lead.phone);
    if (isLead && mode === 'skip_existing') {
      tally.duplicate(rowNumber, lead.phone, 'already a lead of this campaign; skipped');
      continue;
    }
    const dnc = blocked.get(lead.phone);
    if (dnc) {
      tally.staged('dncBlocked');
      tally.warn(rowNumber, [
        {
          field: 'phone',
          value: lead.phone,
          reason: `${dncNote(dnc)}; stored as dnc, never dialed`,
        },
      ]);
    } else {
      tally.staged(isLead ? 'updated' : 'accepted');
    }
    staged.push({
      rowNumber,
      phone: lead.phone,
      name: lead.name,
      timezone: lead.timezone,
      callerId: lead.callerId,
      customVars: JSON.stringify(lead.customVars),
      state: dnc ? 'dnc' : 'pending',
      note: dnc ? dncNote(dnc) : null,
    });
  }
  await run.stage(staged, tally.drain());
}
