import type { LoadBalancer, Service, Step, Topology, Arrivals, ProxySpec, EntryVia, MeshProfile, ResiliencePolicy, TimelineEvent, Dist, ControlPlane } from '../topology/types.js';
import { loadMeshProfile } from '../mesh/loadProfile.js';
import { compileSampler, type Sampler } from './sampler.js';
import { planLifecycle, LC_STOP, LC_UP, type LifecycleAction } from './lifecycle.js';

/**
 * The runtime model: the topology turned into indexed arrays the simulation
 * walks without looking anything up by name. Services, nodes and entry
 * points are indexed in file order; replicas and proxies in the order they
 * are placed here. Nothing depends on object-key or Map iteration order
 * beyond that, which the file fixes.
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
  /** null when the service does no off-CPU waiting. */
  ioTime: Sampler | null;
  holdWorkerDuringCalls: boolean;
  loadBalancer: LoadBalancer;
  responseSize: number;
  l7: boolean;
  /** Calls from the ingress gateway go through the waypoint too (else the gateway bypasses it). */
  ingressUseWaypoint: boolean;
  calls: CompiledStep[];
  /** Global replica ids of every pod the service will have (initial ones first), in slot order. */
  replicas: number[];
  /** How many of those exist at the start. */
  initialReplicas: number;
  /** How calls to it behave; placement is 'client' when there is no mesh proxy to run it. */
  resilience: ResiliencePolicy;
  /**
   * How calls to it behave when only node proxies carry them (ambient mode,
   * no waypoint, not from the ingress gateway): ztunnel works at L4, so a
   * mesh policy keeps its connect timeout and nothing else.
   */
  l4Resilience: ResiliencePolicy;
  /**
   * How a client outside the mesh calls it (an entry point `via: direct`, or
   * `via: gateway` under a profile without one): it has no proxy of its
   * own, so no mesh policy at all — not even the mesh proxy's connect
   * timeout (Envoy's `connect_timeout`, Linkerd's outbound one), which is a
   * setting of the caller's proxy: its own dialer's, the bundled `none`
   * profile's (Go's 30 s). A `placement: client` policy is its client
   * library's, as for any caller, with the `connectTimeout` the topology
   * wrote (the library's) but not one the mesh profile brought (its proxy's).
   */
  outsideResilience: ResiliencePolicy;
  /**
   * `resilience.timeout` and `resilience.retries.perTryTimeout` were set by
   * the topology (its service's `resilience:` or its `mesh:` overrides), not
   * by the mesh profile's defaults: see Simulation.plainTimeoutIsMesh.
   */
  topologyTimeout: boolean;
  topologyPerTryTimeout: boolean;
}

export interface RuntimeNode {
  index: number;
  name: string;
  zone: number;
  cores: number;
  shared: boolean;
}

export interface RuntimeReplica {
  id: number;
  service: number;
  /** Index within its service. */
  ordinal: number;
  node: number;
  zone: number;
  /** Its sidecar proxy in sidecar mode, else -1. */
  sidecar: number;
  /** Exists at the start (later pods come from rollouts and scaling). */
  initial: boolean;
}

export type ProxyKind = 'sidecar' | 'node-proxy' | 'waypoint' | 'gateway';
export const PROXY_KINDS: readonly ProxyKind[] = ['sidecar', 'node-proxy', 'waypoint', 'gateway'];

export interface CompiledProxySpec {
  workers: number;
  requestCost: Sampler;
  responseCost: Sampler;
  /** CPU seconds per byte passing through, including mTLS encryption when on. */
  cpuPerByte: number;
  /**
   * The same for bytes this proxy does not encrypt itself: under
   * mtls.scope node a node proxy's encryption is the kernel tunnel's
   * (WireGuard), which covers only legs between nodes and is billed there
   * (RuntimeMtls.tunnelPerByte); else equal to cpuPerByte.
   */
  cpuPerBytePlain: number;
  /** The proxy's own CPU per byte, no encryption: for plaintext from a client outside the mesh. */
  cpuPerByteNoTls: number;
  telemetryCost: Sampler;
  /** The response pass costs nothing (constant 0 costs, which draw no random number): its samplers can be skipped. */
  responseFree: boolean;
  idleCpu: number;
  memory: ProxySpec['memory'];
}

