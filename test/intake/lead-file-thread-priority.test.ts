import { describe, expect, it } from 'vitest';
import { readLeadFileInThread } from '../../src/intake/lead-file-thread.js';
import type { LeadFileEvent, LeadFileReading } from '../../src/intake/read-lead-file.js';
import { threadNiceValues } from '../support/thread-nice.js';

const READING: LeadFileReading = {
  format: 'csv',
  limits: { maxBytes: 1e9, maxRows: 2_000_000, maxColumns: 200, maxFieldLength: 4096 },
  rules: { defaultRegion: 'US', allowExtensions: false, maxFieldLength: 4096 },
};

/**
 * Reads a file whose source stops after its first chunk until let go, and returns the
 * nice values of this process's threads while the reading thread waits for more.
 */
async function niceWhileReading(nice: number | undefined): Promise<number[]> {
  let wanted: () => void = () => undefined;
  const secondChunkWanted = new Promise<void>((resolve) => {
    wanted = resolve;
  });
  let letGo: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    letGo = resolve;
  });
  async function* source(): AsyncGenerator<string> {
    yield 'phone,name\n+12025550101,Ann\n';
    wanted();
    await released;
    yield '+12025550102,Bob\n';
  }
  const events: LeadFileEvent[] = [];
  const reading = (async () => {
    for await (const event of readLeadFileInThread(
      source(),
      READING,
      nice === undefined ? {} : { nice },
    )) {
      events.push(event);
    }
  })();
  // The thread asks for the second chunk only once it runs, its priority set at its start.
  await secondChunkWanted;
  const values = threadNiceValues();
  letGo();
  await reading;
  expect(events.map((event) => event.kind)).toEqual(['header', 'batch']);
  return values;
}

describe('the thread reading a lead file', () => {
  it('runs at the lower priority it is given, its own thread alone', async () => {
    const before = threadNiceValues();
    expect(before.every((value) => value === 0)).toBe(true);

    const during = await niceWhileReading(10);
    expect(during.filter((value) => value === 10)).toHaveLength(1);
    expect(during.filter((value) => value !== 10 && value !== 0)).toEqual([]);
    // The thread has ended with the reading; every other thread kept its priority.
    expect(threadNiceValues().every((value) => value === 0)).toBe(true);
  });

  it('runs as the rest of the process unless told otherwise', async () => {
    const during = await niceWhileReading(undefined);
    expect(during.every((value) => value === 0)).toBe(true);
  });
});
