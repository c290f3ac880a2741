/**
 * The resource tax projected to a fleet of N pods with today's traffic per
 * pod: where sidecar meshes (a proxy per pod, each learning every endpoint)
 * and node-proxy meshes (a proxy per node) part ways.
 */
import { formatDollars, formatPods, sig } from '../format.js';
import { controlPlaneCharged, controlPlaneOf } from '../controlPlane.js';
import type { ReportModel } from '../model.js';
import { BASE_CONFIG, SCHEMA, meshScale, round, tip, type ReportChart } from './common.js';

export interface ProjectionRow {
  mesh: string;
  /** The mesh's at N pods: its proxies', and its control plane's where the profile prices it. */
  vcpu: number;
  gb: number;
  dollars: number;
  vcpuLabel: string;
  gbLabel: string;
  cost: string;
  /** The control plane's part, in words ("not priced", or none for no mesh and results from before it was priced). */
  controlPlane: string;
}

export function projectionRows(model: ReportModel): ProjectionRow[] {
  return model.runs.map((run, m) => {
    const p = run.resources.projection;
    const cp = controlPlaneOf(run.resources, run.mesh.mode);
    const plane = cp !== null && controlPlaneCharged(cp) && p.controlPlane !== undefined ? p.controlPlane : null;
    const vcpu = p.proxyVcpu + (plane?.vcpu ?? 0);
    const gb = p.proxyMemoryGB + (plane?.memoryGB ?? 0);
    const dollars = p.proxyCostPerMonth + (plane?.costPerMonth ?? 0);
    return {
      mesh: model.modes[m],
      vcpu: round(vcpu) ?? 0,
      gb: round(gb) ?? 0,
      dollars: round(dollars) ?? 0,
      vcpuLabel: `${sig(p.proxyVcpu)} vCPU`,
      gbLabel: `${sig(p.proxyMemoryGB)} GB`,
      cost: `${formatDollars(p.proxyCostPerMonth)} a month`,
      controlPlane: plane !== null
        ? `${sig(plane.vcpu)} vCPU, ${sig(plane.memoryGB)} GB, ${formatDollars(plane.costPerMonth)} a month`
        : cp !== null ? 'not priced by this profile' : '–',
    };
  });
}

function bars(model: ReportModel, field: 'vcpu' | 'gb' | 'dollars', title: string, axis: string, withPlane: boolean) {
  return {
    title,
    width: 220,
    height: { step: 22 },
    mark: { type: 'bar' as const },
    encoding: {
      y: { field: 'mesh', type: 'nominal' as const, sort: model.modes, scale: { domain: model.modes }, title: null },
      x: { field, type: 'quantitative' as const, title: axis },
      color: { field: 'mesh', type: 'nominal' as const, scale: meshScale(model), legend: null },
      tooltip: [tip('mesh', 'mesh'), tip('vcpuLabel', 'proxy CPU'), tip('gbLabel', 'proxy memory'), tip('cost', 'proxy cost'),
        ...(withPlane ? [tip('controlPlane', 'control plane')] : [])],
    },
  };
}

export function projectionChart(model: ReportModel): ReportChart {
  const pods = model.runs[0].resources.projection.pods;
  const rows = projectionRows(model);
  // Bars are the whole mesh's once a profile prices its control plane (as the resource-tax chart stacks it).
  const withPlane = model.runs.some((run) => {
    const cp = controlPlaneOf(run.resources, run.mesh.mode);
    return cp !== null && controlPlaneCharged(cp) && run.resources.projection.controlPlane !== undefined;
  });
  const name = withPlane ? 'Mesh' : 'Proxy';
  return {
    id: 'projection',
    title: `Projected to ${formatPods(pods)}`,
    caption: `The same meshes at ${formatPods(pods)} with today's traffic per pod: sidecars grow with the number of pods and each one learns every endpoint, node proxies grow with the number of nodes those pods need.` +
      (withPlane ? ' Bars are the proxies and the control plane together, where the profile prices it (the tooltip parts them).' : ''),
    spec: {
      $schema: SCHEMA,
      data: { values: rows },
      hconcat: [
        bars(model, 'vcpu', `${name} CPU`, 'vCPU', withPlane),
        bars(model, 'gb', `${name} memory`, 'GB', withPlane),
        bars(model, 'dollars', `${name} cost`, '$ a month', withPlane),
      ],
      config: BASE_CONFIG,
    },
  };
}
