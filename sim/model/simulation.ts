import { Engine, type EventDispatcher } from '../engine/engine.js';
import { RandomStreams, type Rng } from '../engine/rng.js';
import type { RuntimeModel, CompiledStep } from './build.js';
import { STEP_CALL, STEP_SEQUENCE } from './build.js';
import {
  APP_QUEUE, APP_WORK, COMPONENT_COUNT, COMPONENT_SIDE, addComponents, MTLS, NETWORK, PROXY_QUEUE, PROXY_WORK, RETRY_BACKOFF, SIDE_APP, SIDE_MESH,
} from './components.js';
import {
  CAUSES, CAUSE_ALL_ENDPOINTS_EJECTED, CAUSE_ALL_ENDPOINTS_SHUT, CAUSE_CERTIFICATE, CAUSE_CIRCUIT_OPEN, CAUSE_CONNECT_FAILURE, CAUSE_INBOUND_PROXY_DOWN, CAUSE_INJECTED_ABORT,
  CAUSE_NO_ENDPOINTS, CAUSE_NO_HEALTHY_UPSTREAM, CAUSE_OUTBOUND_PROXY_DOWN, CAUSE_PARTITION, CAUSE_PARTITION_RESET, CAUSE_QUEUE_FULL,
  CAUSE_OUTBOUND_PROXY_RESET, CAUSE_PROXY_RESET, CAUSE_REPLICA_CRASH, CAUSE_REPLICA_DOWN, CAUSE_STALE_ENDPOINT, CAUSE_TIMEOUT, FLAGS, flagIndex, retryable,
} from './causes.js';
import { EndpointVersions } from './endpoints.js';
import { ControlPlaneRuntime, type Marker } from './controlPlane.js';
import { PolicyState, RetryBudget } from './policies.js';
import { MAX_SERIES_INTERVALS, TimeSeries } from './series.js';
import { LC_ADD, LC_EXIT, LC_REMOVE, LC_STOP, LC_UP } from './lifecycle.js';
import { ConnectionPools, type Connection } from './connections.js';
import { SharedCpu } from './cpu.js';
import {
  BATCHES, Collectors, MAX_FRAMES_IN_FLIGHT, PROGRESS_EVERY, SimulationAbort, failureKey,
  type EntryCollector, type ProgressHook, type ProxyCollector, type ServiceCollector, type SimulationLimits, type SimulationOutcome,
} from './outcome.js';
import {
  FramePool, FRAME_ATTEMPT, inheritPlace, takeRoute, takeTries, FRAME_CALL, FRAME_INVOKE, FRAME_PARALLEL, FRAME_SEQUENCE, PEND_NONE, PEND_SINCE, type Frame,
} from './frames.js';
import { IntQueue } from './intQueue.js';
import { ArrivalProcess } from './arrivals.js';
import { FaultState, describeEvent, targetProxies, targetReplicas } from './faults.js';
import { ALL_EJECTED, ALL_SHUT, LoadBalancer } from './loadBalancing.js';
import { FailFastQueues } from './failFast.js';
import { ProxyThreads } from './proxyThreads.js';
import { TaskPool, TASK_APP, TASK_HANDSHAKE, TASK_PROXY, TASK_TELEMETRY } from './tasks.js';
import { MAX_DURATION_S } from '../topology/checkScalars.js';

// The outcome's types live in outcome.ts; re-exported for the modules that import them from here.
export { BATCHES, MAX_FRAMES_IN_FLIGHT, PROGRESS_EVERY, SimulationAbort, failureKey, decodeFailureKey } from './outcome.js';
export type { ProgressHook, EntryCollector, ServiceCollector, ProxyCollector, NodeCollector, SimulationLimits, SimulationOutcome } from './outcome.js';

/**
 * Runs one replication of the model. Each call is a hop that walks the
 * phases below; phases whose proxy does not exist in the mesh mode at hand
 * are skipped, so `none`, `sidecar` and `ambient` share one path:
 *
 *   gateway leg → client proxy → (mTLS connect) → network → waypoint →
 *   (connect) → network → server proxy → application → server proxy →
 *   network → waypoint → network → client proxy → gateway leg → caller
 *
 * with a same-node leg between a pod and its own proxy on each side.
 */
export function simulate(model: RuntimeModel, limits: SimulationLimits, progress?: ProgressHook): SimulationOutcome {
  return new Simulation(model, limits).run(progress);
}


// Phases of a call frame, in path order. The LOCAL legs are the
// redirection between a pod and its own sidecar or node proxy (loopback,
// veth): real kernel network traversals, costed as same-node latency.
// A call runs the phases before `attemptStart` and from `attemptEnd` on;
// each try (attempt frame) runs those in between, so a retry repeats just
// that part: from the client proxy on when the policy is the mesh's, the
// whole hop when it is the client library's.
const P_PRE_NET = 0;
const P_LOCAL_OUT = 1;
const P_CP_REQ = 2;
const P_CONNECT1 = 3;
const P_NET1 = 4;
const P_WP_REQ = 5;
const P_CONNECT2 = 6;
const P_NET2 = 7;
const P_SP_REQ = 8;
const P_LOCAL_IN = 9;
const P_APP = 10;
const P_LOCAL_IN_BACK = 11;
const P_SP_RESP = 12;
const P_NET2_BACK = 13;
const P_WP_RESP = 14;
const P_NET1_BACK = 15;
const P_CP_RESP = 16;
const P_LOCAL_OUT_BACK = 17;
const P_POST_NET = 18;
const P_DONE = 19;
/** The component time spent in each phase belongs to (for a try abandoned in it). */
const PHASE_COMPONENT: readonly number[] = [
  NETWORK, NETWORK, PROXY_WORK, MTLS, NETWORK, PROXY_WORK, MTLS, NETWORK, PROXY_WORK, NETWORK,
  APP_WORK, NETWORK, PROXY_WORK, NETWORK, PROXY_WORK, NETWORK, PROXY_WORK, NETWORK, NETWORK, NETWORK,
];
/** Phases every hop visits, whatever its proxies. */
const ALWAYS = (1 << P_NET1) | (1 << P_APP) | (1 << P_NET1_BACK) | (1 << P_DONE);
const WITH_CLIENT_PROXY = (1 << P_CP_REQ) | (1 << P_CP_RESP);
const WITH_SIDECAR_EGRESS = (1 << P_LOCAL_OUT) | (1 << P_LOCAL_OUT_BACK);
const WITH_GATEWAY = (1 << P_PRE_NET) | (1 << P_POST_NET);
const WITH_WAYPOINT = (1 << P_WP_REQ) | (1 << P_CONNECT2) | (1 << P_NET2) | (1 << P_NET2_BACK) | (1 << P_WP_RESP);
const WITH_SERVER_PROXY = (1 << P_SP_REQ) | (1 << P_LOCAL_IN) | (1 << P_LOCAL_IN_BACK) | (1 << P_SP_RESP);

/** The phase after `phase` that `mask` has (P_DONE is always there). */
function nextPhase(mask: number, phase: number): number {
  const later = mask & ~((2 << phase) - 1);
  return 31 - Math.clz32(later & -later);
}

// What cutOff found on the leg to the replica.
const CUT_NONE = 0;
const CUT_WAITING = 1;
const CUT_FAILED = 2;

// Sub-phases of opening a connection (frame.hs): client CPU, round trips, server CPU.
const HS_NONE = 0;
const HS_CLIENT = 1;
const HS_TRIPS = 2;
const HS_SERVER = 3;

/**
 * Thrown for states the model never reaches. Out of line: V8 has been seen
 * to compute an inlined throw's message (its number formatting) on every
 * pass through the hot path, doubling the run time.
 */
function modelBug(what: string, value: number): never {
  throw new Error(`${what} ${value}`);
}

/** Pending events below which ignored timers are left to expire (a queue this size is under a megabyte). */
const MIN_TIMER_SWEEP = 1 << 14;
/** Outlier ejections marked on the timeline at most; a chart holds no more to read. */
const MAX_EJECTION_MARKERS = 1000;

// The model's events, dispatched by Simulation.dispatch.
const H_ARRIVAL = 0;
const H_THINK_DONE = 1;
const H_ADVANCE = 2;
const H_WORK_DONE = 3;
const H_TASK_CPU_DONE = 4;
const H_SHARED_CPU = 5;
const H_HANDSHAKE = 6;
const H_CONN_READY = 7;
const H_WARMUP_END = 8;
const H_WINDOW_END = 9;
const H_CALL_TIMEOUT = 10;
const H_TRY_TIMEOUT = 11;
const H_RETRY = 12;
const H_PARTITION_FAIL = 13;
const H_LIFECYCLE = 14;
const H_TIMELINE = 15;
const H_UNREADY = 16;
const H_DISPATCH_PENDING = 17;
const H_RETRANSMIT = 18;
const H_FAIL_FAST = 19;
const H_FAIL_FAST_WAKE = 20;
const HANDLER_KINDS = 21;

/**
 * Linux's TCP retransmissions, as offsets from the first send, for a leg a
 * partition drops: a SYN is resent after 1, 2, 4 … s (tcp_syn_retries 6,
 * so connect() gives up at 127 s); data on an established connection after
 * the minimum RTO of 200 ms, doubling to at most 120 s (tcp_retries2 15, so
 * the connection is reset at 924.6 s). Packets get through at the first
 * resend after the partition heals.
 */
const SYN_RESENDS = [1, 3, 7, 15, 31, 63];
const SYN_GIVE_UP = 127;
const DATA_RESENDS: number[] = [];
for (let k = 0, t = 0; k < 15; k++) DATA_RESENDS.push((t += Math.min(0.2 * 2 ** k, 120)));
const DATA_GIVE_UP = DATA_RESENDS[14] + 120;

const FLAG_NONE = flagIndex('-');
const FLAG_URX = flagIndex('URX');
const FLAG_UO = flagIndex('UO');
const FLAG_UH = flagIndex('UH');

/** Sorts a flat list of (index, generation) pairs by `key` of the index, ascending; keys must be distinct. */
function sortPairsBy(pairs: number[], key: (i: number) => number): void {
  const order: number[] = [];
  for (let k = 0; k < pairs.length; k += 2) order.push(k);
  order.sort((x, y) => key(pairs[x]) - key(pairs[y]));
  const copy = pairs.slice();
  order.forEach((k, j) => {
    pairs[2 * j] = copy[k];
    pairs[2 * j + 1] = copy[k + 1];
  });
}

class Simulation implements EventDispatcher {
  private readonly engine = new Engine();
  private readonly pool = new FramePool();
  private readonly tasks = new TaskPool();
  private readonly frames: Frame[];
  /** Calls started so far: the next call's serial (Frame.serial). */
  private callSerial = 0;
  /** Ids of stalls (legs a partition drops), so a resend meant for an earlier stall of a reused frame is recognised. */
  private stallSeq = 0;
  private readonly model: RuntimeModel;
  private readonly limits: SimulationLimits;

  private readonly serviceRng: Rng[];
  private readonly branchRng: Rng[];
  private readonly networkRng: Rng[];
  private readonly proxyRng: Rng[];
  private readonly retryRng: Rng;
  private readonly faultRng: Rng;
  private readonly arrivals: ArrivalProcess[];

  /** Per replica: busy workers, waiting invokes, invokes in progress. */
  private readonly busy: Int32Array;
  private readonly waiting: IntQueue[];
  /** Per replica: the first invoke in progress there, linked through frames' nextAtReplica/prevAtReplica. */
  private readonly inProgressHead: Int32Array;
  /** Per replica: the pod exists (its proxy and process accept connections); the application is up. */
  private readonly podUp: Uint8Array;
  private readonly appUp: Uint8Array;
  /** A terminating pod's app has exited (LC_EXIT): no restart brings it back while its sidecar drains. */
  private readonly exited: Uint8Array;
  /**
   * Per replica: the rollout or scaling wants it in its service's endpoints
   * (from ready until terminating). It is listed when wanted and its
   * readiness probes pass (or fail for less than the readiness delay).
   */
  private readonly wanted: Uint8Array;
  /** Per replica: crash windows running over it; and control-plane outage and root-expiry windows running. */
  private readonly crashWindows: Int32Array;
  private outageWindows = 0;
  private rootExpiryWindows = 0;
  private readonly balancer: LoadBalancer;
  private readonly faults: FaultState;
  /** Per proxy: busy worker threads, waiting tasks (proxies on a shared CPU; see `threads` for the others). */
  private readonly proxyBusy: Int32Array;
  private readonly proxyWaiting: IntQueue[];
  /** Round-robin cursors over an entry's client proxies (gateways) and over waypoints. */
  private readonly entryProxyNext: Int32Array;
  private waypointNext = 0;
  /** Per node: its shared CPU, or null when each pod and proxy has its own. */
  private readonly cpus: Array<SharedCpu | null>;
  /** Per proxy: it has a CPU of its own, so its threads are solved ahead by `threads`. */
  private readonly proxyDedicated: Uint8Array;
  /** Per proxy: dedicated threads and a response pass that costs nothing (see proxyResponse). */
  private readonly freeResponse: Uint8Array;
  private readonly threads: ProxyThreads;
  private readonly finished: number[] = [];
  private readonly conns: ConnectionPools;
  private readonly endpoints: EndpointVersions;
  private readonly controlPlane: ControlPlaneRuntime;
  /** Clients outside the mesh: Kubernetes' discovery, which a mesh outage does not stop (null when there are none). */
  private readonly discovery: ControlPlaneRuntime | null;
  private readonly policy: PolicyState;
  /** Tries held for an endpoint by proxies that queue them (failFastAfter: Linkerd's). */
  private readonly failFast = new FailFastQueues();
  /** The try held for an endpoint that knownLateCause found (-1: none), and what its fail-fast would have said. */
  private heldLate = -1;
  private heldLateCause = -1;
  private heldLateService = -1;
  private heldLateMesh = false;
  private readonly proxyCount: number;
  /** Per proxy: a gateway, its node; per node: its zone; same-node legs are free (hot-path copies of the model). */
  private readonly isGateway: Uint8Array;
  private readonly isNodeProxy: Uint8Array;
  private readonly proxyNode: Int32Array;
  private readonly proxyWorkers: Float64Array;
  private readonly nodeZone: Int32Array;
  private readonly replicaNode: Int32Array;
  /** Per replica: the proxy in front of it (its sidecar or its node's proxy), or -1. */
  private readonly serverProxyOf: Int32Array;
  private readonly sameNodeFree: boolean;
  /** No proxy crash on the timeline: no leg ever finds a proxy down (faults.proxyDown stays 0). */
  private readonly noProxyCrashes: boolean;
  /** mtls.scope: node (hot-path copy). */
  private readonly nodeScope: boolean;
  /** Per proxy, the CPU seconds of the kernel tunnel (mtls.scope node) in the window, billed apart from its threads (tunnelLeg). */
  private readonly tunnelCpu: Float64Array;
  /** A kernel tunnel charges legs between nodes (mtls.scope node, mTLS on): checked on every leg, so kept at hand. */
  private readonly tunnelled: boolean;
  /** The mesh mode puts a proxy in front of every replica (sidecar or node proxy). */
  private readonly serverProxies: boolean;
  /**
   * Ambient with L7 node proxies that carry only calls to services with
   * `l7: true` (Cilium with L7 policy on those): every other call goes
   * from pod to pod through the kernel, past no proxy.
   */
  private readonly l7OnlyNodeProxies: boolean;
  /** Ambient with node proxies that carry connections only (ztunnel): request policy needs a waypoint or the gateway. */
  private readonly l4NodeProxies: boolean;
  private readonly meshed: boolean;
  private readonly replicaCount: number;
  private tokens = 0;
  /** Closed-loop users over all entry points. */
  private readonly closedUsers: number;

  private readonly collectors: Collectors;
  private readonly entries: EntryCollector[];
  private readonly services: ServiceCollector[];
  private readonly proxies: ProxyCollector[];
  private readonly attemptFailures = new Map<number, number>();
  private readonly series: TimeSeries;
  private readonly markers: Marker[] = [];

  private measuredDone = 0;
  private peakFrames = 0;
  /** Counting requests, load that would have come after MAX_DURATION_S was not offered (see withinClock). */
  private clockLimitReached = false;
  private readonly offerUntil: number;
  private readonly warmup: number;
  private readonly stopAfter: number;
  private readonly maxFrames: number;
  private windowEnd = NaN;
  private measuring = false;


