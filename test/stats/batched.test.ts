import { describe, expect, it } from 'vitest';
import { BatchedLatency, lagOneAutocorrelation, serialCorrelationFactor, type Interval } from '../../sim/stats/batched.js';
import { meanConfidenceInterval } from '../../sim/stats/confidence.js';
import { LogHistogram } from '../../sim/stats/histogram.js';
import { studentTQuantile } from '../../sim/stats/studentT.js';
import { exponential, lognormal, normal, rngFor } from './samplers.js';

const inside = (iv: Interval, x: number): boolean => iv !== null && iv[0] <= x && x <= iv[1];

describe('BatchedLatency', () => {
  it('point estimates come from all samples, intervals from the batch statistics', () => {
    const r = rngFor('batched-basic');
    const b = new BatchedLatency(10);
    const all = new LogHistogram();
    for (let i = 0; i < 10_000; i++) {
      const v = lognormal(r, Math.log(0.01), 1);
      b.record(v, i % 10);
      all.record(v);
    }
    const s = b.summary();
    expect(s.count).toBe(10_000);
    expect(s.min).toBe(all.min);
    expect(s.max).toBe(all.max);
    expect(s.mean).toBeCloseTo(all.mean, 12);
    expect([s.p50, s.p90, s.p99, s.p999]).toEqual([0.5, 0.9, 0.99, 0.999].map((q) => all.quantile(q)));
    expect(s.ciParts).toBe(10);
    // The mean's: a t-interval over the 10 batch means, centred on the overall mean.
    const hwMean = meanConfidenceInterval(Array.from({ length: 10 }, (_, i) => b.batch(i).mean)).halfWidth;
    expect(s.ci.mean?.[0]).toBeCloseTo(s.mean - hwMean, 12);
    expect(s.ci.mean?.[1]).toBeCloseTo(s.mean + hwMean, 12);
    // A quantile's: a t-interval over the batches' shares at or below the
    // overall p90 bounds F(q), and the overall quantiles at its ends bound q.
    const shares = Array.from({ length: 10 }, (_, i) => b.batch(i).fractionAtOrBelow(s.p90));
    const hw = meanConfidenceInterval(shares).halfWidth;
    expect(hw).toBeGreaterThan(0);
    expect(s.ci.p90).toEqual([all.quantile(0.9 - hw), all.quantile(0.9 + hw)]);
    for (const k of ['mean', 'p50', 'p90', 'p99', 'p999'] as const) {
      const iv = s.ci[k];
      expect(iv).not.toBeNull();
      expect(inside(iv, s[k])).toBe(true);
    }
    const { sum, ...overall } = b.overall().toJSON();
    const { sum: sumAll, ...expected } = all.toJSON();
    expect(overall).toEqual(expected);
    expect(sum).toBeCloseTo(sumAll, 9);
  });

  it("a quantile's interval covers the sample quantile it estimates, however many samples (histogram resolution)", () => {
    // 20 identical batches of evenly spread values in [10 ms, 30 ms]: the
    // batches' shares agree exactly, so the t-interval of F(q̂) has zero
    // width. The overall quantile is a bucket's representative, up to α off
    // the sample at its rank (the p50 0.0199396 for 0.02): an interval of
    // that one point excluded the very sample quantile it estimates.
    const b = new BatchedLatency(20);
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) values.push(0.01 + (0.02 * i) / 19_999);
    for (let k = 0; k < 20; k++) for (const v of values) b.record(v, k);
    const s = b.summary();
    const sorted = values.flatMap((v) => Array<number>(20).fill(v));
    for (const [k, q] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99], ['p999', 0.999]] as const) {
      const exact = sorted[Math.floor(q * (sorted.length - 1))];
      expect(Math.abs(s[k] - exact) / exact).toBeLessThanOrEqual(LogHistogram.RELATIVE_ERROR + 1e-12);
      expect(inside(s.ci[k], exact)).toBe(true);
    }
    // Equal values stay exact: the interval is clamped to [min, max].
    const c = new BatchedLatency(20);
    for (let k = 0; k < 20; k++) for (let i = 0; i < 100; i++) c.record(0.123, k);
    expect(c.summary().ci.p99).toEqual([0.123, 0.123]);
  });

  it("a tail held by a few batches: the p99's interval is not cut at the max, and has their degrees of freedom", () => {
    // 20 batches of 100 exponential latencies (mean 10 ms, up to 53 ms), and
    // two batches with ten slow requests more (55 … 68.5 ms), as a short
    // run's tail sits in a couple of busy periods. The shares at or below
    // the p99 are 18 ones and two 0.91s: with 19 degrees of freedom their
    // interval reached past share 1 and its upper end was read as the max,
    // as if no p99 above the largest sample were possible.
    const b = new BatchedLatency(20);
    for (let k = 0; k < 20; k++) {
      for (let i = 0; i < 100; i++) b.record(-0.01 * Math.log(1 - (i + 0.5) / 100), k);
      if (k % 10 === 3) for (let j = 0; j < 10; j++) b.record(0.055 + 0.0015 * j, k);
    }
    const s = b.summary();
    const shares = Array.from({ length: 20 }, (_, i) => b.batch(i).fractionAtOrBelow(s.p99));
    expect(shares.filter((f) => f < 1)).toHaveLength(2);
    const iv = s.ci.p99 as [number, number];
    expect(iv[1]).toBeGreaterThan(s.max);
    expect(Number.isFinite(iv[1])).toBe(true);
    // Two parts vary: t with 1 degree of freedom (12.7, not 2.09) sets the lower end.
    const { halfWidth } = meanConfidenceInterval(shares);
    const wide = (halfWidth * studentTQuantile(0.975, 1)) / studentTQuantile(0.975, 19);
    expect(iv[0]).toBe(b.overall().quantile(0.99 - wide));
    expect(inside(iv, s.p99)).toBe(true);
  });

  it('skips empty batches; fewer than two non-empty batches → null intervals', () => {
    const b = new BatchedLatency(20);
    const empty = b.summary();
    expect(empty.count).toBe(0);
    expect(empty.mean).toBeNaN();
    expect(empty.ci).toEqual({ mean: null, p50: null, p90: null, p99: null, p999: null });
    b.record(0.01, 3);
    b.record(0.02, 3);
    expect(b.summary().ci.mean).toBeNull();
    expect(b.summary().ciParts).toBe(1);
    b.record(0.03, 7);
    const s = b.summary();
    expect(s.ciParts).toBe(2);
    expect(s.ci.mean).not.toBeNull();
    expect(s.count).toBe(3);
  });

  it('lower bounds never go below zero', () => {
    const b = new BatchedLatency(2);
    b.record(0.001, 0);
    b.record(10, 1);
    const lo = b.summary().ci.mean?.[0];
    expect(lo).toBe(0);
  });

  it('rejects bad batch indices and sizes', () => {
    const b = new BatchedLatency(4);
    expect(() => b.record(1, 4)).toThrow(RangeError);
    expect(() => b.record(1, -1)).toThrow(RangeError);
    expect(() => new BatchedLatency(0)).toThrow(RangeError);
  });

  it('overall() is refreshed after new records and merges', () => {
    const b = new BatchedLatency(3);
    b.record(1, 0);
    expect(b.overall().count).toBe(1);
    b.record(2, 2);
    expect(b.overall().count).toBe(2);
    const other = new BatchedLatency(3);
    other.record(3, 1);
    b.merge(other);
    expect(b.overall().count).toBe(3);
    expect(b.summary().max).toBe(3);
    expect(() => b.merge(new BatchedLatency(4))).toThrow(RangeError);
  });

  it('summarizeReplications: merged point estimates, per-replication intervals', () => {
    const reps: LogHistogram[] = [];
    const batched = new BatchedLatency(8);
    for (let s = 0; s < 8; s++) {
      const r = rngFor(`rep/${s}`);
      const h = new LogHistogram();
      for (let i = 0; i < 2_000; i++) {
        const v = exponential(r, 0.05);
        h.record(v);
        batched.record(v, s);
      }
      reps.push(h);
    }
    reps.push(new LogHistogram()); // an empty replication is skipped
    const viaReps = BatchedLatency.summarizeReplications(reps);
    const viaBatches = batched.summary();
    expect(viaReps.ciParts).toBe(8);
    expect(viaReps.p99).toBe(viaBatches.p99);
    expect(viaReps.ci.p99).toEqual(viaBatches.ci.p99);
    // Batches are consecutive, replications independent: only the batches' interval is widened by their serial correlation.
    const factor = serialCorrelationFactor(reps.slice(0, 8).map((h) => h.mean));
    expect(viaBatches.mean - (viaBatches.ci.mean?.[0] ?? NaN)).toBeCloseTo((viaReps.mean - (viaReps.ci.mean?.[0] ?? NaN)) * factor, 12);
    expect(BatchedLatency.summarizeReplications([]).ci.mean).toBeNull();
  });

  it('batch-means intervals cover the true mean, p50 and p90 about 95 % of the time', () => {
    // 400 seeded experiments of 20 batches × 200 Exp(1) samples. Coverage of a
    // correct 95 % procedure over 400 experiments is Binomial(400, 0.95)/400
    // (sd ≈ 1.1 points); [0.92, 0.98] is ±2.75 sd, wide enough not to flake
    // on seed choice (the seeds are fixed anyway) and narrow enough to catch a
    // wrong quantile or centring. These seeds give mean 0.95, p50 0.955,
    // p90 0.9375. (p99 gives 0.915: a 200-sample batch's p99 is biased, so
    // tail intervals need batches of several thousand samples.)
    const E = 400;
    let mean = 0;
    let p50 = 0;
    let p90 = 0;
    for (let e = 0; e < E; e++) {
      const r = rngFor(`batched/${e}`);
      const b = new BatchedLatency(20);
      for (let i = 0; i < 20 * 200; i++) b.record(exponential(r, 1), Math.floor(i / 200));
      const s = b.summary();
      if (inside(s.ci.mean, 1)) mean++;
      if (inside(s.ci.p50, Math.LN2)) p50++;
      if (inside(s.ci.p90, Math.log(10))) p90++;
    }
    for (const covered of [mean, p50, p90]) {
      expect(covered / E).toBeGreaterThanOrEqual(0.92);
      expect(covered / E).toBeLessThanOrEqual(0.98);
    }
  });

  it('batches shorter than the correlation time: intervals widened by their serial correlation', () => {
    // A lognormal AR(1) stream, z ← 0.995·z + noise (correlation time ~200
    // samples, one batch), started stationary: E[e^z] = e^{σ²/2}. With 20
    // batches of 200 the batch means are correlated and the plain t-interval
    // covered 231 of 300 (77 %); widened by √((1+r)/(1−r)) it covers 270
    // (90 %). A correct 95 % procedure falls below 0.88 over 300 with
    // probability ~1e-6.
    const E = 300;
    const sigma = 0.5;
    const phi = 0.995;
    const truth = Math.exp((sigma * sigma) / 2);
    let covered = 0;
    for (let e = 0; e < E; e++) {
      const r = rngFor(`ar1/${e}`);
      const b = new BatchedLatency(20);
      let z = sigma * normal(r);
      for (let i = 0; i < 20 * 200; i++) {
        z = phi * z + sigma * Math.sqrt(1 - phi * phi) * normal(r);
        b.record(Math.exp(z), Math.floor(i / 200));
      }
      const s = b.summary();
      if (inside(s.ci.mean, truth)) covered++;
      expect(s.ciParts).toBe(20);
    }
    expect(covered / E).toBeGreaterThanOrEqual(0.88);
  });

  it('serialCorrelationFactor: 1 without positive lag-1 correlation, √((1+r)/(1−r)) with it, capped', () => {
    expect(serialCorrelationFactor([1, -1, 1, -1, 1, -1])).toBe(1);
    expect(serialCorrelationFactor([2, 2, 2])).toBe(1);
    expect(serialCorrelationFactor([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(1.25 / 0.75), 12);
    // A step, 50 zeros then 50 ones: lag-1 0.97, believed up to 0.9.
    const step = Array.from({ length: 100 }, (_, i) => (i < 50 ? 0 : 1));
    expect(lagOneAutocorrelation(step)).toBeCloseTo(0.97, 12);
    expect(serialCorrelationFactor(step)).toBeCloseTo(Math.sqrt(1.9 / 0.1), 12);
    // Replications are independent by construction: their intervals are not widened.
    const reps = [0.01, 0.02, 0.03, 0.04, 0.05].map((v) => {
      const h = new LogHistogram();
      h.record(v);
      h.record(v * 1.1);
      return h;
    });
    const hw = meanConfidenceInterval(reps.map((h) => h.mean)).halfWidth;
    const viaReps = BatchedLatency.summarizeReplications(reps);
    expect((viaReps.ci.mean as [number, number])[1] - viaReps.mean).toBeCloseTo(hw, 12);
  });

  it('lagOneAutocorrelation: 0 for too few values or none spread, the sample estimate otherwise', () => {
    expect(lagOneAutocorrelation([1, 2])).toBe(0);
    expect(lagOneAutocorrelation([3, 3, 3, 3])).toBe(0);
    // mean 2.5; Σ d_i d_{i-1} = (−0.5)(−1.5) + (0.5)(−0.5) + (1.5)(0.5) = 1.25; Σ d² = 5.
    expect(lagOneAutocorrelation([1, 2, 3, 4])).toBeCloseTo(0.25, 12);
    expect(lagOneAutocorrelation([1, -1, 1, -1, 1, -1])).toBeLessThan(0);
  });
});
