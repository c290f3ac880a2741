import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import { topo } from './helpers.js';

/**
 * a calls b's two pods at 100/s; b's policy is `policy`, and `fault` is a
 * timeline entry. Returns a's entry point and b's service results.
 */
const hop = (mesh: string, policy: string, fault: string, duration = '20s') => {
  const r = runTopology(topo(`
name: hop
simulation: {seed: 1, duration: ${duration}}
mesh: ${mesh}
services:
  a: {workers: 1000, serviceTime: 100us, calls: [b], resilience: {retries: none}}
  b:
    replicas: 2
    workers: 1000
    serviceTime: 100us
    resilience: ${policy}
entrypoints:
  web: {target: a, via: mesh, rate: 100/s, arrivals: constant}
timeline:
  - ${fault}
`));
  return { entry: r.entrypoints[0], b: r.services.find((s) => s.name === 'b')!, result: r };
};

const successRate = (e: { succeeded: number; completed: number }) => e.succeeded / e.completed;

describe("Envoy's retry_on conditions, as the caller's proxy meets them", () => {
  it('reset retries a connection failure (wouldRetryFromReset: any reset but an overflow): 2 retries at 50 % ⇒ 87.5 %', () => {
    const { entry, b } = hop('istio-sidecar',
      '{retries: {attempts: 3, retryOn: [reset], differentHost: false, backoff: {base: 1ms, max: 1ms}}}',
      '{at: 0s, connectFailure: {service: b, probability: 0.5}}', '100s');
    expect(successRate(entry)).toBeGreaterThan(0.86);
    expect(successRate(entry)).toBeLessThan(0.89);
    // 1 + 0.5 + 0.25 tries a call
    expect(b.retries / b.calls).toBeGreaterThan(0.72);
    expect(b.retries / b.calls).toBeLessThan(0.78);
  });

  it('reset retries a try cut by its per-try timeout (a local reset of the upstream stream)', () => {
    const { entry } = hop('istio-sidecar',
      '{retries: {attempts: 3, perTryTimeout: 50ms, retryOn: [reset], differentHost: false, backoff: {base: 1ms, max: 1ms}}}',
      '{at: 0s, delay: {service: b, delay: 1s, probability: 0.5}}', '100s');
    expect(successRate(entry)).toBeGreaterThan(0.86);
    expect(successRate(entry)).toBeLessThan(0.89);
  });

  it('retriable-status (503) matches a 503 answered, not a connection failure, which has no response headers', () => {
    const { entry, b } = hop('istio-sidecar',
      '{retries: {attempts: 3, retryOn: [retriable-status], differentHost: false, backoff: {base: 1ms, max: 1ms}}}',
      '{at: 0s, connectFailure: {service: b, probability: 0.5}}', '100s');
    expect(b.retries).toBe(0);
    expect(successRate(entry)).toBeGreaterThan(0.47);
    expect(successRate(entry)).toBeLessThan(0.53);
  });
});

describe("an application down behind its own live sidecar: the caller's proxy gets the sidecar's 503, not a connect failure", () => {
  const crashed = '{at: 0s, crash: {replica: b-0, readinessDelay: 1000s}}';

  it("Istio 1.24's default retries (connect-failure, refused-stream; no 503) do not retry it: half the calls fail", () => {
    const { entry, b, result } = hop('istio-sidecar', '{}', crashed);
    expect(b.retries).toBe(0);
    expect(successRate(entry)).toBeGreaterThan(0.45);
    expect(successRate(entry)).toBeLessThan(0.55);
    // Still attributed to the crashed replica, where it began.
    expect(entry.failures.map((f) => f.cause)).toEqual(['replica-down']);
    expect(result.mesh.profile).toBe('istio-sidecar');
  });

  it('a policy that retries the 503 (retriable-status, as Istio before 1.24) sends it to the other pod', () => {
    const { entry, b } = hop('istio-sidecar', '{retries: {retryOn: [retriable-status]}}', crashed);
    expect(b.retries).toBeGreaterThan(0);
    expect(entry.failed).toBe(0);
  });

  it('with no sidecar (the client library), the refused connection is a connect failure, and is retried', () => {
    const { entry, b } = hop('none', '{retries: {attempts: 3, retryOn: [connect-failure]}}', crashed);
    expect(b.retries).toBeGreaterThan(0);
    expect(entry.failed).toBe(0);
  });
});

