import type { Selectable } from 'kysely';
import type { LeadClaimRequest, LeadClaimResult, NewAttempt } from '../calls/ports.js';
import {
  CAP_WINDOWS,
  type CapVerdict,
  checkFrequencyCaps,
  type FrequencyCaps,
  hasCaps,
} from '../campaign/frequency-caps.js';
import type { Lead } from '../campaign/lead.js';
import { type SqliteAttemptJournal, writeClaimedAttempt } from './journal/attempt-journal.js';
import { leadFromRow } from './leads.js';
import type { LeadTable } from './schema.js';
import type { Store } from './sqlite/db.js';

/**
 * Candidates read per query while looking for a lead to claim, after the first one (see
 * `CLAIM_SQL.dueLead`): each row read costs its do-not-call lookups and a row object.
 */
export const CLAIM_BATCH = 4;
/**
 * Most due leads one claim looks at. Leads skipped (outside their own calling window)
 * stay pending and ahead in the order, so the bound keeps a claim cheap when many are.
 */
export const CLAIM_SCAN_LIMIT = 256;

/**
 * The claim's candidates: a campaign's due pending leads in claim order, each with the
 * do-not-call entry blocking its phone, if any, then `tail` (the limit and offset).
 */
const dueLeadsThen = (tail: string) => `select lead.*, coalesce(
        -- The do-not-call entry blocking the phone, if any; the global list wins. Two
        -- lookups on the unique (scope, phone) index, where one ordered query would sort.
        (select 'the global do-not-call list' || ifnull(' (' || d.reason || ')', '')
          from dnc d where ifnull(d.campaign_id, '') = '' and d.phone = lead.phone),
        -- \`|| ''\`: compared with the bare column, SQLite would apply its text affinity to
        -- the indexed expression and scan the whole list instead of using the index.
        (select 'the campaign''s do-not-call list' || ifnull(' (' || d.reason || ')', '')
          from dnc d
          where ifnull(d.campaign_id, '') = (lead.campaign_id || '') and d.phone = lead.phone)
      ) as dnc_entry
    from lead
    where lead.campaign_id = ? and lead.state = 'pending' and lead.next_attempt_at <= ?
    order by lead.next_attempt_at, lead.priority desc, lead.import_seq
    ${tail}`;

/** The claim's statements; exported so a test can check the query plan of the real text. */
export const CLAIM_SQL = {
  // `state = 'pending'` is a literal, not a parameter: SQLite uses the partial index
  // lead_claim only when it can see that the query asks for pending leads. The limits
  // are literals too: with a bound LIMIT the same query took three to four times as
  // long (bench/claim-steps.ts).
  /** The first candidate: most claims take it, and read no other. */
  dueLead: dueLeadsThen('limit 1'),
  /**
   * The next candidates of a claim that stepped past some: the offset steps over leads
   * skipped earlier in the same claim, which stay pending and first.
   */
  dueLeads: dueLeadsThen(`limit ${CLAIM_BATCH} offset ?`),
  finish: `update lead set state = ?, last_error = ?, updated_at = ?
    where id = ? and state = 'pending'`,
  // Attempts made to a number, in any campaign, newest first, back to a bound: the
  // frequency caps. lead_phone finds the number's leads, attempt_lead their attempts.
  attemptsToPhone: `select a.created_at as at from lead l
    join attempt a on a.lead_id = l.id
    where l.phone = ? and a.created_at > ?
    order by a.created_at desc limit ?`,
  putOff: `update lead set next_attempt_at = ?, wait_reason = ?, updated_at = ?
    where id = ? and state = 'pending'`,
  clearWait: `update lead set wait_reason = null where id = ?`,
} as const;

export type CandidateRow = Selectable<LeadTable> & { dnc_entry: string | null };

/** Claims due leads of a campaign for new attempts. */
export interface LeadClaimer {
  /**
   * Claims the next due lead of the campaign for a new attempt. Candidates are the
   * campaign's `pending` leads with `next_attempt_at ≤ at`, by due time, then priority
   * (highest first), then import order. Each is checked at this moment: a lead on the
   * global or the campaign's do-not-call list becomes `dnc`, one that had all its
   * attempts becomes `failed`, and the rest go to `request.consider`. A lead it would
   * claim whose number is at a frequency cap (attempts in any campaign) is put off
   * instead: still `pending`, due when the cap allows, with the reason. The whole claim
   * (reading candidates, finishing the ones that can never be called, the chosen lead's
   * compare-and-set, its attempt row and, when the request plans it, the attempt's first
   * journal entry) is one synchronous unit of a shared
   * transaction, so concurrent claims see each other's effects and never get the same
   * lead, and claims made in the same turn of the event loop share one commit.
   */
  claimNextLead(request: LeadClaimRequest): Promise<LeadClaimResult>;
}

