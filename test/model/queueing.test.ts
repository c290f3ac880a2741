import { describe, expect, it } from 'vitest';
import { loadTopologyFile, loadTopologySource } from '../../sim/topology/load.js';
import { runTopology } from '../../sim/run.js';
import type { Topology } from '../../sim/topology/types.js';
import type { RunResult } from '../../sim/results/types.js';
import { erlangC } from './helpers.js';

function load(path: string): Topology {
  const { topology, diagnostics } = loadTopologyFile(path);
  if (!topology) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return topology;
}


const rel = (x: number, y: number): number => Math.abs(x - y) / y;

function expectInside(value: number, ci: [number, number] | null): void {
  expect(ci).not.toBeNull();
  const [lo, hi] = ci as [number, number];
  expect(value).toBeGreaterThanOrEqual(lo);
  expect(value).toBeLessThanOrEqual(hi);
}

// Tolerances. Queue waits are strongly autocorrelated at high load: for
// M/M/1 at ρ = 0.8 the asymptotic variance of the mean sojourn time is
// ≈ ρ(2 + 5ρ − 4ρ² + ρ³)/(1 − ρ)⁴/μ² ≈ (0.44 s)², so 1.6 M requests
// (20,000 s at 80/s) give a standard error of 0.7 % on W. 3 % is four of
// those; a wrong model (a missing queue, a wrong rate, a worker held too
// long) moves these numbers by 10 % or more. Probabilities and
// utilisation converge faster and get 2 %.
describe('M/M/1 (topologies/mm1.yaml: λ = 80/s, μ = 100/s)', () => {
  const r: RunResult = runTopology(load('topologies/mm1.yaml'), { duration: 20_000 });
  const e = r.entrypoints[0];
  const s = r.services[0];
  const lambda = 80, mu = 100, rho = lambda / mu;

  it('mean time in system W = 1/(μ−λ) = 50 ms, inside the reported 95 % interval', () => {
    expect(rel(e.latency.mean, 1 / (mu - lambda))).toBeLessThan(0.03);
    expectInside(1 / (mu - lambda), e.latency.ci.mean);
    const [lo, hi] = e.latency.ci.mean as [number, number];
    expect((hi - lo) / 2 / e.latency.mean).toBeLessThan(0.025);
  });

  it('mean wait in queue Wq = ρ/(μ−λ) = 40 ms and P(wait > 0) = ρ', () => {
    expect(rel(s.meanQueueWait, rho / (mu - lambda))).toBeLessThan(0.03);
    expect(Math.abs(s.waitProbability - rho)).toBeLessThan(0.02 * rho);
    expect(Math.abs(s.utilization - rho)).toBeLessThan(0.01);
  });

  it('sojourn time is exponential: p99 = ln(100)/(μ−λ)', () => {
    expect(rel(e.latency.p99, Math.log(100) / (mu - lambda))).toBeLessThan(0.04);
    expectInside(Math.log(100) / (mu - lambda), e.latency.ci.p99);
  });

  it("Little's law: time-average number in system L = λW", () => {
    expect(rel(e.meanInSystem, e.throughput * e.latency.mean)).toBeLessThan(0.01);
    expect(rel(e.meanInSystem, rho / (1 - rho))).toBeLessThan(0.04);
    expect(rel(e.throughput, lambda)).toBeLessThan(0.01);
  });
});

describe('batch-means intervals cover the analytic values (M/M/1, ρ = 0.8, 100 seeds)', () => {
  // W = 1/(μ−λ) = 50 ms; sojourn times are exponential at rate μ−λ = 20/s, so p_q = −ln(1−q)/20.
  const truth = { mean: 0.05, p50: Math.log(2) / 20, p90: Math.log(10) / 20, p99: Math.log(100) / 20 };
  const coverage = (measured: number): Record<keyof typeof truth, number> => {
    const t = load('topologies/mm1.yaml');
    const hits = { mean: 0, p50: 0, p90: 0, p99: 0 };
    for (let seed = 1; seed <= 100; seed++) {
      const l = runTopology(t, { seed, duration: 50 + measured, warmup: 50 }).entrypoints[0].latency;
      for (const k of Object.keys(hits) as Array<keyof typeof truth>) {
        const ci = l.ci[k];
        if (ci && ci[0] <= truth[k] && truth[k] <= ci[1]) hits[k]++;
      }
    }
    return hits;
  };

  it('over 300 s measured: near 95 % for the mean and the percentiles up to p99', () => {
    const c = coverage(300);
    // A p99 interval from the spread of the batches' own p99s covered 66 of 100.
    for (const k of ['mean', 'p50', 'p90', 'p99'] as const) expect(c[k], k).toBeGreaterThanOrEqual(85);
  });

  it('over 60 s measured (4,800 requests), the p99 interval is honest about its tail: most cover, not a third', () => {
    const c = coverage(60);
    // The spread of the batches' own p99s covered 36 of 100 here; shares at
    // or below the overall p99 cover about 70. Short runs of a busy queue
    // still undercover (batches of 3 s are correlated): replications fix that.
    expect(c.p99).toBeGreaterThanOrEqual(60);
    expect(c.mean).toBeGreaterThanOrEqual(80);
    expect(c.p50).toBeGreaterThanOrEqual(85);
  });
});

