/**
 * A claimer process for test/store/lead-claims.test.ts: claims leads of one campaign
 * from a database file until none is left, with a few claims in flight at once, then
 * prints the ids of the leads it claimed as JSON.
 *
 * It prints `ready` once loaded and waits for a line on stdin before it starts, so that
 * the claims of every process really overlap.
 *
 * Usage: node --import tsx claim-child.ts <db path> <campaign id> <name>
 */
import { NO_FREQUENCY_CAPS } from '../../src/campaign/frequency-caps.js';
import { createAttemptJournal } from '../../src/store/journal/attempt-journal.js';
import { createLeadClaimer } from '../../src/store/lead-claims.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { sampleNewAttempt, T0 } from './store-fixtures.js';

const [dbPath, campaignId, name] = process.argv.slice(2);
if (!dbPath || !campaignId || !name) throw new Error('missing arguments');

const IN_FLIGHT = 4;
const store = openDatabase({ path: dbPath, synchronous: 'NORMAL' });
const claimer = createLeadClaimer(createAttemptJournal(store));
const claimed: string[] = [];
let ids = 0;

async function claimUntilNoneLeft(): Promise<void> {
  for (;;) {
    const result = await claimer.claimNextLead({
      campaignId: campaignId as string,
      at: T0,
      maxAttempts: 3,
      frequencyCaps: NO_FREQUENCY_CAPS,
      consider: (lead) => {
        ids += 1;
        return {
          verdict: 'claim',
          attempt: sampleNewAttempt(`${name}-${ids}`, campaignId as string, lead.id),
        };
      },
    });
    if (!result.ok) return;
    claimed.push(result.lead.id);
  }
}

process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
await Promise.all(Array.from({ length: IN_FLIGHT }, claimUntilNoneLeft));
await store.close();
process.stdout.write(JSON.stringify(claimed));
