/**
 * The engine's parts a benchmark drives, loaded from this checkout or from another one
 * (`--baseline <dir>`: a checkout of an earlier commit, e.g. made with
 * `git archive <commit> src | tar -x -C <dir>` and a `node_modules` link), so that an
 * earlier engine runs in the same process, in turn with this one: on a shared machine
 * only a ratio measured that way says what a change bought.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Runner from '../src/calls/attempt-runner.js';
import type * as ClaimRequest from '../src/calls/claim-request.js';
import type * as Machine from '../src/machines/attempt.js';
import type * as Step from '../src/machines/attempt-step.js';
import type * as Campaigns from '../src/store/campaigns.js';
import type * as AttemptIds from '../src/store/journal/attempt-ids.js';
import type * as Journal from '../src/store/journal/attempt-journal.js';
import type * as Claims from '../src/store/lead-claims.js';
import type * as Leads from '../src/store/leads.js';
import type * as Migrate from '../src/store/migrate.js';
import type * as Db from '../src/store/sqlite/db.js';

export interface EngineKit {
  openDatabase: typeof Db.openDatabase;
  migrateToLatest: typeof Migrate.migrateToLatest;
  createAttemptJournal: typeof Journal.createAttemptJournal;
  createAttemptRunner: typeof Runner.createAttemptRunner;
  createAttemptSnapshot: typeof Step.createAttemptSnapshot;
  createCampaignRepository: typeof Campaigns.createCampaignRepository;
  createLeadRepository: typeof Leads.createLeadRepository;
  createLeadClaimer: typeof Claims.createLeadClaimer;
  prepareClaim: typeof ClaimRequest.prepareClaim;
  /** How the server names attempts: time-ordered ids, or random UUIDs before they were. */
  newAttemptId: () => string;
  machineVersion: number;
}

/** Loads the engine from `root` (a checkout's top folder); this checkout's by default. */
export async function loadEngineKit(root: string = path.resolve(import.meta.dirname, '..')) {
  const load = <T>(file: string): Promise<T> =>
    import(pathToFileURL(path.join(root, 'src', file)).href) as Promise<T>;
  // src/store grouped its files into folders; a checkout from before keeps them flat.
  const storeFile = (folder: string, name: string): string =>
    existsSync(path.join(root, 'src', 'store', folder, name))
      ? `store/${folder}/${name}`
      : `store/${name}`;
  const [db, migrate, journal, runner, step, machine, campaigns, leads, claims, claimRequest] =
    await Promise.all([
      load<typeof Db>(storeFile('sqlite', 'db.ts')),
      load<typeof Migrate>('store/migrate.ts'),
      load<typeof Journal>(storeFile('journal', 'attempt-journal.ts')),
      load<typeof Runner>('calls/attempt-runner.ts'),
      load<typeof Step>('machines/attempt-step.ts'),
      load<typeof Machine>('machines/attempt.ts'),
      load<typeof Campaigns>('store/campaigns.ts'),
      load<typeof Leads>('store/leads.ts'),
      load<typeof Claims>('store/lead-claims.ts'),
      load<typeof ClaimRequest>('calls/claim-request.ts'),
    ]);
  // A checkout from before time-ordered attempt ids named attempts by random UUIDs.
  const idsFile = storeFile('journal', 'attempt-ids.ts');
  const ids = existsSync(path.join(root, 'src', idsFile))
    ? await load<typeof AttemptIds>(idsFile)
    : null;
  const kit: EngineKit = {
    openDatabase: db.openDatabase,
    migrateToLatest: migrate.migrateToLatest,
    createAttemptJournal: journal.createAttemptJournal,
    createAttemptRunner: runner.createAttemptRunner,
    createAttemptSnapshot: step.createAttemptSnapshot,
    createCampaignRepository: campaigns.createCampaignRepository,
    createLeadRepository: leads.createLeadRepository,
    createLeadClaimer: claims.createLeadClaimer,
    prepareClaim: claimRequest.prepareClaim,
    newAttemptId: ids === null ? randomUUID : () => ids.newAttemptId(),
    machineVersion: machine.ATTEMPT_MACHINE_VERSION,
  };
  return kit;
}
