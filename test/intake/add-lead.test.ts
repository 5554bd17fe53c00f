import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addLead } from '../../src/intake/add-lead.js';
import { createLeadIntakeStore } from '../../src/store/lead-import/lead-intake-store.js';
import { createLeadRepository } from '../../src/store/leads.js';
import type { Store } from '../../src/store/sqlite/db.js';
import {
  addDncEntries,
  addExistingLeads,
  CAMPAIGN_ID,
  openIntakeStore,
  runImport,
} from '../support/lead-intake.js';
import { T0 } from '../support/store-fixtures.js';

let store: Store;
let ids = 0;
beforeEach(() => {
  ids = 0;
});
afterEach(async () => {
  await store.close();
});

function add(input: Parameters<typeof addLead>[2], campaignId = CAMPAIGN_ID) {
  return addLead(
    {
      store: createLeadIntakeStore(store),
      clock: { now: () => T0 },
      newLeadId: () => `manual-${++ids}`,
    },
    campaignId,
    input,
  );
}

describe('addLead', () => {
  it('adds a lead through the CSV validator, last in import order', async () => {
    store = await openIntakeStore();
    await runImport(store, { text: 'phone\n+1 415 555 0101\n+1 415 555 0102\n' });
    const result = await add({
      phone: '(415) 555-0103',
      name: '  Grace Hopper ',
      timezone: 'america/new_york',
      customVars: { appointment: '10:30', visits: 2 },
    });
    expect(result).toEqual({ ok: true, leadId: 'manual-1', state: 'pending', warnings: [] });
    const lead = await createLeadRepository(store.db).get('manual-1');
    expect(lead).toMatchObject({
      phone: '+14155550103',
      name: 'Grace Hopper',
      timezone: 'America/New_York',
      customVars: { appointment: '10:30', visits: '2' },
      state: 'pending',
      importSeq: 3,
      createdAt: T0,
    });
  });

  it('says what is wrong with an invalid lead, value by value', async () => {
    store = await openIntakeStore();
    expect(await add({ phone: 'call me', customVars: '[1]', timezone: 'Mars/Base' })).toEqual({
      ok: false,
      reason: 'invalid',
      errors: [
        { field: 'phone', value: 'call me', reason: 'not a phone number' },
        {
          field: 'custom_vars',
          value: '[1]',
          reason: 'must be a JSON object, e.g. {"appointment": "10:30"}',
        },
      ],
      warnings: [
        {
          field: 'timezone',
          value: 'Mars/Base',
          reason:
            "not a known IANA time zone (e.g. America/New_York); the campaign's time zone applies",
        },
      ],
    });
  });

  it('refuses a number the campaign already has, however it is written', async () => {
    store = await openIntakeStore();
    await addExistingLeads(store, ['+14155550101']);
    expect(await add({ phone: '415.555.0101' })).toEqual({
      ok: false,
      reason: 'duplicatePhone',
      leadId: 'existing-1',
    });
  });

  it('stores a number on a do-not-call list as dnc, and says so', async () => {
    store = await openIntakeStore();
    await addDncEntries(store, [{ phone: '+14155550101', campaign: true, reason: 'asked twice' }]);
    const result = await add({ phone: '+1 415 555 0101' });
    expect(result).toMatchObject({ ok: true, state: 'dnc' });
    expect(result.ok && result.warnings.map((w) => w.reason)).toEqual([
      "on the campaign's do-not-call list (asked twice); stored as dnc, never dialed",
    ]);
    const leadId = result.ok ? result.leadId : '';
    expect((await createLeadRepository(store.db).get(leadId))?.lastError).toBe(
      "on the campaign's do-not-call list (asked twice)",
    );
  });

  it('refuses an unknown campaign', async () => {
    store = await openIntakeStore();
    expect(await add({ phone: '+1 415 555 0101' }, 'nope')).toEqual({
      ok: false,
      reason: 'campaignNotFound',
    });
  });
});
