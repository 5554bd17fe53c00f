import { expect, it } from 'vitest';
import { createCampaignControlStore } from '../../../src/store/campaign-control-store.js';
import { createCampaignEditingStore } from '../../../src/store/campaign-editing-store.js';
import { createCampaignRepository } from '../../../src/store/campaigns.js';
import { pingDatabase } from '../../../src/store/database-ping.js';
import { createRecordingRepository } from '../../../src/store/recordings.js';
import { seedAttempt, seedCampaign, seedLeads } from '../../support/contract-seed.js';
import { describeEachStore } from '../../support/each-store.js';
import { sampleCampaign, sampleLeads, sampleRecording, T0 } from '../../support/store-fixtures.js';

describeEachStore('campaigns', (store) => {
  it('stores a campaign and reads every setting back as it was given', async () => {
    const recordings = createRecordingRepository(store().db);
    await recordings.insert(sampleRecording('rec-consent'));
    const campaign = sampleCampaign({
      id: 'campaign-full',
      startsAt: T0 + 1,
      endsAt: T0 + 86_400_000 * 400,
      blackoutDates: [{ from: '2026-12-24', to: '2026-12-26', name: 'Holidays' }],
      frequencyCaps: { per24h: 2, per7d: null, per30d: 9 },
      allowExtensions: true,
      consent: { enabled: true, recordingId: 'rec-consent', timeoutSec: 8 },
      abandonCapPercent: 2.5,
      optOutDigit: '9',
      dialString: 'PJSIP/{e164digits}@carrier',
    });
    const repository = createCampaignRepository(store().db);
    await repository.insert(campaign);
    expect(await repository.get('campaign-full')).toEqual(campaign);
    expect(await repository.list()).toEqual([campaign]);
  });

  it('lists campaigns by creation, then id, and hides the deleted ones', async () => {
    const repository = createCampaignRepository(store().db);
    for (const [id, createdAt] of [
      ['b', T0],
      ['a', T0],
      ['c', T0 - 1],
    ] as const) {
      await repository.insert(sampleCampaign({ id, createdAt }));
    }
    expect((await repository.list()).map((c) => c.id)).toEqual(['c', 'a', 'b']);
    expect(await repository.delete('a', T0 + 5)).toBe(true);
    expect(await repository.delete('a', T0 + 6)).toBe(false);
    expect((await repository.list()).map((c) => c.id)).toEqual(['c', 'b']);
    expect(await repository.get('a')).toBeUndefined();
    expect(await repository.update('a', { name: 'gone' }, T0 + 7)).toBe(false);
  });

  it('changes settings and status by compare-and-set', async () => {
    const repository = createCampaignRepository(store().db);
    await seedCampaign(store().db, { id: 'c1' });
    expect(await repository.update('c1', { name: 'Renamed', maxConcurrent: 9 }, T0 + 1)).toBe(true);
    expect(await repository.changeStatus('c1', 'running', 'paused', null, T0 + 2)).toBe(false);
    expect(await repository.changeStatus('c1', 'draft', 'running', 'go', T0 + 3)).toBe(true);
    expect(await repository.get('c1')).toMatchObject({
      name: 'Renamed',
      maxConcurrent: 9,
      status: 'running',
      statusReason: 'go',
      updatedAt: T0 + 3,
    });
  });

  it('edits through the editing store, which knows the recordings', async () => {
    const editing = createCampaignEditingStore(store().db);
    await editing.insert(sampleCampaign({ id: 'c1' }));
    expect(await editing.recordingExists('nope')).toBe(false);
    await createRecordingRepository(store().db).insert(sampleRecording('rec-1'));
    expect(await editing.recordingExists('rec-1')).toBe(true);
    expect(await editing.update('c1', { ringTimeoutSec: 45 }, T0 + 1)).toBe(true);
    expect((await editing.get('c1'))?.ringTimeoutSec).toBe(45);
  });

  it('stops a campaign canceling its pending leads in one transaction, and counts what is open', async () => {
    const { db } = store();
    const control = createCampaignControlStore(db);
    await seedCampaign(db, { id: 'c1', status: 'running' });
    await seedLeads(db, sampleLeads('c1', 3));
    await seedAttempt(db, { id: 'a1', campaignId: 'c1', leadId: 'lead-1' });
    await db.updateTable('lead').set({ state: 'dialing' }).where('id', '=', 'lead-1').execute();

    expect(await control.countOpenAttempts('c1')).toBe(1);
    expect(await control.changeStatusCancelingPending('c1', 'paused', 'stopped', T0)).toBeNull();
    expect(await control.changeStatusCancelingPending('c1', 'running', 'stopped', T0)).toBe(2);
    expect(await control.countLeadsByState('c1')).toEqual({
      pending: 0,
      dialing: 1,
      completed: 0,
      failed: 0,
      canceled: 2,
      dnc: 0,
    });
    expect((await control.getCampaign('c1'))?.status).toBe('stopped');
    expect((await control.getLead('lead-2'))?.state).toBe('canceled');
  });

  it('answers a ping', async () => {
    await expect(pingDatabase(store().db)).resolves.toBeUndefined();
  });
});
