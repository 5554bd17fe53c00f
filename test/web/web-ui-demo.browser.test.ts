import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../support/browser.js';
import { startUiServer, type UiServer } from '../support/ui-server.js';

/**
 * A first start: no campaigns, the PBX the embedded simulator. One click on the empty
 * campaigns page must show the whole product working: a campaign made, filled, started,
 * and every kind of call reaching its outcome live.
 */
const EXPECTED_OUTCOMES: Record<string, string> = {
  'Ada (accepts)': 'answered_human',
  'Brian (declines)': 'consent_denied',
  // At the test's time scale the silent callee's 60 s of patience lasts 1.2 s, shorter
  // than the dialer's (unscaled) 8 s consent timeout: she hangs up first. At scale 1,
  // as `npm start` runs, the timeout comes first: `consent_timeout`.
  'Chloe (stays silent)': 'abandoned',
  'Dev (voicemail)': 'voicemail_dropped',
  'Emma (busy)': 'busy',
  'Farid (no answer)': 'no_answer',
  'Gus (congestion)': 'congestion',
  'Hana (invalid number)': 'invalid_number',
};

let session: UiServer;
let page: Page;

beforeAll(async () => {
  session = await startUiServer({ DIALSTATE_SIM_TIME_SCALE: '0.02' });
  page = session.page;
}, 120_000);

afterAll(async () => {
  await session?.close();
});

const row = (name: string) =>
  page.locator('tr.lead-row', { has: page.getByRole('link', { name, exact: true }) });

describe('the demo campaign of a first start', () => {
  it('runs eight kinds of call to their outcomes from one click', async () => {
    await page.goto('/');
    await page.getByText('No campaigns yet.').waitFor();
    await page.getByRole('button', { name: 'Start a demo campaign' }).click();
    await page.waitForURL(/\/campaigns\/[^/]+$/);
    await page.getByRole('heading', { name: 'Demo — simulated calls', level: 1 }).waitFor();
    const outcomes: Record<string, string | null> = {};
    for (const name of Object.keys(EXPECTED_OUTCOMES)) {
      // No answer waits out the 20 s ring timeout, which the simulator does not shorten.
      const cell = row(name).locator('td[data-outcome]:not([data-outcome=""])');
      await cell.waitFor({ timeout: 40_000 });
      outcomes[name] = await cell.getAttribute('data-outcome');
    }
    expect(outcomes).toEqual(EXPECTED_OUTCOMES);
    await page.getByText('completed', { exact: true }).first().waitFor({ timeout: 10_000 });
    await screenshot(page, 'demo-campaign');
    expect(session.pageErrors).toEqual([]);
  }, 90_000);
});
