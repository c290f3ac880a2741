import type { LogHistogramJSON } from '../stats/histogram.js';
import type { LatencySummary } from '../stats/batched.js';
import type { Component } from '../model/components.js';
import type { ProxyKind } from '../model/build.js';
import type { MeshMode } from '../topology/types.js';

export type { Interval, LatencySummary } from '../stats/batched.js';

export interface FailureCount {
  /** Root-cause id (see CAUSES). */
  cause: string;
  /** The part of the system where the failure began. */
  component: string;
  /** Envoy-style response flag of the outcome: where it began (UF, UH, UC, FI…), or how it ended (UT, URX, UO). */
  flag: string;
  /** The mesh caused it (its proxies, certificates, stale config, or a policy that ran in the mesh). */
  mesh: boolean;
  /** Service where the failure began. */
  service: string;
  count: number;
}

export interface EntryPointResult {
  name: string;
  target: string;
  /** Measured requests that finished, successfully or not. */
  completed: number;
  succeeded: number;
  failed: number;
  /** failed / completed; NaN (null in JSON) when nothing completed. */
  errorRate: number;
  /**
   * Requests that ended inside the measurement window per second of it
   * (whenever they began; those still draining after it do not count), so
   * an overloaded run shows what it served, not what it was offered.
   */
  throughput: number;
  /** Latency of successful requests. */
  latency: LatencySummary;
  /** Time-average requests in flight, failed ones included; with throughput, Little's law L = λW (W over all requests: `latency` is of the successes only). */
  meanInSystem: number;
  /** Mean seconds per successful request spent in each component on the critical path. */
  decomposition: Record<Component, number>;
  /** The same for requests near the median and near the p99 latency: what typical and tail requests spend time on. */
  composition: { p50: Record<Component, number>; p99: Record<Component, number> };
  failures: FailureCount[];
  /** Failed requests by the pod where they began (those that began at one), most first. */
  failuresByReplica: Array<{ service: string; replica: string; count: number }>;
  /** Failed requests the mesh caused, and the application (failed = meshCaused + appCaused). */
  meshCaused: number;
  appCaused: number;
  histogram: LogHistogramJSON;
}

export interface ServiceResult {
  name: string;
  replicas: number;
  workersPerReplica: number;
  /** Measured requests that reached a replica. */
  arrivals: number;
  /** Turned away because the replica's queue was full. */
  rejected: number;
  /** Answered without success: rejected, aborted, failed below it, or reset by a crash (not those still in flight at the end). */
  failed: number;
  /** Calls made to it (first tries), and the tries that were retries. */
  calls: number;
  retries: number;
  /**
   * Of the calls, those made only because a try above them was a retry (the
   * retried request's code calls again): with `retries`, the extra load
   * retries created here. Absent in results written before it was counted.
   */
  retryCalls?: number;
  /** Invocations that ended inside the measurement window per second of it. */
  throughput: number;
  /** Busy workers over all workers, time-averaged. */
  utilization: number;
  /** Share of the requests that got a worker that had to wait for one; and the mean wait of all that got one, those that waited none included (0). NaN (null in JSON) when none got one. */
  waitProbability: number;
  meanQueueWait: number;
  meanInSystem: number;
  /** Server-side latency: arrival at the replica until the response leaves. */
  latency: LatencySummary;
}

/** The proxies of one kind across the fleet. vCPU are time-averaged over the measurement window. */
export interface ProxyFleet {
  kind: ProxyKind;
  /** Proxies of this kind, time-weighted: a sidecar whose pod lived half the window counts ½. */
  count: number;
  vcpu: number;
  vcpuPerProxy: number;
  memoryGB: number;
  memoryMBPerProxy: number;
  meanConnectionsPerProxy: number;
  requestsPerSecondPerProxy: number;
  /** New mTLS connections opened with a full handshake, and with session resumption. */
  handshakes: number;
  resumptions: number;
  /** Busy worker threads over all worker threads. */
  workerUtilization: number;
}

/**
 * The control plane (istiod; Linkerd's destination, identity and injector;
 * Cilium's operator) as its profile's `controlPlane.resources` prices it,
 * from what it did in the measured window. vcpu, memoryGB and costPerMonth
 * are 0 where nothing prices it (mode none, or a profile without a
 * `resources` block); the counts are what the run did all the same (under
 * none, pushes are Kubernetes' own discovery's and reach no proxy).
 */