describe('outlier detection counts consecutive 5xx as Envoy does', () => {
  /** a calls b's one pod at 10/s, b ejecting at the 8th consecutive 5xx (maxEjectionPercent 100, so one pod may go). */
  const ejections = (timeline: string[]) => {
    const r = runTopology(topo(`
name: od
simulation: {seed: 1, duration: 3s}
mesh: istio-sidecar
services:
  a: {workers: 100, serviceTime: 100us, calls: [b], resilience: {retries: none}}
  b:
    workers: 100
    serviceTime: 100us
    resilience: {retries: none, outlierDetection: {consecutive5xx: 8, baseEjectionTime: 30s, maxEjectionPercent: 100}}
entrypoints:
  web: {target: a, via: mesh, rate: 10/s, arrivals: constant}
timeline:
${timeline.map((e) => `  - ${e}`).join('\n')}
`));
    return r.timeline.markers.filter((m) => m.kind === 'ejection').length;
  };

  it('ten 503s in a row eject the pod', () => {
    expect(ejections(['{at: 0s, until: 1s, abort: {service: b, status: 503}}'])).toBe(1);
  });

  it('a 4xx answer between them breaks the run (putHttpResponseCode zeroes consecutive_5xx_ on any non-5xx): no ejection', () => {
    expect(ejections([
      // Requests every 0.1 s: five 503s, two 404s, then four 503s — nine 5xx in all, never eight in a row.
      '{at: 0s, until: 0.55s, abort: {service: b, status: 503}}',
      '{at: 0.55s, until: 0.75s, abort: {service: b, status: 404}}',
      '{at: 0.75s, until: 1.15s, abort: {service: b, status: 503}}',
    ])).toBe(0);
  });
});

describe("Envoy's panic threshold, as Istio sets it (healthy_panic_threshold = minHealthPercent)", () => {
  /** a calls b's four pods round robin at 100/s; three of them answer 503 from 1 s; ejection at the first 5xx, for 100 s. */
  const ejectThree = (od: string) => runTopology(topo(`
name: panic
simulation: {seed: 2, duration: 20s}
mesh: istio-sidecar
services:
  a: {workers: 1000, serviceTime: 100us, calls: [b], resilience: {retries: none}}
  b:
    replicas: 4
    workers: 1000
    serviceTime: 100us
    loadBalancer: round_robin
    resilience: {retries: none, outlierDetection: {consecutive5xx: 1, baseEjectionTime: 100s, maxEjectionPercent: 100${od}}}
entrypoints:
  web: {target: a, via: mesh, rate: 100/s, arrivals: constant}
timeline:
  - {at: 1s, abort: {replica: b-0}}
  - {at: 1s, abort: {replica: b-1}}
  - {at: 1s, abort: {replica: b-2}}
`)).entrypoints[0];

  it("Istio's default (0): no panic mode; with three of four ejected, every request goes to the healthy one", () => {
    const e = ejectThree('');
    // Only the three 503s that ejected them fail.
    expect(e.failed).toBe(3);
  });

  it('at Envoy\'s own default (50 %), one healthy host of four (25 %) puts the router in panic: it sends to all four again', () => {
    const e = ejectThree(', minHealthPercent: 50');
    // Three quarters of the requests after 1 s reach a failing pod.
    expect(e.failed / e.completed).toBeGreaterThan(0.6);
  });

  it('with every host ejected and panic mode off, a request fails at once: UH, the outlier detection of the mesh', () => {
    const r = runTopology(topo(`
name: all-out
simulation: {seed: 2, duration: 20s}
mesh: istio-sidecar
services:
  a: {workers: 1000, serviceTime: 100us, calls: [b], resilience: {retries: none}}
  b:
    replicas: 2
    workers: 1000
    serviceTime: 100us
    resilience: {retries: none, outlierDetection: {consecutive5xx: 1, baseEjectionTime: 100s, maxEjectionPercent: 100}}
entrypoints:
  web: {target: a, via: mesh, rate: 100/s, arrivals: constant}
timeline:
  - {at: 1s, until: 1.1s, abort: {service: b}}
`));
    const e = r.entrypoints[0];
    const by = Object.fromEntries(e.failures.map((f) => [f.cause, f]));
    expect(by['all-endpoints-ejected'].flag).toBe('UH');
    expect(by['all-endpoints-ejected'].mesh).toBe(true);
    // From ~1.02 s to the end, every request: ~1,900 of them.
    expect(by['all-endpoints-ejected'].count).toBeGreaterThan(1800);
  });
});
