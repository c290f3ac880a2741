import { loadTopologyFile } from '../../sim/topology/load.js';
import { runTopology, type RunOptions } from '../../sim/run.js';
import type { Topology } from '../../sim/topology/types.js';
import type { RunResult } from '../../sim/results/types.js';

export function load(file: string, mesh?: string, mtls?: boolean): Topology {
  const { topology, diagnostics } = loadTopologyFile(file, { mesh, mtls });
  if (!topology) throw new Error(diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return topology;
}

/** The topology under `mesh`, with its only entry point's load replaced by Poisson arrivals at `rate`. */
export function atRate(file: string, mesh: string, rate: number, options: RunOptions = {}): RunResult {
  const t = load(file, mesh);
  t.entrypoints[0].arrivals = { kind: 'poisson', schedule: [{ at: 0, rate }] };
  return runTopology(t, options);
}

export const within = (value: number, target: number, tolerance: number): boolean =>
  Math.abs(value - target) <= tolerance * Math.abs(target);
