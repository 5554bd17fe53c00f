import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  DIALING_STATUS_REASONS,
  type DialingFacts,
  type DialingStatus,
  describeDialingStatus,
  explainNotDialing,
} from '../../src/campaign/dialing-status.js';

/** Monday 2026-03-09 10:00 in New York (EDT, the day after the spring-forward change). */
const AT = Date.parse('2026-03-09T10:00-04:00');
const NEW_YORK = 'America/New_York';

/** A running campaign with nothing in its way: every test spoils one fact. */
const ready: DialingFacts = {
  at: AT,
  campaign: {
    status: 'running',
    statusReason: null,
    timezone: NEW_YORK,
    window: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
    startsAt: null,
    endsAt: null,
    blackoutDates: [],
    maxConcurrent: 3,
    minIntervalMs: 2_000,
    live: 1,
    lastOriginateAt: AT - 10_000,
  },
  global: { maxChannels: 10, live: 4 },
  storageWritable: true,
  ariConnected: true,
  circuitBreaker: { open: false },
  nextDueAt: AT - 60_000,
  leadsOutsideWindow: null,
};

function withCampaign(change: Partial<DialingFacts['campaign']>): DialingFacts {
  return { ...ready, campaign: { ...ready.campaign, ...change } };
}

describe('explainNotDialing', () => {
  it('finds nothing in the way of a ready campaign', () => {
    expect(explainNotDialing(ready)).toEqual({ ok: true });
  });

  it.each<[string, DialingFacts, DialingStatus]>([
    [
      'a paused campaign, with its reason',
      withCampaign({ status: 'paused', statusReason: 'circuit breaker: 20 failed originates' }),
      {
        ok: false,
        reason: 'notRunning',
        status: 'paused',
        statusReason: 'circuit breaker: 20 failed originates',
      },
    ],
    [
      'a campaign paused by the circuit breaker, as the breaker',
      {
        ...withCampaign({ status: 'paused', statusReason: 'circuit breaker: trunk down' }),
        circuitBreaker: { open: true, reason: 'trunk down', retryAt: null },
      },
      { ok: false, reason: 'circuitOpen', detail: 'trunk down', retryAt: null },
    ],
    [
      'every due lead outside the window of its own time zone, with when the first opens',
      { ...ready, leadsOutsideWindow: { opensAt: AT + 3_600_000 } },
      { ok: false, reason: 'leadsOutsideWindow', opensAt: AT + 3_600_000 },
    ],
    [
      'a lost ARI connection',
      { ...ready, ariConnected: false },
      { ok: false, reason: 'ariDisconnected' },
    ],
    [
      'a database that cannot be written, before a lost ARI connection',
      { ...ready, storageWritable: false, ariConnected: false },
      { ok: false, reason: 'storageUnwritable' },
    ],
    [
      'a PBX held after a transient originate failure, while connected',
      { ...ready, pbxHold: 'an originate just failed (no answer)' },
      { ok: false, reason: 'pbxUnhealthy', detail: 'an originate just failed (no answer)' },
    ],
    [
      'a lost ARI connection before a hold',
      { ...ready, ariConnected: false, pbxHold: 'an originate just failed (no answer)' },
      { ok: false, reason: 'ariDisconnected' },
    ],
    [
      'an open circuit breaker',
      {
        ...ready,
        circuitBreaker: {
          open: true,
          reason: '5 congestion results in a row',
          retryAt: AT + 30_000,
        },
      },
      {
        ok: false,
        reason: 'circuitOpen',
        detail: '5 congestion results in a row',
        retryAt: AT + 30_000,
      },
    ],
    [
      'a closed calling window, with when it opens',
      { ...ready, at: Date.parse('2026-03-09T18:00-04:00') },
      {
        ok: false,
        reason: 'outsideWindow',
        window: 'outsideHours',
        detail: 'outside the calling hours 09:00–17:00 in America/New_York',
        opensAt: Date.parse('2026-03-10T09:00-04:00'),
      },
    ],
    [
      'invalid window settings',
      withCampaign({ timezone: 'America/Gotham' }),
      {
        ok: false,
        reason: 'outsideWindow',
        window: 'invalid',
        detail: 'time zone "America/Gotham" is not a known IANA time zone',
        opensAt: null,
      },
    ],
    [
      'no lead due yet, with when the next is',
      { ...ready, nextDueAt: AT + 600_000 },
      { ok: false, reason: 'nothingDue', nextDueAt: AT + 600_000, waitReason: null },
    ],
    [
      'no pending lead at all',
      { ...ready, nextDueAt: null },
      { ok: false, reason: 'nothingDue', nextDueAt: null, waitReason: null },
    ],
    [
      'the campaign at its max concurrent',
      withCampaign({ live: 3 }),
      { ok: false, reason: 'atCampaignCapacity', live: 3, maxConcurrent: 3 },
    ],
    [
      'the global channel cap reached',
      { ...ready, global: { maxChannels: 4, live: 4 } },
      { ok: false, reason: 'atGlobalCapacity', live: 4, maxChannels: 4 },
    ],
    [
      'pacing since the last originate',
      withCampaign({ lastOriginateAt: AT - 500 }),
      { ok: false, reason: 'pacing', retryAt: AT + 1_500 },
    ],
  ])('explains %s', (_, facts, expected) => {
    expect(explainNotDialing(facts)).toEqual(expected);
  });

  it('reports reasons in a fixed order when several hold', () => {
    const facts: DialingFacts = {
      at: Date.parse('2026-03-09T18:00-04:00'),
      campaign: {
        ...ready.campaign,
        status: 'paused',
        live: 3,
        lastOriginateAt: Date.parse('2026-03-09T18:00-04:00'),
      },
      global: { maxChannels: 3, live: 3 },
      storageWritable: false,
      ariConnected: false,
      pbxHold: 'an originate just failed (no answer)',
      circuitBreaker: { open: true, reason: 'trunk down', retryAt: null },
      nextDueAt: null,
      leadsOutsideWindow: { opensAt: null },
      abandonSlowed: 'slowed: one more abandoned call would put the rate above the cap',
    };
    const fixes: ((f: DialingFacts) => DialingFacts)[] = [
      (f) => ({ ...f, circuitBreaker: { open: false } }),
      (f) => ({ ...f, campaign: { ...f.campaign, status: 'running' } }),
      (f) => ({ ...f, storageWritable: true }),
      (f) => ({ ...f, ariConnected: true }),
      (f) => ({ ...f, pbxHold: null }),
      (f) => ({ ...f, at: f.at - 8 * 3_600_000 }),
      (f) => ({ ...f, nextDueAt: f.at }),
      (f) => ({ ...f, leadsOutsideWindow: null }),
      (f) => ({ ...f, abandonSlowed: null }),
      (f) => ({ ...f, campaign: { ...f.campaign, live: 0 } }),
      (f) => ({ ...f, global: { ...f.global, maxChannels: 10 } }),
      (f) => ({ ...f, campaign: { ...f.campaign, lastOriginateAt: null } }),
    ];
    const reasons: string[] = [];
    let current = facts;
    for (const fix of [...fixes, (f: DialingFacts) => f]) {
      const status = explainNotDialing(current);
      reasons.push(status.ok ? 'ok' : status.reason);
      current = fix(current);
    }
    expect(reasons).toEqual([...DIALING_STATUS_REASONS, 'ok']);
  });

  it('lists every reason the status can carry', () => {
    expectTypeOf<(typeof DIALING_STATUS_REASONS)[number]>().toEqualTypeOf<
      Extract<DialingStatus, { ok: false }>['reason']
    >();
  });
});

