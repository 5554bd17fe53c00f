import { describe, expect, it } from 'vitest';
import {
  type CampaignPacing,
  type GlobalPacing,
  type PacingCandidate,
  pacingVerdict,
  pickNextCampaign,
} from '../../src/campaign/pacing.js';

const AT = Date.UTC(2026, 2, 9, 14, 0, 0);

const campaign: CampaignPacing = {
  maxConcurrent: 3,
  minIntervalMs: 2_000,
  live: 1,
  lastOriginateAt: AT - 5_000,
};
const global: GlobalPacing = { maxChannels: 10, live: 4 };

describe('pacingVerdict', () => {
  it('lets a campaign with room and a long enough pause originate', () => {
    expect(pacingVerdict({ at: AT, campaign, global })).toEqual({ ok: true });
  });

  it('lets a campaign that never originated go at once', () => {
    expect(
      pacingVerdict({ at: AT, campaign: { ...campaign, lastOriginateAt: null }, global }),
    ).toEqual({ ok: true });
  });

  it('lets the next originate go exactly when the interval has passed', () => {
    const verdict = pacingVerdict({
      at: AT,
      campaign: { ...campaign, lastOriginateAt: AT - 2_000 },
      global,
    });
    expect(verdict).toEqual({ ok: true });
  });

  it('holds back until the interval since the last originate has passed', () => {
    const verdict = pacingVerdict({
      at: AT,
      campaign: { ...campaign, lastOriginateAt: AT - 500 },
      global,
    });
    expect(verdict).toEqual({ ok: false, reason: 'pacing', retryAt: AT + 1_500 });
  });

  it('holds back when the clock reads earlier than the last originate', () => {
    const verdict = pacingVerdict({
      at: AT,
      campaign: { ...campaign, lastOriginateAt: AT + 1_000 },
      global,
    });
    expect(verdict).toEqual({ ok: false, reason: 'pacing', retryAt: AT + 3_000 });
  });

  it('holds back at the campaign’s max concurrent, with no retry time', () => {
    const verdict = pacingVerdict({ at: AT, campaign: { ...campaign, live: 3 }, global });
    expect(verdict).toEqual({ ok: false, reason: 'atCampaignCapacity', retryAt: null });
  });

  it('holds back at the global channel cap', () => {
    const verdict = pacingVerdict({ at: AT, campaign, global: { maxChannels: 4, live: 4 } });
    expect(verdict).toEqual({ ok: false, reason: 'atGlobalCapacity', retryAt: null });
  });

  it('reports the campaign’s capacity before the global cap and pacing', () => {
    const verdict = pacingVerdict({
      at: AT,
      campaign: { ...campaign, live: 3, lastOriginateAt: AT },
      global: { maxChannels: 3, live: 3 },
    });
    expect(verdict).toMatchObject({ reason: 'atCampaignCapacity' });
  });

  it.each([
    ['a max concurrent of 0', { ...campaign, maxConcurrent: 0, live: 0 }, 'atCampaignCapacity'],
    ['an unknown live count', { ...campaign, live: Number.NaN }, 'atCampaignCapacity'],
    ['an unknown interval', { ...campaign, minIntervalMs: Number.NaN }, 'pacing'],
  ] as const)('holds back on %s', (_, odd, reason) => {
    expect(pacingVerdict({ at: AT, campaign: odd, global })).toMatchObject({ ok: false, reason });
  });
});

describe('pickNextCampaign', () => {
  const idle = (campaignId: string, lastOriginateAt: number | null): PacingCandidate => ({
    campaignId,
    maxConcurrent: 2,
    minIntervalMs: 1_000,
    live: 0,
    lastOriginateAt,
  });

  it('gives the turn to the campaign that originated least recently', () => {
    const pick = pickNextCampaign(
      [idle('a', AT - 3_000), idle('b', AT - 9_000), idle('c', AT - 5_000)],
      AT,
      global,
    );
    expect(pick).toEqual({ ok: true, campaignId: 'b' });
  });

  it('gives the turn first to a campaign that never originated', () => {
    const pick = pickNextCampaign([idle('a', AT - 9_000), idle('b', null)], AT, global);
    expect(pick).toEqual({ ok: true, campaignId: 'b' });
  });

  it('breaks ties by campaign id', () => {
    const pick = pickNextCampaign([idle('b', AT - 5_000), idle('a', AT - 5_000)], AT, global);
    expect(pick).toEqual({ ok: true, campaignId: 'a' });
  });

  it('orders campaigns that originated in the same ms by their originate sequence', () => {
    const pick = pickNextCampaign(
      [
        { ...idle('a', AT - 5_000), lastOriginateSeq: 8 },
        { ...idle('b', AT - 5_000), lastOriginateSeq: 7 },
      ],
      AT,
      global,
    );
    expect(pick).toEqual({ ok: true, campaignId: 'b' });
  });

  it('passes over campaigns that may not originate now', () => {
    const full = { ...idle('a', AT - 9_000), live: 2 };
    const paced = idle('b', AT - 100);
    expect(pickNextCampaign([full, paced, idle('c', AT - 2_000)], AT, global)).toEqual({
      ok: true,
      campaignId: 'c',
    });
  });

  it('says when pacing next lets a campaign go when none may now', () => {
    const pick = pickNextCampaign(
      [idle('a', AT - 100), idle('b', AT - 700), { ...idle('c', null), live: 2 }],
      AT,
      global,
    );
    expect(pick).toEqual({ ok: false, retryAt: AT + 300 });
  });

  it('has no retry time when every campaign is at capacity', () => {
    const pick = pickNextCampaign([idle('a', null)], AT, { maxChannels: 4, live: 4 });
    expect(pick).toEqual({ ok: false, retryAt: null });
  });

  it('has no pick and no retry time without candidates', () => {
    expect(pickNextCampaign([], AT, global)).toEqual({ ok: false, retryAt: null });
  });
});

