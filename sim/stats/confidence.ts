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

/** z for a two-sided 95 % interval: the standard normal's 97.5th percentile. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a binomial proportion: `hits` of `n` trials,
 * assumed independent, at the confidence of `z` (95 % by default). Unlike
 * the normal approximation it stays within [0, 1] and is not zero-width at
 * 0 or n hits (0 of 1,000 gives [0, 0.38 %]). Null when n is 0: no share
 * of nothing.
 */
export function wilsonInterval(hits: number, n: number, z = Z95): [number, number] | null {
  if (!(n > 0) || !(hits >= 0 && hits <= n)) return null;
  const p = hits / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Exactly 0 and 1 at the ends (the formula leaves dust there: 1e-19 for 0 hits).
  return [hits === 0 ? 0 : Math.max(0, centre - half), hits === n ? 1 : Math.min(1, centre + half)];
}
