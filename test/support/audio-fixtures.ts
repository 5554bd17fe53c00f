import alawmulaw from 'alawmulaw';
import wavefile from 'wavefile';

/** wavefile's bit depth codes: integer PCM, float, μ-law (`8m`) and A-law (`8a`). */
export type BitDepthCode = '8' | '16' | '24' | '32' | '32f' | '64' | '8m' | '8a';

/** `seconds` of a sine of `frequency` Hz at `amplitude` (full scale 1) sampled at `rate`. */
export function sine(options: {
  rate: number;
  seconds: number;
  frequency: number;
  amplitude?: number;
}): Float64Array {
  const { rate, frequency, amplitude = 0.5 } = options;
  const samples = new Float64Array(Math.round(options.seconds * rate));
  for (let i = 0; i < samples.length; i++) {
    samples[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / rate);
  }
  return samples;
}

/** Adds signals of the same length sample by sample. */
export function mix(...signals: Float64Array[]): Float64Array {
  const out = new Float64Array(signals[0]?.length ?? 0);
  for (const signal of signals) {
    signal.forEach((value, i) => {
      out[i] = (out[i] ?? 0) + value;
    });
  }
  return out;
}

/** A WAV file written by wavefile, one float signal per channel, in the given format. */
export function wavFile(
  rate: number,
  channels: Float64Array[],
  bitDepth: BitDepthCode,
): Uint8Array {
  const wav = new wavefile.WaveFile();
  // wavefile scales floats exactly when converting from 32f to any other depth.
  wav.fromScratch(
    channels.length,
    rate,
    '32f',
    channels.map((channel) => Float32Array.from(channel)),
  );
  if (bitDepth === '8m' || bitDepth === '8a') {
    wav.toBitDepth('16');
    if (bitDepth === '8m') wav.toMuLaw();
    else wav.toALaw();
  } else if (bitDepth !== '32f') {
    wav.toBitDepth(bitDepth);
  }
  return wav.toBuffer();
}

/** A WAV file built byte by byte, for headers wavefile would never write. */
export function handmadeWav(options: {
  format: number;
  channels: number;
  rate: number;
  bits: number;
  data: Uint8Array;
  blockAlign?: number;
  /** For format 0xfffe: the sub-format code. */
  subFormat?: number;
  /** Overrides the data chunk's size field. */
  dataSize?: number;
  /** Chunks before `fmt `/`data`, e.g. LIST. */
  before?: Uint8Array;
  omitFmt?: boolean;
  omitData?: boolean;
}): Uint8Array {
  const extensible = options.subFormat !== undefined;
  const fmt = Buffer.alloc(extensible ? 40 : 16);
  fmt.writeUInt16LE(options.format, 0);
  fmt.writeUInt16LE(options.channels, 2);
  fmt.writeUInt32LE(options.rate, 4);
  const blockAlign = options.blockAlign ?? (options.channels * options.bits) / 8;
  fmt.writeUInt32LE(options.rate * blockAlign, 8);
  fmt.writeUInt16LE(blockAlign, 12);
  fmt.writeUInt16LE(options.bits, 14);
  if (extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(options.bits, 18);
    fmt.writeUInt32LE(options.channels === 2 ? 3 : 4, 20);
    fmt.writeUInt16LE(options.subFormat ?? 1, 24);
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(fmt, 26);
  }
  const parts = [options.before ?? Buffer.alloc(0)];
  if (!options.omitFmt) parts.push(chunk('fmt ', fmt));
  if (!options.omitData) {
    parts.push(chunk('data', options.data, options.dataSize));
  }
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(4 + body.length, 4);
  header.write('WAVE', 8, 'ascii');
  return Buffer.concat([header, body]);
}

/** A RIFF chunk with its pad byte. */
export function chunk(id: string, data: Uint8Array, declaredSize = data.length): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'ascii');
  header.writeUInt32LE(declaredSize, 4);
  return Buffer.concat([header, data, Buffer.alloc(data.length % 2)]);
}

/** A decoded WAV: its format and its first channel in [-1, 1]. */
export interface DecodedWav {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  samples: Float64Array;
}

/** Reads a 16-bit PCM WAV (a preview) back with wavefile. */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const wav = new wavefile.WaveFile(bytes);
  const fmt = wav.fmt as { sampleRate: number; numChannels: number; bitsPerSample: number };
  const samples = wav.getSamples(true, Float64Array);
  return {
    sampleRate: fmt.sampleRate,
    channels: fmt.numChannels,
    bitsPerSample: fmt.bitsPerSample,
    samples: samples.map((sample) => sample / 32768),
  };
}

/** Decodes raw μ-law to samples in [-1, 1]. */
export function decodeUlaw(bytes: Uint8Array): Float64Array {
  return Float64Array.from(alawmulaw.mulaw.decode(bytes), (sample) => sample / 32768);
}

/** Encodes samples in [-1, 1] as raw μ-law or A-law. */
export function encodeG711(samples: Float64Array, law: 'mulaw' | 'alaw'): Uint8Array {
  const pcm = Int16Array.from(samples, (sample) => Math.round(sample * 32767));
  return law === 'mulaw' ? alawmulaw.mulaw.encode(pcm) : alawmulaw.alaw.encode(pcm);
}

/**
 * Amplitude (full scale 1) of the `frequency` Hz component of the middle second of
 * `samples`, by a single-bin DFT: exact for whole cycles per second, as in these tests.
 */
export function toneAmplitude(samples: Float64Array, rate: number, frequency: number): number {
  const start = Math.max(0, Math.floor((samples.length - rate) / 2));
  const window = samples.subarray(start, start + rate);
  let re = 0;
  let im = 0;
  window.forEach((sample, i) => {
    const phase = (2 * Math.PI * frequency * i) / rate;
    re += sample * Math.cos(phase);
    im -= sample * Math.sin(phase);
  });
  return (2 * Math.hypot(re, im)) / window.length;
}
