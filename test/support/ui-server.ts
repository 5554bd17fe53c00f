import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { type Dialstate, startDialstate } from '../../src/main.js';
import { buildWebUi, launchChromium } from './browser.js';
import { createTempDir } from './store-fixtures.js';

/** A real server (embedded simulator) with the freshly built web UI, and a page on it. */
export interface UiServer {
  dialstate: Dialstate;
  browser: Browser;
  page: Page;
  /** Uncaught errors of the page, which a test expects to stay empty. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Builds the web UI (a stale dist/web would test yesterday's UI), starts dialstate on a
 * free port in a temporary data folder with `env` on top, and opens chromium on it.
 */
export async function startUiServer(env: Record<string, string> = {}): Promise<UiServer> {
  const dir = createTempDir();
  await buildWebUi();
  const dialstate = await startDialstate(
    loadConfig({ DIALSTATE_DATA_DIR: dir.path, DIALSTATE_HTTP_PORT: '0', ...env }),
    pino({ level: 'silent' }),
  );
  const browser = await launchChromium();
  const context = await browser.newContext({
    baseURL: dialstate.httpUrl,
    viewport: { width: 1366, height: 860 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    dialstate,
    browser,
    page,
    pageErrors,
    async close() {
      await browser.close();
      await dialstate.stop();
      dir.remove();
    },
  };
}
