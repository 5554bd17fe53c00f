/**
 * Web UI benchmark: first load of the app, and the leads table of a campaign with
 * 100,000 leads (time until its first rows show, time to interactive, the frames while
 * scrolling through all of them once every page is loaded). Runs the real server
 * (embedded simulator, idle) and Debian's chromium, headless.
 *
 *   npx tsx bench/ui-leads.ts [--leads 100000] [--runs 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { CDPSession, Page } from 'playwright-core';
import { loadConfig } from '../src/config.js';
import { startDialstate } from '../src/main.js';
import { buildWebUi, launchChromium } from '../test/support/browser.js';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '1' },
  },
});
const leadCount = Number(values.leads);
const runs = Number(values.runs);
const AREAS = [415, 212, 312, 617, 713, 206, 305];

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** The page's main-thread time so far (s), from the DevTools protocol. */
async function threadTimes(cdp: CDPSession) {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return {
    script: get('ScriptDuration'),
    layout: get('LayoutDuration') + get('RecalcStyleDuration'),
    task: get('TaskDuration'),
  };
}

async function importLeads(base: string, campaignId: string): Promise<number> {
  let csv = 'phone,name\n';
  for (let n = 0; n < leadCount; n++) {
    csv += `+1${AREAS[n % AREAS.length]}${2_000_000 + n},Lead ${n}\n`;
  }
  const started = performance.now();
  const response = await fetch(`${base}/api/campaigns/${campaignId}/leads/import`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  });
  let body = (await response.json()) as {
    status: string;
    statusUrl?: string;
    counts?: { accepted: number };
  };
  const statusUrl = body.statusUrl;
  while (body.status === 'running' && statusUrl !== undefined) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    body = (await (await fetch(`${base}${statusUrl}`)).json()) as typeof body;
  }
  if (body.counts?.accepted !== leadCount)
    throw new Error(`import: ${JSON.stringify(body).slice(0, 300)}`);
  return performance.now() - started;
}

/** How long the main thread must stay free of long tasks for the page to count as interactive (ms). */
const QUIET_MS = 500;

/**
 * Runs in every page before its own scripts: records the long tasks from navigation start,
 * and when the frame that first paints a lead row starts (a requestAnimationFrame callback
 * runs just before that frame's paint).
 */
const RECORDER = `(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(e.startTime + e.duration);
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver((_, observer) => {
    if (!document.querySelector('tr.lead-row')) return;
    observer.disconnect();
    requestAnimationFrame(() => { window.__firstRowsAt = performance.now(); });
  }).observe(document, { childList: true, subtree: true });
})()`;

/**
 * Time to interactive of the leads page (ms from navigation start): when its first lead
 * rows are painted and the main thread is then free of long tasks (over 50 ms, the Long
 * Tasks API's threshold) for `QUIET_MS`: the end of the last long task before that quiet stretch, or the
 * first rows if none came after them.
 */
async function timeToInteractive(page: Page) {
  return (await page.evaluate(`(async () => {
    for (;;) {
      const rows = window.__firstRowsAt;
      if (rows !== undefined) {
        const busyUntil = Math.max(rows, ...window.__longTasks);
        if (performance.now() - busyUntil >= ${QUIET_MS}) {
          return { firstRowsMs: rows, ttiMs: busyUntil, longTasks: window.__longTasks.length };
        }
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })()`)) as { firstRowsMs: number; ttiMs: number; longTasks: number };
}

/** Loads `url` in a fresh page and waits for `selector`; ms from navigation start. */
async function timeToVisible(page: Page, url: string, selector: string) {
  const started = performance.now();
  await page.goto(url);
  await page.locator(selector).first().waitFor({ timeout: 60_000 });
  const wall = performance.now() - started;
  const nav = (await page.evaluate(`(() => {
    const [n] = performance.getEntriesByType('navigation');
    const res = performance.getEntriesByType('resource');
    return {
      domContentLoaded: n.domContentLoadedEventEnd,
      load: n.loadEventEnd,
      transferKiB: (n.transferSize + res.reduce((s, r) => s + (r.transferSize || 0), 0)) / 1024,
    };
  })()`)) as { domContentLoaded: number; load: number; transferKiB: number };
  return { wall, ...nav };
}

/**
 * Scrolls the table down from `fromRow` in steps of `rowsPerFrame` rows, one step per
 * animation frame, until the end or `maxFrames`, and returns the intervals between
 * frames (ms), the long tasks and the most rows the DOM held.
 */
