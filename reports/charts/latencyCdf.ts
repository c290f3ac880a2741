/**
 * Latency CDFs, one line per mesh, on a log latency axis (left), and the
 * same data as latency by percentile (right), where the tail the meshes
 * differ most in gets room a CDF does not give it.
 */
import { LogHistogram } from '../../sim/stats/histogram.js';
import { formatPercent } from '../format.js';
import type { ReportModel } from '../model.js';
import { AXIS_LOG, AXIS_PERCENT, BASE_CONFIG, SCHEMA, entryTitle, formatInUnit, inUnit, logAxisUnit, meshScale, round, tip, type ReportChart, type TimeUnit } from './common.js';
import { chartedEntrypoints } from '../model.js';

export interface CdfRow {
  /** Which panel draws the row: the CDF's points, or the tail panel's percentiles. */
  panel: 'cdf' | 'tail';
  entrypoint: string;
  mesh: string;
  /** Latency, in the chart's unit (cdfData's unit). */
  value: number;
  /** Share of successful requests at most this slow (cdf), or the percentile (tail). */
  p: number;
  /** Tail rows: 1 / (1 − p), 10 at p90, 100 at p99, 1000 at p99.9, the tail panel's log axis. Null on CDF rows. */
  nines: number | null;
  latency: string;
  share: string;
}

/** Points per line: enough for a smooth curve, few enough to keep five modes small. */
const CDF_POINTS = 120;

/** The tail panel's percentile axis, as 1 / (1 − p): p50 to p99.99. */
const TAIL_DOMAIN = [2, 10000] as const;

/**
 * The tail panel's percentiles, as 1 / (1 − p): 16 a decade from p50 to
 * p99.99, which holds p50, p90, p99, p99.9 and p99.99 exactly (2, 10, 100,
 * 1000, 10000).
 */
const TAIL_NINES: number[] = [2, ...Array.from({ length: 64 }, (_, k) => Number((10 ** ((k + 1) / 16)).toPrecision(12))).filter((n) => n > 2)];

/** The percentiles the results report (p50 … p99.9): the tail panel's line passes through each, whatever the sample size. */
const REPORTED_NINES = [2, 10, 100, 1000];

/**
 * The chart's rows and the one unit both panels draw them in, chosen from
 * every mode's latencies together: lines compared across meshes, and the
 * two panels read side by side, share it.
 */
export function cdfData(model: ReportModel): { rows: CdfRow[]; unit: TimeUnit } {
  const points: Array<Omit<CdfRow, 'value' | 'latency'> & { seconds: number }> = [];
  for (const [m, run] of model.runs.entries()) {
    for (const e of run.entrypoints) {
      if (e.histogram.count === 0) continue;
      const h = LogHistogram.fromJSON(e.histogram);
      for (const pt of h.cdf(CDF_POINTS)) {
        const p = round(pt.p);
        // A log axis cannot show 0; the zero bucket is below a nanosecond anyway.
        if (!(pt.value > 0) || !Number.isFinite(pt.value) || p === null) continue;
        points.push({ panel: 'cdf', entrypoint: e.name, mesh: model.modes[m], seconds: pt.value, p, nines: null, share: formatPercent(pt.p) });
      }
      // The tail panel reads the histogram's quantiles, as the results' p50 … p99.9 are read: its line passes
      // through the numbers in the table. Joining the CDF's points instead drew straight lines across the
      // sparse tail, up to 5 % off the p99.9 at 2,000 requests and stopping short of it, so meshes a few
      // percent apart in the table crossed over in the chart. Beyond p99.9 only as far as the sample
      // reaches (1 / (1 − p) ≤ n): past it every percentile is the largest latencies.
      for (const nines of TAIL_NINES) {
        if (nines > h.count && !REPORTED_NINES.includes(nines)) continue;
        const q = 1 - 1 / nines;
        const value = h.quantile(q);
        if (!(value > 0) || !Number.isFinite(value)) continue;
        points.push({ panel: 'tail', entrypoint: e.name, mesh: model.modes[m], seconds: value, p: round(q) ?? q, nines, share: `p${Number((q * 100).toPrecision(6))}` });
      }
    }
  }
  const unit = logAxisUnit(points.map((pt) => pt.seconds));
  const rows: CdfRow[] = [];
  for (const { seconds, ...pt } of points) {
    const value = inUnit(seconds, unit);
    // Rounded to four digits a value far below the unit could read 0, which a log axis cannot show.
    if (value === null || value <= 0) continue;
    // In the order the fields have always had, so the spec's data diffs line by line.
    rows.push({ panel: pt.panel, entrypoint: pt.entrypoint, mesh: pt.mesh, value, p: pt.p, nines: pt.nines, latency: formatInUnit(seconds, unit), share: pt.share });
  }
  return { rows, unit };
}

