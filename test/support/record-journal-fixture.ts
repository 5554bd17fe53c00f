/**
 * Records the journal fixtures of test/support/journal-scenarios.ts into
 * test/fixtures/journals/<scenario>.v<machineVersion>.json.
 *
 *   npx tsx test/support/record-journal-fixture.ts [--force] [scenario ...]
 *
 * Fixtures are committed data: the replay tests read them and never regenerate them,
 * so a behaviour change shows up as a replay failure. An existing fixture is kept
 * unless `--force` is given; record a new machine version's fixtures next to the old
 * ones instead of overwriting them (only the current version's are ever written, so the
 * kept ones of older versions stay as they were recorded). Run `npx biome format --write test/fixtures/journals`
 * afterwards so that the files match the formatter.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ATTEMPT_MACHINE_VERSION } from '../../src/machines/attempt.js';
import { replayAttempt } from '../../src/machines/attempt-replay.js';
import { createAttemptDrive, timerFired } from './attempt-driver.js';
import { JOURNAL_SCENARIOS, type JournalScenario } from './journal-scenarios.js';

const JOURNALS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'journals');

/** The fixture of one scenario, in the shape the replay tests read. */
function recordJournal(scenario: JournalScenario) {
  const drive = createAttemptDrive(scenario.input);
  for (const item of scenario.events) {
    drive.send('timer' in item ? timerFired(drive.steps, item.timer, item.at) : item);
  }
  if (!drive.done || drive.facts.outcome !== scenario.outcome) {
    throw new Error(
      `scenario ${scenario.scenario} ends in ${drive.state} with outcome ${drive.facts.outcome}, expected done with ${scenario.outcome}`,
    );
  }
  const journal = {
    machineVersion: ATTEMPT_MACHINE_VERSION,
    scenario: scenario.scenario,
    description: scenario.description,
    input: scenario.input,
    entries: drive.journal(),
    final: { state: drive.state, outcome: drive.facts.outcome },
  };
  // What goes into a fixture must come back out of it: JSON only, replayed as recorded.
  replayAttempt(JSON.parse(JSON.stringify(journal)));
  return journal;
}

function main(args: string[]): void {
  const force = args.includes('--force');
  const names = args.filter((arg) => arg !== '--force');
  const unknown = names.filter((name) => !JOURNAL_SCENARIOS.some((s) => s.scenario === name));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}`);
  const selected = JOURNAL_SCENARIOS.filter(
    (scenario) => names.length === 0 || names.includes(scenario.scenario),
  );
  mkdirSync(JOURNALS_DIR, { recursive: true });
  for (const scenario of selected) {
    const file = join(JOURNALS_DIR, `${scenario.scenario}.v${ATTEMPT_MACHINE_VERSION}.json`);
    const shown = relative(process.cwd(), file);
    if (existsSync(file) && !force) {
      console.log(`kept     ${shown} (exists; --force to overwrite)`);
      continue;
    }
    writeFileSync(file, `${JSON.stringify(recordJournal(scenario), null, 2)}\n`);
    console.log(`recorded ${shown}`);
  }
}

main(process.argv.slice(2));
