/**
 * Log-bucketed streaming histogram (DDSketch-style) for non-negative values
 * in seconds.
 *
 * Why this shape: the simulator records one latency per request per entry
 * point and per service, so memory must not grow with the number of requests
 * and `record()` must be a handful of nanoseconds. Bucket i (its "key") holds
 * the values in (γ^(i-1), γ^i] with γ = (1+α)/(1-α); reporting the bucket's
 * representative 2γ^i/(γ+1) is then within relative error α of *every* value
 * in the bucket, so a quantile is within α of the sample value at that rank
 * no matter how skewed the distribution is (unlike fixed-width bins).
 *
 * Accuracy guarantee (α = {@link LogHistogram.RELATIVE_ERROR} = 0.005):
 * for v in [1e-9 s, 1e6 s], `quantile(q)` returns x̂ with |x̂ − x| ≤ α·x
 * (plus ~1e-12 relative floating-point rounding), where x is the sample of
 * 0-based rank ⌊q·(n−1)⌋ in sorted order — the same rank DDSketch uses and
 * the lower neighbour of the one d3-array's `quantileSorted` interpolates
 * from. Values below 1e-9 (including exact 0) are counted in a zero bucket
 * and reported as 0 (absolute error < 1e-9, clamped into [min, max]); values
 * above 1e6 are counted in the top bucket and in `overflow` and lose the
 * bound (but `max` stays exact).
 *
 * Storage: a Float64Array window over the ~3,460 slots, covering the keys
 * recorded so far and grown (at least doubling) when a value falls outside
 * it. Idle histograms (an unused batch, a service that never got traffic)
 * cost only a small object, and a service's latencies, which span a few
 * hundred keys, a few KB: a run keeps ~21 histograms a service, and with all
 * slots 2,000 services took 1.2 GB. Float64 rather than Uint32: counts stay
 * exact integers up to 2^53 and never wrap, and merging/`recordMany` with
 * large weights needs no checks.
 *
 * Determinism: no Maps, no randomness; every traversal is by ascending key,
 * so the same records in the same order give bit-identical state and JSON.
 */

const ALPHA = 0.005;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LN_GAMMA = Math.log(GAMMA);
const INV_LN_GAMMA = 1 / LN_GAMMA;
/** Representative of key i is REP_FACTOR·γ^i: the point minimizing the worst relative error over (γ^(i-1), γ^i]. */
const REP_FACTOR = 2 / (GAMMA + 1);
const MIN_VALUE = 1e-9;
const MAX_VALUE = 1e6;

/** The key of an in-range value: ⌈log_γ v⌉. Shared by every code path so a value always maps to one key. */
function keyOf(v: number): number {
  return Math.ceil(Math.log(v) * INV_LN_GAMMA);
}

const MIN_KEY = keyOf(MIN_VALUE);
const MAX_KEY = keyOf(MAX_VALUE);
/**
 * One slack slot at each end: `Math.log` is not guaranteed to be correctly
 * rounded, so a value at the very edge of the range could in principle land
 * one key outside [MIN_KEY, MAX_KEY]. The slack keys are ordinary keys (their
 * representative is still within α), which keeps the hot path free of clamps.
 */
const KEY_LO = MIN_KEY - 1;
const KEY_HI = MAX_KEY + 1;
const SLOTS = KEY_HI - KEY_LO + 1;
/** Slot that out-of-range (> MAX_VALUE) values are clamped into. */
const TOP_SLOT = MAX_KEY - KEY_LO;
/** Slots a new window reaches on each side of its first value (×1.9 in value). */
const WINDOW_PAD = 64;

/** Out of line, so the message's number formatting never lands on the recording path (see TimeAverage). */
function badValue(v: number): never {
  throw new RangeError(`LogHistogram: value must be finite and non-negative, got ${v}`);
}

/** Lower/upper edge of key i: (γ^(i-1), γ^i]. */
function upperOfKey(key: number): number {
  return Math.exp(key * LN_GAMMA);
}

/** One non-empty bucket, for charts: values in (lower, upper]. */
export interface HistogramBucket {
  lower: number;
  upper: number;
  count: number;
}

/** One point of an empirical CDF: P(X ≤ value) = p. */
export interface CdfPoint {
  value: number;
  p: number;
}

/**
 * Sparse, versioned serialization. `bins` is a flat list of
 * [key, count, key, count, …] pairs in ascending key order, where key is the
 * absolute bucket index ⌈log_γ v⌉ (independent of the array layout).
 * `min`/`max` are null when empty (JSON has no Infinity).
 */
