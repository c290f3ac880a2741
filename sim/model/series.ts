/** Coarse latency classes for the per-interval p99: ×1.5 apart from 10 µs, so ±25 %. */
const CLASS_RATIO = 1.5;
const CLASS_MIN = 1e-5;
const CLASSES = 40;
const LN_CLASS_RATIO = Math.log(CLASS_RATIO);
/** At most this many intervals, however long the run: memory stays fixed. */
const MAX_INTERVALS = 2000;

/**
 * The run as a time series for the timeline chart: per interval (1 s, or
 * longer for long runs so there are at most 2,000), requests completed,
 * failed, failed by the mesh, and an approximate p99 of the successful ones.
 */
export class TimeSeries {
  readonly width: number;
  readonly completed: Float64Array;
  readonly failed: Float64Array;
  readonly meshFailed: Float64Array;
  private readonly classes: Float64Array;

  constructor(horizon: number) {
    this.width = Math.max(1, Math.ceil(horizon / MAX_INTERVALS));
    const n = Math.max(1, Math.ceil(horizon / this.width) + 1);
    this.completed = new Float64Array(n);
    this.failed = new Float64Array(n);
    this.meshFailed = new Float64Array(n);
    this.classes = new Float64Array(n * CLASSES);
  }

  private slot(t: number): number {
    const i = Math.floor(t / this.width);
    return i < this.completed.length ? i : this.completed.length - 1;
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

  /** Upper edge of the class holding the 99th percentile of interval i's successes; NaN when it had none. */
  p99(i: number): number {
    let n = 0;
    for (let c = 0; c < CLASSES; c++) n += this.classes[i * CLASSES + c];
    if (n === 0) return NaN;
    const rank = Math.ceil(0.99 * n);
    let seen = 0;
    for (let c = 0; c < CLASSES; c++) {
      seen += this.classes[i * CLASSES + c];
      if (seen >= rank) return CLASS_MIN * CLASS_RATIO ** c;
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
