/**
 * Choosing the replica a try goes to, and outlier detection, which takes
 * replicas out of that choice for a while after consecutive 5xx. Envoy's
 * algorithms: round robin, random, least request as the better of two random
 * choices (P2C); outlier detection's ejections, within maxEjectionPercent,
 * for baseEjectionTime × the host's multiplier (up one an ejection, down one
 * each sweep it is healthy), ended at the router's next sweep; panic routing
 * when every host is ejected.
 *
 * All of it is each router's own (a caller's proxy, its client library, or
 * an entry point's clients), as each Envoy keeps its own per upstream host:
 * - round robin: the router's own position, which starts at a random index
 *   (Envoy seeds each load balancer's index at random) and keeps counting
 *   when the endpoint list changes, taken modulo its length;
 * - least request: the router's own requests in flight to each host (Envoy's
 *   rq_active), not everything the host is doing. With many callers each
 *   sees few of its own requests, and the choice tends to random;
 * - outlier detection: a caller's proxy ejects a host after *it* has seen
 *   consecutive 5xx from it, and only that proxy stops sending there. With
 *   several callers a failing host is ejected by each in turn;
 * - under `pickFrom: connectable` (linkerd2-proxy's balancer) a proxy picks
 *   only among the endpoints of its view whose pod takes connections, as
 *   tower's ReadyCache holds an endpoint ready only while its connection is
 *   (see pick()).
 */
import type { Rng } from '../engine/rng.js';
import type { RuntimeModel, RuntimeService } from './build.js';
import type { OutlierDetection, ResiliencePolicy } from '../topology/types.js';
import type { Marker } from './controlPlane.js';
import type { EndpointVersions } from './endpoints.js';

/** A try's outcome, as outlier detection sees it. */
export interface TryOutcome {
  /** The router (proxy, client library or entry client) that sent the try. */
  router: number;
  service: number;
  replica: number;
  failed: boolean;
  status: number;
  /** The replica the failure began at (-1 when it did not begin at one). */
  causeReplica: number;
  /** Whether the failure began on this hop; false when the host passed up a deeper call's failure as its error response. */
  failedHere: boolean;
  /** The policy the try ran under (its outlier detection). */
  policy: ResiliencePolicy;
}

/**
 * One router's outlier detection for one service, per pod (by ordinal):
 * consecutive 5xx, the ejection multiplier (Envoy's eject time backoff) as
 * of the host's last ejection, and when that ejection ends (simulated
 * seconds; the sweep that brings the host back).
 */
interface OutlierState {
  consecutive5xx: Int32Array;
  multiplier: Int32Array;
  ejectedUntil: Float64Array;
  /** Linkerd's breaker: OPEN (counting failures), SHUT (until ejectedUntil, then one probe may go) or PROBING (the probe is in flight). */
  breaker: Uint8Array;
  /** Linkerd's breaker: the back-off of the host's current shut spell. */
  backoff: Float64Array;
}

const OPEN = 0;
const SHUT = 1;
const PROBING = 2;

/** What pick() returns when Linkerd's failure accrual has shut every endpoint (Envoy would route to all: panic mode). */
export const ALL_SHUT = -2;
/** What pick() returns when Envoy's outlier detection has ejected every endpoint and panic mode is off (Istio's minHealthPercent 0). */
export const ALL_EJECTED = -3;
/** What pick() returns under pickFrom: connectable with a fail-fast queue (failFastAfter) when no endpoint of the view takes connections. */
export const NONE_READY = -4;
const NO_REPLICAS = new Int32Array(0);

/** Spreads the routers' sweeps over the interval (each Envoy's timer started when its own cluster did), with no random draw. */
const SWEEP_PHASE = (Math.sqrt(5) - 1) / 2;

export class LoadBalancer {
  /** Per (router, service) slot (PolicyState.slot): the round-robin index, NaN until the router first picks for the service. */
  private rrIndex = new Float64Array(64).fill(NaN);
  /**
   * Per (router, least-request service it sends to): its tries in flight to
   * each of the service's pods, by ordinal. Only the pairs that occur, so
   * memory follows the call graph, not routers × pods.
   */
  private readonly inFlight = new Map<number, Int32Array>();
  /** Per (router, service), made when the router first sees an outcome under outlier detection from it (most never do). */
  private readonly outliers = new Map<number, OutlierState>();

