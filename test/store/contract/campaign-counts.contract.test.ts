import { expect, it } from 'vitest';
import { createAbandonmentReader } from '../../../src/store/answered-calls.js';
import { createCampaignStatsReader } from '../../../src/store/campaign-stats.js';
import { createMetricsReader } from '../../../src/store/metrics-reader.js';
import {
  seedAnsweredCall,
  seedAttempt,
  seedCampaign,
  seedLeads,
} from '../../support/contract-seed.js';
import { describeEachStore } from '../../support/each-store.js';
import { sampleLeads, T0 } from '../../support/store-fixtures.js';

const QUARTER_HOUR = 15 * 60_000;
const DAY = 24 * 3_600_000;
/** A local midnight: on a quarter hour, so `outcomesSince` reads the buckets. */
const MIDNIGHT = Math.floor(T0 / DAY) * DAY;

describeEachStore('campaign counters and the reads of them', (store) => {
  it('counts leads by state and ended attempts by outcome, as the triggers keep them', async () => {
    const { db } = store();
    await seedCampaign(db, { id: 'c1' });
    await seedCampaign(db, { id: 'c2' });
    await seedLeads(db, [...sampleLeads('c1', 5), ...sampleLeads('c2', 1, 100)]);
    await db.updateTable('lead').set({ state: 'dnc' }).where('id', '=', 'lead-5').execute();
    await db
      .updateTable('lead')
      .set({ state: 'dialing' })
      .where('id', 'in', ['lead-1', 'lead-2', 'lead-3'])
      .execute();
    await db.deleteFrom('lead').where('id', '=', 'lead-4').execute();
    await seedAttempt(db, {
      id: 'a1',
      campaignId: 'c1',
      leadId: 'lead-1',
      state: 'dialing.ringing',
    });
    await seedAttempt(db, { id: 'a2', campaignId: 'c1', leadId: 'lead-2', state: 'talking' });
    await seedAttempt(db, {
      id: 'a0',
      campaignId: 'c1',
      leadId: 'lead-3',
      createdAt: MIDNIGHT - DAY,
      ended: { outcome: 'busy', endedAt: MIDNIGHT - DAY + 1 },
    });
    await seedAttempt(db, { id: 'a3', campaignId: 'c1', leadId: 'lead-3', createdAt: T0 });
    // a3 ends (done 0 → 1) after midnight, as the journal ends attempts: by an update.
    await db
      .updateTable('attempt')
      .set({ done: 1, outcome: 'human', ended_at: T0 + 60_000, state: 'done' })
      .where('id', '=', 'a3')
      .execute();

    const stats = createCampaignStatsReader(db);
    expect(await stats.stats('c1', MIDNIGHT)).toEqual({
      leads: { pending: 0, dialing: 3, completed: 0, failed: 0, canceled: 0, dnc: 1 },
      outcomes: { busy: 1, human: 1 },
      outcomesSince: { human: 1 },
      live: { dialing: 1, talking: 1 },
      liveTotal: 2,
    });
    // Off a quarter hour, `since` counts from the attempts themselves.
    expect((await stats.stats('c1', MIDNIGHT - DAY + 7)).outcomesSince).toEqual({ human: 1 });
    expect((await stats.stats('c1', MIDNIGHT - DAY)).outcomesSince).toEqual({
      busy: 1,
      human: 1,
    });
    expect(await stats.countOpenAttempts('c1')).toBe(2);
    expect((await stats.stats('c2', MIDNIGHT)).leads.pending).toBe(1);

    // Deleting an ended attempt takes it out of the counts; deleting the campaign, all.
    await db.deleteFrom('attempt').where('id', '=', 'a0').execute();
    expect((await stats.stats('c1', MIDNIGHT - QUARTER_HOUR * 4)).outcomes).toEqual({ human: 1 });
    await db.deleteFrom('campaign').where('id', '=', 'c1').execute();
    const { count } = await db
      .selectFrom('campaign_lead_count')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('campaign_id', '=', 'c1')
      .executeTakeFirstOrThrow();
    expect(count).toBe(0);
  });

  it('tells /metrics the live attempts by state and the import totals, as numbers', async () => {
    const { db } = store();
    await seedCampaign(db, { id: 'c1' });
    await seedLeads(db, sampleLeads('c1', 3));
    await seedAttempt(db, {
      id: 'a1',
      campaignId: 'c1',
      leadId: 'lead-1',
      state: 'dialing.ringing',
    });
    await seedAttempt(db, {
      id: 'a2',
      campaignId: 'c1',
      leadId: 'lead-2',
      state: 'dialing.originating',
    });
    await seedAttempt(db, {
      id: 'a3',
      campaignId: 'c1',
      leadId: 'lead-3',
      ended: { outcome: 'busy', endedAt: T0 + 1 },
    });
    const metrics = createMetricsReader(db);
    expect(await metrics.liveAttemptsByState()).toEqual({ dialing: 2 });
    expect(await metrics.leadImportRows()).toEqual({
      accepted: 0,
      updated: 0,
      duplicates: 0,
      rejected: 0,
      dncBlocked: 0,
    });
    // Their sum is past 2^31: summed as a 64-bit number on both, read back whole.
    for (const [id, accepted] of [
      ['i1', 2_000_000_000],
      ['i2', 2_000_000_005],
    ] as const) {
      await db
        .insertInto('lead_import')
        .values({
          id,
          campaign_id: 'c1',
          file_name: `${id}.csv`,
          mode: 'skip_existing',
          status: 'completed',
          accepted,
          rejected: 1,
          started_at: T0,
        })
        .execute();
    }
    expect(await metrics.leadImportRows()).toEqual({
      accepted: 4_000_000_005,
      updated: 0,
      duplicates: 0,
      rejected: 2,
      dncBlocked: 0,
    });
  });

  it('counts answered and abandoned calls per window, per day and per campaign', async () => {
    const { db } = store();
    const at = MIDNIGHT + 12 * 3_600_000;
    const threshold = 2_000;
    const call = (id: string, endedAt: number, timing: Record<string, number | null>) =>
      seedAnsweredCall(db, {
        attempt_id: id,
        campaign_id: id.startsWith('x') ? 'c2' : 'c1',
        ended_at: endedAt,
        answered_at: endedAt - 60_000,
        greeting_ended_at: endedAt - 59_000,
        ...timing,
      });
    // Attended in time; attended late; left in time unattended; never attended; ours failed.
    await call('a1', at - 1_000, { first_audio_at: at - 1_000 - 59_000 + 1_500 });
    await call('a2', at - 2_000, { first_audio_at: at - 2_000 - 59_000 + 2_500 });
    await call('a3', at - 3_000, { callee_left_at: at - 3_000 - 59_000 + 1_000 });
    await call('a4', at - 2 * DAY, {});
    await call('a5', at - 3 * DAY, { first_audio_at: at - 3 * DAY - 59_000, our_side_failed: 1 });
    await call('x1', at - 5_000, {});

    const abandonment = createAbandonmentReader(db, threshold);
    expect(await abandonment.windows('c1', at)).toEqual({
      last24h: { answered: 3, abandoned: 1 },
      last30d: { answered: 5, abandoned: 3 },
    });
    const { daily } = await abandonment.stats('c1', at);
    expect(daily).toHaveLength(30);
    expect(daily.filter((day) => day.answered > 0)).toEqual([
      { day: new Date(at - 3 * DAY).toISOString().slice(0, 10), answered: 1, abandoned: 1 },
      { day: new Date(at - 2 * DAY).toISOString().slice(0, 10), answered: 1, abandoned: 1 },
      { day: new Date(at).toISOString().slice(0, 10), answered: 3, abandoned: 1 },
    ]);
    expect(await abandonment.allCampaigns(at)).toEqual(
      new Map([
        ['c1', { last24h: { answered: 3, abandoned: 1 }, last30d: { answered: 5, abandoned: 3 } }],
        ['c2', { last24h: { answered: 1, abandoned: 1 }, last30d: { answered: 1, abandoned: 1 } }],
      ]),
    );
  });
});
