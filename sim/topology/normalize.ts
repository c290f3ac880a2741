/**
 * File format → normalized Topology: units to base units, defaults filled
 * in, shorthands expanded, each service's resilience merged over the mesh's,
 * the timeline sorted (timeline.ts). Runs only on a file that passed checkTopology, so
 * a unit that fails to parse here is a bug in the checks, not bad input.
 */
import { mergeResilience, writtenTimeouts } from '../mesh/resilience.js';
import { parseBandwidth, parseDuration, parsePrice, parseRate, parseSize, type UnitResult } from '../units/parse.js';
import { percentileOf, Z99 } from './checkScalars.js';
import { DEFAULT_CORES, DEFAULT_COSTS, DEFAULT_DURATION_S, DEFAULT_ZONE, defaultNodeName } from './defaults.js';
import type { DistributionFile, EntryPointFile, ServiceFile, StepFile, TopologyFile } from './schema.js';
import { normalizeTimeline } from './timeline.js';
import type { Arrivals, Dist, EntryPoint, MeshProfile, Network, Node, Service, SimulationSettings, Step, Topology } from './types.js';

/** `mesh` is the resolved profile (sim/mesh), overrides already merged in. */
export function normalizeTopology(file: TopologyFile, mesh: MeshProfile): Topology {
  const zones = file.zones ?? [DEFAULT_ZONE];
  const nodes = normalizeNodes(file.nodes, zones);
  return {
    name: file.name,
    description: file.description ?? '',
    zones: [...zones],
    nodes,
    mesh,
    costs: normalizeCosts(file.costs),
    timeline: normalizeTimeline(file.timeline),
    network: normalizeNetwork(file.network),
    services: Object.entries(file.services).map(([name, s]) => normalizeService(name, s, zones, nodes, mesh)),
    entrypoints: Object.entries(file.entrypoints).map(([name, e]) => normalizeEntryPoint(name, e, zones, nodes)),
    simulation: normalizeSimulation(file.simulation),
  };
}

function normalizeNodes(nodes: TopologyFile['nodes'], zones: readonly string[]): Node[] {
  if (nodes === undefined) return zones.map((zone) => ({ name: defaultNodeName(zone), zone, cores: DEFAULT_CORES, cpu: 'dedicated' }));
  return Object.entries(nodes).map(([name, n]) => ({ name, zone: n.zone, cores: n.cores ?? DEFAULT_CORES, cpu: n.cpu ?? 'dedicated' }));
}

/**
 * The nodes of these zones, interleaved: the first node of each zone in zone
 * order, then the second of each, … — so round-robin placement of replicas
 * spreads over zones before it doubles up within one.
 */
function interleaveByZone(nodes: readonly Node[], zones: readonly string[]): string[] {
  const byZone = zones.map((zone) => nodes.filter((n) => n.zone === zone).map((n) => n.name));
  const out: string[] = [];
  const rounds = Math.max(0, ...byZone.map((names) => names.length));
  for (let i = 0; i < rounds; i++) for (const names of byZone) if (i < names.length) out.push(names[i]);
  return out;
}

function normalizeCosts(costs: TopologyFile['costs']): Topology['costs'] {
  const price = (value: string | number | undefined, fallback: number) => (value === undefined ? fallback : must(parsePrice(value)));
  return {
    vcpuHour: price(costs?.vcpuHour, DEFAULT_COSTS.vcpuHour),
    gbHour: price(costs?.gbHour, DEFAULT_COSTS.gbHour),
    projectPods: costs?.projectPods ?? DEFAULT_COSTS.projectPods,
  };
}

function normalizeNetwork(network: TopologyFile['network']): Network {
  return {
    ...(network?.sameNode === undefined ? {} : { sameNode: normalizeDist(network.sameNode) }),
    sameZone: normalizeDist(network?.sameZone ?? 0),
    crossZone: normalizeDist(network?.crossZone ?? 0),
    bandwidth: network?.bandwidth === undefined ? Infinity : must(parseBandwidth(network.bandwidth)),
  };
}

function normalizeSimulation(sim: TopologyFile['simulation']): SimulationSettings {
  const requests = sim?.requests;
  return {
    seed: sim?.seed ?? 1,
    duration: sim?.duration !== undefined ? seconds(sim.duration) : requests === undefined ? DEFAULT_DURATION_S : undefined,
    requests,
    warmup: sim?.warmup !== undefined ? seconds(sim.warmup) : 0,
  };
}

/**
 * `mesh`: the profile (with the topology's `mesh:` overrides), whose
 * resilience the service's own merges over; the timeouts either of the
 * topology's blocks writes are recorded as the topology's (topologyTimeouts).
 */
