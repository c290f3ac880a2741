/**
 * Where a request's time goes on its critical path, as stacked bars per mesh:
 * for the mean request, and for requests near the median and near the p99
 * (the tail is often made of different things than the middle).
 */
import type { Component } from '../../sim/model/components.js';
import { formatPercent, formatSeconds, formatSignedSeconds } from '../format.js';
import { chartedEntrypoints, entrypointNames, num, type ReportModel } from '../model.js';
import { AXIS_NUMBER, BASE_CONFIG, COMPONENT_COLORS, COMPONENT_LABELS, COMPONENT_ORDER, SCHEMA, entryTitle, ms, tip, type ReportChart } from './common.js';

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
  ms: number;
  time: string;
  share: string;
}

export function decompositionRows(model: ReportModel): DecompositionRow[] {
  const rows: DecompositionRow[] = [];
  for (const entry of entrypointNames(model)) {
    for (const [m, run] of model.runs.entries()) {
      const e = run.entrypoints.find((x) => x.name === entry);
      if (!e) continue;
      for (const at of AT) {
        const parts: Record<Component, number> = at.key === 'mean' ? e.decomposition : e.composition[at.key];
        const total = COMPONENT_ORDER.reduce((a, c) => a + (num(parts[c]) || 0), 0);
        for (const [order, c] of COMPONENT_ORDER.entries()) {
          const v = num(parts[c]);
          // A zero part draws nothing; leaving it out keeps tooltips and data short.
          if (!(v > 0)) continue;
          rows.push({
            entrypoint: entry, mesh: model.modes[m], at: at.label, component: COMPONENT_LABELS[c], order,
            ms: ms(v) ?? 0, time: formatSeconds(v), share: total > 0 ? formatPercent(v / total) : '–',
          });
        }
      }
    }
  }
  return rows;
}

export interface AddedRow {
  entrypoint: string;
  mesh: string;
  component: string;
  order: number;
  /** Change of the mean request's time in this component against the baseline, ms (negative: less time). */
  ms: number;
  time: string;
}

/** What each mesh adds to the mean request, component by component: the latency tax, split by who charges it. */
export function addedRows(model: ReportModel): AddedRow[] {
  const b = model.baseline;
  if (b === null) return [];
  const rows: AddedRow[] = [];
  for (const entry of entrypointNames(model)) {
    const base = model.runs[b].entrypoints.find((x) => x.name === entry);
    if (!base) continue;
    for (const [m, run] of model.runs.entries()) {
      const e = run.entrypoints.find((x) => x.name === entry);
      // With no successful request on either side there is no mean request to compare: its parts read 0, not "saved".
      if (!e || m === b || e.succeeded === 0 || base.succeeded === 0) continue;
      for (const [order, c] of COMPONENT_ORDER.entries()) {
        const d = (num(e.decomposition[c]) || 0) - (num(base.decomposition[c]) || 0);
        // Below a nanosecond is floating-point dust between two sums, not a change.
        if (!(Math.abs(d) >= 1e-9)) continue;
        rows.push({ entrypoint: entry, mesh: model.modes[m], component: COMPONENT_LABELS[c], order, ms: ms(d) ?? 0, time: formatSignedSeconds(d) });
      }
    }
  }
  return rows;
}

function addedPanel(model: ReportModel, entry: string) {
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
          x: { field: 'ms', type: 'quantitative' as const, stack: 'zero' as const, title: `change vs ${base} (ms)`, axis: { format: AXIS_NUMBER } },
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

function panel(model: ReportModel, entry: string, at: (typeof AT)[number], first: boolean) {
  return {
    title: at.label === 'mean request' ? 'The mean request' : `Requests near ${at.key}`,
    width: 190,
    height: { step: 22 },
    data: { name: 'parts' },
    transform: [{ filter: { field: 'entrypoint', equal: entry } }, { filter: { field: 'at', equal: at.label } }],
    mark: { type: 'bar' as const },
    encoding: {
      y: { field: 'mesh', type: 'nominal' as const, sort: model.modes, scale: { domain: model.modes }, title: null, axis: first ? {} : { labels: false, ticks: false } },
      x: { field: 'ms', type: 'quantitative' as const, stack: 'zero' as const, title: 'time on the critical path (ms)', axis: { format: AXIS_NUMBER } },
      color: componentColor,
      order: { field: 'order', type: 'quantitative' as const },
      tooltip: [tip('mesh', 'mesh'), tip('at', 'for the'), tip('component', 'component'), tip('time', 'time'), tip('share', 'share of the latency')],
    },
  };
}

export function decompositionChart(model: ReportModel): ReportChart {
  return {
    id: 'decomposition',
    title: 'Latency by component, on the critical path',
    caption: 'Each bar splits a request\'s latency along its critical path (parallel calls count their slowest branch): blue is the application, grey the network, warm colours the mesh — proxy processing, waiting for a proxy thread, and mTLS handshakes; purple is waiting between retries. Then the average make-up of requests whose latency is near the median and near the p99. ' +
      (model.baseline !== null ? 'Last: how each mesh changes the mean request\'s time in each component against the baseline — the latency tax, split by who charges it.' : ''),
    spec: {
      $schema: SCHEMA,
      datasets: { parts: decompositionRows(model), added: addedRows(model) },
      vconcat: chartedEntrypoints(model).map((entry) => ({
        title: entryTitle(model, entry),
        hconcat: [
          ...AT.map((at, i) => panel(model, entry, at, i === 0)),
          ...(model.baseline !== null ? [addedPanel(model, entry)] : []),
        ],
      })),
      config: BASE_CONFIG,
    },
  };
}
