import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import type { Interval, RunResult } from '../../sim/results/types.js';
import { erlangC, topo } from './helpers.js';

// Analytic anchors that queueing.test.ts (M/M/1, one M/M/4 pool, a
// two-station tandem, M/M/2/7 loss) does not reach: several replicas behind
// each load balancer, blocking with c > 1, closed networks (exact MVA),
// fork-join, probabilistic routing, processor sharing, non-exponential
// service (Pollaczek–Khinchine), GI/M/1, proxies whose responses queue, and
// the measurement window itself. Mesh `none` unless a proxy is the subject.
//
// Tolerances: every run has a fixed seed, so the numbers are deterministic.
// Each relative bound is about four standard deviations of that estimate at
// that run length, measured over 12–60 other seeds (so a correct model
// passes at any seed; a wrong one — a missing queue, a wrong split, work
// counted twice — moves these numbers by 10 % or more). Where it says so,
// the reported 95 % interval (from the replications' spread) must also
// cover the analytic value: it does at these seeds, and at other seeds
// about 1 check in 20 would miss, as a 95 % interval should.

const rel = (x: number, y: number): number => Math.abs(x - y) / y;

function covers(ci: Interval, value: number): boolean {
  return ci !== null && ci[0] <= value && value <= ci[1];
}


/** Pollaczek–Khinchine: mean time in an M/G/1 queue. */
const pollaczekKhinchine = (lambda: number, es: number, es2: number): number => es + (lambda * es2) / (2 * (1 - lambda * es));

/** σ of a GI/M/1 queue: the root in (0, 1) of σ = A*(μ(1 − σ)), A* the Laplace transform of the interarrival time. */
function giM1Sigma(transform: (s: number) => number, mu: number): number {
  let s = 0.5;
  for (let i = 0; i < 1000; i++) s = transform(mu * (1 - s));
  return s;
}

const run = (yaml: string, replications = 4): RunResult => runTopology(topo(yaml), { replications });

describe('several replicas behind a load balancer', () => {
  it('random: Poisson split at random is independent M/M/2 queues (3 replicas × 2 workers, ρ = 0.75)', () => {
    const r = run(`
name: random-split
simulation: {seed: 1, duration: 600s, warmup: 20s}
services:
  s: {replicas: 3, workers: 2, loadBalancer: random, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  in: {target: s, rate: 450/s}
`);
    const e = r.entrypoints[0], s = r.services[0];
    // Each replica: λ = 150/s, μ = 100/s, c = 2, a = 1.5.
    const C = erlangC(2, 1.5);
    const Wq = C / (2 * 100 - 150);
    expect(rel(s.waitProbability, C)).toBeLessThan(0.01);
    expect(rel(s.meanQueueWait, Wq)).toBeLessThan(0.04);
    expect(rel(e.latency.mean, Wq + 0.01)).toBeLessThan(0.025);
    expect(covers(e.latency.ci.mean, Wq + 0.01)).toBe(true);
    expect(Math.abs(s.utilization - 0.75)).toBeLessThan(0.005);
    expect(rel(e.meanInSystem, e.throughput * e.latency.mean)).toBeLessThan(0.01);
  });

  it('round robin from one router: each replica sees Erlang-4 gaps, an E4/M/1 queue (W = 1/(μ(1−σ)), P(wait) = σ)', () => {
    const r = run(`
name: round-robin
simulation: {seed: 1, duration: 800s, warmup: 20s}
services:
  s: {replicas: 4, workers: 1, loadBalancer: round_robin, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  in: {target: s, rate: 300/s}
`);
    // Every 4th of a Poisson(300/s) stream: Erlang-4 gaps, A*(s) = (300/(300+s))^4. σ ≈ 0.6223.
    const sigma = giM1Sigma((x) => (300 / (300 + x)) ** 4, 100);
    expect(sigma).toBeCloseTo(0.6223, 4);
    const W = 1 / (100 * (1 - sigma));
    const e = r.entrypoints[0], s = r.services[0];
    // W = 26.5 ms, where random splitting (M/M/1 at ρ = 0.75) gives 40 ms. One 800 s run: sd 1.3 %.
    expect(rel(e.latency.mean, W)).toBeLessThan(0.03);
    expect(covers(e.latency.ci.mean, W)).toBe(true);
    expect(rel(s.waitProbability, sigma)).toBeLessThan(0.01);
  });
});

