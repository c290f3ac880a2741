/**
 * Running the modes of a comparison side by side, one worker thread a mode
 * at a time. Each mode is a separate deterministic simulation, so where and
 * in what order they run changes nothing in their results; the results come
 * back in the order of the topologies given.
 *
 * The topologies travel to the threads by structured cloning, not as a file
 * path to load again. A normalized Topology is plain data — objects, arrays,
 * strings, numbers (Infinity included, which JSON would turn into null) — so
 * the clone is exact (test/parallel/compare.test.ts checks every bundled
 * topology). Loading again in the thread would also miss whatever the caller
 * changed after loading (the CLI's --vcpu-hour and --pods overrides, a
 * library user's own edits, a topology built in code) and would re-read
 * files that may have changed since.
 */
import type { RunOptions } from '../run.js';
import type { RunResult } from '../results/types.js';
import type { Topology } from '../topology/types.js';
import { runMode, type ModeOutcome, type ModeTask } from './mode.js';
import { runPool, threadCount } from './pool.js';

export type { ModeOutcome } from './mode.js';

/** A finished mode: its place in the list, its results, and how long it took (wall clock). */
export interface ModeDone extends ModeOutcome {
  index: number;
}

export interface ParallelOptions {
  /** Worker threads (default, and at most: the machine's available parallelism); 1 runs the modes one after another in this thread. */
  workers?: number;
  /** Called as each mode finishes, in the order they finish. */
  onModeDone?: (done: ModeDone) => void;
  /** Now and then while a mode runs: the share of it done (0–1), for a progress display. */
  onModeProgress?: (index: number, fraction: number) => void;
}

/** Runs `runTopology(t, options)` for every topology; the results in the topologies' order. */
export async function runModes(topologies: readonly Topology[], options: RunOptions = {}, parallel: ParallelOptions = {}): Promise<RunResult[]> {
  const runs: RunResult[] = [];
  const finished = (outcome: ModeOutcome, index: number): void => {
    runs[index] = outcome.result;
    parallel.onModeDone?.({ index, ...outcome });
  };
  const tasks: ModeTask[] = topologies.map((topology) => ({ topology, options }));
  // One thread would only add the cost of cloning: run inline.
  const threads = Math.min(threadCount(parallel.workers), tasks.length);
  if (threads <= 1) {
    const watch = parallel.onModeProgress;
    tasks.forEach((task, i) => finished(runMode(task, watch && ((f) => watch(i, f))), i));
    return runs;
  }
  // Without a mesh a mode is by far the cheapest (no proxies, no handshakes):
  // handed out last, it fills in beside the dear ones instead of letting one
  // of them start late and run alone at the end (~15 % off a 5-mode compare).
  const noMesh = (i: number): number => (topologies[i].mesh.mode === 'none' ? 1 : 0);
  const order = tasks.map((_, i) => i).sort((a, b) => noMesh(a) - noMesh(b));
  await runPool<ModeTask, ModeOutcome>({
    worker: new URL('./modeWorker.js', import.meta.url),
    tasks,
    order,
    threads,
    onResult: finished,
    onProgress: parallel.onModeProgress,
  });
  return runs;
}
