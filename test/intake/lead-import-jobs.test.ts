import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createLeadImportJobs, type LeadImportJobs } from '../../src/intake/lead-import-jobs.js';
import { createLeadImportRepository } from '../../src/store/lead-import/lead-imports.js';
import { createLeadIntakeStore } from '../../src/store/lead-import/lead-intake-store.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { CAMPAIGN_ID, leadsOf, openIntakeStore } from '../support/lead-intake.js';
import { T0 } from '../support/store-fixtures.js';
import { threadNiceValues } from '../support/thread-nice.js';
import { until } from '../support/until.js';

let store: Store;
let jobs: LeadImportJobs | undefined;
afterEach(async () => {
  await jobs?.settled();
  await store?.close();
});

/** A source whose chunks the test hands out one at a time with `release()`. */
function gatedSource(parts: string[]) {
  const gates: (() => void)[] = [];
  let opened = 0;
  let exhausted = false;
  async function* source() {
    try {
      for (const part of parts) {
        await new Promise<void>((resolve) => gates.push(resolve));
        yield part;
      }
    } finally {
      // Run to its end, or stopped by the import (which then wants no more).
      exhausted = true;
    }
  }
  // The import asks for a chunk only once it is done with the one before.
  const asked = () => gates.length > opened;
  return {
    source: source(),
    /** Lets the next chunk through and waits until the import has taken it in. */
    async release() {
      await until(asked, { what: 'the import asked for the next chunk', everyMs: 5 });
      gates[opened++]?.();
      await until(() => asked() || exhausted, {
        what: 'the import took the chunk in',
        everyMs: 5,
      });
    },
  };
}

async function setUp(maxRunning = 2) {
  store = await openIntakeStore();
  const clock = new SimulatedClock();
  clock.set(T0);
  let ids = 0;
  jobs = createLeadImportJobs({
    store: createLeadIntakeStore(store),
    clock,
    newImportId: () => `import-${++ids}`,
    log: pino({ level: 'silent' }),
    maxRunning,
  });
  return { jobs, clock };
}

describe('background lead imports', () => {
  it('knows the id at once and reports progress while the import runs', async () => {
    const { jobs, clock } = await setUp();
    const header = 'phone,name\n';
    const rows = Array.from({ length: 3 }, (_, i) => `+1415200000${i},Lead ${i}\n`).join('');
    const gate = gatedSource([header, rows]);
    let released = 0;
    const bytesTotal = header.length + rows.length;
    const started = jobs.start({
      campaignId: CAMPAIGN_ID,
      fileName: 'big.csv',
      source: gate.source,
      bytesTotal,
      release: async () => {
        released += 1;
      },
    });
    expect(started).toEqual({ ok: true, importId: 'import-1' });
    expect(jobs.status('import-1')).toMatchObject({
      campaignId: CAMPAIGN_ID,
      fileName: 'big.csv',
      mode: 'skip_existing',
      error: null,
      progress: { phase: 'reading', percent: 0, bytesTotal },
    });

    await gate.release();
    clock.increment(2_000);
    await gate.release();
    await jobs.settled();
    const status = jobs.status('import-1');
    expect(status?.progress).toMatchObject({
      phase: 'completed',
      percent: 100,
      bytesRead: bytesTotal,
      counts: { totalRows: 3, accepted: 3 },
    });
    expect(status?.progress.rowsPerSecond).toBeCloseTo(1.5);
    expect(released).toBe(1);
    expect(await leadsOf(store)).toHaveLength(3);
    const record = await createLeadImportRepository(store.db).get('import-1');
    expect(record).toMatchObject({ status: 'completed', accepted: 3 });
  });

  it("reads a server's file in a thread that gives way to the event loop (a lower priority)", async () => {
    const { jobs } = await setUp();
    const gate = gatedSource(['phone,name\n', '+14152000001,Ann\n']);
    // Size unknown: read in a thread, as any upload over 256 KB.
    jobs.start({ campaignId: CAMPAIGN_ID, fileName: 'big.csv', source: gate.source });
    await gate.release();
    // The thread asks for the next chunk only once it runs, its priority set at its start.
    await until(() => threadNiceValues().includes(10), {
      what: 'the reading thread at nice 10',
      everyMs: 5,
    });
    expect(threadNiceValues().filter((value) => value !== 0)).toEqual([10]);
    await gate.release();
    await jobs.settled();
    expect(await leadsOf(store)).toHaveLength(1);
  });

  it('refuses to start more than allowed at once', async () => {
    const { jobs } = await setUp(1);
    const gate = gatedSource(['phone\n']);
    const job = { campaignId: CAMPAIGN_ID, fileName: 'a.csv', source: gate.source };
    expect(jobs.start(job).ok).toBe(true);
    expect(jobs.start({ ...job, source: gatedSource([]).source })).toEqual({
      ok: false,
      reason: 'busy',
      running: 1,
    });
    await gate.release();
    await jobs.settled();
    expect(jobs.start({ ...job, source: gatedSource([]).source }).ok).toBe(true);
  });

  it('says why when the campaign is gone, and releases the upload', async () => {
    const { jobs } = await setUp();
    let released = false;
    jobs.start({
      campaignId: 'deleted-meanwhile',
      fileName: 'a.csv',
      source: gatedSource([]).source,
      release: async () => {
        released = true;
      },
    });
    await jobs.settled();
    expect(jobs.status('import-1')).toMatchObject({
      error: 'the campaign no longer exists',
      progress: { phase: 'failed' },
    });
    expect(released).toBe(true);
  });

  it('records a source that breaks as a failed import and keeps no lead', async () => {
    const { jobs } = await setUp();
    async function* broken() {
      yield 'phone\n+14152000001\n';
      throw new Error('disk gone');
    }
    jobs.start({ campaignId: CAMPAIGN_ID, fileName: 'a.csv', source: broken() });
    await jobs.settled();
    expect(jobs.status('import-1')).toMatchObject({ progress: { phase: 'failed' } });
    expect(await createLeadImportRepository(store.db).get('import-1')).toMatchObject({
      status: 'failed',
    });
    expect(await leadsOf(store)).toEqual([]);
  });
});