async function scrollFrames(page: Page, fromRow: number, rowsPerFrame: number, maxFrames: number) {
  return (await page.evaluate(`(async () => {
    const el = document.querySelector('section.table-scroll');
    const longTasks = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push(e.duration);
    });
    observer.observe({ entryTypes: ['longtask'] });
    el.scrollTop = ${fromRow} * 36;
    await new Promise((r) => requestAnimationFrame(r));
    await new Promise((r) => requestAnimationFrame(r));
    const intervals = [];
    let maxRows = 0;
    let last = performance.now();
    while (el.scrollTop + el.clientHeight < el.scrollHeight - 1 && intervals.length < ${maxFrames}) {
      el.scrollTop += ${rowsPerFrame} * 36;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      intervals.push(now - last);
      last = now;
      maxRows = Math.max(maxRows, el.querySelectorAll('tr.lead-row').length);
    }
    observer.disconnect();
    return { intervals, longTasks, maxRows };
  })()`)) as { intervals: number[]; longTasks: number[]; maxRows: number };
}

async function main() {
  await buildWebUi();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-ui-bench-'));
  const dialstate = await startDialstate(
    loadConfig({
      DIALSTATE_DATA_DIR: dir,
      DIALSTATE_HTTP_PORT: '0',
      DIALSTATE_DB_SYNCHRONOUS: 'NORMAL',
    }),
    pino({ level: 'silent' }),
  );
  const browser = await launchChromium();
  try {
    const base = dialstate.httpUrl;
    const created = await fetch(`${base}/api/campaigns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'UI bench', timezone: 'UTC' }),
    });
    const { id } = (await created.json()) as { id: string };
    const importMs = await importLeads(base, id);
    console.log(`imported ${leadCount} leads in ${round(importMs / 1000, 2)} s`);

    for (let run = 1; run <= runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      await context.addInitScript(RECORDER);
      const page = await context.newPage();
      const first = await timeToVisible(page, `${base}/`, '.campaign-card');
      const leads = await timeToVisible(page, `${base}/campaigns/${id}`, 'tr.lead-row');
      const interactive = await timeToInteractive(page);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');

      const measured: Record<string, unknown>[] = [];
      const measure = async (name: string, fromRow: number, rowsPerFrame: number, max: number) => {
        const before = await threadTimes(cdp);
        const r = await scrollFrames(page, fromRow, rowsPerFrame, max);
        const after = await threadTimes(cdp);
        const sorted = [...r.intervals].sort((a, b) => a - b);
        const perFrame = (key: keyof typeof before) =>
          round(((after[key] - before[key]) * 1000) / sorted.length, 2);
        measured.push({
          scroll: name,
          frames: sorted.length,
          'p50 ms': round(quantile(sorted, 0.5)),
          'p95 ms': round(quantile(sorted, 0.95)),
          'p99 ms': round(quantile(sorted, 0.99)),
          // A frame later than 1.5 vsyncs at 60 Hz missed one.
          'dropped (>25 ms)': sorted.filter((t) => t > 25).length,
          'long tasks': r.longTasks.length,
          'script ms/frame': perFrame('script'),
          'style+layout ms/frame': perFrame('layout'),
          'busy ms/frame': perFrame('task'),
          'rows in DOM': r.maxRows,
        });
      };
      // Reading from the top while pages arrive; then, with every page loaded, reading in
      // the middle and a fling through the whole list.
      await measure('3 rows/frame from the top, pages loading', 0, 3, 600);
      // Every page, as scrolling to the end would load them.
      const loadStarted = performance.now();
      await page.evaluate(`(async () => {
        const el = document.querySelector('section.table-scroll');
        const count = () => el.querySelectorAll('tr.lead-row').length;
        for (;;) {
          el.scrollTop = el.scrollHeight;
          await new Promise((r) => setTimeout(r, 30));
          const text = document.querySelector('.table-count').textContent;
          if (text.startsWith('${leadCount.toLocaleString('en-US')} loaded')) return count();
        }
      })()`);
      const allLoadedMs = performance.now() - loadStarted;

      const heapMiB = (await page.evaluate(
        '(performance.memory ? performance.memory.usedJSHeapSize : 0) / 1048576',
      )) as number;
      await measure(`3 rows/frame in the middle, ${leadCount} loaded`, leadCount / 2, 3, 600);
      await measure(`100 rows/frame top to bottom, ${leadCount} loaded`, 0, 100, Infinity);
      console.log(
        JSON.stringify({
          run,
          firstLoad: {
            wallMs: round(first.wall),
            dclMs: round(first.domContentLoaded),
            loadMs: round(first.load),
            transferKiB: round(first.transferKiB),
          },
          leadsFirstRowsMs: round(leads.wall),
          leadsFirstRowsPaintedMs: round(interactive.firstRowsMs),
          timeToInteractiveMs: round(interactive.ttiMs),
          longTasksBeforeInteractive: interactive.longTasks,
          allPagesLoadedMs: round(allLoadedMs),
          heapMiB: round(heapMiB),
        }),
      );
      console.table(measured);
      await context.close();
    }
  } finally {
    await browser.close();
    await dialstate.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
