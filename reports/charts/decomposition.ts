/**
 * Where a request's time goes on its critical path, as stacked bars per mesh:
 * for the mean request, and for requests near the median and near the p99
 * (the tail is often made of different things than the middle).
 */
import type { Component } from '../../sim/model/components.js';
import { formatPercent } from '../format.js';
import { chartedEntrypoints, entrypointNames, num, type ReportModel } from '../model.js';
import {
  AXIS_NUMBER, BASE_CONFIG, COMPONENT_COLORS, COMPONENT_LABELS, COMPONENT_ORDER, SCHEMA, entryTitle, formatInUnit, formatSignedInUnit, inUnit, linearAxisUnit, tip,
  type ReportChart, type TimeUnit,
} from './common.js';

export const AT = [
  { key: 'mean', label: 'mean request' },
  { key: 'p50', label: 'requests near p50' },
  { key: 'p99', label: 'requests near p99' },
] as const;

export interface DecompositionRow {
  entrypoint: string;
  mesh: string;
  at: string;
  component: string;
  /** Stacking position: the application's parts first, the mesh's last. */
  order: number;
  /** Time in this component, in the chart's unit (decompositionData's unit). */
  value: number;
  time: string;
  share: string;
}

/**
 * The parts of each bar, in one unit for the three panels side by side,
 * chosen by the longest bar (the parts stack from 0 on a linear axis).
 */
export function decompositionData(model: ReportModel): { rows: DecompositionRow[]; unit: TimeUnit } {
  const parts: Array<Omit<DecompositionRow, 'value' | 'time'> & { seconds: number }> = [];
  const totals: number[] = [];
  for (const entry of entrypointNames(model)) {
    for (const [m, run] of model.runs.entries()) {
      const e = run.entrypoints.find((x) => x.name === entry);
      if (!e) continue;
      for (const at of AT) {
        const times: Record<Component, number> = at.key === 'mean' ? e.decomposition : e.composition[at.key];
        const total = COMPONENT_ORDER.reduce((a, c) => a + (num(times[c]) || 0), 0);
        totals.push(total);
        for (const [order, c] of COMPONENT_ORDER.entries()) {
          const v = num(times[c]);
          // A zero part draws nothing; leaving it out keeps tooltips and data short.
          if (!(v > 0)) continue;
          parts.push({
            entrypoint: entry, mesh: model.modes[m], at: at.label, component: COMPONENT_LABELS[c], order,
            seconds: v, share: total > 0 ? formatPercent(v / total) : '–',
          });
        }
      }
    }
  }
  const unit = linearAxisUnit(totals);
  const rows = parts.map((p): DecompositionRow => ({
    entrypoint: p.entrypoint, mesh: p.mesh, at: p.at, component: p.component, order: p.order,
    value: inUnit(p.seconds, unit) ?? 0, time: formatInUnit(p.seconds, unit), share: p.share,
  }));
  return { rows, unit };
}

export interface AddedRow {
  entrypoint: string;
  mesh: string;
  component: string;
  order: number;
  /** Change of the mean request's time in this component against the baseline, in the panel's unit (negative: less time). */
  value: number;
  time: string;
}

/**
 * What each mesh adds to the mean request, component by component: the
 * latency tax, split by who charges it. In a unit of its own, chosen by the
 * longest stack either side of 0: a mesh's few milliseconds on a request of
 * seconds would read 0.002 in the parts' unit.
 */
export function addedData(model: ReportModel): { rows: AddedRow[]; unit: TimeUnit } {
  const b = model.baseline;
  if (b === null) return { rows: [], unit: linearAxisUnit([]) };
  const changes: Array<Omit<AddedRow, 'value' | 'time'> & { seconds: number }> = [];
  const stacks: number[] = [];
  for (const entry of entrypointNames(model)) {
    const base = model.runs[b].entrypoints.find((x) => x.name === entry);
    if (!base) continue;
    for (const [m, run] of model.runs.entries()) {
      const e = run.entrypoints.find((x) => x.name === entry);
      // With no successful request on either side there is no mean request to compare: its parts read 0, not "saved".
      if (!e || m === b || e.succeeded === 0 || base.succeeded === 0) continue;
      let up = 0, down = 0;
      for (const [order, c] of COMPONENT_ORDER.entries()) {
        const d = (num(e.decomposition[c]) || 0) - (num(base.decomposition[c]) || 0);
        // Below a nanosecond is floating-point dust between two sums, not a change.
        if (!(Math.abs(d) >= 1e-9)) continue;
        if (d > 0) up += d;
        else down -= d;
        changes.push({ entrypoint: entry, mesh: model.modes[m], component: COMPONENT_LABELS[c], order, seconds: d });
      }
      stacks.push(up, down);
    }
  }
  const unit = linearAxisUnit(stacks);
  return { rows: changes.map(({ seconds, ...c }) => ({ ...c, value: inUnit(seconds, unit) ?? 0, time: formatSignedInUnit(seconds, unit) })), unit };
}

