/**
 * Latency histogram per mesh, rebinned onto one log-spaced grid per entry
 * point so that the modes' curves line up bin for bin. Heights are shares of
 * each mode's requests, so modes with different request counts compare.
 */
import { LogHistogram } from '../../sim/stats/histogram.js';
import { formatPercent } from '../format.js';
import { chartedEntrypoints, entrypointNames, type ReportModel } from '../model.js';
import { AXIS_LOG, AXIS_PERCENT, BASE_CONFIG, SCHEMA, entryTitle, formatInUnit, inUnit, logAxisUnit, meshScale, round, tip, type ReportChart, type TimeUnit } from './common.js';

export interface HistogramRow {
  entrypoint: string;
  mesh: string;
  /** Geometric middle of the bin, in the chart's unit (histogramData's unit). */
  value: number;
  share: number;
  range: string;
  shareLabel: string;
}

/** Bins across the range of all modes: fine enough for shape, coarse enough that each holds many requests. */
const BINS = 50;

/** Smallest value a log axis is asked to show: the zero bucket (below a nanosecond) is drawn at this. */
const FLOOR = 1e-9;

/** The chart's rows, in one unit for every mode and entry point, chosen from the bins' whole span. */
export function histogramData(model: ReportModel): { rows: HistogramRow[]; unit: TimeUnit } {
  const bins: Array<{ entrypoint: string; mesh: string; from: number; to: number; share: number }> = [];
  for (const entry of entrypointNames(model)) {
    const hists = model.runs.map((r) => {
      const e = r.entrypoints.find((x) => x.name === entry);
      return e && e.histogram.count > 0 ? LogHistogram.fromJSON(e.histogram) : null;
    });
    const present = hists.filter((h): h is LogHistogram => h !== null);
    if (present.length === 0) continue;
    const lo = Math.max(FLOOR, Math.min(...present.map((h) => h.min)));
    const hi = Math.max(lo * 1.01, ...present.map((h) => h.max));
    const span = Math.log(hi / lo);
    const edge = (i: number): number => lo * Math.exp((span * i) / BINS);
    for (const [m, h] of hists.entries()) {
      if (h === null) continue;
      const counts = new Array<number>(BINS).fill(0);
      for (const b of h.buckets()) {
        const mid = b.lower > 0 ? Math.sqrt(b.lower * b.upper) : FLOOR;
        const i = Math.min(BINS - 1, Math.max(0, Math.floor((Math.log(mid / lo) / span) * BINS)));
        counts[i] += b.count;
      }
      for (let i = 0; i < BINS; i++) {
        bins.push({ entrypoint: entry, mesh: model.modes[m], from: edge(i), to: edge(i + 1), share: counts[i] / h.count });
      }
    }
  }
  const unit = logAxisUnit(bins.flatMap((b) => [b.from, b.to]));
  const rows = bins.map((b): HistogramRow => ({
    entrypoint: b.entrypoint,
    mesh: b.mesh,
    value: inUnit(Math.sqrt(b.from * b.to), unit) ?? 0,
    share: round(b.share) ?? 0,
    range: `${formatInUnit(b.from, unit)} – ${formatInUnit(b.to, unit)}`,
    shareLabel: formatPercent(b.share),
  }));
  return { rows, unit };
}

export function latencyHistogramChart(model: ReportModel): ReportChart {
  const { rows, unit } = histogramData(model);
  return {
    id: 'latency-histogram',
    title: 'Latency histogram',
    caption: 'How requests spread over latencies: each point is the share of a mode\'s successful requests in one latency bin (bins are equally wide on the log axis). A mesh shifts the hump right and can fatten the right-hand tail.',
    spec: {
      $schema: SCHEMA,
      data: { values: rows },
      vconcat: chartedEntrypoints(model).map((entry) => ({
        title: entryTitle(model, entry),
        width: 800,
        height: 200,
        transform: [{ filter: { field: 'entrypoint', equal: entry } }],
        mark: { type: 'line' as const, interpolate: 'monotone' as const, point: 'transparent' as const, strokeWidth: 2 },
        encoding: {
          x: { field: 'value', type: 'quantitative' as const, scale: { type: 'log' as const }, axis: { format: AXIS_LOG }, title: `latency (${unit.symbol}, log scale)` },
          y: { field: 'share', type: 'quantitative' as const, axis: { format: AXIS_PERCENT }, title: 'share of requests in the bin' },
          color: { field: 'mesh', type: 'nominal' as const, title: 'mesh', scale: meshScale(model), sort: model.modes },
          tooltip: [tip('mesh', 'mesh'), tip('range', 'latency'), tip('shareLabel', 'share of requests')],
        },
      })),
      config: BASE_CONFIG,
    },
  };
}