export interface RuntimeProxy {
  index: number;
  kind: ProxyKind;
  /** What it serves, for reports: the pod's service, the node, the entry point. */
  label: string;
  /** Service of the pod a sidecar sits in, else -1. */
  service: number;
  node: number;
  spec: CompiledProxySpec;
  /** When it exists: a sidecar lives as long as its pod (rollouts and scaling start and stop pods). */
  from: number;
  until: number;
}

export interface RuntimeEntry {
  index: number;
  name: string;
  target: number;
  arrivals: Arrivals;
  thinkTime: Sampler | null;
  zone: number;
  node: number;
  via: EntryVia;
  /** Proxy the entry's requests leave through: the client's sidecar or node proxy (`via: mesh`), a gateway, or -1. */
  clientProxies: number[];
  requestSize: number;
}

export interface RuntimeMtls {
  enabled: boolean;
  handshakeCpu: Sampler;
  resumeCpu: Sampler;
  handshakeRoundTrips: number;
  resumeRoundTrips: number;
  resumption: boolean;
  idleTimeout: number;
  streamsPerConnection: number;
  /** One tunnel per pair of nodes (see MtlsSpec.scope). */
  nodeScope: boolean;
  /**
   * Under nodeScope with mTLS on, the tunnel's CPU per byte on each end of
   * a leg between node proxies on two nodes (encryption on one, decryption
   * on the other); else 0.
   */
  tunnelPerByte: number;
}

export interface RuntimeModel {
  topology: Topology;
  mesh: MeshProfile;
  zones: string[];
  nodes: RuntimeNode[];
  services: RuntimeService[];
  replicas: RuntimeReplica[];
  proxies: RuntimeProxy[];
  /** Per node, its node proxy (ambient), else -1. */
  nodeProxy: number[];
  /** Waypoint proxies (ambient, services with l7). */
  waypoints: number[];
  entries: RuntimeEntry[];
  mtls: RuntimeMtls;
  /** Pod starts, readiness and stops that rollouts and scaling cause, in time order (global replica ids). */
  lifecycle: Array<LifecycleAction & { replica: number }>;
  timeline: TimelineEvent[];
  /**
   * Routers: whatever picks an endpoint and holds a view of the endpoints —
   * proxies (0…P−1), then pods calling with no proxy (P…P+R−1, client
   * libraries), then entry points' clients (P+R…).
   */
  routerCount: number;
  /**
   * Under a mesh, how the clients outside it (entry points `via: direct`)
   * learn endpoints: Kubernetes' own discovery, the bundled `none`
   * profile's control plane, which a mesh control-plane outage leaves
   * alone. Null with no such client, or with no mesh (one discovery for all).
   */
  outsideDiscovery: ControlPlane | null;
  sameNode: Sampler;
  /** Same-node legs cost nothing (a constant 0, which draws no random number): they can be skipped. */
  sameNodeFree: boolean;
  sameZone: Sampler;
  crossZone: Sampler;
  /** Seconds per byte on the wire; 0 when bandwidth is unlimited. */
  secondsPerByte: number;
}

const isZero = (d: Dist): boolean => d.kind === 'constant' && d.value === 0;

function compileProxy(spec: ProxySpec, mtlsPerKB: number, tunnelled: boolean): CompiledProxySpec {
  const cpuPerByte = (spec.perKB + mtlsPerKB) / 1000;
  return {
    workers: spec.workers,
    requestCost: compileSampler(spec.requestCost),
    responseCost: compileSampler(spec.responseCost),
    cpuPerByte,
    cpuPerBytePlain: tunnelled ? spec.perKB / 1000 : cpuPerByte,
    cpuPerByteNoTls: spec.perKB / 1000,
    telemetryCost: compileSampler(spec.telemetryCost),
    responseFree: isZero(spec.responseCost) && isZero(spec.telemetryCost) && spec.perKB + mtlsPerKB === 0,
    idleCpu: spec.idleCpu,
    memory: spec.memory,
  };
}