export interface LogHistogramJSON {
  format: 'meshtax-loghist-1';
  alpha: number;
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  zero: number;
  overflow: number;
  bins: number[];
}

const FORMAT = 'meshtax-loghist-1';

export class LogHistogram {
  /** α: every in-range quantile is within this relative error of the sample at its rank. */
  static readonly RELATIVE_ERROR = ALPHA;
  /** Bucket growth factor γ = (1+α)/(1-α). */
  static readonly GAMMA = GAMMA;
  /** Values below this (seconds) go to the zero bucket. */
  static readonly MIN_VALUE = MIN_VALUE;
  /** Values above this (seconds) are clamped into the top bucket and counted in `overflow`. */
  static readonly MAX_VALUE = MAX_VALUE;
  /** Slots in all: the most a histogram's window can cover. */
  static readonly SLOT_COUNT = SLOTS;

  /** Counts of slots base … base + counts.length − 1 (slot = key − KEY_LO); null until the first in-range value. */
  private counts: Float64Array | null = null;
  private base = 0;
  private n = 0;
  private total = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private zeroCount = 0;
  private overflowCount = 0;

  /**
   * Record one value (seconds). Hot path: one Math.log, one array increment.
   * Negative, NaN and infinite values are programming errors and throw.
   */
  record(v: number): void {
    if (v >= MIN_VALUE && v <= MAX_VALUE) {
      const j = keyOf(v) - KEY_LO;
      const w = this.counts;
      const c = w !== null && j >= this.base && j < this.base + w.length ? w : this.cover(j, j);
      c[j - this.base]++;
      this.n++;
      this.total += v;
      if (v < this.lo) this.lo = v;
      if (v > this.hi) this.hi = v;
    } else {
      this.recordOther(v, 1);
    }
  }

  /**
   * Record `v` with multiplicity `times` (a non-negative integer). `sum`
   * grows by v·times, which can differ in the last bit from `times` separate
   * records.
   */
  recordMany(v: number, times: number): void {
    if (!Number.isInteger(times) || times < 0) {
      throw new RangeError(`LogHistogram.recordMany: times must be a non-negative integer, got ${times}`);
    }
    if (times === 0) return;
    if (v >= MIN_VALUE && v <= MAX_VALUE) {
      this.add(keyOf(v) - KEY_LO, times);
      this.n += times;
      this.total += v * times;
      if (v < this.lo) this.lo = v;
      if (v > this.hi) this.hi = v;
    } else {
      this.recordOther(v, times);
    }
  }

  /** Slow path kept out of `record` so the hot path stays small enough to inline. */
  private recordOther(v: number, times: number): void {
    if (!(v >= 0) || v === Infinity) badValue(v);
    if (v < MIN_VALUE) {
      this.zeroCount += times;
    } else {
      this.add(TOP_SLOT, times);
      this.overflowCount += times;
    }
    this.n += times;
    this.total += v * times;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
  }

  /**
   * Widens the window to cover slots from … to (and a margin on the side it
   * grows, at least its present size, so growing is amortised O(1)); returns it.
   */
  private cover(from: number, to: number): Float64Array {
    const old = this.counts;
    const oldLo = old === null ? from : this.base;
    const oldHi = old === null ? to + 1 : this.base + old.length;
    if (old !== null && from >= oldLo && to < oldHi) return old;
    const pad = Math.max(WINDOW_PAD, oldHi - oldLo);
    const lo = old === null || from < oldLo ? Math.max(0, Math.min(from, oldLo) - pad) : oldLo;
    const hi = old === null || to >= oldHi ? Math.min(SLOTS, Math.max(to + 1, oldHi) + pad) : oldHi;
    const c = new Float64Array(hi - lo);
    if (old !== null) c.set(old, oldLo - lo);
    this.counts = c;
    this.base = lo;
    return c;
  }

  private add(slot: number, times: number): void {
    const c = this.cover(slot, slot);
    c[slot - this.base] += times;
  }

  /** Count in slot j (0 outside the window). */
  private at(j: number): number {
    const c = this.counts;
    const i = j - this.base;
    return c !== null && i >= 0 && i < c.length ? c[i] : 0;
  }

  /** Slots the counts window holds now (its memory is 8 bytes a slot). */
  get allocatedSlots(): number {
    return this.counts === null ? 0 : this.counts.length;
  }

  /** Number of recorded values. */
  get count(): number {
    return this.n;
  }

  /** Exact (floating-point) sum of recorded values. */
  get sum(): number {
    return this.total;
  }

  /** Mean, NaN when empty. */
  get mean(): number {
    return this.n === 0 ? NaN : this.total / this.n;
  }

