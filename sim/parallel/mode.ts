/**
 * One mesh mode of a comparison: a topology (already resolved under its
 * mesh) and the run options; wherever it runs, a worker thread or inline.
 */
import { SimulationAbort } from '../model/simulation.js';
import { runTopology, type RunOptions } from '../run.js';
import type { RunResult } from '../results/types.js';
import type { Topology } from '../topology/types.js';

export interface ModeTask {
  topology: Topology;
  options: RunOptions;
}

export interface ModeOutcome {
  result: RunResult;
  /** Wall-clock seconds the run took, for progress lines: never part of the results. */
  seconds: number;
}

export function runMode(task: ModeTask, onProgress?: (fraction: number) => void): ModeOutcome {
  const start = performance.now();
  const result = inMode(task.topology, () => runTopology(task.topology, task.options, { onProgress }));
  return { result, seconds: (performance.now() - start) / 1000 };
}

/**
 * Runs one mode of a comparison: a mode that stops itself is named in the
 * error, since a service's overload or a closed loop's reads the same under
 * every mesh and would not say which of them stopped.
 */
export function inMode<T>(topology: Topology, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof SimulationAbort) throw new SimulationAbort(`${topology.mesh.name}: ${e.message}`, e.hint, e.reason);
    throw e;
  }
}
