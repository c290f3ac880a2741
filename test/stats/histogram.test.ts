import { quantileSorted } from 'd3-array';
import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../../sim/stats/histogram.js';
import { exponential, lognormal, rngFor, uniform } from './samplers.js';

const ALPHA = LogHistogram.RELATIVE_ERROR;
const QS = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1];

/**
 * The exact sample the histogram's rank definition refers to: 0-based rank
 * ⌊q·(n−1)⌋. d3's `quantileSorted(xs, p)` interpolates at (n−1)·p, so asking
 * it for p = rank/(n−1) lands on that sample (up to ~1 ulp of interpolation).
 */
function exactAtRank(sorted: number[], q: number): number {
  const n = sorted.length;
  if (n === 1) return sorted[0];
  const rank = Math.floor(q * (n - 1));
  return quantileSorted(sorted, rank / (n - 1)) as number;
}

/** |estimate − exact| ≤ α·exact, with slack only for floating-point rounding. */
function expectWithinAlpha(estimate: number, exact: number): void {
  expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(ALPHA * exact * (1 + 1e-9) + 1e-300);
}

function sortedCopy(xs: Float64Array): number[] {
  return Array.from(xs).sort((a, b) => a - b);
}

function fill(values: Float64Array): LogHistogram {
  const h = new LogHistogram();
  for (const v of values) h.record(v);
  return h;
}

function draw(n: number, gen: () => number): Float64Array {
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = gen();
  return xs;
}

describe('LogHistogram quantiles vs exact (d3-array quantileSorted)', () => {
  const N = 100_000;
  const cases: Array<[string, (seed: string) => Float64Array]> = [
    ['exponential(mean 10 ms)', (s) => { const r = rngFor(s); return draw(N, () => exponential(r, 0.01)); }],
    ['lognormal(median 5 ms, σ 1.5)', (s) => { const r = rngFor(s); return draw(N, () => lognormal(r, Math.log(0.005), 1.5)); }],
    ['uniform(1 ms, 2 s)', (s) => { const r = rngFor(s); return draw(N, () => uniform(r, 0.001, 2)); }],
    ['uniform(0, 1)', (s) => { const r = rngFor(s); return draw(N, () => r()); }],
  ];
  for (const [name, gen] of cases) {
    for (const seed of ['a', 'b', 'c']) {
      it(`${name}, seed ${seed}: every quantile within α of the sample at its rank`, () => {
        const xs = gen(`${name}/${seed}`);
        const h = fill(xs);
        const sorted = sortedCopy(xs);
        for (const q of QS) expectWithinAlpha(h.quantile(q), exactAtRank(sorted, q));
        // Many more ranks, to catch off-by-one errors in the cumulative scan.
        for (let q = 0.0005; q < 1; q += 0.0037) expectWithinAlpha(h.quantile(q), exactAtRank(sorted, q));
        expect(h.count).toBe(N);
        expect(h.min).toBe(sorted[0]);
        expect(h.max).toBe(sorted[N - 1]);
        expect(h.mean).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / N, 12);
      });
    }
  }

  it('small samples use rank ⌊q·(n−1)⌋', () => {
    const h = new LogHistogram();
    for (const v of [0.005, 0.001, 0.004, 0.002, 0.003]) h.record(v);
    expectWithinAlpha(h.quantile(0.5), 0.003);
    expectWithinAlpha(h.quantile(0.3), 0.002); // rank ⌊1.2⌋ = 1
    expectWithinAlpha(h.quantile(0.99), 0.004); // rank ⌊3.96⌋ = 3
    expect(h.quantile(0)).toBe(0.001);
    expect(h.quantile(1)).toBe(0.005);
  });

  it('values spanning the whole range 1e-9 .. 1e6', () => {
    const r = rngFor('span');
    const xs = draw(50_000, () => Math.exp(uniform(r, Math.log(1e-9), Math.log(1e6))));
    const h = fill(xs);
    const sorted = sortedCopy(xs);
    for (let q = 0; q <= 1; q += 0.001) expectWithinAlpha(h.quantile(Math.min(q, 1)), exactAtRank(sorted, Math.min(q, 1)));
    expect(h.zero).toBe(0);
    expect(h.overflow).toBe(0);
  });
});