describe('pacing over a simulated run', () => {
  interface SimulatedCampaign extends PacingCandidate {
    originates: number[];
  }

  /** Call lengths (ms) cycled through in order: fixed, so every run is the same. */
  const CALL_LENGTHS = [1_500, 4_200, 800, 12_000, 3_100, 600, 9_000, 2_300, 27_000, 5_000];
  const STEP_MS = 100;

  /**
   * Advances a plain number as the clock. Each step ends the calls that are over, then
   * lets campaigns originate in the order `pickNextCampaign` gives until it says none may.
   */
  function run(campaigns: SimulatedCampaign[], maxChannels: number, steps: number) {
    const calls: { campaign: SimulatedCampaign; endsAt: number }[] = [];
    const peaks = { global: 0, byCampaign: new Map<string, number>() };
    let started = 0;
    for (let step = 0; step < steps; step += 1) {
      const at = AT + step * STEP_MS;
      for (const call of calls.filter((c) => c.endsAt <= at)) {
        call.campaign.live -= 1;
        calls.splice(calls.indexOf(call), 1);
      }
      for (;;) {
        const pick = pickNextCampaign(campaigns, at, { maxChannels, live: calls.length });
        if (!pick.ok) break;
        const chosen = campaigns.find((c) => c.campaignId === pick.campaignId);
        if (chosen === undefined) throw new Error(`picked an unknown campaign ${pick.campaignId}`);
        chosen.live += 1;
        chosen.lastOriginateAt = at;
        chosen.lastOriginateSeq = started;
        chosen.originates.push(at);
        calls.push({
          campaign: chosen,
          endsAt: at + (CALL_LENGTHS[started % CALL_LENGTHS.length] ?? 0),
        });
        started += 1;
        peaks.global = Math.max(peaks.global, calls.length);
        peaks.byCampaign.set(
          chosen.campaignId,
          Math.max(peaks.byCampaign.get(chosen.campaignId) ?? 0, chosen.live),
        );
      }
    }
    return peaks;
  }

  function simulated(
    campaignId: string,
    maxConcurrent: number,
    minIntervalMs: number,
  ): SimulatedCampaign {
    return {
      campaignId,
      maxConcurrent,
      minIntervalMs,
      live: 0,
      lastOriginateAt: null,
      originates: [],
    };
  }

  function shortestGap(originates: number[]): number {
    return Math.min(...originates.slice(1).map((at, index) => at - (originates[index] ?? 0)));
  }

  it('never exceeds max concurrent or the global cap, and keeps each campaign’s interval', () => {
    const campaigns = [
      simulated('a', 3, 2_000),
      simulated('b', 5, 500),
      simulated('c', 2, 0),
      simulated('d', 4, 1_200),
    ];
    const peaks = run(campaigns, 9, 20_000);

    expect(peaks.global).toBe(9);
    for (const c of campaigns) {
      expect(peaks.byCampaign.get(c.campaignId), c.campaignId).toBeLessThanOrEqual(c.maxConcurrent);
      expect(c.originates.length, c.campaignId).toBeGreaterThan(100);
      expect(shortestGap(c.originates), c.campaignId).toBeGreaterThanOrEqual(c.minIntervalMs);
    }
  });

  it('reaches each campaign’s own max concurrent when the global cap leaves room', () => {
    const campaigns = [simulated('a', 3, 0), simulated('b', 2, 0)];
    const peaks = run(campaigns, 100, 2_000);
    expect(Object.fromEntries(peaks.byCampaign)).toEqual({ a: 3, b: 2 });
    expect(peaks.global).toBe(5);
  });

  it('shares the global cap evenly between campaigns that all want more', () => {
    const campaigns = [simulated('a', 10, 0), simulated('b', 10, 0), simulated('c', 10, 0)];
    run(campaigns, 4, 10_000);
    const counts = campaigns.map((c) => c.originates.length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });
});