function normalizeService(
  name: string,
  s: ServiceFile,
  topologyZones: readonly string[],
  nodes: readonly Node[],
  mesh: MeshProfile,
): Service {
  const zones = s.zones ?? topologyZones;
  return {
    name,
    nodes: s.nodes !== undefined ? [...s.nodes] : interleaveByZone(nodes, zones),
    ioTime: normalizeDist(s.ioTime ?? 0),
    l7: s.l7 ?? false,
    ingressUseWaypoint: s.ingressUseWaypoint ?? false,
    resilience: mergeResilience(mesh.resilience, s.resilience ?? {}),
    topologyTimeouts: writtenTimeouts(s.resilience ?? {}, mesh.topologyTimeouts),
    replicas: s.replicas ?? 1,
    workers: s.workers ?? 1,
    queue: s.queue === undefined || s.queue === 'unbounded' ? Infinity : s.queue,
    serviceTime: normalizeDist(s.serviceTime),
    holdWorkerDuringCalls: s.holdWorkerDuringCalls ?? false,
    loadBalancer: s.loadBalancer ?? 'round_robin',
    zones: [...zones],
    responseSize: bytes(s.responseSize),
    calls: (s.calls ?? []).map(normalizeStep),
  };
}

function normalizeStep(step: StepFile): Step {
  if (typeof step === 'string') return { kind: 'call', service: step, probability: 1, requestSize: 0 };
  const probability = step.probability ?? 1;
  if ('call' in step) return { kind: 'call', service: step.call, probability, requestSize: bytes(step.requestSize) };
  if ('parallel' in step) return { kind: 'parallel', steps: step.parallel.map(normalizeStep), probability };
  return { kind: 'sequence', steps: step.sequence.map(normalizeStep), probability };
}

function normalizeEntryPoint(name: string, e: EntryPointFile, zones: readonly string[], nodes: readonly Node[]): EntryPoint {
  const pinned = e.node === undefined ? undefined : nodes.find((n) => n.name === e.node);
  const zone = e.zone ?? pinned?.zone ?? zones[0];
  return {
    name,
    target: e.target,
    arrivals: normalizeArrivals(e),
    zone,
    node: e.node ?? (nodes.find((n) => n.zone === zone) as Node).name,
    via: e.via ?? 'gateway',
    requestSize: bytes(e.requestSize),
  };
}

function normalizeArrivals(e: EntryPointFile): Arrivals {
  const kind = e.arrivals ?? 'poisson';
  if (kind === 'closed') {
    return { kind, users: e.users as number, thinkTime: normalizeDist(e.thinkTime ?? 0) };
  }
  const schedule =
    e.rate !== undefined
      ? [{ at: 0, rate: must(parseRate(e.rate)) }]
      : (e.schedule ?? []).map((segment) => ({ at: seconds(segment.at), rate: must(parseRate(segment.rate)) }));
  return { kind, schedule };
}

export function normalizeDist(d: DistributionFile): Dist {
  if (typeof d === 'string' || typeof d === 'number') return { kind: 'constant', value: seconds(d) };
  switch (d.dist) {
    case 'constant':
      return { kind: 'constant', value: seconds(d.value) };
    case 'exponential':
      return { kind: 'exponential', mean: seconds(d.mean) };
    case 'lognormal': {
      if (d.median !== undefined && d.p99 !== undefined) {
        const median = seconds(d.median);
        return { kind: 'lognormal', mu: Math.log(median), sigma: Math.log(seconds(d.p99) / median) / Z99 };
      }
      return { kind: 'lognormal', mu: d.mu as number, sigma: d.sigma as number };
    }
    case 'normal':
      return { kind: 'normal', mean: seconds(d.mean), stddev: seconds(d.stddev) };
    case 'uniform':
      return { kind: 'uniform', min: seconds(d.min), max: seconds(d.max) };
    case 'empirical': {
      if (d.samples !== undefined) return { kind: 'empirical', samples: d.samples.map(seconds).sort((a, b) => a - b) };
      const points = Object.entries(d.percentiles ?? {}).map(([key, value]): [number, number] => [percentileOf(key) as number, seconds(value)]);
      return { kind: 'percentiles', points: points.sort((a, b) => a[0] - b[0]) };
    }
  }
}

export function seconds(value: string | number): number {
  return must(parseDuration(value));
}

export function bytes(value: string | number | undefined): number {
  return value === undefined ? 0 : must(parseSize(value));
}

function must(result: UnitResult): number {
  if (!result.ok) throw new Error(`internal error: normalizing an unchecked value (${result.message})`);
  return result.value;
}
