/**
 * "The invoice": what each mesh costs, in sentences a reviewer reads before
 * any chart. Built as data (segments, some emphasised) so the page can
 * escape every piece and tests can read the words without HTML.
 */
import type { Delta } from '../sim/compare.js';
import type { EntryPointResult, Interval, RunResult } from '../sim/results/types.js';
import { PROXY_LABELS } from './charts/resourceTax.js';
import { formatCount, formatDollars, formatPods, formatPercent, formatSeconds, formatSignedPercent, formatSignedSeconds, sig } from './format.js';
import { errorRateVerdict } from './errorRates.js';
import { num, type ReportModel } from './model.js';
import { controlPlaneCharged, controlPlaneOf } from './controlPlane.js';

/** A run of text; `strong` is what the eye should land on. */
export type Segment = string | { strong: string };
export type Sentence = Segment[];

export interface Invoice {
  /** One line of context before the items. */
  intro: Sentence;
  /** One item per mode, the baseline first. */
  items: Array<{ mode: string; sentence: Sentence }>;
  /** Which mesh is cheapest in latency and in resources; empty with fewer than two meshes. */
  bottomLine: Sentence[];
  /** Settings of the topology that did nothing (the runs' no-effect warnings), one sentence each, with the modes they did nothing in. */
  noEffect: Sentence[];
}

/** What kind of data plane a run had, in words. */
export function meshInWords(run: RunResult): string {
  const m = run.mesh;
  if (m.mode === 'none') return 'no mesh';
  const kinds = run.resources.proxies.map((p) => p.kind);
  const plane = m.mode === 'sidecar' ? 'a sidecar proxy in every pod'
    : kinds.includes('waypoint') ? 'a node proxy on every node, waypoints for L7' : 'a node proxy on every node';
  return `${plane}, mTLS ${m.mtls ? 'on' : 'off'}`;
}

const PROXY_SINGULAR: Record<keyof typeof PROXY_LABELS, string> = {
  sidecar: 'sidecar proxy', 'node-proxy': 'node proxy', waypoint: 'waypoint proxy', gateway: 'ingress gateway',
};

function entry(run: RunResult, name: string): EntryPointResult | undefined {
  return run.entrypoints.find((e) => e.name === name);
}

/** "from 7.63ms to 8.35ms (+720µs, +9.42%)", emphasised only when the change is larger than the noise. */
function change(label: string, d: Delta, base: number): Segment[] {
  // Quantiles come from ±0.5 % histogram bins: a smaller change lands in the same bin and reads +0, which is not "no cost".
  if (num(d.delta) === 0) return [`the ${label} stays at ${formatSeconds(base)} (a change under the histogram's ±0.5 % bins, if any)`];
  const relative = num(d.relative);
  const amount = formatSignedSeconds(num(d.delta)) + (Number.isFinite(relative) ? `, ${formatSignedPercent(relative)}` : '');
  return [
    `the ${label} goes from ${formatSeconds(base)} to ${formatSeconds(num(d.value))} (`,
    d.significant ? { strong: amount } : `${amount}, within the noise`,
    ')',
  ];
}

/**
 * The baseline's error rate in brackets, and whether this mode's differs from it beyond the noise (their 95 %
 * Wilson intervals do not overlap: emphasised) or not ("within the noise": no claim of a difference).
 */
function versusBase(e: EntryPointResult, base: EntryPointResult, baseMode: string): Segment[] {
  const verdict = errorRateVerdict(e, base);
  const rate = `${baseMode}: ${formatPercent(base.errorRate)}`;
  if (verdict === null) return [` (${rate})`];
  if (verdict === 'within the noise') return [` (${rate}; the difference is within the noise)`];
  return [` (${rate}; `, { strong: `${verdict}, beyond the noise` }, ')'];
}

function failuresInWords(e: EntryPointResult, base: EntryPointResult | undefined, baseMode: string | null): Segment[] {
  const compared = base !== undefined && baseMode !== null;
  // Nothing failed here but something did in the baseline: that is part of the invoice too (a mesh's retries or ejection at work).
  if (e.failed === 0) return compared && base.failed > 0 ? [', and no request failed', ...versusBase(e, base, baseMode)] : [];
  const meshShare = e.failures.filter((f) => f.mesh).reduce((a, f) => a + f.count, 0) / e.failed;
  return [
    `, and ${formatPercent(e.errorRate)} of requests failed`, ...(compared ? versusBase(e, base, baseMode) : []),
    `, ${formatPercent(meshShare)} of them caused by the mesh`,
  ];
}