  constructor(model: RuntimeModel, limits: SimulationLimits) {
    this.model = model;
    this.limits = limits;
    this.frames = this.pool.frames;
    this.warmup = limits.warmup;
    this.offerUntil = limits.duration ?? Infinity;
    this.stopAfter = limits.requests ?? Infinity;
    this.maxFrames = limits.maxFramesInFlight ?? MAX_FRAMES_IN_FLIGHT;
    const streams = new RandomStreams(limits.seed);
    this.serviceRng = model.services.map((s) => streams.stream(`service/${s.name}`));
    this.branchRng = model.services.map((s) => streams.stream(`branch/${s.name}`));
    this.networkRng = model.services.map((s) => streams.stream(`network/${s.name}`));
    this.proxyRng = model.proxies.map((p) => streams.stream(`proxy/${p.kind}/${p.label}`));
    this.retryRng = streams.stream('retries');
    this.faultRng = streams.stream('faults');
    this.arrivals = model.entries.map((e) => new ArrivalProcess(e.arrivals, streams.stream(`arrivals/${e.name}`)));

    const nReplicas = model.replicas.length;
    this.proxyCount = model.proxies.length;
    this.replicaCount = nReplicas;
    this.busy = new Int32Array(nReplicas);
    this.waiting = model.replicas.map(() => new IntQueue());
    this.inProgressHead = new Int32Array(nReplicas).fill(-1);
    this.podUp = new Uint8Array(nReplicas);
    this.appUp = new Uint8Array(nReplicas);
    this.exited = new Uint8Array(nReplicas);
    this.wanted = new Uint8Array(nReplicas);
    this.crashWindows = new Int32Array(nReplicas);
    for (const r of model.replicas) if (r.initial) this.podUp[r.id] = this.appUp[r.id] = this.wanted[r.id] = 1;
    this.faults = new FaultState(model);
    this.proxyBusy = new Int32Array(model.proxies.length);
    this.proxyWaiting = model.proxies.map(() => new IntQueue());
    this.isGateway = Uint8Array.from(model.proxies, (p) => (p.kind === 'gateway' ? 1 : 0));
    this.isNodeProxy = Uint8Array.from(model.proxies, (p) => (p.kind === 'node-proxy' ? 1 : 0));
    this.proxyNode = Int32Array.from(model.proxies, (p) => p.node);
    this.proxyWorkers = Float64Array.from(model.proxies, (p) => p.spec.workers);
    this.nodeZone = Int32Array.from(model.nodes, (n) => n.zone);
    this.replicaNode = Int32Array.from(model.replicas, (r) => r.node);
    const mode = model.mesh.mode;
    this.serverProxyOf = Int32Array.from(model.replicas, (r) => (mode === 'sidecar' ? r.sidecar : mode === 'ambient' ? model.nodeProxy[r.node] : -1));
    this.sameNodeFree = model.sameNodeFree;
    this.noProxyCrashes = !model.timeline.some((ev) => ev.kind === 'proxy-crash');
    this.nodeScope = model.mtls.nodeScope;
    this.tunnelCpu = new Float64Array(model.proxies.length);
    this.tunnelled = model.mtls.tunnelPerByte > 0;
    this.serverProxies = model.mesh.mode === 'sidecar' || model.mesh.mode === 'ambient';
    this.l4NodeProxies = model.mesh.mode === 'ambient' && model.mesh.nodeProxyLayer === 'l4';
    this.l7OnlyNodeProxies = model.mesh.mode === 'ambient' && model.mesh.nodeProxyLayer === 'l7' && model.mesh.nodeProxyTraffic === 'l7';
    this.meshed = model.mesh.mode !== 'none';
    this.closedUsers = model.entries.reduce((n, e) => n + (e.arrivals.kind === 'closed' ? e.arrivals.users : 0), 0);
    this.entryProxyNext = new Int32Array(model.entries.length);
    this.policy = new PolicyState(model.routerCount, model.services.length);
    // A request count ends the run at no time known ahead: one-second
    // intervals, widened (doubling) once the run outlasts 2,000 of them.
    const horizon = Number.isFinite(this.offerUntil) ? this.offerUntil * 1.1 + 1 : MAX_SERIES_INTERVALS;
    this.series = new TimeSeries(horizon);

    const e = this.engine;
    e.attach(this, HANDLER_KINDS);

    this.cpus = model.nodes.map((n) => (n.shared ? new SharedCpu(e, n.cores, H_SHARED_CPU, n.index) : null));
    this.proxyDedicated = Uint8Array.from(model.proxies, (p) => (this.cpus[p.node] === null ? 1 : 0));
    this.freeResponse = Uint8Array.from(model.proxies, (p, i) => (this.proxyDedicated[i] === 1 && p.spec.responseFree ? 1 : 0));
    this.threads = new ProxyThreads(this.proxyWorkers);

    this.collectors = new Collectors(model);
    this.entries = this.collectors.entries;
    this.services = this.collectors.services;
    this.proxies = this.collectors.proxies;
    this.conns = new ConnectionPools(
      model.proxies.length,
      model.proxies.length + nReplicas,
      model.mtls.streamsPerConnection,
      model.mtls.idleTimeout,
      model.mtls.resumption,
      (proxy, now, delta, since) => this.proxies[proxy].openConnections.addSince(since, now, delta),
    );

    this.endpoints = new EndpointVersions(
      model.services.map((s) => Int32Array.from(s.replicas.slice(0, s.initialReplicas))),
      model.routerCount,
    );
    this.balancer = new LoadBalancer(
      model, this.endpoints, model.services.map((s) => streams.stream(`lb/${s.name}`)), (m) => this.markEjection(m),
      (r) => this.takesConnections(r), () => this.endpointsMayHaveChanged(),
    );
    this.endpoints.onConverge = () => this.endpointsMayHaveChanged();
    // A push reaches every proxy and every entry point's clients; with no
    // mesh, every pod's client library too. So it does under node proxies
    // that carry only L7-selected calls (nodeProxyTraffic: l7): the other
    // calls are balanced in the kernel (eBPF) from the pod's own router, on
    // the endpoints the node's agent programs, which follow the mesh's pushes.
    // Without them that router kept the first endpoints for the whole run,
    // and a rollout failed every such call after it (stale-endpoint).
    const routers: number[] = [];
    for (let p = 0; p < this.proxyCount; p++) routers.push(p);
    if (model.mesh.mode === 'none' || this.l7OnlyNodeProxies) for (let r = 0; r < nReplicas; r++) routers.push(this.proxyCount + r);
    // Clients outside a mesh follow Kubernetes' own discovery instead (see outsideDiscovery).
    const outside: number[] = [];
    for (let i = 0; i < model.entries.length; i++) {
      const outsideMesh = model.outsideDiscovery !== null && model.entries[i].clientProxies.length === 0;
      (outsideMesh ? outside : routers).push(this.proxyCount + nReplicas + i);
    }
    // Its pushes are not the mesh's: no markers, no certificates, and a stream of its own.
    this.discovery = model.outsideDiscovery === null ? null : new ControlPlaneRuntime(
      e, model.outsideDiscovery, this.endpoints, outside, 0, () => 0, [], streams.stream('outside-discovery'), () => {},
    );
    // Certificates are per workload: a sidecar holds its pod's; a node proxy
    // (ztunnel) holds one for each pod on its node (identities past the
    // proxies: proxyCount + replica), and its own for the clients it carries.
    // With node-scoped tunnels a node proxy holds only its own key: no workload identities.
    const nodeProxies = model.proxies.some((p) => p.kind === 'node-proxy') && !model.mtls.nodeScope;
    const certHolders = !model.mtls.enabled ? [] : [
      ...model.proxies.map((p) => p.index),
      ...(nodeProxies ? model.replicas.map((r) => this.proxyCount + r.id) : []),
    ];
    // A later pod's identity is issued when it starts (its sidecar's start, or its process's under a node proxy), not at t = 0.
    const podStart = new Float64Array(nReplicas);
    for (const r of model.replicas) podStart[r.id] = r.initial ? 0 : Infinity;
    for (const a of model.lifecycle) if (a.kind === LC_UP) podStart[a.replica] = Math.min(podStart[a.replica], a.at);
    // A pod's identity lasts until its last container is gone (its sidecar's stop, or its app's exit after it), as the invoice counts pods.
    const podEnd = new Float64Array(nReplicas).fill(Infinity);
    for (const a of model.lifecycle) {
      if (a.kind === LC_STOP || a.kind === LC_EXIT) podEnd[a.replica] = podEnd[a.replica] === Infinity ? a.at : Math.max(podEnd[a.replica], a.at);
    }
    this.controlPlane = new ControlPlaneRuntime(
      e, model.mesh.controlPlane, this.endpoints, routers, this.proxyCount + (nodeProxies ? nReplicas : 0),
      (now) => model.proxies.reduce((n, p) => (p.from <= now && now < p.until ? n + 1 : n), 0), certHolders,
      streams.stream('control-plane'), (m) => this.markers.push(m),
      streams.stream('workload-certificates'), this.proxyCount,
      (holder) => (holder < this.proxyCount ? model.proxies[holder].from : podStart[holder - this.proxyCount]),
      (holder) => (holder < this.proxyCount ? model.proxies[holder].until : podEnd[holder - this.proxyCount]),
    );
  }

  /** The model's events: one switch, called directly by the engine's loop. */
  dispatch(kind: number, a: number, b: number): void {
    switch (kind) {
      case H_ADVANCE: return this.onAdvance(a, b);
      case H_TASK_CPU_DONE: return this.onTaskCpuDone(a);
      case H_WORK_DONE: return this.onWorkDone(a);
      case H_ARRIVAL: return this.onArrival(a);
      case H_THINK_DONE: return this.startRequest(a, b);
      case H_SHARED_CPU: return this.onSharedCpu(a, b);
      case H_HANDSHAKE:
        if (this.frames[a].gen === b) this.handshakeStep(a);
        return;
      case H_CONN_READY: return this.onConnReady(a, b);
      case H_WARMUP_END: return this.onWarmupEnd();
      case H_WINDOW_END: return this.onWindowEnd();
      case H_CALL_TIMEOUT: return this.onCallTimeout(a, b);
      case H_TRY_TIMEOUT: return this.onTryTimeout(a, b);
      case H_RETRY: {
        const call = this.frames[a];
        if (call.backoffToken !== b || call.kind !== FRAME_CALL) return;
        // The back-off is over: a timeout from now on cuts the try (charged as abandoned), not a wait.
        call.backoffToken = 0;
        return this.startAttempt(a);
      }
      case H_PARTITION_FAIL: {
        const att = this.frames[a];
        if (att.stall !== b) return;
        if (att.detached) return this.dropDetachedStall(a);
        att.comp[NETWORK] += this.engine.now - att.stallSince;
        // TCP gave up on a pooled connection: it resets it, every stream on it with it (they give up now too).
        const conn = this.endStall(att);
        if (conn !== null) this.conns.reset(conn, this.engine.now);
        return this.failAttempt(a, conn !== null ? CAUSE_PARTITION_RESET : CAUSE_PARTITION, att.service, att.replica, this.afterCut(att));
      }
      case H_RETRANSMIT: {
        const att = this.frames[a];
        if (att.stall !== b) return;
        // A try nobody waits for any more is not resent for minutes: its stream is reset, and it ends now.
        if (att.detached) return this.dropDetachedStall(a);
        return this.advance(a); // the leg again: through if the partition has healed, else the next resend
      }
      case H_LIFECYCLE: return this.onLifecycle(a);
      case H_TIMELINE: return this.onTimeline(a, b === 1);
      case H_UNREADY: return this.onUnready(a, b);
      case H_DISPATCH_PENDING: return this.onDispatchPending(a, b);
      case H_FAIL_FAST: return this.onFailFast(a, b);
      case H_FAIL_FAST_WAKE: return this.onFailFastWake(a);
      default: return modelBug('event of unknown kind', kind);
    }
  }

  run(progress?: ProgressHook): SimulationOutcome {
    const e = this.engine;
    if (this.warmup > 0) e.scheduleAt(this.warmup, H_WARMUP_END);
    else this.onWarmupEnd();
    if (Number.isFinite(this.offerUntil)) e.scheduleAt(Math.max(this.offerUntil, this.warmup), H_WINDOW_END);
    this.model.lifecycle.forEach((a, i) => e.scheduleAt(a.at, H_LIFECYCLE, i));
    this.model.timeline.forEach((ev, i) => {
      e.scheduleAt(ev.at, H_TIMELINE, i, 0);
      if ('until' in ev && Number.isFinite(ev.until)) e.scheduleAt(ev.until, H_TIMELINE, i, 1);
    });
    for (const entry of this.model.entries) {
      const arr = this.arrivals[entry.index];
      if (entry.arrivals.kind === 'closed') {
        const think = entry.thinkTime as NonNullable<typeof entry.thinkTime>;
        for (let u = 0; u < entry.arrivals.users; u++) {
          // Users start staggered by one think time, as after a long idle period.
          this.scheduleSource(think(arr.rng), H_THINK_DONE, entry.index, u);
        }
      } else {
        const t = arr.next(0);
        if (t < this.offerUntil && this.withinClock(t)) this.scheduleSource(t, H_ARRIVAL, entry.index, 0);
      }
    }
    // Certificate renewals would keep the clock going for ever: the run ends
    // when no load is left to come and none is in flight (see maybeStop).
    // Counting requests, a load that offers none at all leaves nothing to run.
    const noLoad = !Number.isFinite(this.offerUntil) && this.pendingSources === 0;
    if (noLoad) {
      // No event: the run is over before it starts.
    } else if (!progress) e.run();
    else {
      // A NaN `every` would make each chunk zero events, and end the run before its first event.
      const given = Number(progress.every ?? PROGRESS_EVERY);
      const every = given >= 1 ? given : Number.isNaN(given) ? PROGRESS_EVERY : 1;
      while (e.run(Infinity, every)) progress.onProgress(this.doneFraction());
    }
    if (Number.isNaN(this.windowEnd)) this.onWindowEnd();
    progress?.onProgress(1);
    return {
      limits: this.limits,
      measuredTime: Math.max(0, this.windowEnd - this.warmup),
      endTime: this.lastCompletion,
      events: e.eventsProcessed,
      entries: this.entries,
      services: this.services,
      proxies: this.proxies,
      nodes: this.collectors.nodes,
      attemptFailures: this.attemptFailures,
      series: this.series,
      markers: this.markers,
      pushes: this.controlPlane.pushes,
      controlPlane: { ...this.controlPlane.measured },
      peakFramesInUse: this.peakFrames,
      pendingEventsAtEnd: e.pending,
      unmarkedEjections: this.unmarkedEjections,
      measuredRequests: this.measuredDone,
      clockLimitReached: this.clockLimitReached,
    };
  }

  private lastCompletion = 0;
  /** Requests in flight, and arrival or think events still to fire. */
  private roots = 0;
  private pendingSources = 0;

  /**
   * How far the run is, for progress lines: measured requests against the
   * count asked for, else simulated time against the load's duration (the
   * drain after it reads as just under done).
   */
  private doneFraction(): number {
    const f = Number.isFinite(this.stopAfter) ? this.measuredDone / this.stopAfter : this.engine.now / this.offerUntil;
    return Math.min(0.999, Math.max(0, f));
  }

  /**
   * A duration is held to MAX_DURATION_S by the checks; a request count is
   * not, and a slow load (1e-6/s, a long think time) would carry the clock
   * past it, where a double in seconds no longer resolves the service times
   * (at 3e12 s a constant 1 ms read as 977 µs). Load is offered up to there
   * only, and the run ends short of its count, saying why.
   */
  private withinClock(t: number): boolean {
    if (t < MAX_DURATION_S) return true;
    this.clockLimitReached = true;
    return false;
  }

  private maybeStop(): void {
    if (this.roots === 0 && this.pendingSources === 0) this.engine.stop();
  }

  /**
   * CPU work on shared nodes is counted whole when it starts inside the
   * window (runCpu); what it actually used inside the window differs by the
   * work left of the jobs running at the window's edges: jobs started before
   * the warm-up ended add what they still need then, jobs still running at
   * the end take back what they have not used yet (an overloaded node's
   * backlog is not CPU it used).
   */
  private creditRunningCpu(sign: 1 | -1): void {
    for (const cpu of this.cpus) {
      cpu?.forEachJob((t, remaining) => {
        const task = this.tasks.items[t];
        if (task.kind === TASK_APP) this.services[task.service].cpuSeconds += sign * remaining;
        else this.proxies[task.proxy].cpuSeconds += sign * remaining;
      });
    }
  }

  private onWarmupEnd(): void {
    this.creditRunningCpu(1);
    this.measuring = true;
    this.controlPlane.measure(true);
    this.collectors.startMeasuring(this.engine.now, this.cpus);
    this.threads.startMeasuring(this.engine.now);
  }

  private onWindowEnd(): void {
    if (this.measuring) this.creditRunningCpu(-1);
    this.windowEnd = this.engine.now;
    this.controlPlane.measure(false);
    // Connections that lapsed idle and were never looked for again stop counting when they timed out.
    this.conns.expireIdle(this.windowEnd);
    this.collectors.closeWindow(this.windowEnd, this.cpus);
    // A proxy with threads of its own uses CPU exactly while they are busy.
    // Counting its tasks' work as they are assigned would also count, in an
    // overload, the backlog its threads work off after the window.
    const span = this.windowEnd - this.warmup;
    for (let p = 0; p < this.proxyCount; p++) {
      if (this.proxyDedicated[p] !== 1) continue;
      const busy = this.threads.meanBusy(p, this.windowEnd);
      this.proxies[p].meanBusyWorkers = busy;
      this.proxies[p].cpuSeconds = Number.isFinite(busy) ? busy * span : 0;
    }
    // The kernel tunnel's CPU took no proxy thread: added to the node proxies' lines apart.
    for (let p = 0; p < this.proxyCount; p++) this.proxies[p].cpuSeconds += this.tunnelCpu[p];
    this.maybeStop();
  }

  /** Between the warm-up's end and the end of the offered load (or the run, when counting requests). */
  private inWindow(): boolean {
    return this.measuring && Number.isNaN(this.windowEnd);
  }

  /** Batch of the current moment: by completions when counting requests, else by time. */
  private batch(): number {
    let b: number;
    if (Number.isFinite(this.stopAfter)) {
      b = Math.floor((this.measuredDone * BATCHES) / this.stopAfter);
    } else {
      const span = this.offerUntil - this.warmup;
      b = span > 0 ? Math.floor(((this.engine.now - this.warmup) * BATCHES) / span) : 0;
    }
    return b < 0 ? 0 : b >= BATCHES ? BATCHES - 1 : b;
  }

  private abortOverloaded(): never {
    let worst = 0;
    for (let r = 1; r < this.waiting.length; r++) if (this.waiting[r].length > this.waiting[worst].length) worst = r;
    let worstProxy = -1;
    for (let p = 0; p < this.proxyCount; p++) {
      if (this.proxyQueue(p) > (worstProxy < 0 ? this.waiting[worst].length : this.proxyQueue(worstProxy))) worstProxy = p;
    }
    if (worstProxy >= 0) {
      const p = this.model.proxies[worstProxy];
      throw new SimulationAbort(
        `stopped at t=${this.engine.now.toFixed(1)}s with ${this.proxyQueue(worstProxy).toLocaleString('en-US')} requests ` +
          `waiting at the ${p.kind} proxy "${p.label}": its worker threads cannot keep up and its queue keeps growing`,
        `the offered load exceeds what the mesh's proxies can process; give the proxy more workers in the mesh profile, add replicas, or lower the rate`,
      );
    }
    if (this.waiting[worst].length === 0) {
      // Nothing queues: the requests pile up on their way (a slow network, back-offs), not at a service or proxy.
      throw new SimulationAbort(
        `stopped at t=${this.engine.now.toFixed(1)}s with ${this.pool.inUse.toLocaleString('en-US')} calls in flight and none waiting in a queue: ` +
          `requests arrive faster than they complete, and pile up on their way`,
        `each request takes longer than the run can hold requests at this rate; check the network latencies and the payloads over the bandwidth, lower the rate, or give --duration instead of --requests`,
      );
    }
    const rep = this.model.replicas[worst];
    const svc = this.model.services[rep.service];
    throw new SimulationAbort(
      `stopped at t=${this.engine.now.toFixed(1)}s with ${this.waiting[worst].length.toLocaleString('en-US')} requests ` +
        `waiting at one replica of "${svc.name}": its queue is unbounded and keeps growing`,
      `the offered load exceeds what "${svc.name}" can serve; add replicas or workers, lower the rate, or set a queue limit (queue: 100) so excess requests are rejected`,
    );
  }

  /** Tasks waiting for one of the proxy's threads now. */
  private proxyQueue(p: number): number {
    return this.proxyDedicated[p] === 1 ? this.threads.waiting(p, this.engine.now) : this.proxyWaiting[p].length;
  }

  private token(): number {
    this.tokens = (this.tokens + 1) | 0;
    return this.tokens;
  }

  // ---- load ----------------------------------------------------------------

  private scheduleSource(at: number, handler: number, a: number, b: number): void {
    this.pendingSources++;
    this.engine.scheduleAt(at, handler, a, b);
  }

  private onArrival(entry: number): void {
    this.pendingSources--;
    const next = this.arrivals[entry].next(this.engine.now);
    if (next < this.offerUntil && this.withinClock(next)) this.scheduleSource(next, H_ARRIVAL, entry, 0);
    this.startRequest(entry, -1);
  }

  private startRequest(entryIndex: number, user: number): void {
    const now = this.engine.now;
    if (user >= 0) {
      this.pendingSources--;
      if (now >= this.offerUntil || !this.withinClock(now)) return this.maybeStop();
      this.noteUserStart(entryIndex, now);
    }
    const entry = this.model.entries[entryIndex];
    // The request is its entry point's call: one frame, no parent.
    const r = this.pool.alloc(FRAME_CALL, -1);
    this.checkFrames();
    const root = this.frames[r];
    root.entry = entryIndex;
    root.owner = -1;
    root.node = entry.node;
    root.start = now;
    root.user = user;
    root.invoke = -1;
    root.invokeGen = 0;
    root.clientRouter = this.proxyCount + this.replicaCount + entryIndex;
    root.measured = now >= this.warmup;
    const cps = entry.clientProxies;
    if (cps.length === 0) root.egress = -1;
    else {
      const i = this.entryProxyNext[entryIndex];
      this.entryProxyNext[entryIndex] = (i + 1) % cps.length;
      root.egress = cps[i];
    }
    this.roots++;
    this.entries[entryIndex].inSystem.add(now, 1);
    this.initCall(r, entry.target, entry.requestSize);
  }

