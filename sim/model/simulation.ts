import { Engine } from '../engine/engine.js';
import { RandomStreams, type Rng } from '../engine/rng.js';
import { BatchedLatency } from '../stats/batched.js';
import { TimeAverage } from '../stats/timeAverage.js';
import type { RuntimeModel, RuntimeService, CompiledStep } from './build.js';
import { STEP_CALL, STEP_SEQUENCE } from './build.js';
import { APP_QUEUE, APP_WORK, COMPONENT_COUNT, MTLS, NETWORK, PROXY_QUEUE, PROXY_WORK } from './components.js';
import { CAUSE_QUEUE_FULL } from './causes.js';
import { ConnectionPools, type Connection } from './connections.js';
import { SharedCpu } from './cpu.js';
import { CompositionByLatency } from './composition.js';
import {
  FramePool, FRAME_CALL, FRAME_INVOKE, FRAME_PARALLEL, FRAME_ROOT, FRAME_SEQUENCE, type Frame,
} from './frames.js';
import { IntQueue } from './intQueue.js';
import { ArrivalProcess } from './arrivals.js';
import { TaskPool, TASK_APP, TASK_HANDSHAKE, TASK_PROXY, TASK_TELEMETRY } from './tasks.js';

export const BATCHES = 20;

/**
 * More call frames than this in flight means queues are growing without
 * bound; the run is stopped rather than left to eat memory for an answer
 * that only says "it is overloaded". ~200 bytes a frame: ~400 MB.
 */
export const MAX_FRAMES_IN_FLIGHT = 2_000_000;