  constructor(
    private readonly model: RuntimeModel,
    private readonly endpoints: EndpointVersions,
    private readonly rngs: Rng[],
    private readonly mark: (m: Marker) => void,
    /** Whether a connection to the replica's pod would be taken now (its pod up, its sidecar or node proxy too); see connectable(). */
    private readonly accepts: (rep: number) => boolean = () => true,
    /** Linkerd's breaker opened a host again (its probe succeeded): tries held for an endpoint may go. */
    private readonly reopened: () => void = () => {},
  ) {}

  /** The router sent a try to `rep` of `service`; least request counts it until `ended`. */
  started(router: number, service: RuntimeService, rep: number): void {
    if (service.loadBalancer === 'least_request') this.counts(router, service)[this.model.replicas[rep].ordinal]++;
  }

  /** The router's try to `rep` of `service` is over (answered, failed, or abandoned). */
  ended(router: number, service: RuntimeService, rep: number): void {
    if (service.loadBalancer === 'least_request') this.counts(router, service)[this.model.replicas[rep].ordinal]--;
  }

  private counts(router: number, service: RuntimeService): Int32Array {
    const key = router * this.model.services.length + service.index;
    let c = this.inFlight.get(key);
    if (!c) {
      c = new Int32Array(service.replicas.length);
      this.inFlight.set(key, c);
    }
    return c;
  }

  /** The next round-robin index of the (router, service) pair in slot `pair` (seeded at random on first use). */
  private nextIndex(pair: number, service: RuntimeService): number {
    if (pair >= this.rrIndex.length) {
      const grown = new Float64Array(Math.max(2 * this.rrIndex.length, pair + 1)).fill(NaN);
      grown.set(this.rrIndex);
      this.rrIndex = grown;
    }
    let i = this.rrIndex[pair];
    if (Number.isNaN(i)) i = Math.floor(this.rngs[service.index]() * 0x80000000);
    this.rrIndex[pair] = i + 1;
    return i;
  }

  private outlierState(router: number, service: RuntimeService): OutlierState {
    const key = router * this.model.services.length + service.index;
    let o = this.outliers.get(key);
    if (!o) {
      const n = service.replicas.length;
      o = { consecutive5xx: new Int32Array(n), multiplier: new Int32Array(n), ejectedUntil: new Float64Array(n), breaker: new Uint8Array(n), backoff: new Float64Array(n) };
      this.outliers.set(key, o);
    }
    return o;
  }

