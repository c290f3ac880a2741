import type { Topology } from './topology/types.js';
import { buildModel } from './model/build.js';
import { simulate, type SimulationLimits } from './model/simulation.js';
import { summarize } from './results/summarize.js';
import type { RunResult } from './results/types.js';

export interface RunOptions {
  /** Overrides the topology's seed. */
  seed?: number;
  /** Simulated seconds including warm-up; overrides the topology. */
  duration?: number;
  /** Measured requests to complete; overrides the topology (and its duration). */
  requests?: number;
  warmup?: number;
  /** Independent replications with seeds seed, seed+1, …; intervals then come from their spread. */
  replications?: number;
  /**
   * Call frames in flight at which a run stops itself as unboundedly
   * overloaded (a SimulationAbort); default 2,000,000, about 2 GB. Lower it
   * to fail sooner, or to bound memory.
   */
  maxFramesInFlight?: number;
}

/** Resolves the run's limits: command-line options over the topology's `simulation` block. */
export function resolveLimits(topology: Topology, options: RunOptions = {}): SimulationLimits {
  const sim = topology.simulation;
  const requests = options.requests ?? (options.duration !== undefined ? undefined : sim.requests);
  const duration = options.duration ?? (requests !== undefined ? undefined : sim.duration ?? 60);
  const limits: SimulationLimits = { seed: options.seed ?? sim.seed, duration, requests, warmup: options.warmup ?? sim.warmup };
  if (options.maxFramesInFlight !== undefined) limits.maxFramesInFlight = options.maxFramesInFlight;
  return limits;
}

/** Simulates a topology (no mesh) and returns the results document. */
export function runTopology(topology: Topology, options: RunOptions = {}): RunResult {
  const limits = resolveLimits(topology, options);
  const model = buildModel(topology);
  const replications = Math.max(1, options.replications ?? 1);
  const outcomes = [];
  for (let r = 0; r < replications; r++) outcomes.push(simulate(model, { ...limits, seed: limits.seed + r }));
  return summarize(model, outcomes);
}
