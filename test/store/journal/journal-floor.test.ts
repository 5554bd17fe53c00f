import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchCampaign, benchLead } from '../../../bench/bench-fixtures.js';
import { benchPhone } from '../../../bench/engine-scenarios.js';
import {
  type FloorStatements,
  recordAttemptUnits,
  runJournalFloor,
} from '../../../bench/journal-floor.js';
import { createCampaignRepository } from '../../../src/store/campaigns.js';
import { createLeadRepository } from '../../../src/store/leads.js';
import { fileStorePerTest } from '../../support/file-store.js';

/**
 * The floor variants of bench:attempt-engine are read as "what SQLite takes for these
 * statements alone": each must run exactly the statements it names, or its figure
 * means something else. Checked on what each leaves in the database.
 */
const ATTEMPTS = 8;
const LIVE = 3;

const files = fileStorePerTest();

async function runFloor(statements: FloorStatements) {
  const store = await files.open();
  const campaign = benchCampaign();
  await createCampaignRepository(store.db).insert(campaign);
  await createLeadRepository(store.db).insert(
    Array.from({ length: ATTEMPTS }, (_, n) =>
      benchLead(`lead-${n}`, campaign.id, benchPhone(n), n),
    ),
  );
  await store.close();
  const recorded = await recordAttemptUnits(ATTEMPTS, campaign.id);
  const path = join(files.path(), 'dialstate.db');
  const result = runJournalFloor(path, 'FULL', recorded, LIVE, { statements, walPages: true });
  // Closed after the test, with its folder.
  const after = await files.open();
  const count = (sql: string) => (after.prepare(sql).all([]) as { n: number }[])[0]?.n;
  const left = {
    attempts: count('select count(*) as n from attempt'),
    events: count('select count(*) as n from attempt_event'),
    updated: count('select count(*) as n from attempt where seq > 0'),
    done: count('select count(*) as n from attempt where done = 1'),
    dialing: count(`select count(*) as n from lead where state = 'dialing'`),
  };
  // One event's unit per recorded unit after each claim.
  const events = recorded.reduce((sum, units) => sum + units.length - 1, 0);
  return { result, left, events };
}

/** What a run leaves when it ran the claims alone; each variant's test names what its statements change. */
const CLAIMED = { attempts: ATTEMPTS, events: 0, updated: 0, done: 0, dialing: ATTEMPTS };

describe('bench/journal-floor.ts variants', () => {
  it('claims: only the claims are written', async () => {
    const { result, left, events } = await runFloor('claims');
    expect(result.events).toBe(events);
    expect(left).toEqual(CLAIMED);
  });

  it('event: the claims and one journal row per event, the attempt rows left alone', async () => {
    const { result, left, events } = await runFloor('event');
    expect(left).toEqual({ ...CLAIMED, events });
    expect(result.walPages?.perCommit).toBeGreaterThan(0);
  });

  it('event-update: the attempt rows follow their journals, the leads stay dialing', async () => {
    const { left, events } = await runFloor('event-update');
    expect(left).toEqual({ ...CLAIMED, events, updated: ATTEMPTS, done: ATTEMPTS });
  });

  it('all: every statement, so the leads move on too', async () => {
    const { left, events } = await runFloor('all');
    expect(left).toEqual({ ...CLAIMED, events, updated: ATTEMPTS, done: ATTEMPTS, dialing: 0 });
  });
});