  /** Closed-loop starts at the current instant; a request and a think time that take no time would loop here for ever. */
  private userStartsNow = 0;
  private userStartsAt = NaN;
  /** When a closed-loop user's request last failed, and why: a loop of instant failures is named as such. */
  private userFailedAt = NaN;
  private userFailedCause = -1;
  private userFailedService = -1;

  private noteUserStart(entryIndex: number, now: number): void {
    if (now !== this.userStartsAt) {
      this.userStartsAt = now;
      this.userStartsNow = 0;
    }
    // Every user may start at one instant (a constant think time), many times over; a million more is a loop.
    if (++this.userStartsNow > 1_000_000 + 100 * this.closedUsers) this.abortZeroTimeLoop(entryIndex);
  }

  private abortZeroTimeLoop(entryIndex: number): never {
    const name = this.model.entries[entryIndex].name;
    if (this.userFailedAt === this.engine.now) {
      // The requests take time when they succeed: it is their failing at once (a full queue, an abort) that loops.
      const svc = this.model.services[this.userFailedService]?.name ?? '?';
      throw new SimulationAbort(
        `stopped at t=${this.engine.now.toFixed(1)}s: the closed-loop users of "${name}" resend request after request at the same instant, ` +
          `because their requests fail at once (${CAUSES[this.userFailedCause]?.id ?? 'a failure'} at "${svc}") and their think time is 0, so the clock cannot move on`,
        `give "${name}" a thinkTime above 0 (a client pauses or backs off after an error), or the network a latency above 0`,
        'zero-time-loop',
      );
    }
    throw new SimulationAbort(
      `stopped at t=${this.engine.now.toFixed(1)}s: the closed-loop users of "${name}" start request after request at the same instant, ` +
        `because their requests and their think time take no simulated time, so the clock cannot move on`,
      `give "${name}" a thinkTime above 0, or its services a serviceTime above 0`,
      'zero-time-loop',
    );
  }

  private finishRequest(r: number): void {
    const root = this.frames[r];
    const now = this.engine.now;
    const c = this.entries[root.entry];
    c.inSystem.add(now, -1);
    if (this.inWindow()) c.completedInWindow++;
    this.roots--;
    this.lastCompletion = now;
    const latency = now - root.start;
    this.series.record(now, latency, root.failed, root.meshCaused);
    if (root.measured) {
      if (root.failed) {
        c.failed++;
        const key = failureKey(root.cause, root.flag, root.meshCaused, root.causeService, this.model.services.length);
        c.failures.set(key, (c.failures.get(key) ?? 0) + 1);
        if (root.causeReplica >= 0) c.failuresByReplica.set(root.causeReplica, (c.failuresByReplica.get(root.causeReplica) ?? 0) + 1);
      } else {
        c.latency.record(latency, this.batch());
        addComponents(c.decomposition, root.comp);
        c.composition.record(latency, root.comp);
      }
      this.measuredDone++;
      if (this.measuredDone >= this.stopAfter) this.engine.stop();
    }
    const user = root.user;
    const entryIndex = root.entry;
    if (user >= 0 && root.failed) {
      this.userFailedAt = now;
      this.userFailedCause = root.cause;
      this.userFailedService = root.causeService;
    }
    this.pool.release(r);
    if (user >= 0) {
      const entry = this.model.entries[entryIndex];
      const think = entry.thinkTime as NonNullable<typeof entry.thinkTime>;
      this.scheduleSource(now + think(this.arrivals[entryIndex].rng), H_THINK_DONE, entryIndex, user);
    }
    // Counting requests there is no end of the load to wait for: once a schedule
    // has offered its last request (its rate stays 0) and none is in flight, the run is over.
    if (now >= this.offerUntil || !Number.isFinite(this.offerUntil)) this.maybeStop();
  }

  // ---- the hop -------------------------------------------------------------

  private networkDelay(fromNode: number, toNode: number, service: number, bytes: number): number {
    const m = this.model;
    if (fromNode === toNode) {
      return (this.sameNodeFree ? 0 : m.sameNode(this.networkRng[service])) + bytes * m.secondsPerByte;
    }
    const rng = this.networkRng[service];
    const latency = this.nodeZone[fromNode] === this.nodeZone[toNode] ? m.sameZone(rng) : m.crossZone(rng);
    return latency + bytes * m.secondsPerByte;
  }

  private checkFrames(): void {
    if (this.pool.inUse > this.peakFrames) {
      this.peakFrames = this.pool.inUse;
      if (this.peakFrames > this.maxFrames) this.abortOverloaded();
    }
  }

  /** Sets a call frame off on its hop to `service`. */
  private initCall(f: number, service: number, requestSize: number): void {
    const call = this.frames[f];
    const m = this.model;
    const svc = m.services[service];
    call.serial = ++this.callSerial;
    call.service = service;
    call.requestSize = requestSize;
    // The caller's side of the hop: its own sidecar or node proxy, or the gateway for entry traffic.
    call.cp = call.egress;
    // No L7 policy selects the callee: the call leaves its pod through the kernel (eBPF), not the node's Envoy.
    if (this.l7OnlyNodeProxies && !svc.l7 && call.cp >= 0 && this.isNodeProxy[call.cp] === 1) call.cp = -1;
    call.wp = -1;
    // Istio's ingress gateway is an Envoy that applies the route's policy
    // itself and sends straight to the pods, bypassing the waypoint unless
    // the service asks for it (istio.io/ingress-use-waypoint). A client
    // outside the mesh (no proxy of its own) has no ztunnel to send it to
    // the waypoint: it reaches the pod's node proxy in plaintext.
    const fromGateway = call.cp >= 0 && this.isGateway[call.cp] === 1;
    if (svc.l7 && m.waypoints.length > 0 && call.cp >= 0 && (!fromGateway || svc.ingressUseWaypoint)) {
      call.wp = m.waypoints[this.waypointNext];
      this.waypointNext = (this.waypointNext + 1) % m.waypoints.length;
    }
    // The router picks the endpoint and keeps the load-balancing and
    // outlier state: the waypoint when the call has one (shared by all
    // callers), else the caller's proxy, else its client library.
    call.router = call.wp >= 0 ? call.wp : call.cp >= 0 ? call.cp : call.clientRouter;
    call.pair = this.policy.slot(call.router, service);
    // In ambient mode L7 policy runs in a waypoint or the ingress gateway;
    // a call that only node proxies (ztunnel, L4) carry gets none of it. Nor
    // does a caller outside the mesh (an entry point via: direct): the
    // callee's inbound proxy does not retry (Istio applies a VirtualService's
    // retries in the client's sidecar).
    const unproxied = this.meshed && call.cp < 0 && call.wp < 0;
    const l4 = unproxied || (this.l4NodeProxies && call.wp < 0 && !(call.cp >= 0 && this.isGateway[call.cp] === 1));
    // A request from a client with no proxy of its own dials with its own connect timeout, not the mesh proxy's.
    const outside = unproxied && call.parent < 0 && m.entries[call.entry].clientProxies.length === 0;
    const pol = outside ? svc.outsideResilience : l4 ? svc.l4Resilience : svc.resilience;
    call.policy = pol;
    // A mesh policy's tries start where its proxy sends the request on:
    // the waypoint (its connection to the callee on), else the caller's proxy.
    const fromWaypoint = pol.placement === 'mesh' && call.wp >= 0;
    const meshPolicy = pol.placement === 'mesh' && call.cp >= 0;
    call.attemptStart = fromWaypoint ? P_CONNECT2 : meshPolicy ? P_CONNECT1 : P_PRE_NET;
    call.attemptEnd = fromWaypoint ? P_WP_RESP : meshPolicy ? P_CP_RESP : P_DONE;
    call.phases = this.phaseMask(call);
    // Without timeouts no try is ever abandoned while it runs, so the call
    // can run its tries itself, one after another, with no frame of their own.
    call.ownTries = !Number.isFinite(pol.timeout) && !(pol.retries && Number.isFinite(pol.retries.perTryTimeout));
    if (call.measured) {
      this.services[service].calls++;
      if (call.underRetry) this.services[service].retryCalls++;
    }
    const budget = pol.retries?.budget;
    if (budget) this.budgetFor(call.pair, budget).noteCall(this.engine.now);
    // The walk starts at the first phase the hop has: P_PRE_NET passes at once without a gateway.
    call.phase = 31 - Math.clz32(call.phases & -call.phases);
    this.advance(f);
  }

  /**
   * The phases a call's walk may stop at: those whose proxy exists here,
   * and where its tries start and end. Skipping the others changes nothing
   * but the walk's length (each of them checks for its proxy and passes).
   */
  private phaseMask(call: Frame): number {
    let mask = ALWAYS | (1 << call.attemptStart) | (1 << call.attemptEnd);
    const cp = call.cp;
    if (cp >= 0) {
      mask |= WITH_CLIENT_PROXY | (this.isGateway[cp] === 1 ? WITH_GATEWAY : WITH_SIDECAR_EGRESS);
      // The way back from a pod's own proxy is a same-node leg with no bytes: nothing when those are free.
      if (this.sameNodeFree && this.isGateway[cp] === 0) mask &= ~(1 << P_LOCAL_OUT_BACK);
      // The way there likewise, unless the proxy may be down when the app reaches for it (a failure that leg finds).
      if (this.sameNodeFree && this.isGateway[cp] === 0 && this.noProxyCrashes) mask &= ~(1 << P_LOCAL_OUT);
      if (this.model.mtls.enabled) mask |= 1 << P_CONNECT1;
    }
    if (call.wp >= 0) mask |= WITH_WAYPOINT;
    if (this.serverProxies) mask |= WITH_SERVER_PROXY & ~(this.sameNodeFree ? (1 << P_LOCAL_IN) | (1 << P_LOCAL_IN_BACK) : 0);
    return mask;
  }

  private budgetFor(pair: number, b: { ratio: number; minPerSecond: number; window: number }): RetryBudget {
    let budget = this.policy.budgets.get(pair);
    if (!budget) {
      budget = new RetryBudget(b.ratio, b.minPerSecond, b.window);
      this.policy.budgets.set(pair, budget);
    }
    return budget;
  }

  /**
   * A call's or a try's timeout. Most calls end first, and their timer stays
   * queued until its time, ignored (its token is gone): at a high rate with a
   * long timeout (Cilium's 1 h) those were millions of events held in memory
   * — it grew with the requests of the last hour, not those in flight. When
   * the queue has doubled since it was last swept, the timers nobody waits
   * for are dropped (their handlers would do nothing: the same check).
   */
  private scheduleTimer(delay: number, handler: number, f: number, token: number): void {
    this.engine.schedule(delay, handler, f, token);
    if (this.engine.pending > this.sweepTimersAt) {
      this.engine.compact(this.liveEvent);
      this.sweepTimersAt = Math.max(MIN_TIMER_SWEEP, 2 * this.engine.pending);
    }
  }

  private sweepTimersAt = MIN_TIMER_SWEEP;

  /** False for a timer its handler would ignore (onCallTimeout, onTryTimeout): its call ended or moved on. */
  private readonly liveEvent = (handler: number, f: number, token: number): boolean => {
    if (handler === H_CALL_TIMEOUT) {
      const call = this.frames[f];
      return call.kind === FRAME_CALL && call.timeoutToken === token && token !== 0;
    }
    if (handler === H_TRY_TIMEOUT) {
      const call = this.frames[f];
      return call.kind === FRAME_CALL && call.tryToken === token && token !== 0;
    }
    return true;
  };

  /**
   * An outlier ejection on the timeline. A replica that keeps failing under
   * short ejections is ejected again and again for as long as the run lasts
   * (by every router that sees it fail): past the first MAX_EJECTION_MARKERS
   * they are counted, not kept, so memory does not grow with the run (623 MB
   * at 5M requests in a review's worst case) and the results say so.
   */
  private markEjection(m: Marker): void {
    if (this.ejectionMarkers >= MAX_EJECTION_MARKERS) {
      this.unmarkedEjections++;
      return;
    }
    this.ejectionMarkers++;
    this.markers.push(m);
  }

  private ejectionMarkers = 0;
  private unmarkedEjections = 0;

  /** Starts the call's next try: circuit breaking, endpoint choice, per-try timeout. */
  private startAttempt(f: number): void {
    const call = this.frames[f];
    const m = this.model;
    const pol = call.policy;
    const now = this.engine.now;
    if (call.attempts === 0 && Number.isFinite(pol.timeout)) {
      call.timeoutToken = this.token();
      this.scheduleTimer(pol.timeout, H_CALL_TIMEOUT, f, call.timeoutToken);
      if (m.services[call.service].topologyTimeout) {
        // What the call spent before its deadline started counting (see plainTimeoutIsMesh).
        this.blameMesh = 0;
        this.blameApp = 0;
        this.addSides(call.comp);
        call.preMesh = this.blameMesh;
        call.preApp = this.blameApp;
      }
    }
    let a = f;
    let att = call;
    if (call.ownTries) {
      call.inTry = true;
      call.replica = -1;
      call.sp = -1;
      call.responseSize = 0;
    } else {
      a = this.pool.alloc(FRAME_ATTEMPT, f);
      this.checkFrames();
      att = this.frames[a];
      att.service = call.service;
      att.requestSize = call.requestSize;
      att.cp = call.cp;
      att.wp = call.wp;
      att.router = call.router;
      att.pair = call.pair;
      att.policy = call.policy;
      att.attemptEnd = call.attemptEnd;
      att.phases = call.phases;
      att.start = now;
      call.current = a;
      call.currentGen = att.gen;
    }
    att.isRetry = call.attempts > 0;
    call.attempts++;
    call.tryStart = now;
    const retries = pol.retries;
    if (retries && Number.isFinite(retries.perTryTimeout)) {
      call.tryToken = this.token();
      this.scheduleTimer(retries.perTryTimeout, H_TRY_TIMEOUT, f, call.tryToken);
    }
    att.phase = call.attemptStart;
    const key = call.pair;
    const cb = pol.circuitBreaker;
    if (cb) {
      // Envoy's circuit breaker for the service's cluster at this router:
      // too many requests in flight fails at once; with every connection
      // busy a request waits for one, unless too many already wait.
      const active = this.policy.active[key];
      const overflow = active >= cb.maxRequests
        || (active >= cb.maxConnections * m.mtls.streamsPerConnection && this.policy.pendingCount(key) >= cb.maxPending);
      if (overflow) {
        att.countersReleased = true;
        return this.failAttempt(a, CAUSE_CIRCUIT_OPEN, call.service, -1, att.attemptEnd);
      }
      if (active >= cb.maxConnections * m.mtls.streamsPerConnection) {
        att.countersReleased = true; // counted when it leaves the queue
        att.waitStart = now;
        att.pend = PEND_SINCE + PROXY_QUEUE;
        att.pendAt = now;
        this.policy.enqueuePending(key, a, att.gen);
        return;
      }
    }
    this.dispatchAttempt(a);
  }

  /** The try is on its way: counted in flight (`counted`: from when it was handed its room), an endpoint picked, the hop walked. */
  private dispatchAttempt(a: number, counted = false): void {
    const att = this.frames[a];
    const call = att.kind === FRAME_CALL ? att : this.frames[att.parent];
    const m = this.model;
    const svc = m.services[att.service];
    const key = att.pair;
    att.countersReleased = false;
    if (!counted) this.policy.active[key]++;
    const rep = this.balancer.pick(svc, att.policy, att.router, att.pair, call.tried, call.triedCount, this.engine.now);
    if (rep < 0) {
      // The queue is a proxy's: a client library (no mesh, or a client outside it) fails at once.
      if (att.policy.failFastAfter > 0 && att.router < this.proxyCount && this.holdForEndpoint(a, rep)) return;
      const cause = this.noEndpointCause(att, rep);
      // A local reply whatever its cause (UH): no request went upstream.
      this.fail(att, cause, att.service, -1, FLAG_UH, this.meshCaused(cause, att));
      att.phase = att.attemptEnd;
      return this.advance(a);
    }
    if (att.policy.failFastAfter > 0) this.failFast.recovered(key);
    att.replica = rep;
    this.balancer.started(att.router, svc, rep);
    call.tried[call.triedCount++] = rep;
    att.sp = this.l7OnlyNodeProxies && !svc.l7 ? -1 : this.serverProxyOf[rep];
    // The phase a try starts at is often nothing to it (no gateway to reach, no mTLS connection to
    // open), there only to start the try on: the walk goes on from the next.
    const start = call.attemptStart;
    if (att.phase === start && (start === P_PRE_NET ? !(att.cp >= 0 && this.isGateway[att.cp] === 1) : !m.mtls.enabled)) {
      att.phase = nextPhase(att.phases, start);
    }
    this.advance(a);
  }

  /** Why a try found no endpoint to send to, from what the balancer's pick returned. */
  private noEndpointCause(att: Frame, code: number): number {
    if (code === ALL_SHUT) return CAUSE_ALL_ENDPOINTS_SHUT;
    if (code === ALL_EJECTED) return CAUSE_ALL_ENDPOINTS_EJECTED;
    // No endpoint listed, or none of those listed taking connections (NONE_READY): the router's view, or the service.
    const truth = this.endpoints.truth(att.service);
    if (truth.length === 0) return this.unreadyForItsSidecar(att.service) ? CAUSE_INBOUND_PROXY_DOWN : CAUSE_NO_ENDPOINTS;
    // The router's view is to blame (stale) only when the service lists a pod that would take its connection.
    // Under pickFrom: connectable none may: every listed pod's sidecar (or node proxy) is down, before its
    // readiness probe takes it out, and the proxy, which knows it from its refused connects, is right to
    // send nowhere. Then the cause is why they refuse, as Envoy's refused tries say it (UH all the same).
    let proxyDown = false;
    for (const r of truth) {
      if (this.takesConnections(r)) return CAUSE_NO_HEALTHY_UPSTREAM;
      if (this.podUp[r] === 1) proxyDown = true;
    }
    return proxyDown ? CAUSE_INBOUND_PROXY_DOWN : CAUSE_REPLICA_DOWN;
  }

  /**
   * Whether a pod of the service that should serve (its app up) is out of
   * the endpoints because its sidecar is down: readiness probes through the
   * sidecar took it out, so a service with no endpoint left is the mesh's
   * doing, not the application's (no-endpoints).
   */
  private unreadyForItsSidecar(service: number): boolean {
    for (const r of this.model.services[service].replicas) {
      const sc = this.model.replicas[r].sidecar;
      if (this.wanted[r] && this.podUp[r] && this.appUp[r] && sc >= 0 && this.faults.proxyDown[sc] === 1) return true;
    }
    return false;
  }

  /**
   * Holds a try its router found no endpoint for, in the router's fail-fast
   * queue for the service (see FailFastQueues), and starts the queue's
   * timer when it was not stuck; false when the pair is in fail-fast (the
   * try fails at once). Held, it counts as no request in flight for the
   * circuit breaker, as one waiting for a connection does.
   */
  private holdForEndpoint(a: number, code: number): boolean {
    const att = this.frames[a];
    const key = att.pair;
    const held = this.failFast.state(key);
    if (held.failing) return false;
    const now = this.engine.now;
    this.policy.active[key]--;
    att.countersReleased = true;
    att.waitStart = now;
    att.pend = PEND_SINCE + PROXY_QUEUE;
    att.pendAt = now;
    const token = this.token();
    if (this.failFast.hold(key, a, att.gen, code, token)) this.engine.schedule(att.policy.failFastAfter, H_FAIL_FAST, key, token);
    // The room it gave up is the next waiter's for a connection (one held this way leaves none to hand on when a
    // timeout cuts it or fail-fast fails it): kept from it, a waiter queued before the endpoint went stayed blocked
    // while the tries after it were held, until some try in flight ended.
    this.handRoomOn(key);
    if (code === ALL_SHUT) {
      // Failure accrual shut every endpoint: look again when the first spell ends (its probe may go then).
      const at = this.balancer.nextReopen(att.router, this.model.services[att.service], now);
      if (Number.isFinite(at) && !(held.wakeAt > now && held.wakeAt <= at)) {
        held.wakeAt = at;
        this.engine.scheduleAt(at, H_FAIL_FAST_WAKE, key, 0);
      }
    }
    return true;
  }