function resourcesInWords(run: RunResult): Sentence {
  const r = run.resources;
  const count = r.proxies.reduce((a, p) => a + p.count, 0);
  if (count === 0) return [` No proxies; the applications' own work uses ${sig(r.appVcpu)} vCPU.`];
  // Counts are time-weighted (a pod that lived half the window counts ½): whole numbers read better, and lose nothing here.
  const kinds = r.proxies.map((p) => `${formatCount(p.count)} ${Math.round(p.count) === 1 ? PROXY_SINGULAR[p.kind] : PROXY_LABELS[p.kind]}`);
  const fleet = kinds.length === 1 ? kinds[0] : `${formatCount(count)} proxies (${kinds.join(', ')})`;
  const onTop = r.appVcpu > 0 ? ` (${formatPercent(r.proxyVcpu / r.appVcpu)} on top of the applications' ${sig(r.appVcpu)} vCPU)` : '';
  return [
    ` Its ${fleet} ${kinds.length === 1 && Math.round(count) === 1 ? 'uses' : 'use'} `,
    { strong: `${sig(r.proxyVcpu)} vCPU` }, `${onTop} and `, { strong: `${sig(r.proxyMemoryGB)} GB` }, ': ',
    { strong: `${formatDollars(r.proxyCostPerMonth)} a month` },
    `, or ${formatDollars(r.projection.proxyCostPerMonth)} a month at ${formatPods(r.projection.pods)}.`,
    ...controlPlaneInWords(run),
  ];
}

/** The control plane's clause after the proxies': what it adds, and the whole mesh's bill. */
function controlPlaneInWords(run: RunResult): Sentence {
  const r = run.resources;
  const cp = controlPlaneOf(r, run.mesh.mode);
  if (cp === null) return [];
  if (!controlPlaneCharged(cp)) return [' Its control plane is not priced by this profile.'];
  const p = r.projection;
  return [
    ` Its control plane adds ${sig(cp.vcpu)} vCPU and ${sig(cp.memoryGB)} GB (${formatDollars(cp.costPerMonth)} a month, ${formatDollars(p.controlPlane.costPerMonth)} at ${formatPods(p.pods)}): `,
    { strong: `${formatDollars(r.meshCostPerMonth)} a month` }, ` for the whole mesh, ${formatDollars(p.meshCostPerMonth)} at ${formatPods(p.pods)}.`,
  ];
}

/** Per-entry clauses joined into one sentence: "at web …; at api …." */
function clauses(parts: Sentence[]): Sentence {
  return parts.flatMap((p, i) => [i === 0 ? ' ' : '; ', ...p]).concat(parts.length ? ['.'] : []);
}

function baselineSentence(model: ReportModel, m: number): Sentence {
  const run = model.runs[m];
  const parts = run.entrypoints.map((e): Sentence => [
    e.succeeded === 0
      ? `at ${e.name} ${e.completed === 0 ? 'no request was measured' : 'no request succeeded'}`
      : `at ${e.name} the median is ${formatSeconds(num(e.latency.p50))} and the p99 ${formatSeconds(num(e.latency.p99))}`,
    ...failuresInWords(e, undefined, null),
  ]);
  return [
    { strong: model.modes[m] }, ` (${meshInWords(run)}, the baseline):`, ...clauses(parts),
    ...(run.mesh.mode !== 'none' ? resourcesInWords(run) : [` The applications' own work uses ${sig(run.resources.appVcpu)} vCPU.`]),
  ];
}

function comparedSentence(model: ReportModel, m: number): Sentence {
  const run = model.runs[m];
  const b = model.baseline ?? 0;
  const base = model.runs[b];
  const parts: Sentence[] = [];
  for (const ep of model.invoice ?? []) {
    const row = ep.rows[m];
    const e = entry(run, ep.entrypoint), be = entry(base, ep.entrypoint);
    if (!row || !e || !be) continue;
    if (e.succeeded === 0) {
      // Still say how many failed and who caused it: a mesh that fails every request must be named for it.
      parts.push(e.completed === 0 ? [`at ${ep.entrypoint} no request was measured`] : [`at ${ep.entrypoint} no request succeeded`, ...failuresInWords(e, be, model.modes[b])]);
      continue;
    }
    if (be.succeeded === 0) {
      // No baseline median to go "from": give this mode's own numbers, with no change and no noise to speak of.
      parts.push([
        `at ${ep.entrypoint} the median is ${formatSeconds(num(e.latency.p50))} and the p99 ${formatSeconds(num(e.latency.p99))} (${model.modes[b]}: no request succeeded)`,
        ...failuresInWords(e, be, model.modes[b]),
      ]);
      continue;
    }
    parts.push([
      `at ${ep.entrypoint} `, ...change('median', row.p50, num(be.latency.p50)), ' and ', ...change('p99', row.p99, num(be.latency.p99)),
      ...failuresInWords(e, be, model.modes[b]),
    ]);
  }
  return [{ strong: model.modes[m] }, ` (${meshInWords(run)}):`, ...clauses(parts), ...resourcesInWords(run)];
}

