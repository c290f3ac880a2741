import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import type { RunResult } from '../../sim/results/types.js';
import { topo } from './helpers.js';

// Analytic anchors for the resilience policies and the connection pool,
// which the other theory tests (queueing, queueingTheory) leave out: a
// circuit breaker is a loss system (Erlang B, M/M/c/K), a timeout truncates
// the sojourn time of the queue behind it, retries multiply the load by the
// expected tries, full-jitter back-off averages half its cap, and an idle
// timeout makes new connections a thinned Poisson stream. Mesh `none` (the
// client library) unless a proxy is the subject, so nothing else adds time.
//
// Tolerances: fixed seeds, so the numbers are deterministic. Each bound is
// four or more standard deviations of the estimate at that run length,
// measured over 4–8 other seeds (noted at each check); a wrong mechanism (a
// breaker that counts queued tries, a timeout that stops the server's queue,
// a back-off of the wrong width) moves them by far more.

const rel = (x: number, y: number): number => Math.abs(x - y) / y;

/** Erlang B: the share of arrivals an M/G/c/c loss system turns away, offered a Erlangs. */
function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** M/M/c/K: the blocking probability and the admitted requests' mean wait. */
function mmck(lambda: number, mu: number, c: number, K: number): { block: number; wq: number } {
  const p = [1];
  for (let n = 1; n <= K; n++) p.push((p[n - 1] * lambda) / (Math.min(n, c) * mu));
  const total = p.reduce((a, b) => a + b, 0);
  const q = p.map((x) => x / total);
  const lq = q.reduce((a, x, n) => a + Math.max(0, n - c) * x, 0);
  return { block: q[K], wq: lq / (lambda * (1 - q[K])) };
}

const run = (yaml: string): RunResult => runTopology(topo(yaml));

describe('a circuit breaker is a loss system', () => {
  it('maxRequests c in front of an uncongested service: Erlang B, whatever the service-time distribution', () => {
    // 300/s of 10 ms (lognormal: Erlang B is insensitive to the distribution) = 3 Erlangs into 4 slots.
    const r = run(`
name: breaker-erlang-b
simulation: {seed: 1, duration: 300s, warmup: 10s}
services:
  s:
    workers: 1000
    serviceTime: {dist: lognormal, mu: -4.730170185988091, sigma: 0.5}
    resilience: {circuitBreaker: {maxConnections: 100000, maxPending: 100000, maxRequests: 4}}
entrypoints:
  c: {target: s, rate: 300/s}
`);
    const e = r.entrypoints[0];
    // exp(mu + sigma²/2) = 10 ms.
    expect(rel(r.services[0].latency.mean, 0.01)).toBeLessThan(0.01);
    // Over 5 seeds the blocked share spread 0.0015 (sd), around 0.2049.
    expect(Math.abs(e.failed / e.completed - erlangB(4, 3))).toBeLessThan(0.006);
    expect(e.failures.map((f) => [f.cause, f.flag])).toEqual([['circuit-open', 'UO']]);
  });

  it('maxConnections c with maxPending K − c waiting: M/M/c/K, blocking P_K and the wait for a connection', () => {
    // HTTP/1.1 (one request a connection): 2 connections, 3 may wait; 150/s of 10 ms.
    const r = run(`
name: breaker-mmck
simulation: {seed: 1, duration: 300s, warmup: 10s}
services:
  s:
    workers: 1000
    serviceTime: {dist: exponential, mean: 10ms}
    resilience: {circuitBreaker: {maxConnections: 2, maxPending: 3, maxRequests: 100000}}
entrypoints:
  c: {target: s, rate: 150/s}
`);
    const e = r.entrypoints[0];
    const { block, wq } = mmck(150, 100, 2, 5);
    expect(block).toBeCloseTo(0.0851, 4);
    // Over 3 seeds: blocked share sd 0.0014, the wait (counted as proxy queueing) sd ~1 %.
    expect(Math.abs(e.failed / e.completed - block)).toBeLessThan(0.007);
    expect(rel(e.decomposition.proxyQueue, wq)).toBeLessThan(0.04);
    expect(rel(e.latency.mean, wq + 0.01)).toBeLessThan(0.03);
  });
});

