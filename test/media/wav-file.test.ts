import { describe, expect, it } from 'vitest';
import type { AudioRejection } from '../../src/media/audio-rejection.js';
import { readWav } from '../../src/media/wav-file.js';
import { chunk, handmadeWav, sine, wavFile } from '../support/audio-fixtures.js';

const pcm16 = { format: 1, channels: 1, rate: 8000, bits: 16, data: new Uint8Array(1600) };

function rejection(bytes: Uint8Array): AudioRejection | undefined {
  const result = readWav(bytes);
  return result.ok ? undefined : result.rejection;
}

describe('reading a WAV upload', () => {
  it('reads the format and exactly the data chunk, skipping other chunks and pad bytes', () => {
    // An odd-sized LIST chunk before fmt: its pad byte must not shift what follows.
    const list = chunk('LIST', Buffer.from('INFOxyz'));
    const odd = new Uint8Array([1, 2, 3, 4, 5]);
    const wav = handmadeWav({
      format: 1,
      channels: 1,
      rate: 11025,
      bits: 8,
      data: odd,
      before: list,
    });
    const result = readWav(wav);
    if (!result.ok) throw new Error(result.rejection.message);
    const { data, ...format } = result.value;
    expect(format).toEqual({ encoding: 'pcm', bitsPerSample: 8, channels: 1, sampleRate: 11025 });
    expect([...data]).toEqual([...odd]);
  });

  it('reads what wavefile writes, with its fact chunk for float and G.711', () => {
    const tone = sine({ rate: 8000, seconds: 0.1, frequency: 440 });
    const expected = [
      ['32f', 'float', 32],
      ['8m', 'mulaw', 8],
      ['8a', 'alaw', 8],
      ['24', 'pcm', 24],
    ] as const;
    for (const [code, encoding, bitsPerSample] of expected) {
      const result = readWav(wavFile(8000, [tone, tone], code));
      expect(result.ok && result.value).toMatchObject({ encoding, bitsPerSample, channels: 2 });
      expect(result.ok && result.value.data.length).toBe((800 * 2 * bitsPerSample) / 8);
    }
  });

  it('lets a streamed data chunk (size unknown to its writer) run to the end of the file', () => {
    for (const placeholder of [0xffffffff, 0x7ffff000]) {
      const result = readWav(handmadeWav({ ...pcm16, dataSize: placeholder }));
      expect(result.ok && result.value.data.length).toBe(1600);
    }
  });

  it('drops a partial last frame', () => {
    const result = readWav(
      handmadeWav({ ...pcm16, channels: 2, bits: 16, data: new Uint8Array(1603) }),
    );
    expect(result.ok && result.value.data.length).toBe(1600);
  });

  it('says why a broken header is invalid', () => {
    const cases: [Uint8Array, string][] = [
      [Buffer.from('RIFF'), 'the file is 4 bytes, too short for a WAV header'],
      [
        handmadeWav({ ...pcm16, dataSize: 4000 }),
        'the "data" chunk declares 4000 bytes but only 1600 follow: the file is truncated or its header is corrupt',
      ],
      [
        handmadeWav({ ...pcm16, omitFmt: true }),
        'the WAV file has no "fmt " chunk before its audio',
      ],
      [handmadeWav({ ...pcm16, omitData: true }), 'the WAV file has no "data" chunk'],
      [handmadeWav({ ...pcm16, channels: 0 }), 'the WAV header says it has 0 channels'],
      [handmadeWav({ ...pcm16, rate: 0 }), 'the WAV header gives a sample rate of 0 Hz'],
      [
        handmadeWav({ ...pcm16, blockAlign: 4 }),
        "the WAV header's block align is 4 bytes, but 1 channel(s) of 16 bits take 2",
      ],
      [handmadeWav({ ...pcm16, data: new Uint8Array(0) }), 'the WAV file holds no audio'],
      [
        handmadeWav({ ...pcm16, omitFmt: true, before: chunk('fmt ', Buffer.alloc(12)) }),
        'the "fmt " chunk is 12 bytes; it needs 16',
      ],
    ];
    for (const [bytes, message] of cases) {
      expect(rejection(bytes)).toEqual({ reason: 'invalidAudio', message });
    }
  });

  it('refuses WAV encodings and layouts it does not convert', () => {
    const cases: [Uint8Array, string][] = [
      [
        handmadeWav({
          format: 0x11,
          channels: 1,
          rate: 8000,
          bits: 4,
          blockAlign: 256,
          data: new Uint8Array(512),
        }),
        'WAV audio encoded as IMA ADPCM',
      ],
      [handmadeWav({ ...pcm16, format: 0x1234 }), 'WAV audio encoded as format code 0x1234'],
      [
        handmadeWav({ ...pcm16, channels: 6, data: new Uint8Array(1200) }),
        'the WAV file has 6 channels; upload mono or stereo',
      ],
      [handmadeWav({ ...pcm16, bits: 12, blockAlign: 2 }), '12-bit PCM WAV audio'],
      [handmadeWav({ ...pcm16, format: 3 }), '16-bit floating-point WAV audio'],
      [handmadeWav({ ...pcm16, format: 0xfffe, subFormat: 0x55 }), 'WAV audio encoded as MP3'],
    ];
    for (const [bytes, start] of cases) {
      const found = rejection(bytes);
      expect(found?.reason).toBe('unsupportedType');
      expect(found?.message.startsWith(start)).toBe(true);
    }
    const rifx = Buffer.from(handmadeWav(pcm16));
    rifx.write('RIFX', 0, 'ascii');
    expect(rejection(rifx)?.message).toBe(
      'RIFX WAV files are not supported: save it as a standard (RIFF) WAV',
    );
    const avi = Buffer.from(handmadeWav(pcm16));
    avi.write('AVI ', 8, 'ascii');
    expect(rejection(avi)).toEqual({
      reason: 'unsupportedType',
      message: 'the file is a RIFF "AVI " file, not WAVE audio',
    });
  });
});