describe('LogHistogram edge cases', () => {
  it('empty', () => {
    const h = new LogHistogram();
    expect(h.count).toBe(0);
    expect(h.sum).toBe(0);
    expect(h.mean).toBeNaN();
    expect(h.min).toBeNaN();
    expect(h.max).toBeNaN();
    expect(h.quantile(0.5)).toBeNaN();
    expect(h.buckets()).toEqual([]);
    expect(h.cdf()).toEqual([]);
    expect(h.toJSON()).toMatchObject({ count: 0, min: null, max: null, bins: [] });
  });

  it('single value: every quantile is that value exactly (clamped into [min, max])', () => {
    const h = new LogHistogram();
    h.record(0.0123);
    for (const q of QS) expect(h.quantile(q)).toBe(0.0123);
    expect(h.mean).toBe(0.0123);
    expect(h.cdf()).toEqual([
      { value: 0.0123, p: 0 },
      { value: 0.0123, p: 1 },
    ]);
  });

  it('zeros and sub-nanosecond values go to the zero bucket and report as 0', () => {
    const h = new LogHistogram();
    h.recordMany(0, 10);
    h.record(5e-10);
    for (let i = 0; i < 9; i++) h.record(1);
    expect(h.count).toBe(20);
    expect(h.zero).toBe(11);
    expect(h.min).toBe(0);
    expect(h.quantile(0.25)).toBe(0);
    expect(h.quantile(0.5)).toBe(0); // rank 9: still a zero
    expectWithinAlpha(h.quantile(0.6), 1); // rank 11 → representative of 1's bucket
    expect(h.buckets()[0]).toEqual({ lower: 0, upper: LogHistogram.MIN_VALUE, count: 11 });
    const all0 = new LogHistogram();
    all0.recordMany(0, 3);
    expect(all0.quantile(0.5)).toBe(0);
    expect(all0.cdf()).toEqual([
      { value: 0, p: 0 },
      { value: 0, p: 1 },
    ]);
  });

  it('huge values clamp into the top bucket, count as overflow, keep exact max', () => {
    const h = new LogHistogram();
    h.record(1);
    h.record(5e6);
    h.record(3e7);
    expect(h.overflow).toBe(2);
    expect(h.max).toBe(3e7);
    expect(h.quantile(1)).toBe(3e7);
    // Rank 1 sits in the top bucket, whose representative (~1e6) is outside the bound.
    expect(h.quantile(0.5)).toBeCloseTo(1e6, -4);
    const top = h.buckets().at(-1);
    expect(top?.count).toBe(2);
    expect(top?.upper).toBe(3e7);
    const onlyHuge = new LogHistogram();
    onlyHuge.record(1e7);
    onlyHuge.record(2e7);
    expect(onlyHuge.quantile(0.5)).toBe(1e7); // clamped to min
    expect(h.cdf().at(-1)).toEqual({ value: 3e7, p: 1 });
  });

  it('rejects invalid input', () => {
    const h = new LogHistogram();
    expect(() => h.record(-1)).toThrow(RangeError);
    expect(() => h.record(NaN)).toThrow(RangeError);
    expect(() => h.record(Infinity)).toThrow(RangeError);
    expect(() => h.recordMany(1, 1.5)).toThrow(RangeError);
    expect(() => h.quantile(1.1)).toThrow(RangeError);
    expect(() => h.quantile(NaN)).toThrow(RangeError);
    expect(h.count).toBe(0);
  });

  it('recordMany equals repeated record (counts, min, max)', () => {
    const a = new LogHistogram();
    const b = new LogHistogram();
    for (const [v, k] of [[0.003, 5], [0, 2], [2e6, 3], [0.5, 1]] as const) {
      a.recordMany(v, k);
      for (let i = 0; i < k; i++) b.record(v);
    }
    expect(a.toJSON()).toEqual(b.toJSON());
  });

  it('clear resets everything but stays usable', () => {
    const h = new LogHistogram();
    h.record(0.1);
    h.record(0);
    h.record(2e6);
    h.clear();
    expect(h.toJSON()).toEqual(new LogHistogram().toJSON());
    h.record(0.2);
    expect(h.quantile(0.5)).toBe(0.2);
  });

  it('memory is fixed: one counts array of a few thousand slots', () => {
    expect(LogHistogram.SLOT_COUNT).toBeGreaterThan(3000);
    expect(LogHistogram.SLOT_COUNT).toBeLessThan(4000);
  });

  it('holds only the window of keys it has seen, whichever way it grows', () => {
    const idle = new LogHistogram();
    idle.record(0);
    expect(idle.allocatedSlots).toBe(0);
    // Exponential with mean 1 ms: ~1 ns … 13 ms here, ~1,590 keys.
    const r = rngFor('window');
    const values = draw(100_000, () => -Math.log(1 - r()) * 1e-3);
    const up = new LogHistogram(), down = new LogHistogram(), mixed = new LogHistogram();
    const sorted = Float64Array.from(values).sort();
    for (const v of sorted) up.record(v);
    for (let i = sorted.length - 1; i >= 0; i--) down.record(sorted[i]);
    for (const v of values) mixed.record(v);
    // The same buckets whatever the order (the sum is a float sum, so its order shows in the last bits).
    const buckets = (h: LogHistogram) => ({ ...h.toJSON(), sum: 0 });
    expect(buckets(up)).toEqual(buckets(mixed));
    expect(buckets(down)).toEqual(buckets(mixed));
    const gamma = 1.005 / 0.995;
    const span = Math.ceil(Math.log(mixed.max / mixed.min) / Math.log(gamma));
    for (const h of [up, down, mixed]) {
      // Growth at least doubles, so the window is at most about twice the spread, plus its margins.
      expect(h.allocatedSlots).toBeGreaterThanOrEqual(span);
      expect(h.allocatedSlots).toBeLessThanOrEqual(2 * span + 2 * 64);
      expect(h.allocatedSlots).toBeLessThanOrEqual(LogHistogram.SLOT_COUNT);
    }
    // A narrow spread (one service's latencies) takes a small window.
    const narrow = new LogHistogram();
    for (let i = 0; i < 1000; i++) narrow.record(0.010 + 0.005 * r());
    expect(narrow.allocatedSlots).toBeLessThan(200);
    // The whole range, overflow included, fits the full slot count.
    const wide = new LogHistogram();
    wide.record(1e-9);
    wide.record(2e6);
    expect(wide.allocatedSlots).toBe(LogHistogram.SLOT_COUNT);
    expect(wide.quantile(0.5)).toBeCloseTo(1e-9, 12);
  });
});

