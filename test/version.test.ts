import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DIALSTATE_VERSION } from '../src/version.js';

it('names the version package.json has', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  expect(DIALSTATE_VERSION).toBe(pkg.version);
});
