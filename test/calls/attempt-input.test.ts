import { describe, expect, it } from 'vitest';
import { buildAttemptInput, channelIdFor } from '../../src/calls/attempt-input.js';
import type { Lead } from '../../src/campaign/lead.js';
import { sampleCampaign, T0 } from '../support/store-fixtures.js';

const lead: Lead = {
  id: 'lead-7',
  campaignId: 'campaign-reminders',
  phone: '+15550200007',
  name: 'Ada',
  timezone: null,
  phoneZones: [],
  waitReason: null,
  callerId: null,
  customVars: { appointment: '2026-11-25 10:30' },
  aiTarget: null,
  state: 'dialing',
  priority: 0,
  attempts: 1,
  nextAttemptAt: 0,
  lastOutcome: null,
  lastError: null,
  activeAttemptId: 'a-1',
  importSeq: 7,
  createdAt: T0,
  updatedAt: T0,
};
const identity = {
  stasisApp: 'dialstate',
  outboundIdentity: '6789',
  defaultDialString: 'Local/{number}@from-internal',
  aavaHandoffContext: 'dialstate-aava-handoff',
};
const consentMedia = { uri: 'sound:dialstate/consent', durationMs: 1970 };

describe('buildAttemptInput', () => {
  it('derives a deterministic channel id and sends identity and correlation as channel variables', () => {
    const input = buildAttemptInput({
      attemptId: 'a-1',
      campaign: sampleCampaign(),
      lead,
      identity,
      consentMedia,
      voicemailMedia: null,
    });
    expect(input.channelId).toBe(channelIdFor('a-1'));
    expect(input.channelId).toBe('dialstate-a-1');
    expect(input.originateVariables).toEqual({
      AMPUSER: '6789',
      'CALLERID(num)': '6789',
      __DIALSTATE_ATTEMPT_ID: 'a-1',
      __DIALSTATE_CAMPAIGN_ID: 'campaign-reminders',
      __DIALSTATE_LEAD_ID: 'lead-7',
      DIALSTATE_STASIS_APP: 'dialstate',
      DIALSTATE_AMD_OPTS: '2000,2000,1000,5000,100,50,10,256,5000',
      DIALSTATE_HOP_WAIT_MS: '15000',
    });
    // The verdict may wait for a restarted dialstate as long as the hop keeps the caller.
    expect(input.amd.timeoutMs).toBe(2000 + 5000 + 10_000 + 15_000);
    expect(input.handOffVariables).toEqual({
      AAVA_LEAD_VARS: '{"appointment":"2026-11-25 10:30"}',
      AI_CONTEXT: 'reminder',
      AI_PROVIDER: 'openai',
    });
    expect(input.consent).toEqual({
      media: 'sound:dialstate/consent',
      timeoutMs: 8000,
      promptMaxMs: 6970,
    });
    expect(input.voicemail).toBeNull();
    expect(input.ringTimeoutMs).toBe(30_000);
    expect(input.callerId).toBe('+15550100000');
  });

  it('tells the hop how long to keep a caller while dialstate is away', () => {
    const input = buildAttemptInput({
      attemptId: 'a-1',
      campaign: sampleCampaign(),
      lead,
      identity: { ...identity, hopWaitMs: 4_000 },
      consentMedia,
      voicemailMedia: null,
    });
    expect(input.originateVariables.DIALSTATE_HOP_WAIT_MS).toBe('4000');
    expect(input.amd.timeoutMs).toBe(2000 + 5000 + 10_000 + 4_000);
  });

  it('hands the lead to its own AI target when it has one', () => {
    const input = buildAttemptInput({
      attemptId: 'a-1',
      campaign: sampleCampaign(),
      lead: { ...lead, aiTarget: { kind: 'app', app: 'vip-agent', args: ['vip'] } },
      identity,
      consentMedia,
      voicemailMedia: null,
    });
    expect(input.aiTarget).toEqual({ kind: 'app', app: 'vip-agent', args: ['vip'] });
    expect(
      buildAttemptInput({
        attemptId: 'a-1',
        campaign: sampleCampaign(),
        lead,
        identity,
        consentMedia,
        voicemailMedia: null,
      }).aiTarget,
    ).toEqual(sampleCampaign().aiTarget);
  });

  it("prefers the lead's own caller id", () => {
    const input = buildAttemptInput({
      attemptId: 'a-1',
      campaign: sampleCampaign(),
      lead: { ...lead, callerId: '+15550109999' },
      identity,
      consentMedia,
      voicemailMedia: null,
    });
    expect(input.callerId).toBe('+15550109999');
  });

  it('refuses to dial without the consent or voicemail recording the campaign promises', () => {
    expect(() =>
      buildAttemptInput({
        attemptId: 'a-1',
        campaign: sampleCampaign(),
        lead,
        identity,
        consentMedia: null,
        voicemailMedia: null,
      }),
    ).toThrow(/consent on but no consent recording/);
    expect(() =>
      buildAttemptInput({
        attemptId: 'a-1',
        campaign: sampleCampaign({
          consent: { enabled: false, recordingId: null, timeoutSec: 8 },
          voicemail: { enabled: true, recordingId: null, greetingMaxWaitSec: 20 },
        }),
        lead,
        identity,
        consentMedia: null,
        voicemailMedia: null,
      }),
    ).toThrow(/voicemail drop on but no voicemail recording/);
  });

  it('bounds the lead variables handed to the AI target', () => {
    expect(() =>
      buildAttemptInput({
        attemptId: 'a-1',
        campaign: sampleCampaign(),
        lead: { ...lead, customVars: { notes: 'x'.repeat(5000) } },
        identity,
        consentMedia,
        voicemailMedia: null,
      }),
    ).toThrow(/more than 4095 bytes/);
  });
});
