import { defineConfig } from 'vitest/config';

/**
 * `npm run test:package`: builds, packs and installs the npm package globally into a
 * temporary prefix, then runs the installed command. Minutes long (better-sqlite3
 * compiles from source where no prebuilt binary can be fetched), so not part of `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/deploy/npm-package.package-test.ts'],
    setupFiles: ['test/support/fail-on-console-error.ts'],
    testTimeout: 15 * 60_000,
    // Removing the installed prefix (thousands of files) takes a while on a busy machine.
    hookTimeout: 5 * 60_000,
    pool: 'forks',
  },
});
