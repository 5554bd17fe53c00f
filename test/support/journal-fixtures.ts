import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttemptJournalRecord } from '../../src/machines/attempt-replay.js';
import type { AttemptOutcome } from '../../src/machines/attempt-types.js';

/** A recorded journal as kept in test/fixtures/journals. */
export interface JournalFixture extends AttemptJournalRecord {
  scenario: string;
  description: string;
  final: { state: string; outcome: AttemptOutcome };
}

/** The folder of the journal fixtures. */
export const JOURNALS_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'journals',
);

/** File names of every journal fixture, `<scenario>.v<machineVersion>.json`, sorted. */
export function journalFixtureFiles(): string[] {
  return readdirSync(JOURNALS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort();
}

/** Reads one fixture by file name; a fresh copy each time, so tests may alter it. */
export function loadJournalFixture(file: string): JournalFixture {
  return JSON.parse(readFileSync(join(JOURNALS_DIR, file), 'utf8')) as JournalFixture;
}