export function cdfRows(model: ReportModel): CdfRow[] {
  return cdfData(model).rows;
}

const color = (model: ReportModel) => ({ field: 'mesh', type: 'nominal' as const, title: 'mesh', scale: meshScale(model), sort: model.modes });
const tooltip = [tip('mesh', 'mesh'), tip('latency', 'latency'), tip('share', 'requests at most this slow')];
const tailTooltip = [tip('mesh', 'mesh'), tip('share', 'percentile'), tip('latency', 'latency')];

/** The classic CDF: where the body of the distribution sits. */
function cdfPanel(model: ReportModel, entry: string, unit: TimeUnit) {
  const y = { field: 'p', type: 'quantitative' as const, title: 'share of requests at most this slow', axis: { format: AXIS_PERCENT } };
  return {
    title: 'Cumulative distribution',
    width: 380,
    height: 240,
    layer: [
      {
        data: { values: [{ p: 0.5, label: 'median' }] },
        mark: { type: 'rule' as const, strokeDash: [4, 4], color: '#999' },
        encoding: { y },
      },
      {
        data: { values: [{ p: 0.5, label: 'median' }] },
        mark: { type: 'text' as const, align: 'left' as const, x: 4, dy: -7, color: '#777' },
        encoding: { y, text: { field: 'label', type: 'nominal' as const } },
      },
      {
        transform: [{ filter: { field: 'panel', equal: 'cdf' } }, { filter: { field: 'entrypoint', equal: entry } }],
        mark: { type: 'line' as const, point: 'transparent' as const, strokeWidth: 2 },
        encoding: {
          x: { field: 'value', type: 'quantitative' as const, scale: { type: 'log' as const, nice: false, padding: 8 }, axis: { format: AXIS_LOG }, title: `latency (${unit.symbol}, log scale)` },
          y,
          color: color(model),
          tooltip,
        },
      },
    ],
  };
}

/**
 * Latency by percentile on a "nines" axis (HdrHistogram's plot): p50, p90,
 * p99, p99.9 equally spaced, so the tail, which a CDF squeezes into its top
 * pixels, gets most of the width.
 */
function tailPanel(model: ReportModel, entry: string, unit: TimeUnit) {
  return {
    title: 'Latency by percentile (the tail)',
    width: 380,
    height: 240,
    transform: [{ filter: { field: 'panel', equal: 'tail' } }, { filter: { field: 'entrypoint', equal: entry } }],
    mark: { type: 'line' as const, point: 'transparent' as const, strokeWidth: 2, clip: true },
    encoding: {
      x: {
        field: 'nines', type: 'quantitative' as const, title: 'percentile',
        scale: { type: 'log' as const, domain: [...TAIL_DOMAIN] },
        axis: { values: [2, 10, 100, 1000, 10000], labelExpr: "format(1 - 1 / datum.value, '.2~%')", grid: true },
      },
      // Not "nice": rounding a log domain out to powers of ten would squash the lines into a band.
      y: { field: 'value', type: 'quantitative' as const, scale: { type: 'log' as const, nice: false, padding: 8 }, axis: { format: AXIS_LOG }, title: `latency (${unit.symbol}, log scale)` },
      color: color(model),
      tooltip: tailTooltip,
    },
  };
}

export function latencyCdfChart(model: ReportModel): ReportChart {
  const entries = chartedEntrypoints(model);
  const { rows, unit } = cdfData(model);
  return {
    id: 'latency-cdf',
    title: 'Latency distribution',
    caption: model.runs.length > 1
      ? 'Each line is one mesh. Left: the share of successful requests that finished within a given latency; a line further right is slower. Right: the latency at each percentile, with p90, p99 and p99.9 equally spaced so the tail is visible; a higher line is slower.'
      : 'Left: the share of successful requests that finished within a given latency. Right: the latency at each percentile, with p90, p99 and p99.9 equally spaced so the tail is visible.',
    spec: {
      $schema: SCHEMA,
      data: { values: rows },
      vconcat: entries.map((entry) => ({
        title: entryTitle(model, entry),
        hconcat: [cdfPanel(model, entry, unit), tailPanel(model, entry, unit)],
      })),
      config: BASE_CONFIG,
    },
  };
}
