import type { LoadBalancer, Step, Topology, Arrivals } from '../topology/types.js';
import { compileSampler, type Sampler } from './sampler.js';

/**
 * The runtime model: the topology turned into indexed arrays the simulation
 * walks without looking anything up by name. Services are indexed in file
 * order; nothing here depends on object-key or Map iteration order beyond
 * that, which the file fixes.
 */

export const STEP_CALL = 0;
export const STEP_SEQUENCE = 1;
export const STEP_PARALLEL = 2;

export interface CompiledStep {
  kind: typeof STEP_CALL | typeof STEP_SEQUENCE | typeof STEP_PARALLEL;
  probability: number;
  /** STEP_CALL: the callee's index. */
  service: number;
  requestSize: number;
  steps: CompiledStep[];
}

export interface RuntimeService {
  index: number;
  name: string;
  workers: number;
  queueCapacity: number;
  serviceTime: Sampler;
  holdWorkerDuringCalls: boolean;
  loadBalancer: LoadBalancer;
  responseSize: number;
  calls: CompiledStep[];
  /** Global replica ids of this service's replicas, in replica order. */
  replicas: number[];
}

export interface RuntimeReplica {
  id: number;
  service: number;
  /** Index within its service. */
  ordinal: number;
  zone: number;
}

export interface RuntimeEntry {
  index: number;
  name: string;
  target: number;
  arrivals: Arrivals;
  thinkTime: Sampler | null;
  zone: number;
  requestSize: number;
}

export interface RuntimeModel {
  topology: Topology;
  zones: string[];
  services: RuntimeService[];
  replicas: RuntimeReplica[];
  entries: RuntimeEntry[];
  sameZone: Sampler;
  crossZone: Sampler;
  /** Seconds per byte; 0 when bandwidth is unlimited. */
  secondsPerByte: number;
}

export function buildModel(topology: Topology): RuntimeModel {
  const zoneIndex = new Map(topology.zones.map((z, i) => [z, i]));
  const serviceIndex = new Map(topology.services.map((s, i) => [s.name, i]));
  const lookup = (name: string): number => {
    const i = serviceIndex.get(name);
    if (i === undefined) throw new Error(`unknown service "${name}" reached the model builder`);
    return i;
  };
  const compileSteps = (steps: Step[]): CompiledStep[] =>
    steps.map((s) =>
      s.kind === 'call'
        ? { kind: STEP_CALL, probability: s.probability, service: lookup(s.service), requestSize: s.requestSize, steps: [] }
        : {
            kind: s.kind === 'sequence' ? STEP_SEQUENCE : STEP_PARALLEL,
            probability: s.probability,
            service: -1,
            requestSize: 0,
            steps: compileSteps(s.steps),
          },
    );

  const replicas: RuntimeReplica[] = [];
  const services: RuntimeService[] = topology.services.map((s, index) => {
    const zones = s.zones.map((z) => zoneIndex.get(z) ?? 0);
    const ids: number[] = [];
    for (let ordinal = 0; ordinal < s.replicas; ordinal++) {
      const id = replicas.length;
      // Spread replicas over the service's zones in order, as a zone-aware
      // scheduler with topology spread constraints would.
      replicas.push({ id, service: index, ordinal, zone: zones[ordinal % zones.length] });
      ids.push(id);
    }
    return {
      index,
      name: s.name,
      workers: s.workers,
      queueCapacity: s.queue,
      serviceTime: compileSampler(s.serviceTime),
      holdWorkerDuringCalls: s.holdWorkerDuringCalls,
      loadBalancer: s.loadBalancer,
      responseSize: s.responseSize,
      calls: compileSteps(s.calls),
      replicas: ids,
    };
  });

  const entries: RuntimeEntry[] = topology.entrypoints.map((e, index) => ({
    index,
    name: e.name,
    target: lookup(e.target),
    arrivals: e.arrivals,
    thinkTime: e.arrivals.kind === 'closed' ? compileSampler(e.arrivals.thinkTime) : null,
    zone: zoneIndex.get(e.zone) ?? 0,
    requestSize: e.requestSize,
  }));

  const bw = topology.network.bandwidth;
  return {
    topology,
    zones: topology.zones,
    services,
    replicas,
    entries,
    sameZone: compileSampler(topology.network.sameZone),
    crossZone: compileSampler(topology.network.crossZone),
    secondsPerByte: Number.isFinite(bw) && bw > 0 ? 1 / bw : 0,
  };
}