describe('finite queues (queue: K − c)', () => {
  it('M/M/3/7: the rejected share is the blocking probability P_K, and the admitted see the truncated queue', () => {
    const r = run(`
name: mm37
simulation: {seed: 2, duration: 600s, warmup: 20s}
services:
  s: {workers: 3, queue: 4, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  in: {target: s, rate: 330/s}
`, 3);
    const lambda = 330, mu = 100, c = 3, K = 7;
    const p = [1];
    for (let n = 1; n <= K; n++) p.push((p[n - 1] * lambda) / (mu * Math.min(n, c)));
    const total = p.reduce((a, b) => a + b, 0);
    const pi = p.map((x) => x / total);
    const PK = pi[K];
    const lambdaIn = lambda * (1 - PK);
    const L = pi.reduce((a, x, n) => a + n * x, 0);
    const Lq = pi.reduce((a, x, n) => a + Math.max(0, n - c) * x, 0);
    let wait = 0;
    for (let n = c; n < K; n++) wait += pi[n];
    const e = r.entrypoints[0], s = r.services[0];
    expect(PK).toBeCloseTo(0.1894, 4);
    // Blocking comes in bursts: over 60 seeds one 600 s run's rejected share spread 1.0 % (sd)
    // around P_K, so three replications' 0.6 %; 2.5 % is four of those.
    expect(rel(s.rejected / s.arrivals, PK)).toBeLessThan(0.025);
    expect(rel(e.errorRate, PK)).toBeLessThan(0.025);
    expect(rel(s.utilization, lambdaIn / (c * mu))).toBeLessThan(0.0075);
    expect(rel(s.waitProbability, wait / (1 - PK))).toBeLessThan(0.02);
    expect(rel(s.meanQueueWait, Lq / lambdaIn)).toBeLessThan(0.03);
    expect(rel(e.latency.mean, L / lambdaIn)).toBeLessThan(0.02);
    expect(covers(e.latency.ci.mean, L / lambdaIn)).toBe(true);
    expect(rel(e.meanInSystem, L)).toBeLessThan(0.015);
    // A service's throughput is of the invocations it served (the rejected never got one):
    // with its server-side latency, Little's law holds at the service.
    expect(rel(s.throughput, lambdaIn)).toBeLessThan(0.01);
    expect(rel(s.meanInSystem, s.throughput * s.latency.mean)).toBeLessThan(0.01);
    // At the entry point throughput counts the rejected too, and latency only the successes,
    // so L = λW holds with the successes' rate: the rejected spend no time in the system.
    expect(rel(e.meanInSystem, e.throughput * (1 - e.errorRate) * e.latency.mean)).toBeLessThan(0.01);
    expect(e.throughput * e.latency.mean).toBeGreaterThan(e.meanInSystem * 1.2);
  });
});

