/**
 * Confidence intervals for a mean from independent observations — batch
 * means or per-replication statistics, never raw per-request latencies
 * (those are autocorrelated through queues, which makes a naive interval far
 * too narrow).
 */

import { studentTQuantile } from './studentT.js';

export interface ConfidenceInterval {
  /** Sample mean (NaN when n = 0). */
  mean: number;
  /** t_{(1+level)/2, n−1} · s/√n; NaN when n < 2. */
  halfWidth: number;
  lower: number;
  upper: number;
  n: number;
}

/**
 * Two-sided Student-t interval for the mean of `values`, assumed independent
 * and roughly normal (batch means are, by the central limit theorem, once
 * batches are long compared to the correlation time). n < 2 → NaN bounds.
 */
export function meanConfidenceInterval(values: readonly number[], level = 0.95): ConfidenceInterval {
  if (!(level > 0 && level < 1)) throw new RangeError(`meanConfidenceInterval: level must be in (0, 1), got ${level}`);
  const n = values.length;
  if (n === 0) return { mean: NaN, halfWidth: NaN, lower: NaN, upper: NaN, n };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  if (n < 2) return { mean, halfWidth: NaN, lower: NaN, upper: NaN, n };
  // Two-pass variance: no catastrophic cancellation when the spread is tiny relative to the mean.
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    ss += d * d;
  }
  const sd = Math.sqrt(ss / (n - 1));
  const halfWidth = sd === 0 ? 0 : (studentTQuantile((1 + level) / 2, n - 1) * sd) / Math.sqrt(n);
  return { mean, halfWidth, lower: mean - halfWidth, upper: mean + halfWidth, n };
}
