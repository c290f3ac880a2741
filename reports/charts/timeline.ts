/**
 * The run over time, per mesh: throughput, error rate and p99, one panel
 * each on a shared time axis, with the timeline's events (rollouts, pushes,
 * faults, crashes, expiries, ejections) marked as rules and the warm-up
 * shaded. Null for results without a timeline (files written before it
 * existed), and for steady runs in which nothing happened.
 */
import type { RunResult, Timeline } from '../../sim/results/types.js';
import { formatCount, formatPercent, formatRate, formatSeconds } from '../format.js';
import { num, type ReportModel } from '../model.js';
import { P99_CLASS_RATIO } from '../../sim/model/series.js';
import { AXIS_LOG, AXIS_PERCENT, BASE_CONFIG, SCHEMA, formatInUnit, inUnit, logAxisUnit, meshScale, round, tip, type ReportChart, type TimeUnit } from './common.js';

/** Points per mode at most: finer than the chart's pixels, and it bounds the inlined data for long runs. */
const MAX_POINTS = 300;
/** Marker rules at most: events closer than about a pixel's worth of time share one rule. */
const MARKER_SLOTS = 800;
/** Lines in one rule's tooltip at most; the rest are counted. */
const MARKER_LINES = 12;

export interface TimelineRow {
  mesh: string;
  /** Start of the interval, seconds. */
  t: number;
  rate: number;
  errorRate: number | null;
  /** In the p99 panel's unit (timelineRows' p99Unit). */
  p99: number | null;
  when: string;
  rateLabel: string;
  errorLabel: string;
  p99Label: string;
}

/** One rule: every event of every mode at (about) one time, so none hides behind another. */
export interface MarkerRow {
  t: number;
  when: string;
  /** One line per event and subject: how many, and in which meshes when not in all. */
  events: string;
  /** Holds an event of the topology's timeline (a fault, a rollout), not only the mesh's own pushes and ejections: drawn darker. */
  major: boolean;
}

/** What the mesh does on its own, often dozens of times a run: drawn light, so the timeline's own events stand out. */
const ROUTINE = new Set(['push', 'push-converged', 'ejection']);

/** Older results files have no timeline; the type says it is there, the file may not. */
function timelineOf(run: RunResult): Timeline | undefined {
  const tl = (run as { timeline?: Timeline }).timeline;
  return tl && Array.isArray(tl.points) && tl.points.length > 0 ? tl : undefined;
}

/**
 * Whether the offered load changed during the run (a schedule, a surge), from
 * requests completed per interval: steady Poisson load has a variance about
 * equal to its mean (closed loops less), so a variance several times the mean
 * means the level moved. Interior intervals after the warm-up only: the first
 * may catch a ramp and the last is cut short by the end of the load.
 */
function loadVaried(counts: number[]): boolean {
  const xs = counts.slice(1, -1);
  if (xs.length < 5) return false;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return mean > 0 && variance / mean > 3;
}

/**
 * A time on the run's clock for tooltips: formatSeconds' three digits past ten
 * minutes would round an interval's two ends together ("114m – 114m"), so a
 * long run reads h:mm:ss.
 */
