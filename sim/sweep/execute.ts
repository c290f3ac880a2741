/**
 * One run of a sweep, wherever it happens (a worker thread, or inline): load
 * the topology with the point's patches, simulate with the run's seed, and
 * return its NDJSON line.
 */
import type { ParsedSource } from '../topology/document.js';
import { parseSource } from '../topology/document.js';
import { loadParsedTopology } from '../topology/load.js';
import type { Patch } from '../topology/patch.js';
import { DiagnosticError } from '../diagnostics/types.js';
import { SimulationAbort } from '../model/simulation.js';
import { runTopology } from '../run.js';
import type { SweepOptions, SweepPlan, SweepRun } from './plan.js';
import { recordLine, summarizeRun, type SweepIdentity, type SweepRecord } from './record.js';

/** What every run of a sweep shares; sent once to each worker. */
export interface RunContext {
  file: string;
  source: string;
  options: SweepOptions;
  identity: SweepIdentity;
}

/** One run as sent to a worker: plain data, no source positions. */
export interface RunTask extends SweepRun {
  params: Record<string, unknown>;
  patches: Array<Pick<Patch, 'path' | 'value'>>;
}

export function runContext(plan: SweepPlan): RunContext {
  return { file: plan.file, source: plan.source, options: plan.options, identity: sweepIdentity(plan) };
}

export function sweepIdentity(plan: SweepPlan): SweepIdentity {
  return {
    id: plan.id, name: plan.name, topologyHash: plan.topologyHash, definitionHash: plan.definitionHash,
    meshtax: plan.version, runs: plan.runs, repeat: plan.repeat,
  };
}

export function runTask(plan: SweepPlan, run: SweepRun): RunTask {
  const point = plan.points[run.point];
  return { ...run, params: point.params, patches: point.patches.map((p) => ({ path: p.path, value: p.value })) };
}

/** Runs tasks against one parsed copy of the topology. */
export class RunExecutor {
  private readonly parsed: ParsedSource;

  constructor(private readonly context: RunContext) {
    this.parsed = parseSource(context.source, context.file, 'topology');
  }

  /** `onProgress`: the share of the run done, now and then (see RunHooks). */
  execute(task: RunTask, onProgress?: (share: number) => void): string {
    const { options, identity, file } = this.context;
    const limits = { duration: options.duration, requests: options.requests, warmup: options.warmup };
    const loaded = loadParsedTopology(this.parsed, file, { patches: task.patches, mtls: options.mtls, limits });
    // The plan loaded every point before the sweep began; failing now means the files changed underneath.
    if (!loaded.topology) throw new DiagnosticError(loaded.diagnostics);
    const topology = loaded.topology;
    const costs = options.costs ?? {};
    topology.costs = {
      vcpuHour: costs.vcpuHour ?? topology.costs.vcpuHour,
      gbHour: costs.gbHour ?? topology.costs.gbHour,
      projectPods: costs.projectPods ?? topology.costs.projectPods,
    };
    const record: SweepRecord = { sweep: identity, run: task.run, point: task.point, repeat: task.repeat, params: task.params, seed: task.seed };
    try {
      const result = runTopology(
        topology,
        { seed: task.seed, duration: options.duration, requests: options.requests, warmup: options.warmup },
        { onProgress },
      );
      record.summary = summarizeRun(result);
    } catch (e) {
      if (!(e instanceof SimulationAbort)) throw e;
      record.aborted = { message: e.message, reason: e.reason };
    }
    return recordLine(record);
  }
}