/**
 * What the cap check of one claim reads: the attempts to a number within the longest
 * window a cap looks at, and no more of them than the highest cap. Null without caps
 * (nothing to read).
 */
export function capReadBounds(
  caps: FrequencyCaps,
  at: number,
): { since: number; most: number } | null {
  if (!hasCaps(caps)) return null;
  const longest = Math.max(...CAP_WINDOWS.filter(({ key }) => caps[key] !== null).map((w) => w.ms));
  const most = Math.max(...CAP_WINDOWS.map(({ key }) => caps[key] ?? 0));
  return { since: at - longest, most };
}

/** The cap check of one claim: whether one more attempt to a number would break a cap. */
function capCheck(
  prepare: Store['prepare'],
  caps: FrequencyCaps,
  at: number,
): (phone: string) => CapVerdict {
  const bounds = capReadBounds(caps, at);
  if (bounds === null) return () => ({ capped: false });
  return (phone) => {
    const rows = prepare(CLAIM_SQL.attemptsToPhone).all([phone, bounds.since, bounds.most]) as {
      at: number;
    }[];
    return checkFrequencyCaps(
      caps,
      rows.map((row) => row.at),
      at,
    );
  };
}

/** What a claim does with one candidate before the cap check (see `judgeCandidate`). */
export type CandidateJudgement =
  /** Finish it for good, still pending until then. */
  | { action: 'finish'; state: 'dnc' | 'failed'; error: string }
  /** Leave it pending: skipped (outside its window), counted in `skipped`. */
  | { action: 'skip' }
  /** Claim it with this attempt, unless a frequency cap puts it off. */
  | { action: 'claim'; lead: Lead; attempt: NewAttempt };

/**
 * The claim's rules for one due candidate, the same on every dialect: on a do-not-call
 * list → `dnc`; out of attempts → `failed`; otherwise what `request.consider` says.
 */
export function judgeCandidate(row: CandidateRow, request: LeadClaimRequest): CandidateJudgement {
  if (row.dnc_entry !== null) {
    return { action: 'finish', state: 'dnc', error: `on ${row.dnc_entry}` };
  }
  const counted = row.attempts - row.recycled_attempts;
  if (counted >= request.maxAttempts) {
    return {
      action: 'finish',
      state: 'failed',
      error: `no attempts left (${counted} of ${request.maxAttempts})`,
    };
  }
  const lead = leadFromRow(row);
  const verdict = request.consider(lead);
  if (verdict.verdict === 'skip') return { action: 'skip' };
  if (verdict.verdict === 'fail')
    return { action: 'finish', state: 'failed', error: verdict.error };
  return { action: 'claim', lead, attempt: verdict.attempt };
}

/** Creates the claimer over a migrated database and its attempt journal. */
export function createLeadClaimer(journal: Pick<SqliteAttemptJournal, 'transact'>): LeadClaimer {
  return {
    claimNextLead(request) {
      return journal.transact((prepare): LeadClaimResult => {
        const { campaignId, at, frequencyCaps } = request;
        const finish = (leadId: string, state: 'dnc' | 'failed', error: string) =>
          prepare(CLAIM_SQL.finish).run([state, error, at, leadId]);
        const capped = capCheck(prepare, frequencyCaps, at);
        let skipped = 0;
        for (let looked = 0; looked < CLAIM_SCAN_LIMIT; ) {
          const first = looked === 0;
          const rows = (
            first
              ? prepare(CLAIM_SQL.dueLead).all([campaignId, at])
              : prepare(CLAIM_SQL.dueLeads).all([campaignId, at, skipped])
          ) as CandidateRow[];
          if (rows.length === 0) break;
          for (const row of rows) {
            looked += 1;
            const judged = judgeCandidate(row, request);
            if (judged.action === 'finish') {
              finish(row.id, judged.state, judged.error);
              continue;
            }
            if (judged.action === 'skip') {
              skipped += 1;
              continue;
            }
            const cap = capped(row.phone);
            if (cap.capped) {
              // Not an error and not for good: the lead waits, pending, out of the scan.
              prepare(CLAIM_SQL.putOff).run([cap.dueAt, cap.reason, at, row.id]);
              continue;
            }
            // With the attempt's first journal entry, when asked (ADR 044).
            const created = writeClaimedAttempt(prepare, judged.attempt, request.firstStep);
            if (!created.ok) continue;
            if (row.wait_reason !== null) prepare(CLAIM_SQL.clearWait).run([row.id]);
            return { ...created, lead: judged.lead };
          }
          // Fewer rows than asked: nothing due beyond them.
          if (rows.length < (first ? 1 : CLAIM_BATCH)) break;
        }
        return { ok: false, reason: 'nothingClaimable', skipped };
      });
    },
  };
}
