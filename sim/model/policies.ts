/**
 * Linkerd's retry budget for one router and one service: retries may add
 * `ratio` of the calls plus `minPerSecond`, counted over a sliding window
 * of SLOTS slots, each a tenth of the window (as tower's budget, which
 * Linkerd uses, keeps ten buckets whatever its TTL): memory and the work
 * per retry do not grow with the window.
 */
const SLOTS = 10;

export class RetryBudget {
  private readonly calls = new Float64Array(SLOTS);
  private readonly retries = new Float64Array(SLOTS);
  private readonly stamp = new Float64Array(SLOTS).fill(-1);
  /** Seconds per slot. */
  private readonly width: number;

  constructor(
    private readonly ratio: number,
    private readonly minPerSecond: number,
    private readonly window: number,
  ) {
    this.width = window / SLOTS;
  }

  /** The slot of period `k` (now / width, rounded down), emptied if it last held an older period. */
  private slot(now: number): number {
    const k = Math.floor(now / this.width);
    const i = k % SLOTS;
    if (this.stamp[i] !== k) {
      this.stamp[i] = k;
      this.calls[i] = 0;
      this.retries[i] = 0;
    }
    return i;
  }

  private sum(now: number, of: Float64Array): number {
    const k = Math.floor(now / this.width);
    let s = 0;
    for (let i = 0; i < SLOTS; i++) if (this.stamp[i] > k - SLOTS) s += of[i];
    return s;
  }

  noteCall(now: number): void {
    this.calls[this.slot(now)]++;
  }

  /** Takes a retry from the budget if one is left. */
  tryRetry(now: number): boolean {
    this.slot(now);
    const allowed = this.ratio * this.sum(now, this.calls) + this.minPerSecond * this.window;
    if (this.sum(now, this.retries) + 1 > allowed) return false;
    this.retries[this.slot(now)]++;
    return true;
  }
}

/**
 * Per (router, service) state of the resilience policies: tries and
 * retries in flight, for circuit breaking and the retry breaker (typed
 * arrays: touched on every try), and retry budgets (created on first use,
 * looked up by a numeric key, never iterated).
 *
 * Pairs get a slot when they first occur (`slot`), and the state is kept
 * per slot: memory follows the call graph, not routers × services, which
 * for 20,000 sidecars and 2,000 services was 80 M pairs and 1.3 GB.
 */
export class PolicyState {
  /** Tries in flight per slot, for the circuit breaker; a waiter handed a connection's room counts from the hand-over, before its dispatch. */
  active = new Int32Array(64);
  activeRetries = new Int32Array(64);
  readonly budgets = new Map<number, RetryBudget>();
  private readonly slots = new Map<number, number>();
  /**
   * Per router, the service it last looked up and that pair's slot: most
   * routers send to one service (a chain's sidecars), and a hit here costs
   * two loads where the Map costs a hash and a probe (2 % of a request).
   */
  private readonly lastService: Int32Array;
  private readonly lastSlot: Int32Array;
  /** Slots handed out so far. */
  pairs = 0;

  constructor(routers: number, private readonly services: number) {
    this.lastService = new Int32Array(routers).fill(-1);
    this.lastSlot = new Int32Array(routers);
  }

  /** The slot of (router, service); a call looks it up once and its tries reuse it. */
  slot(router: number, service: number): number {
    if (this.lastService[router] === service) return this.lastSlot[router];
    const key = router * this.services + service;
    let s = this.slots.get(key);
    if (s === undefined) s = this.newSlot(key);
    this.lastService[router] = service;
    this.lastSlot[router] = s;
    return s;
  }

  /** The slot of (router, service) if the pair has occurred, else -1 (none made). */
  slotIfAny(router: number, service: number): number {
    return this.slots.get(router * this.services + service) ?? -1;
  }

  private newSlot(key: number): number {
    const s = this.pairs++;
    this.slots.set(key, s);
    if (s === this.active.length) {
      const active = new Int32Array(2 * s);
      active.set(this.active);
      this.active = active;
      const retries = new Int32Array(2 * s);
      retries.set(this.activeRetries);
      this.activeRetries = retries;
    }
    return s;
  }

  /** Tries waiting for a connection, per slot: (frame, generation) pairs in arrival order. */
  private readonly pending = new Map<number, number[]>();

  /** Tries waiting over all keys: when none, a finished try has no queue to look at. */
  pendingTotal = 0;

  pendingCount(key: number): number {
    const q = this.pending.get(key);
    return q ? q.length / 2 : 0;
  }

  enqueuePending(key: number, frame: number, gen: number): void {
    let q = this.pending.get(key);
    if (!q) {
      q = [];
      this.pending.set(key, q);
    }
    q.push(frame, gen);
    this.pendingTotal++;
  }

  /** Takes a try that no longer waits out of the queue; false when it is not there (already dequeued). */
  removePending(key: number, frame: number, gen: number): boolean {
    const q = this.pending.get(key);
    if (!q) return false;
    for (let i = 0; i < q.length; i += 2) {
      if (q[i] === frame && q[i + 1] === gen) {
        q.splice(i, 2);
        this.pendingTotal--;
        return true;
      }
    }
    return false;
  }

  /** The first waiting try still `alive`, removed from the queue; -1 when none. */
  dequeuePending(key: number, alive: (frame: number, gen: number) => boolean): number {
    const q = this.pending.get(key);
    while (q && q.length > 0) {
      const frame = q.shift() as number;
      const gen = q.shift() as number;
      this.pendingTotal--;
      if (alive(frame, gen)) return frame;
    }
    return -1;
  }
}