/** A mesh policy as an L4 proxy can carry it: connections time out, requests are neither retried, timed, broken nor ejected. */
function l4Only(p: ResiliencePolicy): ResiliencePolicy {
  return { placement: 'mesh', timeout: Infinity, retries: null, circuitBreaker: null, outlierDetection: null, outlierStyle: p.outlierStyle, pickFrom: p.pickFrom, failFastAfter: p.failFastAfter, connectTimeout: p.connectTimeout };
}

/**
 * The policy with its placement as a string literal of this module: the
 * simulation compares it on every call, and a string parsed from the file
 * is compared character by character where a literal is compared by
 * identity.
 */
function withPlacement(p: ResiliencePolicy, placement: ResiliencePolicy['placement']): ResiliencePolicy {
  return { ...p, placement: placement === 'mesh' ? 'mesh' : 'client' };
}

/**
 * Which of the service's timeouts its topology set, as booleans the
 * simulation reads without a lookup. A topology loaded from a file says
 * (Service.topologyTimeouts); one built in code may not: a timeout that
 * differs from the mesh profile's is then taken as the topology's.
 */
function topologyTimeouts(s: Service, mesh: MeshProfile): { topologyTimeout: boolean; topologyPerTryTimeout: boolean } {
  const set = s.topologyTimeouts;
  if (set !== undefined) return { topologyTimeout: set.timeout, topologyPerTryTimeout: set.perTryTimeout };
  const perTry = (p: ResiliencePolicy): number => p.retries?.perTryTimeout ?? Infinity;
  return {
    topologyTimeout: s.resilience.timeout !== mesh.resilience.timeout,
    topologyPerTryTimeout: perTry(s.resilience) !== perTry(mesh.resilience),
  };
}

/** RuntimeService.outsideResilience. */
function outsideResilience(s: Service, mesh: MeshProfile): ResiliencePolicy {
  if (mesh.mode === 'none') return withPlacement(s.resilience, 'client');
  const own = bundledNone().resilience.connectTimeout;
  if (s.resilience.placement === 'mesh') return { ...l4Only(s.resilience), connectTimeout: own };
  // Built in code, a topology may not say what it wrote: a connect timeout unlike the profile's is taken as its own.
  const written = s.topologyTimeouts?.connectTimeout ?? s.resilience.connectTimeout !== mesh.resilience.connectTimeout;
  return { ...withPlacement(s.resilience, 'client'), connectTimeout: written ? s.resilience.connectTimeout : own };
}

