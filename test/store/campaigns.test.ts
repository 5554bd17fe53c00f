import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startCampaignPurger } from '../../src/store/campaign-purge.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import { createLeadRepository } from '../../src/store/leads.js';
import { sampleCampaign, sampleLeads, T0 } from '../support/store-fixtures.js';
import { useStoreWorkspace } from '../support/store-workspace.js';

const workspace = useStoreWorkspace();

describe('campaign repository', () => {
  it('stores a campaign and reads back exactly what it was given', async () => {
    const campaigns = createCampaignRepository(workspace.store.db);
    const campaign = sampleCampaign({
      aiTarget: { kind: 'app', app: 'ai-agent', args: ['en', 'reminder'] },
      startsAt: T0,
      endsAt: T0 + 86_400_000,
      allowExtensions: true,
    });
    await campaigns.insert(campaign);
    expect(await campaigns.get(campaign.id)).toEqual(campaign);
    expect(await campaigns.get('campaign-missing')).toBeUndefined();
  });

  it('keeps the PBXs a campaign names, and every PBX again once they are cleared', async () => {
    const campaigns = createCampaignRepository(workspace.store.db);
    const campaign = sampleCampaign({ pbxs: ['east', 'west'] });
    await campaigns.insert(campaign);
    expect((await campaigns.get(campaign.id))?.pbxs).toEqual(['east', 'west']);
    await campaigns.update(campaign.id, { pbxs: null }, T0 + 1);
    expect((await campaigns.get(campaign.id))?.pbxs).toBeNull();
    await campaigns.update(campaign.id, { pbxs: ['north'] }, T0 + 2);
    expect((await campaigns.get(campaign.id))?.pbxs).toEqual(['north']);
  });

  it('lists campaigns oldest first', async () => {
    const campaigns = createCampaignRepository(workspace.store.db);
    await campaigns.insert(sampleCampaign({ id: 'campaign-b', createdAt: T0 + 1 }));
    await campaigns.insert(sampleCampaign({ id: 'campaign-a', createdAt: T0 + 2 }));
    expect((await campaigns.list()).map((c) => c.id)).toEqual(['campaign-b', 'campaign-a']);
  });

  it('changes only the settings it is given', async () => {
    const campaigns = createCampaignRepository(workspace.store.db);
    const campaign = sampleCampaign();
    await campaigns.insert(campaign);
    const window = { start: '22:00', end: '06:00', days: [6, 7] };
    const voicemail = { enabled: true, recordingId: null, greetingMaxWaitSec: 15 };

    expect(
      await campaigns.update(campaign.id, { window, voicemail, maxConcurrent: 9 }, T0 + 5),
    ).toBe(true);
    expect(await campaigns.get(campaign.id)).toEqual({
      ...campaign,
      window,
      voicemail,
      maxConcurrent: 9,
      updatedAt: T0 + 5,
    });
    expect(await campaigns.update('campaign-missing', { name: 'x' }, T0)).toBe(false);
  });

  it('changes status only from the expected status', async () => {
    const campaigns = createCampaignRepository(workspace.store.db);
    const campaign = sampleCampaign();
    await campaigns.insert(campaign);

    expect(await campaigns.changeStatus(campaign.id, 'running', 'paused', null, T0 + 1)).toBe(
      false,
    );
    expect((await campaigns.get(campaign.id))?.status).toBe('draft');

    expect(await campaigns.changeStatus(campaign.id, 'draft', 'running', null, T0 + 2)).toBe(true);
    expect(
      await campaigns.changeStatus(campaign.id, 'running', 'paused', 'ARI unreachable', T0 + 3),
    ).toBe(true);
    expect(await campaigns.get(campaign.id)).toMatchObject({
      status: 'paused',
      statusReason: 'ARI unreachable',
      updatedAt: T0 + 3,
    });
  });

  it('rejects a status outside the campaign vocabulary', async () => {
    const campaigns = createCampaignRepository(workspace.store.db);
    await expect(
      campaigns.insert(sampleCampaign({ status: 'dialing' as 'running' })),
    ).rejects.toThrow(/CHECK constraint failed/);
  });

  it('deletes a campaign at once for readers, and its leads in the background', async () => {
    const campaigns = createCampaignRepository(workspace.store.db);
    const leads = createLeadRepository(workspace.store.db);
    const campaign = sampleCampaign();
    await campaigns.insert(campaign);
    await leads.insert(sampleLeads(campaign.id, 2));

    expect(await campaigns.delete(campaign.id, 1)).toBe(true);
    expect(await campaigns.get(campaign.id)).toBeUndefined();
    expect(await campaigns.list()).toEqual([]);
    expect(await campaigns.update(campaign.id, { name: 'x' }, 2)).toBe(false);
    expect(await campaigns.delete(campaign.id, 2)).toBe(false);

    const purger = startCampaignPurger({ store: workspace.store, log: pino({ level: 'silent' }) });
    await purger.idle();
    expect(await leads.get('lead-1')).toBeUndefined();
    expect(await workspace.store.db.selectFrom('campaign').select('id').execute()).toEqual([]);
  });
});
