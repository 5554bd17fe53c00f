import { existsSync } from 'node:fs';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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

const WEB_OUT = 'dist/web/index.html';
const BUILD_LOCK = 'dist/.web-build.lock';
/** A lock older than this was left by a test process that died while building. */
const STALE_LOCK_MS = 120_000;

/** Newest modification time (ms) of the files under `dir`. */
async function newestUnder(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

async function webUiIsStale(): Promise<boolean> {
  if (!existsSync(WEB_OUT)) return true;
  return (await newestUnder('web')) > (await stat(WEB_OUT)).mtimeMs;
}

/**
 * Builds the web UI into dist/web (where the server serves it from), as `npm run build`
 * does, when its sources are newer than the last build. The browser test files run in
 * parallel processes and their servers all serve dist/web: one builds under a lock file
 * while the others wait, and none empties dist/web while another's page is loading.
 */
export async function buildWebUi(): Promise<void> {
  await mkdir('dist', { recursive: true });
  for (;;) {
    let lock: Awaited<ReturnType<typeof open>>;
    try {
      lock = await open(BUILD_LOCK, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = await stat(BUILD_LOCK).catch(() => null);
      if (held !== null && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
        await rm(BUILD_LOCK, { force: true });
      }
      await sleep(200);
      continue;
    }
    try {
      if (await webUiIsStale()) {
        await build({ configFile: 'web/vite.config.ts', logLevel: 'error' });
      }
      return;
    } finally {
      await lock.close();
      await rm(BUILD_LOCK, { force: true });
    }
  }
}

/** Saves a full-page screenshot as test-results/ui-<name>.png (test-results/ is not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir('test-results', { recursive: true });
  await page.screenshot({ path: join('test-results', `ui-${name}.png`), fullPage: true });
}