describe('closed-loop users (exact mean value analysis)', () => {
  /** Exact MVA for single-server FCFS stations of service demands D and a think time Z. */
  function mva(users: number, Z: number, D: number[]): { X: number; R: number; Q: number[] } {
    let Q = D.map(() => 0);
    let X = 0;
    let R = 0;
    for (let n = 1; n <= users; n++) {
      const Rk = D.map((d, k) => d * (1 + Q[k]));
      R = Rk.reduce((a, b) => a + b, 0);
      X = n / (Z + R);
      Q = Rk.map((x) => X * x);
    }
    return { X, R, Q };
  }

  it('15 users, 200 ms think time, two M/M/1 stations in sequence (10 ms, 6 ms): X and R as MVA', () => {
    const r = run(`
name: closed-mva
simulation: {seed: 3, duration: 800s, warmup: 50s}
services:
  a: {workers: 1, serviceTime: {dist: exponential, mean: 10ms}, calls: [b]}
  b: {workers: 1, serviceTime: {dist: exponential, mean: 6ms}}
entrypoints:
  users: {target: a, arrivals: closed, users: 15, thinkTime: {dist: exponential, mean: 200ms}}
`);
    const m = mva(15, 0.2, [0.01, 0.006]);
    expect(m.X).toBeCloseTo(64.60, 2);
    const e = r.entrypoints[0];
    expect(rel(e.throughput, m.X)).toBeLessThan(0.01);
    expect(rel(e.latency.mean, m.R)).toBeLessThan(0.02);
    expect(covers(e.latency.ci.mean, m.R)).toBe(true);
    expect(rel(r.services[0].utilization, m.X * 0.01)).toBeLessThan(0.01);
    expect(rel(r.services[1].latency.mean, m.Q[1] / m.X)).toBeLessThan(0.02);
    expect(rel(e.meanInSystem, m.Q[0] + m.Q[1])).toBeLessThan(0.02);
  });

  it('40 users, 100 ms think time, one M/M/4 station: the finite-source birth–death chain', () => {
    const r = run(`
name: closed-mmc
simulation: {seed: 4, duration: 600s, warmup: 50s}
services:
  a: {workers: 4, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  users: {target: a, arrivals: closed, users: 40, thinkTime: {dist: exponential, mean: 100ms}}
`);
    const N = 40, Z = 0.1, S = 0.01, c = 4;
    const p = [1];
    for (let n = 1; n <= N; n++) p.push((p[n - 1] * ((N - n + 1) / Z)) / (Math.min(n, c) / S));
    const total = p.reduce((a, b) => a + b, 0);
    const L = p.reduce((a, x, n) => a + (n * x) / total, 0);
    const X = p.reduce((a, x, n) => a + ((Math.min(n, c) / S) * x) / total, 0);
    const e = r.entrypoints[0];
    expect(rel(e.throughput, X)).toBeLessThan(0.01);
    expect(rel(e.latency.mean, L / X)).toBeLessThan(0.02);
    expect(covers(e.latency.ci.mean, L / X)).toBe(true);
    expect(rel(e.meanInSystem, L)).toBeLessThan(0.02);
  });
});

describe('parallel and optional calls', () => {
  it('with no queueing, a parallel group of 3 exponential branches takes E[max] = H₃/μ', () => {
    const r = run(`
name: fork-max
simulation: {seed: 5, duration: 300s, warmup: 10s}
services:
  front: {workers: 100000, serviceTime: 0s, calls: [{parallel: [b0, b1, b2]}]}
  b0: {workers: 100000, serviceTime: {dist: exponential, mean: 10ms}}
  b1: {workers: 100000, serviceTime: {dist: exponential, mean: 10ms}}
  b2: {workers: 100000, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  in: {target: front, rate: 300/s}
`, 3);
    const e = r.entrypoints[0];
    const H3 = 1 + 1 / 2 + 1 / 3;
    // Standard error 0.1 % (var of the max = Σ 1/k² /μ², ~260,000 requests).
    expect(rel(e.latency.mean, H3 * 0.01)).toBeLessThan(0.005);
    expect(covers(e.latency.ci.mean, H3 * 0.01)).toBe(true);
  });

  it('fork-join of two M/M/1 queues fed by one Poisson stream: R = (12 − ρ)/8 · 1/(μ−λ) (Nelson and Tantawi)', () => {
    const r = run(`
name: fork-join
simulation: {seed: 6, duration: 2000s, warmup: 50s}
services:
  front: {workers: 100000, serviceTime: 0s, calls: [{parallel: [x, y]}]}
  x: {workers: 1, serviceTime: {dist: exponential, mean: 10ms}}
  y: {workers: 1, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  in: {target: front, rate: 50/s}
`, 3);
    const R = ((12 - 0.5) / 8) * (1 / (100 - 50));
    const e = r.entrypoints[0];
    expect(rel(e.latency.mean, R)).toBeLessThan(0.03);
    expect(covers(e.latency.ci.mean, R)).toBe(true);
    // Each branch alone is an M/M/1 at ρ = 0.5: the max is 44 % above it, not the sum.
    expect(rel(r.services[1].latency.mean, 1 / 50)).toBeLessThan(0.03);
  });

  it('optional calls route at random: a Jackson network, W = W_a + p_b W_b + p_c W_c', () => {
    const r = run(`
name: optional-jackson
simulation: {seed: 7, duration: 1000s, warmup: 50s}
services:
  a: {workers: 1, serviceTime: {dist: exponential, mean: 10ms}, calls: [{call: b, probability: 0.3}, {call: c, probability: 0.6}]}
  b: {workers: 1, serviceTime: {dist: exponential, mean: 20ms}}
  c: {workers: 2, serviceTime: {dist: exponential, mean: 20ms}}
entrypoints:
  in: {target: a, rate: 60/s}
`);
    const [, b, c] = r.services;
    const Wa = 1 / (100 - 60);
    const Wb = 1 / (50 - 18); // M/M/1, λ = 18/s
    const Wc = erlangC(2, 36 / 50) / (100 - 36) + 0.02; // M/M/2, λ = 36/s
    const W = Wa + 0.3 * Wb + 0.6 * Wc;
    expect(rel(b.arrivals / r.run.measuredTime, 18)).toBeLessThan(0.01);
    expect(rel(c.arrivals / r.run.measuredTime, 36)).toBeLessThan(0.01);
    expect(rel(b.latency.mean, Wb)).toBeLessThan(0.03);
    expect(rel(c.latency.mean, Wc)).toBeLessThan(0.02);
    expect(rel(r.entrypoints[0].latency.mean, W)).toBeLessThan(0.02);
    expect(covers(r.entrypoints[0].latency.ci.mean, W)).toBe(true);
  });
});

