import { afterEach, describe, expect, it } from 'vitest';
import { ATTEMPT_MACHINE_VERSION } from '../../src/machines/attempt.js';
import { type ApiHarness, createApiHarness, issuesOf, textOf } from '../support/api-harness.js';

const CAMPAIGN = 'campaign-reminders';
const ATTEMPTS = `/api/campaigns/${CAMPAIGN}/attempts`;
const campaign = { param: { id: CAMPAIGN } };
const attempt = (id: string) => ({ param: { id } });

let h: ApiHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * A running campaign of `leads` leads dialed `maxConcurrent` at a time, each call ending
 * busy ten seconds after the one before (inside the ring timeout), until `busy` attempts
 * have ended; the rest stay live.
 */
async function campaignWithAttempts(leads: number, busy: number): Promise<ApiHarness> {
  h = await createApiHarness({ campaign: { status: 'running', maxConcurrent: leads }, leads });
  const x = h;
  x.scheduler.start();
  await x.quiet();
  for (const attempt of (await x.openAttempts()).slice(0, busy)) {
    await x.advance(10_000);
    await x.hangUp(attempt.attemptId, 17);
  }
  return x;
}

describe('the call log', () => {
  it('lists attempts newest first, a page at a time, with the lead they called', async () => {
    const x = await campaignWithAttempts(5, 3);
    const page = (cursor?: string | null) =>
      x.ok('$get', '/campaigns/:id/attempts', {
        ...campaign,
        query: { limit: '2', ...(cursor == null ? {} : { cursor }) },
      });
    const first = await page();
    expect(first.hasMore).toBe(true);
    const second = await page(first.nextCursor);
    const third = await page(second.nextCursor);
    expect(third).toMatchObject({ hasMore: false, nextCursor: null });
    const all = [...first.attempts, ...second.attempts, ...third.attempts];
    expect(all).toHaveLength(5);
    expect(new Set(all.map((a) => a.id)).size).toBe(5);
    const created = all.map((a) => a.createdAt);
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    const ended = all.find((a) => a.outcome === 'busy');
    expect(ended).toMatchObject({
      live: false,
      state: 'done',
      hangupCause: 17,
      phone: expect.stringMatching(/^\+1555020/),
      leadName: expect.stringMatching(/^Lead /),
      attemptNumber: 1,
      machineVersion: ATTEMPT_MACHINE_VERSION,
    });
    expect(all.filter((a) => a.live)).toHaveLength(2);
  });

  it('refuses bad limits, bad cursors and unknown campaigns', async () => {
    const x = await campaignWithAttempts(1, 0);
    const list = (query: { limit?: string; cursor?: string }, id = CAMPAIGN) =>
      x.refused('$get', '/campaigns/:id/attempts', { param: { id }, query });
    expect((await list({ limit: '500' })).status).toBe(400);
    const bad = await list({ cursor: 'eyJ4IjoxfQ' });
    expect(bad.status).toBe(400);
    expect(issuesOf(bad)[0]?.path).toBe('query.cursor');
    expect((await list({}, 'nope')).status).toBe(404);
    expect((await x.call('GET', '/api/campaigns/nope/attempts/export.csv')).status).toBe(404);
  });

  it('exports every attempt as CSV, oldest first', async () => {
    const x = await campaignWithAttempts(3, 2);
    const response = await x.call('GET', `${ATTEMPTS}/export.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toContain(`attempts-${CAMPAIGN}.csv`);
    const lines = textOf(response)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'attempt_id,lead_id,phone,name,attempt_number,created_at,started_at,answered_at,ended_at,duration_s,talk_s,state,outcome,error,dial_status,hangup_cause,far_end_cause,amd_status,amd_cause,digits,machine_version',
    );
    expect(lines).toHaveLength(4);
    // E.164 numbers start with `+`: a spreadsheet must not read them as formulas.
    expect(lines[1]).toMatch(/^attempt-1,lead-1,'\+15550200001,Lead 1,1,2026-11-24T/);
    expect(lines[1]).toMatch(/,2026-11-24T14:00:10.000Z,10,,done,busy,,,17,/);
    expect(lines[3]).toMatch(/,,,dialing\.originating,,,/);
  });
});

describe('one attempt', () => {
  it('shows an attempt, and answers 404 for an unknown one', async () => {
    const x = await campaignWithAttempts(1, 1);
    const shown = await x.ok('$get', '/attempts/:id', attempt('attempt-1'));
    expect(shown).toMatchObject({ id: 'attempt-1', leadId: 'lead-1', outcome: 'busy' });
    expect((await x.refused('$get', '/attempts/:id', attempt('nope'))).status).toBe(404);
    expect((await x.refused('$get', '/attempts/:id/timeline', attempt('nope'))).status).toBe(404);
    expect((await x.refused('$post', '/attempts/:id/cancel', attempt('nope'))).status).toBe(404);
  });

  it('shows the timeline dialstate replay prints, and that this build replays it', async () => {
    const x = await campaignWithAttempts(1, 0);
    await x.send('attempt-1', { type: 'channel.ringing' });
    await x.advance(1_000);
    await x.send('attempt-1', { type: 'channel.answered' });
    await x.send('attempt-1', { type: 'channel.leftStasis' });
    await x.advance(2_000);
    await x.send('attempt-1', { type: 'amd.completed', status: 'HUMAN', cause: 'HUMAN-500-500' });
    await x.send('attempt-1', { type: 'channel.leftStasis' });
    await x.send('attempt-1', {
      type: 'channel.dialplanEntered',
      context: 'ai-agent',
      extension: 's',
      priority: 1,
      app: 'NoOp',
    });
    await x.advance(45_000);
    await x.hangUp('attempt-1', 16);

    const timeline = await x.ok('$get', '/attempts/:id/timeline', attempt('attempt-1'));
    expect(timeline).toMatchObject({
      attemptId: 'attempt-1',
      campaignId: CAMPAIGN,
      leadId: 'lead-1',
      number: '+15550200001',
      machineVersion: ATTEMPT_MACHINE_VERSION,
      currentMachineVersion: ATTEMPT_MACHINE_VERSION,
      live: false,
      outcome: 'answered_human',
      talkMs: 45_000,
      replay: { status: 'ok', seq: null, message: null },
    });
    expect(timeline.spans.map((s) => s.state)).toEqual([
      'dialing.originating',
      'dialing.ringing',
      'screening',
      'handingOff.requested',
      'handingOff.entering',
      'handingOff.settling',
      'talking',
      'done',
    ]);
    expect(timeline.spans.at(-1)).toMatchObject({ state: 'done', durationMs: 0 });
    const ringing = timeline.spans.find((s) => s.state === 'dialing.ringing');
    expect(ringing?.durationMs).toBe(1_000);
    const amd = timeline.markers.find((m) => m.type === 'amd.completed');
    expect(amd).toMatchObject({
      event: { status: 'HUMAN', cause: 'HUMAN-500-500' },
      stateAfter: 'handingOff.requested',
      commands: [expect.objectContaining({ type: 'handOff' })],
    });
    expect(timeline.markers.map((m) => m.seq)).toEqual(timeline.markers.map((_, i) => i + 1));
  });

  it('reports a journal this build does not reproduce, at the seq it diverges', async () => {
    const x = await campaignWithAttempts(1, 1);
    // Rewrite history: the journal says the busy call went somewhere it could not have.
    await x.store.db
      .updateTable('attempt_event')
      .set({ state: 'talking' })
      .where('attempt_id', '=', 'attempt-1')
      .where('seq', '=', 2)
      .execute();
    const timeline = await x.ok('$get', '/attempts/:id/timeline', attempt('attempt-1'));
    expect(timeline.replay).toMatchObject({ status: 'mismatch', seq: 2 });
    expect(timeline.replay.message).toMatch(/seq 2/);
  });

  it('cancels a live attempt, and refuses an ended one', async () => {
    const x = await campaignWithAttempts(2, 1);
    const hangUps = x.callControl.count('hangUp');
    const live = await x.ok('$post', '/attempts/:id/cancel', attempt('attempt-2'));
    expect(live.id).toBe('attempt-2');
    await x.runner.settled();
    expect(x.callControl.count('hangUp')).toBe(hangUps + 1);
    await x.hangUp('attempt-2', 16);
    expect((await x.ok('$get', '/attempts/:id', attempt('attempt-2'))).outcome).toBe('canceled');
    expect((await x.ok('$get', '/leads/:id', attempt('lead-2'))).state).toBe('canceled');

    const ended = await x.refused('$post', '/attempts/:id/cancel', attempt('attempt-1'));
    expect(ended).toMatchObject({ status: 409, code: 'conflict', details: { outcome: 'busy' } });
  });
});
