import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import { buildModel } from '../../sim/model/build.js';
import { simulate } from '../../sim/model/simulation.js';
import { topo } from './helpers.js';

/**
 * Request state must not accumulate with the number of requests simulated
 * (README, Performance: memory must not grow). Asserted on structure sizes,
 * never on time or RSS, so the tests are deterministic.
 */
describe('request state stays bounded', () => {
  // One connection's worth of circuit breaker in front of b: most tries wait
  // for it. A try times out after 4 ms and is retried after 1 ms; the call's
  // 7 ms timeout then often cuts a retry while it is still waiting.
  const waitingTriesCut = topo(`
name: cb-pending-timeouts
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
      circuitBreaker: {maxConnections: 1}
      retries: {attempts: 3, perTryTimeout: 4ms, retryOn: [5xx, reset, timeout], backoff: {base: 1ms, max: 1ms}}
entrypoints:
  web: {target: a, via: direct, rate: 400/s}
`);

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
