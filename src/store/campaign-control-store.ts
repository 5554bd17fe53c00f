import type { Kysely } from 'kysely';
import type { CampaignControlStore } from '../control/campaign-control.js';
import { createCampaignStatsReader } from './campaign-stats.js';
import { createCampaignRepository } from './campaigns.js';
import { createLeadOperations } from './lead-operations.js';
import { createLeadRepository } from './leads.js';
import { createRecordingRepository } from './recordings.js';
import type { Database } from './schema.js';

/** The store side of the operator's campaign controls, over the repositories. */
export function createCampaignControlStore(db: Kysely<Database>): CampaignControlStore {
  const campaigns = createCampaignRepository(db);
  const leads = createLeadRepository(db);
  const recordings = createRecordingRepository(db);
  const operations = createLeadOperations(db);
  const stats = createCampaignStatsReader(db);
  return {
    getCampaign: (id) => campaigns.get(id),
    getLead: (id) => leads.get(id),
    countLeadsByState: (campaignId) => leads.countByState(campaignId),
    recordingExists: async (id) => (await recordings.get(id)) !== undefined,
    changeStatus: (id, from, to, reason, at) => campaigns.changeStatus(id, from, to, reason, at),
    changeStatusCancelingPending: (id, from, to, at) =>
      db.transaction().execute(async (trx) => {
        if (!(await createCampaignRepository(trx).changeStatus(id, from, to, null, at))) {
          return null;
        }
        return createLeadOperations(trx).cancelAllPending(id, at);
      }),
    cancelPendingLead: (leadId, at) => operations.cancelPending(leadId, at),
    countOpenAttempts: (campaignId) => stats.countOpenAttempts(campaignId),
    deleteCampaign: (id, at) => campaigns.delete(id, at),
  };
}
