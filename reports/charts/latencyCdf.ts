/**
 * Latency CDFs, one line per mesh, on a log latency axis (left), and the
 * same data as latency by percentile (right), where the tail the meshes
 * differ most in gets room a CDF does not give it.
 */
import { LogHistogram } from '../../sim/stats/histogram.js';
import { formatPercent, formatSeconds } from '../format.js';
import type { ReportModel } from '../model.js';
import { BASE_CONFIG, SCHEMA, entryTitle, meshScale, ms, round, tip, type ReportChart } from './common.js';
import { chartedEntrypoints } from '../model.js';

export interface CdfRow {
  entrypoint: string;
  mesh: string;
  /** Latency, milliseconds. */
  ms: number;
  /** Share of successful requests at most this slow. */
  p: number;
  /** 1 / (1 − p): 10 at p90, 100 at p99, 1000 at p99.9; null at p = 1. The tail panel's log axis. */
  nines: number | null;
  latency: string;
  share: string;
}

/** Points per line: enough for a smooth curve, few enough to keep five modes small. */
const CDF_POINTS = 120;

/** The tail panel's percentile axis, as 1 / (1 − p): p50 to p99.99. */
const TAIL_DOMAIN = [2, 10000] as const;

export function cdfRows(model: ReportModel): CdfRow[] {
  const rows: CdfRow[] = [];
  for (const [m, run] of model.runs.entries()) {
    for (const e of run.entrypoints) {
      if (e.histogram.count === 0) continue;
      const mine: CdfRow[] = [];
      for (const pt of LogHistogram.fromJSON(e.histogram).cdf(CDF_POINTS)) {
        const x = ms(pt.value), p = round(pt.p);
        // A log axis cannot show 0; the zero bucket is below a nanosecond anyway.
        if (x === null || x <= 0 || p === null) continue;
        mine.push({
          entrypoint: e.name, mesh: model.modes[m], ms: x, p, nines: pt.p < 1 ? round(1 / (1 - pt.p)) : null,
          latency: formatSeconds(pt.value), share: formatPercent(pt.p),
        });
      }
      // No point between p50 and the maximum (one request, or every request equally fast, as with constant
      // service times): the last step of the CDF covers every percentile from p50 up, so the tail panel
      // draws that latency flat across its axis rather than nothing at all.
      const last = mine[mine.length - 1];
      if (last && last.p === 1 && !mine.some((r) => r.nines !== null && r.p >= 0.5)) {
        mine.push({ ...last, nines: TAIL_DOMAIN[0] }, { ...last, nines: TAIL_DOMAIN[1] });
      }
      rows.push(...mine);
    }
  }
  return rows;
}

const color = (model: ReportModel) => ({ field: 'mesh', type: 'nominal' as const, title: 'mesh', scale: meshScale(model), sort: model.modes });
const tooltip = [tip('mesh', 'mesh'), tip('latency', 'latency'), tip('share', 'requests at most this slow')];

/** The classic CDF: where the body of the distribution sits. */
function cdfPanel(model: ReportModel, entry: string) {
  const y = { field: 'p', type: 'quantitative' as const, title: 'share of requests at most this slow', axis: { format: '.0%' } };
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
        transform: [{ filter: { field: 'entrypoint', equal: entry } }],
        mark: { type: 'line' as const, point: 'transparent' as const, strokeWidth: 2 },
        encoding: {
          x: { field: 'ms', type: 'quantitative' as const, scale: { type: 'log' as const }, axis: { format: '~g' }, title: 'latency (ms, log scale)' },
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
function tailPanel(model: ReportModel, entry: string) {
  return {
    title: 'Latency by percentile (the tail)',
    width: 380,
    height: 240,
    transform: [{ filter: { field: 'entrypoint', equal: entry } }, { filter: { field: 'p', gte: 0.5 } }, { filter: { field: 'nines', valid: true } }],
    mark: { type: 'line' as const, point: 'transparent' as const, strokeWidth: 2, clip: true },
    encoding: {
      x: {
        field: 'nines', type: 'quantitative' as const, title: 'percentile',
        scale: { type: 'log' as const, domain: [...TAIL_DOMAIN] },
        axis: { values: [2, 10, 100, 1000, 10000], labelExpr: "format(1 - 1 / datum.value, '.2~%')", grid: true },
      },
      // Not "nice": rounding a log domain out to powers of ten would squash the lines into a band.
      y: { field: 'ms', type: 'quantitative' as const, scale: { type: 'log' as const, nice: false, padding: 8 }, axis: { format: '~g' }, title: 'latency (ms, log scale)' },
      color: color(model),
      tooltip,
    },
  };
}

export function latencyCdfChart(model: ReportModel): ReportChart {
  const entries = chartedEntrypoints(model);
  return {
    id: 'latency-cdf',
    title: 'Latency distribution',
    caption: model.runs.length > 1
      ? 'Each line is one mesh. Left: the share of successful requests that finished within a given latency; a line further right is slower. Right: the latency at each percentile, with p90, p99 and p99.9 equally spaced so the tail is visible; a higher line is slower.'
      : 'Left: the share of successful requests that finished within a given latency. Right: the latency at each percentile, with p90, p99 and p99.9 equally spaced so the tail is visible.',
    spec: {
      $schema: SCHEMA,
      data: { values: cdfRows(model) },
      vconcat: entries.map((entry) => ({
        title: entryTitle(model, entry),
        hconcat: [cdfPanel(model, entry), tailPanel(model, entry)],
      })),
      config: BASE_CONFIG,
    },
  };
}
