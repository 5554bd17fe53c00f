import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startDialstate } from '../src/main.js';
import { createAttemptJournal } from '../src/store/attempt-journal.js';
import { createLeadRepository } from '../src/store/leads.js';
import { createHarness } from './support/harness.js';
import { createTempDir, openMigratedStore, type TempDir } from './support/store-fixtures.js';

const silent = pino({ level: 'silent' });
let dir: TempDir | undefined;

afterEach(() => {
  dir?.remove();
  dir = undefined;
});

describe('startDialstate', () => {
  it('starts the embedded simulated Asterisk when no ARI URL is configured', async () => {
    dir = createTempDir();
    const dialstate = await startDialstate(loadConfig({ DIALSTATE_DATA_DIR: dir.path }), silent);
    try {
      expect(dialstate.simulated).toBe(true);
      expect(dialstate.ariUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // The embedded ARI is not open to anyone on the machine: it wants the run's secret.
      const response = await fetch(`${dialstate.ariUrl}/ari/applications/dialstate`, {
        headers: { authorization: 'Basic invalid' },
      });
      expect(response.status).toBe(401);
    } finally {
      await dialstate.stop();
    }
  });

  it('marks an attempt left open by a crashed run interrupted before dialing anything', async () => {
    dir = createTempDir();
    const crashed = await createHarness({ dir, seed: true });
    const attemptId = await crashed.launch(1);
    await crashed.send(attemptId, { type: 'channel.ringing' });
    // The process dies: nothing is stopped or tidied.
    await crashed.store.close();

    const dialstate = await startDialstate(loadConfig({ DIALSTATE_DATA_DIR: dir.path }), silent);
    await dialstate.runner.settled();
    await dialstate.stop();

    const store = await openMigratedStore(dir);
    try {
      const attempt = await createAttemptJournal(store).loadAttempt(attemptId);
      expect(attempt?.done).toBe(true);
      expect(attempt?.snapshot.context.outcome).toBe('interrupted');
      const lead = await createLeadRepository(store.db).get('lead-1');
      expect(lead).toMatchObject({ state: 'pending', lastOutcome: 'interrupted', attempts: 1 });
    } finally {
      await store.close();
    }
  });

  it('refuses to start with a clear error when the configured Asterisk rejects the credentials', async () => {
    dir = createTempDir();
    const sim = await startDialstate(loadConfig({ DIALSTATE_DATA_DIR: dir.path }), silent);
    try {
      const config = loadConfig({
        DIALSTATE_DATA_DIR: dir.path,
        DIALSTATE_DB_PATH: `${dir.path}/other.db`,
        DIALSTATE_ARI_URL: sim.ariUrl,
        DIALSTATE_ARI_PASSWORD: 'wrong-password',
      });
      await expect(startDialstate(config, silent)).rejects.toThrow(
        /401|credentials|unauthori[sz]ed/i,
      );
    } finally {
      await sim.stop();
    }
  });
});