  /**
   * Picks a replica from the router's view of the service's endpoints,
   * avoiding ejected hosts and (when the policy says so) hosts the call
   * already tried — the first `triedCount` of `tried` — unless nothing else
   * is left. -1 when the view is empty, ALL_SHUT when Linkerd's failure
   * accrual shut every host, NONE_READY (see connectable). `pair` is the (router, service) slot,
   * PolicyState.slot. Under `pickFrom: connectable` a proxy's view is
   * first narrowed to the endpoints that take connections (connectable()).
   */
  pick(service: RuntimeService, policy: ResiliencePolicy, router: number, pair: number, tried: readonly number[], triedCount: number, now: number): number {
    let view = this.endpoints.view(router, service.index);
    if (policy.pickFrom === 'connectable' && router < this.model.proxies.length) {
      const ready = this.connectable(view);
      // A proxy that can hold the request waits for an endpoint to take connections; one that cannot sends anyway (refused).
      if (ready.length === 0 && view.length > 0 && policy.failFastAfter > 0) return NONE_READY;
      if (ready.length > 0) view = ready;
    }
    const n = view.length;
    if (n === 0) return -1;
    // Most runs never make any outlier state: a Map lookup a try for nothing (~80 instructions, callgrind).
    let o = this.outliers.size === 0 ? undefined : this.outliers.get(router * this.model.services.length + service.index);
    const od = policy.outlierDetection;
    if (o !== undefined && policy.outlierStyle !== 'linkerd' && od !== null) {
      // Envoy's panic threshold (Istio's minHealthPercent): below it the router ignores ejections and sends to every
      // host; at Istio's 0 it never panics, and with every host ejected it has none to send to (UH).
      let healthy = 0;
      for (let k = 0; k < n; k++) if (!(o.ejectedUntil[this.model.replicas[view[k]].ordinal] > now)) healthy++;
      if (100 * healthy < od.minHealthPercent * n) o = undefined;
      else if (healthy === 0) return ALL_EJECTED;
    }
    if (n === 1 && (o === undefined || policy.outlierStyle !== 'linkerd')) return view[0];
    const avoidTried = policy.retries?.differentHost === true && triedCount > 0 ? triedCount : 0;
    let r = this.pickFrom(service, router, pair, o, view, avoidTried, tried, now);
    // A second pass without the tried hosts (run even when none were avoided: it draws as it always has).
    if (r < 0) r = this.pickFrom(service, router, pair, o, view, 0, tried, now);
    // Random draws can miss the few hosts failure accrual left open; Linkerd's balancer only ever chooses among
    // the ready ones, so fail at once (ALL_SHUT) only when none is.
    // Envoy's likewise chooses among the healthy hosts only (with panic mode off, or above its threshold).
    if (r < 0 && o !== undefined) r = this.pickOpen(service, router, o, view, now);
    if (r >= 0) {
      // Linkerd's breaker lets one probe through once a shut spell is over; the others wait for its answer.
      if (o !== undefined && o.breaker[this.model.replicas[r].ordinal] === SHUT) o.breaker[this.model.replicas[r].ordinal] = PROBING;
      return r;
    }
    if (o !== undefined) return policy.outlierStyle === 'linkerd' ? ALL_SHUT : ALL_EJECTED;
    return view[this.nextIndex(pair, service) % n];
  }

  /**
   * The router's process restarted: its outlier detection for `service`
   * (Envoy's consecutive 5xx, ejections and their multipliers; Linkerd's
   * failure accrual and shut spells) was in its memory and starts empty, as
   * a new Envoy's or linkerd2-proxy's does. The round-robin position and the
   * counts of tries in flight are left: the first changes no outcome, the
   * second follows tries that end on their own.
   */
  forget(router: number, service: number): void {
    this.outliers.delete(router * this.model.services.length + service);
  }

  /** When the first of the router's shut spells for the service still running at `now` ends (Infinity: none runs). */
  nextReopen(router: number, service: RuntimeService, now: number): number {
    const o = this.outliers.get(router * this.model.services.length + service.index);
    let at = Infinity;
    if (o !== undefined) for (let i = 0; i < o.ejectedUntil.length; i++) if (o.ejectedUntil[i] > now && o.ejectedUntil[i] < at) at = o.ejectedUntil[i];
    return at;
  }

  /**
   * linkerd2-proxy's balancer (a P2C pool over tower's ReadyCache) chooses
   * among its *ready* endpoints only, and an endpoint is ready only while
   * its connection is: one whose connection closed or was refused goes back
   * to pending and reconnects in the background with a back-off
   * (linkerd/reconnect), never on a request's path. So a proxy that still
   * lists a pod that is gone, or whose sidecar is down, does not send to it:
   * it knows from its connection to it (closed with the pod, or refused),
   * which the model takes as known at once. An endpoint that takes
   * connections but fails requests stays ready (failure accrual's to take
   * out). With none of the view taking connections, none is returned:
   * pick() then holds the try for one when the proxy has a fail-fast queue
   * (failFastAfter), else sends it to the whole view, where it is refused.
   * No random draw; the view's order is kept, and a view with every
   * endpoint up is returned as it is.
   */
  private connectable(view: Int32Array): Int32Array {
    let up = 0;
    for (let k = 0; k < view.length; k++) if (this.accepts(view[k])) up++;
    if (up === view.length) return view;
    if (up === 0) return NO_REPLICAS;
    const out = new Int32Array(up);
    let j = 0;
    for (let k = 0; k < view.length; k++) if (this.accepts(view[k])) out[j++] = view[k];
    return out;
  }

