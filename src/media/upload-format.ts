import { type AudioResult, rejected } from './audio-rejection.js';
import { ACCEPTED_WAV } from './wav-file.js';

/** What the uploader said the bytes are: a MIME type, the original file name, or both. */
export interface DeclaredType {
  contentType?: string | null;
  fileName?: string | null;
}

/**
 * How to read an upload: as a WAV file (recognised by its bytes), or as headerless
 * G.711 the uploader declared (raw bytes say nothing about themselves).
 */
export type UploadFormat =
  | { kind: 'wav' }
  | { kind: 'raw'; encoding: 'mulaw' | 'alaw'; sampleRate: number; channels: number };

const RAW_CONTENT_TYPES: Readonly<Record<string, 'mulaw' | 'alaw'>> = {
  'audio/basic': 'mulaw',
  'audio/pcmu': 'mulaw',
  'audio/mulaw': 'mulaw',
  'audio/x-mulaw': 'mulaw',
  'audio/ulaw': 'mulaw',
  'audio/x-ulaw': 'mulaw',
  'audio/pcma': 'alaw',
  'audio/alaw': 'alaw',
  'audio/x-alaw': 'alaw',
  'audio/x-alaw-basic': 'alaw',
};

// The extensions Asterisk and sox give raw G.711 files.
const RAW_EXTENSIONS: Readonly<Record<string, 'mulaw' | 'alaw'>> = {
  '.ulaw': 'mulaw',
  '.ul': 'mulaw',
  '.mulaw': 'mulaw',
  '.mu': 'mulaw',
  '.pcmu': 'mulaw',
  '.alaw': 'alaw',
  '.al': 'alaw',
  '.pcma': 'alaw',
};

const WAV_CONTENT_TYPES = new Set(['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave']);

// Formats people upload by mistake, named in the refusal instead of "unknown".
const SIGNATURES: ReadonlyArray<readonly [offset: number, magic: string, name: string]> = [
  [0, 'ID3', 'MP3'],
  [0, 'OggS', 'Ogg (Vorbis or Opus)'],
  [0, 'fLaC', 'FLAC'],
  [4, 'ftyp', 'MP4/M4A'],
  [0, '\x1aE\xdf\xa3', 'WebM/Matroska'],
  [0, 'FORM', 'AIFF'],
  [0, '.snd', 'Sun/NeXT .au'],
  [0, '#!AMR', 'AMR'],
];

/** What to upload instead, for messages. */
export const ACCEPTED_UPLOADS = `a WAV file (${ACCEPTED_WAV}), or raw 8 kHz μ-law or A-law declared as audio/basic or audio/x-alaw or named *.ulaw or *.alaw`;

/**
 * Decides how to read an upload. A RIFF header wins over any declaration (browsers label
 * WAV files inconsistently), and a known signature of another format (MP3, Ogg, .au…)
 * is refused by name; otherwise a raw G.711 content type, then a raw G.711 file
 * extension, declares raw audio, 8 kHz mono unless the content type's `rate` and
 * `channels` parameters say otherwise (RFC 3551 style). Anything else is refused.
 */
export function identifyUpload(
  bytes: Uint8Array,
  declared: DeclaredType,
): AudioResult<UploadFormat> {
  const head = latin1(bytes.subarray(0, 12));
  if (head.startsWith('RIFF') || head.startsWith('RIFX') || head.startsWith('RF64')) {
    return { ok: true, value: { kind: 'wav' } };
  }
  // Before any raw declaration: browsers label Sun .au files audio/basic, and raw G.711
  // that starts with one of these signatures by chance is not worth a thought.
  const known = SIGNATURES.find(([offset, magic]) => head.startsWith(magic, offset));
  if (known) {
    return rejected(
      'unsupportedType',
      `${known[2]} audio is not supported; upload ${ACCEPTED_UPLOADS}`,
    );
  }
  const { mediaType, parameters } = parseContentType(declared.contentType ?? '');
  const extension = extensionOf(declared.fileName ?? '');
  const rawEncoding = RAW_CONTENT_TYPES[mediaType] ?? RAW_EXTENSIONS[extension];
  if (rawEncoding) {
    const sampleRate = integerParameter(parameters.rate, 8000);
    const channels = integerParameter(parameters.channels, 1);
    if (sampleRate === null || channels === null) {
      return rejected(
        'invalidAudio',
        `the content type ${declared.contentType} has a rate or channels parameter that is not a number`,
      );
    }
    if (channels !== 1 && channels !== 2) {
      return rejected(
        'unsupportedType',
        `raw audio with ${channels} channels; upload mono or stereo`,
      );
    }
    return { ok: true, value: { kind: 'raw', encoding: rawEncoding, sampleRate, channels } };
  }
  if (WAV_CONTENT_TYPES.has(mediaType) || extension === '.wav') {
    return rejected('invalidAudio', 'the upload is declared as WAV but has no RIFF header');
  }
  const described = [mediaType && `type ${mediaType}`, extension && `extension ${extension}`]
    .filter(Boolean)
    .join(', ');
  return rejected(
    'unsupportedType',
    `unrecognised audio${described ? ` (${described})` : ''}; upload ${ACCEPTED_UPLOADS}`,
  );
}

function parseContentType(contentType: string): {
  mediaType: string;
  parameters: Record<string, string>;
} {
  const [mediaType = '', ...rest] = contentType.split(';');
  const parameters: Record<string, string> = {};
  for (const parameter of rest) {
    const separator = parameter.indexOf('=');
    if (separator > 0) {
      const key = parameter.slice(0, separator).trim().toLowerCase();
      parameters[key] = parameter.slice(separator + 1).trim();
    }
  }
  return { mediaType: mediaType.trim().toLowerCase(), parameters };
}

function integerParameter(value: string | undefined, fallback: number): number | null {
  if (value === undefined) return fallback;
  return /^[0-9]{1,6}$/.test(value) ? Number(value) : null;
}

/** The lower-case extension of the last segment of a client's file name (any OS), or ''. */
function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot >= 0 ? base.slice(dot).toLowerCase() : '';
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
