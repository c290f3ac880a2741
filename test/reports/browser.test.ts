/**
 * The report in a real headless Chromium (Debian's, driven by
 * playwright-core): it loads from file:// with no console error, no page
 * error and no request but the file itself, every chart draws its marks,
 * tooltips show, and hostile names run nothing. Writes out/report.html and a
 * screenshot, out/report.png, for a person to look at.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderHtmlReport } from '../../reports/html/document.js';
import { buildCharts, chartList } from '../../reports/charts/index.js';
import { reportModel } from '../../reports/model.js';
import { ALL_MESHES, compareFile, hostileCompare } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
// In CI the browser must be there (.ci/run installs it): only a developer's machine without it may skip.
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) console.warn(`browser tests skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Loaded {
  page: Page;
  problems: string[];
}

/** Opens the file and collects everything that would make the report less than self-contained and clean. */
async function open(browser: Browser, file: string): Promise<Loaded> {
  const url = pathToFileURL(resolve(file)).href;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url) problems.push(`request: ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(url);
  await page.waitForSelector('html[data-charts]', { timeout: 60_000 });
  return { page, problems };
}

/** Marks each chart drew: children of vega's data-mark groups (axes and legends are other roles). */
async function marksPerChart(page: Page): Promise<Record<string, number>> {
  return page.$$eval('div.chart', (els) => Object.fromEntries(els.map((el) => [el.id, el.querySelectorAll('svg .role-mark > *').length])));
}

describe.skipIf(skip)('report in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a 5-mode Bookinfo comparison: offline, no errors, every chart drawn, tooltips, screenshot', async () => {
    mkdirSync('out', { recursive: true });
    const results = compareFile('topologies/bookinfo.yaml', ALL_MESHES, 30);
    writeFileSync('out/report.html', renderHtmlReport(results));
    const { page, problems } = await open(browser, 'out/report.html');
    expect(await page.getAttribute('html', 'data-charts')).toBe('ready');
    const marks = await marksPerChart(page);
    expect(Object.keys(marks).sort()).toEqual(chartList(buildCharts(reportModel(results))).map((c) => `chart-${c.id}`).sort());
    for (const [id, n] of Object.entries(marks)) expect(n, `${id} drew no marks`).toBeGreaterThan(0);
    // 5 modes: a CDF line and a tail line each, plus invisible points for tooltips.
    expect(marks['chart-latency-cdf']).toBeGreaterThanOrEqual(10);
    // The service graph: 4 services and 1 entry point, 4 arrows.
    expect(await page.locator('.graph svg g.node').count()).toBe(5);
    expect(await page.locator('.graph svg g.edge').count()).toBe(4);

    // Hovering a bar shows its numbers.
    const bar = page.locator('#chart-latency-percentiles svg .role-mark path').first();
    await bar.hover();
    const tooltip = page.locator('#vg-tooltip-element.visible');
    await tooltip.waitFor({ timeout: 5_000 });
    expect(await tooltip.textContent()).toMatch(/mesh.*none.*percentile.*p50.*latency/);

    await page.mouse.move(0, 0);
    await page.screenshot({ path: 'out/report.png', fullPage: true });
    expect(problems).toEqual([]);
  });

  it('hostile names render as text and run nothing', async () => {
    mkdirSync('out', { recursive: true });
    const c = hostileCompare();
    writeFileSync('out/report-injection.html', renderHtmlReport(c));
    const { page, problems } = await open(browser, 'out/report-injection.html');
    expect(await page.getAttribute('html', 'data-charts')).toBe('ready');
    expect(await page.locator('h1').textContent()).toBe(c.topology.name);
    expect(await page.locator('p.description').textContent()).toBe(c.topology.description);
    expect(await page.locator('script').count()).toBe(5);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('main b').count()).toBe(0);
    const marks = await marksPerChart(page);
    expect(marks['chart-failures'], 'the overloaded fixture has failures to draw').toBeGreaterThan(0);
    for (const [id, n] of Object.entries(marks)) expect(n, `${id} drew no marks`).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('a sweep report: offline, every chart drawn, not a warning from Vega (with bands and without)', async () => {
    mkdirSync('out', { recursive: true });
    // mm1 at three rates under one mode: no knee, and runs long enough for batch-means bands;
    // then the same points at 2 s each, too short for any band.
    for (const [name, duration] of [['sweep-bands', '100s'], ['sweep-no-bands', '2s']]) {
      // A sweep will not overwrite another's results: clear the last test run's.
      rmSync(`out/${name}.ndjson`, { force: true });
      const r = spawnSync(process.execPath, [
        'dist/bin/meshtax.js', 'sweep', 'topologies/mm1.yaml', '--set', 'entrypoints.clients.rate=10/s,20/s,30/s',
        '--duration', duration, '--warmup', '0s', '-o', `out/${name}.ndjson`, '--report', `out/${name}.html`, '-q',
      ], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const { page, problems } = await open(browser, `out/${name}.html`);
      expect(await page.getAttribute('html', 'data-charts')).toBe('ready');
      const marks = await marksPerChart(page);
      expect(Object.keys(marks).length).toBeGreaterThanOrEqual(4);
      for (const [id, n] of Object.entries(marks)) expect(n, `${id} drew no marks`).toBeGreaterThan(0);
      // Vega warned of an infinite extent for a band layer with no data, and of conflicting legends.
      expect(problems).toEqual([]);
    }
  });
});
