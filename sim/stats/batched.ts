/**
 * Latency recording with confidence intervals by the method of batch means.
 *
 * Per-request latencies in a queueing simulation are autocorrelated, so a CI
 * from them directly would be far too narrow. Instead the run (after warm-up)
 * is cut into B time batches; each batch's mean and percentiles are roughly
 * independent, roughly normal observations, and a Student-t interval over
 * them measures run-to-run noise. The caller maps simulated time to a batch
 * index (batches must be long compared to the system's correlation time).
 *
 * Point estimates come from all samples together (more accurate than the
 * mean of batch percentiles, which is biased for tail percentiles of short
 * batches); the CI half-width comes from the spread of the batch statistics
 * and is centred on that point estimate. Caveat: for p99.9 a batch needs
 * well over 1,000 samples for its percentile to mean anything.
 *
 * Memory: B histograms plus one cached merge; each allocates counts lazily
 * on first use, for the window of keys it sees (a few KB, at most 27 KB). The overall histogram is the merge of the
 * batches, built on demand, so `record` touches a single histogram.
 */

import { meanConfidenceInterval } from './confidence.js';
import { LogHistogram } from './histogram.js';
import { studentTQuantile } from './studentT.js';

/** [lower, upper], or null when fewer than two independent parts had data. */
export type Interval = [number, number] | null;

export interface LatencySummary {
  count: number;
  mean: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  ci: { mean: Interval; p50: Interval; p90: Interval; p99: Interval; p999: Interval };
  /** Number of non-empty batches (or replications) the intervals were computed from. */
  ciParts: number;
}

const QUANTILES = { p50: 0.5, p90: 0.9, p99: 0.99, p999: 0.999 } as const;

/** Lag-1 sample autocorrelation of `xs`; 0 with fewer than three values or no spread. */
export function lagOneAutocorrelation(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 3) return 0;
  let m = 0;
  for (const x of xs) m += x;
  m /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - m;
    den += d * d;
    if (i > 0) num += d * (xs[i - 1] - m);
  }
  return den > 0 ? num / den : 0;
}

/** Largest lag-1 autocorrelation the correction believes (a factor of ~4.4). */
const MAX_SERIAL = 0.9;

/**
 * How much wider a t-interval over consecutive batch statistics must be when
 * they are serially correlated: batches not long against the system's
 * correlation time (busy periods of a slow chain, a short run). For batch
 * means that follow an AR(1) with lag-1 correlation r, the variance of their
 * mean is s²/n · (1 + r)/(1 − r); the factor is its square root, with r the
 * sample lag-1 autocorrelation (0 when negative). Without it the bench's
 * 5-hop reference chain over 500 s measured (20 batches of 25 s, lag-1 ≈
 * 0.26) covered its analytic mean in 240 of 300 seeds.
 */
export function serialCorrelationFactor(values: readonly number[]): number {
  const r = Math.min(MAX_SERIAL, Math.max(0, lagOneAutocorrelation(values)));
  return Math.sqrt((1 + r) / (1 - r));
}

/**
 * How far beyond the data a quantile interval's upper end reaches when the
 * parts cannot bound the tail: to where the extrapolated tail holds 1/50 of
 * the quantile's share (p99: 0.02 %), ln 50 ≈ 3.9 mean excesses above the
 * estimate. Measured on M/M/1 at ρ = 0.8 (1,000 seeds a length), the p99's
 * interval then covers 94 % at 2,000 requests, 97 % at 5,000, 93 % at
 * 20,000, and is as before at 100,000, where the data reach that far.
 */
const TAIL_FLOOR = 50;

/** Mean of (v − x) over the values above x, from the buckets' representatives; 0 when none is above. */
function meanExcess(h: LogHistogram, x: number): number {
  let sum = 0;
  let count = 0;
  const rep = 2 / (LogHistogram.GAMMA + 1);
  for (const b of h.buckets()) {
    if (!(b.lower >= x)) continue;
    sum += (Math.min(h.max, b.upper * rep) - x) * b.count;
    count += b.count;
  }
  return count > 0 ? Math.max(0, sum / count) : 0;
}

/**
 * Summarize `overall` with intervals from the independent `parts` (batches or
 * replications) whose merge it is. Empty parts are skipped; with fewer than
 * two non-empty parts every interval is null. Lower bounds are clipped at 0:
 * latencies are non-negative, and intersecting an interval with the
 * parameter space never lowers its coverage.
 */
