import { afterEach, describe, expect, it } from 'vitest';
import {
  createLeadIntakeStore,
  INTAKE_LOOKUP_SQL,
} from '../../../src/store/lead-import/lead-intake-store.js';
import { createLeadRepository } from '../../../src/store/leads.js';
import type { Store } from '../../../src/store/sqlite/db.js';
import { withConnection } from '../../../src/store/sqlite/sync-transaction.js';
import {
  addDncEntries,
  addExistingLeads,
  CAMPAIGN_ID,
  openIntakeStore,
} from '../../support/lead-intake.js';
import { T0 } from '../../support/store-fixtures.js';

let store: Store;
afterEach(async () => {
  await store.close();
});

function plan(sql: string): Promise<string> {
  return withConnection(store, () =>
    (store.prepare(`explain query plan ${sql}`).all(['[]', CAMPAIGN_ID]) as { detail: string }[])
      .map((row) => row.detail)
      .join('\n'),
  );
}

describe('lead intake store', () => {
  it('looks each number of a batch up through an index, the batch as the outer loop', async () => {
    store = await openIntakeStore();
    expect(await plan(INTAKE_LOOKUP_SQL.existing)).toMatch(
      /^SCAN j VIRTUAL TABLE.*\nSEARCH lead EXISTS USING COVERING INDEX sqlite_autoindex_lead_2 \(campaign_id=\? AND phone=\?\)$/,
    );
    expect(await plan(INTAKE_LOOKUP_SQL.blocked)).toMatch(
      /^SCAN j VIRTUAL TABLE.*\nSEARCH d USING INDEX dnc_scope_phone \(<expr>=\? AND phone=\?\)$/,
    );
  });

  it('finds existing leads and do-not-call entries, the global list first', async () => {
    store = await openIntakeStore();
    await addExistingLeads(store, ['+14155550101']);
    await addDncEntries(store, [
      { phone: '+14155550102', campaign: true, reason: 'campaign' },
      { phone: '+14155550102', reason: 'global' },
    ]);
    const intake = createLeadIntakeStore(store);
    const phones = ['+14155550101', '+14155550102', '+14155550103'];
    expect(await intake.findExisting(CAMPAIGN_ID, phones)).toEqual(new Set(['+14155550101']));
    expect(await intake.findBlocked(CAMPAIGN_ID, phones)).toEqual(
      new Map([['+14155550102', { scope: 'global', reason: 'global' }]]),
    );
    expect(await intake.findExisting(CAMPAIGN_ID, [])).toEqual(new Set());
  });

  it('adds a lead after the last one, or names the lead that has its number', async () => {
    store = await openIntakeStore();
    await addExistingLeads(store, ['+14155550101']);
    const intake = createLeadIntakeStore(store);
    const lead = {
      id: 'manual-1',
      campaignId: CAMPAIGN_ID,
      phone: '+14155550109',
      name: null,
      timezone: null,
      callerId: null,
      customVars: {},
      state: 'pending' as const,
      note: null,
      createdAt: T0,
    };
    expect(await intake.insertLead(lead)).toEqual({ ok: true });
    expect((await createLeadRepository(store.db).get('manual-1'))?.importSeq).toBe(2);
    expect(await intake.insertLead({ ...lead, id: 'manual-2', phone: '+14155550101' })).toEqual({
      ok: false,
      existingLeadId: 'existing-1',
    });
  });
});