  /** Something an endpoint's readiness depends on changed (a pod, a proxy, a push, a breaker): held tries look again, once this instant. */
  private endpointsMayHaveChanged(): void {
    if (!this.failFast.anyStuck || this.failFast.wakeDue) return;
    this.failFast.wakeDue = true;
    this.engine.schedule(0, H_FAIL_FAST_WAKE, -1, 0);
  }

  /** Held tries of `pair` (-1: of every stuck pair) try for an endpoint again, in the order they came. */
  private onFailFastWake(pair: number): void {
    if (pair >= 0) return this.releaseHeld(pair);
    this.failFast.wakeDue = false;
    for (const p of this.failFast.stuck()) this.releaseHeld(p);
  }

  private releaseHeld(pair: number): void {
    const items = this.failFast.take(pair);
    for (let i = 0; i < items.length; i += 2) {
      // Found none again, it is held again, behind those before it.
      if (this.endHold(items[i], items[i + 1])) this.admitHeld(items[i]);
    }
    this.failFast.unstick(pair);
  }

  /**
   * A try released from the queue for an endpoint takes a request's room
   * under the circuit breaker again, which it gave up when it was held:
   * with none left it waits for a connection like any other try (admitted
   * before, it does not overflow). Sent on regardless, every try held
   * through an outage went out at once, past maxConnections.
   */
  private admitHeld(a: number): void {
    const att = this.frames[a];
    const cb = att.policy.circuitBreaker;
    if (cb) {
      const active = this.policy.active[att.pair];
      if (active >= cb.maxRequests || active >= cb.maxConnections * this.model.mtls.streamsPerConnection) {
        const now = this.engine.now;
        att.waitStart = now;
        att.pend = PEND_SINCE + PROXY_QUEUE;
        att.pendAt = now;
        this.policy.enqueuePending(att.pair, a, att.gen);
        return;
      }
    }
    this.dispatchAttempt(a);
  }

  /** A held try leaves the queue: its wait so far is the proxy's queue's. False when nobody waits for it any more. */
  private endHold(a: number, gen: number): boolean {
    const att = this.frames[a];
    if (att.gen !== gen || att.detached) return false;
    att.comp[PROXY_QUEUE] += this.engine.now - att.waitStart;
    att.pend = PEND_NONE;
    return true;
  }

  /** A queue stuck for failFastAfter: the pair goes into fail-fast, and the tries it held fail (504). */
  private onFailFast(pair: number, token: number): void {
    const items = this.failFast.expire(pair, token);
    if (items === null) return;
    const code = this.failFast.state(pair).lastCode;
    for (let i = 0; i < items.length; i += 2) {
      const a = items[i];
      if (!this.endHold(a, items[i + 1])) continue;
      const att = this.frames[a];
      const cause = this.noEndpointCause(att, code);
      this.fail(att, cause, att.service, -1, FLAG_UH, this.meshCaused(cause, att));
      // Linkerd answers the requests its queue held with a 504, those it refuses in fail-fast with a 503.
      att.status = 504;
      att.phase = att.attemptEnd;
      this.advance(a);
    }
  }

  /** A try waiting for a connection gets one (the one a finished try left). */
  private onDispatchPending(a: number, gen: number): void {
    const att = this.frames[a];
    if (att.gen !== gen || att.detached) return;
    att.comp[PROXY_QUEUE] += this.engine.now - att.waitStart;
    att.pend = PEND_NONE;
    this.dispatchAttempt(a, true);
  }

  /** An event resumed a frame (network leg done, connection ready). */
  private onAdvance(f: number, gen: number): void {
    const frame = this.frames[f];
    if (frame.gen !== gen) return;
    this.resume(f);
  }

  /** Moves a frame on from the phase it finished to the next one its hop has, and walks on. */
  private resume(f: number): void {
    const frame = this.frames[f];
    frame.phase = nextPhase(frame.phases, frame.phase);
    this.advance(f);
  }

  /**
   * Delays the frame by `d` (attributed to `component`), then moves it to its
   * next phase; false when there is nothing to wait for, so the caller goes
   * straight on without an event.
   */
  private wait(f: number, d: number, component: number): boolean {
    if (d <= 0) return false;
    const frame = this.frames[f];
    frame.comp[component] += d;
    frame.pend = component;
    frame.pendAt = this.engine.now + d;
    this.engine.schedule(d, H_ADVANCE, f, frame.gen);
    return true;
  }

  /** Marks a try (or a call, for its own phases) failed where it began and sends it on to `resume`. */
  private failAttempt(f: number, cause: number, service: number, replica: number, resume: number): void {
    const frame = this.frames[f];
    this.fail(frame, cause, service, replica, flagIndex(CAUSES[cause].flag), this.meshCaused(cause, frame));
    frame.phase = resume;
    this.advance(f);
  }

  private meshCaused(cause: number, frame: Frame): boolean {
    const m = CAUSES[cause].mesh;
    // A stale view is the mesh's when a mesh proxy picked the endpoint; a client outside the mesh has Kubernetes' own.
    // Under nodeProxyTraffic: l7 a pod's own router (the kernel's path) has the mesh's view too (see the pushes' routers).
    if (m === 'mode') {
      return this.model.mesh.mode !== 'none' && frame.router >= 0
        && (frame.router < this.proxyCount || (this.l7OnlyNodeProxies && frame.router < this.proxyCount + this.replicaCount));
    }
    if (m === 'placement') return frame.policy.placement === 'mesh' && frame.cp >= 0;
    return m;
  }

  /** Walks a frame's phases until one has to wait; phases without their proxy are skipped. */
  private advance(f: number): void {
    const m = this.model;
    const c = this.frames[f];
    for (;;) {
      if (c.phase === c.attemptStart && c.kind === FRAME_CALL && !c.inTry) return this.startAttempt(f);
      if (c.phase === c.attemptEnd && (c.kind === FRAME_ATTEMPT || c.inTry)) return this.attemptDone(f);
      const cp = c.cp, wp = c.wp, sp = c.sp;
      switch (c.phase) {
        case P_PRE_NET:
          if (cp >= 0 && this.isGateway[cp] === 1) {
            const cut = this.cutOff(f, c, c.node, this.proxyNode[cp], false, P_DONE);
            if (cut === CUT_WAITING) return;
            if (this.wait(f, this.networkDelay(c.node, this.proxyNode[cp], c.service, c.requestSize), NETWORK)) return;
          }
          break;
        case P_LOCAL_OUT:
          if (cp >= 0 && this.isGateway[cp] === 0) {
            if (this.faults.proxyDown[cp]) {
              // The app cannot reach its own proxy: it fails at once.
              this.fail(c, CAUSE_OUTBOUND_PROXY_DOWN, c.service, -1, flagIndex('UF'), true);
              c.phase = c.kind === FRAME_ATTEMPT || c.inTry ? c.attemptEnd : P_DONE;
              continue;
            }
            if (this.wait(f, this.networkDelay(c.node, this.proxyNode[cp], c.service, 0), NETWORK)) return;
          }
          break;
        case P_CP_REQ:
          if (cp >= 0 && this.proxyRequest(f, cp, c.requestSize)) return;
          break;
        case P_CONNECT1: {
          const next = wp >= 0 ? wp : sp;
          // A try already given up on (its request reset while in this proxy) takes no stream: see resetStreams.
          if (m.mtls.enabled && cp >= 0 && next >= 0 && !c.detached) {
            if (this.connect(f, cp, next, 1)) return;
            if (c.phase !== P_CONNECT1) continue;
          }
          break;
        }
        case P_NET1: {
          const from = cp >= 0 ? this.proxyNode[cp] : c.node;
          const to = wp >= 0 ? this.proxyNode[wp] : this.replicaNode[c.replica];
          // Through a waypoint the replica is reached (or not) on the waypoint's leg, P_NET2.
          const cut = this.cutOff(f, c, from, to, wp < 0, P_NET1_BACK);
          if (cut === CUT_WAITING) return;
          if (cut === CUT_FAILED) continue;
          if (wp < 0 && this.tunnelled) this.tunnelHop(c, c.requestSize);
          if (this.wait(f, this.networkDelay(from, to, c.service, c.requestSize), NETWORK)) return;
          break;
        }
        case P_WP_REQ:
          if (wp >= 0 && this.proxyRequest(f, wp, c.requestSize)) return;
          break;
        case P_CONNECT2:
          if (wp >= 0 && m.mtls.enabled && sp >= 0 && !c.detached) {
            if (this.connect(f, wp, sp, 2)) return;
            if (c.phase !== P_CONNECT2) continue;
          }
          break;
        case P_NET2:
          if (wp >= 0) {
            // A partition between the caller's and the replica's zones (or services) cuts this path too.
            const cut = this.cutOff(f, c, this.proxyNode[wp], this.replicaNode[c.replica], true, P_NET2_BACK);
            if (cut === CUT_WAITING) return;
            if (cut === CUT_FAILED) continue;
            if (this.wait(f, this.networkDelay(this.proxyNode[wp], this.replicaNode[c.replica], c.service, c.requestSize), NETWORK)) return;
          }
          break;
        case P_SP_REQ:
          if (sp >= 0) {
            if (this.faults.proxyDown[sp]) {
              this.fail(c, CAUSE_INBOUND_PROXY_DOWN, c.service, c.replica, flagIndex('UF'), true);
              c.phase = wp >= 0 ? P_NET2_BACK : P_NET1_BACK;
              continue;
            }
            if (!this.podUp[c.replica]) {
              this.refused(c);
              c.phase = wp >= 0 ? P_NET2_BACK : P_NET1_BACK;
              continue;
            }
            if (this.proxyRequest(f, sp, c.requestSize)) return;
          }
          break;
        case P_LOCAL_IN:
          if (sp >= 0) {
            if (this.wait(f, this.networkDelay(this.proxyNode[sp], this.replicaNode[c.replica], c.service, 0), NETWORK)) return;
          }
          break;
        case P_APP:
          if (sp >= 0 && this.faults.proxyDown[sp]) {
            // It passed the callee's proxy before the proxy crashed: the connection is gone.
            this.fail(c, CAUSE_PROXY_RESET, c.service, c.replica, flagIndex('UC'), true);
            c.responseSize = 0;
            c.phase = wp >= 0 ? P_NET2_BACK : P_NET1_BACK;
            continue;
          }
          if (!this.podUp[c.replica] || !this.appUp[c.replica]) {
            this.refused(c);
            // The pod's sidecar took the connection and answers 503 for its app: a response to the caller's router.
            if (this.podUp[c.replica] && this.behindLiveSidecar(c)) c.answered = true;
            c.phase = sp >= 0 ? P_LOCAL_IN_BACK : wp >= 0 ? P_NET2_BACK : P_NET1_BACK;
            continue;
          }
          return this.arriveAtReplica(f);
        case P_LOCAL_IN_BACK:
          if (sp >= 0) {
            if (this.wait(f, this.networkDelay(this.replicaNode[c.replica], this.proxyNode[sp], c.service, 0), NETWORK)) return;
          }
          break;
        case P_SP_RESP:
          if (sp >= 0 && this.faults.proxyDown[sp]) {
            // The response reaches a proxy that crashed after the request went through it.
            if (!c.failed) this.fail(c, CAUSE_PROXY_RESET, c.service, c.replica, flagIndex('UC'), true);
            c.responseSize = 0;
            break;
          }
          if (sp >= 0 && this.proxyResponse(f, sp)) return;
          break;
        case P_NET2_BACK:
          if (wp >= 0) {
            if (this.wait(f, this.networkDelay(this.replicaNode[c.replica], this.proxyNode[wp], c.service, c.responseSize), NETWORK)) return;
          }
          break;
        case P_WP_RESP:
          if (c.conn2) {
            this.conns.release(c.conn2, this.engine.now);
            c.conn2 = null;
          }
          if (wp >= 0 && this.proxyResponse(f, wp)) return;
          break;
        case P_NET1_BACK: {
          // A try that never reached a replica has no way back to walk; through a waypoint, the call does.
          if (c.replica < 0 && wp < 0) break;
          const from = wp >= 0 ? this.proxyNode[wp] : this.replicaNode[c.replica];
          const to = cp >= 0 ? this.proxyNode[cp] : c.node;
          if (wp < 0 && this.tunnelled) this.tunnelHop(c, c.responseSize);
          if (this.wait(f, this.networkDelay(from, to, c.service, c.responseSize), NETWORK)) return;
          break;
        }
        case P_CP_RESP:
          if (c.conn1) {
            this.conns.release(c.conn1, this.engine.now);
            c.conn1 = null;
          }
          if (cp >= 0 && this.proxyResponse(f, cp)) return;
          break;
        case P_LOCAL_OUT_BACK:
          if (cp >= 0 && this.isGateway[cp] === 0) {
            if (this.wait(f, this.networkDelay(this.proxyNode[cp], c.node, c.service, 0), NETWORK)) return;
          }
          break;
        case P_POST_NET:
          if (cp >= 0 && this.isGateway[cp] === 1) {
            if (this.wait(f, this.networkDelay(this.proxyNode[cp], c.node, c.service, c.responseSize), NETWORK)) return;
          }
          break;
        case P_DONE:
          this.childDone(f);
          return;
        default:
          return modelBug('frame in unknown phase', c.phase);
      }
      c.phase = nextPhase(c.phases, c.phase);
    }
  }

  /**
   * Where a call goes on when a leg's connection timed out across a
   * partition: a try ends there (it may be retried). A leg outside the
   * tries — to the gateway, or to a waypoint that runs them — fails the
   * call: back through the caller's proxy, or at once with none to reach.
   */
  private afterCut(c: Frame): number {
    if (c.kind === FRAME_ATTEMPT || c.inTry) return c.attemptEnd;
    return c.phase === P_PRE_NET || c.cp < 0 ? P_DONE : P_CP_RESP;
  }

  /**
   * A network leg from node `from` to node `to`: across a partition of their
   * zones packets go nowhere, and TCP resends them (CUT_WAITING, an event
   * looks again). On a pooled connection the request waits until the
   * partition heals, or a timeout gives up on it, or TCP resets the
   * connection; a new connection's SYN gets through if the partition heals
   * before `connectTimeout`, else the attempt fails then. A leg that
   * reaches the replica (`toReplica`) is also cut by a partition between
   * the caller's service and the replica's, and may meet an injected
   * connect failure, which fails at once and turns back at `back`
   * (CUT_FAILED, as is a healed leg sent back to open its connection).
   * CUT_NONE: the leg is clear.
   */
  private cutOff(f: number, c: Frame, from: number, to: number, toReplica: boolean, back: number): number {
    if (this.faults.cut(this.nodeZone[from], this.nodeZone[to], c.owner, toReplica ? c.replica : -1)) {
      this.stallOrGiveUp(f, c);
      return CUT_WAITING;
    }
    if (c.stall !== 0 && this.healed(c, back)) return CUT_FAILED;
    if (!toReplica) return CUT_NONE;
    const pFail = this.faults.connectFailure[c.replica];
    if (pFail > 0 && this.faultRng() < pFail) {
      this.fail(c, CAUSE_CONNECT_FAILURE, c.service, c.replica, flagIndex('UF'), false);
      c.phase = back;
      return CUT_FAILED;
    }
    return CUT_NONE;
  }

  /** A leg a partition drops: the first or next resend, or the end of the attempt when TCP or the connect timeout gives up. */
  private stallOrGiveUp(f: number, c: Frame): void {
    const start = c.stall === 0;
    const now = this.engine.now;
    if (start) {
      this.stallSeq = this.stallSeq === 0x7fffffff ? 1 : this.stallSeq + 1;
      c.stall = this.stallSeq;
      c.stallStart = now;
      c.stallSince = now;
      c.stallTries = 0;
      // Established: the leg rides a pooled connection (a stream on it); else it opens one, whose SYN is what is lost.
      c.stallPooled = (c.phase === P_NET1 && c.conn1 !== null) || (c.phase === P_NET2 && c.conn2 !== null);
      const conn = this.stallConn(c);
      if (conn !== null) {
        // The retransmission timer is the connection's: a stream sent on one
        // already resending joins its episode (its schedule and its reset).
        if (conn.stalled++ === 0) conn.lostSince = now;
        c.stallStart = conn.lostSince;
        while (c.stallTries < DATA_RESENDS.length && c.stallStart + DATA_RESENDS[c.stallTries] <= now) c.stallTries++;
      }
    }
    const resends = c.stallPooled ? DATA_RESENDS : SYN_RESENDS;
    const giveUp = c.stallPooled ? DATA_GIVE_UP : Math.min(SYN_GIVE_UP, c.policy.connectTimeout);
    if (start) this.engine.scheduleAt(Math.max(now, c.stallStart + giveUp), H_PARTITION_FAIL, f, c.stall);
    const k = c.stallTries++;
    if (k < resends.length && resends[k] < giveUp) this.engine.scheduleAt(c.stallStart + resends[k], H_RETRANSMIT, f, c.stall);
  }

  /** The pooled connection a stalled leg's stream rides (null for a lost SYN). */
  private stallConn(c: Frame): Connection | null {
    if (!c.stallPooled) return null;
    return c.phase === P_NET2 ? c.conn2 : c.conn1;
  }

  /** The stall is over (through, failed or dropped): its connection holds one stream fewer in its episode. Returns that connection. */
  private endStall(c: Frame): Connection | null {
    const conn = this.stallConn(c);
    if (conn !== null) conn.stalled--;
    c.stall = 0;
    return conn;
  }

  /**
   * A detached try stalled across a partition: nobody waits for it, and its
   * stream was reset when it was abandoned (as Envoy resets a timed-out
   * upstream request), so it ends with no failure of its own; the timeout
   * that cut it was counted already.
   */
  private dropDetachedStall(a: number): void {
    const att = this.frames[a];
    this.endStall(att);
    att.phase = att.attemptEnd;
    this.advance(a);
  }

  /**
   * A resend got through: the stall ends, counted as network time. A leg
   * that had no connection yet goes back to open one, now that the peer is
   * reachable (true); else it goes on as sent (false). A stream whose
   * pooled connection was torn down during the stall fails (reset), and
   * turns back at `back` (true).
   */
  private healed(c: Frame, back: number): boolean {
    c.comp[NETWORK] += this.engine.now - c.stallSince;
    const conn = this.endStall(c);
    // (A stream to a pod that stopped meanwhile goes on, to be refused there, as any leg to a pod gone.)
    if (conn !== null && conn.closed && !(conn.to === c.sp && c.replica >= 0 && !this.podUp[c.replica])) {
      // Its connection was torn down meanwhile (a proxy at either end crashed): the resend meets a reset.
      this.fail(c, CAUSE_PROXY_RESET, c.service, c.replica, flagIndex('UC'), true);
      c.responseSize = 0;
      c.phase = back;
      return true;
    }
    if (!c.stallPooled && this.model.mtls.enabled) {
      if (c.phase === P_NET1 && c.cp >= 0 && (c.wp >= 0 || c.sp >= 0)) {
        c.phase = P_CONNECT1;
        return true;
      }
      if (c.phase === P_NET2 && c.wp >= 0 && c.sp >= 0) {
        c.phase = P_CONNECT2;
        return true;
      }
    }
    return false;
  }

