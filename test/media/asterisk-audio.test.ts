import { describe, expect, it } from 'vitest';
import { type ConvertedAudio, convertForAsterisk } from '../../src/media/asterisk-audio.js';
import type { DeclaredType } from '../../src/media/upload-format.js';
import {
  type BitDepthCode,
  decodeUlaw,
  decodeWav,
  encodeG711,
  handmadeWav,
  mix,
  sine,
  toneAmplitude,
  wavFile,
} from '../support/audio-fixtures.js';

function converted(bytes: Uint8Array, declared: DeclaredType = {}): ConvertedAudio {
  const result = convertForAsterisk(bytes, declared);
  if (!result.ok) throw new Error(`rejected: ${result.rejection.message}`);
  return result.value;
}

/** Checks what Asterisk gets and what browsers get, decoded back, against the input. */
function expectTelephonyAudio(audio: ConvertedAudio, seconds: number, frequency: number) {
  const preview = decodeWav(audio.previewWav);
  expect(preview).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16 });
  expect(audio.ulaw.length).toBe(preview.samples.length);
  expect(Math.abs(audio.durationMs - seconds * 1000)).toBeLessThanOrEqual(3);
  expect(audio.durationMs).toBe(Math.round(audio.ulaw.length / 8));
  // The tone is still there at its frequency and level, in both files.
  for (const samples of [preview.samples, decodeUlaw(audio.ulaw)]) {
    expect(toneAmplitude(samples, 8000, frequency)).toBeCloseTo(0.5, 1);
    expect(toneAmplitude(samples, 8000, frequency * 1.1)).toBeLessThan(0.02);
  }
}

describe('converting uploads for Asterisk', () => {
  const cases: [BitDepthCode, number, number][] = [
    ['8', 11025, 1],
    ['16', 44100, 1],
    ['16', 8000, 2],
    ['24', 48000, 1],
    ['32', 96000, 2],
    ['32f', 22050, 1],
    ['64', 16000, 1],
    ['8m', 8000, 1],
    ['8a', 8000, 2],
    ['16', 4000, 1],
  ];

  it.each(cases)(
    'converts %s-bit WAV at %i Hz with %i channel(s) to 8 kHz mono μ-law',
    (bitDepth, rate, channels) => {
      const tone = sine({ rate, seconds: 1.5, frequency: 1000 });
      const audio = converted(wavFile(rate, Array(channels).fill(tone), bitDepth));
      expectTelephonyAudio(audio, 1.5, 1000);
      expect(audio.source).toMatchObject({ sampleRate: rate, channels });
    },
  );

  it('reads WAVE_FORMAT_EXTENSIBLE PCM and float as what their sub-format says', () => {
    const tone = sine({ rate: 48000, seconds: 1.5, frequency: 1000 });
    const float = Buffer.from(Float32Array.from(tone).buffer);
    const extensibleFloat = handmadeWav({
      format: 0xfffe,
      subFormat: 3,
      channels: 1,
      rate: 48000,
      bits: 32,
      data: float,
    });
    expectTelephonyAudio(converted(extensibleFloat), 1.5, 1000);
    const pcm = Buffer.from(Int16Array.from(tone, (s) => Math.round(s * 32767)).buffer);
    const extensiblePcm = handmadeWav({
      format: 0xfffe,
      subFormat: 1,
      channels: 1,
      rate: 48000,
      bits: 16,
      data: pcm,
    });
    const audio = converted(extensiblePcm);
    expectTelephonyAudio(audio, 1.5, 1000);
    expect(audio.source.format).toBe('wav-pcm-16');
  });

  it('converts raw μ-law and A-law declared by content type or file extension', () => {
    const tone = sine({ rate: 8000, seconds: 1.5, frequency: 1000 });
    const ulaw = encodeG711(tone, 'mulaw');
    const alaw = encodeG711(tone, 'alaw');
    const declarations: [Uint8Array, DeclaredType][] = [
      [ulaw, { contentType: 'audio/basic' }],
      [ulaw, { contentType: 'audio/PCMU; rate=8000' }],
      [ulaw, { contentType: 'application/octet-stream', fileName: 'C:\\prompts\\hello.ULAW' }],
      [alaw, { contentType: 'audio/x-alaw' }],
      [alaw, { fileName: 'greeting.alaw' }],
    ];
    for (const [bytes, declared] of declarations) {
      expectTelephonyAudio(converted(bytes, declared), 1.5, 1000);
    }
    // μ-law 8 kHz in, μ-law 8 kHz out: the bytes Asterisk gets are the ones uploaded.
    expect(converted(ulaw, { contentType: 'audio/basic' }).ulaw).toEqual(ulaw);
  });

  it('resamples raw μ-law whose content type gives another rate', () => {
    const tone = sine({ rate: 16000, seconds: 1.5, frequency: 1000 });
    const audio = converted(encodeG711(tone, 'mulaw'), { contentType: 'audio/PCMU;rate=16000' });
    expectTelephonyAudio(audio, 1.5, 1000);
  });

  it('downmixes stereo by averaging the channels', () => {
    const left = sine({ rate: 44100, seconds: 1.5, frequency: 1000 });
    const right = sine({ rate: 44100, seconds: 1.5, frequency: 1500, amplitude: 0.3 });
    const audio = converted(wavFile(44100, [left, right], '16'));
    const samples = decodeWav(audio.previewWav).samples;
    expect(toneAmplitude(samples, 8000, 1000)).toBeCloseTo(0.25, 2);
    expect(toneAmplitude(samples, 8000, 1500)).toBeCloseTo(0.15, 2);
  });

  it('filters what lies above 4 kHz before downsampling instead of folding it into the speech band', () => {
    const speech = sine({ rate: 48000, seconds: 1.5, frequency: 1000, amplitude: 0.3 });
    // Without a low-pass filter, 6 kHz at 48 kHz lands on 2 kHz at 8 kHz.
    const hiss = sine({ rate: 48000, seconds: 1.5, frequency: 6000, amplitude: 0.3 });
    const samples = decodeWav(
      converted(wavFile(48000, [mix(speech, hiss)], '16')).previewWav,
    ).samples;
    expect(toneAmplitude(samples, 8000, 1000)).toBeCloseTo(0.3, 1);
    expect(toneAmplitude(samples, 8000, 2000)).toBeLessThan(0.003);
  });

  it('clips rather than wraps audio at full scale', () => {
    const loud = sine({ rate: 44100, seconds: 1.5, frequency: 3000, amplitude: 1 });
    const samples = decodeWav(converted(wavFile(44100, [loud], '32f')).previewWav).samples;
    expect(Math.max(...samples)).toBeLessThanOrEqual(1);
    expect(toneAmplitude(samples, 8000, 3000)).toBeGreaterThan(0.9);
  });
});

