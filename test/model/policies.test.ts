import { describe, expect, it } from 'vitest';
import { PolicyState } from '../../sim/model/policies.js';

describe('per (router, service) policy state', () => {
  it('gives each pair that occurs a slot of its own, in order of first use, and keeps its counts as it grows', () => {
    // 40,000 routers × 2,000 services would be 80 M pairs if kept densely.
    const p = new PolicyState(40_000, 2_000);
    expect(p.slot(39_999, 1_999)).toBe(0);
    expect(p.slot(0, 0)).toBe(1);
    expect(p.slot(39_999, 1_999)).toBe(0);
    p.active[0] = 7;
    p.activeRetries[1] = 3;
    // Enough new pairs to make the arrays grow several times over.
    for (let r = 1; r <= 500; r++) expect(p.slot(r, r % 2_000)).toBe(r + 1);
    expect(p.pairs).toBe(502);
    expect(p.active.length).toBeGreaterThanOrEqual(502);
    expect(p.active.length).toBeLessThan(2_000);
    expect(p.active[0]).toBe(7);
    expect(p.activeRetries[1]).toBe(3);
    expect(p.slot(250, 250)).toBe(251);
  });
});
