import type { Campaign } from '../../src/campaign/campaign.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import { createLeadRepository } from '../../src/store/leads.js';
import { createRecordingRepository } from '../../src/store/recordings.js';
import {
  openMigratedStore,
  sampleCampaign,
  sampleLead,
  T0,
  type TempDir,
} from './store-fixtures.js';

/**
 * Seeds a data folder for `dialstate serve`: the stock consent and voicemail sounds the
 * simulator plays with their real lengths, one running campaign open all day every day
 * with consent and voicemail drop on, and a lead per phone number.
 */
export async function seedDialingCampaign(
  dir: TempDir,
  campaign: Partial<Campaign> & { id: string },
  phones: readonly string[],
): Promise<void> {
  const store = await openMigratedStore(dir);
  try {
    const recordings = createRecordingRepository(store.db);
    for (const [id, uri, durationMs] of [
      ['rec-consent', 'sound:if-correct-press', 1_970],
      ['rec-voicemail', 'sound:vm-intro', 5_650],
    ] as const) {
      await recordings.insert({
        id,
        name: id,
        fileName: `${id}.ulaw`,
        mediaUri: uri,
        durationMs,
        sizeBytes: 0,
        sha256: '0'.repeat(64),
        createdAt: T0,
        updatedAt: T0,
      });
    }
    await createCampaignRepository(store.db).insert(
      sampleCampaign({
        status: 'running',
        window: { start: '00:00', end: '00:00', days: [1, 2, 3, 4, 5, 6, 7] },
        minIntervalMs: 0,
        consent: { enabled: true, recordingId: 'rec-consent', timeoutSec: 1 },
        voicemail: { enabled: true, recordingId: 'rec-voicemail', greetingMaxWaitSec: 2 },
        ...campaign,
      }),
    );
    const leads = phones.map((phone, index) => sampleLead(campaign.id, index + 1, { phone }));
    const inserted = await createLeadRepository(store.db).insert(leads);
    if (!inserted.ok) throw new Error('could not seed the leads');
  } finally {
    await store.close();
  }
}
