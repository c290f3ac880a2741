import { describe, expect, it, vi } from 'vitest';
import { Engine } from '../../sim/engine/engine.js';
import { runTopology } from '../../sim/run.js';
import { buildModel } from '../../sim/model/build.js';
import { simulate } from '../../sim/model/simulation.js';
import { topo } from './helpers.js';

/**
 * One connection's worth of circuit breaker in front of b: most tries wait
 * for it. A try times out after 4 ms and is retried after 1 ms; the call's
 * 7 ms timeout then often cuts a retry while it is still waiting.
 */
const breakerWithTimeouts = (name: string, circuitBreaker: string) => topo(`
name: ${name}
simulation: {seed: 3}
mesh:
  profile: istio-sidecar
  mtls: {enabled: false}
services:
  a: {replicas: 1, workers: 64, serviceTime: 100us, calls: [b]}
  b:
    replicas: 2
    workers: 64
    serviceTime: {dist: exponential, mean: 2ms}
    resilience:
      timeout: 7ms
      circuitBreaker: ${circuitBreaker}
      retries: {attempts: 3, perTryTimeout: 4ms, retryOn: [5xx, reset, timeout], backoff: {base: 1ms, max: 1ms}}
entrypoints:
  web: {target: a, via: direct, rate: 400/s}
`);

/**
 * Request state must not accumulate with the number of requests simulated
 * (README, Performance: memory must not grow). Asserted on structure sizes,
 * never on time or RSS, so the tests are deterministic.
 */
describe('request state stays bounded', () => {
  const waitingTriesCut = breakerWithTimeouts('cb-pending-timeouts', '{maxConnections: 1}');

  it('a try cut by a timeout while it waits for the circuit breaker releases its frame', () => {
    const peak = (requests: number) => simulate(buildModel(waitingTriesCut), { seed: 3, duration: undefined, requests, warmup: 0 }).peakFramesInUse;
    const small = peak(5_000);
    const large = peak(20_000);
    // Frames in flight follow the load (tens here), not the requests done:
    // each lost frame used to stay in use to the end (about 1 in 11 requests).
    expect(large).toBeLessThan(200);
    expect(large).toBeLessThanOrEqual(small + 20);
    // Through the library: a cap on frames in flight far above what the load
    // needs is never reached however many requests run.
    const r = runTopology(waitingTriesCut, { requests: 20_000, warmup: 0, maxFramesInFlight: 500 });
    expect(r.entrypoints[0].completed).toBeGreaterThanOrEqual(20_000);
    // The cut tries are counted as timeouts, as before.
    expect(r.attemptFailures.some((f) => f.cause === 'timeout' && f.count > 0)).toBe(true);
  });
});

describe('timers of calls that ended first', () => {
  // Cilium's defaults: a 1 h request timeout on every call. At 2,000 calls a second each call leaves a timer
  // that fires (and is ignored) an hour later: the queue held every call of the last simulated hour.
  const longTimeouts = topo(`
name: long-timeouts
simulation: {seed: 5}
mesh: {profile: cilium}
services:
  a: {replicas: 2, workers: 64, serviceTime: 1ms, calls: [b]}
  b: {replicas: 2, workers: 64, serviceTime: 1ms}
entrypoints:
  web: {target: a, via: direct, rate: 1000/s}
`);
  const run = (requests: number) => simulate(buildModel(longTimeouts), { seed: 5, duration: undefined, requests, warmup: 0 });

  it('are swept from the queue, which follows the calls in flight, not the calls of the last hour', () => {
    const small = run(20_000), large = run(100_000);
    // A timer a request (a's call to b; the client outside the mesh has no policy): 100,000 queued before.
    expect(large.pendingEventsAtEnd).toBeLessThan(40_000);
    expect(large.pendingEventsAtEnd).toBeLessThan(2 * Math.max(small.pendingEventsAtEnd, 1 << 14));
  });

  it('change no result: the timers swept are those their handlers ignore', () => {
    const summary = () => {
      const r = runTopology(longTimeouts, { requests: 60_000, warmup: 0 }) as unknown as { run: { events: number } };
      const events = r.run.events;
      r.run.events = 0;
      return { text: JSON.stringify(r), events };
    };
    const swept = summary();
    // The same run on a queue that never sweeps: every ignored timer stays until its hour is up.
    const never = vi.spyOn(Engine.prototype, 'compact').mockReturnValue(0);
    let kept: { text: string; events: number };
    try {
      kept = summary();
    } finally {
      never.mockRestore();
    }
    expect(swept.text).toBe(kept.text);
    // The swept timers are not processed events (the run stops at 60 s, long before any would fire).
    expect(swept.events).toBe(kept.events);
  });
});

describe('outlier ejections on the timeline', () => {
  // A 30 % 503 rate and one failure to eject, for 10 ms: four routers eject b's replicas over and over.
  const ejections = topo(`
name: ejections
simulation: {seed: 3}
mesh:
  profile: istio-sidecar
  mtls: {enabled: false}
  resilience: {retries: none}
services:
  a: {replicas: 4, workers: 64, serviceTime: {dist: exponential, mean: 200us}, calls: [b]}
  b:
    replicas: 4
    workers: 64
    serviceTime: {dist: exponential, mean: 200us}
    resilience:
      outlierDetection: {consecutive5xx: 1, baseEjectionTime: 10ms, maxEjectionTime: 10ms, interval: 10ms, maxEjectionPercent: 50}
entrypoints:
  web: {target: a, via: direct, rate: 2000/s}
timeline:
  - {at: 0s, abort: {service: b, status: 503, probability: 0.3}}
`);

  it('are marked up to a cap, then counted, and the results say how many went unmarked', () => {
    const small = runTopology(ejections, { requests: 20_000, warmup: 0 });
    const large = runTopology(ejections, { requests: 80_000, warmup: 0 });
    const marked = (r: typeof small) => r.timeline.markers.filter((m) => m.kind === 'ejection').length;
    // Each grew with the run: thousands of markers at 20,000 requests, four times as many at 80,000.
    expect(marked(small)).toBe(1000);
    expect(marked(large)).toBe(1000);
    const capped = (r: typeof small) => r.warnings.find((w) => w.code === 'markers-capped');
    const unmarked = (r: typeof small) => Number(/^([\d,]+) more outlier ejections/.exec(capped(r)?.message ?? '')?.[1].replace(/,/g, ''));
    expect(unmarked(large)).toBeGreaterThan(3 * unmarked(small));
    expect(capped(large)?.message).toContain('past its first 1,000');
  });
});

describe('a try cut while it waits for the circuit breaker', () => {
  // With room for two waiters: a cut waiter left its place in the queue taken until it came to the
  // front, so live tries behind it overflowed (UO) while the queue held fewer than two that still waited.
  const twoWaiters = breakerWithTimeouts('cb-pending', '{maxConnections: 1, maxPending: 2}');

  it('leaves the queue at once, so it overflows no live try', () => {
    const r = runTopology(twoWaiters, { requests: 20_000, warmup: 0 });
    const uo = r.attemptFailures.find((f) => f.cause === 'circuit-open')?.count;
    // Golden for this seed: 2,612 before (stale waiters held places), 2,571 now.
    expect(uo).toBe(2571);
    expect(r.entrypoints[0].failures.reduce((n, f) => n + f.count, 0)).toBe(r.entrypoints[0].failed);
  });
});
