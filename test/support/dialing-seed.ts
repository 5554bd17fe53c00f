import type { Campaign } from '../../src/campaign/campaign.js';
import { sampleLead, sampleRecording, seedDatabase, type TempDir } from './store-fixtures.js';

/** A campaign to seed, as overrides of the running defaults below, with its leads' phones. */
export interface DialingCampaignSeed {
  campaign: Partial<Campaign> & { id: string };
  phones: readonly string[];
}

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
  await seedDialingCampaigns(dir, [{ campaign, phones }]);
}

/** As `seedDialingCampaign`, for several campaigns at once; lead ids run on across them. */
export async function seedDialingCampaigns(
  dir: TempDir,
  seeds: readonly DialingCampaignSeed[],
): Promise<void> {
  let seq = 0;
  await seedDatabase(dir, {
    recordings: [
      sampleRecording('rec-consent', { mediaUri: 'sound:if-correct-press', durationMs: 1_970 }),
      sampleRecording('rec-voicemail', { mediaUri: 'sound:vm-intro', durationMs: 5_650 }),
    ],
    campaigns: seeds.map(({ campaign }) => ({
      status: 'running',
      window: { start: '00:00', end: '00:00', days: [1, 2, 3, 4, 5, 6, 7] },
      minIntervalMs: 0,
      consent: { enabled: true, recordingId: 'rec-consent', timeoutSec: 1 },
      voicemail: { enabled: true, recordingId: 'rec-voicemail', greetingMaxWaitSec: 2 },
      ...campaign,
    })),
    leads: seeds.flatMap(({ campaign, phones }) =>
      phones.map((phone) => {
        seq += 1;
        return sampleLead(campaign.id, seq, { phone });
      }),
    ),
  });
}
