import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { shippedPromptsDir } from '../src/media/shipped-prompts.js';
import { packageRoot } from '../src/package-root.js';

const REPO = path.resolve(import.meta.dirname, '..');

let scratch: string | undefined;
afterEach(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

/** A module URL at `relative` under a fresh folder (the folders are made, not the file). */
function moduleIn(root: string, relative: string): string {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  return pathToFileURL(file).href;
}

describe('packageRoot', () => {
  it('finds the nearest folder with a package.json above a module at any depth', () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'dialstate-root-'));
    writeFileSync(path.join(scratch, 'package.json'), '{}');
    for (const relative of [
      'src/media/shipped-prompts.js',
      'dist/src/chunk-ABC.js',
      'node_modules/.cache/dialstate-test-cli/0123/src/chunk-ABC.js',
    ]) {
      expect(packageRoot(moduleIn(scratch, relative)), relative).toBe(scratch);
    }
  });

  it("answers the module's own folder when no package.json is above it", () => {
    scratch = mkdtempSync(path.join('/', 'tmp', 'dialstate-noroot-'));
    const url = moduleIn(scratch, 'a/b/module.js');
    // /tmp itself has none on any machine these tests run on; the walk ends at /.
    expect(packageRoot(url)).toBe(path.join(scratch, 'a/b'));
  });

  it('puts the shipped prompts at assets/prompts of this package', () => {
    expect(shippedPromptsDir()).toBe(path.join(REPO, 'assets', 'prompts'));
  });
});
