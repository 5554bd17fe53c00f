import { describe, expect, it } from 'vitest';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '../../src/campaign/campaign.js';
import {
  availableActions,
  CAMPAIGN_ACTIONS,
  type CampaignAction,
  campaignTransition,
  checkStartPreconditions,
  endDateCompletionReason,
  type StartFacts,
} from '../../src/campaign/campaign-lifecycle.js';
import { sampleCampaign, T0 } from '../support/store-fixtures.js';

/** Every allowed move, written out as an operator reads the table. */
const EXPECTED: Record<CampaignAction, Partial<Record<CampaignStatus, CampaignStatus>>> = {
  start: { draft: 'running', paused: 'running', stopped: 'running', completed: 'running' },
  pause: { running: 'paused' },
  stop: { running: 'stopped', paused: 'stopped' },
  complete: { running: 'completed' },
  archive: { draft: 'archived', stopped: 'archived', completed: 'archived' },
  unarchive: { archived: 'stopped' },
};

describe('campaignTransition', () => {
  for (const action of CAMPAIGN_ACTIONS) {
    for (const from of CAMPAIGN_STATUSES) {
      const to = EXPECTED[action][from];
      it(`${action} ${to ? `moves ${from} to ${to}` : `is refused for a ${from} campaign`}`, () => {
        const result = campaignTransition(from, action);
        if (to) expect(result).toEqual({ ok: true, from, to });
        else expect(result).toMatchObject({ ok: false, reason: 'notAllowed', from, action });
      });
    }
  }

  it('names the statuses an action applies to when it refuses', () => {
    const result = campaignTransition('archived', 'start');
    expect(result).toMatchObject({
      ok: false,
      allowedFrom: ['draft', 'paused', 'stopped', 'completed'],
      message:
        'cannot start a campaign that is archived; start applies to draft, paused, stopped or completed campaigns',
    });
  });

  it('lists what an operator may do in each status', () => {
    expect(availableActions('running')).toEqual(['pause', 'stop', 'complete']);
    expect(availableActions('paused')).toEqual(['start', 'stop']);
    expect(availableActions('archived')).toEqual(['unarchive']);
  });

  it('never archives a campaign that may have live calls', () => {
    expect(campaignTransition('running', 'archive').ok).toBe(false);
    expect(campaignTransition('paused', 'archive').ok).toBe(false);
  });
});