  /** Connection refused by a pod that is gone or down: whose fault depends on whether its endpoint should still be listed. */
  private refused(c: Frame): void {
    const listed = this.endpoints.lists(c.service, c.replica);
    const cause = listed ? CAUSE_REPLICA_DOWN : CAUSE_STALE_ENDPOINT;
    this.fail(c, cause, c.service, c.replica, flagIndex('UF'), this.meshCaused(cause, c));
    c.responseSize = 0;
  }

  // ---- tries, retries, timeouts --------------------------------------------

  private releaseAttemptCounters(att: Frame): void {
    if (att.countersReleased) return;
    att.countersReleased = true;
    const key = att.pair;
    this.policy.active[key]--;
    if (att.replica >= 0) this.balancer.ended(att.router, this.model.services[att.service], att.replica);
    this.handRoomOn(key);
  }

  /**
   * A connection's worth of room under `key`'s circuit breaker: the
   * longest-waiting live try takes it, counted in flight from now, not from
   * its dispatch. That event comes after every other one due this instant,
   * and a try starting in between (the caller's next call to the service,
   * made as the last returned) found the room free and took it as well: one
   * over maxConnections or maxRequests, for good, since while tries wait
   * each one ending hands its room on whatever the count.
   */
  private handRoomOn(key: number): void {
    if (this.policy.pendingTotal === 0) return;
    const next = this.policy.dequeuePending(key, (f, gen) => this.frames[f].gen === gen && !this.frames[f].detached);
    if (next < 0) return;
    this.policy.active[key]++;
    this.engine.schedule(0, H_DISPATCH_PENDING, next, this.frames[next].gen);
  }

  /** A try handed a connection's room (see handRoomOn) is cut before its dispatch: the room goes to the next in line. */
  private passHandedRoom(key: number): void {
    this.policy.active[key]--;
    this.handRoomOn(key);
  }

  /** A try came back (success or failure) to the call. */
  private attemptDone(a: number): void {
    const att = this.frames[a];
    this.releaseAttemptCounters(att);
    // The try's streams end here (with a mesh policy the try ends before the client proxy's response phase).
    // A try from a waypoint holds only the waypoint's stream: the caller's to the waypoint is the call's.
    const now = this.engine.now;
    if (att.conn1 && (att.kind === FRAME_ATTEMPT || att.attemptStart <= P_CONNECT1)) {
      this.conns.release(att.conn1, now);
      att.conn1 = null;
    }
    if (att.conn2) this.conns.release(att.conn2, now);
    att.conn2 = null;
    // Counted at the hop where the failure began: one passed up from a deeper call was counted there.
    // A detached try was counted when it was cut (a timeout's UT, a crash's reset): what it meets
    // after (an abort, a crash, a refusal at its callee) ends it for nobody, so it is not counted again.
    // Its frame stays measured, so the callee still counts it among its own arrivals and failures.
    if (att.failed && att.measured && att.failedHere && !att.detached) this.countAttemptFailure(att);
    if (att.kind === FRAME_CALL) {
      // The call ran this try itself (see ownTries): its parts and failure are already the call's.
      att.inTry = false;
      this.balancer.noteOutcome(att, this.engine.now);
      if (!att.failed) return this.finishAttempts(a);
      return this.afterFailedTry(a, att.cause, att.status, !att.failedHere || att.answered);
    }
    if (att.detached) {
      this.pool.release(a);
      return;
    }
    this.balancer.noteOutcome(att, this.engine.now);
    const f = att.parent;
    const call = this.frames[f];
    call.tryToken = 0;
    call.current = -1;
    addComponents(call.comp, att.comp);
    // The response the try brought back crosses the call's remaining phases (the client proxy's response pass, the gateway leg).
    call.responseSize = att.responseSize;
    if (!att.failed) {
      this.pool.release(a);
      this.finishAttempts(f);
      return;
    }
    const cause = att.cause, status = att.status, passedUp = !att.failedHere || att.answered;
    this.copyFailure(call, att);
    this.pool.release(a);
    this.afterFailedTry(f, cause, status, passedUp);
  }

  private releaseRetrySlot(call: Frame): void {
    if (!call.retrySlot) return;
    call.retrySlot = false;
    this.policy.activeRetries[call.pair]--;
  }

  private countAttemptFailure(att: Frame): void {
    const key = failureKey(att.cause, att.flag, att.meshCaused, att.causeService >= 0 ? att.causeService : att.service, this.model.services.length);
    this.attemptFailures.set(key, (this.attemptFailures.get(key) ?? 0) + 1);
  }

  /**
   * Decides whether a failed try is retried: attempts left, a matching condition, the deadline, the budget, the retry breaker.
   * `passedUp`: the router saw the failure as an error response — one that began in a deeper call, or
   * at the callee's application behind its own sidecar, which answers for it — not as a connection failure or reset.
   */
  private afterFailedTry(f: number, cause: number, status: number, passedUp: boolean): void {
    const call = this.frames[f];
    const pol = call.policy.retries;
    const now = this.engine.now;
    // The retry before this try (if it was one) has its outcome: its slot is free.
    this.releaseRetrySlot(call);
    if (pol && call.attempts < pol.attempts && retryable(cause, status, pol.retryOn, 503, passedUp, FLAGS[call.flag])) {
      if (this.policy.activeRetries[call.pair] >= pol.maxConcurrentRetries) {
        call.flag = FLAG_UO;
        return this.finishAttempts(f);
      }
      if (pol.budget && !this.budgetFor(call.pair, pol.budget).tryRetry(now)) {
        // A retry the budget refuses is an overflow, as Envoy's retry budget (a circuit breaker) reports it.
        call.flag = FLAG_UO;
        return this.finishAttempts(f);
      }
      // Envoy takes the slot when it decides to retry and holds it through the back-off.
      this.policy.activeRetries[call.pair]++;
      call.retrySlot = true;
      call.retries++;
      if (call.measured) this.services[call.service].retries++;
      const cap = Math.min(pol.backoffMax, pol.backoffBase * 2 ** (call.retries - 1));
      const backoff = this.retryRng() * cap;
      call.comp[RETRY_BACKOFF] += backoff;
      call.backoffEnd = now + backoff;
      call.failed = false;
      call.backoffToken = this.token();
      this.engine.schedule(backoff, H_RETRY, f, call.backoffToken);
      return;
    }
    // Retries used up, unless the last try ended in a local reply (no healthy upstream), which keeps its UH.
    const localReply = !passedUp && call.flag === FLAG_UH;
    if (call.retries > 0 && call.flag !== FLAG_UO && !localReply) call.flag = FLAG_URX;
    this.finishAttempts(f);
  }

  /** No more tries: the call goes on with what the last one left (success or failure). */
  private finishAttempts(f: number): void {
    const call = this.frames[f];
    this.releaseRetrySlot(call);
    call.timeoutToken = 0;
    call.backoffToken = 0;
    call.phase = call.attemptEnd;
    this.advance(f);
  }

  /**
   * Adds the time a try in flight has spent to the call, so the call's parts
   * still add up to its latency when the try is abandoned. What the try
   * recorded is charged as it is; the time it has been in its current
   * phase and not yet recorded (a slow application, typically, for a
   * timeout) goes to that phase's component. A wait is recorded when it
   * starts, so when the records already exceed the time spent they are
   * scaled down to it instead.
   */
  private chargeAbandoned(call: Frame, att: Frame): void {
    const elapsed = this.engine.now - call.tryStart;
    // At its replica, what the try recorded is what it had when it got there: the invoke's time is the app's phase's.
    const comp = att.atApp ? att.tryComp : att.comp;
    let sum = 0;
    for (let k = 0; k < COMPONENT_COUNT; k++) sum += comp[k];
    if (sum >= elapsed && sum > 0) {
      for (let k = 0; k < COMPONENT_COUNT; k++) call.comp[k] += (comp[k] / sum) * elapsed;
      return;
    }
    addComponents(call.comp, comp);
    call.comp[PHASE_COMPONENT[att.phase]] += elapsed - sum;
  }

  /** Cuts the try in flight, if any: it runs on (or ends at once, when it never started), but nobody waits for it. */
  private abandonCurrent(call: Frame): void {
    if (call.current < 0) return;
    const att = this.frames[call.current];
    if (att.gen !== call.currentGen) return;
    // Envoy reports a try cut short by a timeout to outlier detection as a 504 from its host.
    if (att.replica >= 0 && !att.countersReleased) {
      this.balancer.noteOutcome({
        router: att.router, service: att.service, replica: att.replica, failed: true, status: 504,
        failedHere: true, causeReplica: att.replica, policy: att.policy,
      }, this.engine.now);
    }
    const waiting = att.countersReleased && att.replica < 0 && att.phase === call.attemptStart;
    // Its wait in a queue of the proxy's (the circuit breaker's, or for an endpoint) is the mesh's: counted
    // before it is charged, else the time it cut would go to its phase's component (mTLS, the network).
    if (waiting && att.pend === PEND_SINCE + PROXY_QUEUE) {
      att.comp[PROXY_QUEUE] += this.engine.now - att.waitStart;
      att.pend = PEND_NONE;
    }
    this.chargeAbandoned(call, att);
    // A try still waiting for the circuit breaker's connection (counters
    // released, no replica picked yet) never runs on: nothing would advance
    // it to attemptDone, which is where a detached try is released, so each
    // one was a frame lost for the rest of the run. Released here instead.
    // Still in the queue, it leaves it: a waiter nobody waits for counted
    // against maxPending and overflowed live tries. Already handed a
    // connection's room (its dispatch due this instant), the room goes to
    // the next in line rather than with it.
    if (waiting) {
      if (!this.policy.removePending(att.pair, call.current, att.gen) && !this.failFast.remove(att.pair, call.current, att.gen)) this.passHandedRoom(att.pair);
      this.pool.release(call.current);
      call.current = -1;
      return;
    }
    att.detached = true;
    this.resetStreams(att);
    // A try stalled across a partition ends now, not at its next resend (up to 120 s on): its stream is reset.
    if (att.stall !== 0) this.engine.schedule(0, H_RETRANSMIT, call.current, att.stall);
    this.releaseAttemptCounters(att);
    call.current = -1;
  }

  /**
   * A try given up on has its upstream request reset (Envoy's per-try and
   * route timeouts, Linkerd's, a client library's: RST_STREAM, or a closed
   * connection over HTTP/1.1), so it holds no stream from the cut on; kept
   * until the abandoned try's late answer came back, its stream would crowd
   * out live tries. On an HTTP/1.1 connection (one stream each) a reset
   * cannot end one request and keep the connection, so Envoy closes it (its
   * HTTP/1 pool's onResetStream): the connection leaves the pool, and a
   * later request opens a new one, paying a handshake or a resumption. Over
   * HTTP/2 the reset ends just that stream: the connection keeps its other
   * streams, and the freed one is there for the next try or call at once.
   * A request still waiting for its connection's handshake is a pending
   * request, cancelled: its place is given back and the connection, left
   * to finish its handshake, joins the pool. Node-scope tunnels
   * (WireGuard) carry no HTTP and are left alone.
   */
  private resetStreams(att: Frame): void {
    if (this.nodeScope) return;
    // A stream stalled across a partition leaves its connection's retransmission episode now
    // (dropDetachedStall ends the stall itself this instant, with no stream left to find).
    if (att.stall !== 0) {
      const stalled = this.stallConn(att);
      if (stalled !== null) stalled.stalled--;
      att.stallPooled = false;
    }
    if (att.conn1 !== null) {
      this.resetStream(att.conn1);
      att.conn1 = null;
    }
    if (att.conn2 !== null) {
      this.resetStream(att.conn2);
      att.conn2 = null;
    }
  }

  private resetStream(conn: Connection): void {
    const now = this.engine.now;
    if (conn.ready && this.model.mtls.streamsPerConnection === 1) this.conns.reset(conn, now);
    else this.conns.release(conn, now);
  }

  /**
   * The frame whose failure, known at this instant, made the call's try in
   * flight late, or -1 (none in flight, or nothing known: the callee is
   * only slow, or queueing). See knownLateCause.
   */
  private lateCauseOfCurrent(call: Frame): number {
    if (call.current < 0 || this.frames[call.current].gen !== call.currentGen) return -1;
    return this.knownLateCause(call.current);
  }

  /**
   * Searches the live subtree of frame `f` (the try a per-try timeout is
   * cutting, or the call whose overall timeout ran out) for a failure
   * already known to have made it late, depth first: a frame that
   * has failed (its failure on its way up, or being retried by its own call)
   * is taken before anything still running under it; a leg a partition
   * drops (its packets being resent), or a try a proxy holds for an
   * endpoint (failFastAfter), is itself the cause; otherwise the
   * frame's children are searched in the order they started (a parallel
   * group's branches in step order), and then, for a call still trying —
   * waiting in back-off, or with a retry in flight — the failed try it
   * retries. The first found wins, so the cause is the deepest along the
   * first path that has one, in frame order: no map or random order.
   * Detached frames (abandoned tries, crashed replicas' invokes) are nobody's
   * lateness and are skipped.
   */
  private knownLateCause(f: number): number {
    const fr = this.frames[f];
    if (fr.failed || fr.stall !== 0) return f;
    if (this.failFast.isHeld(f, fr.gen)) {
      // Read now: the timeout takes the try out of its queue (and may free its frame) before timedOut uses it.
      this.heldLate = f;
      this.heldLateCause = this.noEndpointCause(fr, this.failFast.state(fr.pair).lastCode);
      this.heldLateService = fr.service;
      this.heldLateMesh = this.meshCaused(this.heldLateCause, fr);
      return f;
    }
    for (let k = 0; k < fr.kidCount; k++) {
      const c = fr.kids[k];
      const kid = this.frames[c];
      if (kid.gen !== fr.kidGens[k] || kid.detached) continue;
      const found = this.knownLateCause(c);
      if (found >= 0) return found;
    }
    if (fr.kind === FRAME_CALL && fr.cause >= 0 && (fr.backoffToken !== 0 || (fr.retries > 0 && (fr.inTry || fr.current >= 0)))) return f;
    return -1;
  }

  /**
   * The failure of a call whose try a timeout cut: the timeout's, unless
   * what made the try late is known (`late`, see knownLateCause) — then that
   * is where the failure began and keeps its attribution: a stall across a
   * partition is the partition's (the network's, at the service and replica
   * the leg was going to), a failed try deeper keeps its root cause. UT says
   * how it ended, and the caller sees a 504. The timeout's own failure is
   * the mesh's when `plainMesh` (see plainTimeoutIsMesh).
   */
  private timedOut(call: Frame, late: number, plainMesh: boolean): void {
    if (late < 0) {
      this.setFailure(call, CAUSE_TIMEOUT, call.service, -1, flagIndex('UT'), plainMesh);
    } else {
      const d = this.frames[late];
      if (d.stall !== 0 && !d.failed) this.setFailure(call, CAUSE_PARTITION, d.service, d.replica >= 0 ? d.replica : -1, flagIndex('UT'), false);
      else if (late === this.heldLate) {
        // Held in the proxy's queue for an endpoint (failFastAfter): late for want of one, as fail-fast would have
        // said it — a service scaled to zero is the application's, a stale view or failure accrual the mesh's.
        this.setFailure(call, this.heldLateCause, this.heldLateService, -1, flagIndex('UT'), this.heldLateMesh);
      } else this.setFailure(call, d.cause, d.causeService, d.causeReplica, flagIndex('UT'), d.meshCaused);
    }
    call.status = CAUSES[CAUSE_TIMEOUT].status;
  }

  /**
   * Whether a timeout with nothing known below it (knownLateCause found
   * nothing: the callee is slow, or queueing) is the mesh's failure. Its
   * policy in the client library: the application's. In the mesh's proxy, a
   * timeout the mesh profile imposed (a default the topology did not set,
   * such as Cilium's 1 h request timeout) is the mesh's. One the topology
   * set (the service's `resilience:` or the `mesh:` overrides: its user's
   * deadline, which the proxy only enforces) is the mesh's only if the
   * request would have made it without the mesh's share of its time: if
   * the mesh's time M in what the timeout cut exceeds the application's
   * and the network's R (see accrueBlame, COMPONENT_SIDE). What it cut: for
   * a per-try timeout the try (`perTry`), for the call's overall one the
   * call since its first try started (the deadline's start). Read before
   * the try is abandoned; changes nothing.
   */
  private plainTimeoutIsMesh(f: number, perTry: boolean): boolean {
    const call = this.frames[f];
    if (!this.meshCaused(CAUSE_TIMEOUT, call)) return false;
    const svc = this.model.services[call.service];
    if (!(perTry ? svc.topologyPerTryTimeout : svc.topologyTimeout)) return true;
    this.blameMesh = 0;
    this.blameApp = 0;
    if (!perTry) {
      this.accrueBlame(f);
      this.blameMesh -= call.preMesh;
      this.blameApp -= call.preApp;
    } else if (call.current >= 0 && this.frames[call.current].gen === call.currentGen) {
      this.accrueBlame(call.current);
    }
    return this.blameMesh > this.blameApp;
  }

  /** The mesh's and the application's (and network's) time accrueBlame has added up. */
  private blameMesh = 0;
  private blameApp = 0;

  /** Adds a frame's recorded components to blameMesh and blameApp, each by its side (COMPONENT_SIDE). */
  private addSides(comp: Float64Array): void {
    for (let k = 0; k < COMPONENT_COUNT; k++) {
      const side = COMPONENT_SIDE[k];
      if (side === SIDE_MESH) this.blameMesh += comp[k];
      else if (side === SIDE_APP) this.blameApp += comp[k];
    }
  }

  /** Adds `d` of component `k` to blameMesh or blameApp (nothing for a back-off). */
  private addSide(k: number, d: number): void {
    const side = COMPONENT_SIDE[k];
    if (side === SIDE_MESH) this.blameMesh += d;
    else if (side === SIDE_APP) this.blameApp += d;
  }

  /**
   * Adds to blameMesh and blameApp the time frame f's live subtree has
   * spent until now, by component: what each frame recorded, less what a
   * wait in progress recorded ahead of now (a wait recorded whole when it
   * began, up to its end), plus what a wait in progress has not recorded
   * yet (one recorded when it ends, from its start; an invoke still waiting
   * for a worker; a leg a partition stalls) — see Frame.pend. Children are
   * walked in the order they started, skipping those no longer alive or
   * detached (a try abandoned earlier: its time was charged to its call,
   * proportionally, by chargeAbandoned). A sequence's children add up; of
   * a parallel group's branches still running (all started with it), the
   * one with the most application and network time is its critical path
   * without the mesh (the first of equals in step order), and counts alone.
   * Allocation-free, and in frame order only.
   */
  private accrueBlame(f: number): void {
    const fr = this.frames[f];
    const now = this.engine.now;
    if (fr.kind === FRAME_PARALLEL) {
      const mesh0 = this.blameMesh, app0 = this.blameApp;
      let mesh = 0, app = -1;
      for (let k = 0; k < fr.kidCount; k++) {
        const c = fr.kids[k];
        const kid = this.frames[c];
        if (kid.gen !== fr.kidGens[k] || kid.detached) continue;
        this.blameMesh = 0;
        this.blameApp = 0;
        this.accrueBlame(c);
        if (this.blameApp > app) {
          app = this.blameApp;
          mesh = this.blameMesh;
        }
      }
      if (app < 0) {
        // No branch running: what the last to finish left.
        this.blameMesh = 0;
        this.blameApp = 0;
        this.addSides(fr.comp);
        mesh = this.blameMesh;
        app = this.blameApp;
      }
      this.blameMesh = mesh0 + mesh;
      this.blameApp = app0 + app;
      return;
    }
    this.addSides(fr.comp);
    const p = fr.pend;
    if (p >= PEND_SINCE) this.addSide(p - PEND_SINCE, now - fr.pendAt);
    else if (p >= 0 && fr.pendAt > now) this.addSide(p, now - fr.pendAt);
    // An invoke still waiting for a worker: its queue's time is recorded when it starts.
    if (fr.atApp && fr.workStart < 0) this.blameApp += now - fr.appStart;
    if (fr.stall !== 0) this.blameApp += now - fr.stallSince;
    for (let k = 0; k < fr.kidCount; k++) {
      const c = fr.kids[k];
      const kid = this.frames[c];
      if (kid.gen !== fr.kidGens[k] || kid.detached) continue;
      this.accrueBlame(c);
    }
  }

