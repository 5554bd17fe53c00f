import { describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarnessPerTest, errorOf } from '../support/api-harness.js';

const CAMPAIGN = 'campaign-reminders';
const setUp = apiHarnessPerTest();

/** How many numbers the global do-not-call list holds. */
const globalTotal = async (x: ApiHarness) => (await x.ok('$get', '/dnc', { query: {} })).total;

/** A running campaign of two leads, both being called. */
async function liveCalls() {
  const x = await setUp({ campaign: { status: 'running', maxConcurrent: 2 }, leads: 2 });
  x.scheduler.start();
  await x.quiet();
  const open = await x.openAttempts();
  expect(open.map((a) => a.leadId).sort()).toEqual(['lead-1', 'lead-2']);
  const attemptOf = (leadId: string) => open.find((a) => a.leadId === leadId)?.attemptId ?? '';
  return { x, attemptOf };
}

describe('opting out during a call', () => {
  it('lists the number globally with its source, answers the same when asked again, and the lead is never dialed again', async () => {
    const { x, attemptOf } = await liveCalls();
    const attemptId = attemptOf('lead-1');
    const first = await x.api('$post', '/opt-outs', {
      json: { leadId: 'lead-1', phone: '+15550200001', reason: 'do not call me again' },
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      phone: '+15550200001',
      list: 'global',
      reason: 'do not call me again',
      listedAt: x.clock.now(),
      source: { kind: 'opt_out', campaignId: CAMPAIGN, attemptId },
    });
    await x.advance(1_000);
    // The same call named another way, later and with other words: nothing changes.
    const again = await x.api('$post', '/opt-outs', { json: { attemptId, reason: 'stop' } });
    const byChannel = await x.api('$post', '/opt-outs', {
      json: { channelId: `dialstate-${attemptId}` },
    });
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(byChannel).toMatchObject({ status: 200, body: first.body });
    const listed = await x.ok('$get', '/dnc', { query: {} });
    expect(listed.total).toBe(1);
    expect(listed.entries[0]).toMatchObject({
      phone: '+15550200001',
      reason: 'do not call me again',
    });

    // Both calls end busy, which retries after 10 minutes: only the lead that did not opt out is dialed again.
    const originatesBefore = x.originates();
    await x.hangUp(attemptId, 17);
    await x.hangUp(attemptOf('lead-2'), 17);
    await x.advance(11 * 60_000);
    expect(x.originates()).toBe(originatesBefore + 1);
    expect((await x.openAttempts()).map((a) => a.leadId)).toEqual(['lead-2']);
    expect((await x.lead(1)).state).toBe('dnc');
  });

  it("puts the number on the call's campaign list when asked to", async () => {
    const { x } = await liveCalls();
    const response = await x.ok('$post', '/opt-outs', {
      json: { leadId: 'lead-2', scope: 'campaign' },
    });
    expect(response).toMatchObject({ list: CAMPAIGN, reason: null });
    expect(await globalTotal(x)).toBe(0);
    const campaignList = await x.ok('$get', '/campaigns/:id/dnc', {
      param: { id: CAMPAIGN },
      query: {},
    });
    expect(campaignList.total).toBe(1);
  });

  it('refuses a request naming no call, several calls, or a number the call did not dial, and lists nothing', async () => {
    const { x, attemptOf } = await liveCalls();
    const refused = [
      await x.call('POST', '/api/opt-outs', { reason: 'stop' }),
      await x.call('POST', '/api/opt-outs', { leadId: 'lead-1', attemptId: attemptOf('lead-1') }),
      await x.call('POST', '/api/opt-outs', { leadId: 'lead-1', phone: '+15550200002' }),
      await x.call('POST', '/api/opt-outs', { leadId: 'lead-1', scope: 'everywhere' }),
      await x.call('POST', '/api/opt-outs', { leadId: 'lead-1', unknown: 1 }),
      await x.call('POST', '/api/opt-outs', 'not json'),
    ];
    expect(refused.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400]);
    const wrongNumber = refused[2];
    expect(wrongNumber && errorOf(wrongNumber).message).toBe(
      'the call dialed +15550200001, not +15550200002',
    );
    expect(await globalTotal(x)).toBe(0);
  });

  it('answers 404 for an unknown attempt, channel or lead, and for a lead never called', async () => {
    const x = await setUp({ leads: 1 });
    const missing = [
      await x.refused('$post', '/opt-outs', { json: { attemptId: 'nope' } }),
      await x.refused('$post', '/opt-outs', { json: { channelId: 'someone-else' } }),
      await x.refused('$post', '/opt-outs', { json: { leadId: 'nope' } }),
      await x.refused('$post', '/opt-outs', { json: { leadId: 'lead-1' } }),
    ];
    expect(missing.map((r) => r.status)).toEqual([404, 404, 404, 404]);
    expect(missing[3]?.message).toBe('lead lead-1 has not been called');
    expect(await globalTotal(x)).toBe(0);
  });

  it('needs the API token when one is configured', async () => {
    const x = await setUp({ leads: 1, apiToken: 'secret' });
    expect((await x.api('$post', '/opt-outs', { json: { leadId: 'lead-1' } })).status).toBe(401);
  });
});
