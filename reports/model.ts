/**
 * What a report shows, whatever produced it: a single `run` is a comparison
 * of one mode against itself, so every section and chart is written once,
 * for a list of modes.
 */
import type { CompareResult, ModeRow } from '../sim/compare.js';
import type { RunResult } from '../sim/results/types.js';
import { DiagnosticError } from '../sim/diagnostics/types.js';
import { checkResults, GIVEN_RESULTS } from './readResults.js';

export type ReportInput = RunResult | CompareResult;

export interface ReportModel {
  kind: 'run' | 'compare';
  topology: { name: string; description: string };
  /** meshtax version that produced the results. */
  version: string;
  /** One label per run, unique, in the order given (the profile name, suffixed if it repeats). */
  modes: string[];
  /** Index into `runs` of the baseline the others are measured against, or null for a single run. */
  baseline: number | null;
  runs: RunResult[];
  /** Per entry point, one row per mode (compare only). */
  invoice: Array<{ entrypoint: string; rows: ModeRow[] }> | null;
}

export function isCompare(input: ReportInput): input is CompareResult {
  return (input as CompareResult).kind === 'compare';
}

/** Labels charts can use as a legend domain: two runs of one profile must not share a colour. */
function uniqueLabels(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n} (${k})`;
  });
}

export function reportModel(input: ReportInput): ReportModel {
  // A JavaScript caller can pass anything: say what is wrong, not a TypeError deep in a chart.
  const checked = checkResults(input, GIVEN_RESULTS);
  if (checked.diagnostics.length > 0) throw new DiagnosticError(checked.diagnostics);
  if (isCompare(input)) {
    const modes = uniqueLabels(input.runs.map((r) => r.mesh.profile));
    const found = input.runs.findIndex((r) => r.mesh.profile === input.baseline);
    return {
      kind: 'compare',
      topology: input.topology,
      version: input.meshtax.version,
      modes,
      baseline: input.runs.length > 1 ? Math.max(0, found) : null,
      runs: input.runs,
      invoice: input.invoice,
    };
  }
  return {
    kind: 'run',
    topology: input.topology,
    version: input.meshtax.version,
    modes: [input.mesh.profile],
    baseline: null,
    runs: [input],
    invoice: null,
  };
}

/** Entry point names, from the first run (every mode runs the same topology). */
export function entrypointNames(model: ReportModel): string[] {
  return model.runs[0].entrypoints.map((e) => e.name);
}

/**
 * Entry points where a request succeeded in at least one mode: the latency
 * and decomposition charts draw only these. One where nothing succeeded
 * anywhere has no latency to chart: its panels would be empty axes (and
 * vega would warn of infinite extents); the page says so in words instead.
 */
export function chartedEntrypoints(model: ReportModel): string[] {
  return entrypointNames(model).filter((name) => model.runs.some((r) => r.entrypoints.some((e) => e.name === name && e.succeeded > 0)));
}

/**
 * A number from results JSON: NaN and ±Infinity are written as null by
 * JSON.stringify, so a re-rendered report sees null where an empty
 * histogram had NaN.
 */
export function num(x: number | null | undefined): number {
  return typeof x === 'number' ? x : NaN;
}
