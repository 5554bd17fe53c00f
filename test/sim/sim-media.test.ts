import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaLibrary } from '../../src/sim/sim-media.js';

/** A PCM WAV header and `dataBytes` of silence. */
function wav(byteRate: number, dataBytes: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(byteRate / 2, 24);
  header.writeUInt32LE(byteRate, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([header, Buffer.alloc(dataBytes)]);
}

describe('the simulator media library', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sim-media-'));
    mkdirSync(path.join(dir, 'campaign'));
    writeFileSync(path.join(dir, 'campaign', 'consent.ulaw'), Buffer.alloc(16_000));
    writeFileSync(path.join(dir, 'voicemail.wav'), wav(16_000, 48_000));
    writeFileSync(path.join(dir, 'raw'), Buffer.alloc(4000));
    writeFileSync(path.join(dir, 'wide.sln16'), Buffer.alloc(64_000));
    writeFileSync(path.join(dir, 'short.gsm'), Buffer.alloc(1650));
    writeFileSync(path.join(dir, 'broken.wav'), Buffer.from('not a wave file'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('knows the stock sounds the traces play', () => {
    const media = createMediaLibrary({});
    expect(media.durationOf('sound:hello')).toBe(790);
    expect(media.durationOf('sound:beep')).toBe(430);
    expect(media.durationOf('sound:if-correct-press')).toBe(1970);
    expect(media.durationOf('sound:vm-intro')).toBe(5650);
  });

  it('measures files in the media folder by format', () => {
    const media = createMediaLibrary({ mediaDir: dir });
    expect(media.durationOf('sound:campaign/consent')).toBe(2000);
    expect(media.durationOf('sound:voicemail')).toBe(3000);
    expect(media.durationOf('sound:raw')).toBe(500);
    expect(media.durationOf('sound:wide')).toBe(2000);
    expect(media.durationOf('sound:short')).toBe(1000);
    expect(media.durationOf(`sound:${path.join(dir, 'campaign', 'consent')}`)).toBe(2000);
  });

  it('fails what Asterisk could not play: unknown names, bad headers, paths outside the folder, other schemes', () => {
    const media = createMediaLibrary({ mediaDir: dir });
    expect(media.durationOf('sound:does-not-exist')).toBeNull();
    expect(media.durationOf('sound:broken')).toBeNull();
    expect(media.durationOf('sound:../etc/passwd')).toBeNull();
    expect(media.durationOf('sound:/etc/hostname')).toBeNull();
    expect(media.durationOf('recording:voicemail')).toBeNull();
    expect(media.durationOf('sound:')).toBeNull();
  });
});