  private onTryTimeout(f: number, tok: number): void {
    const call = this.frames[f];
    if (call.kind !== FRAME_CALL || call.tryToken !== tok || tok === 0) return;
    call.tryToken = 0;
    this.heldLate = -1;
    const late = this.lateCauseOfCurrent(call);
    // Judged before the try is abandoned: its subtree is what it has spent.
    const plainMesh = late < 0 && this.plainTimeoutIsMesh(f, true);
    this.abandonCurrent(call);
    this.timedOut(call, late, plainMesh);
    this.countTimedOutTry(call);
    this.afterFailedTry(f, CAUSE_TIMEOUT, 504, false);
  }

  private countTimedOutTry(call: Frame): void {
    if (!call.measured) return;
    // Keyed as countAttemptFailure keys a try: by the service where its failure began (deeper, when known; see timedOut).
    const key = failureKey(call.cause, flagIndex('UT'), call.meshCaused, call.causeService >= 0 ? call.causeService : call.service, this.model.services.length);
    this.attemptFailures.set(key, (this.attemptFailures.get(key) ?? 0) + 1);
  }

  private onCallTimeout(f: number, tok: number): void {
    const call = this.frames[f];
    if (call.kind !== FRAME_CALL || call.timeoutToken !== tok || tok === 0) return;
    // The try in flight, if any (not a back-off), is cut short: a failed try like any other.
    const cut = call.current >= 0 && this.frames[call.current].gen === call.currentGen;
    // The call's whole time ran out: what made it late may also be a try of its own that failed before the one in
    // flight (a retry), as during a back-off (below). A per-try timeout looks only under the try it cuts.
    this.heldLate = -1;
    const late = this.knownLateCause(f);
    const inBackoff = call.backoffToken !== 0;
    const plainMesh = late < 0 && !inBackoff && this.plainTimeoutIsMesh(f, false);
    this.abandonCurrent(call);
    call.tryToken = 0;
    if (inBackoff) {
      // Timed out during a back-off: that wait ends now, not when it was due.
      call.comp[RETRY_BACKOFF] -= call.backoffEnd - this.engine.now;
      call.backoffToken = 0;
    }
    if (inBackoff) {
      // It ran out while waiting to retry a try that failed: that try's root cause (still on the call) is where the
      // failure began, as retries used up keep theirs (URX); UT says how it ended, and the caller sees a 504.
      call.failed = true;
      call.flag = flagIndex('UT');
      call.status = CAUSES[CAUSE_TIMEOUT].status;
    } else {
      this.timedOut(call, late, plainMesh);
    }
    if (cut) this.countTimedOutTry(call);
    this.finishAttempts(f);
  }

  // ---- proxies -------------------------------------------------------------

  /** A traversal of the proxy on the way in; false when it costs nothing and a thread is free (no event needed). */
  private proxyRequest(f: number, proxy: number, bytes: number): boolean {
    const spec = this.model.proxies[proxy].spec;
    const rng = this.proxyRng[proxy];
    const work = spec.requestCost(rng) + bytes * this.perByte(this.frames[f], proxy);
    return this.submitProxyTask(TASK_PROXY, f, proxy, work, 0);
  }

  /**
   * CPU per byte for this pass through `proxy`. Under mtls.scope node
   * (WireGuard) a node proxy does not encrypt what it sends to another node
   * proxy: the kernel tunnel does, and only between nodes (tunnelLeg);
   * what it exchanges with a gateway or waypoint is TLS of their own, which
   * it ends itself, and a client outside the mesh sends in plaintext.
   */
  private perByte(c: Frame, proxy: number): number {
    const spec = this.model.proxies[proxy].spec;
    // A client outside the mesh (no proxy of its own) sends in plaintext, and is answered so: nothing to decrypt or encrypt.
    if (c.cp < 0 && c.wp < 0) return spec.cpuPerByteNoTls;
    if (!this.nodeScope || this.isNodeProxy[proxy] === 0) return spec.cpuPerByte;
    // The caller's node proxy talks to the waypoint, if any, else to the callee's node proxy.
    const callerSide = c.phase === P_CP_REQ || c.phase === P_CP_RESP;
    const peer = c.wp >= 0 ? c.wp : callerSide ? -1 : c.cp;
    return peer >= 0 && this.isNodeProxy[peer] === 0 ? spec.cpuPerByte : spec.cpuPerBytePlain;
  }

  /**
   * A leg between two node proxies on different nodes under mtls.scope
   * node: the kernel tunnel encrypts it on the sender's node and decrypts it
   * on the receiver's, on whatever core the packets arrive, so it is billed
   * to the two node proxies' lines (the node's datapath) without taking a
   * proxy thread or, on a shared node, a share of the cores (a few µs per
   * KB). A leg within a node is not tunnelled and costs nothing.
   */
  private tunnelHop(c: Frame, bytes: number): void {
    let from = c.cp, to = c.sp;
    // A call no L7 policy selects passes no proxy, but the tunnel between the two nodes all the same:
    // from the calling pod's node, or the gateway's (whose own TLS would have ended at the node proxy).
    if (this.l7OnlyNodeProxies && to < 0 && c.replica >= 0) {
      to = this.serverProxyOf[c.replica];
      if (from < 0) from = c.egress >= 0 && this.isNodeProxy[c.egress] === 1 ? c.egress : -1;
      else if (this.isNodeProxy[from] === 0) from = this.model.nodeProxy[this.proxyNode[from]];
    }
    this.tunnelLeg(from, to, bytes);
  }

  /** The tunnel's cost of one leg between node proxies `from` and `to` (either way: it bills both ends alike). */
  private tunnelLeg(from: number, to: number, bytes: number): void {
    const perByte = this.model.mtls.tunnelPerByte;
    if (perByte === 0 || from < 0 || to < 0 || bytes <= 0 || !this.inWindow()) return;
    if (this.isNodeProxy[from] === 0 || this.isNodeProxy[to] === 0 || this.proxyNode[from] === this.proxyNode[to]) return;
    this.tunnelCpu[from] += bytes * perByte;
    this.tunnelCpu[to] += bytes * perByte;
  }

  private proxyResponse(f: number, proxy: number): boolean {
    if (this.inWindow()) this.proxies[proxy].requests++; // a rate over the window, as its CPU
    // A free pass through a proxy with threads of its own and one free: no task, no event (as submitProxyTask would find).
    if (this.freeResponse[proxy] === 1 && this.threads.hasFree(proxy, this.engine.now)) return false;
    const spec = this.model.proxies[proxy].spec;
    if (spec.responseFree) return this.submitProxyTask(TASK_PROXY, f, proxy, 0, 0);
    const rng = this.proxyRng[proxy];
    const c = this.frames[f];
    if (c.detached) {
      // A try given up on: its stream (or HTTP/1.1 connection) was reset
      // from the caller's side, so this proxy has no downstream to send the
      // answer to and reset its own upstream request: the callee's answer is
      // not processed, encrypted or forwarded (nothing goes on the wire). The
      // stream's stats and access log are still written when it ends (Envoy
      // logs a reset stream too, flagged DC), so its telemetry is kept.
      c.responseSize = 0;
      return this.submitProxyTask(TASK_PROXY, f, proxy, 0, spec.telemetryCost(rng));
    }
    const work = spec.responseCost(rng) + c.responseSize * this.perByte(c, proxy);
    return this.submitProxyTask(TASK_PROXY, f, proxy, work, spec.telemetryCost(rng));
  }

  /**
   * Queues work for one of the proxy's worker threads; `telemetry` runs
   * after it on the same thread. Returns false (and does nothing) when the
   * work is nil and a thread is free: passing through then takes no time.
   */
  private submitProxyTask(kind: number, f: number, proxy: number, work: number, telemetry: number): boolean {
    if (this.proxyDedicated[proxy] === 1) return this.runOnThread(kind, f, proxy, work, telemetry);
    if (work <= 0 && telemetry <= 0 && kind === TASK_PROXY && this.proxyBusy[proxy] < this.proxyWorkers[proxy]) {
      return false;
    }
    const t = this.tasks.alloc();
    const task = this.tasks.items[t];
    task.kind = kind;
    task.frame = f;
    task.frameGen = this.frames[f].gen;
    task.proxy = proxy;
    task.work = work;
    task.telemetry = telemetry;
    task.enqueued = this.engine.now;
    const frame = this.frames[f];
    frame.pend = PEND_SINCE + (kind === TASK_HANDSHAKE ? MTLS : PROXY_QUEUE);
    frame.pendAt = task.enqueued;
    if (this.proxyBusy[proxy] < this.proxyWorkers[proxy]) this.startProxyTask(t);
    else this.proxyWaiting[proxy].push(t);
    return true;
  }

  /** submitProxyTask for a proxy with a CPU of its own: the task's start is known now, one event ends it. */
  private runOnThread(kind: number, f: number, proxy: number, work: number, telemetry: number): boolean {
    const now = this.engine.now;
    const handshake = kind === TASK_HANDSHAKE;
    if (!handshake && work <= 0 && telemetry <= 0 && this.threads.hasFree(proxy, now)) return false;
    const start = this.threads.assign(proxy, now, work, telemetry);
    const end = start + work;
    const frame = this.frames[f];
    if (handshake) {
      frame.comp[MTLS] += (start - now) + work;
      frame.pend = MTLS;
      frame.pendAt = end;
      this.engine.scheduleAt(end, H_HANDSHAKE, f, frame.gen);
      return true;
    }
    // Telemetry follows on the thread after the response has gone on: it delays the proxy's next task, not this one.
    if (end === now) return false;
    frame.comp[PROXY_QUEUE] += start - now;
    frame.comp[PROXY_WORK] += work;
    // Queueing for the thread, then the work: both the mesh's, so one pending wait stands for the two.
    frame.pend = PROXY_WORK;
    frame.pendAt = end;
    this.engine.scheduleAt(end, H_ADVANCE, f, frame.gen);
    return true;
  }

  private startProxyTask(t: number): void {
    const task = this.tasks.items[t];
    const now = this.engine.now;
    const p = task.proxy;
    this.proxyBusy[p]++;
    this.proxies[p].busyWorkers.add(now, 1);
    const frame = this.frames[task.frame];
    if (frame.gen === task.frameGen) {
      frame.comp[task.kind === TASK_HANDSHAKE ? MTLS : PROXY_QUEUE] += now - task.enqueued;
      frame.pend = PEND_SINCE + (task.kind === TASK_HANDSHAKE ? MTLS : PROXY_WORK);
      frame.pendAt = now;
    }
    task.started = now;
    this.runCpu(t, this.proxyNode[p], task.work);
  }

  private releaseProxyWorker(p: number): void {
    this.proxyBusy[p]--;
    this.proxies[p].busyWorkers.add(this.engine.now, -1);
    const q = this.proxyWaiting[p];
    if (q.length > 0) this.startProxyTask(q.shift());
  }

  /** Runs CPU work for a task on its node: contended on a shared node, else in `work` seconds. */
  private runCpu(t: number, node: number, work: number): void {
    const task = this.tasks.items[t];
    if (this.inWindow()) {
      if (task.kind === TASK_APP) this.services[task.service].cpuSeconds += work;
      else this.proxies[task.proxy].cpuSeconds += work;
    }
    const cpu = this.cpus[node];
    if (cpu) cpu.add(t, work);
    else this.engine.schedule(work, H_TASK_CPU_DONE, t);
  }

  private onSharedCpu(node: number, gen: number): void {
    const out = this.finished;
    const k = (this.cpus[node] as SharedCpu).complete(gen, out);
    // Copy first: continuations may add work to this CPU and reuse the buffer.
    const done = out.slice(0, k);
    for (const t of done) this.onTaskCpuDone(t);
  }

  private onTaskCpuDone(t: number): void {
    const task = this.tasks.items[t];
    const now = this.engine.now;
    switch (task.kind) {
      case TASK_APP: {
        const f = task.frame;
        this.tasks.release(t);
        this.afterAppCpu(f);
        return;
      }
      case TASK_TELEMETRY:
        this.releaseProxyWorker(task.proxy);
        this.tasks.release(t);
        return;
      case TASK_PROXY:
      case TASK_HANDSHAKE: {
        const f = task.frame;
        const frame = this.frames[f];
        const alive = frame.gen === task.frameGen;
        if (alive) {
          frame.comp[task.kind === TASK_HANDSHAKE ? MTLS : PROXY_WORK] += now - task.started;
          frame.pend = PEND_NONE;
        }
        if (task.telemetry > 0) {
          // Telemetry runs after the response has gone on, on the same
          // thread: it delays the proxy's next request, not this one.
          task.kind = TASK_TELEMETRY;
          this.runCpu(t, this.proxyNode[task.proxy], task.telemetry);
        } else {
          this.releaseProxyWorker(task.proxy);
          this.tasks.release(t);
        }
        if (!alive) return;
        if (frame.hs !== HS_NONE) this.handshakeStep(f);
        else this.resume(f);
        return;
      }
      default:
        return modelBug('task of unknown kind', task.kind);
    }
  }

  // ---- mTLS connections ----------------------------------------------------

  /**
   * Gets the frame a stream from proxy `from` to proxy `to`. Returns false
   * when one was free (the frame goes straight on) or the handshake failed
   * (the frame is marked failed and moved to its way back), true when the
   * frame now waits for a handshake (its own, or one in progress it joined).
   */
  private connect(f: number, from: number, to: number, slot: 1 | 2): boolean {
    const now = this.engine.now;
    const c = this.frames[f];
    // A node-to-node tunnel (WireGuard) does not carry traffic that stays on its node.
    // Only node proxies hold a node's tunnel; a sidecar, gateway or waypoint still speaks mTLS of its own.
    if (this.nodeScope && this.isNodeProxy[from] === 1 && this.isNodeProxy[to] === 1 && this.proxyNode[from] === this.proxyNode[to]) return false;
    const fromId = this.identity(c, from, true), toId = this.identity(c, to, false);
    const existing = this.conns.acquire(from, to, fromId, toId, now);
    if (existing) {
      if (slot === 1) c.conn1 = existing;
      else c.conn2 = existing;
      if (existing.ready) return false;
      // Joins a connection still handshaking: waits for it, as HTTP/2 streams do.
      c.waitStart = now;
      c.pend = PEND_SINCE + MTLS;
      c.pendAt = now;
      existing.waiters.push(f, c.gen);
      return true;
    }
    if (this.faults.proxyDown[to]) {
      // Nothing listens on a crashed proxy: the connection is refused before any handshake.
      this.fail(c, CAUSE_INBOUND_PROXY_DOWN, c.service, c.replica, flagIndex('UF'), true);
      c.responseSize = 0;
      c.phase = slot === 1 ? P_NET1_BACK : P_NET2_BACK;
      return false;
    }
    // Across a partition no new connection gets through: no handshake is
    // paid or pooled; the leg itself times out (cutOff, on the network phase).
    const toReplica = slot === 2 || this.serverProxyOf[c.replica] === to;
    if (this.faults.cut(this.nodeZone[this.proxyNode[from]], this.nodeZone[this.proxyNode[to]], c.owner, toReplica ? c.replica : -1)) return false;
    if (this.model.replicas[c.replica]?.sidecar === to && !this.podUp[c.replica]) {
      // The pod (and its sidecar) is gone: the TCP connect is refused before any handshake.
      this.refused(c);
      c.phase = slot === 1 ? P_NET1_BACK : P_NET2_BACK;
      return false;
    }
    const toValid = this.controlPlane.certValid(toId);
    if (!toValid || !this.controlPlane.certValid(fromId)) {
      // No new connection can be set up: an expired certificate on either end.
      // Blamed where it expired: the callee's end (or the root, every end's),
      // else the calling pod, whose own certificate the handshake rejected.
      let service = c.service, replica = c.replica;
      if (toValid && c.owner >= 0) {
        service = c.owner;
        replica = this.callerReplica(c);
      }
      this.fail(c, CAUSE_CERTIFICATE, service, replica, flagIndex('UF'), true);
      c.responseSize = 0;
      c.phase = slot === 1 ? P_NET1_BACK : P_NET2_BACK;
      return false;
    }
    const { conn, resumed } = this.conns.openNew(from, to, fromId, toId, now);
    if (slot === 1) c.conn1 = conn;
    else c.conn2 = conn;
    if (c.measured) {
      if (resumed) this.proxies[from].resumptions++;
      else this.proxies[from].handshakes++;
    }
    c.hsResumed = resumed;
    c.hsFrom = from;
    c.hsTo = to;
    c.hsConn = conn;
    c.hs = HS_CLIENT;
    const mtls = this.model.mtls;
    const cpu = resumed ? mtls.resumeCpu : mtls.handshakeCpu;
    this.submitProxyTask(TASK_HANDSHAKE, f, from, cpu(this.proxyRng[from]), 0);
    return true;
  }

  /**
   * Whose certificate a handshake end presents: a node proxy presents the
   * pod's it carries (the calling pod's, or the callee replica's), as
   * ztunnel does per workload; any other proxy its own.
   */
  private identity(c: Frame, proxy: number, caller: boolean): number {
    if (this.isNodeProxy[proxy] === 0 || this.nodeScope) return proxy;
    if (!caller) return this.proxyCount + c.replica;
    const r = this.callerReplica(c);
    return r >= 0 ? this.proxyCount + r : proxy;
  }

  /** The replica whose code makes this call, or -1 (an entry point's client). */
  private callerReplica(c: Frame): number {
    const inv = c.invoke >= 0 ? this.frames[c.invoke] : null;
    return inv !== null && inv.gen === c.invokeGen ? inv.replica : -1;
  }

  /** The next step of a handshake this frame is doing, after its previous step finished. */
  private handshakeStep(f: number): void {
    const c = this.frames[f];
    const m = this.model;
    if (c.hs === HS_CLIENT) {
      c.hs = HS_TRIPS;
      const trips = c.hsResumed ? m.mtls.resumeRoundTrips : m.mtls.handshakeRoundTrips;
      const a = this.proxyNode[c.hsFrom], b = this.proxyNode[c.hsTo];
      let d = 0;
      for (let i = 0; i < trips; i++) d += this.networkDelay(a, b, c.service, 0) + this.networkDelay(b, a, c.service, 0);
      c.comp[MTLS] += d;
      c.pend = MTLS;
      c.pendAt = this.engine.now + d;
      this.engine.schedule(d, H_HANDSHAKE, f, c.gen);
      return;
    }
    if (c.hs === HS_TRIPS) {
      c.hs = HS_SERVER;
      const cpu = c.hsResumed ? m.mtls.resumeCpu : m.mtls.handshakeCpu;
      this.submitProxyTask(TASK_HANDSHAKE, f, c.hsTo, cpu(this.proxyRng[c.hsTo]), 0);
      return;
    }
    // HS_SERVER done: the connection is up; wake whoever joined it meanwhile.
    c.hs = HS_NONE;
    const conn = c.hsConn as Connection;
    c.hsConn = null;
    conn.ready = true;
    const w = conn.waiters;
    for (let i = 0; i < w.length; i += 2) this.engine.schedule(0, H_CONN_READY, w[i], w[i + 1]);
    w.length = 0;
    this.resume(f);
  }

