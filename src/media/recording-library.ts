import type { Clock } from '../calls/ports.js';
import type { Recording, RecordingRepository, RecordingUse } from '../store/recordings.js';
import {
  type AudioLimits,
  type ConvertedAudio,
  convertForAsterisk,
  DEFAULT_AUDIO_LIMITS,
} from './asterisk-audio.js';
import type { AudioRejection } from './audio-rejection.js';
import {
  isRecordingId,
  readRecordingFile,
  removeRecordingFiles,
  writeRecording,
} from './recording-files.js';

/** An upload to convert and add to the library. */
export interface RecordingUpload {
  /** Display name: trimmed, 1 to 100 characters, no control characters. */
  name: string;
  bytes: Uint8Array;
  /** The upload's Content-Type, e.g. `audio/wav` or `audio/basic`. */
  contentType?: string | null;
  /** The uploader's file name: only its extension is read (`.ulaw`, `.alaw`), never its path. */
  fileName?: string | null;
}

/** A recording with the campaigns that use it. */
export type LibraryRecording = Recording & { usedBy: RecordingUse[] };

/**
 * `invalidName` is 400; the audio reasons map as `AudioRejection` documents (415, 413,
 * 400).
 */
export type UploadRecordingResult =
  | { ok: true; recording: LibraryRecording; source: ConvertedAudio['source'] }
  | { ok: false; reason: AudioRejection['reason'] | 'invalidName'; message: string };

export type RenameRecordingResult =
  | { ok: true; recording: LibraryRecording }
  | { ok: false; reason: 'notFound' }
  | { ok: false; reason: 'invalidName'; message: string };

/** `inUse` (409) names the campaigns; they must choose another recording first. */
export type RemoveRecordingResult =
  | { ok: true }
  | { ok: false; reason: 'notFound' }
  | { ok: false; reason: 'inUse'; usedBy: RecordingUse[]; message: string };

/**
 * The recording library: uploads converted for Asterisk into the media folder, listed
 * with the campaigns that use them. Ids from outside are checked before they reach the
 * database or a path: one that is not a recording id is simply not found.
 */
export interface RecordingLibrary {
  upload(upload: RecordingUpload): Promise<UploadRecordingResult>;
  /** Every recording, by name. */
  list(): Promise<LibraryRecording[]>;
  get(id: string): Promise<LibraryRecording | undefined>;
  rename(id: string, name: string): Promise<RenameRecordingResult>;
  /** Deletes the recording and its files, unless a campaign refers to it. */
  remove(id: string): Promise<RemoveRecordingResult>;
  /** The 16-bit 8 kHz mono WAV of recording `id` for browsers (`audio/wav`), if it exists. */
  preview(id: string): Promise<Uint8Array | undefined>;
}

export interface RecordingLibraryOptions {
  recordings: RecordingRepository;
  /** AAVA_MEDIA_DIR: where Asterisk reads the files from. */
  mediaDir: string;
  clock: Pick<Clock, 'now'>;
  /** New recording ids; letters, digits, `-` and `_` (UUIDs in production). */
  newId: () => string;
  limits?: AudioLimits;
}

const MAX_NAME_LENGTH = 100;

/** Creates the recording library over the repository and the media folder. */
export function createRecordingLibrary(options: RecordingLibraryOptions): RecordingLibrary {
  const { recordings, mediaDir, clock } = options;
  const limits = options.limits ?? DEFAULT_AUDIO_LIMITS;

  async function withUses(recording: Recording): Promise<LibraryRecording> {
    const uses = await recordings.uses(recording.id);
    return { ...recording, usedBy: uses.get(recording.id) ?? [] };
  }

  return {
    async upload(upload) {
      const name = checkName(upload.name);
      if (!name.ok) return { ok: false, reason: 'invalidName', message: name.message };
      const declared = { contentType: upload.contentType, fileName: upload.fileName };
      const converted = convertForAsterisk(upload.bytes, declared, limits);
      if (!converted.ok) return { ok: false, ...converted.rejection };

      const id = options.newId();
      const recording = await writeRecording(mediaDir, {
        id,
        name: name.value,
        audio: converted.value,
        at: clock.now(),
      });
      try {
        await recordings.insert(recording);
      } catch (error) {
        await removeRecordingFiles(mediaDir, id).catch(() => undefined);
        throw error;
      }
      return { ok: true, recording: { ...recording, usedBy: [] }, source: converted.value.source };
    },

    async list() {
      const [all, uses] = await Promise.all([recordings.list(), recordings.uses()]);
      return all.map((recording) => ({ ...recording, usedBy: uses.get(recording.id) ?? [] }));
    },

    async get(id) {
      const recording = isRecordingId(id) ? await recordings.get(id) : undefined;
      return recording && withUses(recording);
    },

    async rename(id, newName) {
      const name = checkName(newName);
      if (!name.ok) return { ok: false, reason: 'invalidName', message: name.message };
      const renamed = isRecordingId(id)
        ? await recordings.rename(id, name.value, clock.now())
        : undefined;
      if (!renamed) return { ok: false, reason: 'notFound' };
      return { ok: true, recording: await withUses(renamed) };
    },

    async remove(id) {
      if (!isRecordingId(id)) return { ok: false, reason: 'notFound' };
      // The row goes first, and only if no campaign refers to it (the foreign keys
      // decide): a campaign never points at a recording whose files are gone.
      const deleted = await recordings.delete(id);
      if (deleted.ok) {
        await removeRecordingFiles(mediaDir, id);
        return deleted;
      }
      if (deleted.reason === 'notFound') return deleted;
      const usedBy = (await recordings.uses(id)).get(id) ?? [];
      const names = usedBy.map((use) => `"${use.campaignName}"`).join(', ') || 'a campaign';
      return {
        ok: false,
        reason: 'inUse',
        usedBy,
        message: `the recording is used by ${names}; choose another recording there first`,
      };
    },

    async preview(id) {
      if (!isRecordingId(id) || !(await recordings.get(id))) return undefined;
      return readRecordingFile(mediaDir, id, 'preview');
    },
  };
}

function checkName(name: string): { ok: true; value: string } | { ok: false; message: string } {
  const trimmed = name.trim();
  if (trimmed.length === 0) return { ok: false, message: 'the name must not be empty' };
  if (trimmed.length > MAX_NAME_LENGTH) {
    return { ok: false, message: `the name is longer than ${MAX_NAME_LENGTH} characters` };
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) {
    return { ok: false, message: 'the name must not contain control characters' };
  }
  return { ok: true, value: trimmed };
}
