import type { Kysely } from 'kysely';
import type { CampaignEditingStore } from '../control/campaign-editing.js';
import { createCampaignRepository } from './campaigns.js';
import { createRecordingRepository } from './recordings.js';
import type { Database } from './schema.js';

/** The store side of editing campaigns' settings, over the repositories. */
export function createCampaignEditingStore(db: Kysely<Database>): CampaignEditingStore {
  const campaigns = createCampaignRepository(db);
  const recordings = createRecordingRepository(db);
  return {
    get: (id) => campaigns.get(id),
    insert: (campaign) => campaigns.insert(campaign),
    update: (id, settings, at) => campaigns.update(id, settings, at),
    recordingExists: async (id) => (await recordings.get(id)) !== undefined,
  };
}