describe('checkStartPreconditions', () => {
  const ready = sampleCampaign({
    consent: { enabled: true, recordingId: 'rec-consent', timeoutSec: 8 },
    voicemail: { enabled: false, recordingId: null, greetingMaxWaitSec: 20 },
  });
  const facts: StartFacts = {
    at: T0,
    pendingLeads: 3,
    dialingLeads: 0,
    recordings: { consent: true, voicemail: false },
    defaultDialString: 'Local/{number}@from-internal',
  };
  const codes = (problems: { code: string }[]) => problems.map((p) => p.code);

  it('lets a well configured campaign with pending leads start', () => {
    expect(checkStartPreconditions(ready, facts)).toEqual([]);
  });

  it('refuses a campaign with no lead left to dial', () => {
    const problems = checkStartPreconditions(ready, { ...facts, pendingLeads: 0 });
    expect(problems).toEqual([
      {
        code: 'noDialableLeads',
        message: 'the campaign has no lead left to dial; import leads or recycle finished ones',
      },
    ]);
  });

  it('lets a paused campaign whose only leads are live start again, so it can complete', () => {
    expect(checkStartPreconditions(ready, { ...facts, pendingLeads: 0, dialingLeads: 2 })).toEqual(
      [],
    );
  });

  it('refuses consent without a recording, and one that is not in the library', () => {
    const none = sampleCampaign({ consent: { enabled: true, recordingId: null, timeoutSec: 8 } });
    expect(checkStartPreconditions(none, facts)).toEqual([
      {
        code: 'consentWithoutRecording',
        message: 'the consent gate is on but no consent recording is chosen',
      },
    ]);
    const missing = checkStartPreconditions(ready, {
      ...facts,
      recordings: { consent: false, voicemail: false },
    });
    expect(missing[0]?.message).toBe(
      'the consent gate is on but its recording rec-consent is not in the library',
    );
  });

  it('refuses a voicemail drop without a recording', () => {
    const campaign = {
      ...ready,
      voicemail: { enabled: true, recordingId: null, greetingMaxWaitSec: 20 },
    };
    expect(codes(checkStartPreconditions(campaign, facts))).toEqual(['voicemailWithoutRecording']);
  });

  it('refuses an invalid calling window with what is wrong with it', () => {
    const campaign = {
      ...ready,
      timezone: 'Mars/Olympus',
      window: { start: '9:00', end: '18:00', days: [1, 2, 3, 4, 5] },
    };
    const [problem] = checkStartPreconditions(campaign, facts);
    expect(problem?.code).toBe('invalidWindow');
    expect(problem?.message).toContain('"Mars/Olympus" is not a known IANA time zone');
    expect(problem?.message).toContain('window start "9:00" is not a 24-hour HH:MM time');
  });

  it('refuses a campaign past its end date', () => {
    const campaign = { ...ready, endsAt: T0 - 1 };
    expect(codes(checkStartPreconditions(campaign, facts))).toEqual(['windowNeverOpens']);
  });

  it('refuses a campaign stored with text the PBX would misread, saying which', () => {
    const campaign = {
      ...ready,
      callerId: 'Clinic <6789>\r\nX: 1',
      aiAgent: 'agent\u0000',
      aiTarget: { kind: 'dialplan' as const, context: '../ctx', extension: 's', priority: 1 },
    };
    const problems = checkStartPreconditions(campaign, facts);
    expect(codes(problems)).toEqual(['invalidAiTarget', 'invalidPbxText']);
    expect(problems[0]?.message).toBe(
      'the AI target cannot be used: the dialplan context may only hold letters, digits, "-" and "_"',
    );
    expect(problems[1]?.message).toMatch(
      /^text sent to the PBX is refused: the caller id .*; AI_AGENT .*U\+0000/,
    );
  });

  it('refuses a campaign naming a PBX that is not configured and enabled', () => {
    const campaign = { ...ready, pbxs: ['east', 'gone'] };
    const pbxFacts = { ...facts, pbxNames: ['east', 'west'] };
    expect(checkStartPreconditions(campaign, pbxFacts)).toEqual([
      {
        code: 'unknownPbx',
        message:
          'the campaign names PBXs that are not configured and enabled: gone (enabled: east, west)',
      },
    ]);
    expect(checkStartPreconditions({ ...ready, pbxs: ['west'] }, pbxFacts)).toEqual([]);
    // One PBX: the names are not checked (every campaign dials on it).
    expect(checkStartPreconditions(campaign, facts)).toEqual([]);
  });

  it('reports every problem at once', () => {
    const campaign = {
      ...ready,
      maxConcurrent: 0,
      minIntervalMs: -1,
      ringTimeoutSec: 0,
      consent: { enabled: true, recordingId: 'rec-consent', timeoutSec: 0 },
      voicemail: { enabled: true, recordingId: 'rec-vm', greetingMaxWaitSec: 0 },
      amd: { ...ready.amd, totalAnalysisTime: 10 },
      retry: { maxAttempts: 0, retryAfterMinutes: { busy: -5 } },
      aiTarget: { kind: 'app' as const, app: ' ', args: [] },
    };
    const problems = checkStartPreconditions(campaign, { ...facts, pendingLeads: 0 });
    expect(codes(problems)).toEqual([
      'noDialableLeads',
      'voicemailWithoutRecording',
      'invalidPacing',
      'invalidPacing',
      'invalidRingTimeout',
      'invalidConsentTimeout',
      'invalidGreetingWait',
      'invalidAmd',
      'invalidRetryPolicy',
      'invalidAiTarget',
    ]);
    expect(problems.find((p) => p.code === 'invalidRetryPolicy')?.message).toBe(
      'the retry policy is invalid: max attempts must be a whole number ≥ 1 (got 0); the delay after busy must be 0 minutes or more (got -5)',
    );
  });
});

describe('endDateCompletionReason', () => {
  it('completes a campaign from its end date on, saying when it ended', () => {
    const campaign = sampleCampaign({ endsAt: T0 + 60_000 });
    expect(endDateCompletionReason(campaign, T0 + 59_999)).toBeNull();
    expect(endDateCompletionReason(campaign, T0 + 60_000)).toMatch(
      /^the end date passed \(the campaign ended at 2026-11-24 09:01 \(America\/New_York\)\)/,
    );
  });

  it('leaves campaigns without an end date, or with invalid window settings, alone', () => {
    expect(endDateCompletionReason(sampleCampaign({ endsAt: null }), T0 + 1e12)).toBeNull();
    const invalid = sampleCampaign({ endsAt: T0, timezone: 'Mars/Olympus' });
    expect(endDateCompletionReason(invalid, T0 + 60_000)).toBeNull();
  });
});