  /** Exact smallest value, NaN when empty. */
  get min(): number {
    return this.n === 0 ? NaN : this.lo;
  }

  /** Exact largest value, NaN when empty. */
  get max(): number {
    return this.n === 0 ? NaN : this.hi;
  }

  /** Values below MIN_VALUE (reported as 0). */
  get zero(): number {
    return this.zeroCount;
  }

  /** Values above MAX_VALUE (clamped into the top bucket). */
  get overflow(): number {
    return this.overflowCount;
  }

  /** Slot holding value v; only called for recorded extremes. */
  private slotOf(v: number): number {
    if (v < MIN_VALUE) return -1;
    if (v > MAX_VALUE) return TOP_SLOT;
    return keyOf(v) - KEY_LO;
  }

  /**
   * Approximate q-quantile: the representative of the bucket holding the
   * sample of 0-based rank ⌊q·(n−1)⌋, clamped into [min, max]. q = 0 and
   * q = 1 return the exact min and max. NaN when empty. The scan is bounded
   * by the slots of min and max, so it costs nothing on the hot path.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`LogHistogram.quantile: q must be in [0, 1], got ${q}`);
    const n = this.n;
    if (n === 0) return NaN;
    if (q === 0) return this.lo;
    if (q === 1) return this.hi;
    const rank = Math.floor(q * (n - 1));
    let cum = this.zeroCount;
    if (cum > rank) return this.clamp(0);
    if (this.counts === null) return this.hi; // unreachable: rank < n means an in-range value exists
    const from = Math.max(0, this.slotOf(this.lo));
    const to = this.slotOf(this.hi);
    for (let j = from; j <= to; j++) {
      cum += this.at(j);
      if (cum > rank) return this.clamp(REP_FACTOR * upperOfKey(j + KEY_LO));
    }
    return this.hi;
  }

  /**
   * Share of the samples in buckets up to the one holding x (so x's whole
   * bucket counts, as quantile() answers with a bucket's representative).
   * NaN when empty.
   */
  fractionAtOrBelow(x: number): number {
    const n = this.n;
    if (n === 0) return NaN;
    if (!(x >= MIN_VALUE)) return this.zeroCount / n;
    let cum = this.zeroCount;
    if (this.counts !== null) {
      const from = Math.max(0, this.slotOf(this.lo));
      const to = Math.min(this.slotOf(this.hi), this.slotOf(x));
      for (let j = from; j <= to; j++) cum += this.at(j);
    }
    return cum / n;
  }

  private clamp(x: number): number {
    return x < this.lo ? this.lo : x > this.hi ? this.hi : x;
  }

  /**
   * Add another histogram's contents. Counts, min and max combine exactly, so
   * merging equals recording everything into one histogram; `sum` is a
   * floating-point addition of the two sums.
   */
  merge(other: LogHistogram): void {
    if (other.n === 0) return;
    const oc = other.counts;
    if (oc !== null) {
      const c = this.cover(other.base, other.base + oc.length - 1);
      const shift = other.base - this.base;
      for (let k = 0; k < oc.length; k++) c[k + shift] += oc[k];
    }
    this.n += other.n;
    this.total += other.total;
    this.zeroCount += other.zeroCount;
    this.overflowCount += other.overflowCount;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
  }

  /** Forget everything; keeps the counts array to avoid reallocating. */
  clear(): void {
    if (this.counts !== null) this.counts.fill(0);
    this.n = 0;
    this.total = 0;
    this.lo = Infinity;
    this.hi = -Infinity;
    this.zeroCount = 0;
    this.overflowCount = 0;
  }

  /** Independent copy. */
  clone(): LogHistogram {
    const h = new LogHistogram();
    h.merge(this);
    return h;
  }

  /**
   * Non-empty buckets in ascending order. The zero bucket is [0, 1e-9); the
   * top bucket's upper edge is raised to `max` when it holds overflow values.
   */
  buckets(): HistogramBucket[] {
    const out: HistogramBucket[] = [];
    if (this.zeroCount > 0) out.push({ lower: 0, upper: MIN_VALUE, count: this.zeroCount });
    const c = this.counts;
    if (c === null) return out;
    for (let k = 0; k < c.length; k++) {
      const count = c[k];
      if (count === 0) continue;
      const j = k + this.base;
      const key = j + KEY_LO;
      // The lowest keys straddle MIN_VALUE; nothing below it is ever stored there.
      const lower = Math.max(upperOfKey(key - 1), MIN_VALUE);
      let upper = upperOfKey(key);
      if (j === TOP_SLOT && this.overflowCount > 0) upper = Math.max(upper, this.hi);
      out.push({ lower, upper, count });
    }
    return out;
  }

