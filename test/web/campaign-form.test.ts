import { describe, expect, it } from 'vitest';
import { DEFAULT_AMD_PARAMETERS } from '../../src/campaign/amd-parameters.js';
import { CAMPAIGN_DEFAULTS } from '../../src/campaign/campaign-defaults.js';
import { usFederalHolidays } from '../../src/compliance/holiday-presets.js';
import { campaignSettingsSchema } from '../../src/http/campaign-schemas.js';
import { AMD_FIELDS } from '../../web/src/view/amd-help.js';
import {
  appendBlackouts,
  type CampaignForm,
  formFromSettings,
  formKeys,
  toSettings,
} from '../../web/src/view/campaign-form.js';
import { placeIssues } from '../../web/src/view/field-issues.js';

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

  it('round-trips the PBXs a campaign names, and an empty list as every PBX', () => {
    const settings = { ...base, pbxs: ['east', 'west'] };
    expect(formFromSettings(settings).pbxs).toBe('east, west');
    expect(toSettings(formFromSettings(settings))).toEqual({ ok: true, settings });
    expect(toSettings(form({ pbxs: ' east ,, west ' }))).toEqual({
      ok: true,
      settings: { ...base, pbxs: ['east', 'west'] },
    });
    expect(toSettings(form({ pbxs: '  ' }))).toEqual({ ok: true, settings: base });
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

  it('round-trips blackout dates and frequency caps, empty caps as the server’s', () => {
    const settings = {
      ...base,
      blackoutDates: [
        { from: '2026-12-24', to: '2026-12-26', name: 'Christmas' },
        { from: '2027-01-01', to: '2027-01-01', name: null },
      ],
      frequencyCaps: { per24h: 1, per7d: null, per30d: 6 },
    };
    const edited = formFromSettings(settings);
    expect(edited.blackoutDates).toEqual([
      { from: '2026-12-24', to: '2026-12-26', name: 'Christmas' },
      { from: '2027-01-01', to: '2027-01-01', name: '' },
    ]);
    expect([edited.capPer24h, edited.capPer7d, edited.capPer30d]).toEqual(['1', '', '6']);
    const result = toSettings(edited);
    expect(result).toEqual({ ok: true, settings });
    if (result.ok) expect(campaignSettingsSchema.safeParse(result.settings).success).toBe(true);
  });

  it('reads an empty “to” as the “from” day alone and a blank name as none', () => {
    const result = toSettings(
      form({ blackoutDates: [{ from: '2026-07-03', to: '', name: '  ' }], capPer7d: ' 3 ' }),
    );
    expect(result).toMatchObject({
      ok: true,
      settings: {
        blackoutDates: [{ from: '2026-07-03', to: '2026-07-03', name: null }],
        frequencyCaps: { per24h: null, per7d: 3, per30d: null },
      },
    });
  });

  it('refuses a blackout row without its first day and a cap that is not a number', () => {
    const result = toSettings(
      form({
        blackoutDates: [
          { from: '2026-07-03', to: '', name: '' },
          { from: '', to: '2026-07-05', name: 'Weekend' },
        ],
        capPer24h: 'two',
      }),
    );
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: 'blackoutDates.1.from', message: 'required' },
        { path: 'frequencyCaps.per24h', message: '“two” is not a number' },
      ],
    });
  });

  it('places the API’s blackout issues at the entry they name, and list-wide ones on the list', () => {
    const placed = placeIssues(
      [
        { path: 'body.blackoutDates.1.name', message: 'too long' },
        {
          path: 'body.blackoutDates',
          message: 'blackout 2 (2026-07-05..2026-07-01): ends before it starts',
        },
        { path: 'body.frequencyCaps.per30d', message: 'at most 1000' },
      ],
      formKeys(2),
    );
    expect(placed).toEqual({
      byField: {
        'blackoutDates.1.name': ['too long'],
        blackoutDates: ['blackout 2 (2026-07-05..2026-07-01): ends before it starts'],
        'frequencyCaps.per30d': ['at most 1000'],
      },
      unplaced: [],
    });
    // A row no longer shown: the issue goes to the list rather than nowhere.
    expect(
      placeIssues([{ path: 'body.blackoutDates.4.to', message: 'x' }], formKeys(2)).byField,
    ).toEqual({ blackoutDates: ['x'] });
  });

  it('adds a holiday preset’s days that are not listed yet, keeping the rows typed', () => {
    const preset = usFederalHolidays(2027, 1).blackoutDates;
    const christmas = preset.find((day) => day.name === 'Christmas Day');
    if (christmas === undefined) throw new Error('the preset has no Christmas Day');
    const mine = { from: christmas.from, to: christmas.to, name: 'Closed' };
    const typed = [{ from: '2027-08-02', to: '', name: 'Staff day' }, mine];
    const once = appendBlackouts(typed, preset);
    expect(once.added).toBe(preset.length - 1);
    expect(once.rows.slice(0, 2)).toEqual(typed);
    expect(once.rows.filter((row) => row.from === christmas.from)).toEqual([mine]);
    expect(appendBlackouts(once.rows, preset)).toEqual({ rows: once.rows, added: 0 });
  });
});