  /** Whether rep may take the router's try: not ejected by it (`o`, its outlier state), and not among the first `avoid` tried hosts. */
  private ok(o: OutlierState | undefined, rep: number, avoid: number, tried: readonly number[], now: number): boolean {
    if (o !== undefined) {
      const i = this.model.replicas[rep].ordinal;
      if (o.ejectedUntil[i] > now || o.breaker[i] === PROBING) return false;
    }
    for (let i = 0; i < avoid; i++) if (tried[i] === rep) return false;
    return true;
  }

  /** Among the hosts of `view` that failure accrual has not shut: the one with the fewest of the router's tries in flight (least request), else one at random; -1 when every host is shut. */
  private pickOpen(service: RuntimeService, router: number, o: OutlierState, view: Int32Array, now: number): number {
    const open: number[] = [];
    for (let k = 0; k < view.length; k++) if (this.ok(o, view[k], 0, [], now)) open.push(view[k]);
    if (open.length === 0) return -1;
    if (service.loadBalancer === 'least_request') {
      const mine = this.counts(router, service);
      let best = open[0];
      for (const r of open) if (mine[this.model.replicas[r].ordinal] < mine[this.model.replicas[best].ordinal]) best = r;
      return best;
    }
    return open[Math.floor(this.rngs[service.index]() * open.length)];
  }

  private pickFrom(
    service: RuntimeService, router: number, pair: number, o: OutlierState | undefined, view: Int32Array, avoid: number, tried: readonly number[], now: number,
  ): number {
    const n = view.length;
    switch (service.loadBalancer) {
      case 'round_robin': {
        for (let k = 0; k < n; k++) {
          const r = view[this.nextIndex(pair, service) % n];
          if (this.ok(o, r, avoid, tried, now)) return r;
        }
        return -1;
      }
      case 'random': {
        const rng = this.rngs[service.index];
        for (let k = 0; k < 2 * n; k++) {
          const r = view[Math.floor(rng() * n)];
          if (this.ok(o, r, avoid, tried, now)) return r;
        }
        return -1;
      }
      case 'least_request': {
        const rng = this.rngs[service.index];
        const mine = this.counts(router, service);
        const replicas = this.model.replicas;
        for (let k = 0; k < 2 * n; k++) {
          const a = view[Math.floor(rng() * n)];
          const b = view[Math.floor(rng() * n)];
          const best = mine[replicas[b].ordinal] < mine[replicas[a].ordinal] ? b : a;
          if (this.ok(o, best, avoid, tried, now)) return best;
          if (this.ok(o, a, avoid, tried, now)) return a;
          if (this.ok(o, b, avoid, tried, now)) return b;
        }
        return -1;
      }
    }
  }

