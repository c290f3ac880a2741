/**
 * linkerd2-proxy's fail-fast (Linkerd docs, Common Errors: Failfast;
 * DEFAULT_OUTBOUND_HTTP_FAILFAST_TIMEOUT): a request its balancer has no
 * ready endpoint for waits in the proxy's queue for one. When the queue has
 * been stuck for the fail-fast timeout the service goes into fail-fast: the
 * requests waiting get a 504 and every new one a 503 at once, until an
 * endpoint is ready again. Envoy has no such queue (a profile's
 * `failFastAfter: 0`): the request fails at once.
 *
 * One state per (router, service) pair (PolicyState.slot), made when the
 * pair first has no endpoint; the simulation decides when to look again
 * (an endpoint may have become ready) and what a held try does next.
 */
export interface HeldPair {
  /** Held tries in arrival order: (frame, generation) pairs. */
  readonly items: number[];
  /** The running fail-fast timer's token; 0 when the queue is not stuck. */
  token: number;
  /** In fail-fast: tries with no endpoint fail at once. */
  failing: boolean;
  /** What the last pick that found no endpoint returned (LoadBalancer.pick's codes), for the failure's cause. */
  lastCode: number;
  /** When a look-again is already due for this pair (a shut spell's end); -Infinity for none. */
  wakeAt: number;
}

export class FailFastQueues {
  private readonly pairs = new Map<number, HeldPair>();
  /** Held tries, frame to generation: a timeout cutting one asks whether it was held, and why (see isHeld). */
  private readonly held = new Map<number, number>();
  /** Pairs whose queue is stuck, in the order they got stuck. */
  private stuckPairs: number[] = [];
  /** A look at every stuck pair is due this instant (one event, however many changes led to it). */
  wakeDue = false;

  /** Whether any pair holds tries: when none, a change of endpoints has nothing to wake. */
  get anyStuck(): boolean {
    return this.stuckPairs.length > 0;
  }

  state(pair: number): HeldPair {
    let s = this.pairs.get(pair);
    if (s === undefined) {
      s = { items: [], token: 0, failing: false, lastCode: -1, wakeAt: -Infinity };
      this.pairs.set(pair, s);
    }
    return s;
  }

  /** The pair picked an endpoint: it is out of fail-fast. */
  recovered(pair: number): void {
    const s = this.pairs.get(pair);
    if (s !== undefined) s.failing = false;
  }

  /**
   * The pair's proxy restarted: out of fail-fast, with no cause noted, as a
   * new proxy's queue starts. Its crash took the tries it held, and their
   * timer, with it (Simulation.resetOutbound).
   */
  restarted(pair: number): void {
    const s = this.pairs.get(pair);
    if (s === undefined) return;
    s.failing = false;
  }

  /** Holds a try; true when the queue was not stuck before (its timer is the caller's to start, with `token`). */
  hold(pair: number, frame: number, gen: number, code: number, token: number): boolean {
    const s = this.state(pair);
    s.items.push(frame, gen);
    this.held.set(frame, gen);
    s.lastCode = code;
    if (s.token !== 0) return false;
    s.token = token;
    this.stuckPairs.push(pair);
    return true;
  }

  /** Takes every held try of the pair out of its queue, in order ((frame, generation) pairs); the queue stays stuck. */
  take(pair: number): number[] {
    const s = this.pairs.get(pair);
    if (s === undefined || s.items.length === 0) return [];
    for (let i = 0; i < s.items.length; i += 2) this.forget(s.items[i], s.items[i + 1]);
    return s.items.splice(0, s.items.length);
  }

  /** The queue emptied: no longer stuck, its timer void. */
  unstick(pair: number): void {
    const s = this.pairs.get(pair);
    if (s === undefined || s.token === 0 || s.items.length > 0) return;
    s.token = 0;
    this.stuckPairs = this.stuckPairs.filter((p) => p !== pair);
  }

  /** The timer ran out: the pair goes into fail-fast; returns the tries it held (to fail). */
  expire(pair: number, token: number): number[] | null {
    const s = this.pairs.get(pair);
    if (s === undefined || s.token !== token || token === 0) return null;
    s.token = 0;
    s.failing = true;
    this.stuckPairs = this.stuckPairs.filter((p) => p !== pair);
    for (let i = 0; i < s.items.length; i += 2) this.forget(s.items[i], s.items[i + 1]);
    return s.items.splice(0, s.items.length);
  }

  /** Takes a try that no longer waits out of its queue (its call's timeout cut it); false when it was not held. */
  remove(pair: number, frame: number, gen: number): boolean {
    const s = this.pairs.get(pair);
    if (s === undefined) return false;
    for (let i = 0; i < s.items.length; i += 2) {
      if (s.items[i] === frame && s.items[i + 1] === gen) {
        s.items.splice(i, 2);
        this.forget(frame, gen);
        return true;
      }
    }
    return false;
  }

  /** Whether the try (frame, generation) waits in a queue for an endpoint now. */
  isHeld(frame: number, gen: number): boolean {
    return this.held.get(frame) === gen;
  }

  private forget(frame: number, gen: number): void {
    if (this.held.get(frame) === gen) this.held.delete(frame);
  }

  /** The stuck pairs, in the order they got stuck (a copy: looking at one may unstick it). */
  stuck(): number[] {
    return this.stuckPairs.slice();
  }
}