describe('the limits of an upload', () => {
  it('refuses more bytes than the limit as tooLarge, before reading them', () => {
    const bytes = new Uint8Array(2001);
    const result = convertForAsterisk(
      bytes,
      { contentType: 'audio/basic' },
      {
        maxBytes: 2000,
        maxDurationMs: 60_000,
      },
    );
    expect(result).toEqual({
      ok: false,
      rejection: {
        reason: 'tooLarge',
        message: 'the upload is 2001 bytes; the limit is 2000 bytes',
      },
    });
  });

  it('refuses more than 32 MiB by default', () => {
    const result = convertForAsterisk(new Uint8Array(32 * 1024 * 1024 + 1), {
      contentType: 'audio/basic',
    });
    expect(result.ok || result.rejection).toEqual({
      reason: 'tooLarge',
      message: 'the upload is 33554433 bytes (32.0 MiB); the limit is 33554432 bytes (32.0 MiB)',
    });
  });

  it('refuses a recording longer than the limit as tooLong, from its header', () => {
    // Six minutes of 8-bit 8 kHz: 2.9 MB, within the size limit, over the five minutes.
    const wav = handmadeWav({
      format: 1,
      channels: 1,
      rate: 8000,
      bits: 8,
      data: new Uint8Array(8000 * 360),
    });
    const result = convertForAsterisk(wav, {});
    expect(result).toEqual({
      ok: false,
      rejection: {
        reason: 'tooLong',
        message: 'the recording plays 360 s; the limit is 300 s',
      },
    });
  });

  it('refuses sample rates outside 4 to 192 kHz as unsupported', () => {
    for (const rate of [2000, 384000]) {
      const wav = handmadeWav({
        format: 1,
        channels: 1,
        rate,
        bits: 16,
        data: new Uint8Array(4000),
      });
      const result = convertForAsterisk(wav, {});
      expect(result.ok || result.rejection).toEqual({
        reason: 'unsupportedType',
        message: `a sample rate of ${rate} Hz; upload 4000 to 192000 Hz`,
      });
    }
  });

  it('refuses audio too short to give one 8 kHz sample', () => {
    const wav = handmadeWav({
      format: 1,
      channels: 1,
      rate: 48000,
      bits: 16,
      data: new Uint8Array(4),
    });
    const result = convertForAsterisk(wav, {});
    expect(result.ok || result.rejection.reason).toBe('invalidAudio');
  });
});