export function buildModel(topology: Topology): RuntimeModel {
  const zoneIndex = new Map(topology.zones.map((z, i) => [z, i]));
  const nodeIndex = new Map(topology.nodes.map((n, i) => [n.name, i]));
  const serviceIndex = new Map(topology.services.map((s, i) => [s.name, i]));
  const lookup = <T>(map: Map<string, T>, what: string, name: string): T => {
    const i = map.get(name);
    if (i === undefined) throw new Error(`unknown ${what} "${name}" reached the model builder`);
    return i;
  };
  const compileSteps = (steps: Step[]): CompiledStep[] =>
    steps.map((s) =>
      s.kind === 'call'
        ? { kind: STEP_CALL, probability: s.probability, service: lookup(serviceIndex, 'service', s.service), requestSize: s.requestSize, steps: [] }
        : {
            kind: s.kind === 'sequence' ? STEP_SEQUENCE : STEP_PARALLEL,
            probability: s.probability,
            service: -1,
            requestSize: 0,
            steps: compileSteps(s.steps),
          },
    );

  const mesh = topology.mesh;
  const mtlsPerKB = mesh.mtls.enabled ? mesh.mtls.perKB : 0;
  const nodes: RuntimeNode[] = topology.nodes.map((n, index) => ({
    index,
    name: n.name,
    zone: lookup(zoneIndex, 'zone', n.zone),
    cores: n.cores,
    shared: n.cpu === 'shared',
  }));

  const proxies: RuntimeProxy[] = [];
  const addProxy = (kind: ProxyKind, label: string, service: number, node: number, spec: ProxySpec): number => {
    // A waypoint ends the caller's mTLS connection and opens its own to the callee: it decrypts and encrypts every byte.
    const perKB = kind === 'waypoint' ? 2 * mtlsPerKB : mtlsPerKB;
    const tunnelled = kind === 'node-proxy' && mesh.mtls.scope === 'node';
    proxies.push({ index: proxies.length, kind, label, service, node, spec: compileProxy(spec, perKB, tunnelled), from: 0, until: Infinity });
    return proxies.length - 1;
  };

  // Node proxies first, so their indices follow node order.
  const nodeProxy = nodes.map((n) =>
    mesh.mode === 'ambient' && mesh.nodeProxy ? addProxy('node-proxy', n.name, -1, n.index, mesh.nodeProxy) : -1,
  );

  const plan = planLifecycle(topology);
  const replicas: RuntimeReplica[] = [];
  const services: RuntimeService[] = topology.services.map((s, index) => {
    const allowed = s.nodes.map((n) => lookup(nodeIndex, 'node', n));
    const ids: number[] = [];
    for (let ordinal = 0; ordinal < plan.slots[index]; ordinal++) {
      const id = replicas.length;
      // Round robin over the allowed nodes, which the loader interleaves
      // across zones, as a scheduler with topology spread constraints would.
      const node = allowed[ordinal % allowed.length];
      const sidecar = mesh.mode === 'sidecar' && mesh.sidecar
        ? addProxy('sidecar', `${s.name}-${ordinal}`, index, node, mesh.sidecar)
        : -1;
      replicas.push({ id, service: index, ordinal, node, zone: nodes[node].zone, sidecar, initial: ordinal < s.replicas });
      ids.push(id);
    }
    const io = s.ioTime;
    return {
      index,
      name: s.name,
      workers: s.workers,
      queueCapacity: s.queue,
      serviceTime: compileSampler(s.serviceTime),
      ioTime: io.kind === 'constant' && io.value === 0 ? null : compileSampler(io),
      holdWorkerDuringCalls: s.holdWorkerDuringCalls,
      loadBalancer: s.loadBalancer,
      responseSize: s.responseSize,
      l7: s.l7,
      ingressUseWaypoint: s.ingressUseWaypoint,
      calls: compileSteps(s.calls),
      replicas: ids,
      initialReplicas: s.replicas,
      resilience: withPlacement(s.resilience, mesh.mode === 'none' ? 'client' : s.resilience.placement),
      l4Resilience: s.resilience.placement === 'mesh' ? l4Only(s.resilience) : withPlacement(s.resilience, s.resilience.placement),
      outsideResilience: outsideResilience(s, mesh),
      ...topologyTimeouts(s, mesh),
    };
  });

  // Shared proxies are spread over all nodes in order, first node first.
  const spread = (kind: ProxyKind, spec: ProxySpec & { replicas: number }): number[] =>
    Array.from({ length: spec.replicas }, (_, i) => addProxy(kind, `${kind}-${i}`, -1, i % nodes.length, spec));
  const waypoints = mesh.mode === 'ambient' && mesh.waypoint ? spread('waypoint', mesh.waypoint) : [];
  // A gateway no entry point sends through would be billed for nothing: it is the mesh's only if used.
  const viaGateway = topology.entrypoints.some((e) => e.via === 'gateway');
  const gateways = mesh.mode !== 'none' && mesh.gateway && viaGateway ? spread('gateway', mesh.gateway) : [];

  const entries: RuntimeEntry[] = topology.entrypoints.map((e, index) => {
    const node = lookup(nodeIndex, 'node', e.node);
    let clientProxies: number[] = [];
    if (e.via === 'gateway') clientProxies = gateways;
    else if (e.via === 'mesh' && mesh.mode === 'sidecar' && mesh.sidecar) {
      clientProxies = [addProxy('sidecar', `${e.name}-client`, -1, node, mesh.sidecar)];
    } else if (e.via === 'mesh' && mesh.mode === 'ambient') clientProxies = [nodeProxy[node]];
    return {
      index,
      name: e.name,
      target: lookup(serviceIndex, 'service', e.target),
      arrivals: e.arrivals,
      thinkTime: e.arrivals.kind === 'closed' ? compileSampler(e.arrivals.thinkTime) : null,
      zone: lookup(zoneIndex, 'zone', e.zone),
      node,
      via: e.via,
      clientProxies,
      requestSize: e.requestSize,
    };
  });

  const lifecycle = plan.actions.map((a) => ({ ...a, replica: services[a.service].replicas[a.slot] }));
  // A pod the timeline adds exists from its start; one retired before it started never does.
  for (const r of replicas) if (!r.initial && r.sidecar >= 0) proxies[r.sidecar].from = Infinity;
  for (const a of lifecycle) {
    const sidecar = replicas[a.replica].sidecar;
    if (sidecar < 0) continue;
    if (a.kind === LC_UP) proxies[sidecar].from = a.at;
    if (a.kind === LC_STOP) proxies[sidecar].until = a.at;
  }

  const m = mesh.mtls;
  const bw = topology.network.bandwidth;
  const sameNode = topology.network.sameNode ?? topology.network.sameZone;
  return {
    topology,
    mesh,
    zones: topology.zones,
    nodes,
    services,
    replicas,
    proxies,
    nodeProxy,
    waypoints,
    entries,
    lifecycle,
    // A fault on `reviews-1` hits the pod in that place at the time, whatever rollouts and scaling made it.
    timeline: topology.timeline.map((ev) => {
      const r = 'target' in ev ? ev.target?.replica : undefined;
      if (!r) return ev;
      const si = services.findIndex((x) => x.name === r.service);
      return si < 0 ? ev : { ...ev, target: { replica: { ...r, ordinal: plan.slotAt(si, r.ordinal, ev.at) } } };
    }),
    routerCount: proxies.length + replicas.length + entries.length,
    outsideDiscovery: mesh.mode !== 'none' && entries.some((e) => e.clientProxies.length === 0) ? bundledDiscovery() : null,
    mtls: {
      enabled: m.enabled && mesh.mode !== 'none',
      handshakeCpu: compileSampler(m.handshakeCpu),
      resumeCpu: compileSampler(m.resumeCpu),
      handshakeRoundTrips: m.handshakeRoundTrips,
      resumeRoundTrips: m.resumeRoundTrips,
      resumption: m.resumption,
      idleTimeout: m.idleTimeout,
      streamsPerConnection: m.streamsPerConnection,
      nodeScope: m.scope === 'node',
      tunnelPerByte: m.scope === 'node' && m.enabled && mesh.mode !== 'none' ? m.perKB / 1000 : 0,
    },
    sameNode: compileSampler(sameNode),
    sameNodeFree: sameNode.kind === 'constant' && sameNode.value === 0,
    sameZone: compileSampler(topology.network.sameZone),
    crossZone: compileSampler(topology.network.crossZone),
    secondsPerByte: Number.isFinite(bw) && bw > 0 ? 1 / bw : 0,
  };
}

let noneProfile: MeshProfile | undefined;
/** The bundled `none` profile: what clients outside a mesh do, loaded once. */
function bundledNone(): MeshProfile {
  if (!noneProfile) {
    const none = loadMeshProfile('none', '.').profile;
    if (!none) throw new Error('internal error: the bundled none profile does not load');
    noneProfile = none;
  }
  return noneProfile;
}

/** The bundled `none` profile's control plane: Kubernetes' service discovery, as clients outside a mesh see it. */
function bundledDiscovery(): ControlPlane {
  return bundledNone().controlPlane;
}
