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

// A timeout that cuts a try whose lateness began deeper, and is known when
// it runs out: the deeper failure is the root cause (its service, replica,
// mesh/app attribution), UT says how it ended. Before, each of these read
// `timeout`, the mesh's (the policy ran in a's sidecar). A timeout with
// nothing known deeper (the callee is only slow) stays the timeout's: here
// the topology set it and the time it cut is nearly all c's 400 ms of I/O,
// so it is the application's (see timeoutBlame.test.ts; before, the mesh's).
describe('a timeout that cuts a try late because of something deeper', () => {
  // w -> a -> b -> c: the 300 ms timeout is on a's calls to b, in the mesh
  // (or `bPolicy`); b's calls to c have none (or their own, `cPolicy`).
  const A_TO_B = 'timeout: 300ms, retries: none';
  const chain = (cPolicy: string, cExtra: string, timeline: string, bPolicy = A_TO_B, bExtra = '') => runTopology(topo(`
name: deeper-cause
zones: [z1, z2]
mesh:
  profile: istio-sidecar
  resilience: {timeout: none, retries: none}
simulation: {seed: 2, duration: 20s, warmup: 1s}
services:
  a: {replicas: 1, zones: [z1], workers: 50, serviceTime: 1ms, calls: [b]}
  b: {replicas: 1, zones: [z1], workers: 50, serviceTime: 1ms, calls: [c]${bExtra}, resilience: {${bPolicy}}}
  c: {replicas: 2, zones: [z2], workers: 50, serviceTime: 1ms${cExtra}, resilience: {${cPolicy}}}
entrypoints:
  w: {target: a, zone: z1, rate: 50/s}
${timeline}
`));
  const key = (f: { cause: string; flag: string; mesh: boolean; service: string }) => `${f.cause}/${f.flag}/${f.mesh ? 'mesh' : 'app'}/${f.service}`;
  const byKey = (r: ReturnType<typeof runTopology>) => new Map(r.entrypoints[0].failures.map((f) => [key(f), f.count]));
  const invariants = (r: ReturnType<typeof runTopology>) => {
    const e = r.entrypoints[0];
    expect(e.failures.reduce((n, f) => n + f.count, 0)).toBe(e.failed);
    expect(e.meshCaused + e.appCaused).toBe(e.failed);
    expect(e.failuresByReplica.reduce((n, f) => n + f.count, 0)).toBeLessThanOrEqual(e.failed);
  };

  it("a partition under a deeper call with no timeout: the partition's, at c, the network's", () => {
    // b's tries to c stall across the partition (TCP resends) for far longer than a's 300 ms.
    const r = chain('timeout: none, retries: none', '', 'timeline:\n  - {at: 5s, until: 15s, partition: {services: [b, c]}}');
    const e = r.entrypoints[0];
    expect(e.failed).toBeGreaterThan(400);
    const m = byKey(r);
    expect(m.get('partition/UT/app/c') ?? 0).toBe(e.failed);
    expect([...m.keys()].some((k) => k.startsWith('timeout/'))).toBe(false);
    expect(e.appCaused).toBe(e.failed);
    // The replica the stalled try was sent to (or none, for a lost SYN before one was reached: never here).
    expect(e.failuresByReplica.every((f) => f.service === 'c')).toBe(true);
    invariants(r);
  });

  it("a deeper call waiting in retry back-off: the failed try's cause (an injected 503 at c, the app's)", () => {
    // Every try of c answers 503 at once; b retries after a back-off of up to 2 s, which a's 300 ms cuts.
    const r = chain('timeout: none, retries: {attempts: 3, perTryTimeout: none, retryOn: [5xx], backoff: {base: 2s, max: 2s}}', '',
      'timeline:\n  - {at: 0s, until: 30s, abort: {service: c, status: 503, probability: 1}}');
    const e = r.entrypoints[0];
    expect(e.failed).toBeGreaterThan(700);
    const m = byKey(r);
    expect(m.get('injected-abort/UT/app/c') ?? 0).toBeGreaterThan(0.8 * e.failed);
    expect([...m.keys()].some((k) => k.startsWith('timeout/'))).toBe(false);
    expect(e.appCaused).toBe(e.failed);
    expect(e.failuresByReplica.every((f) => f.service === 'c')).toBe(true);
    invariants(r);
  });

  it('a deeper call retrying a crashed pod: the crash, flagged UT, the app\'s', () => {
    // c-0 is down (refused, still listed for 30 s); a try refused there is retried on c-1, whose 400 ms
    // of I/O a's 300 ms cuts. With no fault it is the timeout's: c is only slow.
    const crash = 'timeline:\n  - {at: 0s, until: 30s, crash: {replica: c-0, readinessDelay: 30s}}';
    const policy = 'timeout: none, retries: {attempts: 2, perTryTimeout: none, retryOn: [5xx], backoff: {base: 1ms, max: 1ms}}';
    const r = chain(policy, ', ioTime: 400ms', crash);
    const m = byKey(r);
    const e = r.entrypoints[0];
    expect(e.failed).toBeGreaterThan(800);
    // Sent to c-0 first (about half), refused, then to c-1: the crash's. Sent to c-1 first: only slow, the timeout's,
    // the application's (a timeout the topology set, cutting mostly c's time).
    const down = m.get('replica-down/UT/app/c') ?? 0;
    expect(down).toBeGreaterThan(0.3 * e.failed);
    expect(down + (m.get('timeout/UT/app/b') ?? 0)).toBe(e.failed);
    expect(e.failuresByReplica).toEqual([{ service: 'c', replica: 'c-0', count: down }]);
    invariants(r);
    const slow = chain(policy, ', ioTime: 400ms', '');
    expect([...byKey(slow).keys()]).toEqual(['timeout/UT/app/b']);
    invariants(slow);
  });

  it('a per-try timeout looks under the try it cuts: the partition below, the network\'s, for both tries', () => {
    const partition = 'timeline:\n  - {at: 5s, until: 15s, partition: {services: [b, c]}}';
    const perTry = 'timeout: none, retries: {attempts: 2, perTryTimeout: 300ms, retryOn: [5xx, reset], backoff: {base: 1ms, max: 1ms}}';
    const r = chain('timeout: none, retries: none', '', partition, perTry);
    const e = r.entrypoints[0];
    expect(e.failed).toBeGreaterThan(400);
    // Both tries cut while b's call to c was stalled; the retries used up (URX), the partition's.
    expect([...byKey(r).keys()]).toEqual(['partition/URX/app/c']);
    const tries = new Map(r.attemptFailures.map((f) => [key(f), f.count]));
    // (And a few first tries cut just before the heal whose retry then got through.)
    expect(tries.get('partition/UT/app/c') ?? 0).toBeGreaterThanOrEqual(2 * e.failed);
    expect(tries.get('partition/UT/app/c') ?? 0).toBeLessThan(2 * e.failed + 50);
    expect([...tries.keys()].some((k) => k.startsWith('timeout/'))).toBe(false);
    invariants(r);
  });

  it("an overall timeout that cuts a retry keeps the failed try's cause, as during its back-off", () => {
    // Half of b's answers are injected 503s, retried at once; c takes 400 ms, past a's 300 ms. A request
    // whose first try was answered 503 runs out on its retry: the 503's (before: timeout, the mesh's).
    const retry = 'timeout: 300ms, retries: {attempts: 2, perTryTimeout: none, retryOn: [5xx], backoff: {base: 1ms, max: 1ms}}';
    const r = chain('timeout: none, retries: none', ', ioTime: 400ms', 'timeline:\n  - {at: 0s, until: 30s, abort: {service: b, status: 503, probability: 0.5}}', retry);
    const e = r.entrypoints[0];
    const m = byKey(r);
    expect(e.failed).toBe(e.completed);
    // First try slow: the timeout's (the topology's, cutting c's time: the application's); first 503, retry slow:
    // the 503's, UT; both 503: URX.
    expect(m.get('timeout/UT/app/b') ?? 0).toBeGreaterThan(0.4 * e.failed);
    expect(m.get('injected-abort/UT/app/b') ?? 0).toBeGreaterThan(0.15 * e.failed);
    expect(m.get('injected-abort/URX/app/b') ?? 0).toBeGreaterThan(0.15 * e.failed);
    expect(m.size).toBe(3);
    invariants(r);
  });
});
