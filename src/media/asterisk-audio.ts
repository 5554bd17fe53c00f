import alawmulaw from 'alawmulaw';
import waveResampler from 'wave-resampler';
import wavefile from 'wavefile';
import { type AudioResult, rejected } from './audio-rejection.js';
import {
  decodeToMono,
  durationMsOf,
  type EncodedAudio,
  type SampleEncoding,
} from './encoded-audio.js';
import { type DeclaredType, identifyUpload, type UploadFormat } from './upload-format.js';
import { readWav } from './wav-file.js';

/** Sample rate of what Asterisk plays: G.711 μ-law is 8 kHz. */
export const ASTERISK_SAMPLE_RATE = 8000;

/** Sample rates (Hz) an upload may have; from 4 kHz up is resampled, down or up, to 8 kHz. */
export const SAMPLE_RATE_RANGE = Object.freeze({ min: 4000, max: 192_000 });

/**
 * Second-order sections of the Butterworth low-pass: 8 make a 16-pole filter which, run
 * forwards and backwards, is flat to 3.4 kHz (the telephone band) and over 100 dB down at
 * 6 kHz. wave-resampler's default of 16 sections makes the conversion up to twice as slow
 * (docs/BENCHMARKS.md) for attenuation far below what μ-law can represent.
 */
const LOW_PASS_SECTIONS = 8;

/** How big an upload may be. */
export interface AudioLimits {
  /** Bytes of the upload as sent. */
  readonly maxBytes: number;
  /** Playing time in ms. */
  readonly maxDurationMs: number;
}

/**
 * 32 MiB holds three minutes of 48 kHz 24-bit stereo; five minutes is far more than a
 * consent prompt or a voicemail message needs, and bounds the conversion time.
 */
export const DEFAULT_AUDIO_LIMITS: AudioLimits = Object.freeze({
  maxBytes: 32 * 1024 * 1024,
  maxDurationMs: 5 * 60_000,
});

/** An upload converted for Asterisk, with a copy for browsers. */
export interface ConvertedAudio {
  /** Raw μ-law, 8 kHz mono: the file Asterisk plays. */
  ulaw: Uint8Array;
  /** The same audio as a 16-bit PCM, 8 kHz mono WAV, which every browser plays. */
  previewWav: Uint8Array;
  /** Playing time of `ulaw` in ms (one byte per 1/8 ms). */
  durationMs: number;
  /** What was uploaded. */
  source: {
    /** e.g. `wav-pcm-24`, `wav-float-32`, `raw-mulaw`. */
    format: string;
    sampleRate: number;
    channels: number;
  };
}

/**
 * Converts an upload (WAV or declared raw μ-law/A-law; see `identifyUpload`) to 8 kHz
 * mono μ-law plus a preview WAV. Stereo is averaged to mono; other rates are resampled
 * by wave-resampler's windowed-sinc interpolation with its Butterworth low-pass, run
 * forwards and backwards so it shifts no phase: at 4 kHz when downsampling, which keeps
 * what lies above the new Nyquist frequency from folding back into the speech band, and
 * at the old Nyquist frequency when upsampling. (Sinc keeps 1 kHz from 4 kHz input within
 * 6 %, where cubic interpolation loses 10 %.) The limits are checked on the header, before
 * any decoding.
 */
export function convertForAsterisk(
  bytes: Uint8Array,
  declared: DeclaredType,
  limits: AudioLimits = DEFAULT_AUDIO_LIMITS,
): AudioResult<ConvertedAudio> {
  if (bytes.length > limits.maxBytes) {
    return rejected(
      'tooLarge',
      `the upload is ${size(bytes.length)}; the limit is ${size(limits.maxBytes)}`,
    );
  }
  const format = identifyUpload(bytes, declared);
  if (!format.ok) return format;
  const read = format.value.kind === 'wav' ? readWav(bytes) : rawAudio(bytes, format.value);
  if (!read.ok) return read;
  const audio = read.value;
  if (audio.sampleRate < SAMPLE_RATE_RANGE.min || audio.sampleRate > SAMPLE_RATE_RANGE.max) {
    return rejected(
      'unsupportedType',
      `a sample rate of ${audio.sampleRate} Hz; upload ${SAMPLE_RATE_RANGE.min} to ${SAMPLE_RATE_RANGE.max} Hz`,
    );
  }
  const sourceMs = durationMsOf(audio);
  if (sourceMs > limits.maxDurationMs) {
    return rejected(
      'tooLong',
      `the recording plays ${seconds(sourceMs)}; the limit is ${seconds(limits.maxDurationMs)}`,
    );
  }

  const mono = decodeToMono(audio);
  const resampled =
    audio.sampleRate === ASTERISK_SAMPLE_RATE
      ? mono
      : waveResampler.resample(mono, audio.sampleRate, ASTERISK_SAMPLE_RATE, {
          method: 'sinc',
          LPF: true,
          LPFType: 'IIR',
          LPFOrder: LOW_PASS_SECTIONS,
        });
  const pcm = toInt16(resampled);
  if (pcm.length === 0) {
    return rejected('invalidAudio', 'the recording is shorter than one 8 kHz sample');
  }
  const preview = new wavefile.WaveFile();
  preview.fromScratch(1, ASTERISK_SAMPLE_RATE, '16', pcm);
  return {
    ok: true,
    value: {
      ulaw: alawmulaw.mulaw.encode(pcm),
      previewWav: preview.toBuffer(),
      durationMs: Math.round((pcm.length * 1000) / ASTERISK_SAMPLE_RATE),
      source: {
        format: formatName(format.value, audio.encoding, audio.bitsPerSample),
        sampleRate: audio.sampleRate,
        channels: audio.channels,
      },
    },
  };
}

function rawAudio(
  bytes: Uint8Array,
  format: Extract<UploadFormat, { kind: 'raw' }>,
): AudioResult<EncodedAudio> {
  const whole = bytes.length - (bytes.length % format.channels);
  if (whole === 0) return rejected('invalidAudio', 'the upload is empty');
  return {
    ok: true,
    value: {
      encoding: format.encoding,
      bitsPerSample: 8,
      channels: format.channels,
      sampleRate: format.sampleRate,
      data: bytes.subarray(0, whole),
    },
  };
}

/** Rounds to 16-bit, clipping the overshoot a low-pass filter can add next to full scale. */
function toInt16(samples: ArrayLike<number>): Int16Array {
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const value = Math.round((samples[i] ?? 0) * 32768);
    pcm[i] = Math.min(32767, Math.max(-32768, value));
  }
  return pcm;
}

function formatName(format: UploadFormat, encoding: SampleEncoding, bits: number): string {
  return format.kind === 'raw' ? `raw-${encoding}` : `wav-${encoding}-${bits}`;
}

/** Bytes, with MiB beside them from 1 MiB up: exact where a limit is a byte away. */
function size(bytes: number): string {
  const mebibytes = bytes / (1024 * 1024);
  return mebibytes < 1 ? `${bytes} bytes` : `${bytes} bytes (${mebibytes.toFixed(1)} MiB)`;
}

/** Seconds to the ms, without trailing zeros: 360 s, 300.04 s. */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
