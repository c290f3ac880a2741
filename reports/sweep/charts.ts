/**
 * The sweep report's charts: each metric against the swept parameter, a
 * line per series (mesh), a band for the 95 % interval (across repeats, or
 * from batch means for a single run), and the knee of each p99 curve marked.
 * Built like the run and compare charts (reports/charts/): plain Vega-Lite
 * specs with their data inlined, the page's base config, rounded numbers.
 */
import { BASE_CONFIG, MESH_COLORS, SCHEMA, linearAxisUnit, round, tip, type ChartSpec, type ReportChart } from '../charts/common.js';
import type { Estimate, SweepReportModel, SweepRow } from './model.js';

/** No-mesh series are grey, as baselines are everywhere; shades apart when another parameter splits them. */
const BASELINE_GREYS = ['#8c8c8c', '#4d4d4d', '#c4c4c4', '#262626', '#a6a6a6', '#666666'];
// The report palette's 19 hues (with 9, a sweep of 2 meshes × 5 replicas drew series 1 and 10 alike), and a
// twentieth, tableau20's warm grey, which the run and compare reports leave out as too near their grey baseline.
const SERIES_COLORS = [...MESH_COLORS, '#79706e'];

/** The same colours as the run and compare reports: grey for no mesh, then the mesh palette in order. */
export function seriesScale(model: SweepReportModel): { domain: string[]; range: string[] } {
  let next = 0, grey = 0;
  // With the mesh on the x axis every series crosses the meshes: none of them is the baseline's.
  const range = model.series.map((s) => {
    const row = model.rows.find((r) => r.series === s);
    return !model.acrossMeshes && row?.meshMode === 'none' ? BASELINE_GREYS[grey++ % BASELINE_GREYS.length] : SERIES_COLORS[next++ % SERIES_COLORS.length];
  });
  return { domain: model.series, range };
}

interface Metric {
  id: string;
  title: string;
  caption: string;
  axis: string;
  /** Scales fractions to percent; a latency's is set by its unit (latency). */
  scale: number;
  /** A latency in seconds: drawn in µs, ms or s as its values need, the unit named in the axis title. */
  latency?: boolean;
  /** The unit a latency is drawn in, once chosen. */
  unit?: string;
  format: string;
  get: (row: SweepRow) => Estimate;
}

const METRICS: Metric[] = [
  { id: 'p99', title: 'p99 latency', axis: 'p99 latency', scale: 1, latency: true, format: ',.3~f', get: (r) => r.p99,
    caption: 'The 99th percentile of successful requests at each point; the diamond marks the knee of each curve, where the tail turns up.' },
  { id: 'p50', title: 'Median latency', axis: 'p50 latency', scale: 1, latency: true, format: ',.3~f', get: (r) => r.p50,
    caption: 'The median of successful requests at each point.' },
  // Significant digits, not decimals: an error rate of 0.0004 % or a proxy fleet of 0.0003 vCPU read "0" at three decimals.
  { id: 'error-rate', title: 'Error rate', axis: 'failed requests (%)', scale: 100, format: '.4~r', get: (r) => r.errorRate,
    caption: 'Share of measured requests that failed, whatever the cause.' },
  { id: 'throughput', title: 'Throughput', axis: 'completed requests per second', scale: 1, format: '.4~s', get: (r) => r.throughput,
    caption: 'Measured requests completed per simulated second: it follows the offered load until something saturates.' },
  { id: 'proxy-vcpu', title: 'Proxy vCPU', axis: 'proxy vCPU', scale: 1, format: '.4~r', get: (r) => r.proxyVcpu,
    caption: 'vCPU the mesh\'s proxies used at each point, time-averaged: the resource tax.' },
];

function scaled(v: number | null, k: number): number | null {
  return v === null ? null : round(v * k);
}

