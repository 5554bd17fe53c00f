import { describe, expect, it } from 'vitest';
import type { LeadState } from '../../src/campaign/retry-policy.js';
import {
  createLeadControl,
  type LeadControlStore,
  type RecycleMode,
} from '../../src/control/lead-control.js';

const CAMPAIGN = 'campaign-reminders';
const T0 = 1_700_000_000_000;

interface StoredLead {
  state: LeadState;
  /** An attempt of it has not ended (the store's belt and braces besides `dialing`). */
  openAttempt?: boolean;
}

/**
 * A store holding leads in memory, with the compare-and-set semantics of the SQLite one;
 * `before` runs just before each write, to let a test change a lead in between (the
 * engine claiming it, another operator acting on it).
 */
function memoryStore(leads: Record<string, StoredLead>) {
  const writes: string[] = [];
  let before: (() => void) | undefined;
  const interleave = () => {
    before?.();
    before = undefined;
  };
  const store: LeadControlStore = {
    async leadState(leadId) {
      const lead = leads[leadId];
      return lead && { campaignId: CAMPAIGN, state: lead.state };
    },
    async recycle(leadId, from, mode: RecycleMode, at) {
      interleave();
      const lead = leads[leadId];
      if (lead?.state !== from) return false;
      lead.state = 'pending';
      writes.push(`recycle ${leadId} ${mode} ${at}`);
      return true;
    },
    async cancelPending(leadId, at) {
      interleave();
      const lead = leads[leadId];
      if (lead?.state !== 'pending') return false;
      lead.state = 'canceled';
      writes.push(`cancel ${leadId} ${at}`);
      return true;
    },
    async deleteIdle(leadId) {
      interleave();
      const lead = leads[leadId];
      if (lead === undefined || lead.state === 'dialing' || lead.openAttempt) return false;
      delete leads[leadId];
      writes.push(`delete ${leadId}`);
      return true;
    },
  };
  return {
    store,
    writes,
    beforeNextWrite(change: () => void) {
      before = change;
    },
  };
}

function setUp(leads: Record<string, StoredLead>) {
  const memory = memoryStore(leads);
  const logged: string[] = [];
  const control = createLeadControl({
    store: memory.store,
    clock: { now: () => T0 },
    log: {
      info(_fields: object, message: string) {
        logged.push(message);
      },
    },
  });
  return { ...memory, control, logged };
}

describe('recycling a lead', () => {
  it.each(['completed', 'failed', 'canceled', 'dnc'] satisfies LeadState[])(
    'sends a %s lead back to pending, at the clock’s time',
    async (state) => {
      const x = setUp({ 'lead-1': { state } });
      expect(await x.control.recycle('lead-1', 'reset')).toEqual({
        ok: true,
        campaignId: CAMPAIGN,
      });
      expect(x.writes).toEqual([`recycle lead-1 reset ${T0}`]);
      expect(x.logged).toEqual(['lead recycled']);
    },
  );

  it.each(['pending', 'dialing'] satisfies LeadState[])(
    'refuses a %s lead, naming the states it applies to, and writes nothing',
    async (state) => {
      const x = setUp({ 'lead-1': { state } });
      expect(await x.control.recycle('lead-1', 'redial')).toEqual({
        ok: false,
        reason: 'wrongState',
        state,
        message: `cannot recycle a lead that is ${state}; only completed, failed, canceled, dnc leads can be recycled`,
      });
      expect(x.writes).toEqual([]);
    },
  );

  it('answers with the state the lead is in now when it changed after being read', async () => {
    const leads: Record<string, StoredLead> = { 'lead-1': { state: 'failed' } };
    const x = setUp(leads);
    x.beforeNextWrite(() => {
      leads['lead-1'] = { state: 'pending' };
    });
    expect(await x.control.recycle('lead-1', 'redial')).toMatchObject({
      ok: false,
      reason: 'wrongState',
      state: 'pending',
    });
    expect(x.logged).toEqual([]);
  });

  it('says so when there is no such lead, or it was deleted in between', async () => {
    const leads: Record<string, StoredLead> = { 'lead-1': { state: 'failed' } };
    const x = setUp(leads);
    expect(await x.control.recycle('lead-9', 'redial')).toEqual({ ok: false, reason: 'notFound' });
    x.beforeNextWrite(() => {
      delete leads['lead-1'];
    });
    expect(await x.control.recycle('lead-1', 'redial')).toEqual({ ok: false, reason: 'notFound' });
  });
});

describe('ignoring a lead', () => {
  it('cancels a pending lead so that it is never dialed', async () => {
    const x = setUp({ 'lead-1': { state: 'pending' } });
    expect(await x.control.ignore('lead-1')).toEqual({ ok: true, campaignId: CAMPAIGN });
    expect(x.writes).toEqual([`cancel lead-1 ${T0}`]);
  });

  it('points at the live attempt for a lead being dialed', async () => {
    const x = setUp({ 'lead-1': { state: 'dialing' } });
    expect(await x.control.ignore('lead-1')).toEqual({
      ok: false,
      reason: 'wrongState',
      state: 'dialing',
      message: 'cannot cancel a lead that is dialing this way; cancel its live attempt instead',
    });
  });

  it('refuses a finished lead, and a lead claimed between the read and the write', async () => {
    const leads: Record<string, StoredLead> = {
      'lead-1': { state: 'completed' },
      'lead-2': { state: 'pending' },
    };
    const x = setUp(leads);
    expect(await x.control.ignore('lead-1')).toMatchObject({
      reason: 'wrongState',
      message: 'cannot cancel a lead that is completed; only pending leads can be',
    });
    x.beforeNextWrite(() => {
      leads['lead-2'] = { state: 'dialing' };
    });
    expect(await x.control.ignore('lead-2')).toMatchObject({
      reason: 'wrongState',
      state: 'dialing',
    });
    expect(x.writes).toEqual([]);
  });
});

describe('deleting a lead', () => {
  it('deletes a lead that is not being dialed', async () => {
    const x = setUp({ 'lead-1': { state: 'failed' } });
    expect(await x.control.delete('lead-1')).toEqual({ ok: true, campaignId: CAMPAIGN });
    expect(x.writes).toEqual(['delete lead-1']);
    expect(x.logged).toEqual(['lead deleted']);
  });

  it('refuses while the lead is dialing, or while an attempt of it is still open', async () => {
    const x = setUp({
      'lead-1': { state: 'dialing' },
      'lead-2': { state: 'pending', openAttempt: true },
    });
    const refusal = {
      ok: false,
      reason: 'wrongState',
      message: 'cannot delete a lead while it is being dialed; cancel its live attempt first',
    };
    expect(await x.control.delete('lead-1')).toEqual({ ...refusal, state: 'dialing' });
    expect(await x.control.delete('lead-2')).toEqual({ ...refusal, state: 'pending' });
    expect(x.writes).toEqual([]);
  });

  it('says so when there is no such lead', async () => {
    const x = setUp({});
    expect(await x.control.delete('lead-9')).toEqual({ ok: false, reason: 'notFound' });
  });
});