function clock(t: number, long: boolean): string {
  if (!long) return formatSeconds(t);
  const s = Math.round(t);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

export function timelineRows(model: ReportModel): { points: TimelineRow[]; markers: MarkerRow[]; loadVaried: boolean; p99Unit: TimeUnit } {
  const points: TimelineRow[] = [];
  /** Each point's p99 in seconds, NaN where there is none, until the unit is known. */
  const p99Seconds: number[] = [];
  const raw: Array<{ mode: string; at: number; kind: string; subject: string }> = [];
  let varied = false;
  let longest = 0;
  model.runs.forEach((run, m) => {
    const tl = timelineOf(run);
    if (!tl) return;
    // After the load stops only the drain is left: a partial last interval that reads as a collapse.
    const end = run.settings.duration ?? Infinity;
    const offered = tl.points.filter((p) => p.t < end);
    const stop = Number.isFinite(end) ? end : num(run.run?.simulatedTime) || Infinity;
    const group = Math.max(1, Math.ceil(offered.length / MAX_POINTS));
    const long = offered.length * tl.interval >= 600;
    varied ||= loadVaried(offered.filter((p) => p.t >= run.settings.warmup).map((p) => p.completed));
    for (let i = 0; i < offered.length; i += group) {
      const slice = offered.slice(i, i + group);
      const completed = slice.reduce((a, p) => a + p.completed, 0);
      const failed = slice.reduce((a, p) => a + p.failed, 0);
      // Merged intervals keep the worst p99: a spike must not be averaged away.
      const p99s = slice.map((p) => num(p.p99)).filter((x) => Number.isFinite(x));
      const p99 = p99s.length ? Math.max(...p99s) : NaN;
      const t = slice[0].t;
      // The last group may hold fewer intervals than the others, and the run may stop inside its last
      // interval (the load's end, or a --requests run's last completion): the rate is over the time covered.
      const width = Math.max(Math.min(tl.interval * slice.length, stop - t), Number.MIN_VALUE);
      const row: TimelineRow = {
        mesh: model.modes[m], t: round(t) ?? 0, rate: round(completed / width) ?? 0,
        errorRate: completed > 0 ? round(failed / completed) : null, p99: null,
        when: `${clock(t, long)} – ${clock(t + width, long)}`, rateLabel: formatRate(completed / width),
        errorLabel: completed > 0 ? `${formatPercent(failed / completed)} (${formatCount(failed)} of ${formatCount(completed)})` : '–',
        p99Label: '–',
      };
      // Each interval as a segment from its start to its end, so the last one is drawn too and an
      // interval with no value (nothing completed, nothing succeeded) breaks the line instead of
      // carrying the one before it across.
      points.push(row, { ...row, t: round(t + width) ?? 0 });
      p99Seconds.push(p99, p99);
    }
    // A push's convergence is marked when it is sent, at the time its slowest proxy will have it: past the
    // run's end that never happened, and past the last interval drawn it only stretches the time axis.
    const last = offered.length ? offered[offered.length - 1].t + tl.interval : 0;
    const until = Math.min(last, num(run.run?.simulatedTime) || Infinity);
    longest = Math.max(longest, offered.length * tl.interval);
    for (const mk of tl.markers ?? []) if (mk.at <= until) raw.push({ mode: model.modes[m], at: mk.at, kind: mk.kind, subject: mk.subject });
  });
  // One unit for every mode's line, from the p99s drawn: a chain of seconds read "9,000" in ms.
  const p99Unit = logAxisUnit(p99Seconds);
  points.forEach((row, i) => {
    row.p99 = inUnit(p99Seconds[i], p99Unit);
    row.p99Label = Number.isFinite(p99Seconds[i]) ? `≈ ${formatInUnit(p99Seconds[i], p99Unit)}` : '–';
  });
  return { points, markers: markerRows(model, raw, longest >= 600), loadVaried: varied, p99Unit };
}

/**
 * Every marker of every mode, none dropped: markers within one slot of time
 * (a fraction of a pixel) become one rule whose tooltip lists them all,
 * with the meshes each happened in unless it happened in every one.
 */
function markerRows(model: ReportModel, raw: Array<{ mode: string; at: number; kind: string; subject: string }>, long: boolean): MarkerRow[] {
  if (raw.length === 0) return [];
  const span = raw.reduce((a, r) => Math.max(a, r.at), 0) || 1;
  const slot = span / MARKER_SLOTS;
  const slots = new Map<number, typeof raw>();
  for (const r of raw) {
    const k = Math.floor(r.at / slot);
    const list = slots.get(k);
    if (list) list.push(r);
    else slots.set(k, [r]);
  }
  return [...slots.keys()].sort((a, b) => a - b).map((k) => {
    const rs = slots.get(k)!;
    const lines = new Map<string, { modes: Set<string>; count: number }>();
    for (const r of rs) {
      const line = r.subject ? `${r.kind} ${r.subject}` : r.kind;
      const had = lines.get(line) ?? { modes: new Set<string>(), count: 0 };
      had.modes.add(r.mode);
      had.count++;
      lines.set(line, had);
    }
    const text = [...lines.entries()].map(([line, { modes, count }]) => {
      const times = count > modes.size ? ` ×${count}` : '';
      const where = model.modes.length > 1 && modes.size < model.modes.length ? ` (${model.modes.filter((m) => modes.has(m)).join(', ')})` : '';
      return `${line}${times}${where}`;
    });
    const shown = text.length > MARKER_LINES ? [...text.slice(0, MARKER_LINES - 1), `… and ${text.length - MARKER_LINES + 1} more`] : text;
    const t = rs.reduce((a, r) => Math.min(a, r.at), Infinity);
    return { t: round(t) ?? 0, when: clock(t, long), events: shown.join('\n'), major: rs.some((r) => !ROUTINE.has(r.kind)) };
  });
}

type Measure = 'rate' | 'errorRate' | 'p99';

/**
 * The p99 panel's log axis, padded by one ×1.5 class (the p99's own
 * resolution) beyond the values drawn: a p99 is a class's middle, and with
 * the axis ending at the highest the top line sat on the panel's edge, its
 * stroke cut in half and its points under the frame. The lowest line gets
 * a class below it for the same reason (it lay on the time axis). Null with
 * no p99 to draw.
 */
export function p99Domain(points: readonly TimelineRow[]): [number, number] | null {
  const values = points.map((p) => p.p99).filter((v): v is number => v !== null && v > 0);
  if (values.length === 0) return null;
  const low = values.reduce((a, b) => Math.min(a, b)), high = values.reduce((a, b) => Math.max(a, b));
  return [round(low / P99_CLASS_RATIO) ?? low, round(high * P99_CLASS_RATIO) ?? high];
}

function panel(model: ReportModel, field: Measure, title: string, axis: string, last: boolean, warmup: number, withMarkers: boolean, p99: [number, number] | null = null) {
  const x = { field: 't', type: 'quantitative' as const, title: last ? 'simulated time (s)' : null, axis: last ? {} : { labels: false } };
  const y = field === 'p99'
    ? { field, type: 'quantitative' as const, title: axis, scale: { type: 'log' as const, nice: false, ...(p99 ? { domain: p99 } : {}) }, axis: { format: AXIS_LOG } }
    : { field, type: 'quantitative' as const, title: axis, ...(field === 'errorRate' ? { axis: { format: AXIS_PERCENT } } : {}) };
  const labels: Record<Measure, string> = { rate: 'rateLabel', errorRate: 'errorLabel', p99: 'p99Label' };
  return {
    title,
    width: 820,
    height: 110,
    layer: [
      ...(warmup > 0 ? [{
        data: { values: [{ from: 0, to: warmup }] },
        mark: { type: 'rect' as const, color: '#f0f0f0' },
        encoding: { x: { field: 'from', type: 'quantitative' as const }, x2: { field: 'to' } },
      }] : []),
      // An empty layer would give vega an infinite extent to warn about.
      ...(withMarkers ? [{
        data: { name: 'markers' },
        mark: { type: 'rule' as const, strokeDash: [2, 3] },
        encoding: { x: { field: 't', type: 'quantitative' as const }, color: { condition: { test: 'datum.major', value: '#707070' }, value: '#d4d4d4' }, tooltip: [tip('when', 'at'), tip('events', 'events')] },
      }] : []),
      {
        data: { name: 'points' },
        mark: { type: 'line' as const, point: 'transparent' as const, strokeWidth: 1.5, invalid: 'break-paths-filter-domains' as const },
        encoding: {
          x, y,
          color: { field: 'mesh', type: 'nominal' as const, title: 'mesh', scale: meshScale(model), sort: model.modes },
          tooltip: [tip('mesh', 'mesh'), tip('when', 'time'), tip(labels[field], title)],
        },
      },
    ],
  };
}

export function timelineChart(model: ReportModel): ReportChart | null {
  const { points, markers, loadVaried, p99Unit } = timelineRows(model);
  const { warmup, replications, seed } = model.runs[0].settings;
  // A steady run in which nothing happened draws flat lines, and the p99's coarse classes
  // flickering between neighbours, which reads as trouble where there is none.
  const failures = points.some((p) => p.errorRate !== null && p.errorRate > 0);
  if (points.length === 0 || !(markers.length > 0 || failures || loadVaried)) return null;
  // When nothing succeeded in any mode there is no p99 to draw: an empty log-scale panel only makes vega warn.
  const withP99 = points.some((p) => p.p99 !== null);
  const entrypoints = model.runs[0].entrypoints.length;
  return {
    id: 'timeline',
    title: 'Over time',
    caption: 'Each line is one mesh, per interval of simulated time: requests completed per second, the share that failed, and an approximate p99 of the successful ones (−18 % … +22 %). Dotted rules mark the timeline\'s events (hover for what happened); the shaded start is the warm-up, left out of every other number.' +
      // The results keep one time series a run, of every entry point's requests: its p99 is none of the tables' p99s.
      (entrypoints > 1 ? ` Each interval counts the requests of all ${entrypoints} entry points together: ${withP99 ? 'its p99 is of them all, not one entry point\'s' : 'not one entry point\'s'}.` : '') +
      (withP99 ? '' : ' No request succeeded, so there is no p99 to show.') +
      // The results keep one replication's time series: its counts are that run's, not the totals above.
      (replications > 1 ? ` Drawn from the first of the ${replications} replications (seed ${seed}) alone: its counts are a fraction of the totals above, and its events (ejections, pushes) are that run's.` : ''),
    spec: {
      $schema: SCHEMA,
      datasets: { points, markers },
      vconcat: [
        panel(model, 'rate', 'Throughput', 'requests/s', false, warmup, markers.length > 0),
        panel(model, 'errorRate', 'Error rate', 'failed', !withP99, warmup, markers.length > 0),
        ...(withP99 ? [panel(model, 'p99', 'p99 latency', `${p99Unit.symbol} (log scale)`, true, warmup, markers.length > 0, p99Domain(points))] : []),
      ],
      resolve: { scale: { x: 'shared' as const } },
      config: BASE_CONFIG,
    },
  };
}