/** The model reached a state where its results would mean nothing (e.g. unbounded overload). */
export class SimulationAbort extends Error {
  constructor(message: string, readonly hint: string) {
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

export interface EntryCollector {
  latency: BatchedLatency;
  failed: number;
  /** Failed measured requests by (cause × services + service where it began). */
  failures: Map<number, number>;
  /** Sums of each component over measured successful requests. */
  decomposition: Float64Array;
  /** The same sums by latency, to read the composition at p50 and p99. */
  composition: CompositionByLatency;
  inSystem: TimeAverage;
  /** Time-average number of requests in the system over the measurement window. */
  meanInSystem: number;
}

export interface ServiceCollector {
  /** Measured arrivals at the service's replicas. */
  arrivals: number;
  rejected: number;
  /** Server-side latency: arrival at the replica to response sent. */
  latency: BatchedLatency;
  waited: number;
  queueWaitSum: number;
  /** Application CPU-seconds spent by measured requests. */
  cpuSeconds: number;
  busyWorkers: TimeAverage;
  inSystem: TimeAverage;
  meanBusyWorkers: number;
  meanInSystem: number;
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
  peakFramesInUse: number;
}

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
export function simulate(model: RuntimeModel, limits: SimulationLimits): SimulationOutcome {
  return new Simulation(model, limits).run();
}

// Phases of a call frame, in path order. The LOCAL legs are the
// redirection between a pod and its own sidecar or node proxy (loopback,
// veth): real kernel network traversals, costed as same-node latency.
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
// Sub-phases of opening a connection (frame.hs): client CPU, round trips, server CPU.
const HS_NONE = 0;
const HS_CLIENT = 1;
const HS_TRIPS = 2;
const HS_SERVER = 3;

class Simulation {
  private readonly engine = new Engine();
  private readonly pool = new FramePool();
  private readonly tasks = new TaskPool();
  private readonly frames: Frame[];
  private readonly model: RuntimeModel;
  private readonly limits: SimulationLimits;

  private readonly serviceRng: Rng[];
  private readonly branchRng: Rng[];
  private readonly networkRng: Rng[];
  private readonly lbRng: Rng[];
  private readonly proxyRng: Rng[];
  private readonly arrivals: ArrivalProcess[];

  /** Per replica: busy workers, waiting invokes, requests present. */
  private readonly busy: Int32Array;
  private readonly waiting: IntQueue[];
  private readonly present: Int32Array;
  private readonly rrNext: Int32Array;
  /** Per proxy: busy worker threads and waiting tasks. */
  private readonly proxyBusy: Int32Array;
  private readonly proxyWaiting: IntQueue[];
  /** Round-robin cursors over an entry's client proxies (gateways) and over waypoints. */
  private readonly entryProxyNext: Int32Array;
  private waypointNext = 0;
  /** Per node: its shared CPU, or null when each pod and proxy has its own. */
  private readonly cpus: Array<SharedCpu | null>;
  private readonly finished: number[] = [];
  private nodeStats: NodeCollector[] = [];
  private readonly conns: ConnectionPools;

  private readonly entries: EntryCollector[];
  private readonly services: ServiceCollector[];
  private readonly proxies: ProxyCollector[];

  private measuredDone = 0;
  private peakFrames = 0;
  private readonly offerUntil: number;
  private readonly warmup: number;
  private readonly stopAfter: number;
  private readonly maxFrames: number;
  private windowEnd = NaN;
  private measuring = false;

  private readonly hArrival: number;
  private readonly hThinkDone: number;
  private readonly hAdvance: number;
  private readonly hWorkDone: number;
  private readonly hTaskCpuDone: number;
  private readonly hSharedCpu: number;
  private readonly hHandshake: number;
  private readonly hConnReady: number;
  private readonly hWarmupEnd: number;
  private readonly hWindowEnd: number;

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
    this.lbRng = model.services.map((s) => streams.stream(`lb/${s.name}`));
    this.proxyRng = model.proxies.map((p) => streams.stream(`proxy/${p.kind}/${p.label}`));
    this.arrivals = model.entries.map((e) => new ArrivalProcess(e.arrivals, streams.stream(`arrivals/${e.name}`)));

    const nReplicas = model.replicas.length;
    this.busy = new Int32Array(nReplicas);
    this.present = new Int32Array(nReplicas);
    this.waiting = model.replicas.map(() => new IntQueue());
    this.rrNext = new Int32Array(model.services.length);
    this.proxyBusy = new Int32Array(model.proxies.length);
    this.proxyWaiting = model.proxies.map(() => new IntQueue());
    this.entryProxyNext = new Int32Array(model.entries.length);

    const e = this.engine;
    this.hArrival = e.register((entry) => this.onArrival(entry));
    this.hThinkDone = e.register((entry, user) => this.startRequest(entry, user));
    this.hAdvance = e.register((f, gen) => this.onAdvance(f, gen));
    this.hWorkDone = e.register((f) => this.onWorkDone(f));
    this.hTaskCpuDone = e.register((t) => this.onTaskCpuDone(t));
    this.hSharedCpu = e.register((node, gen) => this.onSharedCpu(node, gen));
    this.hHandshake = e.register((f, gen) => {
      if (this.frames[f].gen === gen) this.handshakeStep(f);
    });
    this.hConnReady = e.register((f, gen) => this.onConnReady(f, gen));
    this.hWarmupEnd = e.register(() => this.onWarmupEnd());
    this.hWindowEnd = e.register(() => this.onWindowEnd());

    this.cpus = model.nodes.map((n) => (n.shared ? new SharedCpu(e, n.cores, this.hSharedCpu, n.index) : null));

    this.entries = model.entries.map(() => ({
      latency: new BatchedLatency(BATCHES),
      failed: 0,
      failures: new Map<number, number>(),
      decomposition: new Float64Array(COMPONENT_COUNT),
      composition: new CompositionByLatency(),
      inSystem: new TimeAverage(),
      meanInSystem: 0,
    }));
    this.services = model.services.map(() => ({
      arrivals: 0,
      rejected: 0,
      latency: new BatchedLatency(BATCHES),
      waited: 0,
      queueWaitSum: 0,
      cpuSeconds: 0,
      busyWorkers: new TimeAverage(),
      inSystem: new TimeAverage(),
      meanBusyWorkers: 0,
      meanInSystem: 0,
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
    this.conns = new ConnectionPools(
      model.proxies.length,
      model.mtls.streamsPerConnection,
      model.mtls.idleTimeout,
      model.mtls.resumption,
      (proxy, now, delta) => this.proxies[proxy].openConnections.add(now, delta),
    );
  }

  run(): SimulationOutcome {
    const e = this.engine;
    if (this.warmup > 0) e.scheduleAt(this.warmup, this.hWarmupEnd);
    else this.onWarmupEnd();
    if (Number.isFinite(this.offerUntil)) e.scheduleAt(Math.max(this.offerUntil, this.warmup), this.hWindowEnd);
    for (const entry of this.model.entries) {
      const arr = this.arrivals[entry.index];
      if (entry.arrivals.kind === 'closed') {
        const think = entry.thinkTime as NonNullable<typeof entry.thinkTime>;
        for (let u = 0; u < entry.arrivals.users; u++) {
          // Users start staggered by one think time, as after a long idle period.
          e.scheduleAt(think(arr.rng), this.hThinkDone, entry.index, u);
        }
      } else {
        const t = arr.next(0);
        if (t < this.offerUntil) e.scheduleAt(t, this.hArrival, entry.index);
      }
    }
    e.run();
    if (Number.isNaN(this.windowEnd)) this.onWindowEnd();
    return {
      limits: this.limits,
      measuredTime: Math.max(0, this.windowEnd - this.warmup),
      endTime: e.now,
      events: e.eventsProcessed,
      entries: this.entries,
      services: this.services,
      proxies: this.proxies,
      nodes: this.nodeStats,
      peakFramesInUse: this.peakFrames,
    };
  }

  private onWarmupEnd(): void {
    const t = this.engine.now;
    this.measuring = true;
    for (const c of this.entries) c.inSystem.start(t);
    for (const c of this.services) {
      c.busyWorkers.start(t);
      c.inSystem.start(t);
    }
    for (const c of this.proxies) {
      c.busyWorkers.start(t);
      c.openConnections.start(t);
    }
    for (const c of this.cpus) c?.busyCores.start(t);
  }

  /**
   * Closes the time averages when load stops being offered (or the request
   * count is reached), so the drain that follows does not dilute them.
   */
  private onWindowEnd(): void {
    const t = this.engine.now;
    this.windowEnd = t;
    for (const c of this.entries) c.meanInSystem = c.inSystem.mean(t);
    for (const c of this.services) {
      c.meanBusyWorkers = c.busyWorkers.mean(t);
      c.meanInSystem = c.inSystem.mean(t);
    }
    for (const c of this.proxies) {
      c.meanBusyWorkers = c.busyWorkers.mean(t);
      c.meanOpenConnections = c.openConnections.mean(t);
    }
    this.nodeStats = this.cpus.map((c) => ({ meanBusyCores: c ? c.busyCores.mean(t) : NaN }));
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
    for (let p = 0; p < this.proxyWaiting.length; p++) {
      if (this.proxyWaiting[p].length > (worstProxy < 0 ? this.waiting[worst].length : this.proxyWaiting[worstProxy].length)) worstProxy = p;
    }
    if (worstProxy >= 0) {
      const p = this.model.proxies[worstProxy];
      throw new SimulationAbort(
        `stopped at t=${this.engine.now.toFixed(1)}s with ${this.proxyWaiting[worstProxy].length.toLocaleString('en-US')} requests ` +
          `waiting at the ${p.kind} proxy "${p.label}": its worker threads cannot keep up and its queue keeps growing`,
        `the offered load exceeds what the mesh's proxies can process; give the proxy more workers in the mesh profile, add replicas, or lower the rate`,
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

  // ---- load ----------------------------------------------------------------

  private onArrival(entry: number): void {
    const next = this.arrivals[entry].next(this.engine.now);
    if (next < this.offerUntil) this.engine.scheduleAt(next, this.hArrival, entry);
    this.startRequest(entry, -1);
  }

  private startRequest(entryIndex: number, user: number): void {
    const now = this.engine.now;
    if (user >= 0 && now >= this.offerUntil) return;
    const entry = this.model.entries[entryIndex];
    const r = this.pool.alloc(FRAME_ROOT, -1);
    const root = this.frames[r];
    root.entry = entryIndex;
    root.owner = -1;
    root.node = entry.node;
    root.start = now;
    root.user = user;
    root.measured = now >= this.warmup;
    const cps = entry.clientProxies;
    if (cps.length === 0) root.egress = -1;
    else {
      const i = this.entryProxyNext[entryIndex];
      this.entryProxyNext[entryIndex] = (i + 1) % cps.length;
      root.egress = cps[i];
    }
    this.entries[entryIndex].inSystem.add(now, 1);
    this.startCall(r, entry.target, entry.requestSize);
  }

  private finishRequest(r: number): void {
    const root = this.frames[r];
    const now = this.engine.now;
    const c = this.entries[root.entry];
    c.inSystem.add(now, -1);
    if (root.measured) {
      if (root.failed) {
        c.failed++;
        const key = root.cause * this.model.services.length + root.causeService;
        c.failures.set(key, (c.failures.get(key) ?? 0) + 1);
      } else {
        const latency = now - root.start;
        c.latency.record(latency, this.batch());
        for (let k = 0; k < COMPONENT_COUNT; k++) c.decomposition[k] += root.comp[k];
        c.composition.record(latency, root.comp);
      }
      this.measuredDone++;
      if (this.measuredDone >= this.stopAfter) this.engine.stop();
    }
    const user = root.user;
    const entryIndex = root.entry;
    this.pool.release(r);
    if (user >= 0) {
      const entry = this.model.entries[entryIndex];
      const think = entry.thinkTime as NonNullable<typeof entry.thinkTime>;
      this.engine.schedule(think(this.arrivals[entryIndex].rng), this.hThinkDone, entryIndex, user);
    }
  }

  // ---- the hop -------------------------------------------------------------

  private networkDelay(fromNode: number, toNode: number, service: number, bytes: number): number {
    const m = this.model;
    const rng = this.networkRng[service];
    const latency = fromNode === toNode
      ? m.sameNode(rng)
      : m.nodes[fromNode].zone === m.nodes[toNode].zone ? m.sameZone(rng) : m.crossZone(rng);
    return latency + bytes * m.secondsPerByte;
  }

  private pickReplica(service: RuntimeService): number {
    const reps = service.replicas;
    const n = reps.length;
    if (n === 1) return reps[0];
    switch (service.loadBalancer) {
      case 'round_robin': {
        const i = this.rrNext[service.index];
        this.rrNext[service.index] = (i + 1) % n;
        return reps[i];
      }
      case 'random':
        return reps[Math.floor(this.lbRng[service.index]() * n)];
      case 'least_request': {
        // Envoy's least-request: the better of two random choices (P2C).
        const rng = this.lbRng[service.index];
        const a = reps[Math.floor(rng() * n)];
        const b = reps[Math.floor(rng() * n)];
        return this.present[b] < this.present[a] ? b : a;
      }
    }
  }

  private startCall(parent: number, service: number, requestSize: number): void {
    const f = this.pool.alloc(FRAME_CALL, parent);
    if (this.pool.inUse > this.peakFrames) {
      this.peakFrames = this.pool.inUse;
      if (this.peakFrames > this.maxFrames) this.abortOverloaded();
    }
    const call = this.frames[f];
    const m = this.model;
    const svc = m.services[service];
    call.service = service;
    call.requestSize = requestSize;
    call.replica = this.pickReplica(svc);
    const rep = m.replicas[call.replica];
    // The caller's side of the hop: its own sidecar or node proxy, or the gateway for entry traffic.
    call.cp = call.egress;
    call.sp = m.mesh.mode === 'sidecar' ? rep.sidecar : m.mesh.mode === 'ambient' ? m.nodeProxy[rep.node] : -1;
    call.wp = -1;
    if (svc.l7 && m.waypoints.length > 0) {
      call.wp = m.waypoints[this.waypointNext];
      this.waypointNext = (this.waypointNext + 1) % m.waypoints.length;
    }
    call.phase = P_PRE_NET;
    this.advance(f);
  }

  /** An event resumed a call frame (network leg done, connection ready). */
  private onAdvance(f: number, gen: number): void {
    const call = this.frames[f];
    if (call.gen !== gen) return;
    call.phase++;
    this.advance(f);
  }

  /** Delays the frame by `d` (attributed to `component`), then moves it to its next phase. */
  private wait(f: number, d: number, component: number): void {
    const call = this.frames[f];
    call.comp[component] += d;
    this.engine.schedule(d, this.hAdvance, f, call.gen);
  }

  /** Walks a call's phases until one has to wait; phases without their proxy are skipped. */
  private advance(f: number): void {
    const m = this.model;
    const call = this.frames[f];
    for (;;) {
      const cp = call.cp, wp = call.wp, sp = call.sp;
      switch (call.phase) {
        case P_PRE_NET:
          if (cp >= 0 && m.proxies[cp].kind === 'gateway') {
            return this.wait(f, this.networkDelay(call.node, m.proxies[cp].node, call.service, call.requestSize), NETWORK);
          }
          break;
        case P_LOCAL_OUT:
          if (cp >= 0 && m.proxies[cp].kind !== 'gateway') {
            return this.wait(f, this.networkDelay(call.node, m.proxies[cp].node, call.service, 0), NETWORK);
          }
          break;
        case P_CP_REQ:
          if (cp >= 0) return this.proxyRequest(f, cp, call.requestSize);
          break;
        case P_CONNECT1: {
          const next = wp >= 0 ? wp : sp;
          if (m.mtls.enabled && cp >= 0 && next >= 0 && this.connect(f, cp, next, 1)) return;
          break;
        }
        case P_NET1: {
          const from = cp >= 0 ? m.proxies[cp].node : call.node;
          const to = wp >= 0 ? m.proxies[wp].node : m.replicas[call.replica].node;
          return this.wait(f, this.networkDelay(from, to, call.service, call.requestSize), NETWORK);
        }
        case P_WP_REQ:
          if (wp >= 0) return this.proxyRequest(f, wp, call.requestSize);
          break;
        case P_CONNECT2:
          if (wp >= 0 && m.mtls.enabled && sp >= 0 && this.connect(f, wp, sp, 2)) return;
          break;
        case P_NET2:
          if (wp >= 0) {
            return this.wait(f, this.networkDelay(m.proxies[wp].node, m.replicas[call.replica].node, call.service, call.requestSize), NETWORK);
          }
          break;
        case P_SP_REQ:
          if (sp >= 0) return this.proxyRequest(f, sp, call.requestSize);
          break;
        case P_LOCAL_IN:
          if (sp >= 0) {
            return this.wait(f, this.networkDelay(m.proxies[sp].node, m.replicas[call.replica].node, call.service, 0), NETWORK);
          }
          break;
        case P_APP:
          return this.arriveAtReplica(f);
        case P_LOCAL_IN_BACK:
          if (sp >= 0) {
            return this.wait(f, this.networkDelay(m.replicas[call.replica].node, m.proxies[sp].node, call.service, 0), NETWORK);
          }
          break;
        case P_SP_RESP:
          if (sp >= 0) return this.proxyResponse(f, sp);
          break;
        case P_NET2_BACK:
          if (wp >= 0) {
            return this.wait(f, this.networkDelay(m.replicas[call.replica].node, m.proxies[wp].node, call.service, call.responseSize), NETWORK);
          }
          break;
        case P_WP_RESP:
          if (call.conn2) {
            this.conns.release(call.conn2, this.engine.now);
            call.conn2 = null;
          }
          if (wp >= 0) return this.proxyResponse(f, wp);
          break;
        case P_NET1_BACK: {
          const from = wp >= 0 ? m.proxies[wp].node : m.replicas[call.replica].node;
          const to = cp >= 0 ? m.proxies[cp].node : call.node;
          return this.wait(f, this.networkDelay(from, to, call.service, call.responseSize), NETWORK);
        }
        case P_CP_RESP:
          if (call.conn1) {
            this.conns.release(call.conn1, this.engine.now);
            call.conn1 = null;
          }
          if (cp >= 0) return this.proxyResponse(f, cp);
          break;
        case P_LOCAL_OUT_BACK:
          if (cp >= 0 && m.proxies[cp].kind !== 'gateway') {
            return this.wait(f, this.networkDelay(m.proxies[cp].node, call.node, call.service, 0), NETWORK);
          }
          break;
        case P_POST_NET:
          if (cp >= 0 && m.proxies[cp].kind === 'gateway') {
            return this.wait(f, this.networkDelay(m.proxies[cp].node, call.node, call.service, call.responseSize), NETWORK);
          }
          break;
        case P_DONE:
          this.childDone(f);
          return;
        default:
          throw new Error(`call frame in unknown phase ${call.phase}`);
      }
      call.phase++;
    }
  }

  // ---- proxies -------------------------------------------------------------

  private proxyRequest(f: number, proxy: number, bytes: number): void {
    const spec = this.model.proxies[proxy].spec;
    const rng = this.proxyRng[proxy];
    const work = spec.requestCost(rng) + bytes * spec.cpuPerByte;
    this.submitProxyTask(TASK_PROXY, f, proxy, work, 0);
  }

  private proxyResponse(f: number, proxy: number): void {
    const spec = this.model.proxies[proxy].spec;
    const rng = this.proxyRng[proxy];
    const work = spec.responseCost(rng) + this.frames[f].responseSize * spec.cpuPerByte;
    if (this.frames[f].measured) this.proxies[proxy].requests++;
    this.submitProxyTask(TASK_PROXY, f, proxy, work, spec.telemetryCost(rng));
  }

  /** Queues work for one of the proxy's worker threads; `telemetry` runs after it on the same thread. */
  private submitProxyTask(kind: number, f: number, proxy: number, work: number, telemetry: number): void {
    const t = this.tasks.alloc();
    const task = this.tasks.items[t];
    task.kind = kind;
    task.frame = f;
    task.frameGen = this.frames[f].gen;
    task.proxy = proxy;
    task.work = work;
    task.telemetry = telemetry;
    task.enqueued = this.engine.now;
    if (this.proxyBusy[proxy] < this.model.proxies[proxy].spec.workers) this.startProxyTask(t);
    else this.proxyWaiting[proxy].push(t);
  }

  private startProxyTask(t: number): void {
    const task = this.tasks.items[t];
    const now = this.engine.now;
    const p = task.proxy;
    this.proxyBusy[p]++;
    this.proxies[p].busyWorkers.add(now, 1);
    const frame = this.frames[task.frame];
    frame.comp[task.kind === TASK_HANDSHAKE ? MTLS : PROXY_QUEUE] += now - task.enqueued;
    task.started = now;
    this.runCpu(t, this.model.proxies[p].node, task.work);
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
    if (this.measuring) {
      if (task.kind === TASK_APP) this.services[task.service].cpuSeconds += work;
      else this.proxies[task.proxy].cpuSeconds += work;
    }
    const cpu = this.cpus[node];
    if (cpu) cpu.add(t, work);
    else this.engine.schedule(work, this.hTaskCpuDone, t);
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
        if (alive) frame.comp[task.kind === TASK_HANDSHAKE ? MTLS : PROXY_WORK] += now - task.started;
        if (task.telemetry > 0) {
          // Telemetry runs after the response has gone on, on the same
          // thread: it delays the proxy's next request, not this one.
          task.kind = TASK_TELEMETRY;
          this.runCpu(t, this.model.proxies[task.proxy].node, task.telemetry);
        } else {
          this.releaseProxyWorker(task.proxy);
          this.tasks.release(t);
        }
        if (!alive) return;
        if (frame.hs !== HS_NONE) this.handshakeStep(f);
        else {
          frame.phase++;
          this.advance(f);
        }
        return;
      }
      default:
        throw new Error(`task of unknown kind ${task.kind}`);
    }
  }

  // ---- mTLS connections ----------------------------------------------------

  /**
   * Gets the frame a stream from proxy `from` to proxy `to`. Returns false
   * when one was free (the frame goes straight on), true when the frame now
   * waits for a handshake (its own, or one in progress it joined).
   */
  private connect(f: number, from: number, to: number, slot: 1 | 2): boolean {
    const now = this.engine.now;
    const call = this.frames[f];
    const existing = this.conns.acquire(from, to, now);
    if (existing) {
      if (slot === 1) call.conn1 = existing;
      else call.conn2 = existing;
      if (existing.ready) return false;
      // Joins a connection still handshaking: waits for it, as HTTP/2 streams do.
      call.waitStart = now;
      existing.waiters.push(f, call.gen);
      return true;
    }
    const { conn, resumed } = this.conns.openNew(from, to, now);
    if (slot === 1) call.conn1 = conn;
    else call.conn2 = conn;
    if (call.measured) {
      if (resumed) this.proxies[from].resumptions++;
      else this.proxies[from].handshakes++;
    }
    call.hsResumed = resumed;
    call.hsFrom = from;
    call.hsTo = to;
    call.hsConn = conn;
    call.hs = HS_CLIENT;
    const mtls = this.model.mtls;
    const cpu = resumed ? mtls.resumeCpu : mtls.handshakeCpu;
    this.submitProxyTask(TASK_HANDSHAKE, f, from, cpu(this.proxyRng[from]), 0);
    return true;
  }

  /** The next step of a handshake this frame is doing, after its previous step finished. */
  private handshakeStep(f: number): void {
    const call = this.frames[f];
    const m = this.model;
    if (call.hs === HS_CLIENT) {
      call.hs = HS_TRIPS;
      const trips = call.hsResumed ? m.mtls.resumeRoundTrips : m.mtls.handshakeRoundTrips;
      const a = m.proxies[call.hsFrom].node, b = m.proxies[call.hsTo].node;
      let d = 0;
      for (let i = 0; i < trips; i++) d += this.networkDelay(a, b, call.service, 0) + this.networkDelay(b, a, call.service, 0);
      call.comp[MTLS] += d;
      this.engine.schedule(d, this.hHandshake, f, call.gen);
      return;
    }
    if (call.hs === HS_TRIPS) {
      call.hs = HS_SERVER;
      const cpu = call.hsResumed ? m.mtls.resumeCpu : m.mtls.handshakeCpu;
      this.submitProxyTask(TASK_HANDSHAKE, f, call.hsTo, cpu(this.proxyRng[call.hsTo]), 0);
      return;
    }
    // HS_SERVER done: the connection is up; wake whoever joined it meanwhile.
    call.hs = HS_NONE;
    const conn = call.hsConn as Connection;
    call.hsConn = null;
    conn.ready = true;
    const w = conn.waiters;
    for (let i = 0; i < w.length; i += 2) this.engine.schedule(0, this.hConnReady, w[i], w[i + 1]);
    w.length = 0;
    call.phase++;
    this.advance(f);
  }

  /** A connection this frame joined while it was handshaking is ready. */
  private onConnReady(f: number, gen: number): void {
    const call = this.frames[f];
    if (call.gen !== gen) return;
    call.comp[MTLS] += this.engine.now - call.waitStart;
    call.phase++;
    this.advance(f);
  }

  // ---- the application -----------------------------------------------------

  private arriveAtReplica(f: number): void {
    const call = this.frames[f];
    const now = this.engine.now;
    const rep = call.replica;
    const svc = this.model.services[call.service];
    const sc = this.services[call.service];
    const measured = now >= this.warmup;
    if (measured) sc.arrivals++;
    if (this.busy[rep] >= svc.workers && this.waiting[rep].length >= svc.queueCapacity) {
      if (measured) sc.rejected++;
      this.fail(call, CAUSE_QUEUE_FULL, call.service, rep);
      call.responseSize = 0;
      call.phase++;
      this.advance(f);
      return;
    }
    const i = this.pool.alloc(FRAME_INVOKE, f);
    const inv = this.frames[i];
    const replica = this.model.replicas[rep];
    inv.service = call.service;
    inv.replica = rep;
    inv.owner = call.service;
    inv.node = replica.node;
    inv.egress = replica.sidecar >= 0 ? replica.sidecar : this.model.nodeProxy[replica.node];
    inv.start = now;
    inv.measured = measured;
    this.present[rep]++;
    sc.inSystem.add(now, 1);
    if (this.busy[rep] < svc.workers) this.beginWork(i);
    else this.waiting[rep].push(i);
  }

  private beginWork(i: number): void {
    const inv = this.frames[i];
    const now = this.engine.now;
    const rep = inv.replica;
    const svc = this.model.services[inv.service];
    const sc = this.services[inv.service];
    this.busy[rep]++;
    sc.busyWorkers.add(now, 1);
    const wait = now - inv.start;
    inv.comp[APP_QUEUE] += wait;
    if (inv.measured) {
      if (wait > 0) sc.waited++;
      sc.queueWaitSum += wait;
    }
    const work = svc.serviceTime(this.serviceRng[svc.index]);
    inv.workStart = now;
    const cpu = this.cpus[inv.node];
    if (cpu) {
      const t = this.tasks.alloc();
      const task = this.tasks.items[t];
      task.kind = TASK_APP;
      task.frame = i;
      task.frameGen = inv.gen;
      task.service = svc.index;
      this.runCpu(t, inv.node, work);
      return;
    }
    if (this.measuring) sc.cpuSeconds += work;
    // On a dedicated CPU the work and the off-CPU wait are both plain delays.
    const io = svc.ioTime ? svc.ioTime(this.serviceRng[svc.index]) : 0;
    inv.comp[APP_WORK] += work + io;
    this.engine.schedule(work + io, this.hWorkDone, i);
  }

  /** CPU work on a shared node finished; the off-CPU part (if any) follows. */
  private afterAppCpu(i: number): void {
    const inv = this.frames[i];
    const svc = this.model.services[inv.service];
    const io = svc.ioTime ? svc.ioTime(this.serviceRng[svc.index]) : 0;
    inv.comp[APP_WORK] += this.engine.now - inv.workStart + io;
    if (io > 0) this.engine.schedule(io, this.hWorkDone, i);
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
    if (svc.calls.length > 0) {
      const s = this.pool.alloc(FRAME_SEQUENCE, i);
      this.frames[s].steps = svc.calls;
      if (this.advanceSequence(s, true)) return;
      this.pool.release(s);
    }
    this.finishInvoke(i);
  }

  private finishInvoke(i: number): void {
    const inv = this.frames[i];
    const now = this.engine.now;
    const svc = this.model.services[inv.service];
    const sc = this.services[inv.service];
    if (svc.holdWorkerDuringCalls) this.releaseWorker(inv.replica, inv.service);
    this.present[inv.replica]--;
    sc.inSystem.add(now, -1);
    if (inv.measured && !inv.failed) sc.latency.record(now - inv.start, this.batch());
    const f = inv.parent;
    const call = this.frames[f];
    this.absorb(call, inv);
    this.pool.release(i);
    call.responseSize = svc.responseSize;
    call.phase++;
    this.advance(f);
  }

  // ---- steps ---------------------------------------------------------------

  /**
   * Starts the remaining steps of a sequence until one is in flight. Returns
   * false when the sequence ran out of steps; on the first pass the caller
   * then treats it as skipped, later it completes to its parent.
   */
  private advanceSequence(s: number, first: boolean): boolean {
    const seq = this.frames[s];
    while (seq.next < seq.steps.length) {
      const step = seq.steps[seq.next++];
      if (this.startStep(s, step)) return true;
    }
    if (!first) this.childDone(s);
    return false;
  }

  /** Starts a step under `parent`; false when it was skipped by its probability or has nothing to do. */
  private startStep(parent: number, step: CompiledStep): boolean {
    if (step.probability < 1) {
      const owner = this.frames[parent].owner;
      if (!(this.branchRng[owner]() < step.probability)) return false;
    }
    if (step.kind === STEP_CALL) {
      this.startCall(parent, step.service, step.requestSize);
      return true;
    }
    if (step.kind === STEP_SEQUENCE) {
      const s = this.pool.alloc(FRAME_SEQUENCE, parent);
      this.frames[s].steps = step.steps;
      if (this.advanceSequence(s, true)) return true;
      this.pool.release(s);
      return false;
    }
    const p = this.pool.alloc(FRAME_PARALLEL, parent);
    const par = this.frames[p];
    par.steps = step.steps;
    let started = 0;
    for (const branch of step.steps) if (this.startStep(p, branch)) started++;
    if (started === 0) {
      this.pool.release(p);
      return false;
    }
    par.pending = started;
    return true;
  }

  /** A child finished (in flight until now); hand its result to the parent. */
  private childDone(c: number): void {
    const child = this.frames[c];
    const p = child.parent;
    const parent = this.frames[p];
    switch (parent.kind) {
      case FRAME_ROOT:
        this.absorb(parent, child);
        this.pool.release(c);
        this.finishRequest(p);
        return;
      case FRAME_SEQUENCE:
        this.absorb(parent, child);
        this.pool.release(c);
        if (parent.failed) this.childDone(p);
        else this.advanceSequence(p, false);
        return;
      case FRAME_PARALLEL:
        // Branches started together, so the last to finish is the critical
        // path: its components replace what earlier branches left.
        parent.comp.set(child.comp);
        if (child.failed && !parent.failed) this.fail(parent, child.cause, child.causeService, child.causeReplica);
        this.pool.release(c);
        if (--parent.pending === 0) this.childDone(p);
        return;
      case FRAME_INVOKE:
        this.absorb(parent, child);
        this.pool.release(c);
        this.finishInvoke(p);
        return;
      default:
        throw new Error(`frame kind ${parent.kind} cannot have children`);
    }
  }

  /** Adds a finished child's time components and failure to its parent. */
  private absorb(parent: Frame, child: Frame): void {
    for (let k = 0; k < COMPONENT_COUNT; k++) parent.comp[k] += child.comp[k];
    if (child.failed && !parent.failed) this.fail(parent, child.cause, child.causeService, child.causeReplica);
  }

  private fail(frame: Frame, cause: number, service: number, replica: number): void {
    frame.failed = true;
    frame.cause = cause;
    frame.causeService = service;
    frame.causeReplica = replica;
  }
}
