import { randomFillSync } from 'node:crypto';

/**
 * A new attempt's id: a UUID laid out as version 7 (RFC 9562), the first 48 bits the
 * time in ms, then 74 random bits. Still a UUID, unique across processes and nodes, and
 * not guessable; but ids made later sort later, so each new attempt's keys go at the
 * end of the indexes keyed by attempt id (the attempt's primary key, its input's, its
 * journal's `(attempt_id, seq)`, its timers') rather than at a random place in each.
 * Once those indexes outgrow SQLite's page cache, a random place is a page read and one
 * more page written per commit: with 300,000 earlier attempts the attempt row and input
 * of a claim took 0.73 and 0.59 times the CPU time under time-ordered ids (bench/
 * claim-write-floor.ts, docs/BENCHMARKS.md; ADR 030).
 */
export function newAttemptId(at: number = Date.now()): string {
  const bytes = randomFillSync(Buffer.alloc(16));
  bytes.writeUIntBE(at, 0, 6);
  // The version (7) in the high half of byte 6, the variant (binary 10) in byte 8.
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
