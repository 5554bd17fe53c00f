import { describe, expect, it } from 'vitest';
import { createRecordingLibrary } from '../../src/media/recording-library.js';
import { createMediaLibrary } from '../../src/sim/sim-media.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { createRecordingRepository, type Recording } from '../../src/store/recordings.js';
import { type AriEvent, ariRest, EventRecorder } from '../sim/support/ari-recorder.js';
import { createManualClock } from '../sim/support/manual-clock.js';
import { sine, wavFile } from '../support/audio-fixtures.js';
import { T0 } from '../support/store-fixtures.js';
import { useStoreWorkspace } from '../support/store-workspace.js';

const workspace = useStoreWorkspace();

/** Uploads 2.345 s of stereo 48 kHz audio. */
async function upload(): Promise<Recording> {
  const recordings = createRecordingLibrary({
    recordings: createRecordingRepository(workspace.store.db),
    mediaDir: workspace.mediaDir,
    clock: { now: () => T0 },
    newId: () => 'a6f1c2d4-0b1e-4c55-9a0e-2f4d7c1b9e30',
  });
  const tone = sine({ rate: 48000, seconds: 2.345, frequency: 440 });
  const result = await recordings.upload({
    name: 'Consent',
    bytes: wavFile(48000, [tone, tone], '24'),
  });
  if (!result.ok) throw new Error(result.message);
  return result.recording;
}

describe('an uploaded recording in the embedded simulator', () => {
  it('resolves to the length the library recorded', async () => {
    const recording = await upload();
    expect(recording.durationMs).toBe(2345);
    expect(
      createMediaLibrary({ mediaDir: workspace.mediaDir }).durationOf(recording.mediaUri),
    ).toBe(2345);
  });

  it('plays exactly as long as the recording', async () => {
    const recording = await upload();
    const { clock, advance } = createManualClock();
    const sim = createSimulator({
      user: 'dialstate',
      password: 'secret',
      clock,
      mediaDir: workspace.mediaDir,
    });
    const { url } = await sim.start();
    const dialer = await EventRecorder.connect(url, 'dialstate');
    const rest = ariRest(url);
    const at = (event: AriEvent) => Date.parse(String(event.timestamp).replace('+0000', 'Z'));
    try {
      await rest.post('/channels', {
        endpoint: 'Local/5550101@from-internal',
        app: 'dialstate',
        channelId: 'call',
      });
      advance(0);
      advance(5000);
      await dialer.waitFor((e) => e.type === 'StasisStart');

      await rest.post('/channels/call/play', { media: recording.mediaUri, playbackId: 'p' });
      advance(0);
      const started = await dialer.waitFor((e) => e.type === 'PlaybackStarted');
      advance(recording.durationMs);
      const finished = await dialer.waitFor((e) => e.type === 'PlaybackFinished');
      expect(finished.playback).toMatchObject({ state: 'done', media_uri: recording.mediaUri });
      expect(at(finished) - at(started)).toBe(2345);
    } finally {
      dialer.close();
      await sim.stop();
    }
  });
});