describe('a timeout truncates the sojourn time of the queue behind it', () => {
  it('M/M/1 (λ 80/s, μ 100/s) behind a 30 ms timeout: P(success) = 1 − e^(−(μ−λ)τ), the truncated mean, and Little’s law with τ for each failure', () => {
    // The server works on what the caller gave up on, so its queue is the plain M/M/1's.
    const r = run(`
name: timeout-mm1
simulation: {seed: 1, duration: 2000s, warmup: 20s}
services:
  s: {workers: 1, serviceTime: {dist: exponential, mean: 10ms}, resilience: {timeout: 30ms}}
entrypoints:
  in: {target: s, rate: 80/s}
`);
    const e = r.entrypoints[0], s = r.services[0];
    const theta = 20, tau = 0.03;
    const success = 1 - Math.exp(-theta * tau);
    const truncatedMean = 1 / theta - (tau * Math.exp(-theta * tau)) / success;
    // Over 6 seeds of 400 s: success share sd 0.015 (busy periods), so 0.007 at 2,000 s; truncated mean sd 0.6 %.
    expect(Math.abs(e.succeeded / e.completed - success)).toBeLessThan(0.03);
    expect(rel(e.latency.mean, truncatedMean)).toBeLessThan(0.015);
    expect(e.latency.max).toBeLessThanOrEqual(tau);
    expect(rel(s.latency.mean, 1 / theta)).toBeLessThan(0.03);
    expect(Math.abs(s.utilization - 0.8)).toBeLessThan(0.01);
    // Little's law over every request: the successes' time plus τ for each timed-out one.
    const perRequest = (e.succeeded * e.latency.mean + e.failed * tau) / e.completed;
    expect(rel(e.meanInSystem, e.throughput * perRequest)).toBeLessThan(0.01);
  });
});

describe('retries multiply the load by the expected tries', () => {
  it('attempts 3 on a 50 % abort: 1 + p + p² = 1.75 tries a call, 1 − p³ succeed, back-off E = (¼·b/2 + ⅛·(b/2 + b)) / ⅞', () => {
    const r = run(`
name: retry-load
simulation: {seed: 3, duration: 300s, warmup: 10s}
services:
  front: {workers: 100, serviceTime: 1ms, calls: [leaf]}
  leaf:
    replicas: 2
    workers: 100
    serviceTime: 1ms
    resilience: {retries: {attempts: 3, retryOn: [5xx], maxConcurrentRetries: 100000, backoff: {base: 10ms, max: 1s}}}
entrypoints:
  c: {target: front, rate: 100/s}
timeline:
  - {at: 0s, abort: {service: leaf, status: 503, probability: 0.5}}
`);
    const e = r.entrypoints[0], leaf = r.services[1];
    // ~29,000 calls: the tries' ratio has sd ~0.5 %, the success share ~0.002.
    expect(rel((leaf.calls + leaf.retries) / leaf.calls, 1.75)).toBeLessThan(0.02);
    expect(leaf.arrivals).toBe(leaf.calls + leaf.retries);
    expect(Math.abs(e.succeeded / e.completed - 0.875)).toBeLessThan(0.01);
    // Full jitter: the n-th retry waits U(0, base·2^(n−1)); of the successes, ¼ waited once and ⅛ twice.
    const b = 0.01;
    const backoff = (0.25 * (b / 2) + 0.125 * (b / 2 + b)) / 0.875;
    expect(rel(e.decomposition.retryBackoff, backoff)).toBeLessThan(0.04);
    expect(rel(e.latency.mean, 0.002 + backoff)).toBeLessThan(0.03);
  });

  it('per-try timeout τ on an uncongested exponential service: 1 − e^(−nμτ) succeed after (1 − qⁿ)/(1 − q) tries, q = e^(−μτ)', () => {
    const r = run(`
name: per-try
simulation: {seed: 2, duration: 600s, warmup: 10s}
services:
  front: {workers: 1000, serviceTime: 0s, calls: [leaf]}
  leaf:
    workers: 1000
    serviceTime: {dist: exponential, mean: 10ms}
    resilience: {retries: {attempts: 3, perTryTimeout: 10ms, retryOn: [5xx, reset], backoff: {base: 0s, max: 0s}, maxConcurrentRetries: 100000}}
entrypoints:
  c: {target: front, rate: 200/s}
`);
    const e = r.entrypoints[0], leaf = r.services[1];
    const mu = 100, tau = 0.01, n = 3;
    const q = Math.exp(-mu * tau);
    const success = 1 - q ** n;
    const tries = (1 - q ** n) / (1 - q);
    // A success after k − 1 cut tries takes (k − 1)τ plus its own time, which was under τ.
    const underTau = 1 / mu - (tau * q) / (1 - q);
    let latency = 0;
    for (let k = 1; k <= n; k++) latency += q ** (k - 1) * (1 - q) * ((k - 1) * tau + underTau);
    latency /= success;
    // Over 6 seeds: success share sd 0.0007, tries sd 0.15 %, latency sd 0.3 %.
    expect(Math.abs(e.succeeded / e.completed - success)).toBeLessThan(0.004);
    expect(rel((leaf.calls + leaf.retries) / leaf.calls, tries)).toBeLessThan(0.01);
    expect(rel(e.latency.mean, latency)).toBeLessThan(0.015);
    // The cut tries run on at the server (nobody cancels them): it works 10 ms for every try.
    expect(rel(leaf.utilization, (200 * tries * 0.01) / 1000)).toBeLessThan(0.03);
  });
});