function singleSentence(model: ReportModel): Sentence {
  const run = model.runs[0];
  const parts = run.entrypoints.map((e): Sentence => (e.succeeded === 0
    // No median of nothing ("the median is – … over 167 requests"): say why, as a comparison's baseline does.
    ? [`at ${e.name} ${e.completed === 0 ? 'no request was measured' : 'no request succeeded'}`, ...failuresInWords(e, undefined, null)]
    : [
      `at ${e.name} the median is `, { strong: formatSeconds(num(e.latency.p50)) }, ' and the p99 ', { strong: formatSeconds(num(e.latency.p99)) },
      ` over ${formatCount(e.completed)} requests`, ...failuresInWords(e, undefined, null),
    ]));
  return [{ strong: model.modes[0] }, ` (${meshInWords(run)}):`, ...clauses(parts), ...resourcesInWords(run)];
}

/** Modes in bold, joined as words: "a", "a and b", "a, b and c". */
function joinModes(modes: string[]): Sentence {
  const out: Sentence = [];
  modes.forEach((m, k) => {
    if (k > 0) out.push(k === modes.length - 1 ? ' and ' : ', ');
    out.push({ strong: m });
  });
  return out;
}

/** Two 95 % intervals overlap, or one is unknown (too few batches): the medians cannot be told apart. */
function overlap(a: Interval, b: Interval): boolean {
  if (!a || !b) return true;
  return a[0] <= b[1] && b[0] <= a[1];
}

/**
 * Which mesh leaves the lowest median at one entry point, and which the
 * highest — only as far as the noise allows: when every pair of the
 * competing modes' 95 % intervals of the median overlaps, no mode is
 * named, and "no order among them" is said; otherwise the lowest and
 * highest are named with the modes within their noise.
 */
function medianOrder(model: ReportModel, ep: NonNullable<ReportModel['invoice']>[number], meshed: number[]): Sentence | null {
  const b = model.baseline ?? 0;
  // A mode in which no request succeeded has no median (NaN): it cannot leave the lowest, nor the highest.
  const ranked = meshed.filter((i) => Number.isFinite(num(ep.rows[i]?.p50.delta)));
  if (ranked.length === 0) return null;
  const p50 = (i: number): number => num(ep.rows[i].p50.delta);
  const ci = (i: number): Interval => entry(model.runs[i], ep.entrypoint)?.latency.ci.p50 ?? null;
  const near = (i: number, j: number): boolean => overlap(ci(i), ci(j));
  const names = (set: number[]): Sentence => joinModes(set.map((i) => model.modes[i]));
  const noMesh = model.runs[b].mesh.mode === 'none';
  // Medians in one histogram bin are one median: no order either, whatever their intervals say.
  const tied = ranked.every((i) => p50(i) === p50(ranked[0]));
  if (ranked.length > 1 && (tied || ranked.every((i) => ranked.every((j) => near(i, j))))) {
    const why = tied
      ? " are the same (they land in one of the histogram's ±0.5 % bins)"
      : ` are within the noise of each other (${ranked.length === 2 ? 'their' : 'every two of their'} 95 % intervals overlap)`;
    return [`At ${ep.entrypoint}, the medians of `, ...names(ranked), `${why}: `, { strong: 'no order among them' }, '.'];
  }
  // A median in the baseline's bin changed by less than the bin, not by +0 (as each mode's sentence says: "stays at").
  const delta = (i: number): string => (p50(i) === 0 ? "a change under the histogram's ±0.5 % bins" : formatSignedSeconds(p50(i)));
  // Against no mesh the change is what the mesh adds; against a first mesh, say which it is against (nothing for the baseline itself).
  const amounts = (set: number[], first: boolean): string => {
    const own = set.filter((i) => i !== b || noMesh);
    if (own.length === 0) return '';
    const same = own.every((i) => p50(i) === p50(own[0]));
    const shown = same ? `${delta(own[0])}${own.length > 1 && p50(own[0]) !== 0 ? ' each' : ''}` : own.map(delta).join(', ');
    return first || !noMesh ? `${shown} against ${model.modes[b]}` : shown;
  };
  const low = Math.min(...ranked.map(p50)), high = Math.max(...ranked.map(p50));
  // Modes whose medians land in one histogram bin tie exactly: name them all, not whichever came first.
  const lowest = ranked.filter((i) => p50(i) === low);
  const nearLow = ranked.filter((i) => !lowest.includes(i) && lowest.some((l) => near(i, l)));
  const highest = ranked.filter((i) => p50(i) === high && !lowest.includes(i) && !nearLow.includes(i));
  const nearHigh = ranked.filter((i) => !lowest.includes(i) && !nearLow.includes(i) && !highest.includes(i) && highest.some((h) => near(i, h)));
  // "(+308µs against none; linkerd, at +320µs, is within its noise)": the ends' own changes, then who cannot be told from them.
  const bracket = (set: number[], others: number[], first: boolean): Segment[] => {
    const own = amounts(set, first);
    const them = amounts(others, false);
    const rest: Segment[] = others.length === 0 ? []
      : [...names(others), `${them ? `, at ${them},` : ''} ${others.length === 1 ? 'is' : 'are'} within ${set.length === 1 ? 'its' : 'their'} noise`];
    const parts: Segment[] = own && rest.length > 0 ? [own, '; ', ...rest] : own ? [own] : rest;
    return parts.length > 0 ? [' (', ...parts, ')'] : [];
  };
  return [
    `At ${ep.entrypoint}, `, ...names(lowest), ` ${lowest.length > 1 ? 'leave' : 'leaves'} the lowest median`, ...bracket(lowest, nearLow, true),
    ...(highest.length > 0 ? [', ', ...names(highest), ' the highest', ...bracket(highest, nearHigh, false), '.'] : ['.']),
  ];
}

