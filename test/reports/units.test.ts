/**
 * Latency charts in the unit their data needs: a chain of seconds read
 * "9,000" on axes in ms, a hop of a few microseconds "0.004". Each chart
 * picks µs, ms or s as formatSeconds would for a typical value of what it
 * draws, and says it in the axis title, the tick labels and the tooltips
 * alike; the meshes in one chart share the unit.
 */
import { describe, expect, it } from 'vitest';
import { buildCharts, chartList } from '../../reports/charts/index.js';
import { linearAxisUnit, logAxisUnit, timeUnit } from '../../reports/charts/common.js';
import { renderChart } from '../../reports/charts/render.js';
import { timelineRows } from '../../reports/charts/timeline.js';
import { durationUnit, formatSeconds } from '../../reports/format.js';
import { reportModel } from '../../reports/model.js';
import { sweepCharts } from '../../reports/sweep/charts.js';
import type { SweepReportModel } from '../../reports/sweep/model.js';
import { compareMeshes } from '../../sim/compare.js';
import { loadTopologySource, topologyOrThrow } from '../../sim/topology/load.js';

const load = (src: string, mesh: string) => topologyOrThrow(loadTopologySource(src, 'units.yaml', { mesh }));

// Two hops of seconds, as the bench's reference chain (9 s means); a rare abort so that the timeline is drawn.
const seconds = [
  'name: slow',
  'simulation: {seed: 1, duration: 120s, warmup: 0s}',
  'services:',
  '  a: {workers: 64, serviceTime: {dist: exponential, mean: 3s}, calls: [b]}',
  '  b: {workers: 64, serviceTime: {dist: exponential, mean: 5s}}',
  'entrypoints: {web: {target: a, rate: 5/s}}',
  'timeline: [{at: 30s, abort: {service: b, status: 503, probability: 0.05}}]',
  '',
].join('\n');

// Two hops of a few microseconds with no mesh and no network.
const micro = [
  'name: fast',
  'simulation: {seed: 1, duration: 10s, warmup: 0s}',
  'services:',
  '  a: {workers: 4, serviceTime: {dist: exponential, mean: 3us}, calls: [b]}',
  '  b: {workers: 4, serviceTime: {dist: exponential, mean: 2us}}',
  'entrypoints: {web: {target: a, rate: 200/s}}',
  'timeline: [{at: 5s, abort: {service: b, status: 503, probability: 0.05}}]',
  '',
].join('\n');

