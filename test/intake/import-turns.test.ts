import { afterEach, describe, expect, it } from 'vitest';
import { importLeads } from '../../src/intake/import-leads.js';
import type { LeadImportStore } from '../../src/intake/lead-intake-ports.js';
import { readLeadFile } from '../../src/intake/read-lead-file.js';
import { createLeadIntakeStore } from '../../src/store/lead-import/lead-intake-store.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { chunks, rows } from '../support/csv-chunks.js';
import { CAMPAIGN_ID, leadsOf, openIntakeStore } from '../support/lead-intake.js';
import { T0 } from '../support/store-fixtures.js';

let store: Store;
afterEach(async () => {
  await store?.close();
});

/**
 * Counts turns of the event loop: a `setImmediate` that schedules itself runs once a
 * turn, after that turn's I/O, so two steps that see the same count ran in one turn.
 */
function turnCounter() {
  let turn = 0;
  let running = true;
  const tick = () => {
    turn += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    now: () => turn,
    stop: () => {
      running = false;
    },
  };
}

describe('an import shares the event loop with the calls', () => {
  it("looks up and stages each batch in turns of the loop of their own, never two batches' work in one", async () => {
    store = await openIntakeStore();
    const turns = turnCounter();
    const steps: { step: 'lookup' | 'stage'; turn: number }[] = [];
    const intake = createLeadIntakeStore(store);
    // The real store, each step noted with the turn it ran in.
    const watched: LeadImportStore = {
      getCampaign: (id) => intake.getCampaign(id),
      findBlocked: (id, phones) => intake.findBlocked(id, phones),
      findExisting: (id, phones) => {
        steps.push({ step: 'lookup', turn: turns.now() });
        return intake.findExisting(id, phones);
      },
      async begin(start) {
        const run = await intake.begin(start);
        return {
          importId: run.importId,
          setHeader: (header) => run.setHeader(header),
          stage: (leads, issues) => {
            if (leads.length > 0) steps.push({ step: 'stage', turn: turns.now() });
            return run.stage(leads, issues);
          },
          saveProgress: (counts, bytesRead) => run.saveProgress(counts, bytesRead),
          merge: (finalCounts, at) => run.merge(finalCounts, at),
          fail: (error, counts, at) => run.fail(error, counts, at),
        };
      },
    };
    // Read in place from a source that is all there at once: every batch is ready the
    // moment the import asks for it, as when the reading thread is batches ahead.
    const result = await importLeads(
      { store: watched, clock: { now: () => T0 }, newImportId: () => 'import-turns', readLeadFile },
      {
        campaignId: CAMPAIGN_ID,
        fileName: 'leads.csv',
        source: chunks('phone,name\n', rows(5000)),
      },
    );
    turns.stop();

    expect(result.ok && result.report.counts).toMatchObject({ totalRows: 5000, accepted: 5000 });
    expect((await leadsOf(store)).length).toBe(5000);
    // Five batches of 1,024 rows at most: lookup, stage, lookup, stage, …
    expect(steps.map((s) => s.step)).toEqual(
      Array.from({ length: steps.length }, (_, i) => (i % 2 === 0 ? 'lookup' : 'stage')),
    );
    expect(steps.length).toBeGreaterThanOrEqual(10);
    for (let i = 1; i < steps.length; i++) {
      expect(steps[i]?.turn, `step ${i} (${steps[i]?.step})`).toBeGreaterThan(
        steps[i - 1]?.turn ?? 0,
      );
    }
  });
});
