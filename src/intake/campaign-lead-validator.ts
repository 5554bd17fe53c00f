import type { Campaign } from '../campaign/campaign.js';
import { leadsRefusedBy } from '../campaign/campaign-lifecycle.js';
import { createLeadValidator, type LeadInput, type LeadValidation } from './lead-input.js';

export type CampaignLeadValidator =
  | { ok: true; campaign: Campaign; validate: (input: LeadInput) => LeadValidation }
  | { ok: false; reason: 'campaignNotFound' }
  /** The campaign takes no leads now (archived). */
  | { ok: false; reason: 'campaignClosed'; message: string }
  /** The campaign's settings cannot read numbers (an unknown default region). */
  | { ok: false; reason: 'invalidCampaign'; message: string };

/** The lead validator of a campaign: its region and extension rules, the field length limit. */
export async function loadCampaignLeadValidator(
  store: { getCampaign(campaignId: string): Promise<Campaign | undefined> },
  campaignId: string,
  maxFieldLength: number,
): Promise<CampaignLeadValidator> {
  const campaign = await store.getCampaign(campaignId);
  if (!campaign) return { ok: false, reason: 'campaignNotFound' };
  const refused = leadsRefusedBy(campaign);
  if (refused !== null) return { ok: false, reason: 'campaignClosed', message: refused };
  try {
    const validate = createLeadValidator({
      defaultRegion: campaign.defaultRegion,
      allowExtensions: campaign.allowExtensions,
      maxFieldLength,
    });
    return { ok: true, campaign, validate };
  } catch (error) {
    return {
      ok: false,
      reason: 'invalidCampaign',
      message: `default region: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
