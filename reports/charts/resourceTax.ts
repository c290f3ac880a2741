/**
 * The resource tax per mesh: vCPU (the applications' own next to each kind
 * of proxy and the control plane, so the tax has a scale), the mesh's
 * memory, and what it costs a month.
 */
import { costPerMonth } from '../../sim/results/resources.js';
import type { ProxyFleet } from '../../sim/results/types.js';
import { formatCountOf, formatDollars, formatFleetCount, formatPrice, sig } from '../format.js';
import { controlPlaneCharged, controlPlaneOf } from '../controlPlane.js';
import type { ReportModel } from '../model.js';
import { AXIS_NUMBER, BASE_CONFIG, SCHEMA, round, tip, type ReportChart } from './common.js';

/** Proxy kinds as a reader names them. */
export const PROXY_LABELS: Record<ProxyFleet['kind'], string> = {
  sidecar: 'sidecar proxies',
  'node-proxy': 'node proxies',
  waypoint: 'waypoint proxies',
  gateway: 'ingress gateways',
};

const APP_LABEL = 'applications';
const CONTROL_PLANE_LABEL = 'control plane';
const PART_DOMAIN = [APP_LABEL, ...Object.values(PROXY_LABELS), CONTROL_PLANE_LABEL];
const PART_COLORS = ['#9ecae9', '#f58518', '#e45756', '#b279a2', '#ffbf79', '#54a24b'];

/** Whether any mode's profile prices its control plane: then the panels are the mesh's, not the proxies' alone. */
function anyControlPlane(model: ReportModel): boolean {
  return model.runs.some((run) => {
    const cp = controlPlaneOf(run.resources, run.mesh.mode);
    return cp !== null && controlPlaneCharged(cp);
  });
}

export interface ResourceRow {
  mesh: string;
  part: string;
  order: number;
  vcpu: number;
  gb: number;
  detail: string;
}

export function resourceRows(model: ReportModel): ResourceRow[] {
  const rows: ResourceRow[] = [];
  for (const [m, run] of model.runs.entries()) {
    const r = run.resources;
    rows.push({ mesh: model.modes[m], part: APP_LABEL, order: 0, vcpu: round(r.appVcpu) ?? 0, gb: 0, detail: `${sig(r.appVcpu)} vCPU` });
    for (const p of r.proxies) {
      const label = PROXY_LABELS[p.kind] ?? p.kind;
      rows.push({
        mesh: model.modes[m], part: label, order: PART_DOMAIN.indexOf(label) + 1,
        vcpu: round(p.vcpu) ?? 0, gb: round(p.memoryGB) ?? 0,
        detail: `${formatFleetCount(p.count)} × (${sig(p.vcpuPerProxy)} vCPU, ${sig(p.memoryMBPerProxy)} MB)`,
      });
    }
    const cp = controlPlaneOf(r, run.mesh.mode);
    if (cp !== null && controlPlaneCharged(cp)) {
      rows.push({
        mesh: model.modes[m], part: CONTROL_PLANE_LABEL, order: PART_DOMAIN.indexOf(CONTROL_PLANE_LABEL) + 1,
        vcpu: round(cp.vcpu) ?? 0, gb: round(cp.memoryGB) ?? 0,
        detail: `${formatCountOf(cp.pushes, 'push', 'pushes')}, ${formatCountOf(cp.certificates, 'certificate', 'certificates')} (${sig(cp.vcpu)} vCPU, ${sig(cp.memoryGB)} GB)`,
      });
    }
  }
  return rows;
}

export interface CostRow {
  mesh: string;
  part: string;
  order: number;
  dollars: number;
  cost: string;
  /** The mode's whole bill (its proxies', and its control plane's where priced), in every row of it: a stacked bar's tooltip says the total too. */
  total: string;
}

/**
 * The mesh's bill per mode, one row per kind of proxy, priced as the results
 * price the total (vCPU and GB at the run's prices, 730 h), and one for the
 * control plane where its profile prices it: the stack sums to
 * `meshCostPerMonth` (`proxyCostPerMonth` without a priced control plane, or
 * in results written before it was), and each part has the colour the CPU and memory panels
 * give that kind. One bar in the sidecars' colour read, by the shared legend,
 * as sidecars for node-proxy meshes too.
 */
