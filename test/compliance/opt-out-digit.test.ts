import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startDialstate } from '../../src/main.js';
import { useCleanup } from '../support/cleanup.js';
import { seedDialingCampaign } from '../support/dialing-seed.js';
import { untilLeadsFinished } from '../support/human-campaign-run.js';
import { createTempDir, openMigratedStore } from '../support/store-fixtures.js';
import { until } from '../support/until.js';

const CAMPAIGN = 'campaign-opt-out';
/** The simulator's far end for numbers ending in 17 presses 9 at the consent prompt. */
const PHONE = '+15550000117';

const later = useCleanup();

describe('the opt-out digit at the consent prompt', () => {
  it('ends the call opted_out, politely, and lists the number as do-not-call with the call as its source', async () => {
    const dir = createTempDir();
    later(() => dir.remove());
    await seedDialingCampaign(
      dir,
      {
        id: CAMPAIGN,
        voicemail: { enabled: false, recordingId: null, greetingMaxWaitSec: 20 },
        consent: { enabled: true, recordingId: 'rec-consent', timeoutSec: 8 },
        optOutDigit: '9',
        optOutRecordingId: 'rec-voicemail',
      },
      [PHONE],
    );
    const dialstate = await startDialstate(
      loadConfig({
        DIALSTATE_DATA_DIR: dir.path,
        DIALSTATE_HTTP_PORT: '0',
        DIALSTATE_SIM_TIME_SCALE: '0.05',
      }),
      pino({ level: 'silent' }),
    );
    later(() => dialstate.stop());
    const store = await openMigratedStore(dir);
    later(() => store.close());
    await untilLeadsFinished(store, 60_000);

    const attempt = await store.db
      .selectFrom('attempt')
      .select(['id', 'outcome', 'error', 'digits'])
      .executeTakeFirstOrThrow();
    expect(attempt.outcome).toBe('opted_out');
    expect(attempt.error).toBe('pressed 9: asked not to be called again');
    expect(attempt.digits).toBe('9');
    // The confirmation played before our hang-up: the polite end.
    const steps = await store.db
      .selectFrom('attempt_event')
      .select(['type', 'state', 'commands'])
      .where('attempt_id', '=', attempt.id)
      .orderBy('seq')
      .execute();
    expect(steps.some((s) => s.commands.includes(`"playbackId":"${attempt.id}-opt-out"`))).toBe(
      true,
    );
    expect(steps.some((s) => s.state === 'optingOut.confirming')).toBe(true);

    await until(
      async () =>
        (await store.db.selectFrom('dnc').selectAll().where('phone', '=', PHONE).execute()).length >
        0,
      { what: 'the number listed as do-not-call', timeoutMs: 10_000 },
    );
    const entry = await store.db
      .selectFrom('dnc')
      .selectAll()
      .where('phone', '=', PHONE)
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      campaign_id: null,
      reason: 'pressed 9',
      source: 'opt_out',
      source_campaign_id: CAMPAIGN,
      source_attempt_id: attempt.id,
    });
  }, 90_000);
});
