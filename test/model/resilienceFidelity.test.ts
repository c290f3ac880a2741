import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import { topo } from './helpers.js';
import { loadTopologySource } from '../../sim/topology/load.js';

const ejections = (r: ReturnType<typeof runTopology>, subject: string) =>
  r.timeline.markers.filter((m) => m.kind === 'ejection' && m.subject === subject);

/** a (no retries) calls b's 2 pods at 100/s under istio-sidecar, b with outlier detection of base 10 s, ejecting at the first 5xx. */
const ejecting = (duration: string, od: string, timeline: string[]) => runTopology(topo(`
name: ej
simulation: {seed: 1, duration: ${duration}}
mesh: istio-sidecar
services:
  a: {workers: 100, serviceTime: 100us, calls: [b], resilience: {retries: none}}
  b:
    replicas: 2
    workers: 100
    serviceTime: 100us
    resilience: {retries: none, outlierDetection: {consecutive5xx: 1, baseEjectionTime: 10s, maxEjectionPercent: 50, ${od}}}
entrypoints:
  web: {target: a, via: mesh, rate: 100/s, arrivals: constant}
timeline:
${timeline.map((e) => `  - ${e}`).join('\n')}
`));

describe('retry conditions see what the caller sees', () => {
  it('a failure passed up from a deeper call comes back as a response: connect-failure does not retry it', () => {
    // c refuses every connection; b answers a with an error response. Only
    // b's proxy saw a connect failure: a's proxy saw b answer.
    const r = runTopology(topo(`
name: passed-up
simulation: {seed: 3, duration: 10s}
mesh: linkerd
services:
  a: {workers: 1000, serviceTime: 100us, calls: [b], resilience: {retries: none}}
  b: {workers: 1000, serviceTime: 100us, calls: [c]}
  c: {workers: 1000, serviceTime: 100us, replicas: 2}
entrypoints:
  web: {target: a, via: mesh, rate: 20/s, arrivals: constant}
timeline:
  - {at: 0s, connectFailure: {service: c, probability: 1}}
`));
    const svc = (n: string) => r.services.find((s) => s.name === n)!;
    expect(svc('c').retries).toBeGreaterThan(0); // b's proxy retries its connect failures …
    expect(svc('b').retries).toBe(0); // … a's proxy has nothing to retry
  });

  it('maxConcurrentRetries counts a retry from the decision through its back-off, and frees the slot after', () => {
    const leafFails = (rate: string, max: number) => runTopology(topo(`
name: mcr
simulation: {seed: 3, duration: 20s}
mesh: istio-sidecar
services:
  front: {workers: 1000, serviceTime: 100us, calls: [leaf], resilience: {retries: none}}
  leaf:
    replicas: 2
    workers: 1000
    serviceTime: 100us
    resilience: {retries: {attempts: 3, retryOn: [5xx], maxConcurrentRetries: ${max}}}
entrypoints:
  web: {target: front, via: mesh, rate: ${rate}, arrivals: constant}
timeline:
  - {at: 0s, abort: {service: leaf, status: 503}}
`));
    // 200/s, each call's two retries wait ~25–50 ms of back-off: ~7.5 retries outstanding against 3 slots.
    // Before, a slot was held only while its try ran (~0.2 ms): no call ever overflowed.
    const busy = leafFails('200/s', 3).entrypoints[0];
    const uo = busy.failures.filter((f) => f.flag === 'UO').reduce((n, f) => n + f.count, 0);
    expect(uo / busy.failed).toBeGreaterThan(0.5);
    // One call at a time, one slot: every call gets both retries, so no slot is ever left taken.
    const calm = leafFails('1/s', 1).entrypoints[0];
    expect(calm.failures.map((f) => f.flag)).toEqual(['URX']);
  });

  it('an ejection lasts at most maxEjectionTime, however often the host was ejected (Envoy\'s max_ejection_time)', () => {
    const r = ejecting('100s', 'maxEjectionTime: 20s', ['{at: 0s, abort: {replica: b-0, status: 503}}']);
    // 10 s, then 20 s each time (not 20, 30, 40 …), each ended at the first of a's sidecar's sweeps (every 10 s, Envoy's
    // interval) after it, and re-ejected by its first 503 back, 10 ms later.
    const at = ejections(r, 'b-0').map((m) => m.at);
    const served = [10, 20, 20];
    at.slice(1).forEach((t, k) => {
      expect(t - at[k]).toBeGreaterThanOrEqual(served[k]);
      expect(t - at[k]).toBeLessThan(served[k] + 10 + 0.02);
    });
    expect(at.map(Math.round)).toEqual([0, 20, 50, 80]);
  });

  it("a host's multiplier drops by one each sweep it is healthy: ejected again after a long healthy spell, it is out for the base again", () => {
    const run = (interval: string) => ejecting('200s', `interval: ${interval}`, [
      '{at: 0s, until: 1s, abort: {replica: b-0, status: 503}}',
      '{at: 100s, abort: {replica: b-0, status: 503}}',
    ]);
    const gaps = (r: ReturnType<typeof runTopology>) => {
      const at = ejections(r, 'b-0').map((m) => m.at);
      return at.slice(2).map((t, k) => t - at[k + 1]);
    };
    // Ejected at 0 s (×1); 99 s healthy decays it to 0, so at 100 s it is ×1 again (10 s, not 20 s), then ×2, ×3.
    const tenSeconds = gaps(run('10s'));
    expect(tenSeconds.length).toBeGreaterThanOrEqual(3);
    [10, 20, 30].forEach((served, k) => {
      expect(tenSeconds[k]).toBeGreaterThanOrEqual(served);
      expect(tenSeconds[k]).toBeLessThan(served + 10 + 0.02);
    });
    // A 1 s sweep ends each ejection within a second of its time.
    const oneSecond = gaps(run('1s'));
    [10, 20, 30].forEach((served, k) => {
      expect(oneSecond[k]).toBeGreaterThanOrEqual(served);
      expect(oneSecond[k]).toBeLessThan(served + 1 + 0.02);
    });
  });

  it("Istio 1.24's default retries leave an application's 503 alone; unavailable is gRPC's and retries nothing", () => {
    const src = (retryOn: string) => `
name: r503
simulation: {seed: 1, duration: 20s}
mesh: istio-sidecar
services:
  a: {workers: 100, serviceTime: 100us, calls: [b]}
  b: {replicas: 2, workers: 100, serviceTime: 100us${retryOn}}
entrypoints:
  web: {target: a, via: mesh, rate: 100/s}
timeline:
  - {at: 0s, abort: {service: b, status: 503, probability: 0.2}}
`;
    const b = (r: ReturnType<typeof runTopology>) => r.services.find((x) => x.name === 'b')!;
    // Before: 'unavailable' (and 'retriable-status') retried every 503 under the default policy.
    expect(b(runTopology(topo(src('')))).retries).toBe(0);
    expect(b(runTopology(topo(src(', resilience: {retries: {retryOn: [unavailable]}}')))).retries).toBe(0);
    expect(b(runTopology(topo(src(', resilience: {retries: {retryOn: [retriable-status]}}')))).retries).toBeGreaterThan(300);
  });

  it('no healthy upstream (UH) is a local reply, never retried, as in Envoy', () => {
    // b's one pod crashes and leaves the endpoints at once: a's proxy has nowhere to send.
    const r = runTopology(topo(`
name: uh
simulation: {seed: 3, duration: 10s}
mesh: {profile: istio-sidecar, controlPlane: {pushDelay: 1ms, pushDelayPerProxy: 0s}}
services:
  a: {workers: 1000, serviceTime: 100us, calls: [b], resilience: {retries: none}}
  b: {workers: 1000, serviceTime: 100us}
entrypoints:
  web: {target: a, via: mesh, rate: 20/s, arrivals: constant}
timeline:
  - {at: 2s, until: 8s, crash: {service: b, readinessDelay: 0s}}
`));
    const uh = r.entrypoints[0].failures.filter((f) => f.flag === 'UH').reduce((n, f) => n + f.count, 0);
    // A retry that found no endpoint to send to ends UH too, not URX (one did, at the crash).
    const local = r.entrypoints[0].failures.filter((f) => f.cause === 'no-endpoints' || f.cause === 'no-healthy-upstream');
    expect(local.map((f) => f.flag)).toEqual(local.map(() => 'UH'));
    expect(uh).toBeGreaterThan(100);
    // Before, Istio's default policy (retriable 503s, 2 retries) matched the UH's 503 and retried
    // every one twice (all ended URX, ~240 retries); only the few stale-endpoint tries at the crash are retried now.
    expect(r.services.find((s) => s.name === 'b')!.retries).toBeLessThan(10);
  });

  it('a circuit breaker overflow (UO) is never retried, as Envoy never retries an overflow', () => {
    const r = runTopology(topo(`
name: cb-overflow
simulation: {seed: 3, duration: 10s}
mesh: {profile: istio-sidecar, mtls: {enabled: false}}
services:
  front: {workers: 1000, serviceTime: 0s, calls: [leaf], resilience: {retries: none}}
  leaf: {replicas: 2, workers: 100, serviceTime: 10ms, resilience: {circuitBreaker: {maxRequests: 2}}}
entrypoints:
  web: {target: front, via: mesh, rate: 400/s}
`));
    const leaf = r.services.find((s) => s.name === 'leaf')!;
    expect(r.entrypoints[0].failed).toBeGreaterThan(0);
    expect(leaf.retries).toBe(0);
  });
});

