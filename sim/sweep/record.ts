/**
 * One line of a sweep's NDJSON results: which sweep, which run (point and
 * repeat), the point's parameters and seed, and a compact summary of the
 * run. Everything in it follows from the sweep and the point — no time of
 * day, no worker — so the same run gives the same line anywhere.
 */
import type { Interval, RunResult, RunWarning } from '../results/types.js';
import type { AbortReason } from '../model/outcome.js';

export interface SweepIdentity {
  /** Hash of topology + definition + meshtax version: lines of one sweep share it. */
  id: string;
  /** The topology's name. */
  name: string;
  topologyHash: string;
  definitionHash: string;
  meshtax: string;
  /** Runs in the whole sweep (points × repeat), so a merge can tell what is missing. */
  runs: number;
  repeat: number;
}

export interface EntryPointSummary {
  name: string;
  completed: number;
  failed: number;
  errorRate: number;
  /** Completed requests per simulated second. */
  throughput: number;
  /** Latency of successful requests, seconds, with 95 % intervals (batch means within the run). */
  mean: number;
  p50: number;
  p99: number;
  ci: { mean: Interval; p50: Interval; p99: Interval };
  /** Failed requests the mesh caused. */
  meshCaused: number;
}

export interface RunSummary {
  mesh: { profile: string; mode: string; mtls: boolean };
  measuredTime: number;
  entrypoints: EntryPointSummary[];
  /**
   * `controlPlaneCostPerMonth`: what the mode's control plane costs a month, present only where its profile
   * prices it (so lines of no mesh, of Cilium and of files before it was priced stay as they were).
   */
  resources: { appVcpu: number; proxyVcpu: number; proxyMemoryGB: number; proxyCostPerMonth: number; controlPlaneCostPerMonth?: number };
  /** Subjects of saturation warnings: past the knee, the results describe a queue that keeps growing. */
  saturated: string[];
  /**
   * The run's other warnings (a request count the load ran out before, latencies beyond the
   * histograms' top), by code and subject; absent when there are none, so lines without them stay as they were.
   */
  warnings?: Array<{ code: Exclude<RunWarning['code'], 'saturated' | 'no-effect'>; subject: string }>;
}

export interface SweepRecord {
  sweep: SweepIdentity;
  run: number;
  point: number;
  repeat: number;
  /** path → value, sorted by path. */
  params: Record<string, unknown>;
  seed: number;
  /** Present when the run completed. */
  summary?: RunSummary;
  /** Present when the simulation stopped itself (e.g. queues grew without bound); deterministic like the rest. */
  aborted?: { message: string; reason?: AbortReason };
}

export function summarizeRun(result: RunResult): RunSummary {
  // A setting that did nothing is the point's file, not its run: the sweep says so once as it plans (as validate does), not on every line.
  const warnings = result.warnings.flatMap((w) => (w.code === 'saturated' || w.code === 'no-effect' ? [] : [{ code: w.code, subject: w.subject }]));
  return {
    mesh: { profile: result.mesh.profile, mode: result.mesh.mode, mtls: result.mesh.mtls },
    measuredTime: result.run.measuredTime,
    entrypoints: result.entrypoints.map((e) => ({
      name: e.name,
      completed: e.completed,
      failed: e.failed,
      errorRate: e.errorRate,
      throughput: e.throughput,
      mean: e.latency.mean,
      p50: e.latency.p50,
      p99: e.latency.p99,
      ci: { mean: e.latency.ci.mean, p50: e.latency.ci.p50, p99: e.latency.ci.p99 },
      meshCaused: e.meshCaused,
    })),
    resources: {
      appVcpu: result.resources.appVcpu,
      proxyVcpu: result.resources.proxyVcpu,
      proxyMemoryGB: result.resources.proxyMemoryGB,
      proxyCostPerMonth: result.resources.proxyCostPerMonth,
      ...(pricedControlPlane(result) ? { controlPlaneCostPerMonth: result.resources.controlPlane!.costPerMonth } : {}),
    },
    saturated: result.warnings.filter((w) => w.code === 'saturated').map((w) => w.subject),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/** Whether the run's mesh priced its control plane (the profile's controlPlane.resources). */
function pricedControlPlane(result: RunResult): boolean {
  const cp = result.resources.controlPlane;
  return result.mesh.mode !== 'none' && cp !== undefined && (cp.priced ?? (cp.vcpu > 0 || cp.memoryGB > 0));
}

/** The line as written: compact JSON, fixed key order, one newline. */
export function recordLine(record: SweepRecord): string {
  return JSON.stringify(record) + '\n';
}

/** A parsed line, or why it is not a sweep result. */
export function parseRecord(line: string): { record?: SweepRecord; error?: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { error: `invalid JSON (${(e as Error).message})` };
  }
  const error = recordProblem(value);
  return error === undefined ? { record: value as SweepRecord } : { error };
}

/** Why a value (a parsed line, or a record a caller built) is not a sweep result, or undefined. */
export function recordProblem(value: unknown): string | undefined {
  const r = value as Partial<SweepRecord>;
  if (typeof r !== 'object' || r === null || typeof r.sweep !== 'object' || r.sweep === null || typeof r.sweep.id !== 'string') {
    return 'it has no sweep identity';
  }
  // The report prints these (the page's title, its footer): a number there stopped it with an internal error.
  const identity = identityProblem(r.sweep);
  if (identity !== undefined) return identity;
  if (!Number.isSafeInteger(r.run) || !Number.isSafeInteger(r.sweep.runs) || (r.run as number) < 0 || (r.run as number) >= r.sweep.runs) {
    return 'its run number is missing or out of range';
  }
  // The report groups a point's repeats by `point`: one not its run's would be averaged into another point's results.
  if (r.point !== Math.floor((r.run as number) / (r.sweep.repeat as number))) {
    return `its point number (${JSON.stringify(r.point) ?? 'missing'}) is not its run's (run ${r.run as number} is point ${Math.floor((r.run as number) / (r.sweep.repeat as number))})`;
  }
  if (typeof r.params !== 'object' || r.params === null || Array.isArray(r.params) || (r.summary === undefined && r.aborted === undefined)) {
    return 'it has no parameters or no results';
  }
  // The report shows an aborted run's message in its point's row.
  if (r.aborted !== undefined && (typeof r.aborted !== 'object' || r.aborted === null || typeof r.aborted.message !== 'string')) {
    return 'its "aborted" has no message';
  }
  return undefined;
}

/** What is wrong with a line's sweep identity beyond its id, or undefined: each field of the type meshtax writes. */
function identityProblem(sweep: Partial<SweepIdentity>): string | undefined {
  for (const k of ['name', 'topologyHash', 'definitionHash', 'meshtax'] as const) {
    if (typeof sweep[k] !== 'string') return `its sweep identity's ${k} is ${JSON.stringify(sweep[k]) ?? 'missing'}, not a string`;
  }
  if (!Number.isSafeInteger(sweep.repeat) || (sweep.repeat as number) < 1) {
    return `its sweep identity's repeat is ${JSON.stringify(sweep.repeat) ?? 'missing'}, not a whole number ≥ 1`;
  }
  return undefined;
}
