import { describe, expect, it } from 'vitest';
import { loadTopologyFile } from '../../sim/topology/load.js';
import { runTopology } from '../../sim/run.js';

// M/M/1 at ρ = 0.8 (topologies/mm1.yaml): sojourn time exponential with rate
// μ − λ = 20/s, so p99 = ln(100)/20 = 0.2303 s. Short runs counted in
// requests, 20 batches by completions: the case the team recorded as
// "short-run p99 intervals cover about 84 %".
const { topology } = loadTopologyFile('topologies/mm1.yaml');
const P99 = Math.log(100) / 20;

function coverage(requests: number, seeds: number): { hits: number; above: number; width: number } {
  let hits = 0;
  let above = 0;
  let width = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const l = runTopology(topology!, { seed, requests, warmup: 10 }).entrypoints[0].latency;
    const ci = l.ci.p99 as [number, number];
    if (ci[0] <= P99 && P99 <= ci[1]) hits++;
    if (ci[1] > l.max) above++;
    width += (ci[1] - ci[0]) / 2 / P99;
  }
  return { hits, above, width: width / seeds };
}

describe("the p99's batch-means interval on short runs (M/M/1, ρ = 0.8)", () => {
  it('covers the analytic p99 near 95 % at 5,000 requests (it covered 78 %, its upper end cut at the max)', () => {
    const c = coverage(5_000, 200);
    expect(c.hits).toBeGreaterThanOrEqual(180);
    // Most runs' data cannot bound the p99 from above: the interval reaches past the max.
    expect(c.above).toBeGreaterThan(100);
  });

  it('covers it most of the time at 2,000 requests (it covered under half)', () => {
    expect(coverage(2_000, 200).hits).toBeGreaterThanOrEqual(170);
  });

  it('leaves long runs as they were: within the data and about ±17 % at 100,000 requests', () => {
    const c = coverage(100_000, 10);
    expect(c.above).toBe(0);
    expect(c.width).toBeLessThan(0.25);
  });
});
