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
import { BASE_CONFIG, SCHEMA, meshScale, ms, round, tip, type ReportChart } from './common.js';

/** Points per mode at most: finer than the chart's pixels, and it bounds the inlined data for long runs. */
const MAX_POINTS = 300;
/** Markers per mode at most: beyond this they are a smear, and the tooltip is what matters. */
const MAX_MARKERS = 150;

export interface TimelineRow {
  mesh: string;
  /** Start of the interval, seconds. */
  t: number;
  rate: number;
  errorRate: number | null;
  p99: number | null;
  when: string;
  rateLabel: string;
  errorLabel: string;
  p99Label: string;
}

export interface MarkerRow {
  mesh: string;
  t: number;
  what: string;
  subject: string;
  when: string;
}

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

export function timelineRows(model: ReportModel): { points: TimelineRow[]; markers: MarkerRow[]; loadVaried: boolean } {
  const points: TimelineRow[] = [];
  const markers: MarkerRow[] = [];
  let varied = false;
  model.runs.forEach((run, m) => {
    const tl = timelineOf(run);
    if (!tl) return;
    // After the load stops only the drain is left: a partial last interval that reads as a collapse.
    const end = run.settings.duration ?? Infinity;
    const offered = tl.points.filter((p) => p.t < end);
    const group = Math.max(1, Math.ceil(offered.length / MAX_POINTS));
    varied ||= loadVaried(offered.filter((p) => p.t >= run.settings.warmup).map((p) => p.completed));
    for (let i = 0; i < offered.length; i += group) {
      const slice = offered.slice(i, i + group);
      const completed = slice.reduce((a, p) => a + p.completed, 0);
      const failed = slice.reduce((a, p) => a + p.failed, 0);
      // Merged intervals keep the worst p99: a spike must not be averaged away.
      const p99s = slice.map((p) => num(p.p99)).filter((x) => Number.isFinite(x));
      const p99 = p99s.length ? Math.max(...p99s) : NaN;
      const t = slice[0].t;
      // The last group may hold fewer intervals than the others: its rate is over its own length.
      const width = tl.interval * slice.length;
      points.push({
        mesh: model.modes[m], t: round(t) ?? 0, rate: round(completed / width) ?? 0,
        errorRate: completed > 0 ? round(failed / completed) : null, p99: ms(p99),
        when: `${formatSeconds(t)} – ${formatSeconds(t + width)}`, rateLabel: formatRate(completed / width),
        errorLabel: completed > 0 ? `${formatPercent(failed / completed)} (${formatCount(failed)} of ${formatCount(completed)})` : '–',
        p99Label: Number.isFinite(p99) ? `≈ ${formatSeconds(p99)}` : '–',
      });
    }
    for (const mk of (tl.markers ?? []).slice(0, MAX_MARKERS)) {
      markers.push({ mesh: model.modes[m], t: round(mk.at) ?? 0, what: mk.kind, subject: mk.subject, when: formatSeconds(mk.at) });
    }
  });
  return { points, markers, loadVaried: varied };
}

type Measure = 'rate' | 'errorRate' | 'p99';

function panel(model: ReportModel, field: Measure, title: string, axis: string, last: boolean, warmup: number, withMarkers: boolean) {
  const x = { field: 't', type: 'quantitative' as const, title: last ? 'simulated time (s)' : null, axis: last ? {} : { labels: false } };
  const y = field === 'p99'
    ? { field, type: 'quantitative' as const, title: axis, scale: { type: 'log' as const, nice: false }, axis: { format: '~g' } }
    : { field, type: 'quantitative' as const, title: axis, ...(field === 'errorRate' ? { axis: { format: '.0%' } } : {}) };
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
        mark: { type: 'rule' as const, color: '#b0b0b0', strokeDash: [2, 3] },
        encoding: { x: { field: 't', type: 'quantitative' as const }, tooltip: [tip('mesh', 'mesh'), tip('when', 'at'), tip('what', 'event'), tip('subject', 'on')] },
      }] : []),
      {
        data: { name: 'points' },
        transform: [{ filter: { field, valid: true } }],
        mark: { type: 'line' as const, interpolate: 'step-after' as const, point: 'transparent' as const, strokeWidth: 1.5 },
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
  const { points, markers, loadVaried } = timelineRows(model);
  const warmup = model.runs[0].settings.warmup;
  // A steady run in which nothing happened draws flat lines, and the p99's coarse classes
  // flickering between neighbours, which reads as trouble where there is none.
  const failures = points.some((p) => p.errorRate !== null && p.errorRate > 0);
  if (points.length === 0 || !(markers.length > 0 || failures || loadVaried)) return null;
  return {
    id: 'timeline',
    title: 'Over time',
    caption: 'Each line is one mesh, per interval of simulated time: requests completed per second, the share that failed, and an approximate p99 of the successful ones (−18 % … +22 %). Dotted rules mark the timeline\'s events (hover for what happened); the shaded start is the warm-up, left out of every other number.',
    spec: {
      $schema: SCHEMA,
      datasets: { points, markers },
      vconcat: [
        panel(model, 'rate', 'Throughput', 'requests/s', false, warmup, markers.length > 0),
        panel(model, 'errorRate', 'Error rate', 'failed', false, warmup, markers.length > 0),
        panel(model, 'p99', 'p99 latency', 'ms (log scale)', true, warmup, markers.length > 0),
      ],
      resolve: { scale: { x: 'shared' as const } },
      config: BASE_CONFIG,
    },
  };
}
