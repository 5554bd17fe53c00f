import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createRecordingLibrary,
  type RecordingLibrary,
  type RecordingLibraryOptions,
} from '../../src/media/recording-library.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import { createRecordingRepository } from '../../src/store/recordings.js';
import { decodeUlaw, decodeWav, sine, toneAmplitude, wavFile } from '../support/audio-fixtures.js';
import { sampleCampaign, T0 } from '../support/store-fixtures.js';
import { useStoreWorkspace } from '../support/store-workspace.js';

const ID_1 = '00000000-0000-4000-8000-000000000001';
const ID_2 = '00000000-0000-4000-8000-000000000002';

const tone = wavFile(44100, [sine({ rate: 44100, seconds: 1.5, frequency: 1000 })], '16');

const workspace = useStoreWorkspace();

function library(overrides: Partial<RecordingLibraryOptions> = {}): RecordingLibrary {
  let next = 0;
  return createRecordingLibrary({
    recordings: createRecordingRepository(workspace.store.db),
    mediaDir: workspace.mediaDir,
    clock: { now: () => T0 },
    newId: () => [ID_1, ID_2][next++] ?? 'no-more-ids',
    ...overrides,
  });
}

async function uploaded(recordings: RecordingLibrary, name: string) {
  const result = await recordings.upload({ name, bytes: tone, contentType: 'audio/wav' });
  if (!result.ok) throw new Error(result.message);
  return result.recording;
}

