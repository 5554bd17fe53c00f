import type { Insertable, Kysely } from 'kysely';
import type { Campaign } from '../../src/campaign/campaign.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import { createLeadRepository, type NewLead } from '../../src/store/leads.js';
import type { AnsweredCallTable, AttemptTable, Database } from '../../src/store/schema.js';
import { sampleAttemptInput, sampleCampaign, sampleSnapshot, T0 } from './store-fixtures.js';

/**
 * Rows for the store contract tests, written through plain Kysely so that they go in the
 * same way on every dialect. Attempts are written as the journal leaves them (its
 * adapters are dialect-specific and have contract tests of their own).
 */

/** Inserts a sample campaign with `overrides`; resolves to it. */
export async function seedCampaign(
  db: Kysely<Database>,
  overrides: Partial<Campaign> = {},
): Promise<Campaign> {
  const campaign = sampleCampaign(overrides);
  await createCampaignRepository(db).insert(campaign);
  return campaign;
}

/** Inserts the leads in one transaction; throws when they are refused. */
export async function seedLeads(db: Kysely<Database>, leads: readonly NewLead[]): Promise<void> {
  const result = await createLeadRepository(db).insert(leads);
  if (!result.ok) throw new Error(`could not seed the leads: ${result.reason}`);
}

/** An attempt row (and its input) as the journal writes it; its lead points at it. */
export interface SeedAttempt {
  id: string;
  campaignId: string;
  leadId: string;
  createdAt?: number;
  attemptNumber?: number;
  state?: string;
  /** Ended: `done = 1`, with `outcome` and `endedAt`. */
  ended?: { outcome: string | null; endedAt: number } | null;
  columns?: Partial<Insertable<AttemptTable>>;
}

/** Inserts the attempt, its input, and makes it its lead's last (and active, while open). */
export async function seedAttempt(db: Kysely<Database>, attempt: SeedAttempt): Promise<void> {
  const createdAt = attempt.createdAt ?? T0;
  const input = sampleAttemptInput(attempt.id, attempt.campaignId, attempt.leadId);
  const state = attempt.state ?? (attempt.ended ? 'done' : 'dialing.ringing');
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('attempt')
      .values({
        id: attempt.id,
        campaign_id: attempt.campaignId,
        lead_id: attempt.leadId,
        attempt_number: attempt.attemptNumber ?? 1,
        machine_version: 2,
        channel_id: input.channelId,
        snapshot: JSON.stringify(sampleSnapshot(input, state)),
        state,
        done: attempt.ended ? 1 : 0,
        outcome: attempt.ended?.outcome ?? null,
        started_at: createdAt,
        ended_at: attempt.ended?.endedAt ?? null,
        created_at: createdAt,
        updated_at: attempt.ended?.endedAt ?? createdAt,
        ...attempt.columns,
      })
      .execute();
    await trx
      .insertInto('attempt_input')
      .values({ attempt_id: attempt.id, input: JSON.stringify(input) })
      .execute();
    await trx
      .updateTable('lead')
      .set({
        last_attempt_id: attempt.id,
        active_attempt_id: attempt.ended ? null : attempt.id,
        last_outcome: attempt.ended?.outcome ?? null,
      })
      .where('id', '=', attempt.leadId)
      .execute();
  });
}

/** Inserts the answered-call row the journal derives when an answered attempt ends. */
export async function seedAnsweredCall(
  db: Kysely<Database>,
  row: Omit<Insertable<AnsweredCallTable>, 'our_side_failed'> & { our_side_failed?: number },
): Promise<void> {
  await db
    .insertInto('answered_call')
    .values({ our_side_failed: 0, ...row })
    .execute();
}
