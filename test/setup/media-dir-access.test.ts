import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkMediaDirAccess } from '../../src/setup/media-dir-access.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'dialstate-media-'));
});

afterEach(async () => {
  await chmod(root, 0o700);
  await rm(root, { recursive: true, force: true });
});

describe('checkMediaDirAccess', () => {
  it('accepts a folder others may enter', async () => {
    const dir = path.join(root, 'media');
    await mkdir(dir);
    await chmod(dir, 0o2775);
    expect(await checkMediaDirAccess(dir)).toEqual({ ok: true, ownerOnly: false });
  });

  it('flags a folder only its owner may enter', async () => {
    const dir = path.join(root, 'private');
    await mkdir(dir);
    await chmod(dir, 0o700);
    expect(await checkMediaDirAccess(dir)).toEqual({ ok: true, ownerOnly: true });
  });

  it('reports a missing folder', async () => {
    const dir = path.join(root, 'nope');
    expect(await checkMediaDirAccess(dir)).toEqual({
      ok: false,
      reason: 'missing',
      message: `${dir} does not exist`,
    });
  });

  it('reports a file where the folder should be', async () => {
    const file = path.join(root, 'file');
    await writeFile(file, '');
    expect(await checkMediaDirAccess(file)).toMatchObject({ ok: false, reason: 'notDirectory' });
  });
});
