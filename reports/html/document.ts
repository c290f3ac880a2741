/**
 * Assembles the self-contained HTML report: prose and tables as static
 * markup, the service graph as inline SVG, each chart as a Vega-Lite spec
 * drawn in the page by the inlined vega-embed.
 *
 * Guarantees (tested): the same results give byte-identical HTML (no clock,
 * no randomness, stable key order); the page makes no network request (a
 * Content-Security-Policy with `default-src 'none'` enforces it, and allows
 * only this file's own scripts by hash, so even an injected <script> could
 * not run); every user string is escaped and the inlined JSON cannot end its
 * <script> element.
 */
import { createHash } from 'node:crypto';
import { buildCharts, chartList, type ReportChart } from '../charts/index.js';
import { serviceGraphSvg } from '../graph/svg.js';
import { formatCountOf } from '../format.js';
import { chartedEntrypoints, entrypointNames, reportModel, type ReportInput } from '../model.js';
import { lackingValue } from '../readResults.js';
import { BOOT_SCRIPT } from './boot.js';
import { escapeHtml as esc, jsonForScript } from './escape.js';
import { footerHtml, headerHtml, invoiceHtml, profilesHtml, tocHtml, warningsHtml } from './sections.js';
import { STYLE } from './style.js';
import { proxyTable, replicaFailureTable, retryTable, serviceTable, summaryTables } from './tables.js';
import { vendorScripts } from './vendor.js';

function figure(chart: ReportChart): string {
  return `<figure><h3>${esc(chart.title)}</h3><div class="chart" id="${elementId(chart)}"></div><figcaption>${esc(chart.caption)}</figcaption></figure>`;
}

/** Prefixed, so a chart's element never shares an id with a section anchor (`failures` is both). */
function elementId(chart: ReportChart): string {
  return `chart-${chart.id}`;
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function renderHtmlReport(input: ReportInput): string {
  // Results that pass the shape check can still lack something deeper (a JavaScript caller's, a hand-edited file's).
  try {
    return renderPage(input);
  } catch (e) {
    throw lackingValue(e);
  }
}

function renderPage(input: ReportInput): string {
  const model = reportModel(input);
  const charts = buildCharts(model);
  const vendors = vendorScripts();
  const scripts = [...vendors.map((v) => v.code), BOOT_SCRIPT];
  const csp = `default-src 'none'; script-src ${scripts.map(sha256).join(' ')}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  const graph = model.runs[0].graph;
  const multi = model.runs.length > 1;
  // Entry points where nothing succeeded in any mode are left out of the latency charts; when others are drawn, say which.
  const charted = new Set(chartedEntrypoints(model));
  const uncharted = entrypointNames(model).filter((n) => !charted.has(n));
  const leftOut = charted.size > 0 && uncharted.length > 0
    ? `<p class="note">No request succeeded${multi ? ' in any mode' : ''} at ${uncharted.map((n) => esc(n)).join(', ')}: ${uncharted.length === 1 ? 'it is' : 'they are'} left out of the charts below.</p>`
    : '';

  const body = [
    headerHtml(model),
    tocHtml(charts.failures !== null, charts.timeline !== null),
    warningsHtml(model),
    invoiceHtml(model),
    '<h2 id="graph">What was simulated</h2>',
    `<p class="lead">${formatCountOf(graph.services.length, 'service', 'services')} and ${formatCountOf(graph.entrypoints.length, 'entry point', 'entry points')}; ` +
      `${multi ? 'every mesh ran this same graph with the same load' : 'hover a box or an arrow for details'}.</p>`,
    `<figure><div class="graph">${serviceGraphSvg(graph)}</div></figure>`,
    '<h2 id="latency">Latency</h2>',
    '<p class="lead">Latency of successful requests, end to end at each entry point; the requests, failed and throughput columns count every completed request. ' +
      (multi ? 'Under each value, the change against the baseline; ~ marks a change within the noise (the 95 % intervals overlap). ' +
        'Under a table, the error rates that differ from the baseline\'s beyond the noise (95 % Wilson intervals that do not overlap). ' : '') +
      'Hover a value for its 95 % confidence interval.</p>',
    summaryTables(model),
    leftOut,
    ...(charts.latencyCdf ? [figure(charts.latencyCdf)] : [`<p class="note">No request succeeded${multi ? ' in any mode' : ''}: there is no latency to chart.</p>`]),
    charts.percentiles ? figure(charts.percentiles) : '',
    charts.latencyHistogram ? figure(charts.latencyHistogram) : '',
    '<h2 id="time">Where the time goes</h2>',
    leftOut,
    charts.decomposition ? figure(charts.decomposition) : '<p class="note">No successful request to take apart.</p>',
    '<h2 id="resources">Resource tax</h2>',
    figure(charts.resourceTax),
    charts.projection ? figure(charts.projection) : '',
    proxyTable(model),
    `<h2 id="failures">Failures${charts.timeline ? ' and the timeline' : ''}</h2>`,
    charts.failures ? figure(charts.failures) : `<p class="note">No request failed${multi ? ' in any mode' : ''}.</p>`,
    !charts.timeline && model.runs.some((r) => (r as { timeline?: unknown }).timeline)
      ? '<p class="note">The load was steady and no event happened during the run, so there is no timeline to show.</p>' : '',
    replicaFailureTable(model),
    retryTable(model),
    charts.timeline ? figure(charts.timeline) : '',
    '<h2 id="services">Services</h2>',
    '<p class="lead">Server side: from a request\'s arrival at a replica until its response leaves, including the calls it makes.</p>',
    serviceTable(model),
    '<h2 id="profiles">Mesh profiles</h2>',
    '<p class="lead">What each profile models, and the published measurements its numbers come from.</p>',
    profilesHtml(model),
    footerHtml(model),
  ].join('\n');

  const specs = chartList(charts).map((c) => ({ id: elementId(c), spec: c.spec }));
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="meshtax ${esc(model.version)}">`,
    `<title>${esc(model.topology.name)} — meshtax report</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<main>\n${body}\n</main>`,
    `<script type="application/json" id="meshtax-charts">${jsonForScript(specs)}</script>`,
    ...vendors.map((v) => `<script data-library="${esc(v.name)}@${esc(v.version)}">${v.code}</script>`),
    `<script>${BOOT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