/** Which mesh leaves the lowest median at each entry point, and which costs least. */
function bottomLine(model: ReportModel): Sentence[] {
  const b = model.baseline;
  if (b === null || model.invoice === null) return [];
  // Every run with a data plane competes, the baseline too when it is a mesh (compare --mesh linkerd,istio-sidecar,cilium).
  const meshed = model.runs.map((_, i) => i).filter((i) => i !== b || model.runs[i].mesh.mode !== 'none');
  if (meshed.length < 2) return [];
  const lines: Sentence[] = [];
  for (const ep of model.invoice) {
    const line = medianOrder(model, ep, meshed);
    if (line !== null) lines.push(line);
  }
  // A mode under which no request succeeded anywhere is no data plane to choose, however little it costs.
  const served = meshed.filter((i) => model.runs[i].entrypoints.some((e) => e.succeeded > 0));
  if (served.length < 2) return lines;
  const data = (i: number) => model.runs[i].resources;
  lines.push(cheapest(model, served, 'data plane', (i) => data(i).proxyCostPerMonth, (i) => data(i).projection.proxyCostPerMonth));
  // With its control plane priced, the whole mesh's order may differ from the proxies' (istiod against Linkerd's control plane).
  // Only meshes whose profile prices its control plane: one that does not (cilium's) would rank cheapest for what is left out.
  const priced = served.filter((i) => {
    const cp = controlPlaneOf(data(i), model.runs[i].mesh.mode);
    return cp !== null && controlPlaneCharged(cp);
  });
  if (priced.length >= 2) {
    const whole = (i: number): number => data(i).meshCostPerMonth;
    const sentence = cheapest(model, priced, 'mesh counting its control plane', whole, (i) => data(i).projection.meshCostPerMonth);
    const unpriced = served.filter((i) => !priced.includes(i));
    if (unpriced.length > 0) {
      // "… the dearest x ($…)." → "… the dearest x ($…); y is left out: its control plane is not priced by its profile."
      const names = joinModes(unpriced.map((i) => model.modes[i]));
      const one = unpriced.length === 1;
      const last = sentence.length - 1;
      const tail = sentence[last];
      if (typeof tail === 'string' && tail.endsWith('.')) sentence[last] = tail.slice(0, -1);
      sentence.push('; ', ...names, one ? ' is left out: its control plane is not priced by its profile.' : ' are left out: their control planes are not priced by their profiles.');
    }
    lines.push(sentence);
  }
  return lines;
}

