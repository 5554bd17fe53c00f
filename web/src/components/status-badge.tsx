import { campaignStatusLabel } from '../view/labels.js';

/** A campaign's status as a coloured badge (the word is always there, not just the colour). */
export function StatusBadge(props: { status: string }) {
  return <span class={`badge status-${props.status}`}>{campaignStatusLabel(props.status)}</span>;
}
