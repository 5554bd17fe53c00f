import { describe, expect, it } from 'vitest';
import { DEFAULT_AMD_PARAMETERS } from '../../src/campaign/amd-parameters.js';
import { CAMPAIGN_DEFAULTS } from '../../src/campaign/campaign-defaults.js';
import { campaignSettingsSchema } from '../../src/http/campaign-schemas.js';
import { AMD_FIELDS } from '../../web/src/view/amd-help.js';
import {
  type CampaignForm,
  formFromSettings,
  toSettings,
} from '../../web/src/view/campaign-form.js';

// A new campaign's form starts from the server's defaults (GET /api/meta serves them).
const base = { ...CAMPAIGN_DEFAULTS, name: 'Reminders', timezone: 'Europe/London' };
const form = (change: Partial<CampaignForm> = {}): CampaignForm => ({
  ...formFromSettings(base),
  ...change,
});

describe('campaign form', () => {
  it('lists the nine AMD() arguments in the server’s order', () => {
    expect(AMD_FIELDS.map((f) => f.name)).toEqual(Object.keys(DEFAULT_AMD_PARAMETERS));
  });

  it('gives back the settings it was made from, which the API schema accepts', () => {
    const result = toSettings(form());
    expect(result).toEqual({ ok: true, settings: base });
    if (result.ok) expect(campaignSettingsSchema.safeParse(result.settings).success).toBe(true);
  });

  it('round-trips an AAVA target, a trunk dial string and a retried failed hand-off', () => {
    const settings = {
      ...base,
      dialString: 'PJSIP/{e164digits}@carrier',
      aiTarget: {
        kind: 'aava' as const,
        app: 'asterisk-ai-voice-agent',
        agent: 'sales',
        provider: 'openai',
        audioProfile: null,
      },
      retry: { maxAttempts: 3, retryAfterMinutes: { busy: 10, handoff_failed: 30 } },
    };
    const result = toSettings(formFromSettings(settings));
    expect(result).toEqual({ ok: true, settings });
    if (result.ok) expect(campaignSettingsSchema.safeParse(result.settings).success).toBe(true);
  });

  it('round-trips the compliance settings, and empty as off', () => {
    const settings = {
      ...base,
      optOutDigit: '9',
      optOutRecordingId: 'rec-goodbye',
      abandonCapPercent: 2.5,
      safeHarbourRecordingId: 'rec-safe-harbour',
    };
    const result = toSettings(formFromSettings(settings));
    expect(result).toEqual({ ok: true, settings });
    if (result.ok) expect(campaignSettingsSchema.safeParse(result.settings).success).toBe(true);
    expect(toSettings(form({ optOutDigit: ' ', abandonCapPercent: '' }))).toMatchObject({
      ok: true,
      settings: { optOutDigit: null, abandonCapPercent: null },
    });
    expect(toSettings(form({ abandonCapPercent: 'three' }))).toEqual({
      ok: false,
      issues: [{ path: 'abandonCapPercent', message: '“three” is not a number' }],
    });
  });

  it('sends numbers exactly as typed, fractions and out-of-range values included', () => {
    const result = toSettings(form({ maxConcurrent: '2.5', ringTimeoutSec: '0' }));
    expect(result.ok && result.settings.maxConcurrent).toBe(2.5);
    expect(result.ok && result.settings.ringTimeoutSec).toBe(0);
  });

  it('refuses text where a number goes and empty numbers, keyed like the API’s issues', () => {
    const result = toSettings(
      form({
        maxConcurrent: '',
        minIntervalMs: '1 000',
        amd: { ...form().amd, greeting: '2s' },
        retry: { ...form().retry, busy: { on: true, minutes: 'ten' } },
      }),
    );
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: 'retry.retryAfterMinutes.busy', message: '“ten” is not a number' },
        { path: 'maxConcurrent', message: 'required' },
        { path: 'minIntervalMs', message: '“1 000” is not a number' },
        { path: 'amd.greeting', message: '“2s” is not a number' },
      ],
    });
  });

  it('leaves out the outcomes whose retry is switched off, whatever minutes they hold', () => {
    const result = toSettings(
      form({ retry: { ...form().retry, busy: { on: false, minutes: '10' } } }),
    );
    expect(result.ok && result.settings.retry.retryAfterMinutes).toEqual({
      no_answer: 60,
      congestion: 5,
      unavailable: 60,
      interrupted: 5,
    });
  });

  it('reads absolute dates in the campaign’s time zone, and empty as none', () => {
    const result = toSettings(form({ startsAt: '2026-07-01T09:00', endsAt: '' }));
    // London is on BST (UTC+1) in July.
    expect(result.ok && result.settings.startsAt).toBe(Date.UTC(2026, 6, 1, 8, 0));
    expect(result.ok && result.settings.endsAt).toBeNull();
    expect(formFromSettings({ ...base, startsAt: Date.UTC(2026, 6, 1, 8, 0) }).startsAt).toBe(
      '2026-07-01T09:00',
    );
  });

  it('turns empty optional texts into null and splits app arguments by line', () => {
    const result = toSettings(
      form({ callerId: '', aiKind: 'app', aiApp: 'agent', aiArgs: 'a\nb c' }),
    );
    expect(result.ok && result.settings.callerId).toBeNull();
    expect(result.ok && result.settings.aiTarget).toEqual({
      kind: 'app',
      app: 'agent',
      args: ['a', 'b c'],
    });
  });
});
