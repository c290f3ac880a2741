/**
 * One mesh mode of a comparison: a topology (already resolved under its
 * mesh) and the run options; wherever it runs, a worker thread or inline.
 */
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
  const result = runTopology(task.topology, task.options, { onProgress });
  return { result, seconds: (performance.now() - start) / 1000 };
}
