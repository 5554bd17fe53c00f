/**
 * A claimer process for test/store/lead-claims.test.ts: claims leads of one campaign
 * from a database file until none is left, with a few claims in flight at once, then
 * prints the ids of the leads it claimed as JSON.
 *
 * Usage: node --import tsx claim-child.ts <db path> <campaign id> <name> <start at (epoch ms)>
 */
import { createAttemptJournal } from '../../src/store/attempt-journal.js';
import { openDatabase } from '../../src/store/db.js';
import { createLeadClaimer } from '../../src/store/lead-claims.js';
import { sampleNewAttempt, T0 } from './store-fixtures.js';

const [dbPath, campaignId, name, startAt] = process.argv.slice(2);
if (!dbPath || !campaignId || !name || !startAt) throw new Error('missing arguments');

const IN_FLIGHT = 4;
const store = openDatabase({ path: dbPath, synchronous: 'NORMAL' });
const claimer = createLeadClaimer(store.db, createAttemptJournal(store));
const claimed: string[] = [];
let ids = 0;

async function claimUntilNoneLeft(): Promise<void> {
  for (;;) {
    const result = await claimer.claimNextLead({
      campaignId: campaignId as string,
      at: T0,
      maxAttempts: 3,
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

// Every process starts at the same instant, so that their claims really overlap.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
await Promise.all(Array.from({ length: IN_FLIGHT }, claimUntilNoneLeft));
await store.close();
process.stdout.write(JSON.stringify(claimed));
