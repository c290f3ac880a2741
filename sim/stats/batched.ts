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
    const halfWidth = halfWidthOf(used.map((h) => h.fractionAtOrBelow(estimate)));
    // The estimate is a bucket's representative r, which stands for any
    // value in [r/(1+α), r/(1−α)]: the interval spans at least that bucket.
    // Else a long run's interval shrinks to the one point r (zero width) and
    // misses the sample quantile it estimates, up to 0.5 % away. Clamped to
    // the exact min and max, so equal values keep a point interval.
    const a = LogHistogram.RELATIVE_ERROR;
    const lo = Math.min(overall.quantile(Math.max(0, p - halfWidth)), estimate / (1 + a));
    const hi = Math.max(overall.quantile(Math.min(1, p + halfWidth)), estimate / (1 - a));
    return [Math.max(overall.min, lo), Math.min(overall.max, hi)];
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