export function summarizeParts(parts: readonly LogHistogram[], overall: LogHistogram, level = 0.95, serial = false): LatencySummary {
  const used = parts.filter((h) => h.count > 0);
  const halfWidthOf = (values: number[]): number => {
    const { halfWidth } = meanConfidenceInterval(values, level);
    return serial ? halfWidth * serialCorrelationFactor(values) : halfWidth;
  };
  const point = {
    mean: overall.mean,
    p50: overall.quantile(QUANTILES.p50),
    p90: overall.quantile(QUANTILES.p90),
    p99: overall.quantile(QUANTILES.p99),
    p999: overall.quantile(QUANTILES.p999),
  };
  const interval = (estimate: number, perPart: (h: LogHistogram) => number): Interval => {
    if (used.length < 2) return null;
    const halfWidth = halfWidthOf(used.map(perPart));
    return [Math.max(0, estimate - halfWidth), estimate + halfWidth];
  };
  // A quantile's interval: each part's share of samples at or below the
  // overall estimate is a mean (of indicators), so the parts give a
  // t-interval for F(q̂); the quantiles at its ends bound q. The spread of
  // the parts' own quantiles would not: a short batch's p99 is biased low,
  // and the overall p99 comes mostly from the few batches holding long busy
  // periods (an M/M/1 p99 interval covered 36 % of the time at 60 s).
  const quantileInterval = (p: number, estimate: number): Interval => {
    if (used.length < 2) return null;
    const shares = used.map((h) => h.fractionAtOrBelow(estimate));
    let halfWidth = halfWidthOf(shares);
    // Only the parts holding a sample above the estimate say anything about
    // the tail: the others' shares are all exactly 1. Tail samples come in a
    // few busy periods, so on a short run a p99's 20 shares are often 17
    // ones and three outliers, whose t-interval with 19 degrees of freedom
    // is far too sure; with k such parts it has k − 1 (M/M/1 at ρ = 0.8,
    // 5,000 requests, 1,000 seeds: the p99's interval covered 78 %).
    const k = shares.filter((f) => f < 1).length;
    const df = Math.max(1, Math.min(shares.length - 1, k - 1));
    if (df < shares.length - 1) halfWidth *= studentTQuantile((1 + level) / 2, df) / studentTQuantile((1 + level) / 2, shares.length - 1);
    // The estimate is a bucket's representative r, which stands for any
    // value in [r/(1+α), r/(1−α)]: the interval spans at least that bucket.
    // Else a long run's interval shrinks to the one point r (zero width) and
    // misses the sample quantile it estimates, up to 0.5 % away. Clamped to
    // the exact min and max, so equal values keep a point interval.
    const a = LogHistogram.RELATIVE_ERROR;
    const lo = Math.min(overall.quantile(Math.max(0, p - halfWidth)), estimate / (1 + a));
    const lower = Math.max(overall.min, lo);
    // The upper end's share, 1 − p − h, may lie beyond the largest sample's
    // rank (or at or below 0): the data then cannot bound q from above, and
    // reading the histogram there gave the max, an upper end that missed the
    // truth whenever the run held no sample beyond it (M/M/1, 2,000
    // requests: the p99's interval covered 47 %). Extrapolate the tail
    // instead, as exponential with the mean excess over the p90 (or the
    // estimate, when lower), from the estimate's share 1 − p down to
    // 1 − p − h, but no further than (1 − p)/TAIL_FLOOR.
    const n = overall.count;
    const beyond = Math.max(1 - p - halfWidth, (1 - p) / TAIL_FLOOR);
    if (1 - beyond <= (n - 2) / (n - 1)) {
      const hi = Math.max(overall.quantile(1 - beyond), estimate / (1 - a));
      return [lower, Math.min(overall.max, hi)];
    }
    const excess = meanExcess(overall, Math.min(estimate, overall.quantile(0.9)));
    return [lower, Math.max(overall.max, estimate + excess * Math.log((1 - p) / beyond))];
  };
  return {
    count: overall.count,
    mean: point.mean,
    min: overall.min,
    max: overall.max,
    p50: point.p50,
    p90: point.p90,
    p99: point.p99,
    p999: point.p999,
    ci: {
      mean: interval(point.mean, (h) => h.mean),
      p50: quantileInterval(QUANTILES.p50, point.p50),
      p90: quantileInterval(QUANTILES.p90, point.p90),
      p99: quantileInterval(QUANTILES.p99, point.p99),
      p999: quantileInterval(QUANTILES.p999, point.p999),
    },
    ciParts: used.length,
  };
}

export class BatchedLatency {
  /** Number of batches B. */
  readonly batchCount: number;
  private readonly parts: LogHistogram[];
  private readonly merged = new LogHistogram();
  private dirty = false;

  constructor(batches = 20) {
    if (!Number.isInteger(batches) || batches < 1) {
      throw new RangeError(`BatchedLatency: batches must be a positive integer, got ${batches}`);
    }
    this.batchCount = batches;
    this.parts = [];
    for (let i = 0; i < batches; i++) this.parts.push(new LogHistogram());
  }

  /** Out of line, so the message's number formatting never lands on the recording path (see TimeAverage). */
  private badBatch(method: string, batch: number): never {
    throw new RangeError(`BatchedLatency.${method}: batch ${batch} not in [0, ${this.batchCount})`);
  }

  /** Record a latency (seconds) into batch `batch` ∈ [0, B). */
  record(value: number, batch: number): void {
    const h = this.parts[batch];
    if (h === undefined) this.badBatch('record', batch);
    h.record(value);
    this.dirty = true;
  }

  /** Histogram of batch i (read-only use). */
  batch(i: number): LogHistogram {
    const h = this.parts[i];
    if (h === undefined) this.badBatch('batch', i);
    return h;
  }

  /** All samples together (a cached merge of the batches; do not mutate). */
  overall(): LogHistogram {
    if (this.dirty) {
      this.merged.clear();
      for (const h of this.parts) this.merged.merge(h);
      this.dirty = false;
    }
    return this.merged;
  }

  /** Add another recorder's samples batch by batch (same B required). */
  merge(other: BatchedLatency): void {
    if (other.batchCount !== this.batchCount) {
      throw new RangeError(`BatchedLatency.merge: batch counts differ (${this.batchCount} vs ${other.batchCount})`);
    }
    for (let i = 0; i < this.batchCount; i++) this.parts[i].merge(other.parts[i]);
    this.dirty = true;
  }

  /**
   * Point estimates from all samples, t-intervals from the batches, widened
   * when consecutive batches are correlated (see serialCorrelationFactor).
   */
  summary(level = 0.95): LatencySummary {
    return summarizeParts(this.parts, this.overall(), level, true);
  }

  /**
   * Same summary with independent replications (different seeds) in place of
   * batches: point estimates from the merged histogram, intervals from the
   * per-replication statistics.
   */
  static summarizeReplications(hists: readonly LogHistogram[], level = 0.95): LatencySummary {
    const merged = new LogHistogram();
    for (const h of hists) merged.merge(h);
    return summarizeParts(hists, merged, level);
  }
}
