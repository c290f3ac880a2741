import { describe, expect, it } from 'vitest';
import { TimeAverage } from '../../sim/stats/timeAverage.js';
import { exponential, rngFor } from './samplers.js';

describe('TimeAverage', () => {
  it('hand-computed example, warm-up excluded', () => {
    const ta = new TimeAverage();
    ta.set(0, 2);
    ta.add(1, 1); // 3 from t = 1
    ta.start(2); // only what follows counts
    ta.set(4, 1); // 3 over [2, 4] → 6
    ta.add(5, 2); // 1 over [4, 5] → 1; then 3
    // 3 over [5, 6] → 3; total 10 over 4 time units.
    expect(ta.integral(6)).toBe(10);
    expect(ta.mean(6)).toBe(2.5);
    expect(ta.value).toBe(3);
    expect(ta.startTime).toBe(2);
  });

  it('NaN before start or over an empty span; restart discards history', () => {
    const ta = new TimeAverage(1);
    expect(ta.mean(5)).toBeNaN();
    ta.start(5);
    expect(ta.mean(5)).toBeNaN();
    expect(ta.mean(7)).toBe(1);
    ta.set(7, 4);
    ta.start(8);
    expect(ta.mean(10)).toBe(4);
  });

  it('rejects a NaN time or one going backwards before start too (it integrates from construction)', () => {
    const ta = new TimeAverage();
    expect(() => ta.add(NaN, 1)).toThrow(RangeError);
    ta.set(3, 1);
    expect(() => ta.set(2, 0)).toThrow(RangeError);
    ta.start(4); // the area folded over [0, 4] is discarded
    expect(ta.integral(6)).toBe(2);
  });

  it('rejects time going backwards', () => {
    const ta = new TimeAverage();
    ta.start(0);
    ta.set(3, 1);
    expect(() => ta.set(2, 0)).toThrow(RangeError);
    expect(() => ta.integral(2.5)).toThrow(RangeError);
  });

  it("satisfies Little's law on an M/M/1 sample path", () => {
    // Over a window that starts and ends empty, ∫N dt = Σ W exactly, so
    // L = (n/T)·W̄ up to floating-point rounding.
    const r = rngFor('mm1');
    const n = 20_000;
    const arrivals: number[] = [];
    const departures: number[] = [];
    let t = 0;
    let free = 0;
    for (let i = 0; i < n; i++) {
      t += exponential(r, 2); // λ = 0.5
      arrivals.push(t);
      free = Math.max(free, t) + exponential(r, 1); // μ = 1, FIFO
      departures.push(free);
    }
    const inSystem = new TimeAverage();
    inSystem.start(0);
    let a = 0;
    let d = 0;
    while (d < n) {
      if (a < n && arrivals[a] <= departures[d]) inSystem.add(arrivals[a++], 1);
      else inSystem.add(departures[d++], -1);
    }
    const T = departures[n - 1];
    let sumW = 0;
    for (let i = 0; i < n; i++) sumW += departures[i] - arrivals[i];
    const L = inSystem.mean(T);
    expect(L).toBeCloseTo((n / T) * (sumW / n), 9);
    expect(inSystem.value).toBe(0);
    expect(L).toBeGreaterThan(0.8); // ρ/(1−ρ) = 1 for ρ = 0.5, loosely
    expect(L).toBeLessThan(1.25);
  });
});

describe('TimeAverage.addSince', () => {
  it('dates a change back: the integral is as if it had been made then, clipped at the start of measuring', () => {
    const a = new TimeAverage(2);
    a.start(10);
    a.add(14, 1); // 3 from 14
    a.addSince(12, 20, -1); // a unit that lapsed at 12, noticed at 20
    // 2 over [10, 12], 1 over [12, 14], 2 over [14, 20] → 4 + 2 + 12 = 18.
    expect(a.integral(20)).toBeCloseTo(18, 12);
    expect(a.value).toBe(2);
    const b = new TimeAverage(1);
    b.start(10);
    b.addSince(5, 15, -1); // lapsed before measuring began: none of it was counted
    expect(b.integral(15)).toBeCloseTo(0, 12);
  });
});
