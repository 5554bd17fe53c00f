import type { Kysely } from 'kysely';
import type { LeadClaimResult } from '../../calls/ports.js';
import {
  type CapVerdict,
  checkFrequencyCaps,
  type FrequencyCaps,
} from '../../campaign/frequency-caps.js';
import {
  type CandidateRow,
  CLAIM_BATCH,
  CLAIM_SCAN_LIMIT,
  CLAIM_SQL,
  capReadBounds,
  judgeCandidate,
  type LeadClaimer,
} from '../lead-claims.js';
import type { Database } from '../schema.js';
import { numberedParameters as $ } from './numbered-parameters.js';
import type { PostgresAttemptJournal } from './postgres-attempt-journal.js';
import { writeAttemptCommit, writeNewAttempt } from './postgres-attempt-journal.js';
import { runStatement } from './postgres-statements.js';

/**
 * The claim's statements: SQLite's, numbered, with the row locks that make claims from
 * several nodes safe (ADR 025, "Claims and leases across nodes").
 */
export const PG_CLAIM_SQL = {
  /**
   * The campaign's row, locked for the rest of the claim's transaction: claims of one
   * campaign, from any node, take turns here, so the pacing read below is still true
   * when the claim commits. Claims of different campaigns do not wait on each other.
   * The claim's batch has taken this lock already, with its other campaigns', in one
   * order (ADR 048); `no key update` is that lock's mode, so this one adds nothing.
   */
  lockCampaign: `select max_concurrent, min_interval_ms, last_originate_at from campaign
    where id = $1 for no key update`,
  /** The campaign's open attempts on every node (the partial index on open attempts). */
  liveAttempts: 'select count(*) as live from attempt where campaign_id = $1 and done = 0',
  /**
   * Due candidates, locked; a lead another transaction holds (an operator's recycle or
   * cancel, an import merge) is stepped over rather than waited for.
   */
  dueLeads: $(`${CLAIM_SQL.dueLeads} for update of lead skip locked`),
  finish: $(CLAIM_SQL.finish),
  attemptsToPhone: $(CLAIM_SQL.attemptsToPhone),
  putOff: $(CLAIM_SQL.putOff),
  clearWait: $(CLAIM_SQL.clearWait),
} as const;

/**
 * Whether the campaign may start one more call at `at` by the numbers every node
 * shares: fewer open attempts than `max_concurrent`, and `min_interval_ms` since the
 * latest originate of any node. Locks the campaign's row (see `lockCampaign`). Each
 * node's scheduler paces from the same numbers before it claims; this is the check that
 * holds when two of them decide at the same moment.
 */
async function campaignPacingAllows(
  trx: Kysely<Database>,
  campaignId: string,
  at: number,
): Promise<boolean> {
  const { rows } = await runStatement<{
    max_concurrent: number;
    min_interval_ms: number;
    last_originate_at: number | null;
  }>(trx, PG_CLAIM_SQL.lockCampaign, [campaignId]);
  const [campaign] = rows;
  if (campaign === undefined) return false;
  const { last_originate_at: last } = campaign;
  if (last !== null && at - last < campaign.min_interval_ms) return false;
  const live = await runStatement<{ live: number }>(trx, PG_CLAIM_SQL.liveAttempts, [campaignId]);
  return (live.rows[0]?.live ?? 0) < campaign.max_concurrent;
}

/** The frequency-cap check of one claim, as on SQLite (see `capReadBounds`). */
function capCheck(
  trx: Kysely<Database>,
  caps: FrequencyCaps,
  at: number,
): (phone: string) => Promise<CapVerdict> {
  const bounds = capReadBounds(caps, at);
  if (bounds === null) return async () => ({ capped: false });
  return async (phone) => {
    const { rows } = await runStatement<{ at: number }>(trx, PG_CLAIM_SQL.attemptsToPhone, [
      phone,
      bounds.since,
      bounds.most,
    ]);
    return checkFrequencyCaps(
      caps,
      rows.map((row) => row.at),
      at,
    );
  };
}

/**
 * Creates the claimer of one node over PostgreSQL: SQLite's claim (same order, same
 * do-not-call, attempts, window and frequency-cap rules; see `LeadClaimer`), as one unit
 * of the node's group commit, with the campaign's row locked first and its candidates
 * read `for update skip locked`. Two nodes claiming from one campaign never get the same
 * lead, and together never pass its `max_concurrent` or `min_interval_ms`.
 */
export function createPostgresLeadClaimer(
  journal: Pick<PostgresAttemptJournal, 'transact' | 'nodeId'>,
): LeadClaimer {
  const nothing = (skipped: number): LeadClaimResult => ({
    ok: false,
    reason: 'nothingClaimable',
    skipped,
  });
  return {
    claimNextLead(request) {
      const { campaignId, at, frequencyCaps } = request;
      return journal.transact(
        async (trx): Promise<LeadClaimResult> => {
          if (!(await campaignPacingAllows(trx, campaignId, at))) return nothing(0);
          const capped = capCheck(trx, frequencyCaps, at);
          let skipped = 0;
          for (let looked = 0; looked < CLAIM_SCAN_LIMIT; ) {
            const { rows } = await runStatement<CandidateRow>(trx, PG_CLAIM_SQL.dueLeads, [
              campaignId,
              at,
              skipped,
            ]);
            if (rows.length === 0) break;
            for (const row of rows) {
              looked += 1;
              const judged = judgeCandidate(row, request);
              if (judged.action === 'finish') {
                await runStatement(trx, PG_CLAIM_SQL.finish, [
                  judged.state,
                  judged.error,
                  at,
                  row.id,
                ]);
                continue;
              }
              if (judged.action === 'skip') {
                skipped += 1;
                continue;
              }
              const cap = await capped(row.phone);
              if (cap.capped) {
                await runStatement(trx, PG_CLAIM_SQL.putOff, [cap.dueAt, cap.reason, at, row.id]);
                continue;
              }
              const created = await writeNewAttempt(trx, judged.attempt, journal.nodeId);
              if (!created.ok) continue;
              if (row.wait_reason !== null) {
                await runStatement(trx, PG_CLAIM_SQL.clearWait, [row.id]);
              }
              // The attempt's first journal entry in the claim's savepoint (ADR 044).
              const first = request.firstStep?.(created.attempt);
              if (first === undefined)
                return { ok: true, lead: judged.lead, attempt: created.attempt };
              await writeAttemptCommit(trx, first.commit, journal.nodeId);
              return { ok: true, lead: judged.lead, attempt: created.attempt, first };
            }
            if (rows.length < CLAIM_BATCH) break;
          }
          return nothing(skipped);
        },
        { campaignIds: [campaignId] },
      );
    },
  };
}
