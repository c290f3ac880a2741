/**
 * The page's prose sections: the header, warnings, the invoice, the mesh
 * profiles and the footer. Each function returns escaped HTML.
 */
import type { RunResult } from '../../sim/results/types.js';
import { meshScale } from '../charts/common.js';
import { formatCount, formatPrice, formatSeconds } from '../format.js';
import { buildInvoice, meshInWords, type Sentence } from '../invoice.js';
import { measuredInWords } from '../table.js';
import type { ReportModel } from '../model.js';
import { escapeHtml as esc } from './escape.js';

function sentenceHtml(s: Sentence): string {
  return s.map((x) => (typeof x === 'string' ? esc(x) : `<strong>${esc(x.strong)}</strong>`)).join('');
}

/** How long and how the runs were simulated, from the first run (every mode shares the settings). */
function simulatedInWords(run: RunResult): string {
  const s = run.settings;
  const limit = s.requests !== null ? `until ${formatCount(s.requests)} measured requests completed` : `${formatSeconds(s.duration ?? 0)} of offered load`;
  const warm = s.warmup > 0 ? `, the first ${formatSeconds(s.warmup)} a warm-up left out` : '';
  const each = s.replications > 1 ? ' each' : '';
  return `${limit}${warm}${each}; ${measuredInWords(run)} measured`;
}

/** How the intervals were made: the batch means behind them differ between modes and entry points (a batch with no success has none). */
function intervalsInWords(runs: RunResult[]): string {
  const s = runs[0].settings;
  if (s.intervals === 'replications') return `${s.replications} replications (seeds ${s.seed}–${s.seed + s.replications - 1}); 95 % intervals from their spread`;
  const all = runs.flatMap((r) => r.entrypoints.map((e) => e.latency.ciParts));
  const parts = all.filter((n) => n >= 2);
  if (parts.length === 0) return 'one run; too few batches with a successful request for 95 % intervals';
  const low = Math.min(...parts), high = Math.max(...parts);
  const none = parts.length < all.length ? '; none where fewer than 2 batches had a successful request' : '';
  return `one run; 95 % intervals from ${low === high ? high : `${low}–${high}`} batch means${none}`;
}

export function headerHtml(model: ReportModel): string {
  const run = model.runs[0];
  const colors = meshScale(model);
  const chips = model.modes.map((m, i) => `<span class="chip"><i style="background:${colors.range[i]}"></i>${esc(m)}</span>`).join('');
  const prices = run.resources.prices;
  return `<header class="report"><div class="kicker">meshtax ${model.kind === 'compare' ? 'comparison' : 'run'} report</div>` +
    `<h1>${esc(model.topology.name)}</h1>` +
    (model.topology.description ? `<p class="description">${esc(model.topology.description)}</p>` : '') +
    '<dl class="meta">' +
    `<dt>${model.modes.length > 1 ? 'meshes' : 'mesh'}</dt><dd>${chips}</dd>` +
    `<dt>simulated</dt><dd>${esc(simulatedInWords(run))}</dd>` +
    `<dt>seed</dt><dd>${run.settings.seed} — ${esc(intervalsInWords(model.runs))}</dd>` +
    `<dt>prices</dt><dd>${formatPrice(prices.vcpuHour)} per vCPU-hour, ${formatPrice(prices.gbHour)} per GB-hour</dd>` +
    `<dt>meshtax</dt><dd>${esc(model.version)}</dd>` +
    '</dl></header>';
}

export function tocHtml(hasFailures: boolean, hasTimeline: boolean): string {
  const failures = `${hasFailures ? 'Failures' : 'Failures (none)'}${hasTimeline ? ' and timeline' : ''}`;
  const links: Array<[string, string]> = [
    ['invoice', 'The invoice'], ['graph', 'What was simulated'], ['latency', 'Latency'], ['time', 'Where the time goes'],
    ['resources', 'Resource tax'], ['failures', failures], ['services', 'Services'], ['profiles', 'Mesh profiles'],
  ];
  return `<nav class="toc">${links.map(([id, text]) => `<a href="#${id}">${text}</a>`).join('')}</nav>`;
}

/** Saturation and the runs' other warnings from the results (settings that did nothing are in the invoice), and runs in which nothing was measured. */
export function warningsHtml(model: ReportModel): string {
  const items: string[] = [];
  model.runs.forEach((run, m) => {
    const who = model.runs.length > 1 ? `<strong>${esc(model.modes[m])}</strong>: ` : '';
    // A setting that did nothing is said in the invoice: the numbers are right, the setting idle.
    for (const w of run.warnings) if (w.code !== 'no-effect') items.push(`<li>${who}${esc(w.message)}</li>`);
    for (const e of run.entrypoints) {
      if (e.completed === 0) items.push(`<li>${who}no request was measured at ${esc(e.name)}: the run may be no longer than its warm-up.</li>`);
    }
  });
  if (items.length === 0) return '';
  return `<div class="warnings"><strong>Read these numbers with care</strong><ul>${items.join('')}</ul></div>`;
}

export function invoiceHtml(model: ReportModel): string {
  const inv = buildInvoice(model);
  return '<section class="invoice" id="invoice"><h2>The invoice</h2>' +
    `<p>${sentenceHtml(inv.intro)}</p>` +
    `<ul>${inv.items.map((i) => `<li>${sentenceHtml(i.sentence)}</li>`).join('')}</ul>` +
    inv.noEffect.map((s) => `<p class="no-effect">${sentenceHtml(s)}</p>`).join('') +
    inv.bottomLine.map((s) => `<p class="bottom">${sentenceHtml(s)}</p>`).join('') +
    '</section>';
}

/** Each distinct profile once: what it is and the published sources its numbers come from. */
export function profilesHtml(model: ReportModel): string {
  const seen = new Set<string>();
  const items: string[] = [];
  for (const run of model.runs) {
    const p = run.mesh;
    const key = `${p.profile}\u0000${p.mtls}\u0000${(p.tuned ?? []).join()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const sources = p.sources.length ? `<ul>${p.sources.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>` : '<p class="note">No sources given.</p>';
    items.push(`<details class="profile" open><summary>${esc(p.profile)} — ${esc(meshInWords(run))}</summary>` +
      (p.description ? `<p>${esc(p.description)}</p>` : '') +
      // Files from before the field have none: the profile as written.
      (p.tuned?.length ? `<p class="note">Tuned (by the topology's <code>mesh:</code> settings, or in a copy of the profile file under its name): ${p.tuned.map((t) => `<code>${esc(t)}</code>`).join(', ')}; the sources are the published profile's.</p>` : '') +
      sources + '</details>');
  }
  return items.join('');
}

export function footerHtml(model: ReportModel): string {
  return `<footer>Made by meshtax ${esc(model.version)} from its results JSON (re-render with <code>meshtax report RESULTS.json -o FILE.html</code>). ` +
    'Self-contained: the charts are drawn by vega, vega-lite and vega-embed inlined in this file; it makes no network request.</footer>';
}
