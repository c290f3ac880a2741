/**
 * The sweep report as one self-contained HTML page, with the same
 * guarantees as the run and compare report (reports/html/document.ts): no
 * network (inlined libraries, a Content-Security-Policy that allows only the
 * page's own scripts by hash), every user string escaped, no clock — the
 * same records give the same bytes.
 */
import { createHash } from 'node:crypto';
import type { ReportChart } from '../charts/common.js';
import { formatDollars, formatPercent, formatSeconds, sig } from '../format.js';
import { BOOT_SCRIPT } from '../html/boot.js';
import { escapeHtml as esc, jsonForScript } from '../html/escape.js';
import { STYLE } from '../html/style.js';
import { vendorScripts } from '../html/vendor.js';
import { sweepCharts, seriesScale } from './charts.js';
import { sweepModelCsv } from './csv.js';
import type { RunSummary } from '../../sim/sweep/record.js';
import { namesMesh, showValue, type Estimate, type SweepReportModel } from './model.js';

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

function figure(chart: ReportChart): string {
  return `<figure><h3>${esc(chart.title)}</h3><div class="chart" id="chart-${chart.id}"></div><figcaption>${esc(chart.caption)}</figcaption></figure>`;
}

function withBand(e: Estimate, show: (v: number) => string): string {
  if (e.value === null) return '–';
  const band = e.lo !== null && e.hi !== null ? ` title="95 %: ${esc(show(e.lo))} – ${esc(show(e.hi))}"` : '';
  return `<span${band}>${esc(show(e.value))}</span>`;
}

function headerHtml(model: SweepReportModel): string {
  const s = model.sweep;
  const colors = seriesScale(model);
  const chips = model.series.map((m, i) => `<span class="chip"><i style="background:${colors.range[i]}"></i>${esc(m)}</span>`).join('');
  const swept = model.swept.map((p) => `<code>${esc(p.key)}</code>: ${esc(p.values.map(showValue).join(', '))}`).join('<br>');
  const fixed = model.fixed.map((p) => `<code>${esc(p.key)}</code> = ${esc(showValue(p.value))}`).join(', ');
  return '<header class="report"><div class="kicker">meshtax sweep report</div>' +
    `<h1>${esc(s.name)}</h1><dl class="meta">` +
    `<dt>sweep</dt><dd>${esc(s.id)} — ${model.runs} of ${s.runs} runs, ${model.points === 1 ? '1 point' : `${model.points} points`}` +
    (s.repeat > 1 ? `, ${s.repeat} repeats each (bands: 95 % intervals over the repeats)` : ' (bands: 95 % intervals from batch means within each run)') + '</dd>' +
    `<dt>swept</dt><dd>${swept || 'nothing: one point'}</dd>` +
    (fixed ? `<dt>set</dt><dd>${fixed}</dd>` : '') +
    `<dt>x axis</dt><dd>${esc(model.x.title)}</dd>` +
    `<dt>series</dt><dd>${chips}</dd>` +
    `<dt>meshtax</dt><dd>${esc(s.meshtax)}</dd></dl></header>`;
}

type RowWarningCode = NonNullable<RunSummary['warnings']>[number]['code'];

/**
 * What each warning a sweep line keeps means to a reader of its numbers. Keyed by
 * every such code, so a new RunWarning code does not compile until the report says it.
 */
const ROW_WARNINGS: Record<RowWarningCode, (at: string) => string> = {
  'beyond-range': (at) => `At ${at} some latencies were beyond the histograms' top (10⁶ s): a quantile among them reads the top, not its value`,
  'markers-capped': (at) => `At ${at} a replica kept being ejected and let back, past 1,000 ejections: its failures and latencies are all counted`,
  'nothing-measured': (at) => `At ${at} an entry point completed no request in the measured window, so its latency and throughput are blank: ` +
    'lengthen the duration (or shorten the warm-up), or raise the rate',
  'short-run': (at) => `At ${at} the load ran out before the requests asked for had completed (the arrival schedule offers no more): those runs measured fewer requests`,
};