  /**
   * Compact empirical CDF for plotting, at most `points` (≥ 3) points:
   * starts at (min, 0), ends at (max, 1). Adjacent buckets are merged in
   * equal-width groups of keys (equal width in log(value)), which keeps the
   * tail's resolution — equal steps in p would spend every point on the body.
   * Each point is (group's upper edge, exact fraction of values ≤ it), so
   * the p's are exact at the plotted values (up to bucket-edge rounding).
   */
  cdf(points = 200): CdfPoint[] {
    if (!Number.isInteger(points) || points < 3) {
      throw new RangeError(`LogHistogram.cdf: points must be an integer ≥ 3, got ${points}`);
    }
    const n = this.n;
    if (n === 0) return [];
    const out: CdfPoint[] = [{ value: this.lo, p: 0 }];
    let cum = this.zeroCount;
    if (cum > 0) out.push({ value: cum === n ? this.hi : Math.min(MIN_VALUE, this.hi), p: cum / n });
    if (this.counts === null || cum === n) return out;
    const from = Math.max(0, this.slotOf(this.lo));
    const to = this.slotOf(this.hi);
    const budget = points - out.length;
    const width = Math.ceil((to - from + 1) / budget);
    for (let start = from; start <= to; start += width) {
      const end = Math.min(start + width - 1, to);
      let g = 0;
      for (let j = start; j <= end; j++) g += this.at(j);
      if (g === 0) continue;
      cum += g;
      const value = cum === n ? this.hi : Math.min(upperOfKey(end + KEY_LO), this.hi);
      out.push({ value, p: cum / n });
    }
    return out;
  }

  /** Sparse serialization; `fromJSON(h.toJSON())` reproduces h exactly. */
  toJSON(): LogHistogramJSON {
    const bins: number[] = [];
    const c = this.counts;
    if (c !== null) {
      for (let k = 0; k < c.length; k++) if (c[k] !== 0) bins.push(k + this.base + KEY_LO, c[k]);
    }
    const empty = this.n === 0;
    return {
      format: FORMAT,
      alpha: ALPHA,
      count: this.n,
      sum: this.total,
      min: empty ? null : this.lo,
      max: empty ? null : this.hi,
      zero: this.zeroCount,
      overflow: this.overflowCount,
      bins,
    };
  }

  /** Inverse of `toJSON`, validating that the data is self-consistent. */
  static fromJSON(json: LogHistogramJSON): LogHistogram {
    const fail = (why: string): never => {
      throw new Error(`LogHistogram.fromJSON: ${why}`);
    };
    if (json === null || typeof json !== 'object') fail('not an object');
    if (json.format !== FORMAT) fail(`unknown format ${String(json.format)}`);
    if (json.alpha !== ALPHA) fail(`alpha ${json.alpha} does not match ${ALPHA}`);
    const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
    if (!isCount(json.count) || !isCount(json.zero) || !isCount(json.overflow)) fail('bad counts');
    if (!Array.isArray(json.bins) || json.bins.length % 2 !== 0) fail('bins must be [key, count] pairs');
    const h = new LogHistogram();
    let total = json.zero;
    let prevKey = -Infinity;
    let topCount = 0;
    for (let i = 0; i < json.bins.length; i += 2) {
      const key = json.bins[i];
      const count = json.bins[i + 1];
      if (!Number.isInteger(key) || key < KEY_LO || key > KEY_HI || key <= prevKey) fail(`bad key ${key}`);
      if (!isCount(count) || count === 0) fail(`bad count ${count} for key ${key}`);
      h.add(key - KEY_LO, count);
      if (key - KEY_LO === TOP_SLOT) topCount = count;
      prevKey = key;
      total += count;
    }
    if (total !== json.count) fail(`count ${json.count} does not equal the bucket total ${total}`);
    if (json.overflow > topCount) fail('overflow exceeds the top bucket');
    if (json.count === 0) {
      if (json.min !== null || json.max !== null || json.sum !== 0) fail('empty histogram with min/max/sum');
    } else {
      const { min, max, sum } = json;
      if (typeof min !== 'number' || typeof max !== 'number' || !(min >= 0 && min <= max) || !Number.isFinite(max)) {
        fail('bad min/max');
      }
      if (typeof sum !== 'number' || !Number.isFinite(sum)) fail('bad sum');
      h.lo = min as number;
      h.hi = max as number;
    }
    h.n = json.count;
    h.total = json.sum;
    h.zeroCount = json.zero;
    h.overflowCount = json.overflow;
    return h;
  }
}
