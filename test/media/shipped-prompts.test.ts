import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertForAsterisk } from '../../src/media/asterisk-audio.js';
import {
  installShippedPrompts,
  SHIPPED_PROMPTS,
  shippedPromptsDir,
} from '../../src/media/shipped-prompts.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import { createRecordingRepository } from '../../src/store/recordings.js';
import { decodeUlaw } from '../support/audio-fixtures.js';
import { sampleCampaign, T0 } from '../support/store-fixtures.js';
import { useStoreWorkspace } from '../support/store-workspace.js';

const workspace = useStoreWorkspace();

const install = (at = T0) =>
  installShippedPrompts({
    recordings: createRecordingRepository(workspace.store.db),
    mediaDir: workspace.mediaDir,
    clock: { now: () => at },
  });

describe('the shipped prompts', () => {
  it('are committed as 8 kHz μ-law the converter keeps sample for sample, a few seconds each', () => {
    for (const prompt of SHIPPED_PROMPTS) {
      const bytes = readFileSync(join(shippedPromptsDir(), prompt.file));
      const result = convertForAsterisk(bytes, { fileName: prompt.file });
      if (!result.ok) throw new Error(result.rejection.message);
      // Byte for byte but for μ-law's negative zero (0x7f), which becomes positive zero.
      expect(decodeUlaw(result.value.ulaw)).toEqual(decodeUlaw(bytes));
      expect(result.value.durationMs).toBeGreaterThan(4000);
      expect(result.value.durationMs).toBeLessThan(12_000);
    }
  });

  it('are installed once into the media folder and the library, ready for a first campaign', async () => {
    expect(await install()).toEqual({
      installed: ['default-consent', 'default-voicemail'],
      restored: [],
    });
    const recordings = createRecordingRepository(workspace.store.db);
    const installed = await recordings.list();
    expect(installed.map(({ id, name }) => ({ id, name }))).toEqual([
      { id: 'default-consent', name: 'Default consent prompt' },
      { id: 'default-voicemail', name: 'Default voicemail message' },
    ]);
    for (const recording of installed) {
      const file = readFileSync(join(workspace.mediaDir, recording.fileName));
      expect(recording.sha256).toBe(createHash('sha256').update(file).digest('hex'));
      expect(recording.durationMs).toBe(Math.round(file.length / 8));
      expect(recording.mediaUri).toBe(`sound:${workspace.mediaDir}/dialstate-rec-${recording.id}`);
    }
    expect(readdirSync(workspace.mediaDir)).toHaveLength(4);

    expect(await install(T0 + 60_000)).toEqual({ installed: [], restored: [] });
    expect(await recordings.list()).toEqual(installed);

    await createCampaignRepository(workspace.store.db).insert(
      sampleCampaign({
        consent: { enabled: true, recordingId: 'default-consent', timeoutSec: 8 },
        voicemail: { enabled: true, recordingId: 'default-voicemail', greetingMaxWaitSec: 20 },
      }),
    );
  });

  it('belong to the operator once installed: a rename stays, a deleted one does not come back', async () => {
    await install();
    const recordings = createRecordingRepository(workspace.store.db);
    await recordings.rename('default-consent', 'Our consent prompt', T0 + 1);
    expect(await recordings.delete('default-voicemail')).toEqual({ ok: true });

    expect(await install()).toEqual({ installed: [], restored: [] });
    expect((await recordings.list()).map(({ id, name }) => ({ id, name }))).toEqual([
      { id: 'default-consent', name: 'Our consent prompt' },
    ]);
  });

  it('get their files back when the media folder lost them', async () => {
    await install();
    rmSync(workspace.mediaDir, { recursive: true });
    const before = await createRecordingRepository(workspace.store.db).list();

    expect(await install()).toEqual({
      installed: [],
      restored: ['default-consent', 'default-voicemail'],
    });
    expect(readdirSync(workspace.mediaDir)).toHaveLength(4);
    expect(await createRecordingRepository(workspace.store.db).list()).toEqual(before);
  });

  it('mark nothing installed when a shipped file is missing', async () => {
    const broken = installShippedPrompts({
      recordings: createRecordingRepository(workspace.store.db),
      mediaDir: workspace.mediaDir,
      clock: { now: () => T0 },
      promptsDir: join(workspace.dir.path, 'no-prompts-here'),
    });
    await expect(broken).rejects.toThrow(/ENOENT/);
    expect(await createRecordingRepository(workspace.store.db).shippedKeys()).toEqual(new Set());
  });
});
