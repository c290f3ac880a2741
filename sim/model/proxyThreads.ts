/**
 * The worker threads of proxies that have a CPU of their own, each proxy a
 * FIFO queue in front of `workers` threads. Such a queue can be solved the
 * moment a task arrives (the Kiefer–Wolfowitz recursion): it starts when
 * the earliest-free thread frees, or at once, and holds that thread for its
 * work and then its telemetry. So a traversal costs one event (its end), a
 * thread's telemetry none, and nothing waits in a queue of events.
 *
 * Proxies on a shared node CPU cannot be solved ahead (their speed depends
 * on what else runs there); the simulation keeps events for those.
 *
 * Busy time is summed per task. Measuring starts and stops mid-task, so
 * `startMeasuring` and `closeWindow` add and remove the parts of the tasks
 * in hand beyond that instant: every thread is busy without a gap from
 * `now` until its free time, since tasks are only ever added at `now`.
 */
export class ProxyThreads {
  /** Per proxy: a min-heap of the free times of its threads that have run anything (≤ workers entries). */
  private heaps: Float64Array[];
  private sizes: Int32Array;
  private readonly workers: Float64Array;
  /** Per proxy: start times of the tasks assigned to start later than they arrived, in order (a ring). */
  private queued: Float64Array[];
  private queuedHead: Int32Array;
  private queuedSize: Int32Array;
  /** Per proxy: thread-seconds busy since measuring began. */
  private readonly busy: Float64Array;
  private measuring = false;
  private measureStart = NaN;

  constructor(workers: Float64Array) {
    const n = workers.length;
    this.workers = workers;
    this.heaps = Array.from({ length: n }, () => new Float64Array(4));
    this.sizes = new Int32Array(n);
    this.queued = Array.from({ length: n }, () => new Float64Array(4));
    this.queuedHead = new Int32Array(n);
    this.queuedSize = new Int32Array(n);
    this.busy = new Float64Array(n);
  }

  /**
   * A task arrives at proxy `p` at `now`: `work` seconds of processing, then
   * `telemetry` seconds on the same thread. Returns when its work starts.
   */
  assign(p: number, now: number, work: number, telemetry: number): number {
    let h = this.heaps[p];
    const n = this.sizes[p];
    let start = now;
    if (n > 0 && h[0] <= now) {
      // The earliest-free thread is free (reused first, so the heap stays as small as the concurrency).
      siftDownTop(h, n, (now + work) + telemetry);
    } else if (n < this.workers[p]) {
      if (n === h.length) h = this.grow(p);
      this.sizes[p] = n + 1;
      siftUp(h, n, (now + work) + telemetry);
    } else {
      start = h[0];
      this.enqueue(p, now, start);
      siftDownTop(h, n, (start + work) + telemetry);
    }
    if (this.measuring) this.busy[p] += work + telemetry;
    return start;
  }

  /** Whether a task arriving at `p` at `now` would start at once. */
  hasFree(p: number, now: number): boolean {
    return this.sizes[p] < this.workers[p] || this.heaps[p][0] <= now;
  }

  /** Tasks at `p` waiting for a thread at `now`. */
  waiting(p: number, now: number): number {
    this.dropStarted(p, now);
    return this.queuedSize[p];
  }

  startMeasuring(t: number): void {
    this.measuring = true;
    this.measureStart = t;
    for (let p = 0; p < this.busy.length; p++) this.busy[p] = this.beyond(p, t);
  }

  /** Mean busy threads of `p` from the start of measuring to `t`, when measuring stops. */
  meanBusy(p: number, t: number): number {
    const span = t - this.measureStart;
    if (!this.measuring || !(span > 0)) return NaN;
    return (this.busy[p] - this.beyond(p, t)) / span;
  }

  /** Thread-seconds of `p` already assigned beyond `t`. */
  private beyond(p: number, t: number): number {
    const h = this.heaps[p];
    let s = 0;
    for (let i = 0; i < this.sizes[p]; i++) if (h[i] > t) s += h[i] - t;
    return s;
  }

  private enqueue(p: number, now: number, start: number): void {
    this.dropStarted(p, now);
    let q = this.queued[p];
    const n = this.queuedSize[p];
    if (n === q.length) {
      const next = new Float64Array(q.length * 2);
      for (let i = 0; i < n; i++) next[i] = q[(this.queuedHead[p] + i) % q.length];
      this.queued[p] = q = next;
      this.queuedHead[p] = 0;
    }
    q[(this.queuedHead[p] + n) % q.length] = start;
    this.queuedSize[p] = n + 1;
  }

  /** Forgets queued tasks that have started by `now` (starts are in order: FIFO). */
  private dropStarted(p: number, now: number): void {
    const q = this.queued[p];
    let head = this.queuedHead[p], n = this.queuedSize[p];
    while (n > 0 && q[head] <= now) {
      head = (head + 1) % q.length;
      n--;
    }
    this.queuedHead[p] = head;
    this.queuedSize[p] = n;
  }

  private grow(p: number): Float64Array {
    const h = new Float64Array(this.heaps[p].length * 2);
    h.set(this.heaps[p]);
    this.heaps[p] = h;
    return h;
  }
}

function siftUp(h: Float64Array, i: number, v: number): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (h[parent] <= v) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = v;
}

/** Replaces the heap's top with `v` and restores the order. */
function siftDownTop(h: Float64Array, n: number, v: number): void {
  let i = 0;
  const half = n >> 1;
  while (i < half) {
    let c = 2 * i + 1;
    if (c + 1 < n && h[c + 1] < h[c]) c++;
    if (v <= h[c]) break;
    h[i] = h[c];
    i = c;
  }
  h[i] = v;
}
