/**
 * What a sweep report shows, from the sweep's NDJSON records: the swept
 * parameters, the one on the x axis, one series per mesh (and per value of
 * any other swept parameter), each point's metrics averaged over its
 * repeats with a 95 % band, and the knee of each series' p99 curve.
 */
import { LogHistogram } from '../../sim/stats/histogram.js';
import { NUMBER, parseBandwidth, parseDuration, parsePrice, parseRate, parseSize } from '../../sim/units/parse.js';
import { DiagnosticError } from '../../sim/diagnostics/types.js';
import { meanConfidenceInterval } from '../../sim/stats/confidence.js';
import type { Interval } from '../../sim/results/types.js';
import type { SweepIdentity, SweepRecord } from '../../sim/sweep/record.js';
import { recordsProblems } from '../../sim/sweep/store.js';
import { parsePath } from '../../sim/sweep/values.js';
import { formatPath } from '../../sim/diagnostics/format.js';

export interface SweepReportOptions {
  /** The parameter on the x axis; default: a numeric swept one, the one with the most values, other than the mesh. */
  x?: string;
}

/** A metric at one point: the mean over repeats and its 95 % interval (null when there is none). */
export interface Estimate {
  value: number | null;
  lo: number | null;
  hi: number | null;
}

export interface SweepRow {
  series: string;
  /** The mesh profile the point ran under. */
  mesh: string;
  meshMode: string;
  /** The x value as a number (numeric axis) or as written. */
  x: number | string;
  /** The x value as written. */
  xLabel: string;
  /** Canonical order of the point, for stable tables. */
  order: number;
  entrypoint: string;
  repeats: number;
  /** Repeats the simulation stopped itself (queues grew without bound). */
  aborted: number;
  p50: Estimate;
  p99: Estimate;
  mean: Estimate;
  errorRate: Estimate;
  throughput: Estimate;
  proxyVcpu: Estimate;
  proxyMemoryGB: Estimate;
  proxyCostPerMonth: Estimate;
  /** The proxies' and the control plane's cost where the profile prices it (the proxies' alone where not). */
  meshCostPerMonth: Estimate;
  meshCaused: Estimate;
  saturated: boolean;
  /** Codes of the repeats' other warnings (short-run, beyond-range), each once, sorted. */
  warnings: string[];
  /** Why a repeat of the point stopped itself, when one did. */
  abort: string | null;
  params: Record<string, unknown>;
}

export interface Knee {
  series: string;
  entrypoint: string;
  x: number;
  xLabel: string;
  p99: number;
}

export interface SweepReportModel {
  sweep: SweepIdentity;
  /** Runs in the records (a partial sweep has fewer than sweep.runs). */
  runs: number;
  points: number;
  /** Swept parameters (more than one value), with their values in canonical order. */
  swept: Array<{ key: string; values: unknown[] }>;
  /** Parameters with one value: the same at every point. */
  fixed: Array<{ key: string; value: unknown }>;
  x: { key: string | null; numeric: boolean; unit: string; title: string };
  /** The mesh is on the x axis and each series is a value of the other swept parameters, across the meshes. */
  acrossMeshes: boolean;
  series: string[];
  entrypoints: string[];
  rows: SweepRow[];
  knees: Knee[];
  aborted: number;
}

const NUMBER_WITH_UNIT = new RegExp(String.raw`^\s*(${NUMBER})\s*(\S*)\s*$`);

/** The quantities a swept value may be written in, each with its base unit. */
const QUANTITIES = [[parseDuration, 's'], [parseRate, '/s'], [parseSize, 'B'], [parseBandwidth, 'B/s'], [parsePrice, '$']] as const;

