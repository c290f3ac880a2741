import { COMPONENT_COUNT } from './components.js';
import type { CompiledStep } from './build.js';
import type { Connection } from './connections.js';
import type { ResiliencePolicy } from '../topology/types.js';

export const FRAME_CALL = 1;
/**
 * A replica's handling of a call that nobody waits for any more: its
 * replica crashed and the try that brought it there went on without it
 * (see Simulation.resetInProgress). A live invoke has no frame of its own:
 * it runs on the frame of the try that reached the replica (`atApp`).
 */
export const FRAME_INVOKE = 2;
export const FRAME_SEQUENCE = 3;
export const FRAME_PARALLEL = 4;
/** One try of a call: the part of the hop a retry repeats. */
export const FRAME_ATTEMPT = 5;

/** Frame.pend: no wait in progress that a cut would need to correct. */
export const PEND_NONE = -1;
/** Frame.pend: PEND_SINCE + component, a wait recorded when it ends, begun at pendAt. */
export const PEND_SINCE = COMPONENT_COUNT;

const NO_STEPS: CompiledStep[] = [];
/** A frame's policy until its call sets one: nothing. */
export const NO_POLICY: ResiliencePolicy = {
  placement: 'client', timeout: Infinity, retries: null, circuitBreaker: null, outlierDetection: null, outlierStyle: 'envoy', pickFrom: 'listed', failFastAfter: 0, connectTimeout: Infinity,
};

/**
 * One node of a request's call tree in flight: a call from a caller to a
 * service (the request itself is its entry point's call, the root, with no
 * parent), one try of it (attempt), or a block of steps (sequence,
 * parallel). The handling of a try at its replica (the invoke) runs on the
 * frame of the try (`atApp`), or, once its replica crashed, on the frame
 * the try left it on (FRAME_INVOKE). Frames are pooled and
 * reused, so memory follows the requests in flight, not the requests served.
 */
