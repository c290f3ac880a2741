/**
 * Coarse latency classes for the per-interval p99: ×1.5 apart from 10 µs, so
 * within −18 % … +22 %, up to the histograms' top (10⁶ s). (With 40 classes
 * the last one began at 50 s and took everything above: a p99 of 150 s in
 * an overload's drain read as 60 s.)
 */
const CLASS_RATIO = 1.5;
/** How far apart the classes of the timeline's p99 are (×1.5): a chart pads its axis by one. */
export const P99_CLASS_RATIO = CLASS_RATIO;
const CLASS_MIN = 1e-5;
const CLASSES = Math.ceil(Math.log(1e6 / CLASS_MIN) / Math.log(CLASS_RATIO)) + 1;
const LN_CLASS_RATIO = Math.log(CLASS_RATIO);
/** At most this many intervals, however long the run: memory stays fixed. */
export const MAX_SERIES_INTERVALS = 2000;

/**
 * The run as a time series for the timeline chart: per interval (1 s, or
 * longer for long runs so there are at most 2,000), requests completed,
 * failed, failed by the mesh, and an approximate p99 of the successful ones.
 *
 * The horizon is a guess (the load's duration, with room for the drain; an
 * hour when a request count ends the run). A run that goes on past it does
 * not pile into the last interval: the intervals double in width, pairs
 * merging, so the series covers the run at its true times in fixed memory.
 */
export class TimeSeries {
  private w: number;
  readonly completed: Float64Array;
  readonly failed: Float64Array;
  readonly meshFailed: Float64Array;
  private readonly classes: Float64Array;

  constructor(horizon: number) {
    this.w = Math.max(1, Math.ceil(horizon / MAX_SERIES_INTERVALS));
    const n = Math.max(1, Math.ceil(horizon / this.w) + 1);
    this.completed = new Float64Array(n);
    this.failed = new Float64Array(n);
    this.meshFailed = new Float64Array(n);
    this.classes = new Float64Array(n * CLASSES);
  }

  /** Seconds an interval spans. */
  get width(): number {
    return this.w;
  }

  private slot(t: number): number {
    const i = Math.floor(t / this.w);
    return i < this.completed.length ? i : this.widen(t);
  }

  /** Doubles the intervals' width, merging pairs, until `t` falls inside; returns its interval. */
  private widen(t: number): number {
    const n = this.completed.length;
    if (!Number.isFinite(t)) throw new RangeError(`TimeSeries: time ${t} is not finite`);
    for (;;) {
      for (let j = 0; j < n; j++) {
        const a = 2 * j, b = a + 1;
        this.completed[j] = a < n ? this.completed[a] + (b < n ? this.completed[b] : 0) : 0;
        this.failed[j] = a < n ? this.failed[a] + (b < n ? this.failed[b] : 0) : 0;
        this.meshFailed[j] = a < n ? this.meshFailed[a] + (b < n ? this.meshFailed[b] : 0) : 0;
        for (let c = 0; c < CLASSES; c++) {
          const sum = a < n ? this.classes[a * CLASSES + c] + (b < n ? this.classes[b * CLASSES + c] : 0) : 0;
          this.classes[j * CLASSES + c] = sum;
        }
      }
      this.w *= 2;
      const i = Math.floor(t / this.w);
      if (i < n) return i;
    }
  }

  record(t: number, latency: number, failed: boolean, meshFailed: boolean): void {
    const i = this.slot(t);
    this.completed[i]++;
    if (failed) {
      this.failed[i]++;
      if (meshFailed) this.meshFailed[i]++;
      return;
    }
    let c = latency <= CLASS_MIN ? 0 : Math.floor(Math.log(latency / CLASS_MIN) / LN_CLASS_RATIO) + 1;
    if (c >= CLASSES) c = CLASSES - 1;
    this.classes[i * CLASSES + c]++;
  }

  /** The middle of the class holding the 99th percentile of interval i's successes; NaN when it had none. */
  p99(i: number): number {
    let n = 0;
    for (let c = 0; c < CLASSES; c++) n += this.classes[i * CLASSES + c];
    if (n === 0) return NaN;
    const rank = Math.ceil(0.99 * n);
    let seen = 0;
    for (let c = 0; c < CLASSES; c++) {
      seen += this.classes[i * CLASSES + c];
      // The class's geometric middle: within ×/÷ √1.5 (−18 % … +22 %) of any latency in it.
      if (seen >= rank) return c === 0 ? CLASS_MIN : CLASS_MIN * CLASS_RATIO ** (c - 0.5);
    }
    return NaN;
  }

  /** Intervals up to the last one with any request. */
  get length(): number {
    let last = -1;
    for (let i = 0; i < this.completed.length; i++) if (this.completed[i] > 0) last = i;
    return last + 1;
  }
}
