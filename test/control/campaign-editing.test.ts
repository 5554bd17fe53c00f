import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../src/campaign/campaign.js';
import {
  type CampaignEditingStore,
  createCampaignEditing,
} from '../../src/control/campaign-editing.js';
import { sampleCampaign } from '../support/store-fixtures.js';

const T0 = 1_700_000_000_000;

/** Campaigns and recordings in memory; `writes` counts what reached the store. */
function setUp(campaigns: Campaign[] = [], recordings: string[] = []) {
  const byId = new Map(campaigns.map((c) => [c.id, c]));
  let writes = 0;
  let ids = 0;
  const store: CampaignEditingStore = {
    get: async (id) => byId.get(id),
    async insert(campaign) {
      writes += 1;
      byId.set(campaign.id, campaign);
    },
    async update(id, settings, at) {
      const current = byId.get(id);
      if (current === undefined) return false;
      writes += 1;
      byId.set(id, { ...current, ...settings, updatedAt: at });
      return true;
    },
    recordingExists: async (id) => recordings.includes(id),
  };
  const editing = createCampaignEditing({
    store,
    clock: { now: () => T0 },
    newId: () => `id-${++ids}`,
    log: { info: () => undefined },
  });
  return { editing, byId, writes: () => writes };
}

describe('creating a campaign', () => {
  it('makes a draft with the defaults for what is left out', async () => {
    const x = setUp();
    const result = await x.editing.create({ name: 'Flu shots', timezone: 'Europe/London' });
    expect(result).toMatchObject({
      ok: true,
      campaign: {
        id: 'id-1',
        status: 'draft',
        statusReason: null,
        createdAt: T0,
        window: { start: '09:00', end: '17:00' },
      },
    });
    expect(x.byId.get('id-1')?.name).toBe('Flu shots');
  });

  it('lists every problem at once, by field, and writes nothing', async () => {
    const x = setUp([], ['rec-1']);
    const result = await x.editing.create({
      name: 'Flu shots',
      timezone: 'Europe/London',
      // Ends before it starts.
      startsAt: T0 + 86_400_000,
      endsAt: T0,
      consent: { enabled: true, recordingId: 'rec-9', timeoutSec: 8 },
      voicemail: { enabled: true, recordingId: 'rec-1', greetingMaxWaitSec: 10 },
    });
    if (result.ok || result.reason !== 'invalid') throw new Error('expected invalid settings');
    expect(result.issues.map((issue) => issue.field)).toEqual(['window', 'consent.recordingId']);
    expect(result.issues[1]?.message).toContain('no recording has the id "rec-9"');
    expect(x.writes()).toBe(0);
  });
});

describe('changing and cloning a campaign', () => {
  it('changes what the patch names, checked with the settings it keeps', async () => {
    const x = setUp([sampleCampaign({ id: 'c1' })]);
    expect(await x.editing.update('c1', { maxConcurrent: 7 })).toMatchObject({
      ok: true,
      campaign: { id: 'c1', maxConcurrent: 7, updatedAt: T0 },
    });
    expect(await x.editing.update('nope', { maxConcurrent: 7 })).toEqual({
      ok: false,
      reason: 'notFound',
    });
  });

  it('refuses any change to an archived campaign', async () => {
    const x = setUp([sampleCampaign({ id: 'c1', status: 'archived' })]);
    expect(await x.editing.update('c1', { maxConcurrent: 2 })).toEqual({
      ok: false,
      reason: 'archived',
      message: 'an archived campaign cannot change; unarchive it first',
    });
    expect(x.writes()).toBe(0);
  });

  it('clones the settings into a new draft, named as a copy', async () => {
    const x = setUp([sampleCampaign({ id: 'c1', status: 'running', name: 'Reminders' })]);
    expect(await x.editing.clone('c1')).toMatchObject({
      ok: true,
      campaign: { id: 'id-1', name: 'Reminders (copy)', status: 'draft', createdAt: T0 },
    });
    expect(await x.editing.clone('nope')).toEqual({ ok: false, reason: 'notFound' });
  });
});
