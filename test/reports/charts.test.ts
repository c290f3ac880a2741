import { describe, expect, it } from 'vitest';
import { buildCharts, chartList } from '../../reports/charts/index.js';
import { renderChart } from '../../reports/charts/render.js';
import { reportModel } from '../../reports/model.js';
import { fixtureCompare, fixtureRun } from './fixture.js';
import { p99Domain, timelineRows } from '../../reports/charts/timeline.js';

const compare = buildCharts(reportModel(fixtureCompare()));
const single = buildCharts(reportModel(fixtureRun()));

describe('chart builders', () => {
  it('build every chart for a comparison, failures and timeline included', () => {
    expect(chartList(compare).map((c) => c.id)).toEqual([
      'latency-cdf', 'latency-histogram', 'latency-percentiles', 'decomposition', 'resource-tax', 'projection', 'failures', 'timeline',
    ]);
    expect(compare.failures).not.toBeNull();
    expect(compare.timeline).not.toBeNull();
  });

  // The specs, data included, as files: a change to a chart shows as a diff of its Vega-Lite.
  for (const chart of chartList(compare)) {
    it(`${chart.id}: matches its snapshot`, async () => {
      await expect(JSON.stringify(chart.spec, null, 2) + '\n').toMatchFileSnapshot(`__snapshots__/${chart.id}.vl.json`);
    });
  }

  for (const [kind, charts] of [['compare', compare], ['run', single]] as const) {
    for (const chart of chartList(charts)) {
      it(`${chart.id} (${kind}): compiles with vega-lite and renders with vega, without a warning`, async () => {
        const { svg, warnings } = await renderChart(chart.spec);
        expect(warnings).toEqual([]);
        expect(svg).toMatch(/^<svg/);
        // Marks were drawn, not just axes.
        expect(svg).toMatch(/class="mark-(line|rect|symbol)[^"]*role-mark/);
      });
    }
  }

  it('a single run has no delta panels; a comparison without failures has no failures chart', () => {
    const calm = fixtureCompare();
    for (const r of calm.runs) for (const e of r.entrypoints) e.failures = [];
    expect(buildCharts(reportModel(calm)).failures).toBeNull();
    expect(JSON.stringify(single.percentiles!.spec)).not.toContain('Change against');
    expect(JSON.stringify(single.decomposition!.spec)).not.toContain('Added to the mean request');
  });

  it('draws no latency chart when no request succeeded in any mode (vega warned of empty extents)', () => {
    const failed = fixtureCompare();
    for (const r of failed.runs) for (const e of r.entrypoints) e.succeeded = 0;
    const charts = buildCharts(reportModel(failed));
    expect([charts.latencyCdf, charts.latencyHistogram, charts.percentiles, charts.decomposition]).toEqual([null, null, null, null]);
    expect(chartList(charts).map((c) => c.id)).not.toContain('latency-cdf');
  });

  it('renders the same SVG twice (usable as a golden)', async () => {
    const a = await renderChart(compare.decomposition!.spec);
    const b = await renderChart(compare.decomposition!.spec);
    expect(a.svg).toBe(b.svg);
  });

  it('results without a timeline (older files) simply have no timeline chart', () => {
    const c = fixtureCompare();
    for (const r of c.runs) delete (r as { timeline?: unknown }).timeline;
    expect(buildCharts(reportModel(c)).timeline).toBeNull();
  });
});

describe('a run with no proxies', () => {
  it('draws the applications\' CPU alone, no empty proxy panels or projection, and vega warns of nothing', async () => {
    const { runTopology } = await import('../../sim/run.js');
    const { loadTopologySource, topologyOrThrow } = await import('../../sim/topology/load.js');
    const r = runTopology(topologyOrThrow(loadTopologySource('name: bare\nsimulation: {duration: 5s}\nservices: {a: {serviceTime: 1ms}}\nentrypoints: {w: {target: a, rate: 10/s}}\n', 'bare.yaml')));
    const charts = buildCharts(reportModel(r));
    expect(charts.projection).toBeNull();
    expect(chartList(charts).map((c) => c.id)).not.toContain('projection');
    // Before: memory and cost panels of nothing, and "Infinite extent" warnings from vega.
    const { svg, warnings } = await renderChart(charts.resourceTax.spec);
    expect(warnings).toEqual([]);
    expect(svg).toMatch(/class="mark-rect[^"]*role-mark/);
  });
});

describe('long mesh names', () => {
  it('are drawn whole on the mesh axes, not cut at 180 px with an ellipsis', async () => {
    const long = 'istio-sidecar-tuned-for-the-payments-team-review-2026';
    const c = fixtureCompare();
    c.runs[1].mesh.profile = long;
    const charts = buildCharts(reportModel(c));
    for (const chart of [charts.decomposition, charts.failures, charts.projection]) {
      const { svg, warnings } = await renderChart(chart!.spec);
      expect(warnings).toEqual([]);
      expect(svg).toContain(`>${long}</text>`);
    }
  });
});

describe('axes that show every line and every decade', () => {
  type Panel = { encoding?: { y?: { scale?: { type?: string; domain?: number[] }; title?: string } }; layer?: Panel[]; hconcat?: Panel[]; vconcat?: Panel[] };
  const panels = (spec: Panel): Panel[] => [spec, ...(spec.layer ?? []), ...(spec.hconcat ?? []), ...(spec.vconcat ?? [])].flatMap((p) => (p === spec ? [p] : panels(p)));

  it('the timeline\'s p99 axis reaches one ×1.5 class past the highest p99 (and below the lowest), so its top line is not on the edge', async () => {
    const model = reportModel(fixtureCompare());
    const values = timelineRows(model).points.map((p) => p.p99).filter((v): v is number => v !== null);
    const high = Math.max(...values), low = Math.min(...values);
    expect(p99Domain(timelineRows(model).points)).toEqual([Number((low / 1.5).toPrecision(4)), Number((high * 1.5).toPrecision(4))]);
    const p99 = panels(compare.timeline!.spec as Panel).find((p) => p.encoding?.y?.title === 'ms (log scale)')!;
    expect(p99.encoding!.y!.scale).toEqual({ type: 'log', nice: false, domain: p99Domain(timelineRows(model).points) });
    // Drawn without a warning from vega.
    const { svg, warnings } = await renderChart(compare.timeline!.spec);
    expect(warnings).toEqual([]);
    expect(svg).toMatch(/<svg/);
    expect(p99Domain([])).toBeNull();
  });

  it('the latency-by-percentile bars are on a log axis; the changes beside them stay linear (they can be negative)', () => {
    const all = panels(compare.percentiles!.spec as Panel);
    const values = all.filter((p) => p.encoding?.y?.title === 'latency (ms, log scale)');
    expect(values).toHaveLength(2);
    for (const v of values) expect(v.encoding!.y!.scale).toEqual({ type: 'log' });
    expect(all.filter((p) => p.encoding?.y?.title?.startsWith('added latency')).every((p) => p.encoding!.y!.scale === undefined)).toBe(true);
    expect(compare.percentiles!.caption).toContain('on a log scale');
  });
});