describe('an idle timeout thins the requests into new connections', () => {
  it('Poisson λ with connections closed after T idle: λe^(−λT) handshakes a second, each end open 1 − e^(−λT) of the time', () => {
    // Sidecar to sidecar over HTTP/1.1, work far shorter than the gaps: a request finds its pair's connection
    // closed when the gap since the last one exceeds T. λ = 5/s, T = 200 ms: 1.84/s, open 63 % of the time.
    const r = run(`
name: idle-thinning
simulation: {seed: 1, duration: 2000s, warmup: 10s}
mesh: {profile: istio-sidecar, mtls: {idleTimeout: 200ms, resumption: false}, sidecar: {requestCost: 100us, responseCost: 50us, telemetryCost: 0s, perKB: 0s}}
services:
  front: {workers: 100, serviceTime: 10us, calls: [leaf]}
  leaf: {workers: 100, serviceTime: 10us}
entrypoints:
  c: {target: front, rate: 5/s, via: direct}
`);
    const sidecars = r.resources.proxies.find((p) => p.kind === 'sidecar');
    if (sidecars === undefined) throw new Error('no sidecars');
    const lambda = 5, T = 0.2;
    // Over 3 seeds: handshake rate sd 1.3 %.
    expect(rel(sidecars.handshakes / r.run.measuredTime, lambda * Math.exp(-lambda * T))).toBeLessThan(0.05);
    expect(sidecars.resumptions).toBe(0);
    // The client to front's sidecar is plaintext (via: direct): the one pair, front's sidecar to leaf's, counted at both ends.
    expect(rel(sidecars.meanConnectionsPerProxy, 1 - Math.exp(-lambda * T))).toBeLessThan(0.03);
    // Each handshake costs its request 1 ms of CPU at each end (the legs are free): 2 ms × e^(−λT) a request.
    expect(rel(r.entrypoints[0].decomposition.mtls, 0.002 * Math.exp(-lambda * T))).toBeLessThan(0.05);
  });
});

describe("least request is Envoy's power of two choices, drawn with replacement", () => {
  /** Share of the arrivals P2C sends to the shorter of two queues: both draws on it (¼) or one of each (½). */
  const TO_SHORTER = 0.75;

  /**
   * Exact mean sojourn of two one-worker exponential replicas fed by one router: the chain on (n₁, n₂),
   * an arrival going to the shorter queue with probability `toShorter` (½ on a tie), solved by Gauss–Seidel
   * on the balance equations, truncated at `cap` a queue (the tail beyond holds ~0.75^cap).
   */
  function twoQueues(lambda: number, mu: number, toShorter: number, cap = 35): number {
    const side = cap + 1;
    const toFirst = (i: number, j: number): number => (i < j ? toShorter : i > j ? 1 - toShorter : 0.5);
    const p = new Float64Array(side * side).fill(1 / (side * side));
    for (let sweep = 0; sweep < 5000; sweep++) {
      let change = 0;
      for (let i = 0; i <= cap; i++) {
        for (let j = 0; j <= cap; j++) {
          const a = toFirst(i, j);
          const out = (i < cap ? lambda * a : 0) + (j < cap ? lambda * (1 - a) : 0) + (i > 0 ? mu : 0) + (j > 0 ? mu : 0);
          let inflow = 0;
          if (i > 0) inflow += p[(i - 1) * side + j] * lambda * toFirst(i - 1, j);
          if (j > 0) inflow += p[i * side + j - 1] * lambda * (1 - toFirst(i, j - 1));
          if (i < cap) inflow += p[(i + 1) * side + j] * mu;
          if (j < cap) inflow += p[i * side + j + 1] * mu;
          change += Math.abs(inflow / out - p[i * side + j]);
          p[i * side + j] = inflow / out;
        }
      }
      let total = 0;
      for (const x of p) total += x;
      for (let k = 0; k < p.length; k++) p[k] /= total;
      if (change < 1e-12) break;
    }
    let inSystem = 0;
    for (let i = 0; i <= cap; i++) for (let j = 0; j <= cap; j++) inSystem += (i + j) * p[i * side + j];
    return inSystem / lambda;
  }

  it('two one-worker replicas at ρ = 0.75 from one router: the Markov chain’s 27.3 ms, not join-the-shortest’s 24.5 ms', () => {
    const exact = twoQueues(150, 100, TO_SHORTER);
    const shortest = twoQueues(150, 100, 1);
    expect(exact).toBeCloseTo(0.02729, 4);
    expect(shortest).toBeCloseTo(0.02448, 4);
    const r = runTopology(topo(`
name: p2c
simulation: {seed: 1, duration: 1000s, warmup: 20s}
services:
  s: {replicas: 2, workers: 1, loadBalancer: least_request, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  in: {target: s, rate: 150/s}
`), { replications: 4 });
    // One 1,000 s run's mean spread 2.5 % (sd, 4 seeds): four replications, ~1.3 %. Join-the-shortest is 10 % below.
    expect(rel(r.entrypoints[0].latency.mean, exact)).toBeLessThan(0.04);
    expect(r.entrypoints[0].latency.mean).toBeGreaterThan(shortest * 1.05);
  });
});
