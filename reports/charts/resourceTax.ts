/**
 * The resource tax per mesh: vCPU (the applications' own next to each kind
 * of proxy, so the tax has a scale), proxy memory, and what it costs a month.
 */
import type { ProxyFleet } from '../../sim/results/types.js';
import { formatCount, sig } from '../format.js';
import { formatDollars } from '../table.js';
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
const PART_DOMAIN = [APP_LABEL, ...Object.values(PROXY_LABELS)];
const PART_COLORS = ['#9ecae9', '#f58518', '#e45756', '#b279a2', '#ffbf79'];

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
        detail: `${formatCount(p.count)} × (${sig(p.vcpuPerProxy)} vCPU, ${sig(p.memoryMBPerProxy)} MB)`,
      });
    }
  }
  return rows;
}

export interface CostRow {
  mesh: string;
  dollars: number;
  cost: string;
}

function costRows(model: ReportModel): CostRow[] {
  return model.runs.map((run, m) => ({
    mesh: model.modes[m],
    dollars: round(run.resources.proxyCostPerMonth) ?? 0,
    cost: `${formatDollars(run.resources.proxyCostPerMonth)} a month`,
  }));
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
  return {
    id: 'resource-tax',
    title: 'CPU, memory and cost of the proxies',
    caption: `What the proxies use while serving this topology's load, next to the applications' own CPU. Memory is the proxies' only (the model does not size the applications' memory). Dollars a month (730 h) at $${prices.vcpuHour}/vCPU-hour and $${prices.gbHour}/GB-hour.`,
    spec: {
      $schema: SCHEMA,
      datasets: { resources: resourceRows(model), costs: costRows(model) },
      hconcat: [
        { data: { name: 'resources' }, ...stacked(model, 'vcpu', 'CPU', 'vCPU', true) },
        { data: { name: 'resources' }, ...stacked(model, 'gb', 'Proxy memory', 'GB', false) },
        {
          title: 'Proxy cost',
          width: 170,
          height: { step: 22 },
          data: { name: 'costs' },
          mark: { type: 'bar' as const },
          encoding: {
            y: { field: 'mesh', type: 'nominal' as const, sort: model.modes, scale: { domain: model.modes }, title: null },
            x: { field: 'dollars', type: 'quantitative' as const, title: '$ a month' },
            // The cost is all proxies: the proxies' colour, so the three panels share one legend.
            color: { value: PART_COLORS[1] },
            tooltip: [tip('mesh', 'mesh'), tip('cost', 'proxies cost')],
          },
        },
      ],
      config: BASE_CONFIG,
    },
  };
}
