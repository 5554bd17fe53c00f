import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPhoneNormalizer } from '../../src/campaign/phone-number.js';
import { type ImportLeadsResult, importLeads } from '../../src/intake/import-leads.js';
import type { LeadImportCounts } from '../../src/intake/lead-import.js';
import { readLeadFile } from '../../src/intake/read-lead-file.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import { createLeadIntakeStore } from '../../src/store/lead-import/lead-intake-store.js';
import { createLeadRepository } from '../../src/store/leads.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { openMemoryStore, sampleCampaign, T0 } from '../support/store-fixtures.js';

let store: Store;
let runs = 0;
beforeAll(async () => {
  store = await openMemoryStore();
});
afterAll(async () => {
  await store.close();
});

/** Imports `parts` (bytes or text, one chunk each) into a fresh campaign. */
async function importInto(parts: (Uint8Array | string | Error)[]) {
  runs += 1;
  const campaignId = `campaign-${runs}`;
  await createCampaignRepository(store.db).insert(sampleCampaign({ id: campaignId }));
  const result: ImportLeadsResult | Error = await importLeads(
    {
      store: createLeadIntakeStore(store),
      clock: { now: () => T0 },
      newImportId: () => `import-${runs}`,
      // Read in place: hundreds of imports, each thread's start from the TypeScript
      // sources would dominate. The thread gives the same events (lead-file-thread.test.ts).
      readLeadFile,
    },
    {
      campaignId,
      fileName: 'generated.csv',
      source: (async function* () {
        for (const part of parts) {
          if (part instanceof Error) throw part;
          yield part;
        }
      })(),
    },
  ).catch((error: Error) => error);
  const leads = await createLeadRepository(store.db).listByCampaign(campaignId, {
    limit: 100_000,
    offset: 0,
  });
  return { result, leads };
}

function partition(counts: LeadImportCounts): number {
  return counts.accepted + counts.updated + counts.duplicates + counts.rejected + counts.dncBlocked;
}

/** Cuts `bytes` into chunks at the given points. */
function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of [...at, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return chunks;
}

const normalize = createPhoneNormalizer({ defaultRegion: 'US', allowExtensions: false });
const PHONES = [
  '+1 415 555 0101',
  '(415) 555-0101',
  '415.555.0102',
  '+14155550103',
  '+44 20 7946 0958',
  '212 555 0104',
  '415-555-01',
  'n/a',
  '',
  '6001',
  '+1 011 555 0123',
];

/** A lead CSV from rows of (phone, name, note), in one of the dialects spreadsheets write. */
const leadCsv = fc.record({
  rows: fc.array(
    fc.record({
      phone: fc.constantFrom(...PHONES),
      name: fc.string({ maxLength: 30, unit: 'binary' }).filter((s) => !s.includes('\uFFFD')),
      note: fc.string({ maxLength: 20 }),
    }),
    { maxLength: 40 },
  ),
  delimiter: fc.constantFrom(',', ';', '\t'),
  quoted: fc.boolean(),
  bom: fc.boolean(),
  crlf: fc.boolean(),
});

type LeadCsv = typeof leadCsv extends fc.Arbitrary<infer T> ? T : never;

function csvText(csv: LeadCsv): string {
  const text = stringify(
    [['phone', 'name', 'note'], ...csv.rows.map((row) => [row.phone, row.name, row.note])],
    { delimiter: csv.delimiter, quoted: csv.quoted, record_delimiter: csv.crlf ? '\r\n' : '\n' },
  );
  return (csv.bom ? '\uFEFF' : '') + text;
}

describe('importLeads, whatever it is given', () => {
  it('never throws on random bytes, and stores exactly the leads it reports', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (withHeader, noise, points) => {
          const header = new TextEncoder().encode(withHeader ? 'phone,name\n' : '');
          const bytes = new Uint8Array([...header, ...noise]);
          const { result, leads } = await importInto(cut(bytes, points));
          if (result instanceof Error) throw result;
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          const { status, counts } = result.report;
          expect(partition(counts)).toBe(counts.totalRows);
          expect(leads.length).toBe(
            status === 'completed' ? counts.accepted + counts.dncBlocked : 0,
          );
        },
      ),
      { seed: 5, numRuns: 250 },
    );
  });

  it('imports generated CSVs in every dialect exactly as a model of the rules says', async () => {
    await fc.assert(
      fc.asyncProperty(leadCsv, fc.array(fc.nat(), { maxLength: 5 }), async (csv, points) => {
        const bytes = new TextEncoder().encode(csvText(csv));
        const { result, leads } = await importInto(cut(bytes, points));
        if (result instanceof Error || !result.ok)
          throw new Error(`import did not run: ${String(result)}`);

        // The model: blank rows skipped, bad numbers rejected, the first of a number kept.
        const kept: { phone: string; name: string | null }[] = [];
        const seen = new Set<string>();
        let total = 0;
        let rejected = 0;
        for (const row of csv.rows) {
          const fields = [row.phone, row.name, row.note].map((field) => field.trim());
          if (fields.every((field) => field === '')) continue;
          total += 1;
          const phone = normalize(row.phone);
          if (!phone.ok) rejected += 1;
          else if (!seen.has(phone.phone)) {
            seen.add(phone.phone);
            kept.push({ phone: phone.phone, name: row.name.trim() || null });
          }
        }
        expect(result.report.status).toBe('completed');
        expect(result.report.counts).toEqual({
          totalRows: total,
          accepted: kept.length,
          updated: 0,
          duplicates: total - rejected - kept.length,
          rejected,
          dncBlocked: 0,
        });
        expect(leads.map((lead) => ({ phone: lead.phone, name: lead.name }))).toEqual(kept);
      }),
      { seed: 9, numRuns: 200 },
    );
  });

  it('never leaves part of an import behind when the file breaks or the source fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        leadCsv,
        fc.constantFrom('unclosed quote', 'text after a quote', 'source error'),
        async (csv, breakage) => {
          const text = csvText(csv);
          const parts: (string | Error)[] =
            breakage === 'source error'
              ? [text, new Error('disconnected')]
              : [
                  text,
                  `+1 415 555 0199${csv.delimiter}"Ada${breakage === 'unclosed quote' ? '' : '" x'}\n`,
                ];
          const { result, leads } = await importInto(parts);
          if (result instanceof Error) expect(result.message).toBe('disconnected');
          else expect(result.ok && result.report.status).toBe('failed');
          expect(leads).toEqual([]);
        },
      ),
      { seed: 13, numRuns: 150 },
    );
  });
});