type Node = { title?: unknown; encoding?: Record<string, { title?: unknown; field?: string }>; layer?: Node[]; hconcat?: Node[]; vconcat?: Node[] };
/** Every axis title naming a time unit in a spec: "latency (s, log scale)", "change vs none (ms)", "ms (log scale)". */
function timeTitles(spec: unknown): string[] {
  const out: string[] = [];
  const walk = (n: Node): void => {
    for (const ch of ['x', 'y']) {
      const t = n.encoding?.[ch]?.title;
      // The time axis of the timeline is the run's clock, not a latency.
      if (typeof t === 'string' && /(^|\()(µs|ms|s)\b/.test(t) && !t.startsWith('simulated time')) out.push(t);
    }
    for (const k of ['layer', 'hconcat', 'vconcat'] as const) for (const c of n[k] ?? []) walk(c);
  };
  walk(spec as Node);
  return out;
}
const unitOf = (title: string): string => /(?:^|\()(µs|ms|s)\b/.exec(title)![1];

/** The texts of a rendered chart's tick labels and titles. */
const texts = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

/** Every latency string a chart's tooltips show, whatever its dataset. */
function tooltipTimes(spec: { data?: { values?: unknown[] }; datasets?: Record<string, unknown[]> }): string[] {
  const rows = [...(spec.data?.values ?? []), ...Object.values(spec.datasets ?? {}).flat()] as Array<Record<string, unknown>>;
  return rows.flatMap((r) => ['latency', 'time', 'range', 'p99Label', 'change'].map((k) => r[k]).filter((v): v is string => typeof v === 'string' && v !== '–'));
}

const LATENCY_CHARTS = ['latency-cdf', 'latency-histogram', 'latency-percentiles', 'decomposition', 'timeline'];

describe('latency charts of a chain whose requests take seconds', () => {
  const c = compareMeshes([load(seconds, 'none'), load(seconds, 'linkerd')]);
  const charts = chartList(buildCharts(reportModel(c))).filter((ch) => LATENCY_CHARTS.includes(ch.id));

  it('draws every latency chart', () => {
    expect(charts.map((ch) => ch.id)).toEqual(LATENCY_CHARTS);
    expect(c.runs[0].entrypoints[0].latency.p50).toBeGreaterThan(3);
  });

  for (const id of LATENCY_CHARTS) {
    it(`${id}: its latencies are in s, in the axis titles, the tick labels and the tooltips`, async () => {
      const chart = charts.find((ch) => ch.id === id)!;
      const titles = timeTitles(chart.spec).filter((t) => !t.startsWith('change vs') && !t.startsWith('added'));
      // Before: "latency (ms, log scale)", "time on the critical path (ms)", "ms (log scale)".
      expect(titles.length).toBeGreaterThan(0);
      for (const t of titles) expect(unitOf(t), t).toBe('s');
      const { svg, warnings } = await renderChart(chart.spec);
      expect(warnings).toEqual([]);
      // Before: ticks of "3,000", "9,000", "20,000" ms.
      expect(texts(svg).filter((t) => /^\d{1,3}(,\d{3})+$/.test(t))).toEqual([]);
      const latencies = tooltipTimes(chart.spec as never).filter((t) => !t.startsWith('+') && !t.startsWith('−'));
      expect(latencies.length).toBeGreaterThan(0);
      // Before: "8.89s" beside an axis in ms; now in the axis's unit, which here is also formatSeconds' own.
      for (const t of latencies) expect(t, t).toMatch(/[\d,.]+s( – [\d,.]+s)?$/);
      for (const t of latencies) expect(t, t).not.toMatch(/[mµ]s/);
    });
  }

  it('the changes beside the latencies have a unit of their own, the one their axis names', () => {
    for (const ch of charts.filter((x) => x.id === 'latency-percentiles' || x.id === 'decomposition')) {
      const titles = timeTitles(ch.spec).filter((t) => t.startsWith('change vs') || t.startsWith('added'));
      expect(titles.length).toBeGreaterThan(0);
      const unit = unitOf(titles[0]);
      for (const t of titles) expect(unitOf(t)).toBe(unit);
      const changes = tooltipTimes(ch.spec as never).filter((t) => t.startsWith('+') || t.startsWith('−')).map((t) => t.split(' ')[0]);
      expect(changes.length).toBeGreaterThan(0);
      // No change at all is "+0", as formatSignedSeconds writes it: zero of any unit.
      for (const t of changes.filter((x) => x !== '+0')) expect(t.replace(/^[+−][\d,.]+/, ''), t).toBe(unit);
    }
  });
});

describe('latency charts of hops of a few microseconds', () => {
  const c = compareMeshes([load(micro, 'none')]);
  const charts = chartList(buildCharts(reportModel(c.runs[0]))).filter((ch) => LATENCY_CHARTS.includes(ch.id));

  it('draws every latency chart', () => {
    expect(charts.map((ch) => ch.id)).toEqual(LATENCY_CHARTS);
    expect(c.runs[0].entrypoints[0].latency.p99).toBeLessThan(1e-4);
  });

  for (const id of LATENCY_CHARTS) {
    it(`${id}: its latencies are in µs, in the axis titles, the tick labels and the tooltips`, async () => {
      const chart = charts.find((ch) => ch.id === id)!;
      const titles = timeTitles(chart.spec);
      expect(titles.length).toBeGreaterThan(0);
      for (const t of titles) expect(unitOf(t), t).toBe('µs');
      const { svg, warnings } = await renderChart(chart.spec);
      expect(warnings).toEqual([]);
      // Before: ticks of "0.002", "0.004", "0.01" ms.
      expect(texts(svg).filter((t) => /^0\.00/.test(t))).toEqual([]);
      const latencies = tooltipTimes(chart.spec as never);
      expect(latencies.length).toBeGreaterThan(0);
      for (const t of latencies) expect(t, t).toMatch(/µs$/);
    });
  }
});

describe('meshes in one chart share its unit', () => {
  // No mesh: a few µs; linkerd: its proxies' hundreds of µs on top. One unit for both, from the span of both.
  const c = compareMeshes([load(micro, 'none'), load(micro, 'linkerd')]);
  const charts = buildCharts(reportModel(c));

  it('the CDF and histogram write both meshes\' latencies in one unit, the one on the axis', () => {
    for (const chart of [charts.latencyCdf!, charts.latencyHistogram!]) {
      const titles = timeTitles(chart.spec);
      const unit = unitOf(titles[0]);
      for (const t of titles) expect(unitOf(t)).toBe(unit);
      const rows = (chart.spec as { data: { values: Array<{ mesh: string; latency?: string; range?: string }> } }).data.values;
      for (const mesh of ['none', 'linkerd']) {
        const mine = rows.filter((r) => r.mesh === mesh).map((r) => r.latency ?? r.range!);
        expect(mine.length).toBeGreaterThan(0);
        // formatSeconds alone would write none's in µs and linkerd's in ms.
        for (const t of mine) expect(t.endsWith(unit), `${mesh}: ${t} on an axis in ${unit}`).toBe(true);
      }
    }
  });
});

describe('choosing the unit', () => {
  it('is formatSeconds\' own choice, kept within µs … s', () => {
    for (const s of [4e-6, 0.0009999, 0.0042, 0.9996, 9.05, 300]) expect(formatSeconds(s).endsWith(durationUnit(s)!.symbol)).toBe(true);
    expect([3e-10, 4e-6, 0.0042, 9.05, 3600, 0, NaN].map((s) => timeUnit(s).symbol)).toEqual(['µs', 'µs', 'ms', 's', 's', 'ms', 'ms']);
  });

  it('for a log axis by the middle of its decades, for a linear one by its largest value', () => {
    expect(logAxisUnit([5e-4, 2]).symbol).toBe('ms');
    expect(linearAxisUnit([5e-4, 2]).symbol).toBe('s');
    expect(logAxisUnit([2e-6, 4e-5, 0]).symbol).toBe('µs');
    expect(linearAxisUnit([-0.003, 0.0004]).symbol).toBe('ms');
  });
});

describe('the sweep report\'s latency charts', () => {
  const est = (v: number) => ({ value: v, lo: v * 0.95, hi: v * 1.05 });
  const zero = { value: 0, lo: null, hi: null };
  const sweep = (p50s: number[]): SweepReportModel => ({
    entrypoints: ['web'],
    series: ['none'],
    acrossMeshes: false,
    x: { key: 'entrypoints.web.rate', numeric: true, unit: '/s', title: 'entrypoints.web.rate (/s)' },
    knees: [{ series: 'none', entrypoint: 'web', x: 2, xLabel: '2/s', p99: p50s[1] * 2 }],
    rows: p50s.map((v, i) => ({
      series: 'none', mesh: 'none', meshMode: 'none', x: i + 1, xLabel: `${i + 1}/s`, order: i, entrypoint: 'web', repeats: 2, aborted: 0,
      p50: est(v), p99: est(v * 2), mean: est(v), errorRate: zero, throughput: est(i + 1), proxyVcpu: zero, proxyMemoryGB: zero,
      proxyCostPerMonth: zero, meshCostPerMonth: zero, meshCaused: zero, saturated: false, warnings: [], abort: null, params: {},
    })),
  }) as unknown as SweepReportModel;

  for (const [what, p50s, unit, top] of [
    ['seconds', [8, 9, 12], 's', 25.2],
    ['microseconds', [3e-6, 4e-6, 6e-6], 'µs', 12.6],
    ['milliseconds', [0.004, 0.005, 0.02], 'ms', 42],
  ] as const) {
    it(`draws a p50 and a p99 of ${what} in ${unit}, axis, data and tooltips`, async () => {
      const charts = sweepCharts(sweep([...p50s]));
      for (const id of ['sweep-p50', 'sweep-p99']) {
        const chart = charts.find((ch) => ch.id === id)!;
        const text = JSON.stringify(chart.spec);
        // Before: "p99 latency (ms)" whatever the values, 12,000 for 12 s.
        expect(text).toContain(`latency (${unit})`);
        expect(text).not.toMatch(new RegExp(`latency \\((?!${unit}\\))`));
        const { svg, warnings } = await renderChart(chart.spec);
        expect(warnings).toEqual([]);
        expect(texts(svg).filter((t) => /^\d{1,3}(,\d{3})+$/.test(t) || /^0\.00/.test(t))).toEqual([]);
      }
      const p99 = charts.find((ch) => ch.id === 'sweep-p99')!.spec as unknown as { data: { values: Array<{ hi: number }> }; layer: Array<{ encoding: { tooltip?: Array<{ title: string }> } }> };
      expect(Math.max(...p99.data.values.map((d) => d.hi))).toBeCloseTo(top, 6);
      expect(JSON.stringify(p99.layer)).toContain(`p99 at the knee (${unit})`);
    });
  }
});

describe('the timeline\'s p99 panel', () => {
  it('is in the unit of the p99s it draws', () => {
    const c = compareMeshes([load(seconds, 'none')]);
    const { points, p99Unit } = timelineRows(reportModel(c.runs[0]));
    expect(p99Unit.symbol).toBe('s');
    const labels = points.map((p) => p.p99Label).filter((l) => l !== '–');
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels) expect(l).toMatch(/^≈ [\d.,]+s$/);
  });
});
