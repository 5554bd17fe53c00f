import { afterEach, describe, expect, it } from 'vitest';
import { NO_FREQUENCY_CAPS } from '../../src/campaign/frequency-caps.js';
import type { Lead } from '../../src/campaign/lead.js';
import { addToDnc, importDnc, removeFromDnc } from '../../src/compliance/do-not-call-lists.js';
import { createDialingStore } from '../../src/store/dialing-store.js';
import { createDncRepository } from '../../src/store/dnc.js';
import { createDncListStore } from '../../src/store/dnc-list-store.js';
import { createAttemptJournal } from '../../src/store/journal/attempt-journal.js';
import { createLeadRepository } from '../../src/store/leads.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { CAMPAIGN_ID, leadsOf, openIntakeStore, runImport } from '../support/lead-intake.js';
import { sampleNewAttempt, T0 } from '../support/store-fixtures.js';

let store: Store;
afterEach(async () => {
  await store.close();
});

const deps = () => ({ store: createDncListStore(store), clock: { now: () => T0 } });

async function* text(...parts: string[]): AsyncGenerator<string> {
  yield* parts;
}

describe('do-not-call lists', () => {
  it('adds and removes numbers however they are written, per scope', async () => {
    store = await openIntakeStore();
    const campaign = { campaignId: CAMPAIGN_ID };
    expect(await addToDnc(deps(), campaign, '(415) 555-0101', ' asked ')).toEqual({
      ok: true,
      phone: '+14155550101',
      changed: true,
    });
    expect(await addToDnc(deps(), campaign, '+1 415 555 0101')).toMatchObject({ changed: false });
    expect(await addToDnc(deps(), { campaignId: null }, '+44 20 7946 0958')).toMatchObject({
      ok: true,
      phone: '+442079460958',
    });
    expect(
      (await createDncRepository(store.db).list(CAMPAIGN_ID)).map((e) => [e.phone, e.reason]),
    ).toEqual([['+14155550101', 'asked']]);
    expect(await removeFromDnc(deps(), campaign, '415.555.0101')).toMatchObject({ changed: true });
    expect(await removeFromDnc(deps(), campaign, '415.555.0101')).toMatchObject({ changed: false });
  });

  it('needs a country code or a region for the global list, and refuses bad numbers', async () => {
    store = await openIntakeStore();
    expect(await addToDnc(deps(), { campaignId: null }, '415 555 0101')).toEqual({
      ok: false,
      reason: 'invalidPhone',
      message: 'no valid country code (write it as +<country code> <number>)',
    });
    expect(
      await addToDnc(deps(), { campaignId: null, region: 'US' }, '415 555 0101'),
    ).toMatchObject({
      ok: true,
      phone: '+14155550101',
    });
    expect(await addToDnc(deps(), { campaignId: null, region: 'ZZ' }, '1')).toMatchObject({
      ok: false,
      reason: 'invalidRegion',
    });
    expect(await addToDnc(deps(), { campaignId: 'nope' }, '1')).toEqual({
      ok: false,
      reason: 'campaignNotFound',
    });
  });

  it('imports a CSV of numbers: new ones added, listed ones counted, bad ones rejected', async () => {
    store = await openIntakeStore();
    await addToDnc(deps(), { campaignId: null }, '+1 415 555 0101');
    const result = await importDnc(
      deps(),
      { campaignId: null, region: 'US' },
      text(
        'Phone Number;Reason;Source\n',
        '415 555 0101;;x\n415 555 0102;complaint;y\n',
        'nope;;\n(415) 555-0102;;\n6001;;\n',
      ),
      { defaultReason: 'registry 2026' },
    );
    expect(result).toEqual({
      ok: true,
      report: {
        status: 'completed',
        error: null,
        counts: { totalRows: 5, added: 2, alreadyListed: 1, duplicates: 1, rejected: 1 },
        issues: [{ rowNumber: 3, value: 'nope', reason: 'not a phone number' }],
      },
    });
    expect(
      (await createDncRepository(store.db).list(null)).map((e) => [e.phone, e.reason]),
    ).toEqual([
      ['+14155550101', null],
      ['+14155550102', 'complaint'],
      ['6001', 'registry 2026'],
    ]);
  });

  it('adds nothing from a file that breaks half way', async () => {
    store = await openIntakeStore();
    let rows = 'phone\n';
    for (let n = 0; n < 5_000; n++) rows += `+1415${2_000_000 + n}\n`;
    const result = await importDnc(
      deps(),
      { campaignId: CAMPAIGN_ID },
      text(rows, '"+1 415 555 0101\n'),
    );
    expect(result).toMatchObject({ ok: true, report: { status: 'failed' } });
    expect(await createDncRepository(store.db).list(CAMPAIGN_ID)).toEqual([]);
  });

  it('blocks at claim time a number listed after its lead was imported', async () => {
    store = await openIntakeStore();
    await runImport(store, { text: 'phone\n+1 415 555 0101\n+1 415 555 0102\n' });
    expect(
      await addToDnc(deps(), { campaignId: CAMPAIGN_ID }, '415-555-0101', 'asked'),
    ).toMatchObject({
      ok: true,
    });
    const dialing = createDialingStore(store.db, createAttemptJournal(store));
    const claimed = await dialing.claimNextLead({
      campaignId: CAMPAIGN_ID,
      at: T0,
      maxAttempts: 3,
      frequencyCaps: NO_FREQUENCY_CAPS,
      consider: (lead: Lead) => ({
        verdict: 'claim',
        attempt: sampleNewAttempt('attempt-1', CAMPAIGN_ID, lead.id),
      }),
    });
    expect(claimed.ok && claimed.lead.phone).toBe('+14155550102');
    const leads = await leadsOf(store);
    expect(leads.map((lead) => [lead.phone, lead.state])).toEqual([
      ['+14155550101', 'dnc'],
      ['+14155550102', 'dialing'],
    ]);
    const [blocked] = await createLeadRepository(store.db).listByCampaign(CAMPAIGN_ID, {
      state: 'dnc',
      limit: 1,
      offset: 0,
    });
    expect(blocked?.lastError).toBe("on the campaign's do-not-call list (asked)");
  });
});
