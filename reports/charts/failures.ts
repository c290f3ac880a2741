/**
 * Failure attribution per mesh: failed requests by the component that
 * failed, by Envoy-style response flag, by who caused it (the mesh or the
 * application) and by the service where the failure began. Null when no
 * request failed in any mode: the page then says so in words.
 */
import { formatCount } from '../format.js';
import type { ReportModel } from '../model.js';
import { BASE_CONFIG, SCHEMA, tip, type ReportChart } from './common.js';

export interface FailureRow {
  mesh: string;
  entrypoint: string;
  cause: string;
  component: string;
  flag: string;
  origin: 'the mesh' | 'the application';
  service: string;
  count: number;
  requests: string;
}

/** Colours the widest categorical scheme tells apart; services beyond them share one bar as "other". */
const MAX_COLOURS = 20;

export function failureRows(model: ReportModel): FailureRow[] {
  const rows: FailureRow[] = [];
  for (const [m, run] of model.runs.entries()) {
    for (const e of run.entrypoints) {
      for (const f of e.failures) {
        if (!(f.count > 0)) continue;
        rows.push({
          mesh: model.modes[m], entrypoint: e.name, cause: f.cause, component: f.component,
          flag: f.flag === '-' ? 'no flag' : f.flag, origin: f.mesh ? 'the mesh' : 'the application',
          service: f.service, count: f.count, requests: formatCount(f.count),
        });
      }
    }
  }
  // More services than colours would give two services one colour: the biggest keep theirs, the rest are "other services".
  const byService = new Map<string, number>();
  for (const r of rows) byService.set(r.service, (byService.get(r.service) ?? 0) + r.count);
  if (byService.size > MAX_COLOURS) {
    const keep = new Set([...byService.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_COLOURS - 1).map(([name]) => name));
    const other = `other services (${byService.size - keep.size})`;
    for (const r of rows) if (!keep.has(r.service)) r.service = other;
  }
  return rows;
}

type Facet = 'component' | 'flag' | 'origin' | 'service';

function panel(model: ReportModel, field: Facet, title: string, legend: string, first: boolean) {
  return {
    title,
    width: 180,
    height: { step: 22 },
    mark: { type: 'bar' as const },
    encoding: {
      y: { field: 'mesh', type: 'nominal' as const, sort: model.modes, scale: { domain: model.modes }, title: null, axis: first ? {} : { labels: false, ticks: false } },
      x: { aggregate: 'sum' as const, field: 'count', type: 'quantitative' as const, title: 'failed requests' },
      color: {
        field, type: 'nominal' as const, title: legend,
        // tableau20: the default ten colours repeat from the eleventh service or component on.
        scale: field === 'origin' ? { domain: ['the mesh', 'the application'], range: ['#e45756', '#4c78a8'] } : { scheme: 'tableau20' },
        legend: { orient: 'bottom' as const, direction: 'vertical' as const },
      },
      tooltip: [
        tip('mesh', 'mesh'), tip(field, legend),
        { aggregate: 'sum' as const, field: 'count', type: 'quantitative' as const, title: 'failed requests', format: ',d' },
      ],
    },
  };
}

export function failuresChart(model: ReportModel): ReportChart | null {
  const rows = failureRows(model);
  if (rows.length === 0) return null;
  return {
    id: 'failures',
    title: 'Failure attribution',
    caption: 'Failed requests at all entry points, each counted once at its root cause: the component that failed, the Envoy-style response flag where one fits, whether the mesh or the application caused it, and the service where it began.',
    spec: {
      $schema: SCHEMA,
      data: { values: rows },
      hconcat: [
        panel(model, 'component', 'By component', 'component', true),
        panel(model, 'flag', 'By response flag', 'response flag', false),
        panel(model, 'origin', 'Who caused it', 'caused by', false),
        panel(model, 'service', 'Where it began', 'service', false),
      ],
      resolve: { scale: { color: 'independent' as const }, legend: { color: 'independent' as const } },
      config: BASE_CONFIG,
    },
  };
}
