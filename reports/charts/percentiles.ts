/**
 * p50, p90, p99 and p99.9 per mesh as grouped bars, and beside them each
 * mesh's change against the baseline, faded where the two 95 % intervals
 * overlap (the change is within the noise of the run).
 */
import type { Delta } from '../../sim/compare.js';
import { formatSignedPercent } from '../format.js';
import { chartedEntrypoints, entrypointNames, num, type ReportModel } from '../model.js';
import {
  AXIS_LOG, AXIS_NUMBER, BASE_CONFIG, SCHEMA, entryTitle, formatInUnit, formatSignedInUnit, inUnit, linearAxisUnit, logAxisUnit, meshScale, tip,
  type ReportChart, type TimeUnit,
} from './common.js';

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
  /** Latency in the chart's unit (PercentileUnits.latency). */
  value: number | null;
  latency: string;
  /** Change against the baseline in the change panel's unit; null for the baseline itself and for single runs. */
  delta: number | null;
  change: string;
  noise: 'larger than the noise' | 'within the noise' | null;
}

export const NOISE_DOMAIN = ['larger than the noise', 'within the noise'];

/**
 * The chart's units: one for the latencies, shared by every mesh and entry
 * point so bars read side by side compare, and one for the changes, which
 * are often a thousandth of the latency (a mesh's 2 ms on a 9 s chain would
 * read 0.002 on an axis in s).
 */
export interface PercentileUnits {
  latency: TimeUnit;
  change: TimeUnit;
}

/** The percentiles the chart draws, and each one's change against the baseline where there is one, in seconds. */
function percentileValues(model: ReportModel) {
  const out: Array<{ entrypoint: string; m: number; label: string; value: number; delta: Delta | undefined }> = [];
  for (const [ei, entry] of entrypointNames(model).entries()) {
    for (const [m, run] of model.runs.entries()) {
      const e = run.entrypoints.find((x) => x.name === entry);
      if (!e) continue;
      const inv = model.invoice?.[ei]?.rows[m];
      const compared = inv !== undefined && m !== model.baseline;
      for (const p of PERCENTILES) out.push({ entrypoint: entry, m, label: p.label, value: num(e.latency[p.key]), delta: compared ? inv[p.key] : undefined });
    }
  }
  return out;
}

export function percentileUnits(model: ReportModel): PercentileUnits {
  const values = percentileValues(model);
  return {
    latency: logAxisUnit(values.map((v) => v.value)),
    change: linearAxisUnit(values.flatMap((v) => (v.delta ? [num(v.delta.delta)] : []))),
  };
}

export function percentileRows(model: ReportModel, units: PercentileUnits = percentileUnits(model)): PercentileRow[] {
  return percentileValues(model).map(({ entrypoint, m, label, value, delta: d }) => ({
    entrypoint,
    mesh: model.modes[m],
    percentile: label,
    value: inUnit(value, units.latency),
    latency: formatInUnit(value, units.latency),
    delta: d ? inUnit(num(d.delta), units.change) : null,
    change: d ? formatSignedInUnit(num(d.delta), units.change) + (Number.isFinite(num(d.relative)) ? ` (${formatSignedPercent(num(d.relative))})` : '') : '–',
    noise: d ? (d.significant ? 'larger than the noise' : 'within the noise') : null,
  }));
}

/**
 * The latencies themselves, on a log axis: p50 and p99.9 are often decades
 * apart (1 ms and 200 ms), and on a linear axis the p50 bars were slivers
 * whose differences between meshes could not be seen. A bar grows from the
 * bottom of the axis. A latency of 0 (services that take no time, no
 * network, no mesh) has no place on a log axis: an entry point with one
 * keeps a linear axis, so its bars are all drawn.
 */
function valuesPanel(model: ReportModel, entry: string, rows: readonly PercentileRow[], unit: TimeUnit) {
  const log = rows.every((r) => r.entrypoint !== entry || r.value === null || r.value > 0);
  const y = log
    ? { field: 'value', type: 'quantitative' as const, title: `latency (${unit.symbol}, log scale)`, scale: { type: 'log' as const }, axis: { format: AXIS_LOG }, stack: null }
    : { field: 'value', type: 'quantitative' as const, title: `latency (${unit.symbol})`, axis: { format: AXIS_NUMBER } };
  return {
    title: 'Latency at each percentile',
    width: 360,
    height: 220,
    transform: [{ filter: { field: 'entrypoint', equal: entry } }, { filter: { field: 'value', valid: true } }],
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

function deltaPanel(model: ReportModel, entry: string, unit: TimeUnit) {
  const base = model.modes[model.baseline ?? 0];
  return {
    title: `Change against ${base}`,
    width: 360,
    height: 220,
    transform: [{ filter: { field: 'entrypoint', equal: entry } }, { filter: { field: 'delta', valid: true } }],
    layer: [
      {
        mark: { type: 'bar' as const },
        encoding: {
          x: { field: 'percentile', type: 'ordinal' as const, sort: PERCENTILES.map((p) => p.label), title: null, axis: { labelAngle: 0 } },
          xOffset: { field: 'mesh', type: 'nominal' as const, sort: model.modes },
          // The baseline is named in the panel's title: in this rotated title a long profile name ran past the
          // panel's height, stretching the row and cut at the page's edge.
          y: { field: 'delta', type: 'quantitative' as const, title: `added latency (${unit.symbol})`, axis: { format: AXIS_NUMBER } },
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
  const units = percentileUnits(model);
  const rows = percentileRows(model, units);
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
        hconcat: compare ? [valuesPanel(model, entry, rows, units.latency), deltaPanel(model, entry, units.change)] : [valuesPanel(model, entry, rows, units.latency)],
      })),
      resolve: { scale: { y: 'independent' as const } },
      config: BASE_CONFIG,
    },
  };
}
