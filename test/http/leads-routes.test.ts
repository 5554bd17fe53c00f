import { describe, expect, it } from 'vitest';
import { createLeadRepository } from '../../src/store/leads.js';
import type { LeadListQuery, LeadPage } from '../../web/src/api/api-types.js';
import { type ApiHarness, apiHarnessPerTest, errorOf, issuesOf } from '../support/api-harness.js';
import { sampleLead } from '../support/store-fixtures.js';

const CAMPAIGN = 'campaign-reminders';
const LEADS = `/api/campaigns/${CAMPAIGN}/leads`;
const campaign = { param: { id: CAMPAIGN } };

const setUp = apiHarnessPerTest();

/** Ids of a list response's leads. */
const ids = (body: { leads: { id: string }[] }) => body.leads.map((lead) => lead.id);

/** A page of the campaign's leads for a query. */
const leadPage = (x: ApiHarness, query: LeadListQuery = {}) =>
  x.ok('$get', '/campaigns/:id/leads', { ...campaign, query });

/** Walks every page of a list query, `limit` at a time; returns the ids in order. */
async function allPages(x: ApiHarness, query: LeadListQuery, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: LeadPage = await leadPage(x, {
      ...query,
      limit: String(limit),
      ...(cursor === null ? {} : { cursor }),
    });
    expect(page.leads.length).toBeLessThanOrEqual(limit);
    seen.push(...ids(page));
    expect(page.hasMore).toBe(page.nextCursor !== null);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return seen;
}

/**
 * A running campaign of 6 leads where: lead-1 was answered by a person (AMD HUMAN, talk),
 * lead-2 was busy, lead-3 had an invalid number, lead-4 is being dialed, lead-5 and
 * lead-6 were never dialed (the campaign runs 4 at a time and is paused after).
 */
async function campaignWithHistory(): Promise<ApiHarness> {
  const x = await setUp({ campaign: { status: 'running' }, leads: 6 });
  x.scheduler.start();
  await x.quiet();
  const [a1, a2, a3] = await x.openAttempts();
  if (!a1 || !a2 || !a3) throw new Error('expected 4 live attempts');
  expect((await x.api('$post', '/campaigns/:id/pause', campaign)).status).toBe(200);
  await x.send(a1.attemptId, { type: 'channel.ringing' });
  await x.advance(2_000);
  await x.send(a1.attemptId, { type: 'channel.answered' });
  await x.send(a1.attemptId, { type: 'channel.leftStasis' });
  await x.advance(2_500);
  await x.send(a1.attemptId, { type: 'amd.completed', status: 'HUMAN', cause: 'HUMAN-500-500' });
  await x.send(a1.attemptId, { type: 'channel.leftStasis' });
  await x.send(a1.attemptId, {
    type: 'channel.dialplanEntered',
    context: 'ai-agent',
    extension: 's',
    priority: 1,
    app: 'NoOp',
  });
  await x.advance(30_000);
  await x.hangUp(a1.attemptId, 16);
  await x.hangUp(a2.attemptId, 17);
  await x.hangUp(a3.attemptId, 1);
  return x;
}

