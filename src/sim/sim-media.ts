import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Lengths (ms) of Asterisk's stock sounds the simulator knows without files. The
 * traces give hello 0.79 s, beep 0.43 s, if-correct-press 1.97 s and vm-intro 5.65 s.
 */
export const BUILT_IN_SOUNDS: Readonly<Record<string, number>> = {
  hello: 790,
  beep: 430,
  'if-correct-press': 1970,
  'vm-intro': 5650,
  'vm-goodbye': 1010,
  'silence/1': 1000,
  'silence/2': 2000,
  'silence/5': 5000,
  'silence/10': 10000,
  'tt-monkeys': 12600,
  'auth-thankyou': 900,
  goodbye: 850,
};

// Bytes per second of the raw formats Asterisk plays by file extension.
const RAW_BYTES_PER_SECOND: ReadonlyArray<readonly [string, number]> = [
  ['.ulaw', 8000],
  ['.alaw', 8000],
  ['.sln16', 32000],
  ['.sln', 16000],
  // GSM 06.10: 33 bytes per 20 ms frame.
  ['.gsm', 1650],
];

/** Finds out how long a media URI plays, or that it cannot be played. */
export interface MediaLibrary {
  /** Length in ms, or null when Asterisk would fail the playback (fact 12). */
  durationOf(mediaUri: string): number | null;
}

/**
 * Creates the media library: `sound:<name>` resolves to a stock sound, or to a file
 * `<name>.ulaw|.alaw|.sln16|.sln|.gsm|.wav` (or `<name>` as raw μ-law) under `mediaDir`.
 * Absolute names must lie inside `mediaDir`; other URI schemes are not playable.
 */
export function createMediaLibrary(options: { mediaDir?: string }): MediaLibrary {
  const root = options.mediaDir ? path.resolve(options.mediaDir) : null;
  return {
    durationOf(mediaUri) {
      if (!mediaUri.startsWith('sound:')) return null;
      const name = mediaUri.slice('sound:'.length);
      if (name === '') return null;
      const builtIn = BUILT_IN_SOUNDS[name];
      if (builtIn !== undefined) return builtIn;
      if (!root) return null;
      const file = path.resolve(root, name);
      if (file !== root && !file.startsWith(root + path.sep)) return null;
      return fileDuration(file);
    },
  };
}

function fileDuration(base: string): number | null {
  const wav = wavDuration(`${base}.wav`);
  if (wav !== null) return wav;
  for (const [extension, bytesPerSecond] of RAW_BYTES_PER_SECOND) {
    const size = fileSize(`${base}${extension}`);
    if (size !== null) return Math.round((size * 1000) / bytesPerSecond);
  }
  // A file without an extension is taken as raw μ-law, the format uploads convert to.
  const size = fileSize(base);
  return size === null ? null : Math.round(size / 8);
}

function fileSize(file: string): number | null {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.size : null;
  } catch {
    return null;
  }
}

/** Duration from a RIFF/WAVE header: the `data` chunk size over the `fmt ` byte rate. */
function wavDuration(file: string): number | null {
  if (fileSize(file) === null) return null;
  const header = Buffer.alloc(4096);
  let length: number;
  const fd = openSync(file, 'r');
  try {
    length = readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (
    length < 12 ||
    header.toString('ascii', 0, 4) !== 'RIFF' ||
    header.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    return null;
  }
  let byteRate = 0;
  for (let offset = 12; offset + 8 <= length; ) {
    const id = header.toString('ascii', offset, offset + 4);
    const size = header.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 20 <= length) byteRate = header.readUInt32LE(offset + 16);
    if (id === 'data') return byteRate > 0 ? Math.round((size * 1000) / byteRate) : null;
    offset += 8 + size + (size % 2);
  }
  return null;
}
