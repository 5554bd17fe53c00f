/** What of a lead its calling zones depend on (the API's `Lead` has both). */
interface LeadZones {
  timezone: string | null;
  phoneZones: readonly string[];
}

/**
 * The time zones a lead is called in, in words: its own; else its number's (all of them
 * must be inside the calling window at once); else the campaign's. The server decides
 * the same way at each claim (src/campaign/lead-window.ts).
 */
export function describeCallingZones(lead: LeadZones, campaignZone: string): string {
  if (lead.timezone !== null) return `${lead.timezone} (the lead's own)`;
  const [only, ...more] = lead.phoneZones;
  if (only === undefined) return `${campaignZone} (the campaign's: the number gives none)`;
  if (more.length === 0) return `${only} (from the number)`;
  return `${lead.phoneZones.join(', ')} (from the number: called only while the window is open in all)`;
}

/** The zone a lead's times read best in: its own, its number's first, else the campaign's. */
export function leadDisplayZone(lead: LeadZones, campaignZone: string): string {
  return lead.timezone ?? lead.phoneZones[0] ?? campaignZone;
}