  /**
   * The sending router's outlier detection sees a try's outcome: counts
   * consecutive 5xx from the host and ejects it at the threshold.
   */
  noteOutcome(t: TryOutcome, now: number): void {
    const rep = t.replica;
    if (rep < 0) return;
    const od = t.policy.outlierDetection;
    if (!od) return;
    // A 5xx from the host: one it caused, or one it passed up from a deeper call (the caller sees a 5xx response either way).
    const fromHost = t.failed && t.status >= 500 && (t.causeReplica === rep || !t.failedHere);
    const router = t.router;
    const svc = this.model.services[t.service];
    const i = this.model.replicas[rep].ordinal;
    if (t.policy.outlierStyle === 'linkerd') {
      // Linkerd's breaker classifies every answer of the endpoint by its status: a 5xx or an error is a
      // failure, anything else (a 4xx too) a success. So every try ends a probe, and none leaves it in flight.
      const failure = t.failed && t.status >= 500;
      const o = failure ? this.outlierState(router, svc) : this.outliers.get(router * this.model.services.length + svc.index);
      if (o !== undefined) this.accrue(o, i, od, !failure, now, svc, rep);
      return;
    }
    if (!fromHost) {
      // Any answer that is not a 5xx (a 4xx too) breaks the run: Envoy's putHttpResponseCode zeroes consecutive_5xx_.
      if (!t.failed || t.status < 500) {
        const seen = this.outliers.get(router * this.model.services.length + svc.index);
        if (seen) seen.consecutive5xx[i] = 0;
      }
      return;
    }
    const o = this.outlierState(router, svc);
    // A host already ejected is not ejected again (Envoy's onConsecutiveErrorWorker): late failures of tries sent before do not lengthen it.
    if (o.ejectedUntil[i] > now) return;
    if (++o.consecutive5xx[i] < od.consecutive5xx) return;
    let ejected = 0;
    for (let k = 0; k < o.ejectedUntil.length; k++) if (o.ejectedUntil[k] > now) ejected++;
    const ready = this.endpoints.count(t.service);
    // Envoy (1.31 on) ejects only while (ejected + 1) / hosts <= maxEjectionPercent; always_eject_one_host is off by default.
    if ((100 * (ejected + 1)) / ready > od.maxEjectionPercent) return;
    o.consecutive5xx[i] = 0;
    // Envoy's sweep runs every `interval` on each router, at its own phase.
    const interval = od.interval;
    const phase = ((router * SWEEP_PHASE) % 1) * interval;
    const sweepAtOrAfter = (t: number): number => phase + Math.ceil((t - phase) / interval) * interval;
    // Each sweep the host spent healthy since it last came back took one off its multiplier.
    const back = o.ejectedUntil[i];
    if (o.multiplier[i] > 0) o.multiplier[i] = Math.max(0, o.multiplier[i] - Math.max(0, Math.ceil((now - back) / interval) - 1));
    // Envoy's max_ejection_time caps the ejection, and is never below the base; the multiplier stops growing past it.
    const cap = Math.max(od.baseEjectionTime, od.maxEjectionTime);
    if (o.multiplier[i] * od.baseEjectionTime < cap + od.baseEjectionTime) o.multiplier[i]++;
    // The host comes back at the first sweep that finds its time served.
    o.ejectedUntil[i] = sweepAtOrAfter(now + Math.min(od.baseEjectionTime * o.multiplier[i], cap));
    // One marker per router that ejects: with several callers, a burst of them.
    this.mark({ at: now, kind: 'ejection', subject: `${svc.name}-${this.model.replicas[rep].ordinal}` });
  }

  /**
   * Linkerd's failure accrual (linkerd2-proxy, breaker/consecutive_failures.rs):
   * open, it counts consecutive failures and shuts the host at the
   * threshold, for baseEjectionTime; responses while shut are ignored; then
   * one probe request goes, and its answer opens the host or shuts it again
   * for twice as long, up to maxEjectionTime. Each router on its own, any
   * share of the hosts (no maxEjectionPercent), no sweep. A new spell starts
   * from baseEjectionTime again.
   */
  private accrue(o: OutlierState, i: number, od: OutlierDetection, success: boolean, now: number, svc: RuntimeService, rep: number): void {
    const state = o.breaker[i];
    if (state !== OPEN) {
      // Shut: the answers of tries sent before do not count. Once the spell is over, the first answer is the probe's.
      if (o.ejectedUntil[i] > now) return;
      if (success) {
        o.breaker[i] = OPEN;
        o.consecutive5xx[i] = 0;
        this.reopened();
        return;
      }
      o.backoff[i] = Math.min(Math.max(od.baseEjectionTime, od.maxEjectionTime), 2 * o.backoff[i]);
    } else {
      if (success) {
        o.consecutive5xx[i] = 0;
        return;
      }
      if (++o.consecutive5xx[i] < od.consecutive5xx) return;
      o.consecutive5xx[i] = 0;
      o.backoff[i] = od.baseEjectionTime;
    }
    o.breaker[i] = SHUT;
    o.ejectedUntil[i] = now + o.backoff[i];
    this.mark({ at: now, kind: 'ejection', subject: `${svc.name}-${this.model.replicas[rep].ordinal}` });
  }
}
