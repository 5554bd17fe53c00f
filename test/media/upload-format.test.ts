import { describe, expect, it } from 'vitest';
import { identifyUpload } from '../../src/media/upload-format.js';
import { handmadeWav } from '../support/audio-fixtures.js';

const wav = handmadeWav({ format: 1, channels: 1, rate: 8000, bits: 8, data: new Uint8Array(80) });
const bytes = (text: string) => Buffer.from(`${text}${'\0'.repeat(32)}`, 'latin1');

describe('identifying an upload', () => {
  it('takes a RIFF header as WAV whatever the declaration says', () => {
    for (const contentType of [
      undefined,
      'application/octet-stream',
      'audio/basic',
      'audio/x-wav',
    ]) {
      expect(identifyUpload(wav, { contentType, fileName: 'prompt.ulaw' })).toEqual({
        ok: true,
        value: { kind: 'wav' },
      });
    }
  });

  it('reads raw G.711 from its content type first, then its file extension', () => {
    const raw = new Uint8Array(160).fill(0xff);
    expect(identifyUpload(raw, { contentType: 'audio/x-alaw', fileName: 'x.ulaw' })).toEqual({
      ok: true,
      value: { kind: 'raw', encoding: 'alaw', sampleRate: 8000, channels: 1 },
    });
    expect(
      identifyUpload(raw, { contentType: 'application/octet-stream', fileName: 'x.ULAW' }),
    ).toEqual({
      ok: true,
      value: { kind: 'raw', encoding: 'mulaw', sampleRate: 8000, channels: 1 },
    });
    expect(identifyUpload(raw, { contentType: 'audio/PCMU; Rate=16000; channels=2' })).toEqual({
      ok: true,
      value: { kind: 'raw', encoding: 'mulaw', sampleRate: 16000, channels: 2 },
    });
  });

  it('refuses bad raw parameters', () => {
    const raw = new Uint8Array(160);
    expect(identifyUpload(raw, { contentType: 'audio/basic;rate=fast' })).toMatchObject({
      ok: false,
      rejection: { reason: 'invalidAudio' },
    });
    expect(identifyUpload(raw, { contentType: 'audio/basic;channels=3' })).toMatchObject({
      ok: false,
      rejection: {
        reason: 'unsupportedType',
        message: 'raw audio with 3 channels; upload mono or stereo',
      },
    });
  });

  it('names the formats people upload by mistake', () => {
    const cases: [Uint8Array, string][] = [
      [bytes('ID3\x04'), 'MP3'],
      [bytes('OggS'), 'Ogg (Vorbis or Opus)'],
      [bytes('fLaC'), 'FLAC'],
      [bytes('\0\0\0\x20ftypM4A '), 'MP4/M4A'],
      [bytes('\x1aE\xdf\xa3'), 'WebM/Matroska'],
      [bytes('.snd'), 'Sun/NeXT .au'],
    ];
    for (const [upload, name] of cases) {
      // Even declared as raw μ-law, as browsers declare .au files.
      const result = identifyUpload(upload, { contentType: 'audio/basic' });
      expect(result.ok || result.rejection.reason).toBe('unsupportedType');
      expect(result.ok || result.rejection.message).toMatch(
        new RegExp(`^${name.replace(/[.()/]/g, '\\$&')} audio is not supported; upload a WAV file`),
      );
    }
  });

  it('calls a declared WAV without a RIFF header invalid, and anything else unrecognised', () => {
    expect(identifyUpload(bytes('hello'), { contentType: 'audio/wav' })).toEqual({
      ok: false,
      rejection: {
        reason: 'invalidAudio',
        message: 'the upload is declared as WAV but has no RIFF header',
      },
    });
    expect(identifyUpload(bytes('hello'), { fileName: 'prompt.WAV' })).toMatchObject({
      ok: false,
      rejection: { reason: 'invalidAudio' },
    });
    const unknown = identifyUpload(bytes('hello'), {
      contentType: 'text/plain; charset=utf-8',
      fileName: '../../etc/passwd.txt',
    });
    expect(unknown.ok || unknown.rejection.reason).toBe('unsupportedType');
    expect(unknown.ok || unknown.rejection.message).toMatch(
      /^unrecognised audio \(type text\/plain, extension \.txt\); upload a WAV file/,
    );
    const bare = identifyUpload(bytes('hello'), {});
    expect(bare.ok || bare.rejection.message).toMatch(/^unrecognised audio; upload/);
  });
});
