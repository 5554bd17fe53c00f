import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Recording } from '../store/recordings.js';
import type { ConvertedAudio } from './asterisk-audio.js';

// Recording ids are ours (UUIDs, or fixed ids of shipped prompts), but they arrive back
// through URLs: only these characters ever reach a file name.
const RECORDING_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Whether `id` has the shape of a recording id; anything else cannot name a recording. */
export function isRecordingId(id: string): boolean {
  return RECORDING_ID.test(id);
}

/**
 * The files of recording `id` in the media folder, named from the id alone (never from
 * what the uploader called the file). Asterisk is told to play `base`, and picks the
 * `.ulaw` file; the preview has a base name of its own so Asterisk never chooses it.
 *
 * @throws Error when `id` is not a recording id: callers check ids from outside first.
 */
export function recordingFileNames(id: string): { base: string; audio: string; preview: string } {
  if (!isRecordingId(id)) throw new Error(`not a recording id: ${JSON.stringify(id)}`);
  const base = `dialstate-rec-${id}`;
  return { base, audio: `${base}.ulaw`, preview: `${base}-preview.wav` };
}

/**
 * What Asterisk is told to play for recording `id`: `sound:` and the absolute path
 * without extension. Asterisk plays absolute paths from any folder it can read, and picks
 * the file's format from the extensions it finds.
 */
export function recordingMediaUri(mediaDir: string, id: string): string {
  return `sound:${path.join(path.resolve(mediaDir), recordingFileNames(id).base)}`;
}

/**
 * Writes (or replaces) the `.ulaw` and preview files of recording `id`, each atomically so
 * Asterisk or a browser never sees half a file, and returns the recording's row to store.
 */
export async function writeRecording(
  mediaDir: string,
  recording: { id: string; name: string; audio: ConvertedAudio; at: number },
): Promise<Recording> {
  const names = recordingFileNames(recording.id);
  const dir = path.resolve(mediaDir);
  const { ulaw, previewWav, durationMs } = recording.audio;
  await mkdir(dir, { recursive: true });
  await writeFileAtomically(dir, names.preview, previewWav);
  await writeFileAtomically(dir, names.audio, ulaw);
  return {
    id: recording.id,
    name: recording.name,
    fileName: names.audio,
    mediaUri: recordingMediaUri(dir, recording.id),
    durationMs,
    sizeBytes: ulaw.length,
    sha256: createHash('sha256').update(ulaw).digest('hex'),
    createdAt: recording.at,
    updatedAt: recording.at,
  };
}

/** Removes the files of recording `id`; files already gone are fine. */
export async function removeRecordingFiles(mediaDir: string, id: string): Promise<void> {
  const names = recordingFileNames(id);
  for (const name of [names.audio, names.preview]) {
    try {
      await unlink(path.join(path.resolve(mediaDir), name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** Reads the `.ulaw` or the preview file of recording `id`; undefined when it is missing. */
export async function readRecordingFile(
  mediaDir: string,
  id: string,
  which: 'audio' | 'preview',
): Promise<Buffer | undefined> {
  try {
    return await readFile(path.join(path.resolve(mediaDir), recordingFileNames(id)[which]));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes to a hidden temporary file in the same folder, syncs it, and renames it over
 * `name`; then syncs the folder, so the rename survives a power loss as the database row
 * pointing at the file does (synchronous=FULL).
 */
async function writeFileAtomically(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const temporary = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // 0644: Asterisk usually runs as another user and must read the file.
    const file = await open(temporary, 'wx', 0o644);
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path.join(dir, name));
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
