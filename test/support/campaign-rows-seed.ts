import type { Store } from '../../src/store/sqlite/db.js';
import { syncTransaction } from '../../src/store/sqlite/sync-transaction.js';

/** What `seedCampaignRows` wrote, to check that a delete removed all of it. */
export interface SeededRows {
  leads: number;
  attempts: number;
  events: number;
}

/**
 * Writes many rows of every kind a campaign owns, fast (raw prepared statements, one
 * transaction): `leads` leads, an ended attempt with its input and `eventsPerAttempt`
 * journal rows for every `attemptEvery`-th lead, an import with issues and a
 * campaign do-not-call entry. The counters' triggers run as they do for real rows.
 */
export async function seedCampaignRows(
  store: Store,
  campaignId: string,
  options: { leads: number; attemptEvery?: number; eventsPerAttempt?: number; at?: number },
): Promise<SeededRows> {
  const { leads } = options;
  const attemptEvery = options.attemptEvery ?? 4;
  const eventsPerAttempt = options.eventsPerAttempt ?? 4;
  const at = options.at ?? 1_764_000_000_000;
  const importId = `${campaignId}-import`;
  let attempts = 0;
  await syncTransaction(store, () => {
    store
      .prepare(
        `insert into lead_import (id, campaign_id, file_name, mode, status, started_at)
         values (?, ?, 'leads.csv', 'skip_existing', 'completed', ?)`,
      )
      .run([importId, campaignId, at]);
    const issue = store.prepare(
      `insert into lead_import_issue (import_id, row_number, severity, reason)
       values (?, ?, 'error', 'bad number')`,
    );
    for (let row = 1; row <= 50; row += 1) issue.run([importId, row]);
    store
      .prepare(
        `insert into dnc (phone, campaign_id, reason, created_at) values ('+14155550100', ?, 'asked', ?)`,
      )
      .run([campaignId, at]);
    const lead = store.prepare(
      `insert into lead (id, campaign_id, phone, name, state, import_id, import_seq, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const attempt = store.prepare(
      `insert into attempt (id, campaign_id, lead_id, attempt_number, machine_version, channel_id,
         snapshot, state, done, outcome, started_at, ended_at, created_at, updated_at)
       values (?, ?, ?, 1, 2, ?, '{}', 'ended', 1, 'busy', ?, ?, ?, ?)`,
    );
    const input = store.prepare(`insert into attempt_input (attempt_id, input) values (?, '{}')`);
    const event = store.prepare(
      `insert into attempt_event (attempt_id, seq, at, type, payload, state, commands, timers)
       values (?, ?, ?, 'x', '{}', 'ended', '[]', '[]')`,
    );
    for (let n = 1; n <= leads; n += 1) {
      const leadId = `${campaignId}-lead-${n}`;
      const dialed = n % attemptEvery === 0;
      lead.run([
        leadId,
        campaignId,
        `+1415${String(n).padStart(7, '0')}`,
        `Lead ${n}`,
        dialed ? 'completed' : 'pending',
        importId,
        n,
        at,
        at,
      ]);
      if (!dialed) continue;
      attempts += 1;
      const attemptId = `${leadId}-a1`;
      attempt.run([attemptId, campaignId, leadId, `${attemptId}-ch`, at, at, at, at]);
      input.run([attemptId]);
      for (let seq = 1; seq <= eventsPerAttempt; seq += 1) event.run([attemptId, seq, at]);
    }
  });
  return { leads, attempts, events: attempts * eventsPerAttempt };
}

export interface CampaignRowCounts {
  campaign: number;
  leads: number;
  attempts: number;
  events: number;
  inputs: number;
  imports: number;
  issues: number;
  dnc: number;
  counters: number;
}

/** How many rows of each kind campaign `campaignId` still has. */
export function countCampaignRows(store: Store, campaignId: string): CampaignRowCounts {
  const count = (sql: string): number =>
    (store.prepare(sql).all([campaignId]) as { n: number }[])[0]?.n ?? 0;
  return {
    campaign: count('select count(*) as n from campaign where id = ?'),
    leads: count('select count(*) as n from lead where campaign_id = ?'),
    attempts: count('select count(*) as n from attempt where campaign_id = ?'),
    events: count(`select count(*) as n from attempt_event where attempt_id like ? || '-lead-%'`),
    inputs: count(`select count(*) as n from attempt_input where attempt_id like ? || '-lead-%'`),
    imports: count('select count(*) as n from lead_import where campaign_id = ?'),
    issues: count(`select count(*) as n from lead_import_issue where import_id = ? || '-import'`),
    dnc: count('select count(*) as n from dnc where campaign_id = ?'),
    counters: count('select count(*) as n from campaign_lead_count where campaign_id = ?'),
  };
}
