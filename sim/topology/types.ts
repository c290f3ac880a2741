/**
 * The normalized topology: what the loader hands to the model builder once a
 * file has parsed and validated. Every duration is in seconds, every rate in
 * events per second, every size in bytes, every probability in [0, 1].
 * Maps keep the file's key order; the model sorts names itself where order
 * could leak into the simulation.
 */

export type Dist =
  | { kind: 'constant'; value: number }
  | { kind: 'exponential'; mean: number }
  /** ln(seconds) parameters; the loader converts median/p99 to these. */
  | { kind: 'lognormal'; mu: number; sigma: number }
  /** Truncated at 0 by resampling. */
  | { kind: 'normal'; mean: number; stddev: number }
  | { kind: 'uniform'; min: number; max: number }
  /** Draw one of the samples uniformly. Sorted ascending. */
  | { kind: 'empirical'; samples: number[] }
  /**
   * Inverse CDF through the points, linear in between. Points sorted by p,
   * first p = 0, last p = 1, values non-decreasing.
   */
  | { kind: 'percentiles'; points: Array<[p: number, value: number]> };

export type LoadBalancer = 'round_robin' | 'least_request' | 'random';

export type Step =
  | { kind: 'call'; service: string; probability: number; requestSize: number }
  | { kind: 'sequence'; steps: Step[]; probability: number }
  | { kind: 'parallel'; steps: Step[]; probability: number };

export interface Service {
  name: string;
  replicas: number;
  /** Requests a replica works on at once. */
  workers: number;
  /** Waiting room per replica; Infinity when unbounded. */
  queue: number;
  serviceTime: Dist;
  /** true: a worker stays busy while the downstream calls run (thread per request). */
  holdWorkerDuringCalls: boolean;
  loadBalancer: LoadBalancer;
  /** Zones the replicas are spread over, round robin, in this order. */
  zones: string[];
  responseSize: number;
  /** Run after the service's own work, in order. */
  calls: Step[];
}

export type Arrivals =
  | { kind: 'poisson'; schedule: RateSegment[] }
  | { kind: 'constant'; schedule: RateSegment[] }
  | { kind: 'closed'; users: number; thinkTime: Dist };

/** A rate that holds from `at` until the next segment's `at`. First at = 0. */
export interface RateSegment {
  at: number;
  rate: number;
}

export interface EntryPoint {
  name: string;
  target: string;
  arrivals: Arrivals;
  zone: string;
  requestSize: number;
}

export interface Network {
  sameZone: Dist;
  crossZone: Dist;
  /** Bytes per second; Infinity means payloads cost no time. */
  bandwidth: number;
}

export interface SimulationSettings {
  seed: number;
  /** Simulated seconds to run, including warm-up; undefined when `requests` rules. */
  duration: number | undefined;
  /** Stop after this many measured requests complete at the entry points. */
  requests: number | undefined;
  warmup: number;
}

export interface Topology {
  name: string;
  description: string;
  zones: string[];
  network: Network;
  services: Service[];
  entrypoints: EntryPoint[];
  simulation: SimulationSettings;
}