function warningsHtml(model: SweepReportModel): string {
  const items: string[] = [];
  if (model.runs < model.sweep.runs) items.push(`<li>Only ${model.runs} of the sweep's ${model.sweep.runs} runs are in these results (a shard, or an unfinished sweep).</li>`);
  // A run stops itself for more than a queue that grows without bound (closed-loop users stuck at one instant): each row says why.
  if (model.aborted > 0) {
    const all = new Set(model.rows.filter((r) => r.aborted === r.repeats).map((r) => r.order)).size;
    const some = new Set(model.rows.filter((r) => r.aborted > 0 && r.aborted < r.repeats).map((r) => r.order)).size;
    const what = [
      ...(all > 0 ? [`${all === 1 ? '1 point' : `${all} points`} whose every run stopped ${all === 1 ? 'has' : 'have'} no values`] : []),
      ...(some > 0 ? [`${some === 1 ? '1 point shows' : `${some} points show`} only the runs that finished`] : []),
    ];
    items.push(`<li>${model.aborted === 1 ? '1 run' : `${model.aborted} runs`} stopped before the end, each for the reason in its row's tooltip ` +
      `(and the CSV's aborted_reason): ${what.join('; ')}.</li>`);
  }
  // Rows whose every run stopped are told above: this is about the latencies the others show.
  const saturated = model.rows.filter((r) => r.saturated && r.aborted < r.repeats).length;
  if (saturated > 0) items.push(`<li>At ${saturated === 1 ? '1 point' : `${saturated} points`} a service or proxy was saturated: its queue kept growing, so latencies there describe how long the run lasted.</li>`);
  // Every code the CSV's warnings column shows, in its order: the list is built from the rows, not from codes named here.
  for (const code of [...new Set(model.rows.flatMap((r) => r.warnings))].sort()) {
    const n = new Set(model.rows.filter((r) => r.warnings.includes(code)).map((r) => r.order)).size;
    const at = n === 1 ? '1 point' : `${n} points`;
    // A code this meshtax does not know (a newer one's file, or `constructor`) is still listed, by name.
    const said = Object.hasOwn(ROW_WARNINGS, code) ? ROW_WARNINGS[code as RowWarningCode] : undefined;
    items.push(`<li>${said ? said(at) : `At ${at} a run warned ${esc(code)}`} (the CSV's warnings column says ${esc(code)}).</li>`);
  }
  return items.length ? `<div class="warnings"><strong>Read these numbers with care</strong><ul>${items.join('')}</ul></div>` : '';
}

function kneesHtml(model: SweepReportModel): string {
  if (model.x.key === null) return '<p class="note">Nothing was swept: one point makes no curve, so no knee is marked.</p>';
  if (!model.x.numeric) return '<p class="note">The x parameter is not numeric, so no knee is marked.</p>';
  const items = model.series.flatMap((s) => model.entrypoints.map((ep) => {
    const k = model.knees.find((n) => n.series === s && n.entrypoint === ep);
    const where = model.entrypoints.length > 1 ? ` at ${esc(ep)}` : '';
    return k
      ? `<li><strong>${esc(s)}</strong>${where}: p99 turns up past <strong>${esc(k.xLabel)}</strong> (p99 ${esc(formatSeconds(k.p99))} there).</li>`
      : model.rows.filter((r) => r.series === s && r.entrypoint === ep && r.p99.value !== null).length < 3
        ? `<li><strong>${esc(s)}</strong>${where}: no knee — fewer than 3 points with a p99 to find one in.</li>`
        : `<li><strong>${esc(s)}</strong>${where}: no knee — p99 stays within 1.5× of its start, or rises evenly.</li>`;
  }));
  return `<section class="invoice" id="knees"><h2>Where the tax bites</h2><p>The knee of each p99 curve: the last point before the tail turns up (the point farthest below the line from the curve's first point to its last, with both axes scaled).</p><ul>${items.join('')}</ul></section>`;
}