describe('shared cores are processor sharing', () => {
  it('two classes on one core: each class takes E[S_k]/(1−ρ), in proportion to its work', () => {
    const r = run(`
name: ps-classes
nodes: {n: {zone: default, cores: 1, cpu: shared}}
simulation: {seed: 8, duration: 1000s, warmup: 50s}
services:
  a: {workers: 100000, serviceTime: {dist: exponential, mean: 2ms}}
  b: {workers: 100000, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  ea: {target: a, rate: 150/s}
  eb: {target: b, rate: 40/s}
`);
    // ρ = 150 × 2 ms + 40 × 10 ms = 0.7. Under FCFS both classes would wait the same.
    const [ea, eb] = r.entrypoints;
    // One 600 s run: sd 2.1 % (a) and 2.8 % (b), over 40 seeds.
    expect(rel(ea.latency.mean, 0.002 / 0.3)).toBeLessThan(0.035);
    expect(rel(eb.latency.mean, 0.01 / 0.3)).toBeLessThan(0.045);
    expect(covers(ea.latency.ci.mean, 0.002 / 0.3)).toBe(true);
    expect(covers(eb.latency.ci.mean, 0.01 / 0.3)).toBe(true);
    expect(Math.abs(r.resources.sharedNodes[0].utilization - 0.7)).toBeLessThan(0.01);
  });

  it('is insensitive to the service distribution: constant 10 ms at ρ = 0.6 takes S/(1−ρ) = 25 ms (FCFS M/D/1: 17.5 ms)', () => {
    const r = run(`
name: ps-constant
nodes: {n: {zone: default, cores: 1, cpu: shared}}
simulation: {seed: 20, duration: 800s, warmup: 50s}
services:
  a: {workers: 100000, serviceTime: 10ms}
entrypoints:
  ea: {target: a, rate: 60/s}
`);
    const e = r.entrypoints[0];
    expect(rel(e.latency.mean, 0.025)).toBeLessThan(0.025);
    expect(covers(e.latency.ci.mean, 0.025)).toBe(true);
  });

  it('two shared cores under exponential work: the number in system is M/M/2, so W is Erlang C’s', () => {
    const r = run(`
name: ps-two-cores
nodes: {n: {zone: default, cores: 2, cpu: shared}}
simulation: {seed: 10, duration: 800s, warmup: 50s}
services:
  a: {workers: 100000, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  ea: {target: a, rate: 150/s}
`);
    const W = erlangC(2, 1.5) / (200 - 150) + 0.01;
    expect(rel(r.entrypoints[0].latency.mean, W)).toBeLessThan(0.03);
    expect(covers(r.entrypoints[0].latency.ci.mean, W)).toBe(true);
    expect(Math.abs(r.resources.sharedNodes[0].utilization - 0.75)).toBeLessThan(0.01);
  });
});

