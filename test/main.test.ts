import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Campaign } from '../src/campaign/campaign.js';
import { loadConfig } from '../src/config.js';
import { startDialstate } from '../src/main.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { createAttemptJournal } from '../src/store/journal/attempt-journal.js';
import { createLeadRepository } from '../src/store/leads.js';
import type { Store } from '../src/store/sqlite/db.js';
import { createHarness } from './support/harness.js';
import {
  createTempDir,
  openMigratedStore,
  sampleCampaign,
  sampleLead,
  seedDatabase,
  type TempDir,
} from './support/store-fixtures.js';
import { until } from './support/until.js';

const silent = pino({ level: 'silent' });
let dir: TempDir | undefined;

afterEach(() => {
  dir?.remove();
  dir = undefined;
});

describe('startDialstate', () => {
  it('starts the embedded simulated Asterisk when no ARI URL is configured', async () => {
    dir = createTempDir();
    const dialstate = await startDialstate(
      loadConfig({ DIALSTATE_DATA_DIR: dir.path, DIALSTATE_HTTP_PORT: '0' }),
      silent,
    );
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

  it('serves the HTTP API over the network, and stops serving it when stopped', async () => {
    dir = createTempDir();
    const dialstate = await startDialstate(
      loadConfig({ DIALSTATE_DATA_DIR: dir.path, DIALSTATE_HTTP_PORT: '0' }),
      silent,
    );
    const url = dialstate.httpUrl;
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const created = await fetch(`${url}/api/campaigns`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Over the wire', timezone: 'UTC' }),
      });
      expect(created.status).toBe(201);
      const list = (await (await fetch(`${url}/api/campaigns`)).json()) as {
        campaigns: { name: string }[];
      };
      expect(list.campaigns.map((c) => c.name)).toEqual(['Over the wire']);
    } finally {
      await dialstate.stop();
    }
    await expect(fetch(`${url}/api/campaigns`)).rejects.toThrow();
  });

  it('refuses to start with a clear error when the HTTP port is taken', async () => {
    dir = createTempDir();
    const first = await startDialstate(
      loadConfig({ DIALSTATE_DATA_DIR: dir.path, DIALSTATE_HTTP_PORT: '0' }),
      silent,
    );
    try {
      const port = new URL(first.httpUrl).port;
      const config = loadConfig({
        DIALSTATE_DATA_DIR: dir.path,
        DIALSTATE_DB_PATH: `${dir.path}/second.db`,
        DIALSTATE_HTTP_PORT: port,
      });
      await expect(startDialstate(config, silent)).rejects.toThrow(
        /could not listen on 127\.0\.0\.1:\d+/,
      );
    } finally {
      await first.stop();
    }
  });

  it('marks an attempt left open by a crashed run interrupted before dialing anything', async () => {
    dir = createTempDir();
    const crashed = await createHarness({ dir, seed: true });
    const attemptId = await crashed.launch(1);
    await crashed.send(attemptId, { type: 'channel.ringing' });
    // The process dies: nothing is stopped or tidied.
    await crashed.store.close();

    const dialstate = await startDialstate(
      loadConfig({ DIALSTATE_DATA_DIR: dir.path, DIALSTATE_HTTP_PORT: '0' }),
      silent,
    );
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
    const sim = await startDialstate(
      loadConfig({ DIALSTATE_DATA_DIR: dir.path, DIALSTATE_HTTP_PORT: '0' }),
      silent,
    );
    try {
      const config = loadConfig({
        DIALSTATE_DATA_DIR: dir.path,
        DIALSTATE_DB_PATH: `${dir.path}/other.db`,
        DIALSTATE_HTTP_PORT: '0',
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

/** A campaign that may dial at any hour, without consent or voicemail, one attempt per lead. */
function anytimeCampaign(overrides: Partial<Campaign> = {}): Campaign {
  return sampleCampaign({
    status: 'running',
    window: { start: '00:00', end: '00:00', days: [1, 2, 3, 4, 5, 6, 7] },
    consent: { enabled: false, recordingId: null, timeoutSec: 8 },
    maxConcurrent: 5,
    minIntervalMs: 0,
    ringTimeoutSec: 5,
    retry: { maxAttempts: 1, retryAfterMinutes: {} },
    ...overrides,
  });
}

/** Seeds a campaign and leads whose phones end in the given simulator suffixes. */
function seed(dirPath: TempDir, campaign: Campaign, suffixes: string[]): Promise<void> {
  return seedDatabase(dirPath, {
    campaigns: [campaign],
    leads: suffixes.map((suffix, index) =>
      sampleLead(campaign.id, index + 1, { phone: `+15550300${suffix}` }),
    ),
  });
}

/** Reads `read` until `done` holds of what it returns (see `until`), and returns that. */
async function readUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
): Promise<T> {
  let value = await read();
  await until(
    async () => {
      value = await read();
      return done(value);
    },
    { what },
  );
  return value;
}

const fast = (path: string) =>
  loadConfig({
    DIALSTATE_DATA_DIR: path,
    DIALSTATE_SIM_TIME_SCALE: '0.02',
    DIALSTATE_HTTP_PORT: '0',
  });

describe('startDialstate: the campaign engine', () => {
  it('dials a running campaign against the embedded simulator and completes it', async () => {
    dir = createTempDir();
    await seed(dir, anytimeCampaign(), ['01', '07', '10']);
    const dialstate = await startDialstate(fast(dir.path), silent);
    let reader: Store | undefined;
    try {
      reader = await openMigratedStore(dir);
      const db = reader.db;
      const campaign = await readUntil(
        () => createCampaignRepository(db).get('campaign-reminders'),
        (c) => c?.status === 'completed',
        'the campaign completed',
      );
      expect(campaign?.status).toBe('completed');
      const leads = await db
        .selectFrom('lead')
        .select(['id', 'state', 'last_outcome'])
        .orderBy('import_seq')
        .execute();
      expect(leads).toEqual([
        { id: 'lead-1', state: 'completed', last_outcome: 'answered_human' },
        { id: 'lead-2', state: 'failed', last_outcome: 'busy' },
        { id: 'lead-3', state: 'failed', last_outcome: 'invalid_number' },
      ]);
    } finally {
      await reader?.close();
      await dialstate.stop();
    }
  });

  it('sends a lead left dialing without a live attempt back before claiming, then dials it', async () => {
    dir = createTempDir();
    await seed(
      dir,
      anytimeCampaign({ retry: { maxAttempts: 3, retryAfterMinutes: { interrupted: 0 } } }),
      ['10'],
    );
    const store = await openMigratedStore(dir);
    await store.db
      .updateTable('lead')
      .set({ state: 'dialing', active_attempt_id: 'attempt-that-never-was' })
      .execute();
    await store.close();

    const dialstate = await startDialstate(fast(dir.path), silent);
    let reader: Store | undefined;
    try {
      reader = await openMigratedStore(dir);
      const db = reader.db;
      const lead = await readUntil(
        () => createLeadRepository(db).get('lead-1'),
        (l) => l?.state === 'failed',
        'lead-1 failed',
      );
      // Back to pending as interrupted (its first attempt), then dialed: invalid number.
      expect(lead).toMatchObject({ state: 'failed', attempts: 1, lastOutcome: 'invalid_number' });
    } finally {
      await reader?.close();
      await dialstate.stop();
    }
  });

  it('shuts down gracefully with calls live, and the next start settles them', async () => {
    dir = createTempDir();
    // Humans who answer after a second of real time: still ringing when the run stops.
    await seed(
      dir,
      anytimeCampaign(),
      ['01', '01', '01'].map((suffix, i) => `${i}${suffix}`),
    );
    const slow = loadConfig({ DIALSTATE_DATA_DIR: dir.path, DIALSTATE_HTTP_PORT: '0' });
    const first = await startDialstate(slow, silent);
    const reader = await openMigratedStore(dir);
    try {
      const open = () =>
        reader.db.selectFrom('attempt').select('id').where('done', '=', 0).execute();
      expect((await readUntil(open, (rows) => rows.length === 3, 'three calls open')).length).toBe(
        3,
      );
      await first.stop();
      // Nothing was lost or made up: the calls are still open in the journal.
      expect((await open()).length).toBe(3);

      const second = await startDialstate(slow, silent);
      await second.runner.settled();
      await second.stop();
      // The simulator died with the first run: the calls were gone, hence interrupted.
      const outcomes = await reader.db.selectFrom('attempt').select('outcome').execute();
      expect(outcomes.map((row) => row.outcome)).toEqual([
        'interrupted',
        'interrupted',
        'interrupted',
      ]);
    } finally {
      await reader.close();
    }
  });
});

describe('startDialstate: the default prompts', () => {
  const onDefaults = {
    consent: { enabled: true, recordingId: 'default-consent', timeoutSec: 8 },
    voicemail: { enabled: true, recordingId: 'default-voicemail', greetingMaxWaitSec: 20 },
  };

  it('installs them on the first start, so a first campaign asks for consent and leaves messages', async () => {
    dir = createTempDir();
    const dialstate = await startDialstate(fast(dir.path), silent);
    let reader: Store | undefined;
    try {
      const defaults = await dialstate.recordings.list();
      expect(defaults.map((recording) => recording.id)).toEqual([
        'default-consent',
        'default-voicemail',
      ]);
      expect(readdirSync(join(dir.path, 'media'))).toHaveLength(4);

      // A human who presses 1, and an answering machine.
      await seed(dir, anytimeCampaign(onDefaults), ['01', '04']);
      reader = await openMigratedStore(dir);
      const db = reader.db;
      await readUntil(
        () => createCampaignRepository(db).get('campaign-reminders'),
        (c) => c?.status === 'completed',
        'the campaign completed',
      );
      const leads = await db
        .selectFrom('lead')
        .select(['id', 'last_outcome'])
        .orderBy('import_seq')
        .execute();
      expect(leads).toEqual([
        { id: 'lead-1', last_outcome: 'answered_human' },
        { id: 'lead-2', last_outcome: 'voicemail_dropped' },
      ]);
    } finally {
      await reader?.close();
      await dialstate.stop();
    }
  });

  it('does not install them again on later starts, even after the operator deleted one', async () => {
    dir = createTempDir();
    const first = await startDialstate(fast(dir.path), silent);
    expect(await first.recordings.remove('default-voicemail')).toEqual({ ok: true });
    await first.stop();

    const second = await startDialstate(fast(dir.path), silent);
    try {
      const ids = (await second.recordings.list()).map((recording) => recording.id);
      expect(ids).toEqual(['default-consent']);
    } finally {
      await second.stop();
    }
  });
});
