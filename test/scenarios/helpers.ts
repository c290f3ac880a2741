import { loadTopologyFile } from '../../sim/topology/load.js';
import { runTopology, type RunOptions } from '../../sim/run.js';
import type { RunResult } from '../../sim/results/types.js';

export function runScenario(name: string, options: RunOptions = {}, mesh?: string): RunResult {
  const { topology, diagnostics } = loadTopologyFile(`topologies/scenarios/${name}.yaml`, mesh ? { mesh } : {});
  if (!topology) throw new Error(diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return runTopology(topology, options);
}

/** First and last second with a failed request, from the run's timeline. */
export function failureWindow(r: RunResult): [number, number] | null {
  const failing = r.timeline.points.filter((p) => p.failed > 0);
  if (failing.length === 0) return null;
  return [failing[0].t, failing[failing.length - 1].t + r.timeline.interval];
}

/** Every failed request is attributed once: the rows add up, and mesh + app = failed. */
export function attributionAddsUp(r: RunResult): boolean {
  return r.entrypoints.every((e) =>
    e.failures.reduce((a, f) => a + f.count, 0) === e.failed && e.meshCaused + e.appCaused === e.failed);
}
