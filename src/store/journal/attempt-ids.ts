import { randomUUID } from 'node:crypto';

/**
 * A new attempt's id: a UUID laid out as version 7 (RFC 9562), the first 48 bits the
 * time in ms, then 74 random bits. Still a UUID, unique across processes and nodes, and
 * not guessable; but ids made later sort later, so each new attempt's keys go at the
 * end of the indexes keyed by attempt id (the attempt's primary key, its input's, its
 * journal's `(attempt_id, seq)`, its timers') rather than at a random place in each.
 * Once those indexes outgrow SQLite's page cache, a random place is a page read and one
 * more page written per commit: with 300,000 earlier attempts the attempt row and input
 * of a claim took 0.73 and 0.59 times the CPU time under time-ordered ids (bench/
 * claim-write-floor.ts, docs/BENCHMARKS.md; ADR 031).
 */
export function newAttemptId(at: number = Date.now()): string {
  // A version-4 UUID's random bits where version 7 has its own (its 12 after the
  // version, then the variant and 62 more), behind the time: randomUUID draws from a
  // pool of random bytes, where a draw of 16 bytes per id cost nearly a tenth of a claim. The
  // time in two halves of 24 bits: a whole ms count is no small integer, and turning
  // one into hex digits took longer than the rest.
  const random = randomUUID();
  const high = Math.floor(at / 0x1000000)
    .toString(16)
    .padStart(6, '0');
  const low = (at % 0x1000000).toString(16).padStart(6, '0');
  return `${high}${low.slice(0, 2)}-${low.slice(2)}-7${random.slice(15, 18)}-${random.slice(19)}`;
}
