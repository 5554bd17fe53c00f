import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../support/browser.js';
import { startUiServer, type UiServer } from '../support/ui-server.js';

/**
 * The web UI against a server that wants an API token (DIALSTATE_API_TOKEN): it asks for
 * the token instead of retrying, then follows the live feed with it, background lead
 * imports included.
 */
const TOKEN = 'browser-test-token-0123456789';

/** Over the 1 MiB the API imports in the request: this one runs in the background. */
function largeCsv(rows: number): string {
  let text = 'phone,name\n';
  for (let n = 0; n < rows; n++) text += `+1415${2_000_000 + n},Background lead ${n}\n`;
  return text;
}

let ui: UiServer;
let page: Page;
/** Every request the page made to the live feed. */
const eventRequests: string[] = [];

beforeAll(async () => {
  ui = await startUiServer({ DIALSTATE_API_TOKEN: TOKEN });
  await fetch(`${ui.dialstate.httpUrl}/api/campaigns`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Token campaign', timezone: 'UTC' }),
  });
  page = ui.page;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/events') eventRequests.push(request.url());
  });
}, 60_000);

afterAll(async () => {
  await ui?.close();
});

const indicator = () => page.locator('header .live-indicator');

describe('web UI with an API token', () => {
  it('asks for the token, and stops retrying the live feed until it has one', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'This server needs an API token' }).waitFor();
    await indicator().filter({ hasText: 'token needed' }).waitFor();
    const asked = eventRequests.length;
    // Retrying on a 401 would ask again after 1 s, 2 s…
    await page.waitForTimeout(2_500);
    expect(eventRequests.length).toBe(asked);
    await screenshot(page, 'token-prompt');
  });

  it('asks again when the token entered is refused', async () => {
    await page.getByLabel('Token (DIALSTATE_API_TOKEN on the server)').fill('not-the-token');
    await page.getByRole('button', { name: 'Use this token' }).click();
    await page.getByText('The token saved in this browser was refused.').waitFor();
    await indicator().filter({ hasText: 'token needed' }).waitFor();
    const asked = eventRequests.length;
    await page.waitForTimeout(2_500);
    expect(eventRequests.length).toBe(asked);
  });

  it('shows the campaigns with the live feed connected once the right token is in', async () => {
    await page.getByLabel('Token (DIALSTATE_API_TOKEN on the server)').fill(TOKEN);
    await page.getByRole('button', { name: 'Use this token' }).click();
    await page.getByRole('link', { name: 'Token campaign' }).waitFor();
    await indicator().filter({ hasText: 'live' }).waitFor();
    expect(await page.getByText('This server needs an API token').count()).toBe(0);
  });

  it('follows a background import live and refreshes the leads after the dialog is closed', async () => {
    await page.getByRole('link', { name: 'Token campaign' }).click();
    await page.getByText('No leads yet').waitFor();
    await page.getByRole('button', { name: 'Import leads' }).click();
    await page.getByLabel('CSV or Excel (.xlsx) file (or drop it here)').setInputFiles({
      name: 'large.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(largeCsv(150_000)),
    });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    // Progress comes from `import` events; close while the import still runs (some
    // seconds for 150,000 rows), so that only the live feed can tell the table.
    await page.getByText(/^Importing \(/).waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    // Whether the import was still running at that moment depends on the machine's
    // load (it usually is: the rows then come only through the live feed's `import`
    // event); either way the table must fill without a reload.
    await page.locator('tr.lead-row').first().waitFor({ timeout: 60_000 });
    expect(await page.getByText('No leads yet').count()).toBe(0);

    // Another import in the same dialog session: the button is usable again.
    await page.getByRole('button', { name: 'Import leads' }).click();
    await page.getByLabel('CSV or Excel (.xlsx) file (or drop it here)').setInputFiles({
      name: 'more.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(largeCsv(60_000).replaceAll('+1415', '+1212')),
    });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Import finished').waitFor({ timeout: 60_000 });
    const count = (label: string) => page.locator(`[data-import-count="${label}"]`).textContent();
    expect(await count('new leads')).toBe('60,000');
    await page.getByText('Imported 60,000 new leads into Token campaign').waitFor();
    expect(await page.getByRole('button', { name: 'Import', exact: true }).isEnabled()).toBe(true);
    await screenshot(page, 'background-import');
    await page.getByRole('button', { name: 'Close' }).click();
    expect(ui.pageErrors).toEqual([]);
  }, 120_000);

  it('keeps a screenful of rows in the DOM while scrolling far into 210,000 leads', async () => {
    const rows = page.locator('tr.lead-row');
    expect(await rows.count()).toBeLessThan(60);
    // Scrolled towards the 1,000th lead: pages of 200 load as the end nears, and the
    // rows on screen are the ones at that offset (aria-rowindex counts the header too).
    await expect
      .poll(
        () =>
          page.evaluate(`(() => {
            const scroller = document.querySelector('section.table-scroll');
            scroller.scrollTop = Math.min(36 * 1000, scroller.scrollHeight);
            return document.querySelector('tr.lead-row[aria-rowindex="1002"]') !== null;
          })()`),
        { timeout: 30_000 },
      )
      .toBe(true);
    expect(await rows.count()).toBeLessThan(60);
  });

  it('shows the API docs page without the token, with nothing fetched from the internet', async () => {
    const docs = await ui.browser.newPage();
    const elsewhere: string[] = [];
    // A PBX's network: only the server itself answers.
    await docs.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === ui.dialstate.httpUrl) return route.continue();
      elsewhere.push(url.href);
      return route.abort();
    });
    await docs.goto(`${ui.dialstate.httpUrl}/api/docs`);
    await docs.locator('.swagger-ui .info .title', { hasText: 'dialstate API' }).waitFor();
    await docs.getByText('/campaigns/{id}/leads/import').first().waitFor();
    expect(elsewhere).toEqual([]);
    await docs.close();
  });
});