  /** A connection this frame joined while it was handshaking is ready. */
  private onConnReady(f: number, gen: number): void {
    const c = this.frames[f];
    if (c.gen !== gen) return;
    c.comp[MTLS] += this.engine.now - c.waitStart;
    c.pend = PEND_NONE;
    this.resume(f);
  }

  // ---- the application -----------------------------------------------------

  private arriveAtReplica(f: number): void {
    const att = this.frames[f];
    const now = this.engine.now;
    const rep = att.replica;
    const svc = this.model.services[att.service];
    const sc = this.services[att.service];
    // Counted as its request is: one that arrived at its entry point after
    // the warm-up, wherever in the call tree and whenever it gets here, so
    // a service's arrivals, calls, retries and failed tries agree with the
    // entry points' counts.
    const measured = att.measured;
    if (measured) sc.arrivals++;
    const pAbort = this.faults.abortProbability[rep];
    if (pAbort > 0 && this.faultRng() < pAbort) {
      if (measured) sc.failed++;
      this.fail(att, CAUSE_INJECTED_ABORT, att.service, rep, flagIndex('FI'), false);
      att.status = this.faults.abortStatus[rep];
      att.responseSize = 0;
      return this.resume(f);
    }
    if (this.busy[rep] >= svc.workers && this.waiting[rep].length >= svc.queueCapacity) {
      if (measured) {
        sc.rejected++;
        sc.failed++;
      }
      this.fail(att, CAUSE_QUEUE_FULL, att.service, rep, FLAG_NONE, false);
      if (this.behindLiveSidecar(att)) att.answered = true;
      att.responseSize = 0;
      return this.resume(f);
    }
    // The replica handles the try on the try's own frame (the invoke): one frame a hop, not two.
    att.atApp = true;
    att.appStart = now;
    att.workStart = -1;
    // The try's last wait ended before it got here: from now on the frame's wait is the invoke's.
    att.pend = PEND_NONE;
    // What a cut here charges for the try (chargeAbandoned, cutOwnWalk, resetInProgress); unrolled, as in FramePool.alloc.
    const comp = att.comp, tc = att.tryComp;
    tc[0] = comp[0]; tc[1] = comp[1]; tc[2] = comp[2]; tc[3] = comp[3]; tc[4] = comp[4]; tc[5] = comp[5]; tc[6] = comp[6];
    // Link it in, so a crash can find everything in progress at the replica.
    const head = this.inProgressHead[rep];
    att.prevAtReplica = -1;
    att.nextAtReplica = head;
    if (head >= 0) this.frames[head].prevAtReplica = f;
    this.inProgressHead[rep] = f;
    sc.inSystem.add(now, 1);
    if (this.busy[rep] < svc.workers) this.beginWork(f);
    else this.waiting[rep].push(f);
  }

  /**
   * A frame started by an invoke's code (its service's calls, or a block of
   * them) runs where the replica is: its service, node, egress proxy and
   * client router, with the invoke's frame as the code it runs for. The
   * frame under an invoke inherited its place from the try the invoke
   * shares its frame with (the caller's): this puts the callee's instead.
   */
  private placeAtReplica(f: number, i: number): void {
    const fr = this.frames[f];
    const inv = this.frames[i];
    const rep = inv.replica;
    const node = this.replicaNode[rep];
    const sidecar = this.model.replicas[rep].sidecar;
    fr.owner = inv.service;
    fr.node = node;
    fr.egress = sidecar >= 0 ? sidecar : this.model.nodeProxy[node];
    fr.clientRouter = this.proxyCount + rep;
    fr.invoke = i;
    fr.invokeGen = inv.gen;
  }

  private beginWork(i: number): void {
    const inv = this.frames[i];
    const now = this.engine.now;
    const rep = inv.replica;
    const svc = this.model.services[inv.service];
    const sc = this.services[inv.service];
    this.busy[rep]++;
    sc.busyWorkers.add(now, 1);
    const wait = now - inv.appStart;
    inv.comp[APP_QUEUE] += wait;
    if (inv.kind === FRAME_INVOKE) {
      // Its replica crashed while it waited: nothing left to do.
      this.engine.schedule(0, H_WORK_DONE, i);
      return;
    }
    if (inv.measured) {
      sc.started++;
      if (wait > 0) sc.waited++;
      sc.queueWaitSum += wait;
    }
    const work = svc.serviceTime(this.serviceRng[svc.index]) * this.faults.slowdown[rep];
    inv.workStart = now;
    const node = this.replicaNode[rep];
    const cpu = this.cpus[node];
    if (cpu) {
      inv.pend = PEND_SINCE + APP_WORK;
      inv.pendAt = now;
      const t = this.tasks.alloc();
      const task = this.tasks.items[t];
      task.kind = TASK_APP;
      task.frame = i;
      task.frameGen = inv.gen;
      task.service = svc.index;
      this.runCpu(t, node, work);
      return;
    }
    if (this.inWindow()) sc.cpuSeconds += work;
    // On a dedicated CPU the work and the off-CPU wait are both plain delays.
    const io = this.offCpu(inv);
    inv.comp[APP_WORK] += work + io;
    inv.pend = APP_WORK;
    inv.pendAt = now + work + io;
    this.engine.schedule(work + io, H_WORK_DONE, i);
  }

  /** Off-CPU time of one request: the service's ioTime plus an injected delay, when one fires. */
  private offCpu(inv: Frame): number {
    const svc = this.model.services[inv.service];
    let io = svc.ioTime ? svc.ioTime(this.serviceRng[svc.index]) : 0;
    const rep = inv.replica;
    const p = this.faults.delayProbability[rep];
    const d = this.faults.delay[rep];
    if (d && p > 0 && this.faultRng() < p) io += d(this.faultRng);
    return io;
  }

  /** CPU work on a shared node finished; the off-CPU part (if any) follows. */
  private afterAppCpu(i: number): void {
    const inv = this.frames[i];
    const io = this.offCpu(inv);
    inv.comp[APP_WORK] += this.engine.now - inv.workStart + io;
    inv.pend = APP_WORK;
    inv.pendAt = this.engine.now + io;
    if (io > 0) this.engine.schedule(io, H_WORK_DONE, i);
    else this.onWorkDone(i);
  }

  private releaseWorker(rep: number, service: number): void {
    this.busy[rep]--;
    this.services[service].busyWorkers.add(this.engine.now, -1);
    const q = this.waiting[rep];
    if (q.length > 0) this.beginWork(q.shift());
  }

  private onWorkDone(i: number): void {
    const inv = this.frames[i];
    const svc = this.model.services[inv.service];
    if (!svc.holdWorkerDuringCalls) this.releaseWorker(inv.replica, inv.service);
    if (svc.calls.length > 0 && inv.kind !== FRAME_INVOKE) {
      // The invoke runs the service's calls itself, as a sequence would:
      // one frame fewer a hop.
      inv.steps = svc.calls;
      inv.next = 0;
      if (this.advanceSequence(i, true)) return;
    }
    this.finishInvoke(i);
  }

  private finishInvoke(i: number): void {
    const inv = this.frames[i];
    const now = this.engine.now;
    const svc = this.model.services[inv.service];
    const sc = this.services[inv.service];
    if (svc.holdWorkerDuringCalls) this.releaseWorker(inv.replica, inv.service);
    if (inv.prevAtReplica >= 0) this.frames[inv.prevAtReplica].nextAtReplica = inv.nextAtReplica;
    else this.inProgressHead[inv.replica] = inv.nextAtReplica;
    if (inv.nextAtReplica >= 0) this.frames[inv.nextAtReplica].prevAtReplica = inv.prevAtReplica;
    sc.inSystem.add(now, -1);
    if (this.inWindow()) sc.completedInWindow++;
    inv.atApp = false;
    if (inv.kind === FRAME_INVOKE) {
      // Its replica crashed, and the try went on without it (resetInProgress): its work was for nobody.
      this.pool.release(i);
      return;
    }
    // The try's frame: what the invoke spent and how its calls failed are the try's already.
    if (inv.measured) {
      if (inv.failed) sc.failed++;
      else sc.latency.record(now - inv.appStart, this.batch());
    }
    inv.responseSize = inv.failed ? 0 : svc.responseSize;
    this.resume(i);
  }

  // ---- steps ---------------------------------------------------------------

  /** Whether the code running this frame belongs to a replica that has crashed since (its invoke was left behind: FRAME_INVOKE). */
  private doomed(frame: Frame): boolean {
    if (frame.invoke < 0) return false;
    const inv = this.frames[frame.invoke];
    return inv.gen === frame.invokeGen && inv.kind === FRAME_INVOKE;
  }

  /**
   * Starts the remaining steps of a sequence until one is in flight. Returns
   * false when the sequence ran out of steps; on the first pass the caller
   * then treats it as skipped, later it completes to its parent.
   */
  private advanceSequence(s: number, first: boolean): boolean {
    const seq = this.frames[s];
    // An invoke's steps (on its try's frame, or left behind by a crash) are the invoke's own: its `invoke` is its caller's.
    const isSeq = seq.kind === FRAME_SEQUENCE;
    while (seq.next < seq.steps.length && !(isSeq ? this.doomed(seq) : seq.kind === FRAME_INVOKE)) {
      const step = seq.steps[seq.next++];
      if (this.startStep(s, step)) return true;
    }
    if (!first) {
      if (isSeq) this.childDone(s);
      else this.finishInvoke(s);
    }
    return false;
  }

  /** Starts a step under `parent`; false when it was skipped by its probability or has nothing to do. */
  private startStep(parent: number, step: CompiledStep): boolean {
    const pf = this.frames[parent];
    // The frame of an invoke (a try at its replica, or one left behind: FRAME_INVOKE) runs the callee's code.
    const atApp = pf.kind !== FRAME_SEQUENCE && pf.kind !== FRAME_PARALLEL;
    if (step.probability < 1) {
      const owner = atApp ? pf.service : pf.owner;
      if (!(this.branchRng[owner]() < step.probability)) return false;
    }
    if (step.kind === STEP_CALL) {
      const f = this.pool.alloc(FRAME_CALL, parent);
      this.checkFrames();
      if (atApp) this.placeAtReplica(f, parent);
      this.initCall(f, step.service, step.requestSize);
      return true;
    }
    if (step.kind === STEP_SEQUENCE) {
      const s = this.pool.alloc(FRAME_SEQUENCE, parent);
      if (atApp) this.placeAtReplica(s, parent);
      this.frames[s].steps = step.steps;
      if (this.advanceSequence(s, true)) return true;
      this.pool.release(s);
      return false;
    }
    const p = this.pool.alloc(FRAME_PARALLEL, parent);
    if (atApp) this.placeAtReplica(p, parent);
    const par = this.frames[p];
    par.steps = step.steps;
    // A branch can finish the moment it starts (a circuit breaker's
    // overflow, no endpoint, a proxy down): it is counted before it starts,
    // and the group holds one count of its own until all have started, so
    // such a branch can neither complete the group early nor be missed.
    par.pending = 1;
    let started = 0;
    for (const branch of step.steps) {
      par.pending++;
      if (this.startStep(p, branch)) started++;
      else par.pending--;
    }
    if (started === 0) {
      this.pool.release(p);
      return false;
    }
    if (--par.pending === 0) this.childDone(p);
    return true;
  }

  /** A child finished (in flight until now); hand its result to the parent. */
  private childDone(c: number): void {
    const child = this.frames[c];
    const p = child.parent;
    if (p < 0) return this.finishRequest(c); // the entry point's call: the request itself
    const parent = this.frames[p];
    switch (parent.kind) {
      case FRAME_SEQUENCE:
        this.absorb(parent, child);
        this.pool.release(c);
        if (parent.failed) this.childDone(p);
        else this.advanceSequence(p, false);
        return;
      case FRAME_PARALLEL:
        // Branches started together, so the last to finish is the critical
        // path: its components replace what earlier branches left.
        for (let k = 0; k < COMPONENT_COUNT; k++) parent.comp[k] = child.comp[k];
        if (child.failed && !parent.failed) this.copyFailure(parent, child);
        this.pool.release(c);
        if (--parent.pending === 0) this.childDone(p);
        return;
      case FRAME_CALL:
      case FRAME_ATTEMPT:
      case FRAME_INVOKE:
        // An invoke (on its try's frame, or left behind by a crash) is the sequence of its service's calls (see onWorkDone).
        this.absorb(parent, child);
        this.pool.release(c);
        if (parent.failed) this.finishInvoke(p);
        else this.advanceSequence(p, false);
        return;
      default:
        return modelBug('a child finished under a frame of kind', parent.kind);
    }
  }

  /** Adds a finished child's time components and failure to its parent. */
  private absorb(parent: Frame, child: Frame): void {
    addComponents(parent.comp, child.comp);
    if (child.failed && !parent.failed) this.copyFailure(parent, child);
  }

  private copyFailure(to: Frame, from: Frame): void {
    this.setFailure(to, from.cause, from.causeService, from.causeReplica, from.flag, from.meshCaused);
    to.status = from.status;
    to.failedHere = false;
  }

  /**
   * Whether the try reached its replica through the pod's own sidecar, still
   * up: a failure of the application there (connection refused, reset,
   * overflow) is answered by that sidecar with an HTTP 503 — Envoy's
   * "upstream connect error or disconnect/reset before headers", Linkerd's
   * inbound error response — so the caller's router sees a response.
   */
  private behindLiveSidecar(c: Frame): boolean {
    return c.sp >= 0 && c.replica >= 0 && this.model.replicas[c.replica].sidecar === c.sp && this.faults.proxyDown[c.sp] === 0;
  }

  /**
   * A failure that begins here. One that begins on a call's own phases,
   * outside any try (the leg to the gateway, the caller's own proxy, the
   * leg to a waypoint that runs the tries), fails the call without a try
   * that attemptDone would count: it is counted here, so that failed tries
   * cover every failed request (with no retries they are equal).
   */
  private fail(frame: Frame, cause: number, service: number, replica: number, flag: number, mesh: boolean): void {
    this.setFailure(frame, cause, service, replica, flag, mesh);
    if (frame.kind === FRAME_CALL && !frame.inTry && frame.measured) this.countAttemptFailure(frame);
  }

  private setFailure(frame: Frame, cause: number, service: number, replica: number, flag: number, mesh: boolean): void {
    frame.failed = true;
    frame.cause = cause;
    frame.failedHere = true;
    frame.answered = false;
    frame.causeService = service;
    frame.causeReplica = replica;
    frame.flag = flag;
    frame.meshCaused = mesh;
    frame.status = CAUSES[cause].status;
  }

  // ---- rollouts, scaling and the fault timeline ----------------------------

  /** A replica's pod and app state; one serving (both up) counts its workers in its service's capacity. */
  private setUp(r: number, pod: number, app: number): void {
    const was = this.podUp[r] & this.appUp[r];
    if (pod !== this.podUp[r] || app !== this.appUp[r]) this.endpointsMayHaveChanged();
    this.podUp[r] = pod;
    this.appUp[r] = app;
    const is = pod & app;
    if (is === was) return;
    const svc = this.model.replicas[r].service;
    this.services[svc].capacity.add(this.engine.now, (is - was) * this.model.services[svc].workers);
  }

  private onLifecycle(i: number): void {
    const a = this.model.lifecycle[i];
    const r = a.replica;
    switch (a.kind) {
      case LC_UP:
        // A pod that starts inside a crash window over its place starts crashed: it comes up at the window's end (restart).
        this.setUp(r, 1, this.crashWindows[r] > 0 ? 0 : 1);
        return;
      case LC_ADD:
        this.wanted[r] = 1;
        // A pod whose probes fail (its app or its sidecar is down) is listed once they pass: see backInService.
        if (!this.probesPass(r)) return;
        this.changeEndpoints(a.service, r, true);
        return;
      case LC_REMOVE:
        this.wanted[r] = 0;
        this.changeEndpoints(a.service, r, false);
        return;
      case LC_STOP: {
        this.setUp(r, 0, this.appUp[r]);
        // Its sidecar goes with it, and every connection to it: a peer's next try connects afresh (and is refused).
        const sidecar = this.model.replicas[r].sidecar;
        if (sidecar >= 0) this.conns.dropProxy(sidecar, this.engine.now);
        // Under a node proxy the pod's own pools (keyed by its identity) go too.
        else if (this.model.nodeProxy[this.model.replicas[r].node] >= 0 && !this.nodeScope) this.conns.dropIdentity(this.proxyCount + r, this.engine.now);
        return;
      }
      case LC_EXIT:
        // The app is done (its preStop and shutdown) while its sidecar drains on: the sidecar still takes
        // connections, and answers each request with a 503 (P_APP), until it exits at LC_STOP. Exited for good:
        // the end of a crash window over it does not restart it (restart). After LC_STOP it changes nothing.
        this.exited[r] = 1;
        this.setUp(r, this.podUp[r], 0);
        return;
    }
  }

  private onTimeline(i: number, end: boolean): void {
    const ev = this.model.timeline[i];
    const now = this.engine.now;
    this.markers.push({ at: now, kind: end ? `${ev.kind}-end` : ev.kind, subject: describeEvent(ev) });
    if (ev.kind === 'proxy-crash') {
      const targets = targetProxies(this.model, ev.target);
      const wasDown = targets.map((p) => this.faults.proxyDown[p]);
      this.faults.apply(i, end);
      targets.forEach((p, k) => {
        if (wasDown[k] === 0 && this.faults.proxyDown[p] === 1) this.proxyCrashed(p, ev.readinessDelay);
        if (wasDown[k] === 1 && this.faults.proxyDown[p] === 0) this.proxyRestarted(p);
      });
      this.endpointsMayHaveChanged();
      return;
    }
    if (this.faults.apply(i, end)) return;
    switch (ev.kind) {
      case 'rollout':
      case 'scale':
        return; // their pods' lifecycle is planned up front (model.lifecycle)
      case 'policy-change':
        this.controlPlane.noteChange();
        return;
      // Windows may overlap: a replica stays crashed, the control plane down
      // and the root expired until the last window over them has ended.
      case 'crash':
        for (const r of targetReplicas(this.model, ev.target)) {
          if (end) {
            if (--this.crashWindows[r] === 0) this.restart(r);
          } else if (this.crashWindows[r]++ === 0) {
            this.crash(r, ev.readinessDelay);
          }
        }
        return;
      case 'control-plane-outage':
        // With no mesh there is no mesh control plane to lose: the clients'
        // own discovery (DNS, the endpoints watch) does not depend on istiod.
        if (this.model.mesh.mode === 'none') return;
        this.outageWindows += end ? -1 : 1;
        this.controlPlane.setDown(this.outageWindows > 0);
        return;
      case 'certificate-expiry':
        if (ev.root) {
          this.rootExpiryWindows += end ? -1 : 1;
          this.controlPlane.rootExpired = this.rootExpiryWindows > 0;
        } else {
          // Each pod's own certificate: its sidecar's, or the one its node proxy holds for it.
          const ids = targetReplicas(this.model, ev.target).map((r) => {
            const sc = this.model.replicas[r].sidecar;
            // Node-scoped tunnels hold no pod certificates: nothing of the pod's to expire.
            const podIdentity = this.model.nodeProxy[this.model.replicas[r].node] >= 0 && !this.model.mtls.nodeScope;
            return sc >= 0 ? sc : podIdentity ? this.proxyCount + r : -1;
          }).filter((x) => x >= 0);
          // At the window's end renewal works again: renew now, not at the next retry tick.
          if (end) this.controlPlane.renewNow(ids);
          else this.controlPlane.expire(ids, ev.until);
        }
        return;
    }
  }