describe('outlier detection as Envoy counts', () => {
  /** front (no retries) calls leaf's pods through istio-sidecar for 10 s; leaf's pods, policy and rate, and a timeline, vary. */
  const frontLeaf = (leaf: string, rate: string, event: string) => runTopology(topo(`
name: od
simulation: {seed: 3, duration: 10s}
mesh: {profile: istio-sidecar, resilience: {retries: none}}
services:
  front: {workers: 1000, serviceTime: 100us, calls: [leaf]}
  leaf: {workers: 1000, ${leaf}}
entrypoints:
  web: {target: front, via: mesh, rate: ${rate}}
timeline:
  - ${event}
`));

  it('a host that times out every try is ejected (Envoy reports a timeout to outlier detection as a 504)', () => {
    const r = frontLeaf(
      'replicas: 2, serviceTime: 1ms, resilience: {timeout: 100ms, outlierDetection: {consecutive5xx: 5, baseEjectionTime: 30s, maxEjectionPercent: 50}}',
      '100/s', '{at: 2s, delay: {replica: leaf-1, delay: 1s}}');
    expect(ejections(r, 'leaf-1')).toHaveLength(1);
    expect(r.entrypoints[0].failed).toBeLessThan(20);
  });

  it('a host already ejected is not ejected again by the failures of tries sent before', () => {
    // ~20 requests in flight at leaf-1 are reset at once by its crash: one ejection, for baseEjectionTime.
    const r = frontLeaf(
      'replicas: 3, serviceTime: 200ms, resilience: {outlierDetection: {consecutive5xx: 5, baseEjectionTime: 10s, maxEjectionPercent: 100}}',
      '300/s', '{at: 2s, until: 3s, crash: {replica: leaf-1, readinessDelay: 30s}}');
    expect(r.entrypoints[0].failed).toBeGreaterThan(10);
    expect(ejections(r, 'leaf-1')).toHaveLength(1);
  });

  it('ejects nothing when even one host is over maxEjectionPercent (Envoy >= 1.31 without always_eject_one_host)', () => {
    const r = frontLeaf('replicas: 3, serviceTime: 1ms, resilience: {outlierDetection: {consecutive5xx: 5}}', '100/s', '{at: 2s, abort: {replica: leaf-1, status: 503}}');
    // 1 of 3 hosts is 33 % > the default 10 %.
    expect(ejections(r, 'leaf-1')).toHaveLength(0);
  });
});

