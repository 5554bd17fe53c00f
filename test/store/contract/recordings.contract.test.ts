import { expect, it } from 'vitest';
import { createRecordingRepository } from '../../../src/store/recordings.js';
import { seedCampaign } from '../../support/contract-seed.js';
import { describeEachStore } from '../../support/each-store.js';
import { sampleRecording, T0 } from '../../support/store-fixtures.js';

describeEachStore('recordings', (store) => {
  it('lists recordings by name (byte order, as SQLite compares text), then id', async () => {
    const recordings = createRecordingRepository(store().db);
    // Upper case sorts before lower case, '-' before letters: the order of the bytes.
    for (const [id, name] of [
      ['r1', 'beta'],
      ['r2', 'Beta'],
      ['r3', 'al-pha'],
      ['r0', 'beta'],
      ['r4', 'alpha'],
    ] as const) {
      await recordings.insert(sampleRecording(id, { name }));
    }
    expect((await recordings.list()).map((r) => `${r.name}/${r.id}`)).toEqual([
      'Beta/r2',
      'al-pha/r3',
      'alpha/r4',
      'beta/r0',
      'beta/r1',
    ]);
  });

  it('renames, and reads sizes and times back as numbers', async () => {
    const recordings = createRecordingRepository(store().db);
    const big = sampleRecording('r1', { sizeBytes: 3_000_000_000, durationMs: 7_200_000 });
    await recordings.insert(big);
    expect(await recordings.rename('r1', 'Greeting', T0 + 9)).toEqual({
      ...big,
      name: 'Greeting',
      updatedAt: T0 + 9,
    });
    expect(await recordings.rename('none', 'x', T0)).toBeUndefined();
  });

  it('refuses to delete a recording a campaign uses, and says which campaign uses it', async () => {
    const { db } = store();
    const recordings = createRecordingRepository(db);
    await recordings.insert(sampleRecording('rec-1'));
    await recordings.insert(sampleRecording('rec-2'));
    await seedCampaign(db, {
      id: 'c1',
      name: 'Reminders',
      consent: { enabled: true, recordingId: 'rec-1', timeoutSec: 8 },
      voicemail: { enabled: true, recordingId: 'rec-1', greetingMaxWaitSec: 20 },
    });
    expect(await recordings.delete('rec-1')).toEqual({ ok: false, reason: 'inUse' });
    expect(await recordings.get('rec-1')).toBeDefined();
    expect(await recordings.uses('rec-1')).toEqual(
      new Map([
        [
          'rec-1',
          [
            {
              campaignId: 'c1',
              campaignName: 'Reminders',
              campaignStatus: 'draft',
              roles: ['consent', 'voicemail'],
            },
          ],
        ],
      ]),
    );
    expect(await recordings.delete('rec-2')).toEqual({ ok: true });
    expect(await recordings.delete('rec-2')).toEqual({ ok: false, reason: 'notFound' });
  });

  it('installs a shipped recording once, however often asked', async () => {
    const recordings = createRecordingRepository(store().db);
    await recordings.insertShipped('consent-default', sampleRecording('rec-shipped'));
    await recordings.insertShipped('consent-default', sampleRecording('rec-shipped'));
    expect(await recordings.shippedKeys()).toEqual(new Set(['consent-default']));
    expect((await recordings.list()).map((r) => r.id)).toEqual(['rec-shipped']);
  });
});
