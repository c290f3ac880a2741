/**
 * What a run of the simulation measures and returns: the collectors each
 * entry point, service, proxy and node fills while the run goes, and the
 * outcome handed to summarize(). Kept apart from the event logic so the
 * results side can read it without the simulation's internals.
 */
import { BatchedLatency } from '../stats/batched.js';
import { TimeAverage } from '../stats/timeAverage.js';
import type { RuntimeModel } from './build.js';
import { FLAGS } from './causes.js';
import { COMPONENT_COUNT } from './components.js';
import { CompositionByLatency } from './composition.js';
import type { Marker } from './controlPlane.js';
import type { TimeSeries } from './series.js';
import type { SharedCpu } from './cpu.js';

export const BATCHES = 20;

/**
 * More call frames than this in flight means queues are growing without
 * bound; the run is stopped rather than left to eat memory for an answer
 * that only says "it is overloaded". A frame with its component array
 * takes ~1 KB of peak RSS (measured: 2 million took 2.05 GB), so ~1 GB; a
 * request waiting at a service holds two (its call and the invoke).
 */
export const MAX_FRAMES_IN_FLIGHT = 1_000_000;

/** The model reached a state where its results would mean nothing (e.g. unbounded overload). */
/** Why a run stopped itself: a queue that grows without bound, or a closed loop whose clock cannot move on. */
export type AbortReason = 'overload' | 'zero-time-loop';

export class SimulationAbort extends Error {
  constructor(message: string, readonly hint: string, readonly reason: AbortReason = 'overload') {
    super(message);
    this.name = 'SimulationAbort';
  }
}

export interface SimulationLimits {
  seed: number;
  /** Simulated seconds (including warm-up) during which load is offered; in-flight requests then drain. */
  duration: number | undefined;
  /** Stop as soon as this many measured requests have completed. */
  requests: number | undefined;
  warmup: number;
  /** Call frames in flight at which the run is stopped as unboundedly overloaded; default MAX_FRAMES_IN_FLIGHT. */
  maxFramesInFlight?: number;
}

/**
 * Word of a long run's progress, for a person watching: the share done,
 * reported between chunks of events. It reads nothing the simulation
 * depends on and changes nothing in it: results are the same with or without.
 */
export interface ProgressHook {
  /** The share of the run done, 0 to 1 (the last call is 1). */
  onProgress(fraction: number): void;
  /** Events between calls (default PROGRESS_EVERY). */
  every?: number;
}

/** About 0.1–1 s of simulation on a laptop. */
export const PROGRESS_EVERY = 1 << 20;

export interface EntryCollector {
  latency: BatchedLatency;
  failed: number;
  /** Failed measured requests by failureKey(cause, flag, mesh, service where it began). */
  failures: Map<number, number>;
  /** The same by the replica where they began (failures that began at one). */
  failuresByReplica: Map<number, number>;
  /** Sums of each component over measured successful requests. */
  decomposition: Float64Array;
  /** The same sums by latency, to read the composition at p50 and p99. */
  composition: CompositionByLatency;
  inSystem: TimeAverage;
  /** Time-average number of requests in the system over the measurement window. */
  meanInSystem: number;
  /** Requests that ended inside the measurement window, whenever they began: its throughput. */
  completedInWindow: number;
}

export interface ServiceCollector {
  /** Measured arrivals at the service's replicas (every try counts). */
  arrivals: number;
  /** Of those, tries that were retries. */
  retries: number;
  /** Measured calls to the service (first tries only). */
  calls: number;
  /** Of those, calls made only because a try above them was a retry (the code of a retried request calling again). */
  retryCalls: number;
  rejected: number;
  /** Measured arrivals answered without success: aborted, rejected, failed below, or reset by a crash. */
  failed: number;
  /** Server-side latency: arrival at the replica to response sent. */
  latency: BatchedLatency;
  /** Measured invocations that got a worker: the requests `waited` and `queueWaitSum` are of (not those an injected abort answered, a crash reset in the queue, or the run's end left waiting). */
  started: number;
  waited: number;
  queueWaitSum: number;
  /** Application CPU-seconds spent by measured requests. */
  cpuSeconds: number;
  busyWorkers: TimeAverage;
  /** Workers of the replicas serving (pod and app up): the capacity busyWorkers is a share of, as replicas come and go. */
  capacity: TimeAverage;
  inSystem: TimeAverage;
  meanBusyWorkers: number;
  meanCapacity: number;
  meanInSystem: number;
  /** Invocations that ended inside the measurement window, whenever they began: its throughput. */
  completedInWindow: number;
}

export interface ProxyCollector {
  /** Measured requests (each direction counts once per request). */
  requests: number;
  /** CPU-seconds of work for measured requests: traversals, telemetry, handshakes. */
  cpuSeconds: number;
  handshakes: number;
  resumptions: number;
  busyWorkers: TimeAverage;
  openConnections: TimeAverage;
  meanBusyWorkers: number;
  meanOpenConnections: number;
}