export class Frame {
  kind = FRAME_CALL;
  /** Parent frame index, -1 for a root (the request's entry-point call). */
  parent = -1;
  /** Bumped on every reuse, so a late event for an earlier life is recognised. */
  gen = 0;
  /**
   * Calls: the order the call started in, among all calls of the run (a
   * call moved to a new frame keeps it). A walk over frames in use (a
   * proxy's crash) takes calls in this order, not their frames' indices,
   * which follow the pool's reuse and so how many frames a hop takes.
   */
  serial = 0;
  /** Entry point index — kept on every frame for attribution. */
  entry = 0;
  /** Service whose code runs this frame (-1 at the entry point's client). */
  owner = -1;
  /** Node the frame's code runs on (the caller's, for calls). */
  node = 0;
  /** Proxy the frame's outgoing calls leave through (its pod's sidecar, node proxy or gateway), or -1. */
  egress = -1;
  /** Callee service (calls, tries; at the app, the service handling it). */
  service = -1;
  /** Chosen replica id (calls, invokes). */
  replica = -1;
  requestSize = 0;
  /** Bytes of the response coming back (0 for an error). */
  responseSize = 0;
  /** Call frames: where on the hop's path the call is, and its proxies (-1 when absent). */
  phase = 0;
  cp = -1;
  wp = -1;
  sp = -1;
  /** Streams held on mTLS connections, client proxy → next, and waypoint → server proxy. */
  conn1: Connection | null = null;
  conn2: Connection | null = null;
  /** A handshake this call is doing: its step, ends, whether resumed, and the connection. */
  hs = 0;
  hsFrom = -1;
  hsTo = -1;
  hsResumed = false;
  hsConn: Connection | null = null;
  waitStart = 0;
  /**
   * The try is at its replica, which handles it on this frame (the invoke:
   * queued for a worker, working, or running the service's calls, from
   * `arriveAtReplica` to `finishInvoke`). Its calls are this frame's
   * children, and take their place from the replica (the callee's code),
   * not from this frame (the caller's). `appStart`: when it arrived.
   */
  atApp = false;
  appStart = 0;
  /** At the app: when the current piece of work started on the CPU (-1: waiting for a worker). */
  workStart = 0;
  steps: CompiledStep[] = NO_STEPS;
  next = 0;
  pending = 0;
  /** Simulated time the frame started (root and the calls under it: the request's arrival; try: its start). */
  start = 0;
  /** Closed-loop user id, or -1. */
  user = -1;
  measured = false;
  failed = false;
  cause = -1;
  causeService = -1;
  causeReplica = -1;
  /** The failure was set on this frame, not passed up from a deeper one (it began at this hop). */
  failedHere = false;
  /**
   * The failure began at the callee's application behind its own live
   * sidecar (refused, reset or overflowing there): the inbound proxy turned
   * it into an HTTP 503, so the router saw a response, not a connection
   * failure or a reset.
   */
  answered = false;
  /** HTTP status of the failure, its response flag (index into FLAGS), and whether the mesh caused it. */
  status = 0;
  flag = 0;
  meshCaused = false;
  /** Calls: the phases attempts run [attemptStart, attemptEnd); the router picking endpoints; retry state. */
  attemptStart = 0;
  /** Calls and tries: bit p set when phase p may do anything on this hop (see Simulation.phaseMask). */
  phases = 0;
  attemptEnd = 0;
  router = -1;
  /** Calls and tries: the (router, service) slot of the policies' and the load balancer's state (PolicyState.slot). */
  pair = -1;
  /** Calls and tries: the policy in force, the service's, or what an L4 proxy carries of it (see initCall). */
  policy: ResiliencePolicy = NO_POLICY;
  /** The router a call made from this frame's code uses when it has no proxy (its pod or its entry client). */
  clientRouter = -1;
  attempts = 0;
  retries = 0;
  /** Calls: runs its tries on its own frame (nothing can abandon them); is in one now. */
  ownTries = false;
  inTry = false;
  /** Hosts this call has tried, the first `triedCount` of `tried` (reused, never shrunk). */
  tried: number[] = [];
  triedCount = 0;
  current = -1;
  currentGen = 0;
  /** Token of the live timer of this call (overall timeout, per-try timeout, back-off); others are stale. */
  timeoutToken = 0;
  tryToken = 0;
  backoffToken = 0;
  /** When the current try started, and when the current back-off ends. */
  tryStart = 0;
  backoffEnd = 0;
  /** Calls: holds one of the (router, service) pair's concurrent-retry slots, from the decision to retry until that retry's outcome is judged (Envoy's retry_budget / max_retries accounting). */
  retrySlot = false;
  /** Attempts: a retry (counts against the retry limits); released its policy counters already. */
  isRetry = false;
  countersReleased = false;
  /** No longer awaited by its parent (timed out, or its replica crashed): its result is dropped. */
  detached = false;
  /** Runs because a try above it is a retry: the calls it makes would not have been made without retries. */
  underRetry = false;
  /** At the app (and invokes): neighbours in their replica's list of invokes in progress. */
  nextAtReplica = -1;
  prevAtReplica = -1;
  /** The frame whose invoke's code runs this frame (for a crashed replica's calls), and its generation. */
  invoke = -1;
  invokeGen = 0;
  /** A leg a partition drops: its stall's id (0: none), when it began, resends so far, and whether it rides a pooled connection. */
  stall = 0;
  stallStart = 0;
  stallTries = 0;
  /** When this leg's stall began (stallStart is its connection's retransmission episode's, for a pooled one). */
  stallSince = 0;
  stallPooled = false;
  /**
   * Frames allocated under this one, in the order they were (the first
   * `kidCount` of `kids`, with their generations: one no longer alive, or
   * reused since, has another). Only read to walk a try's subtree when a
   * timeout cuts it (see Simulation.knownLateCause).
   */
  kids: number[] = [];
  kidGens: number[] = [];
  kidCount = 0;
  /**
   * The wait this frame is in, for a timeout that cuts it (see
   * Simulation.accrueBlame): a component k below COMPONENT_COUNT was
   * recorded whole when the wait began, and the wait ends at `pendAt` (a
   * network leg, a proxy pass on a thread of its own, a handshake's round
   * trips, the application's work on a CPU of its own); PEND_SINCE + k is
   * recorded only when the wait ends, and began at `pendAt` (a task on a
   * shared CPU, a connection being opened by another, the circuit
   * breaker's queue). PEND_NONE: none, or one recorded at its end already.
   * A wait of the first kind is not cleared when it ends: past its end it
   * corrects nothing. Set where `wait`, `runOnThread` and the others
   * schedule; -1 from alloc.
   */
  pend = PEND_NONE;
  pendAt = 0;
  /**
   * Calls with an overall timeout: the mesh's and the application's (and
   * the network's) time the call had spent when its first try started and
   * its timeout with it (the client proxy's request pass, the gateway leg):
   * none of it counts against the deadline.
   */
  preMesh = 0;
  preApp = 0;
  readonly comp = new Float64Array(COMPONENT_COUNT);
  /**
   * At the app: the try's components when it arrived, before the invoke's
   * own (its queue, its work, its calls) were added to `comp`. What a cut
   * there charges for the try (a timeout, a crash): the invoke's time goes
   * to the app as a whole (see Simulation.chargeAbandoned).
   */
  readonly tryComp = new Float64Array(COMPONENT_COUNT);
}

/**
 * What a frame takes from the frame it works for: its request (entry point,
 * measured, start), the code running it (owner service, node, egress proxy,
 * router, invoke). A child gets it from its parent (the code running it
 * from the replica instead, when the parent is a try at its replica: see
 * Simulation.placeAtReplica); a call or try moved to a new frame (a
 * crash's cut, see Simulation.cutOwnWalk and leaveInvoke) from its old one.
 */
export function inheritPlace(to: Frame, from: Frame): void {
  to.entry = from.entry;
  to.owner = from.owner;
  to.node = from.node;
  to.egress = from.egress;
  to.clientRouter = from.clientRouter;
  to.invoke = from.invoke;
  to.invokeGen = from.invokeGen;
  to.measured = from.measured;
  to.start = from.start;
}