describe('beyond exponential service and arrivals', () => {
  it('M/D/1 and M/G/1 (lognormal, σ = 1) match Pollaczek–Khinchine', () => {
    const md1 = run(`
name: md1
simulation: {seed: 12, duration: 2000s, warmup: 50s}
services:
  a: {workers: 1, serviceTime: 10ms}
entrypoints:
  ea: {target: a, rate: 80/s}
`).entrypoints[0];
    // 30 ms. At ρ = 0.8 one 800 s run spreads 2.4 % (sd, 12 seeds); 4 × 2000 s, ~0.8 %.
    const Wd = pollaczekKhinchine(80, 0.01, 0.0001);
    expect(rel(md1.latency.mean, Wd)).toBeLessThan(0.03);
    expect(covers(md1.latency.ci.mean, Wd)).toBe(true);

    const mu = Math.log(0.005), sigma = 1;
    const es = Math.exp(mu + sigma ** 2 / 2), es2 = Math.exp(2 * mu + 2 * sigma ** 2);
    const lambda = 0.7 / es;
    const mg1 = run(`
name: mg1
simulation: {seed: 13, duration: 2000s, warmup: 50s}
services:
  a: {workers: 1, serviceTime: {dist: lognormal, mu: ${mu}, sigma: ${sigma}}}
entrypoints:
  ea: {target: a, rate: ${lambda}/s}
`).entrypoints[0];
    const Wg = pollaczekKhinchine(lambda, es, es2);
    // One 800 s run: sd 3.4 %; 4 × 2000 s, ~1.1 %.
    expect(rel(mg1.latency.mean, Wg)).toBeLessThan(0.045);
    expect(covers(mg1.latency.ci.mean, Wg)).toBe(true);
  });

  it('a worker held during a call serves S₁ + S₂: an M/G/1 queue (P-K with the sum’s moments)', () => {
    const r = run(`
name: hold-mg1
simulation: {seed: 21, duration: 800s, warmup: 30s}
services:
  front: {workers: 1, holdWorkerDuringCalls: true, serviceTime: {dist: exponential, mean: 4ms}, calls: [back]}
  back: {workers: 100000, serviceTime: {dist: exponential, mean: 6ms}}
entrypoints:
  in: {target: front, rate: 60/s}
`);
    const a = 0.004, b = 0.006;
    const W = pollaczekKhinchine(60, a + b, 2 * a * a + 2 * b * b + 2 * a * b);
    expect(rel(r.entrypoints[0].latency.mean, W)).toBeLessThan(0.03);
    expect(covers(r.entrypoints[0].latency.ci.mean, W)).toBe(true);
    expect(Math.abs(r.services[0].utilization - 0.6)).toBeLessThan(0.01);
  });

  it('D/M/1 (constant arrivals): W = 1/(μ(1−σ)), σ = e^(−μ(1−σ)/λ), and P(wait) = σ', () => {
    const r = run(`
name: dm1
simulation: {seed: 14, duration: 2000s, warmup: 50s}
services:
  a: {workers: 1, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  ea: {target: a, rate: 80/s, arrivals: constant}
`);
    const sigma = giM1Sigma((x) => Math.exp(-x / 80), 100);
    const W = 1 / (100 * (1 - sigma));
    // One 800 s run: sd 2.5 %; 4 × 2000 s, ~0.8 %.
    expect(rel(r.entrypoints[0].latency.mean, W)).toBeLessThan(0.035);
    expect(covers(r.entrypoints[0].latency.ci.mean, W)).toBe(true);
    expect(rel(r.services[0].waitProbability, sigma)).toBeLessThan(0.01);
  });
});

