import type { Topology } from './topology/types.js';
import { runTopology, type RunOptions } from './run.js';
import type { Interval, RunResult } from './results/types.js';
import { RESULTS_FORMAT, VERSION } from './version.js';
import { DiagnosticError } from './diagnostics/types.js';
import type { Component } from './model/components.js';
import { runModes, type ParallelOptions } from './parallel/modes.js';
import { inMode } from './parallel/mode.js';

/** One percentile of one mode against the baseline. */
export interface Delta {
  value: number;
  /** value − baseline (seconds). */
  delta: number;
  /** delta / baseline; NaN (null in JSON) when the baseline is 0, against which no share means anything. */
  relative: number;
  /** The two 95 % intervals do not overlap: the difference is larger than the noise. */
  significant: boolean;
}

export interface ModeRow {
  mesh: string;
  mean: Delta;
  p50: Delta;
  p90: Delta;
  p99: Delta;
  p999: Delta;
  errorRate: number;
  /** Share of failed requests the mesh caused; NaN (null in JSON) when none failed. */
  meshCausedShare: number;
  decomposition: Record<Component, number>;
}

export interface CompareResult {
  meshtax: { version: string; format: number };
  kind: 'compare';
  topology: { name: string; description: string };
  baseline: string;
  meshes: string[];
  /** Per entry point, one row per mesh in the order given. */
  invoice: Array<{ entrypoint: string; rows: ModeRow[] }>;
  /** Each mode's full results. */
  runs: RunResult[];
}

/**
 * The invoice pairs entry points by position: modes of different topologies would compare one's `web`
 * with another's `clients` under the first's name (or fail on a missing one). Refused, before any run.
 */
function checkSameEntryPoints(modes: Array<{ mesh: string; topology: string; entrypoints: ReadonlyArray<{ name: string }> }>): void {
  if (modes.length === 0) {
    throw new DiagnosticError([{
      severity: 'error', code: 'bad-option', path: [], message: 'compareMeshes was given no topology: there is nothing to compare',
      hint: 'load the topology file once per mesh: loadTopologyFile(file, { mesh }), for "none" and each mesh to compare',
    }]);
  }
  const names = (m: (typeof modes)[number]) => m.entrypoints.map((e) => e.name).join(', ');
  const odd = modes.find((m) => names(m) !== names(modes[0]));
  if (!odd) return;
  throw new DiagnosticError([{
    severity: 'error', code: 'bad-option', path: [],
    message: `compareMeshes compares one topology under several meshes: ${odd.mesh} (${odd.topology}) has the entry points [${names(odd)}], ` +
      `${modes[0].mesh} (${modes[0].topology}) [${names(modes[0])}]`,
    hint: 'load the same topology file once per mesh: loadTopologyFile(file, { mesh })',
  }]);
}

function overlap(a: Interval, b: Interval): boolean {
  if (!a || !b) return true;
  return a[0] <= b[1] && b[0] <= a[1];
}

function delta(value: number, base: number, ci: Interval, baseCi: Interval): Delta {
  return {
    value,
    delta: value - base,
    relative: base > 0 ? (value - base) / base : NaN,
    significant: !overlap(ci, baseCi),
  };
}

/**
 * Runs the same topology under several meshes with the same seed. Every
 * component draws from its own named stream, so arrivals, service times and
 * routing choices are the same in every mode (common random numbers): the
 * differences are the mesh's, not the dice's.
 */
export function compareMeshes(topologies: Topology[], options: RunOptions = {}): CompareResult {
  checkSameEntryPoints(topologies.map((t) => ({ mesh: t.mesh.name, topology: t.name, entrypoints: t.entrypoints })));
  return compareRuns(topologies.map((t) => inMode(t, () => runTopology(t, options))));
}

/**
 * The same as compareMeshes, with the modes running on worker threads (see
 * parallel/modes.ts). The result is byte for byte the same whatever the
 * number of workers.
 */
export async function compareMeshesParallel(topologies: Topology[], options: RunOptions = {}, parallel: ParallelOptions = {}): Promise<CompareResult> {
  checkSameEntryPoints(topologies.map((t) => ({ mesh: t.mesh.name, topology: t.name, entrypoints: t.entrypoints })));
  return compareRuns(await runModes(topologies, options, parallel));
}

/** The comparison of finished runs, one per mode in the order given; the baseline is the first without a mesh. */
export function compareRuns(runs: RunResult[]): CompareResult {
  checkSameEntryPoints(runs.map((r) => ({ mesh: r.mesh.profile, topology: r.topology.name, entrypoints: r.entrypoints })));
  const baseIndex = Math.max(0, runs.findIndex((r) => r.mesh.mode === 'none'));
  const base = runs[baseIndex];
  const invoice = base.entrypoints.map((be, i) => ({
    entrypoint: be.name,
    rows: runs.map((r): ModeRow => {
      const e = r.entrypoints[i];
      const l = e.latency, bl = be.latency;
      const meshFailed = e.failures.filter((f) => f.mesh).reduce((a, f) => a + f.count, 0);
      return {
        mesh: r.mesh.profile,
        mean: delta(l.mean, bl.mean, l.ci.mean, bl.ci.mean),
        p50: delta(l.p50, bl.p50, l.ci.p50, bl.ci.p50),
        p90: delta(l.p90, bl.p90, l.ci.p90, bl.ci.p90),
        p99: delta(l.p99, bl.p99, l.ci.p99, bl.ci.p99),
        p999: delta(l.p999, bl.p999, l.ci.p999, bl.ci.p999),
        errorRate: e.errorRate,
        meshCausedShare: e.failed > 0 ? meshFailed / e.failed : NaN,
        decomposition: e.decomposition,
      };
    }),
  }));
  return {
    meshtax: { version: VERSION, format: RESULTS_FORMAT },
    kind: 'compare',
    topology: base.topology,
    baseline: base.mesh.profile,
    meshes: runs.map((r) => r.mesh.profile),
    invoice,
    runs,
  };
}
