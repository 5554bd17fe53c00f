/**
 * An importing process for test/intake/lead-import-crash.test.ts: imports generated
 * rows into the campaign of a database file, printing `reading` once some batches are
 * staged and `merging` as the final merge begins, so that the test can kill it there.
 *
 * Usage: node --import tsx import-child.ts <db path> <campaign id> <rows> <slow: yes|no> [owned]
 * With `slow`, rows keep coming slowly after `reading`: the import never gets to merge.
 * With `owned`, the merge runs at the pace of `dialstate import` holding the server lock
 * (`OWNED_MERGE_PACE`, big transactions).
 */
import { importLeads } from '../../src/intake/import-leads.js';
import { OWNED_MERGE_PACE } from '../../src/store/lead-import/lead-import-merge.js';
import { createLeadIntakeStore } from '../../src/store/lead-import/lead-intake-store.js';
import { openDatabase } from '../../src/store/sqlite/db.js';

const [dbPath, campaignId, rows, slow, pace] = process.argv.slice(2);
if (!dbPath || !campaignId || !rows || !slow) throw new Error('missing arguments');

let readingSaid = false;
async function* csv(): AsyncGenerator<string> {
  yield 'phone,name\n';
  const total = Number(rows);
  for (let start = 0; start < total; start += 1000) {
    let chunk = '';
    for (let n = start; n < Math.min(total, start + 1000); n++) {
      chunk += `+1415${String(2_000_000 + n)},Lead ${n}\n`;
    }
    yield chunk;
    if (readingSaid && slow === 'yes') await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const store = openDatabase({ path: dbPath, synchronous: 'NORMAL' });
await importLeads(
  {
    store: createLeadIntakeStore(store, pace === 'owned' ? OWNED_MERGE_PACE : {}),
    clock: { now: () => Date.now() },
    newImportId: () => 'crash-import',
  },
  {
    campaignId,
    fileName: 'generated.csv',
    source: csv(),
    onProgress: (progress) => {
      if (progress.phase === 'reading' && !readingSaid && progress.counts.totalRows >= 8192) {
        readingSaid = true;
        process.stdout.write('reading\n');
      }
      if (progress.phase === 'merging') process.stdout.write('merging\n');
    },
  },
);
process.stdout.write('done\n');
await store.close();
