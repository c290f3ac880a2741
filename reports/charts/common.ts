/**
 * What every chart builder shares: the spec type, the colours that stay the
 * same for a mesh or a component across the whole page, the base config, and
 * number rounding that keeps the inlined data small and stable.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Component } from '../../sim/model/components.js';
import type { ReportModel } from '../model.js';
import { durationUnit, durationUnitOf, sig, type DurationUnit } from '../format.js';

export type ChartSpec = TopLevelSpec;

/** A chart of the report: its spec plus the words around it. */
export interface ReportChart {
  /** Stable id: the element id in the page and the file stem with `--charts`. Never derived from user input. */
  id: string;
  title: string;
  /** How to read it, in one or two sentences. */
  caption: string;
  spec: ChartSpec;
}

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Tick labels of a quantity axis: significant digits, trailing zeros
 * trimmed, thousands grouped. Vega's default takes its precision from the
 * tick step, which for an axis of zeros alone (nothing to show) reads
 * "0.000000".
 */
export const AXIS_NUMBER = ',~r';

/**
 * Tick labels of a latency's log axis: thousands grouped, as AXIS_NUMBER's,
 * for an axis spanning decades, in the unit of its middle (an overloaded
 * run's first requests of a millisecond and last of seconds: "12,000" ms,
 * not "12000"); small ones as written.
 */
export const AXIS_LOG = ',~g';

/**
 * Tick labels of a share axis: as many decimals as the tick needs, trailing
 * zeros trimmed. ".0%" rounded every tick of an axis topping out under 1 %
 * (an error rate of 0.4 %) to "0%" or "1%": four ticks, three reading "0%".
 */
export const AXIS_PERCENT = '~%';

/** The baseline is grey so that every coloured line or bar is "a mesh". */
const BASELINE_COLOR = '#8c8c8c';
/**
 * tableau20's hues after the nine the page has always used (its greys left out: grey is the baseline's):
 * with nine colours, a comparison of eleven modes or more drew two meshes in one colour.
 */
export const MESH_COLORS = [
  '#4c78a8', '#f58518', '#54a24b', '#e45756', '#b279a2', '#72b7b2', '#9d755d', '#eeca3b', '#ff9da6',
  '#9ecae9', '#ffbf79', '#88d27a', '#b79a20', '#439894', '#ff9d98', '#d67195', '#fcbfd2', '#d6a5c9', '#d8b5a5',
];

/** One colour per mode, the same in every chart of a report. */
export function meshScale(model: ReportModel): { domain: string[]; range: string[] } {
  let next = 0;
  const range = model.modes.map((_, i) =>
    i === model.baseline || (model.baseline === null && model.runs[i].mesh.mode === 'none')
      ? BASELINE_COLOR
      : MESH_COLORS[next++ % MESH_COLORS.length],
  );
  return { domain: model.modes, range };
}

/** Readable names for the decomposition's components, in stacking order (the app's first, then the mesh's). */
export const COMPONENT_LABELS: Record<Component, string> = {
  appWork: 'app work',
  appQueue: 'app queue',
  network: 'network',
  proxyWork: 'proxy work',
  proxyQueue: 'proxy queue',
  mtls: 'mTLS handshakes',
  retryBackoff: 'retry back-off',
};

/** Application in blues, network in grey, the mesh's parts in warm colours: the tax is what is warm. */
export const COMPONENT_COLORS: Record<Component, string> = {
  appWork: '#4c78a8',
  appQueue: '#9ecae9',
  network: '#bab0ac',
  proxyWork: '#f58518',
  proxyQueue: '#ffbf79',
  mtls: '#e45756',
  retryBackoff: '#b279a2',
};

export const COMPONENT_ORDER: Component[] = ['appWork', 'appQueue', 'network', 'proxyWork', 'proxyQueue', 'mtls', 'retryBackoff'];

/**
 * Four significant digits: far finer than a chart can show, and it roughly
 * halves the inlined data. Non-finite numbers become null (JSON has no NaN).
 */
export function round(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  return x === 0 ? 0 : Number(x.toPrecision(4));
}

/** The units a latency chart is drawn in: formatSeconds' own, from µs to s. */
export type TimeUnit = DurationUnit & { symbol: 'µs' | 'ms' | 's' };

