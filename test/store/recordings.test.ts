import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import type { Store } from '../../src/store/db.js';
import { createRecordingRepository, type Recording } from '../../src/store/recordings.js';
import {
  createTempDir,
  openMigratedStore,
  sampleCampaign,
  T0,
  type TempDir,
} from '../support/store-fixtures.js';

function sampleRecording(id: string, name: string): Recording {
  return {
    id,
    name,
    fileName: `${id}.ulaw`,
    mediaUri: `sound:dialstate/${id}`,
    durationMs: 4_200,
    sizeBytes: 33_600,
    sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    createdAt: T0,
    updatedAt: T0,
  };
}

let dir: TempDir;
let store: Store;
beforeEach(async () => {
  dir = createTempDir();
  store = await openMigratedStore(dir);
});
afterEach(async () => {
  await store.close();
  dir.remove();
});

describe('recording repository', () => {
  it('stores recordings and lists them by name', async () => {
    const recordings = createRecordingRepository(store.db);
    const voicemail = sampleRecording('rec-voicemail', 'Voicemail message');
    const consent = sampleRecording('rec-consent', 'Consent prompt');
    await recordings.insert(voicemail);
    await recordings.insert(consent);

    expect(await recordings.get('rec-voicemail')).toEqual(voicemail);
    expect(await recordings.list()).toEqual([consent, voicemail]);
  });

  it('refuses to delete a recording a campaign uses, and deletes it once unused', async () => {
    const recordings = createRecordingRepository(store.db);
    const campaigns = createCampaignRepository(store.db);
    await recordings.insert(sampleRecording('rec-consent', 'Consent prompt'));
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
    const campaigns = createCampaignRepository(store.db);
    const campaign = sampleCampaign({
      voicemail: { enabled: true, recordingId: 'rec-missing', greetingMaxWaitSec: 20 },
    });
    await expect(campaigns.insert(campaign)).rejects.toThrow(/FOREIGN KEY constraint failed/);
  });
});