describe('the leads table', () => {
  it('lists leads in import order with their latest attempt', async () => {
    const x = await campaignWithHistory();
    const page = await leadPage(x);
    expect(ids(page)).toEqual(['lead-1', 'lead-2', 'lead-3', 'lead-4', 'lead-5', 'lead-6']);
    expect(page).toMatchObject({ hasMore: false, nextCursor: null });
    const [human, busy, invalid, dialing, fresh] = page.leads;
    if (!human || !busy || !dialing) throw new Error('expected six leads');
    expect(human).toMatchObject({
      phone: '+15550200001',
      name: 'Lead 1',
      state: 'completed',
      attempts: 1,
      lastOutcome: 'answered_human',
      customVars: { appointment: '2026-11-25 10:30' },
      lastAttempt: {
        attemptNumber: 1,
        live: false,
        outcome: 'answered_human',
        amdStatus: 'HUMAN',
        amdCause: 'HUMAN-500-500',
        talkMs: 30_000,
        durationMs: expect.any(Number),
        state: 'done',
      },
    });
    expect(human.lastAttempt?.durationMs).toBeGreaterThanOrEqual(34_500);
    expect(human).not.toHaveProperty('importSeq');
    expect(busy).toMatchObject({ state: 'pending', lastOutcome: 'busy' });
    expect(busy.lastAttempt).toMatchObject({ outcome: 'busy', hangupCause: 17 });
    expect(invalid).toMatchObject({ state: 'failed', lastOutcome: 'invalid_number' });
    expect(dialing).toMatchObject({ state: 'dialing', lastAttempt: { live: true, outcome: null } });
    expect(dialing.activeAttemptId).toBe(dialing.lastAttempt?.id);
    expect(dialing.lastAttempt?.durationMs).toBeNull();
    expect(fresh).toMatchObject({ state: 'pending', attempts: 0, lastAttempt: null });
  });

  it('filters by state, by outcome and by both', async () => {
    const x = await campaignWithHistory();
    expect(ids(await leadPage(x, { state: 'pending' }))).toEqual(['lead-2', 'lead-5', 'lead-6']);
    expect(ids(await leadPage(x, { outcome: 'busy' }))).toEqual(['lead-2']);
    expect(ids(await leadPage(x, { state: 'failed', outcome: 'invalid_number' }))).toEqual([
      'lead-3',
    ]);
    expect(ids(await leadPage(x, { state: 'completed', outcome: 'busy' }))).toEqual([]);
  });

  it('searches numbers in the spellings people type, and names by their start in any case', async () => {
    const x = await setUp({ leads: 3 });
    const leads = createLeadRepository(x.store.db);
    await leads.insert([
      sampleLead(CAMPAIGN, 4, { phone: '+14155550101', name: 'Ada Lovelace' }),
      sampleLead(CAMPAIGN, 5, { phone: '+442079460103', name: 'ada byron' }),
      sampleLead(CAMPAIGN, 6, { phone: '+14155550199', name: 'Adam Smith' }),
      sampleLead(CAMPAIGN, 7, { phone: '+13125550104', name: 'Grace Hopper' }),
    ]);
    const search = async (q: string) => ids(await leadPage(x, { q }));
    expect(await search('(415) 555-01')).toEqual(['lead-4', 'lead-6']);
    expect(await search('+1 415 555 0101')).toEqual(['lead-4']);
    expect(await search('1415')).toEqual(['lead-4', 'lead-6']);
    expect(await search('+44 20')).toEqual(['lead-5']);
    expect(await search('0044 20 7946')).toEqual(['lead-5']);
    expect(await search('555020')).toEqual(['lead-1', 'lead-2', 'lead-3']);
    expect(await search('ada')).toEqual(['lead-5', 'lead-4', 'lead-6']);
    expect(await search('ADA ')).toEqual(['lead-5', 'lead-4']);
    expect(await search('Ada L')).toEqual(['lead-4']);
    expect(await search('%')).toEqual([]);
    expect(await search('zz')).toEqual([]);
    const combined = await leadPage(x, { q: 'ada', state: 'pending', limit: '1' });
    expect(ids(combined)).toEqual(['lead-5']);
    expect(combined.hasMore).toBe(true);
  });

  it('pages through every lead once, in each order, with ties in names', async () => {
    const x = await setUp({ leads: 1 });
    const leads = createLeadRepository(x.store.db);
    // Import order is not insertion order, and names repeat: cursors must hold across ties.
    await leads.insert(
      Array.from({ length: 23 }, (_, i) =>
        sampleLead(CAMPAIGN, 100 + i, {
          importSeq: 1000 - i * 3,
          name: ['Ann', 'ann', 'Bob'][i % 3] ?? null,
          state: i % 4 === 0 ? 'dnc' : 'pending',
        }),
      ),
    );
    const byImport = await allPages(x, {}, 5);
    expect(byImport).toHaveLength(24);
    expect(byImport[0]).toBe('lead-1');
    expect(byImport.at(-1)).toBe('lead-100');
    expect(await allPages(x, { state: 'dnc' }, 2)).toEqual([
      'lead-120',
      'lead-116',
      'lead-112',
      'lead-108',
      'lead-104',
      'lead-100',
    ]);
    const anns = await allPages(x, { q: 'an' }, 3);
    expect(anns).toHaveLength(16);
    expect(new Set(anns).size).toBe(16);
    const phones = await allPages(x, { q: '555' }, 4);
    expect(phones).toHaveLength(24);
    expect(new Set(phones).size).toBe(24);
    expect(await allPages(x, { outcome: 'busy' }, 3)).toEqual([]);
  });

  it('refuses bad filters, limits and cursors with the problem and where it is', async () => {
    const x = await setUp();
    const bad = async (query: string) => {
      const response = await x.call('GET', `${LEADS}?${query}`);
      expect(response.status).toBe(400);
      const error = errorOf(response);
      expect(error.code).toBe('validation');
      return issuesOf(error).map((i) => i.path);
    };
    expect(await bad('state=ringing')).toEqual(['query.state']);
    expect(await bad('outcome=maybe')).toEqual(['query.outcome']);
    expect(await bad('limit=201')).toEqual(['query.limit']);
    expect(await bad('limit=0')).toEqual(['query.limit']);
    expect(await bad('limit=ten')).toEqual(['query.limit']);
    expect(await bad('cursor=not-a-cursor')).toEqual(['query.cursor']);
    const phonePage = await leadPage(x, { q: '555', limit: '1' });
    expect(await bad(`cursor=${phonePage.nextCursor}`)).toEqual(['query.cursor']);
    expect(await bad(`q=${'a'.repeat(101)}`)).toEqual(['query.q']);
    const unknown = await x.api('$get', '/campaigns/:id/leads', {
      param: { id: 'nope' },
      query: {},
    });
    expect(unknown.status).toBe(404);
  });
});

