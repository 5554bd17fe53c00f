import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../calls/ports.js';
import { packageRoot } from '../package-root.js';
import type { RecordingRepository } from '../store/recordings.js';
import { convertForAsterisk } from './asterisk-audio.js';
import { readRecordingFile, recordingMediaUri, writeRecording } from './recording-files.js';

/** A prompt dialstate ships, so a first campaign can ask for consent and leave messages. */
export interface ShippedPrompt {
  /** Stable key in `shipped_recording`. */
  key: string;
  /** Its recording id in the library. */
  id: string;
  name: string;
  /** Raw μ-law 8 kHz mono file in the shipped prompts folder. */
  file: string;
  /** What it says (spoken by espeak-ng; see scripts/generate-default-prompts.ts). */
  text: string;
}

/** The shipped prompts: neutral wording, no company name, for any campaign. */
export const SHIPPED_PROMPTS: readonly ShippedPrompt[] = [
  {
    key: 'consent',
    id: 'default-consent',
    name: 'Default consent prompt',
    file: 'consent.ulaw',
    text: 'Hello, this is an automated call. Press 1 to talk to our assistant. Press 2 if you do not wish to be called.',
  },
  {
    key: 'voicemail',
    id: 'default-voicemail',
    name: 'Default voicemail message',
    file: 'voicemail.ulaw',
    text: 'Hello, this is an automated message. Sorry we missed you. We will try to reach you again later. Thank you, and goodbye.',
  },
];

/** The folder of the shipped prompt files: `assets/prompts` at the package root. */
export function shippedPromptsDir(): string {
  return path.join(packageRoot(import.meta.url), 'assets', 'prompts');
}

/** Ids of the shipped prompts a start installed, and of those whose files it put back. */
export interface ShippedPromptsReport {
  installed: string[];
  restored: string[];
}

/**
 * Installs every shipped prompt that was never installed into this database: converts
 * it, writes its files into the media folder, and adds it to the library with its key
 * marked installed. Safe on every start. Once installed a prompt belongs to the operator:
 * a renamed one keeps its name and a deleted one is not installed again. Only when its
 * `.ulaw` file has gone missing (a fresh media volume beside an old database) while its
 * row still describes the shipped audio at this media folder are its files written again,
 * since campaigns would otherwise fail every playback of it.
 *
 * @throws Error when a shipped file is missing or does not convert (a broken package),
 *   or the media folder cannot be written.
 */
export async function installShippedPrompts(options: {
  recordings: RecordingRepository;
  mediaDir: string;
  clock: Pick<Clock, 'now'>;
  promptsDir?: string;
  prompts?: readonly ShippedPrompt[];
}): Promise<ShippedPromptsReport> {
  const { recordings, mediaDir } = options;
  const promptsDir = options.promptsDir ?? shippedPromptsDir();
  const report: ShippedPromptsReport = { installed: [], restored: [] };
  const installedKeys = await recordings.shippedKeys();
  for (const prompt of options.prompts ?? SHIPPED_PROMPTS) {
    const bytes = await readFile(path.join(promptsDir, prompt.file));
    const converted = convertForAsterisk(bytes, { fileName: prompt.file });
    if (!converted.ok) {
      throw new Error(
        `shipped prompt ${prompt.file} does not convert: ${converted.rejection.message}`,
      );
    }
    const audio = converted.value;
    if (!installedKeys.has(prompt.key)) {
      const at = options.clock.now();
      const recording = await writeRecording(mediaDir, {
        id: prompt.id,
        name: prompt.name,
        audio,
        at,
      });
      await recordings.insertShipped(prompt.key, recording);
      report.installed.push(prompt.id);
      continue;
    }
    const existing = await recordings.get(prompt.id);
    const unchanged =
      existing?.sha256 === createHash('sha256').update(audio.ulaw).digest('hex') &&
      existing.mediaUri === recordingMediaUri(mediaDir, prompt.id);
    if (unchanged && !(await readRecordingFile(mediaDir, prompt.id, 'audio'))) {
      await writeRecording(mediaDir, { id: prompt.id, name: prompt.name, audio, at: 0 });
      report.restored.push(prompt.id);
    }
  }
  return report;
}