/** "The cheapest data plane is …; the dearest …", here and at N pods, by the given monthly costs. */
function cheapest(model: ReportModel, served: number[], what: string, cost: (i: number) => number, projected: (i: number) => number): Sentence {
  const least = (f: (i: number) => number): number => served.reduce((x, y) => (f(y) < f(x) ? y : x));
  const most = (f: (i: number) => number): number => served.reduce((x, y) => (f(y) > f(x) ? y : x));
  const cheap = least(cost), dear = most(cost);
  const pods = formatPods(model.runs[0].resources.projection.pods);
  const at = (i: number): string => `${formatDollars(cost(i))} a month here, ${formatDollars(projected(i))} at ${pods}`;
  // Sidecars scale with pods, node proxies with nodes: the order here need not hold at scale.
  const cheapAtScale = least(projected), dearAtScale = most(projected);
  if (cheapAtScale === cheap && dearAtScale === dear) {
    return [
      `The cheapest ${what} is `, { strong: model.modes[cheap] }, ` (${at(cheap)})`,
      ...(dear !== cheap ? ['; the dearest ', { strong: model.modes[dear] }, ` (${at(dear)}).`] : ['.']),
    ];
  }
  const here = (i: number): string => `${formatDollars(cost(i))} a month`;
  const scaled = (i: number): string => `${formatDollars(projected(i))} a month`;
  return [
    `Here the cheapest ${what} is `, { strong: model.modes[cheap] }, ` (${here(cheap)})`,
    ...(dear !== cheap ? ['; the dearest ', { strong: model.modes[dear] }, ` (${here(dear)})`] : []),
    `. At ${pods} the order changes: `, { strong: model.modes[cheapAtScale] }, ` is the cheapest (${scaled(cheapAtScale)})`,
    ...(dearAtScale !== cheapAtScale ? [' and ', { strong: model.modes[dearAtScale] }, ` the dearest (${scaled(dearAtScale)}).`] : ['.']),
  ];
}

export function buildInvoice(model: ReportModel): Invoice {
  const name = model.topology.name;
  if (model.baseline === null) {
    return {
      // From compare with one --mesh, the advice is more meshes, not the command that made it.
      intro: model.kind === 'compare'
        ? [`${name} under ${model.modes[0]} alone; `, { strong: 'meshtax compare --mesh none,istio-sidecar,…' }, ' with more than one mode shows the differences.']
        : model.runs[0].mesh.mode === 'none'
          ? [`${name} without a mesh; `, { strong: 'meshtax compare' }, ' shows what each mesh would add to it.']
          : [`${name} under one mesh; `, { strong: 'meshtax compare' }, ' shows it against no mesh and the other meshes.'],
      items: [{ mode: model.modes[0], sentence: singleSentence(model) }],
      bottomLine: [],
      noEffect: noEffectSentences(model),
    };
  }
  const b = model.baseline;
  const order = [b, ...model.runs.map((_, i) => i).filter((i) => i !== b)];
  return {
    intro: [
      `${name} was simulated under ${model.runs.length} data planes with the same seed and the same random numbers, so the differences are the meshes', not chance. Against `,
      { strong: model.modes[b] }, ':',
    ],
    items: order.map((i) => ({ mode: model.modes[i], sentence: i === b ? baselineSentence(model, i) : comparedSentence(model, i) })),
    bottomLine: bottomLine(model),
    noEffect: noEffectSentences(model),
  };
}

/**
 * The settings that did nothing, from the runs' no-effect warnings: one
 * sentence a setting and reason, naming the modes it did nothing in (all
 * of them: "in every mode"), in the order of the first mode that has it.
 */
function noEffectSentences(model: ReportModel): Sentence[] {
  const seen = new Map<string, { subject: string; message: string; modes: number[] }>();
  model.runs.forEach((run, m) => {
    for (const w of run.warnings) {
      if (w.code !== 'no-effect') continue;
      const key = `${w.subject}\u0000${w.message}`;
      const had = seen.get(key);
      if (had) had.modes.push(m);
      else seen.set(key, { subject: w.subject, message: w.message, modes: [m] });
    }
  });
  return [...seen.values()].map(({ subject, message, modes }): Sentence => {
    const where: Sentence = model.runs.length === 1 ? ['In this run']
      : modes.length === model.runs.length ? ['In every mode'] : ['Under ', ...joinModes(modes.map((m) => model.modes[m]))];
    return [...where, ', a setting did nothing: ', { strong: subject }, ` — ${message}.`];
  });
}

/** The invoice as plain text (tests, and anyone who wants the words without the page). */
export function invoiceText(inv: Invoice): string {
  const text = (s: Sentence): string => s.map((x) => (typeof x === 'string' ? x : x.strong)).join('');
  return [text(inv.intro), ...inv.items.map((i) => `- ${text(i.sentence)}`), ...inv.noEffect.map(text), ...inv.bottomLine.map(text)].join('\n');
}
