import { createReadStream } from 'node:fs';
import type { Campaign } from '../../src/campaign/campaign.js';
import {
  type ImportLeadsRequest,
  importLeads,
  type LeadImportReport,
} from '../../src/intake/import-leads.js';
import { createDncRepository } from '../../src/store/dnc.js';
import { createLeadIntakeStore } from '../../src/store/lead-import/lead-intake-store.js';
import { createLeadRepository } from '../../src/store/leads.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { openMemoryStore, sampleLead, seedStore, T0 } from './store-fixtures.js';

export const CAMPAIGN_ID = 'campaign-reminders';

/** A fresh in-memory database with one campaign (US numbers, no extensions by default). */
export async function openIntakeStore(overrides: Partial<Campaign> = {}): Promise<Store> {
  const store = await openMemoryStore();
  await seedStore(store, { campaigns: [{ id: CAMPAIGN_ID, ...overrides }] });
  return store;
}

/** Adds leads with these phones to the campaign, as if imported before. */
export async function addExistingLeads(store: Store, phones: readonly string[]): Promise<void> {
  const inserted = await createLeadRepository(store.db).insert(
    phones.map((phone, index) =>
      sampleLead(CAMPAIGN_ID, index + 1, {
        id: `existing-${index + 1}`,
        phone,
        name: `Existing ${index + 1}`,
        customVars: { kept: 'yes', appointment: 'old' },
      }),
    ),
  );
  if (!inserted.ok) throw new Error(`could not add existing leads: ${inserted.reason}`);
}

/** Puts phones on the global (`campaign: false`) or the campaign's do-not-call list. */
export async function addDncEntries(
  store: Store,
  entries: readonly { phone: string; campaign?: boolean; reason?: string | null }[],
): Promise<void> {
  const dnc = createDncRepository(store.db);
  for (const entry of entries) {
    await dnc.add({
      campaignId: entry.campaign ? CAMPAIGN_ID : null,
      phone: entry.phone,
      reason: entry.reason ?? null,
      createdAt: T0,
    });
  }
}

let importCounter = 0;

/** Runs the importer over a CSV file or text; throws unless the import started. */
export async function runImport(
  store: Store,
  source: { file: string; chunkBytes?: number } | { text: string },
  options: Partial<Omit<ImportLeadsRequest, 'source' | 'campaignId'>> = {},
): Promise<LeadImportReport> {
  const result = await importLeads(
    {
      store: createLeadIntakeStore(store),
      clock: { now: () => T0 },
      newImportId: () => `import-${++importCounter}`,
    },
    {
      campaignId: CAMPAIGN_ID,
      fileName: 'file' in source ? source.file : 'leads.csv',
      source:
        'file' in source
          ? createReadStream(source.file, { highWaterMark: source.chunkBytes ?? 64 * 1024 })
          : (async function* () {
              yield source.text;
            })(),
      ...options,
    },
  );
  if (!result.ok) throw new Error(`import refused: ${result.reason}`);
  return result.report;
}

/** The campaign's leads in import order, as the fixtures describe them. */
export async function leadsOf(store: Store) {
  const leads = await createLeadRepository(store.db).listByCampaign(CAMPAIGN_ID, {
    limit: 10_000,
    offset: 0,
  });
  return leads.map((lead) => ({
    phone: lead.phone,
    name: lead.name,
    timezone: lead.timezone,
    callerId: lead.callerId,
    customVars: lead.customVars,
    state: lead.state,
  }));
}