function chartData(model: SweepReportModel, rows: SweepRow[], metric: Metric): Array<Record<string, unknown>> {
  const data = rows.map((r) => {
    const e = metric.get(r);
    return {
      series: r.series, x: r.x, xLabel: r.xLabel, order: r.order,
      y: scaled(e.value, metric.scale), lo: scaled(e.lo, metric.scale), hi: scaled(e.hi, metric.scale),
      repeats: r.repeats, band: e.lo === null ? 'none' : r.repeats > 1 ? `95 % over ${r.repeats} repeats` : '95 % from batch means',
      saturated: r.saturated ? 'yes — a queue kept growing' : 'no',
    };
  }).filter((d) => d.y !== null && (model.x.numeric ? typeof d.x === 'number' : true));
  // A series drawn at one x only (a sweep of the mesh alone, a single point) has no band to draw between points: its interval is an error bar.
  const perSeries = new Map<unknown, Set<unknown>>();
  for (const d of data) perSeries.set(d.series, (perSeries.get(d.series) ?? new Set()).add(d.x));
  return data.map((d) => (perSeries.get(d.series)!.size === 1 ? { ...d, alone: true } : d));
}

function xEncoding(model: SweepReportModel): Record<string, unknown> {
  if (model.x.numeric) {
    // A count (replicas, workers, attempts) has no value between two whole ones: no tick at "2.2 replicas".
    const counts = model.x.unit === '' && model.rows.every((r) => typeof r.x !== 'number' || Number.isInteger(r.x));
    return { field: 'x', type: 'quantitative', title: model.x.title, scale: { zero: false }, ...(counts ? { axis: { tickMinStep: 1, format: ',d' } } : {}) };
  }
  const order = [...new Set(model.rows.slice().sort((a, b) => a.order - b.order).map((r) => r.xLabel))];
  return { field: 'x', type: 'ordinal', title: model.x.title, sort: order };
}

/**
 * A latency metric in the unit its values need, by the highest drawn (the
 * line's axis is linear): "p99 latency (s)" for a chain of seconds, which
 * read 9,000 in ms, and µs for a hop of a few, which read 0.004.
 */
function inItsUnit(metric: Metric, rows: SweepRow[]): Metric {
  if (!metric.latency) return metric;
  const unit = linearAxisUnit(rows.flatMap((r) => [metric.get(r).value, metric.get(r).hi].filter((v): v is number => v !== null)));
  return { ...metric, axis: `${metric.axis} (${unit.symbol})`, scale: unit.of(1), unit: unit.symbol };
}

