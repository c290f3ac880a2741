import type { LogHistogramJSON } from '../stats/histogram.js';
import type { LatencySummary } from '../stats/batched.js';
import type { Component } from '../model/components.js';

export type { Interval, LatencySummary } from '../stats/batched.js';

export interface FailureCount {
  /** Root-cause id (see CAUSES). */
  cause: string;
  component: string;
  flag: string;
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
  errorRate: number;
  /** Completed measured requests per simulated second of the measurement window. */
  throughput: number;
  /** Latency of successful requests. */
  latency: LatencySummary;
  /** Time-average requests in flight; with throughput, Little's law L = λW. */
  meanInSystem: number;
  /** Mean seconds per successful request spent in each component on the critical path. */
  decomposition: Record<Component, number>;
  failures: FailureCount[];
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
  throughput: number;
  /** Busy workers over all workers, time-averaged. */
  utilization: number;
  /** Share of admitted requests that had to wait for a worker. */
  waitProbability: number;
  meanQueueWait: number;
  meanInSystem: number;
  /** Server-side latency: arrival at the replica until the response leaves. */
  latency: LatencySummary;
}

/** Something about the run a reader should know before trusting its numbers. */
export interface RunWarning {
  code: 'saturated';
  /** The service it is about. */
  subject: string;
  message: string;
}

export interface RunResult {
  meshtax: { version: string; format: number };
  topology: { name: string; description: string };
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
    /** Seconds of simulated time measured (after warm-up, while load was offered). */
    measuredTime: number;
    /** Simulated time at which the last replication ended. */
    simulatedTime: number;
    events: number;
  };
  entrypoints: EntryPointResult[];
  services: ServiceResult[];
  warnings: RunWarning[];
}