/** The values as numbers when all are numbers, or all numbers in one unit; else null. */
function numericValues(values: unknown[]): { numbers: number[]; unit: string } | null {
  if (values.every((v) => typeof v === 'number')) return { numbers: values as number[], unit: '' };
  const parts = values.map((v) => (typeof v === 'string' ? NUMBER_WITH_UNIT.exec(v) : null));
  const unit = parts[0]?.[2];
  if (parts.every((p) => p !== null && p[2] === unit)) return { numbers: parts.map((p) => Number(p![1])), unit: unit ?? '' };
  // 500us, 1ms, 2ms or 30/s, 6000/m or 512B, 1KB, 1MB: one quantity in several units — in base units, still
  // numeric (a size field's bare whole number, 512 beside 1KB, is bytes, as the topology reads it). Prices
  // come last: "$0.04" is dollars wherever written, but a bare number beside 1KB is the other quantity's.
  if (!values.every((v) => typeof v === 'string' || typeof v === 'number')) return null;
  for (const [parse, base] of QUANTITIES) {
    const parsed = values.map((v) => parse(v as string | number));
    if (parsed.every((r) => r.ok)) return { numbers: parsed.map((r) => (r as { value: number }).value), unit: base };
  }
  return null;
}

/** What a point that does not set a parameter (a sweep file's `points` may set different ones) runs with. */
export const UNSET = "(file's value)";

export function showValue(v: unknown): string {
  if (v === undefined) return UNSET;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * `resolution`: the metric's own relative error (a quantile read from a
 * histogram: ±α). Repeats whose quantiles land in one bucket agree exactly,
 * and their interval would have no width; it keeps at least ±resolution.
 */
function estimate(values: number[], own: Interval | undefined, resolution = 0): Estimate {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { value: null, lo: null, hi: null };
  if (finite.length === 1) {
    const v = finite[0];
    if (!own) return { value: v, lo: null, hi: null };
    // Batch means whose quantiles land in one bucket agree exactly too: keep the histogram's ±resolution.
    return { value: v, lo: Math.max(0, Math.min(own[0], v * (1 - resolution))), hi: Math.max(own[1], v * (1 + resolution)) };
  }
  const ci = meanConfidenceInterval(finite);
  const lo = Math.min(ci.lower, ci.mean * (1 - resolution)), hi = Math.max(ci.upper, ci.mean * (1 + resolution));
  // Every metric here is ≥ 0: an interval from few repeats can reach below, the metric cannot.
  return { value: ci.mean, lo: Number.isFinite(lo) ? Math.max(0, lo) : null, hi: Number.isFinite(hi) ? hi : null };
}

/**
 * The knee of an increasing curve (Kneedle, for a convex curve): with x and
 * y scaled to [0, 1], the point farthest below the diagonal — where the
 * curve stops being flat and turns up. None when the curve hardly rises
 * (its end is less than 1.5× its start) or bends too little.
 */
export function findKnee(points: ReadonlyArray<{ x: number; y: number }>): number | null {
  const pts = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
  if (pts.length < 3) return null;
  const x0 = pts[0].x, x1 = pts[pts.length - 1].x;
  const ys = pts.map((p) => p.y);
  const yMin = Math.min(...ys), yMax = Math.max(...ys);
  if (x1 <= x0 || yMax <= yMin || !(pts[pts.length - 1].y >= 1.5 * pts[0].y)) return null;
  let best = -1, bestDiff = 0.1;
  for (let i = 1; i < pts.length - 1; i++) {
    const diff = (pts[i].x - x0) / (x1 - x0) - (pts[i].y - yMin) / (yMax - yMin);
    if (diff > bestDiff) {
      bestDiff = diff;
      best = i;
    }
  }
  return best < 0 ? null : pts[best].x;
}

function distinct(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const v of values) {
    const k = JSON.stringify(v);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}

/**
 * Whether a swept parameter is the mesh profile itself: `mesh` or its long
 * form `mesh.profile`. A series is named by its profile already, so the
 * parameter adds nothing to its name (it read "linkerd, mesh.profile=linkerd").
 */
export function namesMesh(key: string): boolean {
  return key === 'mesh' || key === 'mesh.profile';
}