describe('describeDialingStatus', () => {
  it.each<[DialingStatus, string]>([
    [{ ok: true }, 'Ready: a call can start now.'],
    [
      { ok: false, reason: 'notRunning', status: 'draft', statusReason: null },
      'The campaign is a draft; start it to begin dialing.',
    ],
    [
      {
        ok: false,
        reason: 'notRunning',
        status: 'paused',
        statusReason: 'circuit breaker: 20 failed originates',
      },
      'The campaign is paused: circuit breaker: 20 failed originates.',
    ],
    [
      { ok: false, reason: 'notRunning', status: 'completed', statusReason: null },
      'The campaign is completed.',
    ],
    [
      { ok: false, reason: 'storageUnwritable' },
      'The database cannot be written (see the log); dialing resumes once writes work again.',
    ],
    [
      { ok: false, reason: 'ariDisconnected' },
      'Not connected to Asterisk (ARI), or reconnecting; dialing resumes once the connection is back.',
    ],
    [
      { ok: false, reason: 'pbxUnhealthy', detail: 'an originate just failed (HTTP 503: x)' },
      'Holding: an originate just failed (HTTP 503: x). Dialing resumes as soon as Asterisk answers again.',
    ],
    [
      {
        ok: false,
        reason: 'circuitOpen',
        detail: 'trunk down',
        retryAt: Date.parse('2026-03-09T10:05-04:00'),
      },
      'Circuit breaker open: trunk down; retries Mon 9 Mar 10:05 (America/New_York).',
    ],
    [
      { ok: false, reason: 'circuitOpen', detail: 'trunk down', retryAt: null },
      'Circuit breaker open: trunk down; fix the cause and start the campaign again.',
    ],
    [
      { ok: false, reason: 'leadsOutsideWindow', opensAt: Date.parse('2026-03-09T12:00-04:00') },
      'Every due lead waits for its own calling hours (the time zone of the lead or of its number, or a blackout date there); the first opens Mon 9 Mar 12:00 (America/New_York).',
    ],
    [
      { ok: false, reason: 'leadsOutsideWindow', opensAt: null },
      'Every due lead waits for its own calling hours (the time zone of the lead or of its number, or a blackout date there), and none opens again.',
    ],
    [
      {
        ok: false,
        reason: 'outsideWindow',
        window: 'outsideHours',
        detail: '',
        opensAt: Date.parse('2026-03-09T09:00-04:00'),
      },
      'Outside the calling window; opens Mon 9 Mar 09:00 (America/New_York).',
    ],
    [
      {
        ok: false,
        reason: 'outsideWindow',
        window: 'closedToday',
        detail: '',
        opensAt: Date.parse('2026-03-09T09:00-04:00'),
      },
      'Not a calling day; the window opens Mon 9 Mar 09:00 (America/New_York).',
    ],
    [
      {
        ok: false,
        reason: 'outsideWindow',
        window: 'beforeStart',
        detail: '',
        opensAt: Date.parse('2026-04-01T09:00-04:00'),
      },
      'The campaign has not reached its start date; the window opens Wed 1 Apr 09:00 (America/New_York).',
    ],
    [
      { ok: false, reason: 'outsideWindow', window: 'afterEnd', detail: '', opensAt: null },
      'The campaign is past its end date; no more calls will start.',
    ],
    [
      { ok: false, reason: 'outsideWindow', window: 'outsideHours', detail: '', opensAt: null },
      'Outside the calling window; it does not open again.',
    ],
    [
      {
        ok: false,
        reason: 'outsideWindow',
        window: 'invalid',
        detail: 'window has no days of the week',
        opensAt: null,
      },
      'The calling window settings are invalid (window has no days of the week); nothing is dialed until they are fixed.',
    ],
    [
      {
        ok: false,
        reason: 'nothingDue',
        nextDueAt: Date.parse('2026-03-09T11:30-04:00'),
        waitReason: null,
      },
      'No lead is due yet; the next is due Mon 9 Mar 11:30 (America/New_York).',
    ],
    [
      { ok: false, reason: 'nothingDue', nextDueAt: null, waitReason: null },
      'No leads are waiting to be called.',
    ],
    [
      { ok: false, reason: 'atCampaignCapacity', live: 3, maxConcurrent: 3 },
      'At capacity: 3 of 3 calls live for this campaign.',
    ],
    [
      { ok: false, reason: 'atGlobalCapacity', live: 30, maxChannels: 30 },
      'At the global channel cap: 30 of 30 calls live across all campaigns.',
    ],
    [
      { ok: false, reason: 'pacing', retryAt: Date.parse('2026-03-09T10:00:05-04:00') },
      'Pacing between calls; the next may start at 10:00:05 (America/New_York).',
    ],
  ])('says %j as one sentence', (status, sentence) => {
    expect(describeDialingStatus(status, NEW_YORK)).toBe(sentence);
  });

  it('gives times in UTC when the time zone is unknown', () => {
    const status: DialingStatus = {
      ok: false,
      reason: 'nothingDue',
      nextDueAt: Date.parse('2026-03-09T11:30Z'),
      waitReason: null,
    };
    expect(describeDialingStatus(status, 'Nowhere/Special')).toBe(
      'No lead is due yet; the next is due Mon 9 Mar 11:30 (UTC).',
    );
  });
});