describe("Linkerd's failure accrual (linkerd2-proxy's consecutive-failures breaker), not Envoy's ejection", () => {
  /** The client's own proxy calls back's pods round robin at 100/s; back-0 answers 503 to everything from 10 s to 50 s. */
  const accrual = (mesh: string, replicas: number, od = '{}') => runTopology(topo(`
name: accrual
simulation: {seed: 5, duration: 90s, warmup: 1s}
mesh: {profile: ${mesh}, resilience: {retries: none}}
services:
  back: {replicas: ${replicas}, workers: 8, serviceTime: 2ms, loadBalancer: round_robin, resilience: {retries: none, outlierDetection: ${od}}}
entrypoints:
  web: {target: back, rate: 100/s, via: mesh}
timeline:
  - {at: 10s, until: 50s, abort: {replica: back-0, probability: 1}}
`));

  it('shuts the host after 7 failures for 1 s, then lets one probe through, doubling the shut spell while probes fail', () => {
    const r = accrual('linkerd', 2);
    const at = ejections(r, 'back-0').map((m) => m.at);
    // Shut at the 7th failure; each failed probe shuts it for 2, 4, 8, 16 s; the probe at ~73 s (after 32 s) finds it healthy.
    const spells = at.slice(1).map((t, k) => Math.round(t - at[k]));
    expect(spells).toEqual([1, 2, 4, 8, 16]);
    expect(at[0]).toBeGreaterThan(10);
    expect(at[0]).toBeLessThan(10.2);
    // 7 failures to shut it, then one a probe: 12. Before: Envoy's semantics, a different count (below).
    const e = r.entrypoints[0];
    expect(e.failuresByReplica).toEqual([{ service: 'back', replica: 'back-0', count: 12 }]);
    expect(e.failed).toBe(12);
    // Under istio-sidecar the same policy keys eject by Envoy's rules (a 30 s base, back at the sweep, panic mode beyond 10 %).
    const envoy = accrual('istio-sidecar', 2, '{consecutive5xx: 7, baseEjectionTime: 1s, maxEjectionTime: 60s, maxEjectionPercent: 50}');
    expect(envoy.entrypoints[0].failed).not.toBe(12);
  });

  it('with every endpoint shut, fails the request at once (no panic mode): mesh-caused, a policy of the mesh', () => {
    const r = accrual('linkerd', 1);
    const e = r.entrypoints[0];
    const by = Object.fromEntries(e.failures.map((f) => [f.cause, f]));
    expect(by['injected-abort'].count).toBe(12);
    expect(by['all-endpoints-shut'].mesh).toBe(true);
    // Every request of the shut spells, about 1 + 2 + 4 + 8 + 16 + 32 s at 100/s.
    expect(by['all-endpoints-shut'].count).toBeGreaterThan(6000);
    expect(by['all-endpoints-shut'].count).toBeLessThan(6400);
    expect(e.meshCaused).toBe(by['all-endpoints-shut'].count);
    // Envoy's panic mode (at its own threshold, 50 %) sends to the one host however it is ejected: no request fails but for the host's own 503s.
    const envoy = accrual('istio-sidecar', 1, '{consecutive5xx: 7, baseEjectionTime: 1s, maxEjectionPercent: 100, minHealthPercent: 50}');
    expect(envoy.entrypoints[0].failures.map((f) => f.cause)).toEqual(['injected-abort']);
    // Istio's default minHealthPercent, 0, turns panic mode off: the ejected host gets nothing, and the router answers UH.
    const istio = accrual('istio-sidecar', 1, '{consecutive5xx: 7, baseEjectionTime: 1s, maxEjectionPercent: 100}');
    expect(istio.entrypoints[0].failures.map((f) => [f.cause, f.flag]).sort()).toEqual([['all-endpoints-ejected', 'UH'], ['injected-abort', 'FI']]);
  });

  it("warns that Envoy's maxEjectionPercent and interval do nothing under failure accrual, under that profile only", () => {
    const src = 'name: w\nservices: {b: {replicas: 2, serviceTime: 1ms, resilience: {outlierDetection: {maxEjectionPercent: 50, interval: 5s}}}}\nentrypoints: {web: {target: b, rate: 10/s}}\n';
    const under = (mesh: string) => loadTopologySource(src, 'w.yaml', { mesh }).diagnostics.filter((d) => d.code === 'no-effect').map((d) => d.message);
    expect(under('linkerd')).toEqual([
      'maxEjectionPercent of "b" does nothing under "linkerd": its proxy\'s failure accrual shuts any share of the hosts, each for its own back-off, with no sweep',
      'interval of "b" does nothing under "linkerd": its proxy\'s failure accrual shuts any share of the hosts, each for its own back-off, with no sweep',
    ]);
    expect(under('istio-sidecar')).toEqual([]);
  });
});