function metricChart(model: SweepReportModel, chosen: Metric, entry: string, index: number): ReportChart {
  // Resources are the whole mesh's, the same for every entry point: draw them once.
  const rows = model.rows.filter((r) => r.entrypoint === entry);
  const metric = inItsUnit(chosen, rows);
  const data = chartData(model, rows, metric);
  const seriesTitle = model.acrossMeshes ? 'series' : 'mesh';
  const color = { field: 'series', type: 'nominal', title: seriesTitle, scale: seriesScale(model), // labelLimit 0: a series is told apart by its last "key=value", which the default 160 px limit cuts off.
    legend: { orient: 'bottom', columns: model.series.some((n) => n.length > 40) ? 1 : 2, labelLimit: 0 } };
  // A metric with no interval at any point (error rate, throughput, vCPU of single runs) would show "null" twice.
  const banded = data.some((d) => d.lo !== null && d.hi !== null);
  const tooltip = [
    tip('series', seriesTitle), tip('xLabel', model.x.key ?? 'point'),
    { field: 'y', type: 'quantitative', title: metric.axis, format: metric.format },
    ...(banded ? [
      { field: 'lo', type: 'quantitative', title: '95 % low', format: metric.format },
      { field: 'hi', type: 'quantitative', title: '95 % high', format: metric.format },
    ] : []),
    tip('band', 'interval'), tip('saturated', 'saturated'),
  ];
  const x = xEncoding(model);
  const layers: unknown[] = [];
  // Without intervals (one run a point and no batches) a band layer would have no data: Vega warns of an infinite extent.
  if (banded) {
    layers.push({
      mark: { type: 'errorband', opacity: 0.18 },
      transform: [{ filter: 'datum.lo !== null && datum.hi !== null' }],
      encoding: { x, y: { field: 'lo', type: 'quantitative', title: metric.axis, axis: { format: metric.format } }, y2: { field: 'hi' }, color: { ...color, legend: null } },
    });
    if (data.some((d) => d.alone && d.lo !== null && d.hi !== null)) {
      layers.push({
        mark: { type: 'errorbar', ticks: true, size: 12, thickness: 1.5 },
        transform: [{ filter: 'datum.alone && datum.lo !== null && datum.hi !== null' }],
        encoding: { x, y: { field: 'lo', type: 'quantitative', title: metric.axis, axis: { format: metric.format } }, y2: { field: 'hi' }, color: { ...color, legend: null } },
      });
    }
  }
  layers.push({
    mark: { type: 'line', point: { filled: true, size: 36 }, strokeWidth: 2 },
    // The metric's own format: with every value 0 (no failure, no proxy) Vega's default labels the one tick "0.000000".
    encoding: { x, y: { field: 'y', type: 'quantitative', title: metric.axis, axis: { format: metric.format } }, color, tooltip },
  });
  if (metric.id === 'p99') {
    const knees = model.knees.filter((k) => k.entrypoint === entry).map((k) => ({
      series: k.series, x: k.x, xLabel: k.xLabel, y: round(k.p99 * metric.scale), label: `knee ${k.xLabel}`,
    }));
    if (knees.length > 0) {
      layers.push({
        data: { values: knees },
        mark: { type: 'point', shape: 'diamond', size: 170, filled: true, stroke: '#1f2328', strokeWidth: 1 },
        encoding: {
          x, y: { field: 'y', type: 'quantitative' }, color: { ...color, legend: null },
          tooltip: [tip('series', 'mesh'), tip('label', 'knee'), { field: 'y', type: 'quantitative', title: `p99 at the knee (${metric.unit})`, format: metric.format }],
        },
      });
      layers.push({
        data: { values: knees },
        mark: { type: 'text', dy: -14, fontSize: 10, fontWeight: 'bold' },
        encoding: { x, y: { field: 'y', type: 'quantitative' }, text: { field: 'label' }, color: { ...color, legend: null } },
      });
    }
  }
  const many = model.entrypoints.length > 1 && !metric.id.startsWith('proxy');
  const spec = {
    $schema: SCHEMA,
    width: 520,
    height: 260,
    data: { values: data },
    layer: layers,
    // The legend is the line layer's; the band and knee layers, which share its colours, have none of their own.
    resolve: { legend: { color: 'independent' } },
    config: BASE_CONFIG,
    // The layers and encodings are built as plain objects whose fields depend on the metric and the x axis,
    // which vega-lite's union types cannot follow: this cast is the one place the spec goes unchecked.
  } as unknown as ChartSpec;
  return {
    id: `sweep-${metric.id}${many ? `-${index}` : ''}`,
    title: many ? `${metric.title} — entry point ${entry}` : metric.title,
    caption: metric.caption,
    spec,
  };
}

/** The report's charts in page order: per entry point its latency, errors and throughput, then the proxies' vCPU. */
export function sweepCharts(model: SweepReportModel): ReportChart[] {
  const charts: ReportChart[] = [];
  model.entrypoints.forEach((entry, i) => {
    for (const metric of METRICS.filter((m) => m.id !== 'proxy-vcpu')) charts.push(metricChart(model, metric, entry, i));
  });
  if (model.entrypoints.length > 0) charts.push(metricChart(model, METRICS.find((m) => m.id === 'proxy-vcpu')!, model.entrypoints[0], 0));
  return charts;
}