/**
 * What a call moved to a new frame (a crash's cut, see Simulation.cutOwnWalk
 * and leaveInvoke) keeps of where it goes: its order among calls, its
 * callee and proxies, the router and policy picking its endpoints, the
 * phases its tries run.
 */
export function takeRoute(to: Frame, from: Frame): void {
  to.serial = from.serial;
  to.underRetry = from.underRetry;
  to.user = from.user;
  to.service = from.service;
  to.requestSize = from.requestSize;
  to.cp = from.cp;
  to.wp = from.wp;
  to.router = from.router;
  to.pair = from.pair;
  to.policy = from.policy;
  to.attemptStart = from.attemptStart;
  to.attemptEnd = from.attemptEnd;
  to.phases = from.phases;
}

/**
 * A call running its own tries, moved to a new frame: its tries so far and
 * the hosts they tried go with it (the lists swap, so neither frame loses
 * its reused array).
 */
export function takeTries(to: Frame, from: Frame): void {
  to.ownTries = from.ownTries;
  to.attempts = from.attempts;
  to.retries = from.retries;
  to.retrySlot = from.retrySlot;
  to.tryStart = from.tryStart;
  const tried = to.tried;
  to.tried = from.tried;
  to.triedCount = from.triedCount;
  from.tried = tried;
}

export class FramePool {
  readonly frames: Frame[] = [];
  private free: number[] = [];
  inUse = 0;

  alloc(kind: number, parent: number): number {
    let i: number;
    if (this.free.length > 0) {
      i = this.free.pop() as number;
    } else {
      i = this.frames.length;
      this.frames.push(new Frame());
    }
    const f = this.frames[i];
    f.kind = kind;
    f.parent = parent;
    f.gen++;
    f.service = -1;
    f.replica = -1;
    f.requestSize = 0;
    f.responseSize = 0;
    f.phase = 0;
    f.cp = -1;
    f.wp = -1;
    f.sp = -1;
    f.conn1 = null;
    f.conn2 = null;
    f.hs = 0;
    f.hsConn = null;
    f.steps = NO_STEPS;
    f.policy = NO_POLICY;
    f.next = 0;
    f.pending = 0;
    f.user = -1;
    f.measured = false;
    f.failed = false;
    f.cause = -1;
    f.causeService = -1;
    f.causeReplica = -1;
    f.failedHere = false;
    f.answered = false;
    f.status = 0;
    f.flag = 0;
    f.meshCaused = false;
    f.attempts = 0;
    f.retries = 0;
    f.inTry = false;
    f.triedCount = 0;
    f.current = -1;
    f.isRetry = false;
    f.retrySlot = false;
    f.countersReleased = false;
    f.detached = false;
    f.underRetry = false;
    f.stall = 0;
    f.atApp = false;
    f.kidCount = 0;
    f.pend = PEND_NONE;
    // Unrolled: a loop bounded by comp.length costs a bounds check a component (see addComponents).
    const comp = f.comp;
    comp[0] = 0; comp[1] = 0; comp[2] = 0; comp[3] = 0; comp[4] = 0; comp[5] = 0; comp[6] = 0;
    if (parent >= 0) {
      const p = this.frames[parent];
      inheritPlace(f, p);
      // A try that is a retry: a frame of its own, or the call running its tries itself (ownTries) while in one.
      f.underRetry = p.underRetry || (p.isRetry && (p.kind === FRAME_ATTEMPT || p.inTry));
      p.kids[p.kidCount] = i;
      p.kidGens[p.kidCount++] = f.gen;
    }
    this.inUse++;
    return i;
  }

  /**
   * Indices of the frames in use, in index order. No index is kept of them:
   * this is for rare events only (a proxy's crash walks them all), so the
   * request path pays nothing for it.
   */
  live(): number[] {
    const free = new Uint8Array(this.frames.length);
    for (const i of this.free) free[i] = 1;
    const out: number[] = [];
    for (let i = 0; i < free.length; i++) if (free[i] === 0) out.push(i);
    return out;
  }

  /**
   * Frame `to`, just allocated under `parent`, takes the place of `from`
   * (generation `fromGen`) in the parent's list of kids, so walks that
   * visit kids in the order they started (knownLateCause, accrueBlame) find
   * it where they found `from`.
   */
  replaceKid(parent: number, from: number, fromGen: number, to: number): void {
    if (parent < 0) return;
    const p = this.frames[parent];
    const last = p.kidCount - 1;
    if (last < 0 || p.kids[last] !== to) return;
    for (let k = 0; k < last; k++) {
      if (p.kids[k] === from && p.kidGens[k] === fromGen) {
        p.kids[k] = to;
        p.kidGens[k] = p.kidGens[last];
        p.kidCount = last;
        return;
      }
    }
  }

  release(i: number): void {
    this.frames[i].gen++;
    this.free.push(i);
    this.inUse--;
  }
}
