import type { Dist } from '../topology/types.js';
import type { Rng } from '../engine/rng.js';

/** Draws one value (seconds) from a compiled distribution. */
export type Sampler = (rng: Rng) => number;

/**
 * Acklam's rational approximation of the standard normal inverse CDF
 * (relative error < 1.2e-9). One uniform per normal draw keeps every stream's
 * consumption fixed per sample, which Box–Muller's cached spare would not.
 */
export function normalQuantile(p: number): number {
  const a1 = -3.969683028665376e1, a2 = 2.209460984245205e2, a3 = -2.759285104469687e2;
  const a4 = 1.38357751867269e2, a5 = -3.066479806614716e1, a6 = 2.506628277459239;
  const b1 = -5.447609879822406e1, b2 = 1.615858368580409e2, b3 = -1.556989798598866e2;
  const b4 = 6.680131188771972e1, b5 = -1.328068155288572e1;
  const c1 = -7.784894002430293e-3, c2 = -3.223964580411365e-1, c3 = -2.400758277161838;
  const c4 = -2.549732539343734, c5 = 4.374664141464968, c6 = 2.938163982698783;
  const d1 = 7.784695709041462e-3, d2 = 3.224671290700398e-1, d3 = 2.445134137142996;
  const d4 = 3.754408661907416;
  const pLow = 0.02425;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  }
  if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    return ((((((a1 * r + a2) * r + a3) * r + a4) * r + a5) * r + a6) * q) /
      (((((b1 * r + b2) * r + b3) * r + b4) * r + b5) * r + 1);
  }
  const q = Math.sqrt(-2 * Math.log(1 - p));
  return -(((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
}

export function compileSampler(d: Dist): Sampler {
  switch (d.kind) {
    case 'constant': {
      const v = d.value;
      return () => v;
    }
    case 'exponential': {
      const mean = d.mean;
      // 1 - u lies in (0, 1], so the log is finite.
      return (rng) => -mean * Math.log(1 - rng());
    }
    case 'lognormal': {
      const { mu, sigma } = d;
      return (rng) => Math.exp(mu + sigma * normalQuantile(rng()));
    }
    case 'normal': {
      const { mean, stddev } = d;
      // Truncated at 0 by resampling; a distribution with most mass below 0
      // is rejected by validation, so this loop ends quickly.
      return (rng) => {
        for (;;) {
          const x = mean + stddev * normalQuantile(rng());
          if (x >= 0) return x;
        }
      };
    }
    case 'uniform': {
      const { min } = d;
      const span = d.max - d.min;
      return (rng) => min + span * rng();
    }
    case 'empirical': {
      const s = d.samples;
      const n = s.length;
      return (rng) => s[Math.floor(rng() * n)];
    }
    case 'percentiles': {
      const ps = d.points.map((p) => p[0]);
      const vs = d.points.map((p) => p[1]);
      return (rng) => {
        const u = rng();
        let i = 1;
        while (i < ps.length - 1 && ps[i] < u) i++;
        const p0 = ps[i - 1], p1 = ps[i];
        const f = p1 > p0 ? (u - p0) / (p1 - p0) : 0;
        return vs[i - 1] + f * (vs[i] - vs[i - 1]);
      };
    }
  }
}