export interface ControlPlaneTax {
  /** idleCpu + (pushes × perPush + proxyPushes × perProxy + certificates × perCertificate) / measured time. */
  vcpu: number;
  /** base + perProxy × proxies connected (time-weighted, as the fleets' counts) + perEndpoint × endpoints. */
  memoryGB: number;
  /** Inside the measured window, summed over replications: config pushes, the proxies they reached, certificates issued or renewed. */
  pushes: number;
  proxyPushes: number;
  certificates: number;
  /** Dollars a month (730 h) at the topology's prices. */
  costPerMonth: number;
  /**
   * Whether its profile prices it (any of `controlPlane.resources` above 0, under a mesh): a priced control plane
   * that did nothing priced in a window costs $0, one not priced is left out. Absent in results written before it.
   */
  priced?: boolean;
}

export interface ResourceTax {
  prices: { vcpuHour: number; gbHour: number };
  proxies: ProxyFleet[];
  /** CPU the applications' own work used, for scale. */
  appVcpu: number;
  /** The data plane alone: the proxies. */
  proxyVcpu: number;
  proxyMemoryGB: number;
  /** Dollars a month (730 h) for the proxies' vCPU and memory at the topology's prices (the data plane only). */
  proxyCostPerMonth: number;
  /** The control plane, priced apart from the proxies. */
  controlPlane: ControlPlaneTax;
  /** The whole mesh a month: proxyCostPerMonth + controlPlane.costPerMonth. */
  meshCostPerMonth: number;
  /** Nodes whose cores apps and proxies share, and how busy those cores were. */
  sharedNodes: Array<{ name: string; cores: number; utilization: number }>;
  /**
   * The same mesh at `pods` pods with today's traffic per pod (sidecars learn every endpoint); the control plane
   * with memory for the projected proxies and endpoints, and today's pushes reaching the projected proxies.
   */
  projection: {
    pods: number;
    proxyVcpu: number;
    proxyMemoryGB: number;
    proxyCostPerMonth: number;
    controlPlane: { vcpu: number; memoryGB: number; costPerMonth: number };
    meshCostPerMonth: number;
  };
}

/** What was simulated, for a diagram: services, who calls whom, where load enters. */
export interface ServiceGraph {
  services: Array<{ name: string; replicas: number; workers: number; l7: boolean }>;
  /** One edge per call site; `probability` multiplies the probabilities of the steps around it. */
  calls: Array<{ from: string; to: string; probability: number; parallel: boolean }>;
  entrypoints: Array<{ name: string; target: string; via: string }>;
}

/** Something about the run a reader should know before trusting its numbers. */
export interface RunWarning {
  /**
   * saturated: a queue grows without bound; beyond-range: latencies past the histograms' top (10⁶ s) were recorded;
   * short-run: the load ended before the measured requests asked for completed; markers-capped: outlier
   * ejections past the first 1,000 are not marked on the timeline; no-effect: a setting of the topology (or of
   * its mesh profile) did nothing in this run, as `validate` warns (after the run's own warnings, in file order);
   * nothing-measured: a run timed by a duration measured no request at an entry point.
   */
  code: 'saturated' | 'beyond-range' | 'short-run' | 'markers-capped' | 'no-effect' | 'nothing-measured';
  /** The service, proxy kind or entry point it is about; for no-effect, the setting's path (`services.api.resilience.retries`). */
  subject: string;
  message: string;
}

/** The run over time, for the timeline chart. */
export interface Timeline {
  /** Seconds per point (1, or more for long runs: at most 2,000 points). */
  interval: number;
  /** Per interval: requests completed (all entry points, warm-up included), failed, failed by the mesh, and the p99 of the successes (the middle of a ×1.5 class: −18 % … +22 %). */
  points: Array<{ t: number; completed: number; failed: number; meshFailed: number; p99: number | null }>;
  /** What happened when: timeline events (start and `-end`), pushes and their convergence, ejections. */
  markers: Array<{ at: number; kind: string; subject: string }>;
}

export interface RunResult {
  meshtax: { version: string; format: number };
  topology: { name: string; description: string };
  /** tuned: the fields the topology's `mesh:` overrides changed, or an edited copy of a bundled profile under its name (empty: the profile as published). */
  mesh: { profile: string; mode: MeshMode; mtls: boolean; description: string; sources: string[]; tuned: string[] };
  graph: ServiceGraph;
  settings: {
    seed: number;
    duration: number | null;
    requests: number | null;
    warmup: number;
    replications: number;
    /** How confidence intervals were formed. */
    intervals: 'batch-means' | 'replications';
  };
  run: {
    /**
     * Seconds of simulated time measured (after warm-up, while load was offered), summed over the
     * replications: the time the summed counts were measured over (throughput = completed / this).
     */
    measuredTime: number;
    /** Simulated time at which the last replication ended. */
    simulatedTime: number;
    events: number;
  };
  entrypoints: EntryPointResult[];
  services: ServiceResult[];
  resources: ResourceTax;
  /** Every failed try (measured), by root cause and the try's own flag. */
  attemptFailures: FailureCount[];
  timeline: Timeline;
  warnings: RunWarning[];
}
