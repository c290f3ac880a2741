/**
 * p50, p90, p99 and p99.9 per mesh as grouped bars, and beside them each
 * mesh's change against the baseline, faded where the two 95 % intervals
 * overlap (the change is within the noise of the run).
 */
import type { Delta } from '../../sim/compare.js';
import { formatSeconds, formatSignedPercent, formatSignedSeconds } from '../format.js';
import { chartedEntrypoints, entrypointNames, num, type ReportModel } from '../model.js';
import { AXIS_LOG, AXIS_NUMBER, BASE_CONFIG, SCHEMA, entryTitle, meshScale, ms, tip, type ReportChart } from './common.js';

export const PERCENTILES = [
  { key: 'p50', label: 'p50' },
  { key: 'p90', label: 'p90' },
  { key: 'p99', label: 'p99' },
  { key: 'p999', label: 'p99.9' },
] as const;

export interface PercentileRow {
  entrypoint: string;
  mesh: string;
  percentile: string;
  ms: number | null;
  latency: string;
  /** Change against the baseline (ms); null for the baseline itself and for single runs. */
  deltaMs: number | null;
  change: string;
  noise: 'larger than the noise' | 'within the noise' | null;
}

export const NOISE_DOMAIN = ['larger than the noise', 'within the noise'];

export function percentileRows(model: ReportModel): PercentileRow[] {
  const rows: PercentileRow[] = [];
  for (const [ei, entry] of entrypointNames(model).entries()) {
    for (const [m, run] of model.runs.entries()) {
      const e = run.entrypoints.find((x) => x.name === entry);
      if (!e) continue;
      const inv = model.invoice?.[ei]?.rows[m];
      const compared = inv !== undefined && m !== model.baseline;
      for (const p of PERCENTILES) {
        const value = num(e.latency[p.key]);
        const d: Delta | undefined = compared ? inv[p.key] : undefined;
        rows.push({
          entrypoint: entry,
          mesh: model.modes[m],
          percentile: p.label,
          ms: ms(value),
          latency: formatSeconds(value),
          deltaMs: d ? ms(num(d.delta)) : null,
          change: d ? formatSignedSeconds(num(d.delta)) + (Number.isFinite(num(d.relative)) ? ` (${formatSignedPercent(num(d.relative))})` : '') : '–',
          noise: d ? (d.significant ? 'larger than the noise' : 'within the noise') : null,
        });
      }
    }
  }
  return rows;
}

/**
 * The latencies themselves, on a log axis: p50 and p99.9 are often decades
 * apart (1 ms and 200 ms), and on a linear axis the p50 bars were slivers
 * whose differences between meshes could not be seen. A bar grows from the
 * bottom of the axis. A latency of 0 (services that take no time, no
 * network, no mesh) has no place on a log axis: an entry point with one
 * keeps a linear axis, so its bars are all drawn.
 */
function valuesPanel(model: ReportModel, entry: string, rows: readonly PercentileRow[]) {
  const log = rows.every((r) => r.entrypoint !== entry || r.ms === null || r.ms > 0);
  const y = log
    ? { field: 'ms', type: 'quantitative' as const, title: 'latency (ms, log scale)', scale: { type: 'log' as const }, axis: { format: AXIS_LOG }, stack: null }
    : { field: 'ms', type: 'quantitative' as const, title: 'latency (ms)', axis: { format: AXIS_NUMBER } };
  return {
    title: 'Latency at each percentile',
    width: 360,
    height: 220,
    transform: [{ filter: { field: 'entrypoint', equal: entry } }, { filter: { field: 'ms', valid: true } }],
    mark: { type: 'bar' as const },
    encoding: {
      x: { field: 'percentile', type: 'ordinal' as const, sort: PERCENTILES.map((p) => p.label), title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'mesh', type: 'nominal' as const, sort: model.modes },
      y,
      color: { field: 'mesh', type: 'nominal' as const, title: 'mesh', scale: meshScale(model), sort: model.modes },
      tooltip: [tip('mesh', 'mesh'), tip('percentile', 'percentile'), tip('latency', 'latency'), tip('change', 'change')],
    },
  };
}

function deltaPanel(model: ReportModel, entry: string) {
  const base = model.modes[model.baseline ?? 0];
  return {
    title: `Change against ${base}`,
    width: 360,
    height: 220,
    transform: [{ filter: { field: 'entrypoint', equal: entry } }, { filter: { field: 'deltaMs', valid: true } }],
    layer: [
      {
        mark: { type: 'bar' as const },
        encoding: {
          x: { field: 'percentile', type: 'ordinal' as const, sort: PERCENTILES.map((p) => p.label), title: null, axis: { labelAngle: 0 } },
          xOffset: { field: 'mesh', type: 'nominal' as const, sort: model.modes },
          // The baseline is named in the panel's title: in this rotated title a long profile name ran past the
          // panel's height, stretching the row and cut at the page's edge.
          y: { field: 'deltaMs', type: 'quantitative' as const, title: 'added latency (ms)', axis: { format: AXIS_NUMBER } },
          color: { field: 'mesh', type: 'nominal' as const, title: 'mesh', scale: meshScale(model), sort: model.modes },
          opacity: { field: 'noise', type: 'ordinal' as const, sort: NOISE_DOMAIN, title: 'the change is', scale: { domain: NOISE_DOMAIN, range: [1, 0.3] } },
          tooltip: [tip('mesh', 'mesh'), tip('percentile', 'percentile'), tip('latency', 'latency'), tip('change', `change vs ${base}`), tip('noise', 'the change is')],
        },
      },
      { mark: { type: 'rule' as const, color: '#666' }, encoding: { y: { datum: 0 } } },
    ],
  };
}

export function percentilesChart(model: ReportModel): ReportChart {
  const compare = model.baseline !== null;
  const rows = percentileRows(model);
  return {
    id: 'latency-percentiles',
    title: 'Percentiles',
    caption: compare
      ? 'Left: each mesh\'s latency of successful requests at p50, p90, p99 and p99.9, on a log scale (the percentiles span decades; linear where a latency is 0). Right: what each mesh adds to the baseline at those percentiles; a faded bar is within the noise (the two 95 % confidence intervals overlap), so the run cannot tell it from zero.'
      : 'Latency of successful requests at p50, p90, p99 and p99.9, on a log scale (the percentiles span decades; linear where a latency is 0).',
    spec: {
      $schema: SCHEMA,
      data: { values: rows },
      vconcat: chartedEntrypoints(model).map((entry) => ({
        title: entryTitle(model, entry),
        hconcat: compare ? [valuesPanel(model, entry, rows), deltaPanel(model, entry)] : [valuesPanel(model, entry, rows)],
      })),
      resolve: { scale: { y: 'independent' as const } },
      config: BASE_CONFIG,
    },
  };
}