export function addedRows(model: ReportModel): AddedRow[] {
  return addedData(model).rows;
}

function addedPanel(model: ReportModel, entry: string, unit: TimeUnit) {
  const base = model.modes[model.baseline ?? 0];
  return {
    title: `Added to the mean request vs ${base}`,
    width: 190,
    height: { step: 22 },
    data: { name: 'added' },
    transform: [{ filter: { field: 'entrypoint', equal: entry } }],
    layer: [
      {
        mark: { type: 'bar' as const },
        encoding: {
          y: { field: 'mesh', type: 'nominal' as const, sort: model.modes, scale: { domain: model.modes }, title: null, axis: { labels: false, ticks: false } },
          x: { field: 'value', type: 'quantitative' as const, stack: 'zero' as const, title: `change vs ${base} (${unit.symbol})`, axis: { format: AXIS_NUMBER } },
          color: componentColor,
          order: { field: 'order', type: 'quantitative' as const },
          tooltip: [tip('mesh', 'mesh'), tip('component', 'component'), tip('time', `change vs ${base}`)],
        },
      },
      { mark: { type: 'rule' as const, color: '#666' }, encoding: { x: { datum: 0 } } },
    ],
  };
}

const componentColor = {
  field: 'component', type: 'nominal' as const, title: 'where the time goes',
  scale: { domain: COMPONENT_ORDER.map((c) => COMPONENT_LABELS[c]), range: COMPONENT_ORDER.map((c) => COMPONENT_COLORS[c]) },
};

function panel(model: ReportModel, entry: string, at: (typeof AT)[number], first: boolean, unit: TimeUnit) {
  return {
    title: at.label === 'mean request' ? 'The mean request' : `Requests near ${at.key}`,
    width: 190,
    height: { step: 22 },
    data: { name: 'parts' },
    transform: [{ filter: { field: 'entrypoint', equal: entry } }, { filter: { field: 'at', equal: at.label } }],
    mark: { type: 'bar' as const },
    encoding: {
      y: { field: 'mesh', type: 'nominal' as const, sort: model.modes, scale: { domain: model.modes }, title: null, axis: first ? {} : { labels: false, ticks: false } },
      x: { field: 'value', type: 'quantitative' as const, stack: 'zero' as const, title: `time on the critical path (${unit.symbol})`, axis: { format: AXIS_NUMBER } },
      color: componentColor,
      order: { field: 'order', type: 'quantitative' as const },
      tooltip: [tip('mesh', 'mesh'), tip('at', 'for the'), tip('component', 'component'), tip('time', 'time'), tip('share', 'share of the latency')],
    },
  };
}

export function decompositionChart(model: ReportModel): ReportChart {
  const parts = decompositionData(model), added = addedData(model);
  return {
    id: 'decomposition',
    title: 'Latency by component, on the critical path',
    caption: 'Each bar splits a request\'s latency along its critical path (parallel calls count their slowest branch): blue is the application, grey the network, warm colours the mesh — proxy processing, waiting for a proxy thread, and mTLS handshakes; purple is waiting between retries. Then the average make-up of requests whose latency is near the median and near the p99. ' +
      (model.baseline !== null ? 'Last: how each mesh changes the mean request\'s time in each component against the baseline — the latency tax, split by who charges it.' : ''),
    spec: {
      $schema: SCHEMA,
      datasets: { parts: parts.rows, added: added.rows },
      vconcat: chartedEntrypoints(model).map((entry) => ({
        title: entryTitle(model, entry),
        hconcat: [
          ...AT.map((at, i) => panel(model, entry, at, i === 0, parts.unit)),
          ...(model.baseline !== null ? [addedPanel(model, entry, added.unit)] : []),
        ],
      })),
      config: BASE_CONFIG,
    },
  };
}