describe('LogHistogram merge and serialization', () => {
  function mixed(seed: string, n: number): Float64Array {
    const r = rngFor(seed);
    return draw(n, () => {
      const u = r();
      if (u < 0.01) return 0;
      if (u < 0.02) return 2e6 * (1 + r());
      return lognormal(r, Math.log(0.01), 2);
    });
  }

  it('merge equals recording everything into one histogram', () => {
    const xs = mixed('merge-a', 20_000);
    const ys = mixed('merge-b', 7_000);
    const a = fill(xs);
    const b = fill(ys);
    const all = new LogHistogram();
    for (const v of xs) all.record(v);
    for (const v of ys) all.record(v);
    a.merge(b);
    const { sum: sumMerged, ...restMerged } = a.toJSON();
    const { sum: sumAll, ...restAll } = all.toJSON();
    expect(restMerged).toEqual(restAll);
    expect(Math.abs(sumMerged - sumAll)).toBeLessThanOrEqual(1e-12 * sumAll); // addition order differs
    for (const q of QS) expect(a.quantile(q)).toBe(all.quantile(q));
    expect(a.buckets()).toEqual(all.buckets());
  });

  it('merging empty histograms is a no-op either way', () => {
    const a = fill(mixed('e', 100));
    const before = JSON.stringify(a);
    a.merge(new LogHistogram());
    expect(JSON.stringify(a)).toBe(before);
    const e = new LogHistogram();
    e.merge(a);
    expect(JSON.stringify(e)).toBe(before);
  });

  it('toJSON/fromJSON round trip is exact and byte-identical', () => {
    const h = fill(mixed('json', 30_000));
    const text = JSON.stringify(h);
    const back = LogHistogram.fromJSON(JSON.parse(text));
    expect(JSON.stringify(back)).toBe(text);
    for (const q of QS) expect(back.quantile(q)).toBe(h.quantile(q));
    expect([back.count, back.sum, back.min, back.max, back.zero, back.overflow]).toEqual([
      h.count, h.sum, h.min, h.max, h.zero, h.overflow,
    ]);
    const empty = JSON.stringify(new LogHistogram());
    expect(JSON.stringify(LogHistogram.fromJSON(JSON.parse(empty)))).toBe(empty);
  });

  it('merging deserialized parts gives the same bytes as merging in-process', () => {
    const a = fill(mixed('p1', 5_000));
    const b = fill(mixed('p2', 5_000));
    const remoteA = LogHistogram.fromJSON(JSON.parse(JSON.stringify(a)));
    const remoteB = LogHistogram.fromJSON(JSON.parse(JSON.stringify(b)));
    a.merge(b);
    remoteA.merge(remoteB);
    expect(JSON.stringify(remoteA)).toBe(JSON.stringify(a));
  });

  it('is deterministic: same records, same bytes', () => {
    expect(JSON.stringify(fill(mixed('det', 10_000)))).toBe(JSON.stringify(fill(mixed('det', 10_000))));
  });

  it('fromJSON rejects inconsistent data', () => {
    const good = fill(mixed('bad', 1_000)).toJSON();
    expect(() => LogHistogram.fromJSON({ ...good, count: good.count + 1 })).toThrow(/count/);
    expect(() => LogHistogram.fromJSON({ ...good, alpha: 0.01 })).toThrow(/alpha/);
    expect(() => LogHistogram.fromJSON({ ...good, bins: [...good.bins, 99999, 1] })).toThrow(/key/);
    expect(() => LogHistogram.fromJSON({ ...good, bins: good.bins.slice(1) })).toThrow(/pairs/);
    expect(() => LogHistogram.fromJSON({ ...good, min: null })).toThrow(/min/);
  });
});

