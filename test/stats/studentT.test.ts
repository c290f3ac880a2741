import { describe, expect, it } from 'vitest';
import { logGamma, studentTCdf, studentTQuantile } from '../../sim/stats/studentT.js';

function expectRelClose(actual: number, expected: number, tol: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.abs(expected));
}

describe('studentTQuantile', () => {
  // Two-sided 95 % critical values from any t table.
  const TABLE: Array<[number, number]> = [
    [1, 12.706],
    [2, 4.303],
    [3, 3.182],
    [4, 2.776],
    [5, 2.571],
    [10, 2.228],
    [19, 2.093],
    [20, 2.086],
    [30, 2.042],
    [60, 2.0],
    [120, 1.98],
    [1000, 1.962],
  ];
  for (const [df, t] of TABLE) {
    it(`df=${df}: t(0.975) ≈ ${t}`, () => {
      expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
    });
  }

  it('other table columns (one-sided 90 %, 99.5 %)', () => {
    expect(studentTQuantile(0.9, 1)).toBeCloseTo(3.078, 3);
    expect(studentTQuantile(0.9, 10)).toBeCloseTo(1.372, 3);
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.032, 3);
    expect(studentTQuantile(0.995, 30)).toBeCloseTo(2.75, 3);
  });

  it('matches the closed forms for df = 1 (Cauchy) and df = 2', () => {
    // 1 − p is exact for these p; cot(π(1−p)) avoids tan's ill-conditioning near π/2.
    for (const p of [0.6, 0.9, 0.975, 0.999, 1 - 2 ** -30]) {
      expectRelClose(studentTQuantile(p, 1), 1 / Math.tan(Math.PI * (1 - p)), 1e-9);
      expectRelClose(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-12);
    }
  });

  it('approaches the normal quantile for large df', () => {
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959964, 5);
  });

  it('is odd-symmetric and inverts the CDF, including fractional df and far tails', () => {
    for (const df of [0.5, 1.5, 2.5, 3, 7, 29, 250]) {
      for (const p of [1e-10, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.9999]) {
        const t = studentTQuantile(p, df);
        // 1 − p is rounded for tiny p, and t grows like p^(−1/df): compare relatively.
        expectRelClose(studentTQuantile(1 - p, df), -t, 1e-5);
        const back = studentTCdf(t, df);
        expect(Math.abs(back - p)).toBeLessThanOrEqual(1e-10 * Math.min(p, 1 - p) + 1e-15);
      }
    }
  });

  it('edges and invalid arguments', () => {
    expect(studentTQuantile(0.5, 4)).toBe(0);
    expect(studentTQuantile(1, 4)).toBe(Infinity);
    expect(studentTQuantile(0, 4)).toBe(-Infinity);
    expect(() => studentTQuantile(1.2, 4)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, 0)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, NaN)).toThrow(RangeError);
  });
});

describe('studentTCdf', () => {
  it('agrees with Simpson integration of the df = 5 density', () => {
    // f(t) = Γ(3) / (√(5π) Γ(5/2)) · (1 + t²/5)^-3, Γ(5/2) = ¾√π.
    const c = 8 / (3 * Math.PI * Math.sqrt(5));
    const f = (t: number) => c * Math.pow(1 + (t * t) / 5, -3);
    const simpson = (b: number, n = 2000) => {
      const h = b / n;
      let s = f(0) + f(b);
      for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
      return (s * h) / 3;
    };
    for (const t of [0.5, 1, 2.5705818, 4]) expect(studentTCdf(t, 5)).toBeCloseTo(0.5 + simpson(t), 10);
    expect(studentTCdf(-1, 5)).toBeCloseTo(0.5 - simpson(1), 10);
  });

  it('logGamma matches known values', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(0.1)).toBeCloseTo(Math.log(9.513507698668732), 12);
  });
});