describe('blackout dates and frequency caps in the status', () => {
  it("closes the campaign's window on a blackout day in its zone, with when it opens after", () => {
    const status = explainNotDialing(
      withCampaign({ blackoutDates: [{ from: '2026-03-09', to: '2026-03-09', name: 'Closed' }] }),
    );
    expect(status).toEqual({
      ok: false,
      reason: 'outsideWindow',
      window: 'blackout',
      detail: '2026-03-09 (Closed) is a blackout date in America/New_York',
      opensAt: Date.parse('2026-03-10T09:00-04:00'),
    });
    expect(describeDialingStatus(status, NEW_YORK)).toBe(
      'A blackout date: 2026-03-09 (Closed) is a blackout date in America/New_York; the window opens Tue 10 Mar 09:00 (America/New_York).',
    );
  });

  it('names the cap the next due lead waits for', () => {
    const reason =
      'frequency cap: 3 calls to this number in the last 7 days (limit 3, across all campaigns)';
    const status = explainNotDialing({
      ...ready,
      nextDueAt: AT + 60_000,
      nextDueWaitReason: reason,
    });
    expect(status).toEqual({
      ok: false,
      reason: 'nothingDue',
      nextDueAt: AT + 60_000,
      waitReason: reason,
    });
    expect(describeDialingStatus(status, NEW_YORK)).toBe(
      `No lead is due yet; the next is due Mon 9 Mar 10:01 (America/New_York), held back by a ${reason}.`,
    );
  });
});