export function sweepReportModel(records: readonly SweepRecord[], options: SweepReportOptions = {}): SweepReportModel {
  // Records built or parsed in code get the checks a results file gets: a DiagnosticError, not a TypeError or a silent average.
  const problems = recordsProblems(records);
  if (problems.length > 0) throw new DiagnosticError(problems);
  const sorted = [...records].sort((a, b) => a.run - b.run);
  const keys = [...new Set(sorted.flatMap((r) => Object.keys(r.params)))].sort();
  // Numeric values in order of size: a shard's runs (every n-th of the grid) meet them out of order.
  const ordered = (values: unknown[]): unknown[] => {
    const n = numericValues(values);
    return n === null ? values : values.map((v, i) => [v, n.numbers[i]] as const).sort((a, b) => a[1] - b[1]).map(([v]) => v);
  };
  const all = keys.map((key) => ({ key, values: ordered(distinct(sorted.map((r) => r.params[key]))) }));
  const swept = all.filter((p) => p.values.length > 1);
  const fixed = all.filter((p) => p.values.length === 1).map((p) => ({ key: p.key, value: p.values[0] }));

  // Results name a parameter by its canonical path; --x may spell it as --set may (timeline.0.at, services["api"].replicas).
  const parsedX = options.x === undefined ? undefined : parsePath(options.x);
  const x = parsedX === undefined ? undefined : parsedX.ok ? formatPath(parsedX.value) : options.x;
  if (x !== undefined && !keys.includes(x)) {
    throw new DiagnosticError([{
      severity: 'error', code: 'bad-option', path: ['--x'], message: `--x ${JSON.stringify(options.x)}: not a parameter of this sweep`,
      hint: `the parameters are: ${keys.join(', ')}`,
    }]);
  }
  const candidates = swept.filter((p) => !namesMesh(p.key));
  const byCount = [...candidates].sort((a, b) =>
    (numericValues(b.values) ? 1 : 0) - (numericValues(a.values) ? 1 : 0) || b.values.length - a.values.length);
  const xKey = x ?? byCount[0]?.key ?? swept[0]?.key ?? null;
  const xValues = xKey === null ? [] : all.find((p) => p.key === xKey)!.values;
  const numeric = xKey === null ? null : numericValues(xValues);
  const unit = numeric?.unit ?? '';
  const title = xKey === null ? 'point' : unit ? `${xKey} (${unit})` : xKey;
  const others = swept.filter((p) => p.key !== xKey && !namesMesh(p.key)).map((p) => p.key);

  // An aborted run has no summary: its mesh is that of the completed runs with the same mesh
  // parameters (the topology's own mesh when the mesh is not swept), so it stays on its curve.
  // Sorted by path: a point's params are written sorted, but a record built in code may list them in any order.
  const meshKey = (r: SweepRecord): string =>
    JSON.stringify(Object.entries(r.params).filter(([k]) => k === 'mesh' || k.startsWith('mesh.')).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const profileOf = new Map<string, string>();
  for (const r of sorted) if (r.summary && !profileOf.has(meshKey(r))) profileOf.set(meshKey(r), r.summary.mesh.profile);
  // With the mesh itself on the x axis (--x mesh) and other parameters swept, a line runs across the meshes,
  // one per value of the others: named by its mesh too, each series held one point and no line compared two
  // meshes. (The mesh swept alone keeps a series per mesh: one point each, in the meshes' colours.)
  const acrossMeshes = xKey !== null && namesMesh(xKey) && others.length > 0;
  const seriesOf = (r: SweepRecord): string => {
    const rest = others.map((k) => `${k}=${showValue(r.params[k])}`);
    if (acrossMeshes) return rest.join(', ');
    const mesh = r.summary?.mesh.profile ?? profileOf.get(meshKey(r)) ?? showValue(r.params.mesh ?? UNSET);
    return [mesh, ...rest].join(', ');
  };
  // Each x value's place, looked up once a point: a search of the list at every point made a
  // range of 10,000 rates take a minute to report (points × values comparisons).
  const xPlace = new Map<string | undefined, number>();
  xValues.forEach((u, i) => {
    const k = JSON.stringify(u);
    if (!xPlace.has(k)) xPlace.set(k, i);
  });
  const xOf = (r: SweepRecord): { x: number | string; label: string } => {
    if (xKey === null) return { x: 'all', label: 'all' };
    const v = r.params[xKey];
    // By its place among the x values: numbers in the unit they were converted to together.
    if (numeric) return { x: numeric.numbers[xPlace.get(JSON.stringify(v)) ?? -1], label: showValue(v) };
    return { x: showValue(v), label: showValue(v) };
  };

  // A point's repeats together; points in the order of their first run, which is point order (runs are numbered
  // point by point), whatever order the shards wrote them in.
  const groups = new Map<number, SweepRecord[]>();
  for (const r of sorted) {
    const g = groups.get(r.point);
    if (g) g.push(r);
    else groups.set(r.point, [r]);
  }
  const entrypoints = distinct(sorted.flatMap((r) => r.summary?.entrypoints.map((e) => e.name) ?? [])) as string[];
  const rows: SweepRow[] = [];
  for (const [point, group] of groups) {
    const done = group.filter((r) => r.summary !== undefined);
    const first = group[0];
    const { x, label } = xOf(first);
    const series = seriesOf(done[0] ?? first);
    const one = done.length === 1 ? done[0] : undefined;
    // A sweep (or shard) whose every run aborted names no entry point: keep its points as rows all the same.
    for (const ep of entrypoints.length > 0 ? entrypoints : ['']) {
      const eps = done.map((r) => r.summary!.entrypoints.find((e) => e.name === ep)).filter((e) => e !== undefined);
      const own = one?.summary!.entrypoints.find((e) => e.name === ep);
      const lat = (f: 'p50' | 'p99' | 'mean') => estimate(
        eps.map((e) => (e.completed > e.failed ? e[f] : NaN)), own?.ci[f] ?? undefined, f === 'mean' ? 0 : LogHistogram.RELATIVE_ERROR,
      );
      const res = (f: 'proxyVcpu' | 'proxyMemoryGB' | 'proxyCostPerMonth') => estimate(done.map((r) => r.summary!.resources[f]), undefined);
      rows.push({
        series, mesh: done[0]?.summary?.mesh.profile ?? profileOf.get(meshKey(first)) ?? series, meshMode: done[0]?.summary?.mesh.mode ?? '',
        x, xLabel: label, order: point, entrypoint: ep, repeats: group.length, aborted: group.length - done.length,
        p50: lat('p50'), p99: lat('p99'), mean: lat('mean'),
        errorRate: estimate(eps.map((e) => e.errorRate), undefined),
        throughput: estimate(eps.map((e) => e.throughput), undefined),
        proxyVcpu: res('proxyVcpu'), proxyMemoryGB: res('proxyMemoryGB'), proxyCostPerMonth: res('proxyCostPerMonth'),
        meshCostPerMonth: estimate(done.map((r) => r.summary!.resources.proxyCostPerMonth + (r.summary!.resources.controlPlaneCostPerMonth ?? 0)), undefined),
        meshCaused: estimate(eps.map((e) => e.meshCaused), undefined),
        // A run stopped by a queue that grew without bound is the most saturated point of all; one
        // stopped by a closed loop stuck at an instant is not (files before the reason was kept: overload).
        saturated: group.some((r) => r.aborted && r.aborted.reason !== 'zero-time-loop') || done.some((r) => r.summary!.saturated.length > 0),
        warnings: [...new Set(done.flatMap((r) => (r.summary!.warnings ?? []).map((w) => w.code)))].sort(),
        abort: group.find((r) => r.aborted)?.aborted?.message ?? null,
        params: first.params,
      });
    }
  }
  const series = distinct(rows.map((r) => r.series)) as string[];
  const knees: Knee[] = [];
  if (numeric) {
    for (const s of series) {
      for (const ep of entrypoints) {
        const curve = rows.filter((r) => r.series === s && r.entrypoint === ep && r.p99.value !== null);
        const kx = findKnee(curve.map((r) => ({ x: r.x as number, y: r.p99.value as number })));
        const at = kx === null ? undefined : curve.find((r) => r.x === kx);
        if (at) knees.push({ series: s, entrypoint: ep, x: kx as number, xLabel: at.xLabel, p99: at.p99.value as number });
      }
    }
  }
  return {
    sweep: sorted[0].sweep,
    runs: sorted.length,
    points: groups.size,
    swept, fixed,
    x: { key: xKey, numeric: numeric !== null, unit, title },
    acrossMeshes,
    series, entrypoints, rows, knees,
    aborted: sorted.filter((r) => r.aborted !== undefined).length,
  };
}
