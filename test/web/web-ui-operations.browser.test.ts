import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialstate } from '../../src/main.js';
import { sine, wavFile } from '../support/audio-fixtures.js';
import { screenshot } from '../support/browser.js';
import { startUiServer, type UiServer } from '../support/ui-server.js';

/**
 * What an operator does with campaigns, leads, recordings and do-not-call lists in the
 * web UI, on a laptop-sized screen (1366×768), against a real server whose PBX is the
 * embedded simulator: the last two digits of a number pick its far end.
 */
const LEADS_CSV = [
  'phone,name',
  '+12125550101,Hana Human',
  '+12125550104,Max Machine',
  '+12125550107,Bea Busy',
  '+12125550109,Cole Congestion',
  '+12125550110,Ivo Invalid',
].join('\n');

let session: UiServer;
let dialstate: Dialstate;
let page: Page;
let opsId: string;

async function api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${dialstate.httpUrl}/api${path}`, init);
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}
const post = <T>(path: string, body: unknown) =>
  api<T>(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

type LeadRow = { id: string; name: string; state: string; attempts: number };
async function leadsOf(campaignId: string): Promise<LeadRow[]> {
  const page = await api<{ leads: LeadRow[] }>(`/campaigns/${campaignId}/leads?limit=200`);
  if (page.status !== 200) throw new Error(`leads: ${JSON.stringify(page.body)}`);
  return page.body.leads;
}

/** A campaign that dials at once, with the five leads dialed once each and then paused. */
async function seedDialedCampaign(): Promise<string> {
  const created = await post<{ id: string }>('/campaigns', {
    name: 'Ops campaign',
    timezone: 'UTC',
    window: { start: '00:00', end: '00:00', days: [1, 2, 3, 4, 5, 6, 7] },
    maxConcurrent: 5,
    minIntervalMs: 0,
  });
  if (created.status !== 201) throw new Error(`campaign: ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  await api(`/campaigns/${id}/leads/import`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: LEADS_CSV,
  });
  await post(`/campaigns/${id}/start`, {});
  // expect.poll belongs to tests; this runs before them.
  const deadline = Date.now() + 20_000;
  while (!(await leadsOf(id)).every((l) => l.attempts === 1 && l.state !== 'dialing')) {
    if (Date.now() > deadline) throw new Error('the seeded leads were not all dialed in 20 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Paused: busy and congestion stay pending (due again in minutes) and nothing redials.
  await post(`/campaigns/${id}/pause`, {});
  return id;
}

beforeAll(async () => {
  session = await startUiServer({ DIALSTATE_SIM_TIME_SCALE: '0.02' });
  dialstate = session.dialstate;
  page = session.page;
  // A laptop's screen.
  await page.setViewportSize({ width: 1366, height: 768 });
  opsId = await seedDialedCampaign();
}, 60_000);

afterAll(async () => {
  await session?.close();
});

const row = (name: string) =>
  page.locator('tr.lead-row', { has: page.getByRole('link', { name, exact: true }) });
const shownNames = () => page.locator('tr.lead-row td:first-child a').allTextContents();
// Strings: the tests are type-checked without the DOM's types.
const focusedText = () =>
  page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''");
const focusedName = () =>
  page.evaluate<string>("document.activeElement?.getAttribute('aria-label') ?? ''");
const focusedId = () => page.evaluate<string>("document.activeElement?.id ?? ''");

describe('web UI operations in a browser', () => {
  it('creates a campaign with the keyboard alone', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    for (let i = 0; i < 20 && (await focusedText()) !== 'New campaign'; i++) {
      await page.keyboard.press('Tab');
    }
    expect(await focusedText()).toBe('New campaign');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'New campaign' }).waitFor();
    for (let i = 0; i < 20; i++) {
      if ((await focusedId()) === 'field-name') break;
      await page.keyboard.press('Tab');
    }
    expect(await focusedId()).toBe('field-name');
    await page.keyboard.type('Keyboard campaign');
    // Enter in a text box submits the editor's form.
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Keyboard campaign' }).waitFor();
  });

  it('sets blackout dates and a frequency cap in the editor, and a clone keeps them', async () => {
    // The campaign the keyboard made, whose page the last test ended on.
    const id = decodeURIComponent(page.url().split('/').at(-1) ?? '');
    expect((await api<{ name: string }>(`/campaigns/${id}`)).body.name).toBe('Keyboard campaign');
    await page.goto(`/campaigns/${id}/edit`);
    await page.getByRole('heading', { name: 'Campaign settings' }).waitFor();
    const from = (n: number) => page.getByLabel(new RegExp(`^From, blackout ${n}( |$)`));
    const to = (n: number) => page.getByLabel(new RegExp(`^To, blackout ${n}( |$)`));

    // A new row takes the keyboard to its first day; a second one is removed again.
    await page.getByRole('button', { name: 'Add a blackout day' }).focus();
    await page.keyboard.press('Enter');
    await from(1).waitFor();
    expect(await focusedId()).toBe('field-blackoutDates-0-from');
    await from(1).fill('2030-12-26');
    // Before its first day: the API refuses the list, naming the entry.
    await to(1).fill('2030-12-24');
    await page.getByLabel(/^Name, blackout 1( |$)/).fill('Staff party');
    await page.getByRole('button', { name: 'Add a blackout day' }).click();
    await from(2).waitFor();
    await page.getByRole('button', { name: /^Remove blackout 2( |$)/ }).click();
    expect(await from(2).count()).toBe(0);
    await page.getByLabel('In any 24 hours').fill('2');

    await page.getByRole('button', { name: 'Save settings' }).click();
    const listErrors = page.locator('#field-blackoutDates');
    await listErrors.waitFor();
    expect(await listErrors.textContent()).toContain('blackout 1 (2030-12-26..2030-12-24)');
    expect(await listErrors.textContent()).toContain('ends before it starts');
    expect(await api<{ blackoutDates: unknown[] }>(`/campaigns/${id}`)).toMatchObject({
      body: { blackoutDates: [] },
    });

    await to(1).fill('2030-12-27');
    await page.getByRole('button', { name: 'Add US federal holidays' }).click();
    await page.getByText(/^Added \d+ days of /).waitFor();
    const presets =
      await api<{ blackoutDates: { from: string; to: string; name: string }[] }[]>(
        '/blackout-presets',
      );
    const holidays = presets.body[0]?.blackoutDates ?? [];
    expect(holidays.length).toBeGreaterThan(10);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Keyboard campaign' }).waitFor();

    const expected = {
      blackoutDates: [{ from: '2030-12-26', to: '2030-12-27', name: 'Staff party' }, ...holidays],
      frequencyCaps: { per24h: 2, per7d: null, per30d: null },
    };
    expect((await api(`/campaigns/${id}`)).body).toMatchObject(expected);

    // A clone opens in the editor with the same days and caps, and holds them.
    await page.getByRole('button', { name: 'Clone', exact: true }).click();
    await page.waitForURL(/\/campaigns\/[^/]+\/edit$/);
    const cloneId = decodeURIComponent(page.url().split('/').at(-2) ?? '');
    expect(cloneId).not.toBe(id);
    await from(1).waitFor();
    expect(await from(1).inputValue()).toBe('2030-12-26');
    expect(await to(1).inputValue()).toBe('2030-12-27');
    expect(await page.getByLabel('In any 24 hours').inputValue()).toBe('2');
    expect(await page.getByLabel('In any 7 days').inputValue()).toBe('');
    expect((await api(`/campaigns/${cloneId}`)).body).toMatchObject(expected);
    await screenshot(page, 'editor-blackouts');
    // Saving the clone's editor unchanged sends the same settings back.
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('heading', { level: 1, name: /Keyboard campaign \(copy\)/ }).waitFor();
    expect((await api(`/campaigns/${cloneId}`)).body).toMatchObject(expected);
  });

  it('fits the leads table on a laptop screen, actions and headers uncut', async () => {
    await page.goto(`/campaigns/${opsId}`);
    await row('Hana Human').waitFor();
    const fit = await page.evaluate(`(() => {
      const scroller = document.querySelector('section.table-scroll');
      const right = scroller.getBoundingClientRect().right;
      const cut = (el) => el.scrollWidth > el.clientWidth;
      return {
        sideways: scroller.scrollWidth > scroller.clientWidth,
        cutHeaders: [...document.querySelectorAll('table.leads th')]
          .filter(cut)
          .map((th) => th.textContent),
        buttonsPastEdge: [...document.querySelectorAll('tr.lead-row button')].filter(
          (b) => b.getBoundingClientRect().right > right || cut(b.parentElement),
        ).length,
      };
    })()`);
    expect(fit).toEqual({ sideways: false, cutHeaders: [], buttonsPastEdge: 0 });
    await screenshot(page, 'leads-laptop');
  });

  it('filters the leads by state and outcome, and searches them by name', async () => {
    await page.getByLabel('State').selectOption('failed');
    await expect.poll(shownNames).toEqual(['Ivo Invalid']);
    await page.getByLabel('State').selectOption('');
    await page.getByLabel('Outcome').selectOption('busy');
    await expect.poll(shownNames).toEqual(['Bea Busy']);
    await page.getByLabel('Outcome').selectOption('');
    await page.getByLabel('Search leads by number or name').fill('cole');
    await expect.poll(shownNames).toEqual(['Cole Congestion']);
    await page.getByLabel('Search leads by number or name').fill('');
    await expect.poll(async () => (await shownNames()).length).toBe(5);
  });

  it('exports the filtered leads as a CSV file', async () => {
    await page.getByLabel('State').selectOption('pending');
    await expect
      .poll(async () => (await shownNames()).sort())
      .toEqual(['Bea Busy', 'Cole Congestion']);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const lines = (await readFile(await download.path(), 'utf8')).trim().split(/\r?\n/);
    const header = (lines[0] ?? '').split(',');
    const rows = lines.slice(1).map((line) => line.split(','));
    const column = (name: string) => rows.map((r) => r[header.indexOf(name)]);
    expect(column('name').sort()).toEqual(['Bea Busy', 'Cole Congestion']);
    expect(column('state')).toEqual(['pending', 'pending']);
    expect(column('last_outcome').sort()).toEqual(['busy', 'congestion']);
    await page.getByLabel('State').selectOption('');
    await expect.poll(async () => (await shownNames()).length).toBe(5);
  });

  it('ignores, resets and deletes leads from their actions menu, confirming the last two', async () => {
    // Its button toggles the menu: a second click closes it, a third opens it again.
    const beaActions = page.getByRole('button', { name: 'Actions for Bea Busy' });
    await beaActions.click();
    await page.getByRole('menu').waitFor();
    await beaActions.click();
    await page.getByRole('menu').waitFor({ state: 'hidden' });
    expect(await beaActions.getAttribute('aria-expanded')).toBe('false');
    // The button says so in the same task that hides the menu, not in a later one.
    await beaActions.click();
    await page.getByRole('menu').waitFor();
    const saidAtOnce = await page.evaluate<boolean>(`(() => {
      document.getElementById('lead-actions-menu').hidePopover();
      return document.querySelector('[aria-controls="lead-actions-menu"][aria-expanded="true"]') === null;
    })()`);
    expect(saidAtOnce).toBe(true);
    await beaActions.click();
    await page.getByRole('menuitem', { name: 'Ignore Bea Busy' }).click();
    await row('Bea Busy').locator('.state', { hasText: 'canceled' }).waitFor();

    // The menu by keyboard: Enter opens it on its first item, arrows move, Escape closes.
    await page.getByRole('button', { name: 'Actions for Ivo Invalid' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(focusedName).toBe('Redial Ivo Invalid');
    await page.keyboard.press('ArrowDown');
    expect(await focusedName()).toBe('Reset Ivo Invalid');
    await screenshot(page, 'lead-actions-menu');
    // The table squeezed to no height for a moment, as a window being resized does, or the
    // full-page capture above on a loaded machine (it lays the page out at another size
    // while the page's own frames run): its rows and the page's scroll go, but that is no
    // button scrolled out of sight. The menu stays open, with focus where it was.
    await page.evaluate(`(async () => {
      const table = document.querySelector('section.table-scroll');
      const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      table.style.height = '0px';
      await frames();
      table.style.height = '';
      await frames();
    })()`);
    expect(await focusedName()).toBe('Reset Ivo Invalid');
    // A lead added elsewhere while the menu is open has the table read its rows again
    // (the same as after missed live events): the menu stays, and Escape still finds the
    // lead's button.
    const added = await post<{ lead: { id: string } }>(`/campaigns/${opsId}/leads`, {
      phone: '+12125550111',
      name: 'Nia New',
    });
    expect(added.status).toBe(201);
    await row('Nia New').waitFor();
    expect(await focusedName()).toBe('Reset Ivo Invalid');
    await page.keyboard.press('Escape');
    await expect.poll(focusedName).toBe('Actions for Ivo Invalid');
    expect(await page.getByRole('menu').isVisible()).toBe(false);
    expect(
      await page.locator('[aria-controls="lead-actions-menu"][aria-expanded="true"]').count(),
    ).toBe(0);
    expect((await api(`/leads/${added.body.lead.id}`, { method: 'DELETE' })).status).toBe(204);
    await row('Nia New').waitFor({ state: 'detached' });

    // Reset asks first; Escape answers no.
    await page.getByRole('button', { name: 'Actions for Ivo Invalid' }).click();
    await page.getByRole('menuitem', { name: 'Reset Ivo Invalid' }).click();
    await page.getByRole('heading', { name: 'Reset Ivo Invalid?' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await row('Ivo Invalid').locator('td').nth(3).textContent()).toBe('1');
    await page.getByRole('button', { name: 'Actions for Ivo Invalid' }).click();
    await page.getByRole('menuitem', { name: 'Reset Ivo Invalid' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reset' }).click();
    await row('Ivo Invalid').locator('.state', { hasText: 'pending' }).waitFor();
    expect(await row('Ivo Invalid').locator('td').nth(3).textContent()).toBe('0');

    const machineId = await row('Max Machine').getAttribute('data-lead-id');
    await page.getByRole('button', { name: 'Actions for Max Machine' }).click();
    await page.getByRole('menuitem', { name: 'Delete Max Machine' }).click();
    await page.getByRole('heading', { name: 'Delete Max Machine?' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await row('Max Machine').waitFor({ state: 'detached' });
    expect((await api(`/leads/${machineId}`)).status).toBe(404);
    const states = Object.fromEntries((await leadsOf(opsId)).map((l) => [l.name, l.state]));
    expect(states).toEqual({
      'Hana Human': 'completed',
      'Bea Busy': 'canceled',
      'Cole Congestion': 'pending',
      'Ivo Invalid': 'pending',
    });
  });

  it('stops a campaign and cancels its pending leads when asked to', async () => {
    // Hana is redialed elsewhere: the table reads her again, and that answer (pending) is
    // held back until the stop below has canceled her and the table has read every row
    // afresh. Arriving last, it must not put the old state back.
    const hanaId = (await row('Hana Human').getAttribute('data-lead-id')) ?? '';
    const hanaPath = `**/api/leads/${hanaId}`;
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let answered = () => {};
    const heldAnswer = new Promise<void>((resolve) => {
      answered = resolve;
    });
    await page.route(hanaPath, async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      const response = await route.fetch();
      answered();
      await released;
      await route.fulfill({ response });
    });
    expect((await post(`/leads/${hanaId}/recycle`, { mode: 'redial' })).status).toBe(200);
    await heldAnswer;

    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByLabel('Also cancel every pending lead (they will never be dialed)').check();
    await page.getByRole('button', { name: 'Stop campaign' }).click();
    await page.getByText('stopped', { exact: true }).first().waitFor();
    // No reload: the live feed's `leads` event has the table read its leads again.
    for (const name of ['Cole Congestion', 'Ivo Invalid', 'Hana Human']) {
      await row(name).locator('.state', { hasText: 'canceled' }).waitFor();
    }
    const late = page.waitForEvent('requestfinished', (r) => r.url().endsWith(hanaId));
    release();
    await late;
    await page.unroute(hanaPath);
    // A change made after the late answer arrived, shown once the table has read it: by
    // then the late answer has been dealt with.
    const beaId = (await row('Bea Busy').getAttribute('data-lead-id')) ?? '';
    await post(`/leads/${beaId}/recycle`, { mode: 'redial' });
    await row('Bea Busy').locator('.state', { hasText: 'pending' }).waitFor();
    expect(await row('Hana Human').locator('.state').textContent()).toBe('canceled');
    await post(`/leads/${beaId}/ignore`, {});
    await row('Bea Busy').locator('.state', { hasText: 'canceled' }).waitFor();

    const campaign = await api<{ status: string }>(`/campaigns/${opsId}`);
    expect(campaign.body.status).toBe('stopped');
    expect((await leadsOf(opsId)).filter((l) => l.state === 'pending')).toEqual([]);
  });

  it('clones, archives and deletes campaigns', async () => {
    await page.getByRole('button', { name: 'Clone', exact: true }).click();
    await page.waitForURL(/\/campaigns\/[^/]+\/edit$/);
    const cloneId = decodeURIComponent(page.url().split('/').at(-2) ?? '');
    expect(cloneId).not.toBe(opsId);
    const clone = await api<{ status: string; name: string }>(`/campaigns/${cloneId}`);
    expect(clone.body.status).toBe('draft');
    expect(clone.body.name).toContain('Ops campaign');
    expect(await leadsOf(cloneId)).toEqual([]);

    await page.goto(`/campaigns/${opsId}`);
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await page.getByRole('heading', { name: /^Archive “Ops campaign”\?$/ }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Archive' }).click();
    await page.getByText('archived', { exact: true }).first().waitFor();
    expect((await api<{ status: string }>(`/campaigns/${opsId}`)).body.status).toBe('archived');

    await page.goto(`/campaigns/${cloneId}`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    expect((await api(`/campaigns/${cloneId}`)).status).toBe(404);
  });

  it('renames a recording inline, shows who uses one and refuses to delete it then', async () => {
    const keyboard = (
      await api<{ campaigns: { id: string; name: string }[] }>('/campaigns')
    ).body.campaigns.find((c) => c.name === 'Keyboard campaign');
    const upload = async (name: string) => {
      const form = new FormData();
      const tone = wavFile(8_000, [sine({ rate: 8_000, seconds: 0.3, frequency: 440 })], '16');
      form.append('file', new Blob([tone], { type: 'audio/wav' }), 'tone.wav');
      form.append('name', name);
      return (await api<{ id: string }>('/recordings', { method: 'POST', body: form })).body.id;
    };
    const used = await upload('Used tone');
    const spare = await upload('Spare tone');
    const patched = await api(`/campaigns/${keyboard?.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ consent: { enabled: true, recordingId: used, timeoutSec: 8 } }),
    });
    expect(patched.status).toBe(200);

    await page.getByRole('link', { name: 'Recordings' }).click();
    const usedRow = page.locator(`tr[data-recording-id="${used}"]`);
    await usedRow.getByRole('link', { name: 'Keyboard campaign' }).waitFor();
    expect(await usedRow.textContent()).toContain('consent');
    expect(await usedRow.getByRole('button', { name: 'Delete Used tone' }).isDisabled()).toBe(true);

    const spareRow = page.locator(`tr[data-recording-id="${spare}"]`);
    await spareRow.getByRole('button', { name: 'Rename Spare tone' }).click();
    const box = page.getByLabel('New name for Spare tone');
    expect(await focusedId()).toBe(await box.getAttribute('id'));
    await box.fill('  ');
    await box.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Give it a name.' }).waitFor();
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'recording-rename');
    await box.press('Escape');
    await box.waitFor({ state: 'detached' });
    expect(await focusedName()).toBe('Rename Spare tone');

    await spareRow.getByRole('button', { name: 'Rename Spare tone' }).click();
    await page.getByLabel('New name for Spare tone').fill('Renamed tone');
    await page.getByLabel('New name for Spare tone').press('Enter');
    await spareRow.getByRole('button', { name: 'Rename Renamed tone' }).waitFor();
    const renamed = await api<{ recordings: { id: string; name: string }[] }>('/recordings');
    expect(renamed.body.recordings.find((r) => r.id === spare)?.name).toBe('Renamed tone');

    await spareRow.getByRole('button', { name: 'Delete Renamed tone' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await spareRow.waitFor({ state: 'detached' });
  });

  it('adds to and removes from a campaign’s own do-not-call list', async () => {
    const keyboard = (
      await api<{ campaigns: { id: string; name: string }[] }>('/campaigns')
    ).body.campaigns.find((c) => c.name === 'Keyboard campaign');
    const campaignList = async () =>
      (await api<{ entries: { phone: string }[] }>(`/campaigns/${keyboard?.id}/dnc`)).body.entries;
    const globalList = async () =>
      (await api<{ entries: { phone: string }[] }>('/dnc')).body.entries;

    await page.getByRole('link', { name: 'Do-not-call' }).click();
    await page
      .getByLabel('List', { exact: true })
      .selectOption({ label: 'Campaign: Keyboard campaign' });
    await page.getByText('0 numbers on the list of Keyboard campaign').waitFor();
    await page.getByLabel('Number', { exact: true }).fill('+1 415 555 0142');
    await page.getByLabel('Reason (optional)').fill('campaign only');
    await page.getByRole('button', { name: 'Add' }).click();
    const entry = page.locator('tr[data-dnc-phone="+14155550142"]');
    await entry.waitFor();
    expect((await campaignList()).map((e) => e.phone)).toEqual(['+14155550142']);
    expect(await globalList()).toEqual([]);
    await screenshot(page, 'dnc-campaign');

    await page
      .getByLabel('List', { exact: true })
      .selectOption({ label: 'Global (every campaign)' });
    await page.getByText('No numbers on the global list yet.').waitFor();
    await page
      .getByLabel('List', { exact: true })
      .selectOption({ label: 'Campaign: Keyboard campaign' });
    await entry.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await entry.waitFor({ state: 'detached' });
    expect(await campaignList()).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  });
});