describe('adding a lead by hand', () => {
  it('normalises the number and reports fallbacks as warnings', async () => {
    const x = await setUp({ leads: 1 });
    const response = await x.api('$post', '/campaigns/:id/leads', {
      ...campaign,
      json: {
        phone: '(415) 555-0101',
        name: '  Ada Lovelace ',
        timezone: 'Mars/Olympus',
        customVars: { doctor: 'Dr. Smith', visits: 3, vip: true },
      },
    });
    expect(response.status).toBe(201);
    if (!response.ok) throw new Error(response.body.error.message);
    expect(response.body.lead).toMatchObject({
      id: 'id-1',
      phone: '+14155550101',
      name: 'Ada Lovelace',
      timezone: null,
      state: 'pending',
      customVars: { doctor: 'Dr. Smith', visits: '3', vip: 'true' },
      lastAttempt: null,
    });
    expect(response.body.warnings).toEqual([
      expect.objectContaining({ field: 'timezone', value: 'Mars/Olympus' }),
    ]);
    expect(ids(await leadPage(x))).toEqual(['lead-1', 'id-1']);
  });

  it('stores a number on a do-not-call list as dnc', async () => {
    const x = await setUp();
    expect((await x.api('$post', '/dnc', { json: { phone: '+14155550101' } })).status).toBe(201);
    const response = await x.api('$post', '/campaigns/:id/leads', {
      ...campaign,
      json: { phone: '+1 415 555 0101' },
    });
    expect(response.status).toBe(201);
    if (!response.ok) throw new Error(response.body.error.message);
    expect(response.body.lead.state).toBe('dnc');
    expect(response.body.warnings[0]?.reason).toMatch(/do-not-call/);
  });

  it('refuses an invalid lead with every problem, a duplicate, and an archived campaign', async () => {
    const x = await setUp({ leads: 1 });
    const lead = (phone: string, id = CAMPAIGN) => ({ param: { id }, json: { phone } });
    const LEAD = '/campaigns/:id/leads';
    const invalid = await x.refused('$post', '/campaigns/:id/leads', {
      ...campaign,
      json: { phone: 'call me', customVars: { a: 'x' } },
    });
    expect(invalid.status).toBe(400);
    expect(issuesOf(invalid)).toEqual([{ path: 'body.phone', message: expect.any(String) }]);
    const schema = await x.call('POST', LEADS, { phone: '+14155550101', nickname: 'x' });
    expect(schema.status).toBe(400);
    expect(JSON.stringify(errorOf(schema).details)).toContain('nickname');
    const nested = await x.call('POST', LEADS, { phone: '+14155550101', customVars: { a: {} } });
    expect(nested.status).toBe(400);

    expect((await x.api('$post', LEAD, lead('+1 415 555 0101'))).status).toBe(201);
    const duplicate = await x.refused('$post', LEAD, lead('(415) 555-0101'));
    expect(duplicate.status).toBe(409);
    expect(duplicate.details).toEqual({ leadId: 'id-1' });

    expect((await x.refused('$post', LEAD, lead('+14155550101', 'nope'))).status).toBe(404);
    expect((await x.api('$post', '/campaigns/:id/archive', campaign)).status).toBe(200);
    const archived = await x.refused('$post', LEAD, lead('+14155550102'));
    expect(archived.message).toMatch(/archived/);
    expect(archived.status).toBe(409);
  });
});

