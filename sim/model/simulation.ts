import { Engine } from '../engine/engine.js';
import { RandomStreams, type Rng } from '../engine/rng.js';
import { BatchedLatency } from '../stats/batched.js';
import { TimeAverage } from '../stats/timeAverage.js';
import type { RuntimeModel, RuntimeService, CompiledStep } from './build.js';
import { STEP_CALL, STEP_SEQUENCE } from './build.js';
import { APP_QUEUE, APP_WORK, COMPONENT_COUNT, NETWORK } from './components.js';
import { CAUSE_QUEUE_FULL } from './causes.js';
import {
  FramePool, FRAME_CALL, FRAME_INVOKE, FRAME_PARALLEL, FRAME_ROOT, FRAME_SEQUENCE, type Frame,
} from './frames.js';
import { IntQueue } from './intQueue.js';
import { ArrivalProcess } from './arrivals.js';

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

/** Failed measured requests of one entry point, by root cause and where it began. */
export interface FailureTally {
  cause: number;
  service: number;
  count: number;
}

export interface EntryCollector {
  latency: BatchedLatency;
  failed: number;
  failures: Map<number, number>;
  /** Sums of each component over measured successful requests. */
  decomposition: Float64Array;
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
  busyWorkers: TimeAverage;
  inSystem: TimeAverage;
  meanBusyWorkers: number;
  meanInSystem: number;
}

export interface SimulationOutcome {
  limits: SimulationLimits;
  /** Length of the measurement window, seconds. */
  measuredTime: number;
  endTime: number;
  events: number;
  entries: EntryCollector[];
  services: ServiceCollector[];
  peakFramesInUse: number;
}

/**
 * Runs one replication of the model with no mesh: calls go caller → network
 * → callee replica (queue, workers, own work, downstream steps) → network →
 * caller. The hop is written as call/invoke frames so that proxies, mTLS
 * and policies can be inserted between its phases.
 */
export function simulate(model: RuntimeModel, limits: SimulationLimits): SimulationOutcome {
  return new Simulation(model, limits).run();
}

class Simulation {
  private readonly engine = new Engine();
  private readonly pool = new FramePool();
  private readonly frames: Frame[];
  private readonly model: RuntimeModel;
  private readonly limits: SimulationLimits;

  private readonly serviceRng: Rng[];
  private readonly branchRng: Rng[];
  private readonly networkRng: Rng[];
  private readonly lbRng: Rng[];
  private readonly arrivals: ArrivalProcess[];

  /** Per replica: busy workers, waiting invokes, requests present. */
  private readonly busy: Int32Array;
  private readonly waiting: IntQueue[];
  private readonly present: Int32Array;
  private readonly rrNext: Int32Array;

  private readonly entries: EntryCollector[];
  private readonly services: ServiceCollector[];

  private measuredDone = 0;
  private peakFrames = 0;
  private readonly offerUntil: number;
  private readonly warmup: number;
  private readonly stopAfter: number;
  private readonly maxFrames: number;

  private readonly hArrival: number;
  private readonly hThinkDone: number;
  private readonly hCallArrive: number;
  private readonly hWorkDone: number;
  private readonly hCallReturn: number;
  private readonly hWarmupEnd: number;
  private readonly hWindowEnd: number;
  private windowEnd = NaN;

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
    this.arrivals = model.entries.map((e) => new ArrivalProcess(e.arrivals, streams.stream(`arrivals/${e.name}`)));

    const nReplicas = model.replicas.length;
    this.busy = new Int32Array(nReplicas);
    this.present = new Int32Array(nReplicas);
    this.waiting = model.replicas.map(() => new IntQueue());
    this.rrNext = new Int32Array(model.services.length);

    this.entries = model.entries.map(() => ({
      latency: new BatchedLatency(BATCHES),
      failed: 0,
      failures: new Map<number, number>(),
      decomposition: new Float64Array(COMPONENT_COUNT),
      inSystem: new TimeAverage(),
      meanInSystem: 0,
    }));
    this.services = model.services.map(() => ({
      arrivals: 0,
      rejected: 0,
      latency: new BatchedLatency(BATCHES),
      waited: 0,
      queueWaitSum: 0,
      busyWorkers: new TimeAverage(),
      inSystem: new TimeAverage(),
      meanBusyWorkers: 0,
      meanInSystem: 0,
    }));

    const e = this.engine;
    this.hArrival = e.register((entry) => this.onArrival(entry));
    this.hThinkDone = e.register((entry, user) => this.startRequest(entry, user));
    this.hCallArrive = e.register((f, gen) => this.onCallArrive(f, gen));
    this.hWorkDone = e.register((f) => this.onWorkDone(f));
    this.hCallReturn = e.register((f, gen) => this.onCallReturn(f, gen));
    this.hWarmupEnd = e.register(() => this.onWarmupEnd());
    this.hWindowEnd = e.register(() => this.onWindowEnd());
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
      peakFramesInUse: this.peakFrames,
    };
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
  }

  private onWarmupEnd(): void {
    const t = this.engine.now;
    for (const c of this.entries) c.inSystem.start(t);
    for (const c of this.services) {
      c.busyWorkers.start(t);
      c.inSystem.start(t);
    }
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
    root.zone = entry.zone;
    root.start = now;
    root.user = user;
    root.measured = now >= this.warmup;
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
        c.latency.record(now - root.start, this.batch());
        for (let k = 0; k < COMPONENT_COUNT; k++) c.decomposition[k] += root.comp[k];
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

  private networkDelay(fromZone: number, toZone: number, service: number, bytes: number): number {
    const m = this.model;
    const rng = this.networkRng[service];
    const latency = fromZone === toZone ? m.sameZone(rng) : m.crossZone(rng);
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
    const svc = this.model.services[service];
    call.service = service;
    call.requestSize = requestSize;
    call.replica = this.pickReplica(svc);
    const d = this.networkDelay(call.zone, this.model.replicas[call.replica].zone, service, requestSize);
    call.comp[NETWORK] += d;
    this.engine.schedule(d, this.hCallArrive, f, call.gen);
  }

  private onCallArrive(f: number, gen: number): void {
    const call = this.frames[f];
    if (call.gen !== gen) return;
    const now = this.engine.now;
    const rep = call.replica;
    const svc = this.model.services[call.service];
    const sc = this.services[call.service];
    const measured = now >= this.warmup;
    if (measured) sc.arrivals++;
    if (this.busy[rep] >= svc.workers && this.waiting[rep].length >= svc.queueCapacity) {
      if (measured) sc.rejected++;
      this.fail(call, CAUSE_QUEUE_FULL, call.service, rep);
      this.respond(f, 0);
      return;
    }
    const i = this.pool.alloc(FRAME_INVOKE, f);
    const inv = this.frames[i];
    inv.service = call.service;
    inv.replica = rep;
    inv.owner = call.service;
    inv.zone = this.model.replicas[rep].zone;
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
    inv.comp[APP_WORK] += work;
    this.engine.schedule(work, this.hWorkDone, i);
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
    this.respond(f, svc.responseSize);
  }

  /** Sends the call's response (or error) back over the network to the caller. */
  private respond(f: number, bytes: number): void {
    const call = this.frames[f];
    const d = this.networkDelay(this.model.replicas[call.replica].zone, call.zone, call.service, bytes);
    call.comp[NETWORK] += d;
    this.engine.schedule(d, this.hCallReturn, f, call.gen);
  }

  private onCallReturn(f: number, gen: number): void {
    if (this.frames[f].gen !== gen) return;
    this.childDone(f);
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
    par.start = this.engine.now;
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