export function costRows(model: ReportModel): CostRow[] {
  const rows: CostRow[] = [];
  for (const [m, run] of model.runs.entries()) {
    const r = run.resources;
    const cp = controlPlaneOf(r, run.mesh.mode);
    const priced = cp !== null && controlPlaneCharged(cp);
    const total = `${formatDollars(priced ? r.proxyCostPerMonth + cp.costPerMonth : r.proxyCostPerMonth)} a month`;
    for (const p of r.proxies) {
      const label = PROXY_LABELS[p.kind] ?? p.kind;
      const dollars = costPerMonth(p.vcpu, p.memoryGB, r.prices);
      rows.push({ mesh: model.modes[m], part: label, order: PART_DOMAIN.indexOf(label) + 1, dollars: round(dollars) ?? 0, cost: `${formatDollars(dollars)} a month`, total });
    }
    if (priced) {
      rows.push({
        mesh: model.modes[m], part: CONTROL_PLANE_LABEL, order: PART_DOMAIN.indexOf(CONTROL_PLANE_LABEL) + 1,
        dollars: round(cp.costPerMonth) ?? 0, cost: `${formatDollars(cp.costPerMonth)} a month`, total,
      });
    }
  }
  return rows;
}

function stacked(model: ReportModel, field: 'vcpu' | 'gb', title: string, axis: string, withApps: boolean) {
  return {
    title,
    width: 210,
    height: { step: 22 },
    transform: withApps ? [] : [{ filter: { field: 'order', gt: 0 } }],
    mark: { type: 'bar' as const },
    encoding: {
      y: { field: 'mesh', type: 'nominal' as const, sort: model.modes, scale: { domain: model.modes }, title: null },
      x: { field, type: 'quantitative' as const, stack: 'zero' as const, title: axis, axis: { format: AXIS_NUMBER } },
      color: { field: 'part', type: 'nominal' as const, title: 'who uses it', scale: { domain: PART_DOMAIN, range: PART_COLORS } },
      order: { field: 'order', type: 'quantitative' as const },
      tooltip: [tip('mesh', 'mesh'), tip('part', 'who'), { field, type: 'quantitative' as const, title: axis, format: '.3~g' }, tip('detail', 'fleet')],
    },
  };
}

export function resourceTaxChart(model: ReportModel): ReportChart {
  const prices = model.runs[0].resources.prices;
  // Without a proxy in any mode, memory and cost panels would be empty axes (and Vega warns of an infinite extent).
  if (!model.runs.some((r) => r.resources.proxies.length > 0)) {
    return {
      id: 'resource-tax',
      title: 'CPU of the applications',
      caption: 'No proxies run here, so there is no resource tax: the applications\' own CPU while serving this topology\'s load.',
      spec: {
        $schema: SCHEMA,
        datasets: { resources: resourceRows(model) },
        hconcat: [{ data: { name: 'resources' }, ...stacked(model, 'vcpu', 'CPU', 'vCPU', true) }],
        config: BASE_CONFIG,
      },
    };
  }
  const withPlane = anyControlPlane(model);
  return {
    id: 'resource-tax',
    title: withPlane ? 'CPU, memory and cost of the proxies and the control plane' : 'CPU, memory and cost of the proxies',
    caption: withPlane
      ? `What the proxies and the control plane (where its profile prices it) use while serving this topology's load, next to the applications' own CPU. Memory is the mesh's only (the model does not size the applications' memory). Dollars a month (730 h) at ${formatPrice(prices.vcpuHour)}/vCPU-hour and ${formatPrice(prices.gbHour)}/GB-hour; a mode whose profile does not price its control plane has no part for it.`
      : `What the proxies use while serving this topology's load, next to the applications' own CPU. Memory is the proxies' only (the model does not size the applications' memory). Dollars a month (730 h) at ${formatPrice(prices.vcpuHour)}/vCPU-hour and ${formatPrice(prices.gbHour)}/GB-hour.`,
    spec: {
      $schema: SCHEMA,
      datasets: { resources: resourceRows(model), costs: costRows(model) },
      hconcat: [
        { data: { name: 'resources' }, ...stacked(model, 'vcpu', 'CPU', 'vCPU', true) },
        { data: { name: 'resources' }, ...stacked(model, 'gb', withPlane ? 'Mesh memory' : 'Proxy memory', 'GB', false) },
        {
          title: withPlane ? 'Mesh cost' : 'Proxy cost',
          width: 170,
          height: { step: 22 },
          data: { name: 'costs' },
          mark: { type: 'bar' as const },
          encoding: {
            y: { field: 'mesh', type: 'nominal' as const, sort: model.modes, scale: { domain: model.modes }, title: null },
            x: { field: 'dollars', type: 'quantitative' as const, stack: 'zero' as const, title: '$ a month', axis: { format: AXIS_NUMBER } },
            // Stacked by kind of proxy in the CPU and memory panels' colours, so the three panels share one legend truthfully.
            color: { field: 'part', type: 'nominal' as const, title: 'who uses it', scale: { domain: PART_DOMAIN, range: PART_COLORS } },
            order: { field: 'order', type: 'quantitative' as const },
            tooltip: [tip('mesh', 'mesh'), tip('part', 'who'), tip('cost', 'costs'), tip('total', withPlane ? 'the mesh costs' : 'all proxies cost')],
          },
        },
      ],
      config: BASE_CONFIG,
    },
  };
}
