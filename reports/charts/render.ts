/**
 * Compiling a chart's Vega-Lite spec to Vega and drawing it as SVG in Node,
 * with no browser and no canvas (vega's `renderer: 'none'` view can still
 * serialize its scene as SVG). vega and vega-lite are imported on first use:
 * they take a few hundred milliseconds to load, which a plain `run` should
 * not pay.
 */
import type { LoggerInterface, Spec as VegaSpec } from 'vega';
import type { ChartSpec } from './common.js';

export interface CompiledChart {
  vega: VegaSpec;
  /** What vega-lite warned about while compiling: a finished chart has none. */
  warnings: string[];
}

/** A logger that keeps vega-lite's warnings instead of printing them. */
function collectingLogger(warnings: string[]): LoggerInterface {
  const logger: LoggerInterface = {
    level: () => logger,
    error: (...args: unknown[]) => { warnings.push(`error: ${args.map(String).join(' ')}`); return logger; },
    warn: (...args: unknown[]) => { warnings.push(args.map(String).join(' ')); return logger; },
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

export async function compileChart(spec: ChartSpec): Promise<CompiledChart> {
  const vl = await import('vega-lite');
  const warnings: string[] = [];
  const compiled = vl.compile(spec, { logger: collectingLogger(warnings) });
  return { vega: compiled.spec, warnings };
}

export interface RenderedChart {
  svg: string;
  /** What vega-lite and vega warned about while compiling and drawing. */
  warnings: string[];
}

/** Draws the chart headless and keeps every warning, for tests that require none. */
export async function renderChart(spec: ChartSpec): Promise<RenderedChart> {
  const vega = await import('vega');
  const { vega: vgSpec, warnings } = await compileChart(spec);
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logger: collectingLogger(warnings) });
  try {
    return { svg: await view.toSVG(), warnings };
  } finally {
    view.finalize();
  }
}

/** The chart as a standalone SVG document; the same spec always gives the same bytes. */
export async function renderChartSvg(spec: ChartSpec): Promise<string> {
  return (await renderChart(spec)).svg;
}