  private readonly unreadyToken = new Map<number, number>();

  /** A replica's process dies: requests in it are reset now, new ones refused; readiness notices later. */
  private crash(r: number, readinessDelay: number): void {
    if (!this.appUp[r]) return;
    const passing = this.probesPass(r);
    this.setUp(r, this.podUp[r], 0);
    this.resetInProgress(r, CAUSE_REPLICA_CRASH);
    if (passing) this.probesFailing(r, readinessDelay);
  }

  /**
   * A pod's proxy (its sidecar, or its node's proxy) crashed: the requests
   * in progress at the pods behind it lose their connection. Their
   * applications work on, for nobody. A pod whose sidecar is down fails its
   * readiness probe (Istio and Linkerd probe through the sidecar's side of
   * the pod); a node proxy's crash leaves readiness alone.
   */
  private proxyCrashed(p: number, readinessDelay: number): void {
    const m = this.model;
    this.conns.dropProxy(p, this.engine.now);
    for (let r = 0; r < m.replicas.length; r++) {
      const rep = m.replicas[r];
      if (this.serverProxyOf[r] !== p) continue;
      this.resetInProgress(r, CAUSE_PROXY_RESET, p);
      if (rep.sidecar === p && this.podUp[r] && this.appUp[r]) this.probesFailing(r, readinessDelay);
    }
    this.resetOutbound(p);
  }

  /**
   * The crashed proxy's own outbound streams, the calls it carried for the
   * apps behind it (or for an entry point's client on its node), are reset
   * with it: wherever such a call is between the app's leg to the proxy and
   * the proxy's response pass, it fails now (outbound-proxy-reset, UC), is
   * not retried by the dead proxy, and its try in flight gives back its
   * circuit-breaker, least-request and connection counts at once; its
   * outcome feeds no outlier detection or failure accrual (a reset the
   * proxy made itself says nothing of the host). Left alone they came back
   * through the dead proxy, or waited in its queues (Linkerd's for an
   * endpoint, the circuit breaker's) to be sent by its next process.
   * There is no index of a proxy's calls: a crash is rare, so it walks the
   * frames in use (in index order, for determinism), and the request path
   * pays nothing.
   */
  private resetOutbound(p: number): void {
    const calls: number[] = [];
    for (const i of this.pool.live()) {
      const fr = this.frames[i];
      if (fr.kind === FRAME_CALL && fr.cp === p) calls.push(i, fr.gen);
    }
    // In the order the calls started (serials are unique): each cut may draw a retry's back-off from the
    // shared retry stream, and frame indices follow the pool's reuse, which a change to the request path moves.
    sortPairsBy(calls, (i) => this.frames[i].serial);
    // Ending one call can end others' parents, never free another call of the list (each ends by its own cut).
    for (let k = 0; k < calls.length; k += 2) {
      const f = calls[k];
      if (this.frames[f].gen === calls[k + 1] && this.frames[f].kind === FRAME_CALL) this.cutOutbound(f);
    }
  }

  /**
   * One call through a crashed client proxy: if its request (or its
   * response) is in the proxy or past it on the way out, it fails now. Under
   * placement: client its try was the library's, which sees the reset and
   * may retry (through the proxy, refused while it is down); a back-off of
   * the library's goes on. Under placement: mesh the tries were the dead
   * proxy's (or a waypoint's, whose downstream is gone): no retry, and the
   * reset reaches the app over its leg from the proxy.
   */
  private cutOutbound(f: number): void {
    const call = this.frames[f];
    const now = this.engine.now;
    const meshTries = call.policy.placement === 'mesh';
    let c = f;
    let inTry = false;
    if (!call.ownTries && call.current >= 0 && this.frames[call.current].gen === call.currentGen) {
      const att = this.frames[call.current];
      // (A library's try whose answer is past the proxy, on its leg to the app, is through.)
      if (!this.atClientProxy(att.phase)) return;
      this.cutAttempt(call, att);
      inTry = true;
    } else if (call.backoffToken !== 0) {
      if (!meshTries) return;
      // The dead proxy's back-off: it ends now, and no retry follows.
      call.comp[RETRY_BACKOFF] -= call.backoffEnd - now;
      call.backoffToken = 0;
    } else {
      if (!this.atClientProxy(call.phase)) return;
      inTry = call.inTry;
      c = this.cutOwnWalk(f);
    }
    const cf = this.frames[c];
    cf.tryToken = 0;
    cf.current = -1;
    cf.inTry = false;
    cf.replica = -1;
    cf.sp = -1;
    // Counted as a failed try (fail counts one on a call outside a try): the one the crash cut, or the call's own leg.
    this.fail(cf, CAUSE_OUTBOUND_PROXY_RESET, cf.service, -1, flagIndex('UC'), true);
    cf.responseSize = 0;
    if (inTry && !meshTries) return this.afterFailedTry(c, CAUSE_OUTBOUND_PROXY_RESET, cf.status, false);
    this.releaseRetrySlot(cf);
    cf.timeoutToken = 0;
    cf.backoffToken = 0;
    cf.phase = P_LOCAL_OUT_BACK;
    this.advance(c);
  }

  /** From the app's leg to its proxy to the proxy's response pass: the request or its answer is the client proxy's, or beyond it on its way out. */
  private atClientProxy(phase: number): boolean {
    return phase >= P_LOCAL_OUT && phase <= P_CP_RESP;
  }

  /**
   * Ends a call's try in flight (an attempt frame) at its proxy's crash:
   * its time so far is the call's (as for a timeout), and its counts are
   * given back now. One waiting in a queue (the circuit breaker's, or
   * Linkerd's for an endpoint) leaves it and is freed; one on its way is
   * detached and stops at its next step (see stopDetached). No outcome is
   * noted for outlier detection: unlike a timeout's cut, a reset of the
   * proxy's own making is no 504 from the host.
   */
  private cutAttempt(call: Frame, att: Frame): void {
    const a = call.current;
    const waiting = att.countersReleased && att.replica < 0 && att.phase === call.attemptStart;
    if (waiting && att.pend === PEND_SINCE + PROXY_QUEUE) {
      att.comp[PROXY_QUEUE] += this.engine.now - att.waitStart;
      att.pend = PEND_NONE;
    }
    this.chargeAbandoned(call, att);
    call.current = -1;
    if (waiting) {
      if (!this.leaveQueues(att.pair, a, att.gen)) this.passHandedRoom(att.pair);
      this.pool.release(a);
      return;
    }
    this.releaseAttemptCounters(att);
    this.stopDetached(a);
  }

  /**
   * Takes a try out of the circuit breaker's queue or the queue for an
   * endpoint; false when it is in neither (handed a connection's room, its
   * dispatch due this instant). A queue for an endpoint it leaves empty is
   * no longer stuck: its fail-fast timer, left running, would put the
   * restarted proxy in fail-fast for tries its last process held.
   */
  private leaveQueues(pair: number, a: number, gen: number): boolean {
    if (this.policy.removePending(pair, a, gen)) return true;
    if (!this.failFast.remove(pair, a, gen)) return false;
    this.failFast.unstick(pair);
    return true;
  }

  /**
   * A try (or a call's walk, see cutOwnWalk) the crash cut, still waiting
   * for an event (a leg, a proxy pass, a handshake, the callee's app): it
   * is detached, so its end is nobody's, and not measured, so a failure it
   * meets on its way is not counted again. Its streams are given back now
   * (an HTTP/1 connection is closed, as for an abandoned try). It stops at
   * its next step: what was still in the proxy or on the wire never reaches
   * the callee. One at the callee's application runs on, as an abandoned
   * try does (the app works for nobody), and its answer is dropped where
   * its try would have ended; a crash of the callee's moves it (resetInProgress),
   * so its end is kept where the walk is sure to meet it.
   */
  private stopDetached(a: number): void {
    const fr = this.frames[a];
    fr.detached = true;
    // At its replica, the frame is also the invoke, which its service still counts (as an abandoned try's):
    // past the app the try meets nothing a measured frame counts.
    if (!fr.atApp) fr.measured = false;
    if (fr.phase !== P_APP) fr.attemptEnd = nextPhase(fr.phases, fr.phase);
    this.resetStreams(fr);
    // Stalled across a partition: the stall ends now, not at its next resend (as for an abandoned try).
    if (fr.stall !== 0) this.engine.schedule(0, H_RETRANSMIT, a, fr.stall);
  }

  /**
   * A call cut while its own frame waits: in one of its own phases at the
   * proxy, or in a try it runs itself (ownTries). The events it waits for
   * name this frame, so the frame stays with them, as a detached try that
   * ends at its next step, and a new frame takes the call on, with what the
   * call has spent until now. Returns the call's frame (this one, when it
   * waited in a queue and no event names it).
   */
  private cutOwnWalk(f: number): number {
    const old = this.frames[f];
    const now = this.engine.now;
    const waiting = old.inTry && old.countersReleased && old.replica < 0 && old.phase === old.attemptStart;
    if (waiting) {
      if (old.pend === PEND_SINCE + PROXY_QUEUE) {
        old.comp[PROXY_QUEUE] += now - old.waitStart;
        old.pend = PEND_NONE;
      }
      // Out of its queue, nothing names it: the call goes on in it.
      if (this.leaveQueues(old.pair, f, old.gen)) return f;
    } else if (old.inTry) this.releaseAttemptCounters(old);
    const g = this.pool.alloc(FRAME_CALL, old.parent);
    this.checkFrames();
    const c = this.frames[g];
    inheritPlace(c, old);
    takeRoute(c, old);
    takeTries(c, old);
    // Its time until now: what it recorded, less a wait's part recorded ahead of now, plus one recorded at its end.
    const comp = c.comp;
    if (old.atApp) {
      // At the callee's app: the try's time until it got there, then its wait for a worker and its work,
      // as a crash there counts them (resetInProgress). The frame's records and its pending wait are the invoke's too.
      this.chargeAtApp(comp, old);
    } else {
      comp.set(old.comp);
      const pend = old.pend;
      if (pend >= PEND_SINCE) comp[pend - PEND_SINCE] += now - old.pendAt;
      else if (pend >= 0 && old.pendAt > now) comp[pend] -= old.pendAt - now;
      if (old.stall !== 0) comp[NETWORK] += now - old.stallSince;
    }
    // The old frame is a try nobody waits for, whatever its walk meets next.
    old.kind = FRAME_ATTEMPT;
    old.user = -1;
    old.retrySlot = false;
    old.countersReleased = true;
    if (waiting) {
      // Handed a connection's room, its dispatch due this instant: the room is the next waiter's, and the event finds the frame gone.
      this.passHandedRoom(old.pair);
      old.detached = true;
      this.pool.release(f);
      return g;
    }
    this.stopDetached(f);
    return g;
  }

  /** A sidecar is back: its pod is ready again, unless its app is down too. A proxy that routes starts with empty resilience state. */
  private proxyRestarted(p: number): void {
    const m = this.model;
    this.forgetRouterState(p);
    for (let r = 0; r < m.replicas.length; r++) {
      if (m.replicas[r].sidecar === p && this.podUp[r]) this.backInService(r);
    }
  }

  /**
   * A restarted proxy (a new process) starts with none of the resilience
   * state its last one kept in memory: per service it routes to, Envoy's
   * outlier detection or Linkerd's failure accrual, Linkerd's fail-fast,
   * and the retry budget's window of calls and retries (Linkerd's budget
   * is a counter in the proxy: a new one starts with only its minimum per
   * second). Only where the policy is the proxy's (placement: mesh):
   * under placement: client they are the client library's, which runs in
   * the application and lives on. A waypoint or gateway never restarts
   * (proxyCrash targets pods' proxies), and the kernel's path (router past
   * the proxies) is no process. The circuit breaker's counts, the
   * concurrent-retry counts and the least-request counts are of tries and
   * retries in flight, which its crash ended, giving them back
   * (resetOutbound): nothing is left of them to clear, and zeroing them
   * here would only hide a try the crash failed to end.
   */
  private forgetRouterState(p: number): void {
    const services = this.model.services;
    for (let s = 0; s < services.length; s++) {
      const pair = this.policy.slotIfAny(p, s);
      if (pair < 0 || services[s].resilience.placement !== 'mesh') continue;
      this.balancer.forget(p, s);
      this.failFast.restarted(pair);
      this.policy.budgets.delete(pair);
    }
  }

  /**
   * Whether a new connection to replica r's pod would be taken now: the pod
   * is up and so is the proxy in front of it (its sidecar, or its node's
   * proxy), or with none, its application. What refused() and the
   * proxy-down checks of connect() and P_SP_REQ fail: a balancer that picks
   * only endpoints it holds a connection to (pickFrom: connectable) skips
   * the others. A pod whose sidecar is up but whose application is not
   * takes the connection (the sidecar answers 503), so it is not skipped.
   */
  private takesConnections(r: number): boolean {
    if (!this.podUp[r]) return false;
    const sp = this.serverProxyOf[r];
    return sp >= 0 ? this.faults.proxyDown[sp] === 0 : this.appUp[r] === 1;
  }

  /** Whether the pod's readiness probes pass: its app is up and, with sidecars, its sidecar too. */
  private probesPass(r: number): boolean {
    const sc = this.model.replicas[r].sidecar;
    return this.appUp[r] === 1 && (sc < 0 || this.faults.proxyDown[sc] === 0);
  }

  /**
   * The pod's probes began failing now: after `delay` (failureThreshold ×
   * period), if they still fail, it leaves its endpoints. One timer an
   * episode: a second fault while they already fail changes nothing.
   */
  private probesFailing(r: number, delay: number): void {
    const tok = this.token();
    this.unreadyToken.set(r, tok);
    this.engine.schedule(delay, H_UNREADY, r, tok);
  }

  /** The probes pass again: the episode is over, and an endpoint removed meanwhile is listed again, unless the pod is on its way out. */
  private backInService(r: number): void {
    if (!this.probesPass(r)) return;
    this.unreadyToken.delete(r);
    const service = this.model.replicas[r].service;
    if (this.wanted[r] && !this.endpoints.lists(service, r)) this.changeEndpoints(service, r, true);
  }

  /**
   * Resets the requests in progress at replica r: each try fails with
   * `cause` (UC) and its reset travels back — through the pod's proxy when
   * the app crashed, past it when the proxy did.
   */
  /**
   * `through`: only the requests whose try came in through this proxy (a
   * crashed one). Under nodeProxyTraffic: l7 a call no L7 policy selects
   * reaches its pod by the kernel's path, past the node's proxy, so that
   * proxy's crash does not reset it (as it does not refuse the next one).
   */
  private resetInProgress(r: number, cause: number, through = -1): void {
    const inProgress: number[] = [];
    for (let i = this.inProgressHead[r]; i >= 0; i = this.frames[i].nextAtReplica) inProgress.push(i);
    for (const i of inProgress) {
      const inv = this.frames[i];
      if (inv.kind === FRAME_INVOKE) continue;
      if (through >= 0 && inv.sp !== through) continue;
      if (inv.measured) this.services[inv.service].failed++;
      // The invoke stays on this frame, working for nobody; the try goes back on a frame of its own.
      const a = this.leaveInvoke(i);
      const att = this.frames[a];
      this.fail(att, cause, att.service, r, flagIndex('UC'), this.meshCaused(cause, att));
      // The app's reset reaches the caller as its sidecar's 503, unless the sidecar itself went down.
      if (cause === CAUSE_REPLICA_CRASH && this.behindLiveSidecar(att)) att.answered = true;
      att.responseSize = 0;
      att.phase = cause === CAUSE_PROXY_RESET ? (att.wp >= 0 ? P_NET2_BACK : P_NET1_BACK) : P_LOCAL_IN_BACK;
      this.advance(a);
    }
  }

  /**
   * What a try at its replica has spent until now, into `comp`: what it had
   * when it got there, then the invoke's wait for a worker and its work
   * (and calls) until now. The invoke's own records (in `inv.comp`, beside
   * the try's) are left out: a cut charges the app's time by the clock.
   */
  private chargeAtApp(comp: Float64Array, inv: Frame): void {
    const now = this.engine.now;
    comp.set(inv.tryComp);
    if (inv.workStart < 0) comp[APP_QUEUE] += now - inv.appStart;
    else {
      comp[APP_QUEUE] += inv.workStart - inv.appStart;
      comp[APP_WORK] += now - inv.workStart;
    }
  }

  /**
   * A try at its replica whose replica crashed: the invoke runs on, for
   * nobody, on this frame (events, the replica's queue and in-progress list
   * and its calls in flight name it), which becomes FRAME_INVOKE, detached;
   * the try moves to a new frame that takes its place under its call (or
   * its parent, for a call running its own tries), with what it has spent
   * until now (chargeAtApp). Returns the try's new frame.
   */
  private leaveInvoke(i: number): number {
    const old = this.frames[i];
    const ownTry = old.kind === FRAME_CALL;
    const g = this.pool.alloc(old.kind, old.parent);
    this.checkFrames();
    const c = this.frames[g];
    inheritPlace(c, old);
    takeRoute(c, old);
    this.pool.replaceKid(old.parent, i, old.gen, g);
    c.measured = old.measured;
    c.detached = old.detached;
    c.replica = old.replica;
    c.responseSize = old.responseSize;
    c.sp = old.sp;
    c.conn1 = old.conn1;
    c.conn2 = old.conn2;
    old.conn1 = null;
    old.conn2 = null;
    c.phase = old.phase;
    c.isRetry = old.isRetry;
    c.countersReleased = old.countersReleased;
    c.inTry = old.inTry;
    // (Failed before it got here it was not: only a call's earlier try's failure, which knownLateCause reads.)
    c.failed = old.failed;
    c.cause = old.cause;
    c.causeService = old.causeService;
    c.causeReplica = old.causeReplica;
    c.failedHere = old.failedHere;
    c.answered = old.answered;
    c.status = old.status;
    c.flag = old.flag;
    c.meshCaused = old.meshCaused;
    if (ownTry) {
      // A call running its own tries (no timeout: no timer names it) moves whole, as a proxy's crash moves one (cutOwnWalk).
      takeTries(c, old);
      old.retrySlot = false;
    } else {
      const call = this.frames[old.parent];
      if (call.current === i && call.currentGen === old.gen) {
        call.current = g;
        call.currentGen = c.gen;
      }
    }
    this.chargeAtApp(c.comp, old);
    old.kind = FRAME_INVOKE;
    old.detached = true;
    old.user = -1;
    return g;
  }

  /** Readiness probes have failed long enough: the endpoint is removed (if they still fail). */
  private onUnready(r: number, tok: number): void {
    if (this.unreadyToken.get(r) !== tok || this.probesPass(r)) return;
    this.changeEndpoints(this.model.replicas[r].service, r, false);
  }

  /** Lists or unlists a pod; only a change the endpoints did not have already is pushed (a pod scaled away before it was listed is none). */
  private changeEndpoints(service: number, r: number, add: boolean): void {
    const before = this.endpoints.latest;
    if (this.endpoints.change(service, r, add) === before) return;
    this.controlPlane.noteChange();
    this.discovery?.noteChange();
  }

  private restart(r: number): void {
    if (!this.podUp[r] || this.exited[r]) {
      this.unreadyToken.delete(r);
      return;
    }
    this.setUp(r, 1, 1);
    this.backInService(r);
  }
}
