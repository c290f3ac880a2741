/**
 * Latency charts in two edge cases a reader meets: an entry point where no
 * request succeeded in any mode (while another entry point has latencies),
 * and a mode whose requests all take the same time (constant service times,
 * as in the essays' 5-hop chain) or that measured one request. Neither may
 * draw an empty panel or make vega warn, and the constant mode must still
 * have a line in the tail panel.
 */
import { describe, expect, it } from 'vitest';
import { buildCharts, chartList } from '../../reports/charts/index.js';
import { cdfData, cdfRows } from '../../reports/charts/latencyCdf.js';
import { renderChart } from '../../reports/charts/render.js';
import { renderHtmlReport } from '../../reports/html/document.js';
import { reportModel } from '../../reports/model.js';
import { compareMeshes } from '../../sim/compare.js';
import { runTopology } from '../../sim/run.js';
import { loadTopologySource, topologyOrThrow } from '../../sim/topology/load.js';

const load = (src: string, mesh?: string) => topologyOrThrow(loadTopologySource(src, 'edge.yaml', mesh ? { mesh } : {}));

// Two entry points; every request at "bad" is answered by an injected abort.
const halfFailed = [
  'name: halffail',
  'simulation: {seed: 1, duration: 6s, warmup: 0s}',
  'services:',
  '  a: {serviceTime: {dist: exponential, mean: 1ms}}',
  '  b: {serviceTime: {dist: exponential, mean: 1ms}}',
  'entrypoints:',
  '  good: {target: a, rate: 40/s}',
  '  bad: {target: b, rate: 40/s}',
  'timeline: [{at: 0s, abort: {service: b, status: 503, probability: 1}}]',
  '',
].join('\n');

// Constant service times and no network: every request under no mesh takes exactly 2 ms.
const constant = [
  'name: constant',
  'simulation: {seed: 1, duration: 6s, warmup: 0s}',
  'services:',
  '  a: {workers: 64, serviceTime: 1ms, calls: [b]}',
  '  b: {workers: 64, serviceTime: 1ms}',
  'entrypoints:',
  '  web: {target: a, rate: 40/s}',
  '',
].join('\n');

const LATENCY_CHARTS = ['latency-cdf', 'latency-histogram', 'latency-percentiles', 'decomposition'];

describe('an entry point where no request succeeded in any mode', () => {
  const c = compareMeshes([load(halfFailed, 'none'), load(halfFailed, 'linkerd')]);
  const model = reportModel(c);
  const charts = chartList(buildCharts(model)).filter((ch) => LATENCY_CHARTS.includes(ch.id));

  it('has no latency at all, while the other entry point has', () => {
    expect(c.runs.every((r) => r.entrypoints.find((e) => e.name === 'bad')!.succeeded === 0)).toBe(true);
    expect(c.runs.every((r) => r.entrypoints.find((e) => e.name === 'good')!.succeeded > 0)).toBe(true);
    expect(charts.map((ch) => ch.id).sort()).toEqual([...LATENCY_CHARTS].sort());
  });

  for (const id of LATENCY_CHARTS) {
    it(`${id}: draws the entry point with latencies only, without a warning from vega`, async () => {
      const chart = charts.find((ch) => ch.id === id)!;
      const { warnings } = await renderChart(chart.spec);
      expect(warnings).toEqual([]);
      expect(JSON.stringify((chart.spec as { vconcat: unknown[] }).vconcat)).not.toContain('"equal":"bad"');
    });
  }

  it('the page says which entry point the charts leave out', () => {
    const html = renderHtmlReport(c);
    expect(html.includes('No request succeeded in any mode at bad: it is left out of the charts below.')).toBe(true);
  });
});

describe('a mode whose every request takes the same time', () => {
  const c = compareMeshes([load(constant, 'none'), load(constant, 'linkerd')]);
  const model = reportModel(c);

  it('still has a line in the tail panel: every percentile from p50 up is that latency', () => {
    const none = c.runs[0].entrypoints[0].latency;
    expect(none.min).toBeCloseTo(none.max, 9);
    const tail = cdfRows(model).filter((r) => r.mesh === 'none' && r.nines !== null && r.p >= 0.5);
    expect(tail.length).toBeGreaterThanOrEqual(2);
    for (const r of tail) expect(r.value).toBeCloseTo(cdfData(model).unit.of(none.max), 2);
  });

  it('a single run of it, and a run of one request, draw the CDF chart without a warning', async () => {
    for (const run of [runTopology(load(constant)), runTopology(load(constant), { requests: 1 })]) {
      const chart = buildCharts(reportModel(run)).latencyCdf!;
      const { warnings } = await renderChart(chart.spec);
      expect(warnings).toEqual([]);
    }
  });

  it('labels an axis of zeros 0, not 0.000000 (a run whose requests take no time, and no proxies)', async () => {
    const r = runTopology(load('name: z\nsimulation: {seed: 1, duration: 5s, warmup: 1s}\nservices: {a: {serviceTime: 0s}}\nentrypoints: {w: {target: a, rate: 10/s}}\n'));
    const charts = chartList(buildCharts(reportModel(r)));
    for (const id of ['decomposition', 'resource-tax', 'latency-percentiles']) {
      const chart = charts.find((c) => c.id === id);
      expect(chart, id).toBeDefined();
      const { svg } = await renderChart(chart!.spec);
      const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
      // Before: Vega took the tick format's precision from a zero step.
      expect(labels.filter((l) => /^0\.0+$/.test(l)), id).toEqual([]);
      expect(labels, id).toContain('0');
    }
  });
});
