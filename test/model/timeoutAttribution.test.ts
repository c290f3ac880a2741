// A call timeout that runs out while the call waits to retry a failed try:
// the failure began at that try (an injected 503 here, the application's),
// and the timeout only ended it. Its root cause stays the try's, with UT for
// how it ended, as retries used up keep theirs under URX.
import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import { topo } from './helpers.js';

describe('a timeout during a retry back-off', () => {
  it("keeps the failed try's root cause and mesh/app attribution, flagged UT", () => {
    // Every try of b answers 503 at once; the back-off (full jitter up to 2 s) almost always outlasts
    // the 50 ms timeout, so the call times out while waiting to retry.
    const r = runTopology(topo(`
name: backoff-timeout
mesh:
  profile: istio-sidecar
  resilience:
    timeout: 50ms
    retries: {attempts: 3, perTryTimeout: none, retryOn: [5xx], backoff: {base: 2s, max: 2s}}
simulation: {seed: 1, duration: 10s, warmup: 1s}
services:
  a: {replicas: 1, workers: 10, serviceTime: 1ms, calls: [b], resilience: {timeout: none, retries: none}}
  b: {replicas: 2, workers: 10, serviceTime: 1ms}
entrypoints:
  w: {target: a, rate: 50/s}
timeline:
  - {at: 0s, until: 20s, abort: {service: b, status: 503, probability: 1}}
`));
    const e = r.entrypoints[0];
    expect(e.failed).toBeGreaterThan(300);
    const byCause = new Map(e.failures.map((f) => [`${f.cause}/${f.flag}`, f]));
    // Nearly all end in the back-off (UT); the few whose jittered back-off was shorter than what was left fail URX.
    const ut = byCause.get('injected-abort/UT');
    expect(ut?.count ?? 0).toBeGreaterThan(0.9 * e.failed);
    expect(ut?.mesh).toBe(false);
    expect(byCause.has('timeout/UT')).toBe(false);
    expect(e.appCaused).toBe(e.failed);
    expect(e.failures.reduce((n, f) => n + f.count, 0)).toBe(e.failed);
  });
});
