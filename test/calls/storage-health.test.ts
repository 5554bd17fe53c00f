import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createStorageHealth } from '../../src/calls/storage-health.js';

const T0 = 1_000_000;

function setUp() {
  const clock = new SimulatedClock();
  clock.set(T0);
  const lines: { level: number; msg: string }[] = [];
  const log = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) },
  );
  const health = createStorageHealth({ clock, log, unwritableAfterMs: 10_000 });
  let recoveries = 0;
  health.onRecovered(() => {
    recoveries += 1;
  });
  return { clock, health, lines, recoveries: () => recoveries };
}

const fault = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });

describe('createStorageHealth', () => {
  it('tolerates failing writes within the bound, and forgets them after a success', () => {
    const { clock, health, lines, recoveries } = setUp();
    health.writeFailed(fault);
    clock.increment(9_999);
    health.writeFailed(fault);
    expect(health.status()).toEqual({ writable: true, failingSince: T0, failures: 2 });
    health.writeSucceeded();
    clock.increment(60_000);
    expect(health.status()).toEqual({ writable: true, failingSince: null, failures: 2 });
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    expect(recoveries()).toBe(0);
  });

  it('turns unwritable once writes have failed for the whole bound, and says so once, loudly', () => {
    const { clock, health, lines } = setUp();
    health.writeFailed(fault);
    clock.increment(4_000);
    health.writeFailed(fault);
    clock.increment(6_000);
    expect(health.isWritable()).toBe(false);
    expect(health.status()).toEqual({ writable: false, failingSince: T0, failures: 2 });
    clock.increment(30_000);
    health.writeFailed(fault);
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: expect.stringMatching(/^STORAGE UNWRITABLE/),
      failingSince: T0,
      err: expect.objectContaining({ code: 'SQLITE_IOERR_WRITE' }),
    });
  });

  it('is writable again at the first success, and tells the listeners once', () => {
    const { clock, health, lines, recoveries } = setUp();
    health.writeFailed(fault);
    clock.increment(15_000);
    health.writeSucceeded();
    health.writeSucceeded();
    expect(health.status()).toEqual({ writable: true, failingSince: null, failures: 1 });
    expect(recoveries()).toBe(1);
    expect(lines.at(-1)).toMatchObject({ level: 40, downForMs: 15_000 });

    // A new outage counts from its own first failure.
    health.writeFailed(fault);
    clock.increment(9_000);
    expect(health.isWritable()).toBe(true);
    clock.increment(1_000);
    expect(health.isWritable()).toBe(false);
  });
});
