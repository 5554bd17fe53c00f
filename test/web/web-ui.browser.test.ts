import { pino } from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type Dialstate, startDialstate } from '../../src/main.js';
import { sine, wavFile } from '../support/audio-fixtures.js';
import { buildWebUi, launchChromium, screenshot } from '../support/browser.js';
import { createTempDir, type TempDir } from '../support/store-fixtures.js';

/**
 * The web UI in a real browser against a real server whose PBX is the embedded
 * simulator, fast (time scale 0.02): the last two digits of a number pick its far end.
 */
const LEADS_CSV = [
  'phone,name',
  '+14155550101,Lead human',
  '+14155550104,Lead machine',
  '+14155550107,Lead busy',
  '+14155550109,Lead congestion',
  '+14155550110,Lead invalid',
  'call me maybe,Lead broken',
  '+14155550101,Lead twice',
].join('\n');

const EXPECTED_OUTCOMES: Record<string, string> = {
  'Lead human': 'answered_human',
  'Lead machine': 'machine_detected',
  'Lead busy': 'busy',
  'Lead congestion': 'congestion',
  'Lead invalid': 'invalid_number',
};

let dir: TempDir;
let dialstate: Dialstate;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  dir = createTempDir();
  // Built first: a stale dist/web would test yesterday's UI.
  await buildWebUi();
  dialstate = await startDialstate(
    loadConfig({
      DIALSTATE_DATA_DIR: dir.path,
      DIALSTATE_HTTP_PORT: '0',
      DIALSTATE_SIM_TIME_SCALE: '0.02',
    }),
    pino({ level: 'silent' }),
  );
  browser = await launchChromium();
  context = await browser.newContext({
    baseURL: dialstate.httpUrl,
    viewport: { width: 1366, height: 860 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dialstate?.stop();
  dir?.remove();
});

const row = (name: string) =>
  page.locator('tr.lead-row', { has: page.getByRole('link', { name, exact: true }) });

describe('web UI in a browser', () => {
  it('opens on an empty campaign list, under the simulator banner', async () => {
    await page.goto('/');
    await page.getByText('No campaigns yet.').waitFor();
    await page.locator('[data-sim-banner]').waitFor();
    expect(await page.locator('[data-sim-banner]').textContent()).toContain('No real calls');
    expect(await page.getByRole('status').first().textContent()).toBeDefined();
    await screenshot(page, 'campaigns-empty');
  });

  it('creates a campaign, showing the API’s refusals next to their fields first', async () => {
    await page.getByRole('link', { name: 'Create one' }).click();
    // The form starts from the server's defaults (GET /api/meta), AMD's included.
    await page.getByLabel('Name', { exact: true }).waitFor();
    expect(await page.getByLabel('Ring timeout').inputValue()).toBe('30');
    await page.getByText('Answering-machine detection (advanced)').click();
    await page.getByLabel('Initial silence').fill('1234');
    await page.getByRole('button', { name: 'Reset AMD to defaults' }).click();
    expect(await page.getByLabel('Initial silence').inputValue()).toBe('2000');
    await page.getByRole('definition').filter({ hasText: 'E.164 without the +' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Browser campaign');
    await page.getByLabel('Time zone').fill('UTC');
    await page.getByLabel('From').fill('00:00');
    await page.getByLabel('Until').fill('00:00');
    for (const day of ['Sat', 'Sun']) await page.getByLabel(day, { exact: true }).check();
    await page.getByLabel('Calls at once').fill('5');
    await page.getByLabel('Least time between call starts').fill('0');
    await page.getByLabel('Ring timeout').fill('2');
    await page.getByRole('button', { name: 'Create campaign' }).click();

    // 2 s is under the API's minimum: its message sits under the field, nothing is created.
    const ringErrors = page.locator('#field-ringTimeoutSec-errors');
    await ringErrors.waitFor();
    expect(await ringErrors.textContent()).toMatch(/5/);
    expect(await page.getByLabel('Ring timeout').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'editor-errors');

    await page.getByLabel('Ring timeout').fill('20');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { level: 1, name: 'Browser campaign' }).waitFor();
    await page.getByText('No leads yet').waitFor();
  });

  it('imports a CSV and reports counts, errors and warnings', async () => {
    await page.getByRole('button', { name: 'Import leads' }).click();
    await page.getByLabel('CSV or Excel (.xlsx) file (or drop it here)').setInputFiles({
      name: 'leads.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(LEADS_CSV),
    });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Import finished').waitFor();
    const count = (label: string) => page.locator(`[data-import-count="${label}"]`).textContent();
    expect(await count('new leads')).toBe('5');
    expect(await count('rejected')).toBe('1');
    expect(await page.locator('table.issues').first().textContent()).toContain('call me maybe');
    expect(await page.getByText('Warnings (imported with a fallback)').count()).toBe(1);
    await page.getByRole('button', { name: 'Download the rejected rows (CSV)' }).waitFor();
    await screenshot(page, 'import-result');
    await page.getByRole('button', { name: 'Close' }).click();
    await row('Lead human').waitFor();
    expect(await page.locator('tr.lead-row').count()).toBe(5);
  });

  it('starts the campaign and shows every lead reach its outcome live', async () => {
    await page.evaluate('window.__notReloaded = true');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByRole('button', { name: 'Start dialing' }).click();
    await page.getByText('running', { exact: true }).first().waitFor();
    for (const [name, outcome] of Object.entries(EXPECTED_OUTCOMES)) {
      await row(name).locator(`td[data-outcome="${outcome}"]`).waitFor({ timeout: 20_000 });
    }
    await page.locator('[data-counter="done today"]', { hasText: '5' }).waitFor();
    // One person answered and was attended in time: no abandoned call.
    await page.locator('[data-abandon-window="24h"]', { hasText: '0 % (0 of 1)' }).waitFor();
    await page.locator('[data-abandon-window="30d"]', { hasText: '0 % (0 of 1)' }).waitFor();
    expect(await row('Lead human').locator('td').nth(5).textContent()).toBe('HUMAN');
    expect(await page.evaluate('window.__notReloaded')).toBe(true);
    await screenshot(page, 'campaign-done');
  });

  it('opens a lead’s call timeline with its states and events, and follows a redial live', async () => {
    await row('Lead human').getByRole('link', { name: 'Lead human' }).click();
    const first = page.locator('article.attempt').first();
    await first.locator('[data-span-state="screening"]').waitFor();
    const spans = await first
      .locator('[data-span-state]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-span-state')));
    // The hand-off is requested, then confirmed: the call entered the AI's dialplan and
    // settled there before talking counted.
    expect(spans).toEqual(
      expect.arrayContaining([
        'dialing.ringing',
        'screening',
        'handingOff.requested',
        'handingOff.entering',
        'handingOff.settling',
        'talking',
      ]),
    );
    const events = (await first.locator('table.events').textContent()) ?? '';
    expect(events).toContain('answered');
    expect(events).toMatch(/AMD HUMAN \(HUMAN-\d+-\d+\)/);
    expect(events).toContain('hung up');
    await screenshot(page, 'timeline');

    await page.evaluate('window.__notReloaded = true');
    await page.getByRole('button', { name: 'Redial Lead human' }).click();
    await page.getByRole('heading', { name: /^Attempt 2 ·/ }).waitFor({ timeout: 20_000 });
    await page
      .locator('article.attempt', { hasText: 'Attempt 2' })
      .locator('[data-attempt-outcome]', { hasText: 'human, handed off' })
      .waitFor({ timeout: 20_000 });
    expect(await page.evaluate('window.__notReloaded')).toBe(true);
  });

  it('uploads a recording and plays it in the browser', async () => {
    await page.getByRole('link', { name: 'Recordings' }).click();
    const tone = wavFile(16_000, [sine({ rate: 16_000, seconds: 0.6, frequency: 440 })], '16');
    await page.getByLabel('Audio file').setInputFiles({
      name: 'tone.wav',
      mimeType: 'audio/wav',
      buffer: Buffer.from(tone),
    });
    await page.getByLabel('Name (optional: the file name otherwise)').fill('Test tone');
    await page.getByRole('button', { name: 'Upload' }).click();
    const audio = page.locator('tr', { hasText: 'Test tone' }).locator('audio');
    await audio.waitFor();
    const played = await audio.evaluate(
      (el) =>
        new Promise((resolve, reject) => {
          el.addEventListener('ended', () => resolve(el.duration), { once: true });
          el.addEventListener('error', () => reject(new Error('the audio did not play')));
          el.play().catch(reject);
        }),
    );
    expect(played).toBeCloseTo(0.6, 1);
    await screenshot(page, 'recordings');
  });

  it('copies the rendered dialplan from the setup guide', async () => {
    await page.getByRole('link', { name: 'Setup' }).click();
    await page.getByRole('button', { name: 'Copy the dialplan' }).click();
    await page.locator('[data-copy-status]', { hasText: 'Copied' }).waitFor();
    const copied = await page.evaluate('navigator.clipboard.readText()');
    const served = (await (await fetch(`${dialstate.httpUrl}/api/setup/dialplan`)).json()) as {
      text: string;
    };
    expect(copied).toBe(served.text);
    expect(copied).toContain('[aava-outbound-amd]');
    await page.locator('[data-check-id]').first().waitFor();
    await screenshot(page, 'setup');
  });

  it('lists a number added to the do-not-call list', async () => {
    await page.getByRole('link', { name: 'Do-not-call' }).click();
    await page.getByLabel('Number', { exact: true }).fill('+1 415 555 0199');
    await page.getByLabel('Reason (optional)').fill('asked us');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.locator('tr[data-dnc-phone="+14155550199"]').waitFor();
    await screenshot(page, 'dnc');
    expect(pageErrors).toEqual([]);
  });
});