describe("Linkerd's failure accrual: a probe answered with a 4xx", () => {
  /** back-0 answers 503 from 2 s, then 404 from 3 s to 5 s (the probe after the first 1 s spell gets a 404), healthy, then 503 again from 10 s. */
  const run = (replicas: number) => runTopology(topo(`
name: probe4xx
simulation: {seed: 3, duration: 20s}
mesh: {profile: linkerd, resilience: {retries: none}}
services:
  back: {replicas: ${replicas}, workers: 8, serviceTime: 1ms, resilience: {outlierDetection: {consecutive5xx: 7}}}
entrypoints:
  web: {target: back, rate: 200/s, via: mesh}
timeline:
  - {at: 2s, until: 4s, abort: {replica: back-0, status: 503}}
  - {at: 3s, until: 5s, abort: {replica: back-0, status: 404}}
  - {at: 10s, until: 20s, abort: {replica: back-0, status: 503}}
`));

  it('opens the endpoint again (linkerd2-proxy classifies only 5xx as failures), so the router sends to it later', () => {
    const r = run(2);
    const at = ejections(r, 'back-0').map((m) => m.at);
    // Shut at ~2 s; the 404 probe opens it; the 503s from 10 s shut it again.
    expect(at.some((t) => t >= 10 && t < 10.5)).toBe(true);
    const late = r.timeline.points.filter((p) => p.t >= 10).reduce((s, p) => s + p.failed, 0);
    expect(late).toBeGreaterThanOrEqual(7);
  });

  it('with one endpoint, does not fail every later request as all-endpoints-shut', () => {
    const r = run(1);
    // The host answers from 5 s to 10 s. Before: the 404 left the breaker probing for good, and every request from ~3 s on failed at once.
    const healthy = r.timeline.points.filter((p) => p.t >= 5 && p.t < 10);
    expect(healthy.reduce((s, p) => s + p.failed, 0)).toBe(0);
    expect(healthy.reduce((s, p) => s + p.completed, 0)).toBeGreaterThan(900);
  });

  it('a topology that sets outlierDetectionStyle is told it is a profile file\'s, not to write outlierDetection', () => {
    const src = 'name: s\nservices: {b: {serviceTime: 1ms, resilience: {outlierDetectionStyle: linkerd}}}\nentrypoints: {web: {target: b, rate: 10/s}}\n';
    const d = loadTopologySource(src, 's.yaml').diagnostics;
    expect(d.map((x) => [x.code, x.location?.line])).toEqual([['unknown-key', 2]]);
    // Before: "did you mean outlierDetection?", a different key.
    expect(d[0].hint).toMatch(/^outlierDetectionStyle belongs to a mesh profile file's resilience block/);
  });
});

describe("Linkerd's failure accrual with most endpoints shut", () => {
  /** back's pods 0-8 answer 503 to everything from 5 s; back-9 stays healthy. */
  const run = (lb: string) => runTopology(topo(`
name: mostshut
simulation: {seed: 5, duration: 60s, warmup: 1s}
mesh: {profile: linkerd, resilience: {retries: none}}
services:
  back: {replicas: 10, workers: 8, serviceTime: 2ms, loadBalancer: ${lb}, resilience: {retries: none, outlierDetection: {}}}
entrypoints:
  web: {target: back, rate: 200/s, via: mesh}
timeline:
${[0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => `  - {at: 5s, abort: {replica: back-${i}, probability: 1}}`).join('\n')}
`));

  for (const lb of ['random', 'least_request', 'round_robin']) {
    it(`${lb}: sends to the one endpoint still open, never failing a request as all-endpoints-shut`, () => {
      const causes = run(lb).entrypoints[0].failures.map((f) => f.cause);
      // Before: random draws that missed back-9 failed 149 requests as all-endpoints-shut (least_request 1).
      expect(causes).toEqual(['injected-abort']);
    });
  }

  it('a call whose last try found every endpoint shut keeps UH, a local reply, however many tries it made (not URX)', () => {
    const r = runTopology(topo(`
name: shut-retry
simulation: {seed: 5, duration: 20s, warmup: 1s}
mesh: {profile: linkerd, resilience: {retries: {attempts: 3, retryOn: [5xx], budget: none}}}
services:
  back: {replicas: 1, workers: 8, serviceTime: 2ms, resilience: {outlierDetection: {}}}
entrypoints:
  web: {target: back, rate: 100/s, via: mesh}
timeline:
  - {at: 5s, until: 8s, abort: {replica: back-0, probability: 1}}
`));
    const shut = r.entrypoints[0].failures.filter((f) => f.cause === 'all-endpoints-shut');
    expect(shut.length).toBeGreaterThan(0);
    // Before: the calls that had retried before finding every endpoint shut read URX.
    expect(shut.map((f) => f.flag)).toEqual(['UH']);
  });
});
