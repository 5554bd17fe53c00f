import { dncNote } from '../campaign/do-not-call.js';
import type { LeadImportMode } from './lead-import.js';
import type { LeadImportTally } from './lead-import-tally.js';
import type { LeadImportRun, LeadImportStore, StagedLead } from './lead-intake-ports.js';
import { nextTurn } from './next-turn.js';
import { CHECKED_LEAD_VALUES, type CheckedBatch } from './read-lead-file.js';

/** What staging one batch needs of its import. */
export interface LeadBatchContext {
  store: LeadImportStore;
  run: LeadImportRun;
  campaignId: string;
  mode: LeadImportMode;
  tally: LeadImportTally;
}

/**
 * Counts a batch of checked rows (read, validated and deduplicated within the file by
 * `readLeadFile`), looks the numbers kept up (already leads of the campaign? on a
 * do-not-call list?) with one query each, and stages the batch with its issues in one
 * short transaction. The lookups and the staging run in turns of the event loop of their
 * own: each is synchronous SQLite work of several ms for a batch of a thousand rows, and
 * together, with the batch before, they would hold the calls' loop for all of it.
 */
export async function stageLeadBatch(
  context: LeadBatchContext,
  batch: CheckedBatch,
): Promise<void> {
  const { store, run, campaignId, mode, tally } = context;
  tally.rows(batch.rows);
  for (const note of batch.notes) {
    if (note.kind === 'rejected') {
      tally.rejected(note.rowNumber, note.errors, note.warnings, note.raw);
    } else if (note.kind === 'duplicate') {
      tally.duplicate(note.rowNumber, note.phone, `same number as row ${note.earlierRow}; skipped`);
    } else tally.warn(note.rowNumber, note.warnings);
  }

  const { leads } = batch;
  const phones: string[] = [];
  for (let at = 1; at < leads.length; at += CHECKED_LEAD_VALUES) phones.push(leads[at] as string);
  const [existing, blocked] = await Promise.all([
    store.findExisting(campaignId, phones),
    store.findBlocked(campaignId, phones),
  ]);
  await nextTurn();
  const staged: StagedLead[] = [];
  for (let at = 0; at < leads.length; at += CHECKED_LEAD_VALUES) {
    const rowNumber = leads[at] as number;
    const phone = leads[at + 1] as string;
    const isLead = existing.has(phone);
    if (isLead && mode === 'skip_existing') {
      tally.duplicate(rowNumber, phone, 'already a lead of this campaign; skipped');
      continue;
    }
    const dnc = blocked.get(phone);
    if (dnc) {
      tally.staged('dncBlocked');
      tally.warn(rowNumber, [
        { field: 'phone', value: phone, reason: `${dncNote(dnc)}; stored as dnc, never dialed` },
      ]);
    } else {
      tally.staged(isLead ? 'updated' : 'accepted');
    }
    staged.push({
      rowNumber,
      phone,
      name: leads[at + 2] as string | null,
      timezone: leads[at + 3] as string | null,
      callerId: leads[at + 4] as string | null,
      customVars: leads[at + 5] as string,
      state: dnc ? 'dnc' : 'pending',
      note: dnc ? dncNote(dnc) : null,
    });
  }
  await run.stage(staged, tally.drain());
}