function tableHtml(model: SweepReportModel): string {
  // Nothing swept (the mesh alone, or one point): the x is the point number, already the first column.
  const withX = model.x.key !== null;
  // With the mesh on the x axis (--x mesh) the x column is the mesh, and this one the series: the other parameters' values.
  const head = ['point', ...(withX ? [model.x.title] : []), model.acrossMeshes ? 'series' : 'mesh', ...(model.entrypoints.length > 1 ? ['entry point'] : []), 'repeats', 'p50', 'p99', 'error rate', 'throughput', 'proxy vCPU', 'proxy memory', 'mesh $/month', 'knee'];
  const meshColumn = withX ? 2 : 1;
  const rows = [...model.rows].sort((a, b) => a.order - b.order).map((r) => {
    const knee = model.knees.some((k) => k.series === r.series && k.entrypoint === r.entrypoint && k.x === r.x);
    const cells = [
      String(r.order), ...(withX ? [esc(r.xLabel)] : []), esc(r.series), ...(model.entrypoints.length > 1 ? [esc(r.entrypoint)] : []), String(r.repeats),
      withBand(r.p50, formatSeconds), withBand(r.p99, formatSeconds), withBand(r.errorRate, formatPercent),
      withBand(r.throughput, (v) => `${sig(v)}/s`), withBand(r.proxyVcpu, sig), withBand(r.proxyMemoryGB, (v) => `${sig(v)} GB`),
      withBand(r.meshCostPerMonth, formatDollars),
      knee ? '◆' : '',
    ];
    const title = r.abort !== null ? `stopped: ${r.abort}` : 'saturated';
    return `<tr${r.saturated ? ` class="baseline" title="${esc(title)}"` : ''}>${cells.map((c, i) => (i === meshColumn ? `<td class="name">${c}</td>` : `<td>${c}</td>`)).join('')}</tr>`;
  });
  return `<div class="scroll"><table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function csvHtml(model: SweepReportModel, csv: string): string {
  const href = `data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`;
  // A name in another script ("決済") left only dashes: "--sweep.csv", a file a shell reads as an option; a leading dot hid it.
  const stem = model.sweep.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'meshtax';
  const name = `${stem}-sweep.csv`;
  return `<p><a download="${esc(name)}" href="${esc(href)}">Download the table as CSV</a> (also: <code>meshtax sweep-report RESULTS.ndjson --csv FILE.csv</code>).</p>` +
    `<details><summary>CSV</summary><pre>${esc(csv)}</pre></details>`;
}

/** Whether parameters other than the x and the mesh were swept: each of their values is a line of its own too. */
function splitBy(model: SweepReportModel): boolean {
  return model.swept.some((p) => p.key !== model.x.key && !namesMesh(p.key));
}

export function renderSweepHtml(model: SweepReportModel): string {
  const charts = sweepCharts(model);
  const csv = sweepModelCsv(model);
  const vendors = vendorScripts();
  const scripts = [...vendors.map((v) => v.code), BOOT_SCRIPT];
  const csp = `default-src 'none'; script-src ${scripts.map(sha256).join(' ')}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  const body = [
    headerHtml(model),
    warningsHtml(model),
    kneesHtml(model),
    `<h2 id="curves">Against ${esc(model.x.title)}</h2>`,
    `<p class="lead">${model.acrossMeshes ? 'One line per value of the other swept parameters, across the meshes' : splitBy(model) ? 'One line per mesh and value of the other swept parameters' : 'One line per mesh'}; the shaded band is the 95 % interval. Hover a point for its numbers.</p>`,
    ...charts.map(figure),
    '<h2 id="table">Every point</h2>',
    '<p class="lead">Means over the repeats; hover a value for its 95 % interval. Shaded rows: a queue kept growing.</p>',
    tableHtml(model),
    csvHtml(model, csv),
    `<footer>Made by meshtax ${esc(model.sweep.meshtax)} from the sweep's NDJSON results (re-render with <code>meshtax sweep-report RESULTS.ndjson -o FILE.html</code>). ` +
      'Self-contained: the charts are drawn by vega, vega-lite and vega-embed inlined in this file; it makes no network request.</footer>',
  ].join('\n');
  const specs = charts.map((c) => ({ id: `chart-${c.id}`, spec: c.spec }));
  return [
    '<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="meshtax ${esc(model.sweep.meshtax)}">`,
    `<title>${esc(model.sweep.name)} — meshtax sweep report</title>`,
    `<style>${STYLE}</style>`, '</head>', '<body>',
    `<main>\n${body}\n</main>`,
    `<script type="application/json" id="meshtax-charts">${jsonForScript(specs)}</script>`,
    ...vendors.map((v) => `<script data-library="${esc(v.name)}@${esc(v.version)}">${v.code}</script>`),
    `<script>${BOOT_SCRIPT}</script>`,
    '</body>', '</html>', '',
  ].join('\n');
}
