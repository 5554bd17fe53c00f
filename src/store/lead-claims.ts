import { type Kysely, sql } from 'kysely';
import type { LeadClaimRequest, LeadClaimResult } from '../dialer/ports.js';
import type { SqliteAttemptJournal } from './attempt-journal.js';
import { leadFromRow } from './leads.js';
import type { Database } from './schema.js';

/** Candidates read per query while looking for a lead to claim. */
const BATCH = 32;
/**
 * Most due leads one claim looks at. Leads skipped (outside their own calling window)
 * stay pending and ahead in the order, so the bound keeps a claim cheap when many are.
 */
export const CLAIM_SCAN_LIMIT = 256;

/** Claims due leads of a campaign for new attempts. */
export interface LeadClaimer {
  /**
   * Claims the next due lead of the campaign for a new attempt. Candidates are the
   * campaign's `pending` leads with `next_attempt_at ≤ at`, by due time, then priority
   * (highest first), then import order. Each is checked at this moment: a lead on the
   * global or the campaign's do-not-call list becomes `dnc`, one that had all its
   * attempts becomes `failed`, and the rest go to `request.consider`. The chosen lead
   * is claimed with its attempt row atomically (`createAttempt`'s compare-and-set), so
   * concurrent claimers never get the same lead: a claimer that loses the race goes on
   * with the next candidate.
   */
  claimNextLead(request: LeadClaimRequest): Promise<LeadClaimResult>;
}

/** Creates the claimer over a migrated database and its attempt journal. */
export function createLeadClaimer(
  db: Kysely<Database>,
  journal: Pick<SqliteAttemptJournal, 'createAttempt'>,
): LeadClaimer {
  /** Moves a lead that can never be claimed out of `pending` (if it still is). */
  async function finish(
    leadId: string,
    state: 'dnc' | 'failed',
    error: string,
    at: number,
  ): Promise<void> {
    await db
      .updateTable('lead')
      .set({ state, last_error: error, updated_at: at })
      .where('id', '=', leadId)
      .where('state', '=', 'pending')
      .execute();
  }

  function dueLeads(campaignId: string, at: number, skipped: readonly string[]) {
    return (
      db
        .selectFrom('lead')
        .selectAll('lead')
        .select(
          // The do-not-call entry blocking the phone, if any; the global list wins.
          sql<string | null>`(
            select case when d.campaign_id is null then 'the global' else 'the campaign''s' end
              || ' do-not-call list' || ifnull(' (' || d.reason || ')', '')
            from dnc d
            where ifnull(d.campaign_id, '') in ('', lead.campaign_id) and d.phone = lead.phone
            order by d.campaign_id is not null
            limit 1)`.as('dnc_entry'),
        )
        .where('lead.campaign_id', '=', campaignId)
        // A literal, not a parameter: SQLite uses the partial index lead_claim only when
        // it can see that the query asks for `state = 'pending'`.
        .where(sql<boolean>`lead.state = 'pending'`)
        .where('lead.next_attempt_at', '<=', at)
        .$if(skipped.length > 0, (q) => q.where('lead.id', 'not in', skipped))
        .orderBy('lead.next_attempt_at')
        .orderBy('lead.priority', 'desc')
        .orderBy('lead.import_seq')
        .limit(BATCH)
        .execute()
    );
  }

  return {
    async claimNextLead(request) {
      const { campaignId, at, maxAttempts } = request;
      const skipped: string[] = [];
      for (let looked = 0; looked < CLAIM_SCAN_LIMIT; ) {
        const rows = await dueLeads(campaignId, at, skipped);
        if (rows.length === 0) break;
        for (const row of rows) {
          looked += 1;
          if (row.dnc_entry !== null) {
            await finish(row.id, 'dnc', `on ${row.dnc_entry}`, at);
            continue;
          }
          const counted = row.attempts - row.recycled_attempts;
          if (counted >= maxAttempts) {
            await finish(row.id, 'failed', `no attempts left (${counted} of ${maxAttempts})`, at);
            continue;
          }
          const lead = leadFromRow(row);
          const verdict = request.consider(lead);
          if (verdict.verdict === 'skip') {
            skipped.push(row.id);
            continue;
          }
          if (verdict.verdict === 'fail') {
            await finish(row.id, 'failed', verdict.error, at);
            continue;
          }
          const created = await journal.createAttempt(verdict.attempt);
          // Not pending any more: another claimer (or an operator) got there first.
          if (created.ok) return { ok: true, lead, attempt: created.attempt };
        }
      }
      return { ok: false, reason: 'nothingClaimable', skipped: skipped.length };
    },
  };
}
