/**
 * The resource tax projected to a fleet of N pods with today's traffic per
 * pod: where sidecar meshes (a proxy per pod, each learning every endpoint)
 * and node-proxy meshes (a proxy per node) part ways.
 */
import { formatCount, formatPods, sig } from '../format.js';
import { formatDollars } from '../table.js';
import type { ReportModel } from '../model.js';
import { BASE_CONFIG, SCHEMA, meshScale, round, tip, type ReportChart } from './common.js';

export interface ProjectionRow {
  mesh: string;
  vcpu: number;
  gb: number;
  dollars: number;
  vcpuLabel: string;
  gbLabel: string;
  cost: string;
}

export function projectionRows(model: ReportModel): ProjectionRow[] {
  return model.runs.map((run, m) => {
    const p = run.resources.projection;
    return {
      mesh: model.modes[m],
      vcpu: round(p.proxyVcpu) ?? 0,
      gb: round(p.proxyMemoryGB) ?? 0,
      dollars: round(p.proxyCostPerMonth) ?? 0,
      vcpuLabel: `${sig(p.proxyVcpu)} vCPU`,
      gbLabel: `${sig(p.proxyMemoryGB)} GB`,
      cost: `${formatDollars(p.proxyCostPerMonth)} a month`,
    };
  });
}

function bars(model: ReportModel, field: 'vcpu' | 'gb' | 'dollars', title: string, axis: string) {
  return {
    title,
    width: 220,
    height: { step: 22 },
    mark: { type: 'bar' as const },
    encoding: {
      y: { field: 'mesh', type: 'nominal' as const, sort: model.modes, scale: { domain: model.modes }, title: null },
      x: { field, type: 'quantitative' as const, title: axis },
      color: { field: 'mesh', type: 'nominal' as const, scale: meshScale(model), legend: null },
      tooltip: [tip('mesh', 'mesh'), tip('vcpuLabel', 'proxy CPU'), tip('gbLabel', 'proxy memory'), tip('cost', 'proxy cost')],
    },
  };
}

export function projectionChart(model: ReportModel): ReportChart {
  const pods = model.runs[0].resources.projection.pods;
  return {
    id: 'projection',
    title: `Projected to ${formatPods(pods)}`,
    caption: `The same meshes at ${formatPods(pods)} with today's traffic per pod: sidecars grow with the number of pods and each one learns every endpoint, node proxies grow with the number of nodes those pods need.`,
    spec: {
      $schema: SCHEMA,
      data: { values: projectionRows(model) },
      hconcat: [
        bars(model, 'vcpu', 'Proxy CPU', 'vCPU'),
        bars(model, 'gb', 'Proxy memory', 'GB'),
        bars(model, 'dollars', 'Proxy cost', '$ a month'),
      ],
      config: BASE_CONFIG,
    },
  };
}