describe('LogHistogram buckets and cdf', () => {
  const r = rngFor('cdf');
  const xs = draw(50_000, () => lognormal(r, Math.log(0.02), 1.2));
  const h = fill(xs);
  const sorted = sortedCopy(xs);

  /** Fraction of samples ≤ v (binary search). */
  function fractionAtMost(v: number): number {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo / sorted.length;
  }

  it('buckets are ascending, disjoint, cover every sample', () => {
    const bs = h.buckets();
    expect(bs.reduce((s, b) => s + b.count, 0)).toBe(xs.length);
    for (let i = 0; i < bs.length; i++) {
      expect(bs[i].lower).toBeLessThan(bs[i].upper);
      expect(bs[i].count).toBeGreaterThan(0);
      if (i > 0) expect(bs[i].lower).toBeGreaterThanOrEqual(bs[i - 1].upper * (1 - 1e-12));
    }
    // Each bucket holds exactly the samples in (lower, upper] (up to edge rounding).
    for (const b of bs.filter((_, i) => i % 17 === 0)) {
      const exact = (fractionAtMost(b.upper) - fractionAtMost(b.lower)) * xs.length;
      expect(Math.abs(exact - b.count)).toBeLessThanOrEqual(1);
    }
  });

  it('cdf is compact, monotone, anchored at (min, 0) and (max, 1), and exact at its points', () => {
    const pts = h.cdf();
    expect(pts.length).toBeLessThanOrEqual(200);
    expect(pts.length).toBeGreaterThan(50);
    expect(pts[0]).toEqual({ value: h.min, p: 0 });
    expect(pts.at(-1)).toEqual({ value: h.max, p: 1 });
    for (let i = 1; i < pts.length; i++) {
      expect(pts[i].value).toBeGreaterThanOrEqual(pts[i - 1].value);
      expect(pts[i].p).toBeGreaterThan(pts[i - 1].p);
      expect(Math.abs(pts[i].p - fractionAtMost(pts[i].value))).toBeLessThanOrEqual(2 / xs.length);
    }
    expect(h.cdf(10).length).toBeLessThanOrEqual(10);
    expect(() => h.cdf(2)).toThrow(RangeError);
  });
});
