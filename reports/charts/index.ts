/** Every Vega-Lite chart of a report, in page order. */
import type { ReportModel } from '../model.js';
import type { ReportChart } from './common.js';
import { latencyCdfChart } from './latencyCdf.js';
import { latencyHistogramChart } from './latencyHistogram.js';
import { percentilesChart } from './percentiles.js';
import { decompositionChart } from './decomposition.js';
import { resourceTaxChart } from './resourceTax.js';
import { projectionChart } from './projection.js';
import { failuresChart } from './failures.js';
import { timelineChart } from './timeline.js';

export type { ReportChart, ChartSpec } from './common.js';

export interface ReportCharts {
  /** The latency charts are null when no request succeeded in any mode: nothing to draw, and vega would warn of empty extents. */
  latencyCdf: ReportChart | null;
  latencyHistogram: ReportChart | null;
  percentiles: ReportChart | null;
  decomposition: ReportChart | null;
  resourceTax: ReportChart;
  /** Null when no mode has a proxy: nothing to project. */
  projection: ReportChart | null;
  /** Null when no request failed in any mode. */
  failures: ReportChart | null;
  /** Null for results without a timeline. */
  timeline: ReportChart | null;
}

export function buildCharts(model: ReportModel): ReportCharts {
  const succeeded = model.runs.some((r) => r.entrypoints.some((e) => e.succeeded > 0));
  return {
    latencyCdf: succeeded ? latencyCdfChart(model) : null,
    latencyHistogram: succeeded ? latencyHistogramChart(model) : null,
    percentiles: succeeded ? percentilesChart(model) : null,
    decomposition: succeeded ? decompositionChart(model) : null,
    resourceTax: resourceTaxChart(model),
    projection: model.runs.some((r) => r.resources.proxies.length > 0) ? projectionChart(model) : null,
    failures: failuresChart(model),
    timeline: timelineChart(model),
  };
}

/** The charts that exist, in page order. */
export function chartList(charts: ReportCharts): ReportChart[] {
  const some = (c: ReportChart | null): ReportChart[] => (c ? [c] : []);
  return [...some(charts.latencyCdf), ...some(charts.latencyHistogram), ...some(charts.percentiles), ...some(charts.decomposition),
    charts.resourceTax, ...(charts.projection ? [charts.projection] : []), ...(charts.failures ? [charts.failures] : []), ...(charts.timeline ? [charts.timeline] : [])];
}
