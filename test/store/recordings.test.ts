import { describe, expect, it } from 'vitest';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import { createRecordingRepository } from '../../src/store/recordings.js';
import { sampleCampaign, sampleRecording, T0 } from '../support/store-fixtures.js';
import { useStoreWorkspace } from '../support/store-workspace.js';

const workspace = useStoreWorkspace();

describe('recording repository', () => {
  it('stores recordings and lists them by name', async () => {
    const recordings = createRecordingRepository(workspace.store.db);
    const voicemail = sampleRecording('rec-voicemail', { name: 'Voicemail message' });
    const consent = sampleRecording('rec-consent', { name: 'Consent prompt' });
    await recordings.insert(voicemail);
    await recordings.insert(consent);

    expect(await recordings.get('rec-voicemail')).toEqual(voicemail);
    expect(await recordings.list()).toEqual([consent, voicemail]);
  });

  it('refuses to delete a recording a campaign uses, and deletes it once unused', async () => {
    const recordings = createRecordingRepository(workspace.store.db);
    const campaigns = createCampaignRepository(workspace.store.db);
    await recordings.insert(sampleRecording('rec-consent', { name: 'Consent prompt' }));
    const campaign = sampleCampaign({
      consent: { enabled: true, recordingId: 'rec-consent', timeoutSec: 8 },
    });
    await campaigns.insert(campaign);

    expect(await recordings.delete('rec-consent')).toEqual({ ok: false, reason: 'inUse' });
    expect(await recordings.get('rec-consent')).toBeDefined();

    await campaigns.update(
      campaign.id,
      { consent: { ...campaign.consent, recordingId: null } },
      T0,
    );
    expect(await recordings.delete('rec-consent')).toEqual({ ok: true });
    expect(await recordings.delete('rec-consent')).toEqual({ ok: false, reason: 'notFound' });
  });

  it('refuses a campaign that names a recording that does not exist', async () => {
    const campaigns = createCampaignRepository(workspace.store.db);
    const campaign = sampleCampaign({
      voicemail: { enabled: true, recordingId: 'rec-missing', greetingMaxWaitSec: 20 },
    });
    await expect(campaigns.insert(campaign)).rejects.toThrow(/FOREIGN KEY constraint failed/);
  });

  it('renames a recording, and finds none to rename under an unknown id', async () => {
    const recordings = createRecordingRepository(workspace.store.db);
    const consent = sampleRecording('rec-consent', { name: 'Consent prompt' });
    await recordings.insert(consent);

    const renamed = await recordings.rename('rec-consent', 'Consent, short', T0 + 1000);
    expect(renamed).toEqual({ ...consent, name: 'Consent, short', updatedAt: T0 + 1000 });
    expect(await recordings.get('rec-consent')).toEqual(renamed);
    expect(await recordings.rename('rec-missing', 'Anything', T0)).toBeUndefined();
  });

  it('tells which campaigns use each recording and as what, archived ones included', async () => {
    const recordings = createRecordingRepository(workspace.store.db);
    const campaigns = createCampaignRepository(workspace.store.db);
    await recordings.insert(sampleRecording('rec-consent', { name: 'Consent prompt' }));
    await recordings.insert(sampleRecording('rec-voicemail', { name: 'Voicemail message' }));
    await recordings.insert(sampleRecording('rec-unused', { name: 'Unused' }));
    await campaigns.insert(
      sampleCampaign({
        id: 'campaign-b',
        name: 'B reminders',
        status: 'archived',
        consent: { enabled: false, recordingId: 'rec-consent', timeoutSec: 8 },
        voicemail: { enabled: true, recordingId: 'rec-consent', greetingMaxWaitSec: 20 },
      }),
    );
    await campaigns.insert(
      sampleCampaign({
        id: 'campaign-a',
        name: 'A follow-ups',
        consent: { enabled: true, recordingId: 'rec-consent', timeoutSec: 8 },
        voicemail: { enabled: true, recordingId: 'rec-voicemail', greetingMaxWaitSec: 20 },
      }),
    );
    await campaigns.insert(sampleCampaign({ id: 'campaign-c', name: 'C no media' }));

    const a = { campaignId: 'campaign-a', campaignName: 'A follow-ups', campaignStatus: 'draft' };
    const b = { campaignId: 'campaign-b', campaignName: 'B reminders', campaignStatus: 'archived' };
    expect(await recordings.uses()).toEqual(
      new Map([
        [
          'rec-consent',
          [
            { ...a, roles: ['consent'] },
            { ...b, roles: ['consent', 'voicemail'] },
          ],
        ],
        ['rec-voicemail', [{ ...a, roles: ['voicemail'] }]],
      ]),
    );
    expect(await recordings.uses('rec-voicemail')).toEqual(
      new Map([['rec-voicemail', [{ ...a, roles: ['voicemail'] }]]]),
    );
    expect(await recordings.uses('rec-unused')).toEqual(new Map());
  });

  it('remembers a shipped recording as installed after it is deleted, and installs it only once', async () => {
    const recordings = createRecordingRepository(workspace.store.db);
    const shipped = sampleRecording('default-consent', { name: 'Default consent prompt' });
    await recordings.insertShipped('consent', shipped);
    await recordings.insertShipped('consent', { ...shipped, name: 'Installed twice' });

    expect(await recordings.list()).toEqual([shipped]);
    expect(await recordings.shippedKeys()).toEqual(new Set(['consent']));
    expect(await recordings.delete('default-consent')).toEqual({ ok: true });
    expect(await recordings.shippedKeys()).toEqual(new Set(['consent']));
  });
});