/**
 * The unit formatSeconds would write a typical value of the chart in, kept
 * within µs … s: under a microsecond the axis reads fractions of a µs, and
 * past ten minutes it stays in seconds, as formatSeconds' "m" on an axis
 * would read as metres. Milliseconds when there is nothing to draw.
 */
export function timeUnit(typical: number): TimeUnit {
  if (!Number.isFinite(typical) || typical === 0) return durationUnitOf('ms') as TimeUnit;
  const symbol = durationUnit(typical)?.symbol ?? 'ns';
  return durationUnitOf(symbol === 'ns' ? 'µs' : symbol === 'm' || symbol === 'h' || symbol === 'd' ? 's' : symbol) as TimeUnit;
}

/** The positive, finite values among them, without spreading them (a histogram's rows run to thousands). */
function extent(seconds: Iterable<number>): { low: number; high: number } | null {
  let low = Infinity, high = 0;
  for (const s of seconds) {
    const a = Math.abs(s);
    if (!(a > 0) || !Number.isFinite(a)) continue;
    low = Math.min(low, a);
    high = Math.max(high, a);
  }
  return high > 0 ? { low, high } : null;
}

/**
 * A log axis's unit: that of the middle of its decades (the geometric mean
 * of the extremes), so a CDF from 3 s to 25 s reads in s, one from 2 µs to
 * 40 µs in µs, and one spanning 500 µs … 2 s in ms (0.5 … 2,000), not in s
 * (0.0005 … 2).
 */
export function logAxisUnit(seconds: Iterable<number>): TimeUnit {
  const e = extent(seconds);
  return timeUnit(e ? Math.sqrt(e.low * e.high) : 0);
}

/** A linear axis's unit (bars from 0): that of its largest magnitude, which sets the ticks' scale. */
export function linearAxisUnit(seconds: Iterable<number>): TimeUnit {
  return timeUnit(extent(seconds)?.high ?? 0);
}

/** Seconds in the chart's unit for its data, rounded as round() does; null for a non-finite value. */
export function inUnit(seconds: number, unit: TimeUnit): number | null {
  return round(unit.of(seconds));
}

/**
 * Seconds in the chart's unit for its tooltips, three significant digits
 * as formatSeconds gives them and thousands grouped as the axis's ticks are:
 * "0.812ms", "9,050ms" on an axis in ms, where formatSeconds would switch
 * to "812µs" and "9.05s" and the tooltip would disagree with the axis.
 */
export function formatInUnit(seconds: number, unit: TimeUnit): string {
  if (!Number.isFinite(seconds)) return seconds > 0 ? '∞' : '–';
  if (seconds === 0) return '0';
  const x = unit.of(seconds);
  const text = Math.abs(Number(x.toPrecision(3))) >= 1000 ? Math.round(x).toLocaleString('en-US') : sig(x);
  return `${text}${unit.symbol}`;
}

/** A change in the chart's unit with its sign: +0.720ms, −1.20ms. */
export function formatSignedInUnit(seconds: number, unit: TimeUnit): string {
  if (!Number.isFinite(seconds)) return '–';
  return `${seconds >= 0 ? '+' : '−'}${formatInUnit(Math.abs(seconds), unit)}`;
}

/** The page's look, shared so that SVG exports match the page. */
export const BASE_CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const, gridColor: '#eee' },
  // Mesh names label the band axes: the default 180 px cut a tuned profile's name to "istio-sidecar-tuned-for-…".
  axisBand: { labelLimit: 0 },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const, labelLimit: 260 },
  title: { fontSize: 13, anchor: 'start' as const, fontWeight: 'bold' as const },
  header: { labelFontSize: 12, titleFontSize: 12 },
  concat: { spacing: 28 },
};

/** Shown on hover; a chart is for shapes, the tooltip for exact numbers. */
export function tip(field: string, title: string): { field: string; type: 'nominal'; title: string } {
  return { field, type: 'nominal', title };
}

/** Headers above each entry point's block, when a topology has several. */
export function entryTitle(model: ReportModel, entry: string): { text: string; fontSize: number } | undefined {
  return model.runs[0].entrypoints.length > 1 ? { text: `Entry point ${entry}`, fontSize: 15 } : undefined;
}
