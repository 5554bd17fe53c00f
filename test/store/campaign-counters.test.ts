import { describe, it } from 'vitest';
import * as counters from '../../src/store/migrations/202611271000_campaign_counters.js';
import {
  CAMPAIGNS,
  expectCountersMatch,
  insertAttempt,
  MIDNIGHT,
  QUARTER_HOUR,
} from '../support/campaign-counter-truth.js';
import { sampleLeads } from '../support/store-fixtures.js';
import { useStoreWorkspace } from '../support/store-workspace.js';

// The counters' behaviour on every dialect is in test/store/contract/campaign-counters.contract.test.ts;
// here, what SQLite's migration does to a database that had rows before the counters.

const workspace = useStoreWorkspace({
  campaigns: CAMPAIGNS.map((id) => ({ id })),
  leads: CAMPAIGNS.flatMap((id, index) => sampleLeads(id, 12, 1 + 100 * index)),
});

describe('campaign counters kept by triggers on SQLite', () => {
  it('are filled from the rows already there when the migration runs', async () => {
    const { db } = workspace.store;
    await insertAttempt(db, 'before-1', 'campaign-a', 'lead-1', MIDNIGHT - 1);
    await insertAttempt(db, 'before-2', 'campaign-b', 'lead-102', MIDNIGHT + QUARTER_HOUR);
    await db.updateTable('lead').set({ state: 'completed' }).where('id', '=', 'lead-1').execute();
    await counters.down(db);
    // Changes made while there were no counters at all.
    await insertAttempt(db, 'between', 'campaign-b', 'lead-103', MIDNIGHT + 2 * QUARTER_HOUR);
    await db.deleteFrom('lead').where('id', '=', 'lead-104').execute();
    await counters.up(db);
    await expectCountersMatch(db);
  });
});
