import { type ApiInput, apiFetch, apiUrl, request } from '../api/api.js';

/**
 * Leads whose numbers pick the embedded simulator's far ends by their last two digits
 * (docs/simulator.md): a person who accepts, one who refuses, one who says nothing, an
 * answering machine, a busy line, no answer, congestion and an invalid number — every
 * kind of ending an operator will meet, within about a minute.
 */
const DEMO_LEADS = [
  ['+1 415 555 0101', 'Ada (accepts)'],
  ['+1 415 555 0202', 'Brian (declines)'],
  ['+1 415 555 0303', 'Chloe (stays silent)'],
  ['+1 415 555 0404', 'Dev (voicemail)'],
  ['+1 415 555 0707', 'Emma (busy)'],
  ['+1 415 555 0808', 'Farid (no answer)'],
  ['+1 415 555 0909', 'Gus (congestion)'],
  ['+1 415 555 1010', 'Hana (invalid number)'],
] as const;

/** The demo's leads as a CSV file, as an operator would import them. */
export function demoLeadsCsv(): string {
  return `phone,name\n${DEMO_LEADS.map(([phone, name]) => `${phone},${name}`).join('\n')}\n`;
}

/**
 * Creates, fills and starts a campaign against the embedded simulator, through the same
 * API calls an operator's clicks make: open all day, every day, four calls at once, the
 * shipped consent and voicemail prompts, and consenting people handed to the
 * simulator's stand-in AI voice agent (AAVA) over a direct-trunk dial string, as a real
 * AAVA needs. Returns the campaign's id.
 */
export async function startDemoCampaign(timezone: string): Promise<string> {
  // Anything left out takes the server's defaults.
  const settings: ApiInput<'/campaigns', '$post'>['json'] = {
    name: 'Demo — simulated calls',
    timezone,
    window: { start: '00:00', end: '00:00', days: [1, 2, 3, 4, 5, 6, 7] },
    maxConcurrent: 4,
    ringTimeoutSec: 20,
    // AAVA takes calls only on trunk channels; any trunk name reaches the simulator.
    dialString: 'PJSIP/{e164digits}@demo-trunk',
    aiTarget: {
      kind: 'aava',
      app: 'asterisk-ai-voice-agent',
      agent: 'demo',
      provider: null,
      audioProfile: null,
    },
    consent: { enabled: true, recordingId: 'default-consent', timeoutSec: 8 },
    voicemail: { enabled: true, recordingId: 'default-voicemail', greetingMaxWaitSec: 20 },
    retry: { maxAttempts: 1, retryAfterMinutes: {} },
  };
  const campaign = await request('$post', '/campaigns', { json: settings });
  // apiFetch throws the API's error for anything but a 2xx.
  await apiFetch(apiUrl('/campaigns/:id/leads/import', { id: campaign.id }), {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: demoLeadsCsv(),
  });
  await request('$post', '/campaigns/:id/start', { param: { id: campaign.id } });
  return campaign.id;
}
