/**
 * What a report looks like with names and counts as users write them: a
 * long baseline profile name must not stretch a chart, and a tooltip's
 * "N × (each)" must multiply out to the total it stands for.
 */
import { describe, expect, it } from 'vitest';
import type { CompareResult } from '../../sim/compare.js';
import { renderChart } from '../../reports/charts/render.js';
import { percentilesChart } from '../../reports/charts/percentiles.js';
import { latencyCdfChart } from '../../reports/charts/latencyCdf.js';
import { resourceRows } from '../../reports/charts/resourceTax.js';
import { reportModel } from '../../reports/model.js';
import { timelineChart } from '../../reports/charts/timeline.js';
import { renderHtmlReport } from '../../reports/html/document.js';
import { compareMeshes } from '../../sim/compare.js';
import { loadTopologySource, topologyOrThrow } from '../../sim/topology/load.js';
import { compareFile } from './helpers.js';

const LONG = 'istio-sidecar-tuned-for-the-production-cluster-two-workers-each';

/** The same comparison with the baseline's profile renamed, everywhere results name it. */
function renamedBaseline(c: CompareResult, name: string): CompareResult {
  const copy = structuredClone(c);
  const old = copy.baseline;
  copy.runs[0].mesh = { ...copy.runs[0].mesh, profile: name };
  copy.meshes = copy.meshes.map((m) => (m === old ? name : m));
  copy.baseline = name;
  for (const ep of copy.invoice) for (const row of ep.rows) if (row.mesh === old) row.mesh = name;
  return copy;
}

function svgHeight(svg: string): number {
  return Number(/<svg[^>]*\sheight="([\d.]+)"/.exec(svg)?.[1]);
}

describe('report layout', () => {
  const results = compareFile('topologies/mm1.yaml', ['istio-ambient', 'linkerd'], 60);

  it('a long baseline name does not stretch the percentiles chart', async () => {
    const short = await renderChart(percentilesChart(reportModel(results)).spec);
    const long = await renderChart(percentilesChart(reportModel(renamedBaseline(results, LONG))).spec);
    expect(short.warnings).toEqual([]);
    // The panel's title still names the baseline.
    expect(long.svg).toContain(`Change against ${LONG}`);
    // Before: the change panel's rotated y title "added latency vs <name> (ms)" ran past the panel's 220 px, and the chart grew ~180 px taller.
    expect(svgHeight(long.svg)).toBe(svgHeight(short.svg));
  });

  it('the resource tooltip counts a time-weighted fleet as the fleet table does, and a push in the singular', () => {
    const c = structuredClone(results);
    // As in a rollout: pods that lived part of the measured window count a part.
    const fleet = c.runs[1].resources.proxies[0];
    fleet.count = 5.39;
    c.runs[1].resources.controlPlane.pushes = 1;
    c.runs[1].resources.controlPlane.certificates = 1;
    const rows = resourceRows(reportModel(c)).filter((r) => r.mesh === 'linkerd');
    // Before: "5 × (…)", which multiplies out 7 % short of the bar's vCPU; and "1 pushes, 1 certificates".
    expect(rows.find((r) => r.part === 'sidecar proxies')?.detail).toMatch(/^5\.39 × \(/);
    expect(rows.find((r) => r.part === 'control plane')?.detail).toMatch(/^1 push, 1 certificate \(/);
  });

  it('counts one service and one entry point in the singular', () => {
    // Before: "1 services and 1 entry point".
    const page = renderHtmlReport(results);
    expect(page).toContain('<p class="lead">1 service and 1 entry point; ');
    // And the diagram's label for screen readers: it said "1 entry points, 1 services".
    expect(page).toContain('aria-label="Service graph: 1 entry point, 1 service"');
  });

  it('says that the timeline counts every entry point together when there are several', () => {
    const src = [
      'name: two-doors',
      'simulation: {seed: 1, duration: 6s, warmup: 0s}',
      'services:',
      '  a: {serviceTime: {dist: exponential, mean: 1ms}}',
      '  b: {serviceTime: {dist: exponential, mean: 20ms}, workers: 8}',
      'entrypoints:',
      '  fast: {target: a, rate: 40/s}',
      '  slow: {target: b, rate: 40/s}',
      'timeline: [{at: 3s, abort: {service: b, status: 503, probability: 0.5}}]',
      '',
    ].join('\n');
    const c = compareMeshes(['none', 'linkerd'].map((mesh) => topologyOrThrow(loadTopologySource(src, 'two.yaml', { mesh }))), {});
    const chart = timelineChart(reportModel(c));
    // Before: nothing said so, and its p99 (of both) matched neither entry point's p99 in the tables.
    expect(chart?.caption).toContain('Each interval counts the requests of all 2 entry points together: its p99 is of them all, not one entry point\'s.');
    expect(timelineChart(reportModel(compareFile('topologies/scenarios/retry-amplification.yaml', ['none'], 5)))?.caption).not.toContain('entry points together');
  });

  it('groups the thousands of a log latency axis, as of a linear one', async () => {
    // 120/s offered to a 100/s server for a minute, from an empty queue: latencies from a fraction of a
    // millisecond to seconds. The CDF spans five decades, drawn in ms (the unit of their middle): thousands of ms.
    const src = [
      'name: overloaded',
      'simulation: {seed: 3, duration: 60s, warmup: 0s}',
      'services:',
      '  api: {workers: 1, serviceTime: {dist: exponential, mean: 10ms}}',
      'entrypoints:',
      '  in: {target: api, rate: 120/s}',
      '',
    ].join('\n');
    const c = compareMeshes(['none', 'linkerd'].map((mesh) => topologyOrThrow(loadTopologySource(src, 'o.yaml', { mesh }))), {});
    const model = reportModel(c);
    for (const chart of [latencyCdfChart(model), percentilesChart(model)]) {
      const { svg } = await renderChart(chart!.spec);
      const ticks = [...svg.matchAll(/<text[^>]*>([\d,.]+)<\/text>/g)].map((m) => m[1]);
      // Before: "10000", "12000" beside the linear axes' "1,000".
      // The percentiles, p50 … p99.9, are all seconds: their chart reads in s, with no thousands to group.
      if (chart.id === 'latency-cdf') expect(ticks).toContain('10,000');
      expect(ticks.filter((t) => /^\d{5,}$/.test(t))).toEqual([]);
    }
  });
});
