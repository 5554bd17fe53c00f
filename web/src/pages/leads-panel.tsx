import type { Campaign } from '../api.js';

/** The campaign's leads (filled in once the leads API lands). */
export function LeadsPanel(props: { campaign: Campaign }) {
  return <section aria-label={`Leads of ${props.campaign.name}`} />;
}
