import { type AudioResult, rejected } from './audio-rejection.js';
import type { EncodedAudio, SampleEncoding } from './encoded-audio.js';

// We read the RIFF structure ourselves rather than with wavefile's parser, which is
// lenient where an upload must not be: it silently shortens a truncated data chunk, counts
// the RIFF pad byte of an odd-sized chunk as audio, and reads WAVE_FORMAT_EXTENSIBLE
// float as integers.

const FORMAT_CODES: Readonly<Record<number, SampleEncoding>> = {
  1: 'pcm',
  3: 'float',
  6: 'alaw',
  7: 'mulaw',
};

const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

// KSDATAFORMAT_SUBTYPE_* GUIDs are the format code followed by these 14 bytes.
const SUBFORMAT_GUID_TAIL = [
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];

const UNSUPPORTED_CODES: Readonly<Record<number, string>> = {
  2: 'Microsoft ADPCM',
  17: 'IMA ADPCM',
  49: 'GSM 6.10',
  64: 'G.721 ADPCM',
  80: 'MPEG',
  85: 'MP3',
  353: 'WMA',
  8192: 'AC-3',
};

const BITS: Readonly<Record<SampleEncoding, readonly number[]>> = {
  pcm: [8, 16, 24, 32],
  float: [32, 64],
  mulaw: [8],
  alaw: [8],
};

const LABELS: Readonly<Record<SampleEncoding, string>> = {
  pcm: 'PCM',
  float: 'floating-point',
  mulaw: 'μ-law',
  alaw: 'A-law',
};

/**
 * Writers that cannot seek back (espeak-ng and ffmpeg writing to a pipe) leave a
 * placeholder data size of 0x7ffff000 or 0xffffffff: the data then runs to the end.
 * No accepted upload comes near this size, so anything above it is such a placeholder.
 */
const STREAMED_DATA_SIZE = 0x7fff_0000;

/** What a WAV upload must be, for messages. */
export const ACCEPTED_WAV =
  'PCM (8, 16, 24 or 32-bit), 32 or 64-bit float, μ-law or A-law, mono or stereo';

/**
 * Reads a RIFF/WAVE file: the format of its `fmt ` chunk and the samples of its `data`
 * chunk (whole frames only). Formats we do not convert are `unsupportedType`; a broken
 * or truncated structure is `invalidAudio`, with the reason.
 */
export function readWav(bytes: Uint8Array): AudioResult<EncodedAudio> {
  if (bytes.length < 12) {
    return rejected(
      'invalidAudio',
      `the file is ${bytes.length} bytes, too short for a WAV header`,
    );
  }
  const container = fourCc(bytes, 0);
  if (container === 'RIFX' || container === 'RF64') {
    return rejected(
      'unsupportedType',
      `${container} WAV files are not supported: save it as a standard (RIFF) WAV`,
    );
  }
  if (container !== 'RIFF') {
    return rejected('invalidAudio', 'the file does not start with a RIFF header');
  }
  const form = fourCc(bytes, 8);
  if (form !== 'WAVE') {
    return rejected('unsupportedType', `the file is a RIFF "${form}" file, not WAVE audio`);
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: DataView | undefined;
  let data: Uint8Array | undefined;
  for (let offset = 12; offset + 8 <= bytes.length && !(fmt && data); ) {
    const id = fourCc(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const start = offset + 8;
    const remaining = bytes.length - start;
    if (id === 'data' && size >= STREAMED_DATA_SIZE) {
      data = bytes.subarray(start);
      break;
    }
    if (size > remaining) {
      return rejected(
        'invalidAudio',
        `the "${id}" chunk declares ${size} bytes but only ${remaining} follow: the file is truncated or its header is corrupt`,
      );
    }
    if (id === 'fmt ' && !fmt) fmt = new DataView(bytes.buffer, bytes.byteOffset + start, size);
    if (id === 'data' && !data) data = bytes.subarray(start, start + size);
    // Chunks are word-aligned: an odd-sized chunk is followed by a pad byte.
    offset = start + size + (size % 2);
  }
  if (!fmt) return rejected('invalidAudio', 'the WAV file has no "fmt " chunk before its audio');
  if (!data) return rejected('invalidAudio', 'the WAV file has no "data" chunk');
  return readFormat(fmt, data);
}

function readFormat(fmt: DataView, data: Uint8Array): AudioResult<EncodedAudio> {
  if (fmt.byteLength < 16) {
    return rejected('invalidAudio', `the "fmt " chunk is ${fmt.byteLength} bytes; it needs 16`);
  }
  let code = fmt.getUint16(0, true);
  const channels = fmt.getUint16(2, true);
  const sampleRate = fmt.getUint32(4, true);
  const blockAlign = fmt.getUint16(12, true);
  const bitsPerSample = fmt.getUint16(14, true);
  if (code === WAVE_FORMAT_EXTENSIBLE) {
    if (fmt.byteLength < 40) {
      return rejected('invalidAudio', 'the extensible "fmt " chunk is shorter than 40 bytes');
    }
    const tail = SUBFORMAT_GUID_TAIL.every((byte, i) => fmt.getUint8(26 + i) === byte);
    if (!tail) {
      return rejected('unsupportedType', 'the WAV file uses a vendor-specific sub-format');
    }
    code = fmt.getUint16(24, true);
  }
  const encoding = FORMAT_CODES[code];
  if (!encoding) {
    const name = UNSUPPORTED_CODES[code] ?? `format code 0x${code.toString(16).padStart(4, '0')}`;
    return rejected('unsupportedType', `WAV audio encoded as ${name}; upload ${ACCEPTED_WAV}`);
  }
  if (channels === 0) return rejected('invalidAudio', 'the WAV header says it has 0 channels');
  if (channels > 2) {
    return rejected(
      'unsupportedType',
      `the WAV file has ${channels} channels; upload mono or stereo`,
    );
  }
  if (sampleRate === 0)
    return rejected('invalidAudio', 'the WAV header gives a sample rate of 0 Hz');
  if (!BITS[encoding].includes(bitsPerSample)) {
    return rejected(
      'unsupportedType',
      `${bitsPerSample}-bit ${LABELS[encoding]} WAV audio; upload ${ACCEPTED_WAV}`,
    );
  }
  const frameBytes = (channels * bitsPerSample) / 8;
  if (blockAlign !== frameBytes) {
    return rejected(
      'invalidAudio',
      `the WAV header's block align is ${blockAlign} bytes, but ${channels} channel(s) of ${bitsPerSample} bits take ${frameBytes}`,
    );
  }
  // Some writers leave a partial frame at the end; it is not audible, so drop it.
  const whole = data.length - (data.length % frameBytes);
  if (whole === 0) return rejected('invalidAudio', 'the WAV file holds no audio');
  return {
    ok: true,
    value: { encoding, bitsPerSample, channels, sampleRate, data: data.subarray(0, whole) },
  };
}

/** A four-character code, with anything unprintable shown as `?`. */
function fourCc(bytes: Uint8Array, offset: number): string {
  let code = '';
  for (let i = offset; i < offset + 4; i++) {
    const byte = bytes[i] ?? 0;
    code += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '?';
  }
  return code;
}