describe('batch-means intervals on a chain whose batches are short (bench reference chain, 200 seeds)', () => {
  it('cover the analytic mean 9.047 s in most runs over 500 s measured (~1,500 requests)', () => {
    // 20 batches of 25 s are not long against five M/M/4 stations with 1 s
    // services: their means are correlated (median lag-1 autocorrelation
    // 0.26), and the plain t-interval over them covered 158 of 200. Widened
    // by their serial correlation it covers 175; the rest is skew (misses
    // are mostly below the truth). Replications cover ~95 %.
    const t = load('topologies/bench/chain5-reference.yaml');
    let hits = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const ci = runTopology(t, { seed, duration: 700, warmup: 200 }).entrypoints[0].latency.ci.mean;
      if (ci && ci[0] <= 9.047 && 9.047 <= ci[1]) hits++;
    }
    expect(hits).toBeGreaterThanOrEqual(170);
  });
});

describe('M/M/4 (topologies/mmc.yaml: λ = 300/s, μ = 100/s per worker)', () => {
  const r = runTopology(load('topologies/mmc.yaml'));
  const e = r.entrypoints[0];
  const s = r.services[0];
  const c = 4, lambda = 300, mu = 100;
  const C = erlangC(c, lambda / mu);

  it('Erlang C: P(wait) = C(4, 3) ≈ 0.509 and Wq = C/(cμ−λ)', () => {
    expect(C).toBeCloseTo(0.5094, 4);
    expect(Math.abs(s.waitProbability - C)).toBeLessThan(0.02 * C);
    expect(rel(s.meanQueueWait, C / (c * mu - lambda))).toBeLessThan(0.04);
  });

  it('W = Wq + 1/μ, inside the reported interval', () => {
    const W = C / (c * mu - lambda) + 1 / mu;
    expect(rel(e.latency.mean, W)).toBeLessThan(0.02);
    expectInside(W, e.latency.ci.mean);
  });
});

describe('tandem of two M/M/1 queues (Jackson network)', () => {
  const r = runTopology(load('test/fixtures/tandem.yaml'));
  const e = r.entrypoints[0];
  const [front, back] = r.services;

  it('end-to-end W = 1/(μ1−λ) + 1/(μ2−λ), each station independently M/M/1', () => {
    const W1 = 1 / (100 - 70), W2 = 1 / (125 - 70);
    expect(rel(front.latency.mean - back.latency.mean, W1)).toBeLessThan(0.03);
    expect(rel(back.latency.mean, W2)).toBeLessThan(0.03);
    expect(rel(e.latency.mean, W1 + W2)).toBeLessThan(0.03);
    expectInside(W1 + W2, e.latency.ci.mean);
    expect(Math.abs(back.waitProbability - 70 / 125)).toBeLessThan(0.02);
  });

  it("Little's law holds per station and end to end", () => {
    expect(rel(e.meanInSystem, e.throughput * e.latency.mean)).toBeLessThan(0.01);
    expect(rel(back.meanInSystem, back.throughput * back.latency.mean)).toBeLessThan(0.01);
  });

  it('the decomposition adds up to the mean latency', () => {
    const d = e.decomposition;
    expect(d.network).toBe(0);
    expect(rel(d.appWork + d.appQueue, e.latency.mean)).toBeLessThan(1e-9);
    expect(rel(d.appWork, 0.01 + 0.008)).toBeLessThan(0.02);
  });
});

describe('the composition near a quantile is of requests near it', () => {
  // 300 requests of M/M/1: the p99 is the third slowest, alone in its 5 %
  // class. Widening to 50 requests took in ones down to half its latency:
  // the "at p99" parts added up to 53.5 ms beside a p99 of 73.2 ms.
  it('its parts add up to within ~20 % of the p99 on a short run, and of the p50', () => {
    const e = runTopology(load('topologies/mm1.yaml'), { seed: 1, requests: 300 }).entrypoints[0];
    const total = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);
    const p99 = e.latency.p99 as number, p50 = e.latency.p50 as number;
    expect(rel(total(e.composition.p99), p99)).toBeLessThan(0.2);
    expect(rel(total(e.composition.p50), p50)).toBeLessThan(0.2);
  });
});

describe('wait statistics are of the requests that reached the queue', () => {
  // Poisson 80/s with an injected abort on half of them: the other half are
  // a Poisson stream of 40/s into an M/M/1 with μ = 100/s, so P(wait) = 0.4
  // and Wq = 0.4/60 s. The aborted requests never queue for a worker;
  // counting them as arrivals that did not wait halved both (0.2, 3.3 ms).
  const { topology, diagnostics } = loadTopologySource(`
name: aborted-half
simulation: {seed: 1, duration: 2000s, warmup: 10s}
services:
  server: {workers: 1, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  clients: {target: server, rate: 80/s}
timeline:
  - {at: 0s, abort: {service: server, status: 503, probability: 0.5}}
`, 'aborted-half.yaml');
  if (!topology) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const s = runTopology(topology).services[0];

  it('P(wait) = 0.4 and Wq = 0.4/(μ−λ) among the 40/s that are served', () => {
    expect(Math.abs(s.utilization - 0.4)).toBeLessThan(0.01);
    expect(Math.abs(s.waitProbability - 0.4)).toBeLessThan(0.02);
    expect(rel(s.meanQueueWait, 0.4 / 60)).toBeLessThan(0.06);
  });
});