describe('one lead and the actions on it', () => {
  it('shows a lead and its call history, newest first', async () => {
    const x = await campaignWithHistory();
    await x.ok('$post', '/campaigns/:id/start', campaign);
    await x.advance(10 * 60_000);
    const lead = await x.ok('$get', '/leads/:id', { param: { id: 'lead-2' } });
    expect(lead).toMatchObject({ id: 'lead-2', state: 'dialing', attempts: 2 });
    const history = await x.ok('$get', '/leads/:id/attempts', { param: { id: 'lead-2' } });
    expect(history.attempts.map((a) => a.attemptNumber)).toEqual([2, 1]);
    expect(history.attempts[1]).toMatchObject({
      outcome: 'busy',
      phone: '+15550200002',
      leadName: 'Lead 2',
    });
    const nope = { param: { id: 'nope' } };
    expect((await x.refused('$get', '/leads/:id', nope)).status).toBe(404);
    expect((await x.refused('$get', '/leads/:id/attempts', nope)).status).toBe(404);
  });

  it('recycles a finished lead: redial keeps its history, reset deletes it', async () => {
    const x = await campaignWithHistory();
    const lead = (id: string) => ({ param: { id } });
    const redial = await x.ok('$post', '/leads/:id/recycle', {
      ...lead('lead-3'),
      json: { mode: 'redial' },
    });
    expect(redial.lead).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: 0 });
    expect((await x.ok('$get', '/leads/:id/attempts', lead('lead-3'))).attempts).toHaveLength(1);

    const reset = await x.ok('$post', '/leads/:id/recycle', {
      ...lead('lead-1'),
      json: { mode: 'reset' },
    });
    expect(reset.lead).toMatchObject({ state: 'pending', attempts: 0, lastOutcome: null });
    expect(reset.lead.lastAttempt).toBeNull();
    expect((await x.ok('$get', '/leads/:id/attempts', lead('lead-1'))).attempts).toEqual([]);

    const pending = await x.refused('$post', '/leads/:id/recycle', {
      ...lead('lead-5'),
      json: { mode: 'redial' },
    });
    expect(pending).toMatchObject({ status: 409, details: { state: 'pending' } });
    // Bodies the route's type excludes go raw.
    expect((await x.call('POST', '/api/leads/lead-5/recycle', { mode: 'again' })).status).toBe(400);
    expect((await x.call('POST', '/api/leads/lead-5/recycle')).status).toBe(400);
    expect(
      await x.refused('$post', '/leads/:id/recycle', { ...lead('nope'), json: { mode: 'reset' } }),
    ).toMatchObject({ status: 404, code: 'notFound' });
  });

  it('ignores pending leads only; cancel also hangs up a live call', async () => {
    const x = await campaignWithHistory();
    const lead = (id: string) => ({ param: { id } });
    const ignored = await x.ok('$post', '/leads/:id/ignore', lead('lead-5'));
    expect(ignored.lead).toMatchObject({ state: 'canceled' });
    const live = await x.refused('$post', '/leads/:id/ignore', lead('lead-4'));
    expect(live.status).toBe(409);
    expect(live.message).toMatch(/live attempt/);

    const canceledPending = await x.ok('$post', '/leads/:id/cancel', lead('lead-6'));
    expect(canceledPending).toMatchObject({ canceled: 'pending', lead: { state: 'canceled' } });

    const hangUps = x.callControl.count('hangUp');
    const canceledLive = await x.ok('$post', '/leads/:id/cancel', lead('lead-4'));
    expect(canceledLive.canceled).toBe('liveAttempt');
    await x.runner.settled();
    expect(x.callControl.count('hangUp')).toBe(hangUps + 1);

    const finished = await x.refused('$post', '/leads/:id/cancel', lead('lead-1'));
    expect(finished).toMatchObject({ status: 409, details: { state: 'completed' } });
    expect((await x.refused('$post', '/leads/:id/cancel', lead('nope'))).status).toBe(404);
    expect((await x.refused('$post', '/leads/:id/ignore', lead('nope'))).status).toBe(404);
  });

  it("tells the live feed which leads an operator's actions changed", async () => {
    const x = await campaignWithHistory();
    const lead = (id: string) => ({ param: { id } });
    const changed: unknown[] = [];
    x.liveHub.subscribe((event) => {
      if (event.type === 'leads') changed.push(event.data);
    });
    await x.ok('$post', '/leads/:id/ignore', lead('lead-5'));
    await x.ok('$post', '/leads/:id/recycle', { ...lead('lead-1'), json: { mode: 'redial' } });
    await x.ok('$delete', '/leads/:id', lead('lead-2'));
    const added = await x.ok('$post', '/campaigns/:id/leads', {
      param: { id: CAMPAIGN },
      json: { phone: '+14155550199' },
    });
    // A refused action changes nothing and says nothing.
    expect((await x.refused('$post', '/leads/:id/ignore', lead('lead-4'))).status).toBe(409);
    expect(changed).toEqual([
      { campaignId: CAMPAIGN, leadIds: ['lead-5'] },
      { campaignId: CAMPAIGN, leadIds: ['lead-1'] },
      { campaignId: CAMPAIGN, leadIds: ['lead-2'] },
      { campaignId: CAMPAIGN, leadIds: [added.lead.id] },
    ]);
  });

  it('deletes a lead with its attempts, but not while it is dialed', async () => {
    const x = await campaignWithHistory();
    const lead = (id: string) => ({ param: { id } });
    const live = await x.refused('$delete', '/leads/:id', lead('lead-4'));
    expect(live).toMatchObject({ status: 409, code: 'conflict' });
    expect((await x.api('$delete', '/leads/:id', lead('lead-1'))).status).toBe(204);
    expect((await x.refused('$get', '/leads/:id', lead('lead-1'))).status).toBe(404);
    const attempts = await x.ok('$get', '/campaigns/:id/attempts', {
      param: { id: CAMPAIGN },
      query: {},
    });
    expect(attempts.attempts.map((a) => a.leadId)).not.toContain('lead-1');
    expect((await x.refused('$delete', '/leads/:id', lead('lead-1'))).status).toBe(404);
  });
});
