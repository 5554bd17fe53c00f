import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/fail-on-console-error.ts'],
    // PostgreSQL for the tests that ask for it, started on first use (see the file).
    globalSetup: ['test/support/postgres.ts', 'test/support/cli-bundle.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // A test file per core. vitest's default leaves one core to itself, which on a 2-core
    // machine runs the files one at a time (16 min); every test must hold on a loaded
    // machine anyway.
    maxWorkers: availableParallelism(),
  },
});
