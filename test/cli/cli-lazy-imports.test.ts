import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const CLI = readFileSync(new URL('../../src/cli.ts', import.meta.url), 'utf8');

describe('the dialstate command', () => {
  it('loads a subcommand only when it runs, so --help and small commands start lean', () => {
    // A static import of a command module would load the server (or the import pipeline)
    // before `--help` is even read: 131 MB of RSS for --help instead of 43 MB.
    const staticImports = [...CLI.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map(
      (match) => match[1],
    );
    expect(staticImports).toEqual(['node:util']);
    for (const command of [
      'serve',
      'migrate',
      'doctor',
      'sim',
      'backup',
      'replay',
      'import',
      'dnc',
    ]) {
      expect(CLI).toContain(`import('./cli/${command}-command.js')`);
    }
  });
});
