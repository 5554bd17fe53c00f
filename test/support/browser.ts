import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';

/** Debian's chromium, which `.ci/run` installs; the browser tests drive it. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Launches headless chromium. Fails (never skips) when it is not installed, saying how
 * to install it: a browser test that cannot run must not pass.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the browser tests need chromium at ${CHROMIUM}; install it with: sudo apt-get install -y chromium`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
}

/** Builds the web UI into dist/web (where the server serves it from), as `npm run build` does. */
export async function buildWebUi(): Promise<void> {
  await build({ configFile: 'web/vite.config.ts', logLevel: 'error' });
}

/** Saves a full-page screenshot as test-results/ui-<name>.png (test-results/ is not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir('test-results', { recursive: true });
  await page.screenshot({ path: join('test-results', `ui-${name}.png`), fullPage: true });
}