describe('the recording library', () => {
  it('converts an upload into files named by its id and adds it with its duration, size and checksum', async () => {
    const result = await library().upload({
      name: '  Welcome message ',
      bytes: tone,
      contentType: 'audio/x-wav',
      fileName: '../../../tmp/welcome.wav',
    });

    const audio = readFileSync(join(workspace.mediaDir, `dialstate-rec-${ID_1}.ulaw`));
    expect(result).toEqual({
      ok: true,
      recording: {
        id: ID_1,
        name: 'Welcome message',
        fileName: `dialstate-rec-${ID_1}.ulaw`,
        mediaUri: `sound:${workspace.mediaDir}/dialstate-rec-${ID_1}`,
        durationMs: 1500,
        sizeBytes: 12_000,
        sha256: createHash('sha256').update(audio).digest('hex'),
        createdAt: T0,
        updatedAt: T0,
        usedBy: [],
      },
      source: { format: 'wav-pcm-16', sampleRate: 44100, channels: 1 },
    });
    // Only the two files, under names from the id; no temporary file is left behind.
    expect(readdirSync(workspace.mediaDir).sort()).toEqual([
      `dialstate-rec-${ID_1}-preview.wav`,
      `dialstate-rec-${ID_1}.ulaw`,
    ]);
    expect(toneAmplitude(decodeUlaw(audio), 8000, 1000)).toBeCloseTo(0.5, 1);
  });

  it('serves the preview as a 16-bit 8 kHz mono WAV of the same audio', async () => {
    const recordings = library();
    const recording = await uploaded(recordings, 'Welcome');
    const preview = await recordings.preview(recording.id);
    if (!preview) throw new Error('no preview');
    const decoded = decodeWav(preview);
    expect(decoded).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16 });
    expect(decoded.samples.length).toBe(recording.sizeBytes);
    expect(toneAmplitude(decoded.samples, 8000, 1000)).toBeCloseTo(0.5, 1);
  });

  it('lists recordings by name with the campaigns that use them, and renames them', async () => {
    const recordings = library();
    const welcome = await uploaded(recordings, 'Welcome');
    const goodbye = await uploaded(recordings, 'Goodbye');
    await createCampaignRepository(workspace.store.db).insert(
      sampleCampaign({ consent: { enabled: true, recordingId: welcome.id, timeoutSec: 8 } }),
    );
    const use = {
      campaignId: 'campaign-reminders',
      campaignName: 'Appointment reminders',
      campaignStatus: 'draft',
      roles: ['consent'],
    };

    expect(await recordings.list()).toEqual([
      { ...goodbye, usedBy: [] },
      { ...welcome, usedBy: [use] },
    ]);
    expect(await recordings.get(welcome.id)).toEqual({ ...welcome, usedBy: [use] });
    expect(await recordings.rename(welcome.id, ' Welcome, short ')).toEqual({
      ok: true,
      recording: { ...welcome, name: 'Welcome, short', usedBy: [use] },
    });
    expect(await recordings.rename(welcome.id, '')).toEqual({
      ok: false,
      reason: 'invalidName',
      message: 'the name must not be empty',
    });
  });

  it('refuses to delete a recording a campaign uses, and deletes an unused one with its files', async () => {
    const recordings = library();
    const recording = await uploaded(recordings, 'Welcome');
    const campaigns = createCampaignRepository(workspace.store.db);
    const campaign = sampleCampaign({
      voicemail: { enabled: true, recordingId: recording.id, greetingMaxWaitSec: 20 },
    });
    await campaigns.insert(campaign);

    expect(await recordings.remove(recording.id)).toEqual({
      ok: false,
      reason: 'inUse',
      usedBy: [
        {
          campaignId: campaign.id,
          campaignName: 'Appointment reminders',
          campaignStatus: 'draft',
          roles: ['voicemail'],
        },
      ],
      message:
        'the recording is used by "Appointment reminders"; choose another recording there first',
    });
    expect(readdirSync(workspace.mediaDir)).toHaveLength(2);

    await campaigns.update(
      campaign.id,
      { voicemail: { ...campaign.voicemail, recordingId: null } },
      T0,
    );
    expect(await recordings.remove(recording.id)).toEqual({ ok: true });
    expect(readdirSync(workspace.mediaDir)).toEqual([]);
    expect(await recordings.get(recording.id)).toBeUndefined();
    expect(await recordings.remove(recording.id)).toEqual({ ok: false, reason: 'notFound' });
  });

  it('writes nothing for an upload it refuses, and says why', async () => {
    const recordings = library({ limits: { maxBytes: 20_000, maxDurationMs: 1000 } });
    const refusals = await Promise.all([
      recordings.upload({ name: 'Big', bytes: new Uint8Array(20_001), contentType: 'audio/basic' }),
      recordings.upload({ name: 'Long', bytes: new Uint8Array(16_000), fileName: 'long.ulaw' }),
      recordings.upload({
        name: 'Song',
        bytes: Buffer.from('ID3\x04\0\0\0'),
        contentType: 'audio/mpeg',
      }),
      recordings.upload({
        name: 'Broken',
        bytes: Buffer.from('RIFF\0\0\0\0WAVE'),
        contentType: 'audio/wav',
      }),
      recordings.upload({ name: ' ', bytes: tone }),
      recordings.upload({ name: 'x'.repeat(101), bytes: tone }),
      recordings.upload({ name: 'Bell\u0007', bytes: tone }),
    ]);
    expect(refusals.map((result) => result.ok || result.reason)).toEqual([
      'tooLarge',
      'tooLong',
      'unsupportedType',
      'invalidAudio',
      'invalidName',
      'invalidName',
      'invalidName',
    ]);
    expect(await recordings.list()).toEqual([]);
    expect(() => readdirSync(workspace.mediaDir)).toThrow(/ENOENT/);
  });

  it('removes the files it wrote when the row cannot be stored', async () => {
    const repository = createRecordingRepository(workspace.store.db);
    const failing = library({
      recordings: {
        ...repository,
        insert: async () => {
          throw new Error('disk full');
        },
      },
    });
    await expect(failing.upload({ name: 'Welcome', bytes: tone })).rejects.toThrow('disk full');
    expect(readdirSync(workspace.mediaDir)).toEqual([]);
  });

  it('never lets an id reach a path: anything but a recording id is simply not found', async () => {
    const recordings = library();
    const recording = await uploaded(recordings, '../../outside');
    // A file beside the media folder that a traversal would reach.
    writeFileSync(join(workspace.dir.path, 'secret.wav'), 'secret');
    mkdirSync(join(workspace.mediaDir, 'sub'));
    const attempts = [
      '../secret',
      '..',
      '.',
      '',
      `../media/${recording.id}`,
      `${recording.id}/..`,
      'sub/../x',
      `dialstate-rec-${recording.id}.ulaw`,
      '%2e%2e%2fsecret',
      '..\\secret',
      `${recording.id}\0`,
    ];
    for (const id of attempts) {
      expect(await recordings.get(id)).toBeUndefined();
      expect(await recordings.preview(id)).toBeUndefined();
      expect(await recordings.rename(id, 'Renamed')).toEqual({ ok: false, reason: 'notFound' });
      expect(await recordings.remove(id)).toEqual({ ok: false, reason: 'notFound' });
    }
    expect(readFileSync(join(workspace.dir.path, 'secret.wav'), 'utf8')).toBe('secret');
    const beside = readdirSync(workspace.dir.path).filter(
      (name) => !name.startsWith('dialstate.db'),
    );
    expect(beside.sort()).toEqual(['media', 'secret.wav']);
    expect(readdirSync(workspace.mediaDir).sort()).toEqual([
      `dialstate-rec-${recording.id}-preview.wav`,
      `dialstate-rec-${recording.id}.ulaw`,
      'sub',
    ]);
    // The display name is only a name.
    expect((await recordings.get(recording.id))?.name).toBe('../../outside');
  });

  it('answers no preview when the file has gone', async () => {
    const recordings = library();
    const recording = await uploaded(recordings, 'Welcome');
    rmSync(join(workspace.mediaDir, `dialstate-rec-${recording.id}-preview.wav`));
    expect(await recordings.preview(recording.id)).toBeUndefined();
  });
});
