import { describe, expect, it } from 'vitest';
import { createImportFeed, type ImportEventData } from '../../src/http/import-feed.js';
import { createLiveEventHub } from '../../src/http/live-event-hub.js';
import { NO_LEAD_IMPORT_COUNTS } from '../../src/intake/lead-import.js';
import type { LeadImportJobStatus } from '../../src/intake/lead-import-jobs.js';

function status(
  phase: LeadImportJobStatus['progress']['phase'],
  rows: number,
  error: string | null = null,
): LeadImportJobStatus {
  return {
    campaignId: 'c-1',
    fileName: 'leads.csv',
    mode: 'skip_existing',
    startedAt: 0,
    error,
    progress: {
      importId: 'imp-1',
      phase,
      bytesRead: rows * 10,
      bytesTotal: 10_000,
      percent: rows / 10,
      rowsPerSecond: 1234.4,
      elapsedMs: 100,
      counts: { ...NO_LEAD_IMPORT_COUNTS, totalRows: rows, accepted: rows },
    },
  };
}

function setUp() {
  const hub = createLiveEventHub({ boot: 'test' });
  const events: ImportEventData[] = [];
  hub.subscribe((event) => {
    if (event.type === 'import') events.push(event.data as ImportEventData);
  });
  let now = 0;
  const feed = createImportFeed({ hub, clock: { now: () => now } });
  return { feed, sent: () => events, advance: (ms: number) => (now += ms) };
}

describe('import feed', () => {
  it('sends at most 4 progress events a second, each change of phase, and always the end', () => {
    const { feed, sent, advance } = setUp();
    feed('imp-1', status('reading', 0), false);
    for (let rows = 1; rows <= 100; rows++) {
      advance(10);
      feed('imp-1', status('reading', rows), false);
    }
    // 1 s of reports every 10 ms: the first, then one per 250 ms.
    expect(sent().map((e) => e.rowsRead)).toEqual([0, 25, 50, 75, 100]);
    feed('imp-1', status('merging', 100), false);
    feed('imp-1', status('completed', 100), false);
    feed('imp-1', status('completed', 100), true);
    const events = sent();
    expect(events.map((e) => [e.state, e.phase])).toEqual([
      ...Array(5).fill(['running', 'reading']),
      ['running', 'merging'],
      ['completed', 'completed'],
    ]);
    expect(events.at(-1)).toMatchObject({ percent: 100, rowsPerSecond: 1234, rowsRead: 100 });
  });

  it('ends as failed with the reason when the import could not run', () => {
    const { feed, sent } = setUp();
    feed('imp-1', status('reading', 0), false);
    feed('imp-1', status('failed', 0, 'the campaign no longer exists'), true);
    expect(sent().at(-1)).toMatchObject({
      state: 'failed',
      error: 'the campaign no longer exists',
      campaignId: 'c-1',
    });
  });
});
