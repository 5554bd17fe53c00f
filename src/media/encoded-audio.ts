import alawmulaw from 'alawmulaw';

/** How stored samples are encoded. */
export type SampleEncoding = 'pcm' | 'float' | 'mulaw' | 'alaw';

/** Audio as an upload stores it: interleaved little-endian samples and their format. */
export interface EncodedAudio {
  encoding: SampleEncoding;
  /** 8, 16, 24 or 32 for PCM; 32 or 64 for float; 8 for μ-law and A-law. */
  bitsPerSample: number;
  /** 1 or 2. */
  channels: number;
  /** Hz. */
  sampleRate: number;
  /** Whole frames only: a multiple of `channels * bitsPerSample / 8` bytes. */
  data: Uint8Array;
}

/** Number of frames (one sample per channel) in `audio`. */
export function frameCount(audio: EncodedAudio): number {
  return audio.data.length / ((audio.channels * audio.bitsPerSample) / 8);
}

/** Length of `audio` in ms, unrounded. */
export function durationMsOf(audio: EncodedAudio): number {
  return (frameCount(audio) * 1000) / audio.sampleRate;
}

/**
 * Decodes `audio` to one channel of samples in [-1, 1]. Stereo is downmixed by averaging
 * the two channels, which cannot clip. Float samples outside [-1, 1] are clamped and
 * non-finite ones become silence.
 */
export function decodeToMono(audio: EncodedAudio): Float64Array {
  const frames = frameCount(audio);
  const read = sampleReader(audio);
  const mono = new Float64Array(frames);
  const channels = audio.channels;
  for (let frame = 0, index = 0; frame < frames; frame++) {
    let sum = 0;
    for (let channel = 0; channel < channels; channel++, index++) sum += read(index);
    mono[frame] = sum / channels;
  }
  return mono;
}

/** A reader of the sample at an interleaved index, scaled to [-1, 1]. */
function sampleReader(audio: EncodedAudio): (index: number) => number {
  const { data } = audio;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (audio.encoding) {
    case 'mulaw':
    case 'alaw': {
      const pcm =
        audio.encoding === 'mulaw' ? alawmulaw.mulaw.decode(data) : alawmulaw.alaw.decode(data);
      return (index) => (pcm[index] ?? 0) / 32768;
    }
    case 'float':
      return audio.bitsPerSample === 64
        ? (index) => clampUnit(view.getFloat64(index * 8, true))
        : (index) => clampUnit(view.getFloat32(index * 4, true));
    case 'pcm':
      switch (audio.bitsPerSample) {
        // 8-bit WAV is the one unsigned PCM width: 128 is silence.
        case 8:
          return (index) => (view.getUint8(index) - 128) / 128;
        case 16:
          return (index) => view.getInt16(index * 2, true) / 32768;
        case 24:
          return (index) => {
            const offset = index * 3;
            const low = view.getUint16(offset, true);
            const high = view.getInt8(offset + 2);
            return (high * 65536 + low) / 8388608;
          };
        case 32:
          return (index) => view.getInt32(index * 4, true) / 2147483648;
      }
  }
  throw new Error(`no decoder for ${audio.bitsPerSample}-bit ${audio.encoding}`);
}

function clampUnit(sample: number): number {
  if (!Number.isFinite(sample)) return 0;
  return Math.min(1, Math.max(-1, sample));
}