describe('a proxy thread that takes responses too', () => {
  it('one thread, free responses: W = 1/(μ−λ) for the request, plus the work a departure leaves behind, ρ/(1−ρ)·S', () => {
    // The response pass is queued FIFO on the thread behind the requests that arrived while the request
    // was in the proxy; a departure sees the M/M/1's stationary number in system, ρ/(1−ρ) on average.
    // At λ = 1500/s and S = 400 µs (ρ = 0.6): 1 ms + 1.5 × 0.4 ms = 1.6 ms. Alike on a dedicated CPU and
    // on a shared core the proxy has to itself (two code paths).
    for (const cpu of ['dedicated', 'shared']) {
      const r = run(`
name: proxy-thread
nodes: {n: {zone: default, cores: 1, cpu: ${cpu}}}
simulation: {seed: 62, duration: 300s, warmup: 10s}
mesh:
  profile: istio-sidecar
  mtls: {enabled: false}
  sidecar: {workers: 1, requestCost: {dist: exponential, mean: 400us}, responseCost: 0, telemetryCost: 0, perKB: 0, idleCpu: 0}
services:
  api: {workers: 1000, serviceTime: 0s}
entrypoints:
  in: {target: api, via: direct, rate: 1500/s}
`, 3);
      const e = r.entrypoints[0];
      const sidecar = r.resources.proxies.find((p) => p.kind === 'sidecar');
      expect(rel(e.latency.mean, 0.0016), cpu).toBeLessThan(0.03);
      expect(covers(e.latency.ci.mean, 0.0016), cpu).toBe(true);
      expect(rel(e.decomposition.proxyWork, 0.0004), cpu).toBeLessThan(0.01);
      expect(Math.abs((sidecar?.workerUtilization ?? NaN) - 0.6), cpu).toBeLessThan(0.01);
      expect(rel(sidecar?.vcpu ?? NaN, 0.6), cpu).toBeLessThan(0.01);
    }
  });
});

describe('the measurement window', () => {
  it('a warm-up leaves out the requests that arrive in it, and time averages start at its end', () => {
    // Constant 10/s, 1 ms each: arrivals at 0.1 s, 0.2 s, …; the 50 of 5–10 s are measured.
    const r = runTopology(topo(`
name: warm
simulation: {seed: 1, duration: 10s, warmup: 5s}
services:
  s: {workers: 1, serviceTime: 1ms}
entrypoints:
  in: {target: s, arrivals: constant, rate: 10/s}
`));
    const e = r.entrypoints[0], s = r.services[0];
    expect(e.completed).toBe(50);
    expect(s.arrivals).toBe(50);
    expect(r.run.measuredTime).toBe(5);
    expect(e.throughput).toBeCloseTo(10, 9);
    expect(s.utilization).toBeCloseTo(0.01, 9);
    expect(e.meanInSystem).toBeCloseTo(0.01, 9);
  });

  it('--requests stops at exactly that many measured completions, and its window keeps Little’s law', () => {
    const r = runTopology(topo(`
name: count
simulation: {seed: 1, warmup: 10s}
services:
  s: {workers: 1, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  in: {target: s, rate: 50/s}
`), { requests: 100_000 });
    const e = r.entrypoints[0];
    expect(e.completed).toBe(100_000);
    expect(rel(e.throughput, 50)).toBeLessThan(0.01);
    expect(rel(r.run.measuredTime, 100_000 / 50)).toBeLessThan(0.01);
    expect(rel(e.meanInSystem, e.throughput * e.latency.mean)).toBeLessThan(0.005);
    // M/M/1 at ρ = 0.5: W = 20 ms; the mean of 100,000 sojourns has a standard error of ~0.9 %.
    expect(rel(e.latency.mean, 0.02)).toBeLessThan(0.04);
    expect(covers(e.latency.ci.mean, 0.02)).toBe(true);
  });
});