export interface NodeCollector {
  /** Mean busy cores of a shared node (NaN for dedicated ones). */
  meanBusyCores: number;
}

/** Key of a failure tally: which cause, which final flag, mesh or not, which service it began at. */
export function failureKey(cause: number, flag: number, mesh: boolean, service: number, services: number): number {
  return ((cause * FLAGS.length + flag) * 2 + (mesh ? 1 : 0)) * services + service;
}

export function decodeFailureKey(key: number, services: number): { cause: number; flag: number; mesh: boolean; service: number } {
  const service = key % services;
  let rest = Math.floor(key / services);
  const mesh = rest % 2 === 1;
  rest = Math.floor(rest / 2);
  return { cause: Math.floor(rest / FLAGS.length), flag: rest % FLAGS.length, mesh, service };
}

export interface SimulationOutcome {
  limits: SimulationLimits;
  /** Length of the measurement window, seconds. */
  measuredTime: number;
  endTime: number;
  events: number;
  entries: EntryCollector[];
  services: ServiceCollector[];
  proxies: ProxyCollector[];
  nodes: NodeCollector[];
  /** Failed tries (measured), by failureKey with the try's own flag. */
  attemptFailures: Map<number, number>;
  series: TimeSeries;
  markers: Marker[];
  /** The mesh's pushes in the whole run. */
  pushes: number;
  /** Inside the measurement window: the mesh's pushes, the proxies they reached (each push counting those that existed), certificates issued or renewed. */
  controlPlane: { pushes: number; proxyPushes: number; certificates: number };
  peakFramesInUse: number;
  /** Events still queued when the run ended (timers included): what the queue held at the end. */
  pendingEventsAtEnd: number;
  /** Outlier ejections past the timeline's cap on their markers: counted, not marked. */
  unmarkedEjections: number;
  /** Measured requests that completed (succeeded or failed); short of limits.requests when the load ran out first. */
  measuredRequests: number;
  /** The load was cut at MAX_DURATION_S of simulated time, beyond which the clock no longer resolves the service times (request counts only). */
  clockLimitReached: boolean;
}

/** The collectors of one run, created empty. */
export class Collectors {
  readonly entries: EntryCollector[];
  readonly services: ServiceCollector[];
  readonly proxies: ProxyCollector[];
  nodes: NodeCollector[] = [];

  constructor(model: RuntimeModel) {
    this.entries = model.entries.map(() => ({
      latency: new BatchedLatency(BATCHES),
      failed: 0,
      failures: new Map<number, number>(),
      failuresByReplica: new Map<number, number>(),
      decomposition: new Float64Array(COMPONENT_COUNT),
      composition: new CompositionByLatency(),
      inSystem: new TimeAverage(),
      meanInSystem: 0,
      completedInWindow: 0,
    }));
    this.services = model.services.map((s) => ({
      arrivals: 0,
      retries: 0,
      calls: 0,
      retryCalls: 0,
      rejected: 0,
      failed: 0,
      latency: new BatchedLatency(BATCHES),
      started: 0,
      waited: 0,
      queueWaitSum: 0,
      cpuSeconds: 0,
      busyWorkers: new TimeAverage(),
      capacity: new TimeAverage(s.initialReplicas * s.workers),
      inSystem: new TimeAverage(),
      meanBusyWorkers: 0,
      meanCapacity: 0,
      meanInSystem: 0,
      completedInWindow: 0,
    }));
    this.proxies = model.proxies.map(() => ({
      requests: 0,
      cpuSeconds: 0,
      handshakes: 0,
      resumptions: 0,
      busyWorkers: new TimeAverage(),
      openConnections: new TimeAverage(),
      meanBusyWorkers: 0,
      meanOpenConnections: 0,
    }));
  }

  /** The warm-up is over: time averages start from t. */
  startMeasuring(t: number, cpus: ReadonlyArray<SharedCpu | null>): void {
    for (const c of this.entries) c.inSystem.start(t);
    for (const c of this.services) {
      c.busyWorkers.start(t);
      c.capacity.start(t);
      c.inSystem.start(t);
    }
    for (const c of this.proxies) {
      c.busyWorkers.start(t);
      c.openConnections.start(t);
    }
    for (const c of cpus) c?.busyCores.start(t);
  }

  /**
   * Load stops being offered (or the request count is reached): the time
   * averages close at t, so the drain that follows does not dilute them.
   */
  closeWindow(t: number, cpus: ReadonlyArray<SharedCpu | null>): void {
    for (const c of this.entries) c.meanInSystem = c.inSystem.mean(t);
    for (const c of this.services) {
      c.meanBusyWorkers = c.busyWorkers.mean(t);
      c.meanCapacity = c.capacity.mean(t);
      c.meanInSystem = c.inSystem.mean(t);
    }
    for (const c of this.proxies) {
      c.meanBusyWorkers = c.busyWorkers.mean(t);
      c.meanOpenConnections = c.openConnections.mean(t);
    }
    this.nodes = cpus.map((c) => ({ meanBusyCores: c ? c.busyCores.mean(t) : NaN }));
  }
}
