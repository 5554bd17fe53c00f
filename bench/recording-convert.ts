/**
 * Recording conversion time: how long `convertForAsterisk` holds the event loop for
 * typical uploads, and for the largest one the limits allow.
 *
 *   npm run bench:recording-convert -- [--runs 3]
 *
 * Conversion runs on the event loop (it is pure computation on a buffer), so while an
 * upload converts, ARI events and timers wait: these figures bound that stall.
 */
import { parseArgs } from 'node:util';
import { convertForAsterisk, DEFAULT_AUDIO_LIMITS } from '../src/media/asterisk-audio.js';

interface Shape {
  label: string;
  rate: number;
  channels: number;
  /** 16, 24 or 32 (float). */
  bits: 16 | 24 | 32;
  seconds: number;
}

const SHAPES: Shape[] = [
  { label: 'WAV 44.1 kHz 16-bit mono', rate: 44100, channels: 1, bits: 16, seconds: 60 },
  { label: 'WAV 48 kHz 16-bit stereo', rate: 48000, channels: 2, bits: 16, seconds: 60 },
  { label: 'WAV 48 kHz 24-bit stereo', rate: 48000, channels: 2, bits: 24, seconds: 60 },
  { label: 'WAV 96 kHz 32-bit float stereo', rate: 96000, channels: 2, bits: 32, seconds: 30 },
  { label: 'WAV 8 kHz 16-bit mono', rate: 8000, channels: 1, bits: 16, seconds: 60 },
  // The most audio the 32 MiB limit lets through at a common rate: 174 s.
  { label: 'WAV 48 kHz 16-bit stereo, 32 MiB', rate: 48000, channels: 2, bits: 16, seconds: 174 },
  // The most samples to resample the limits let through: 87 s at the highest rate.
  { label: 'WAV 192 kHz 16-bit mono, 32 MiB', rate: 192000, channels: 1, bits: 16, seconds: 87 },
];

/** A PCM (or, at 32 bits, float) WAV of a tone with some deterministic noise. */
function wav(shape: Shape): Uint8Array {
  const frames = shape.rate * shape.seconds;
  const bytesPerSample = shape.bits / 8;
  const dataBytes = frames * shape.channels * bytesPerSample;
  const bytes = Buffer.alloc(44 + dataBytes);
  bytes.write('RIFF', 0, 'ascii');
  bytes.writeUInt32LE(36 + dataBytes, 4);
  bytes.write('WAVEfmt ', 8, 'ascii');
  bytes.writeUInt32LE(16, 16);
  bytes.writeUInt16LE(shape.bits === 32 ? 3 : 1, 20);
  bytes.writeUInt16LE(shape.channels, 22);
  bytes.writeUInt32LE(shape.rate, 24);
  bytes.writeUInt32LE(shape.rate * shape.channels * bytesPerSample, 28);
  bytes.writeUInt16LE(shape.channels * bytesPerSample, 32);
  bytes.writeUInt16LE(shape.bits, 34);
  bytes.write('data', 36, 'ascii');
  bytes.writeUInt32LE(dataBytes, 40);
  let seed = 1;
  let offset = 44;
  for (let i = 0; i < frames * shape.channels; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const value = 0.4 * Math.sin(i / 7) + 0.1 * (seed / 0x7fffffff - 0.5);
    if (shape.bits === 16) bytes.writeInt16LE(Math.round(value * 32767), offset);
    else if (shape.bits === 24) bytes.writeIntLE(Math.round(value * 8388607), offset, 3);
    else bytes.writeFloatLE(value, offset);
    offset += bytesPerSample;
  }
  return bytes;
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);

process.stdout.write('| input | MiB | audio s | run ms (each run) | ms per audio minute |\n');
process.stdout.write('|---|---|---|---|---|\n');
for (const shape of SHAPES) {
  const bytes = wav(shape);
  if (bytes.length > DEFAULT_AUDIO_LIMITS.maxBytes)
    throw new Error(`${shape.label} is over the limit`);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const result = convertForAsterisk(bytes, { contentType: 'audio/wav' });
    times.push(performance.now() - started);
    if (!result.ok) throw new Error(`${shape.label}: ${result.rejection.message}`);
  }
  const perMinute = times.map((ms) => Math.round((ms * 60) / shape.seconds));
  process.stdout.write(
    `| ${shape.label} | ${(bytes.length / 2 ** 20).toFixed(1)} | ${shape.seconds} | ${times.map((ms) => Math.round(ms)).join(', ')} | ${perMinute.join(', ')} |\n`,
  );
}
