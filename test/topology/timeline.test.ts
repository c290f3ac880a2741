/**
 * The timeline and the resilience overrides of a topology: a file with every
 * event and every kind of override normalizes to exactly the expected
 * topology; smaller sources pin down ordering, defaults and the checks that
 * depend on time (a replica that exists only after a scale) or on the
 * profile (events it gives nothing to act on).
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';
import { loadTopologyFile, loadTopologySource, topologyOrThrow } from '../../sim/topology/load.js';
import { parseReplica } from '../../sim/topology/timeline.js';
import type { ResiliencePolicy, Service, Topology } from '../../sim/topology/types.js';
import { ISTIO_RESILIENCE, ISTIO_SIDECAR } from '../mesh/expected.js';
import { expectedService } from './serviceDefaults.js';

/** A Deployment's default maxSurge and maxUnavailable. */
const QUARTER = { value: 25, percent: true };
const retries = ISTIO_RESILIENCE.retries!;

/** timeline.yaml's `mesh: {resilience: …}`: a budget and outlier detection over Istio's none, completed from the defaults. */
const MESH: ResiliencePolicy = {
  ...ISTIO_RESILIENCE,
  retries: { ...retries, budget: { ratio: 0.1, minPerSecond: 10, window: 10 } },
  outlierDetection: { consecutive5xx: 3, baseEjectionTime: 30, maxEjectionPercent: 10, maxEjectionTime: 300, interval: 10, minHealthPercent: 0 },
};

function service(name: string, resilience: ResiliencePolicy, overrides: Partial<Service> = {}): Service {
  return expectedService(name, { nodes: ['zone-a-node', 'zone-b-node'], resilience, serviceTime: { kind: 'constant', value: 0.001 }, ...overrides });
}

const call = (name: string) => ({ kind: 'call' as const, service: name, probability: 1, requestSize: 0 });

const expected: Topology = {
  name: 'faults',
  description: '',
  zones: ['zone-a', 'zone-b'],
  nodes: [
    { name: 'zone-a-node', zone: 'zone-a', cores: 8, cpu: 'dedicated' },
    { name: 'zone-b-node', zone: 'zone-b', cores: 8, cpu: 'dedicated' },
  ],
  mesh: {
    ...ISTIO_SIDECAR, controlPlane: { ...ISTIO_SIDECAR.controlPlane, debounce: 0, renewAt: 0.5 }, resilience: MESH,
    tuned: ['controlPlane.debounce', 'controlPlane.renewAt', 'resilience.outlierDetection', 'resilience.retries'],
    // The overrides set a budget and outlier detection, no timeout.
    topologyTimeouts: { timeout: false, perTryTimeout: false, connectTimeout: false },
  },
  costs: { vcpuHour: 0.0416, gbHour: 0.0056, projectPods: 1000 },
  // Sorted by time; ties in file order.
  timeline: [
    { kind: 'abort', at: 10, until: 20, target: { service: 'ratings' }, status: 503, probability: 0.5 },
    { kind: 'delay', at: 10, until: 20, target: { replica: { service: 'reviews', ordinal: 1 } }, delay: { kind: 'constant', value: 0.1 }, probability: 0.1 },
    { kind: 'rollout', at: 30, service: 'reviews', startup: 5, minReadySeconds: 0, preStop: 0, maxSurge: QUARTER, maxUnavailable: QUARTER },
    { kind: 'crash', at: 40, until: 45, target: { replica: { service: 'reviews', ordinal: 0 } }, readinessDelay: 10 },
    { kind: 'proxy-crash', at: 40, until: 41, target: { service: 'details' }, readinessDelay: 10 },
    { kind: 'cpu-slowdown', at: 40, until: 50, target: { service: 'details' }, factor: 2 },
    { kind: 'partition', at: 40, until: 50, zones: ['zone-a', 'zone-b'], services: null },
    { kind: 'connect-failure', at: 40, until: 50, target: { service: 'details' }, probability: 0.1 },
    { kind: 'control-plane-outage', at: 40, until: 90 },
    { kind: 'certificate-expiry', at: 40, until: 100, target: null, root: true },
    { kind: 'scale', at: 60, service: 'reviews', replicas: 5, startup: 5, preStop: 0 },
    { kind: 'policy-change', at: 70 },
    { kind: 'crash', at: 75, until: Infinity, target: { replica: { service: 'reviews', ordinal: 4 } }, readinessDelay: 10 },
    { kind: 'partition', at: 80, until: Infinity, zones: null, services: ['reviews', 'ratings'] },
    { kind: 'abort', at: 90, until: Infinity, target: { replica: { service: 'ratings', ordinal: 0 } }, status: 503, probability: 1 },
    { kind: 'rollout', at: 95, service: 'ratings', startup: 5, minReadySeconds: 0, preStop: 0, maxSurge: QUARTER, maxUnavailable: QUARTER },
    { kind: 'delay', at: 95, until: Infinity, target: { service: 'ratings' }, delay: { kind: 'exponential', mean: 0.05 }, probability: 1 },
    { kind: 'certificate-expiry', at: 100, until: Infinity, target: { service: 'details' }, root: false },
    { kind: 'control-plane-outage', at: 100, until: Infinity },
  ],
  network: { sameZone: { kind: 'constant', value: 0 }, crossZone: { kind: 'constant', value: 0 }, bandwidth: Infinity },
  services: [
    service('productpage', { ...MESH, timeout: 10, retries: null }, {
      calls: [call('details'), call('reviews')], topologyTimeouts: { timeout: true, perTryTimeout: false, connectTimeout: false },
    }),
    // A circuit breaker over Istio's none: no limit but the one given.
    service('details', { ...MESH, circuitBreaker: { maxConnections: Infinity, maxPending: 10, maxRequests: Infinity }, outlierDetection: null }),
    service(
      'reviews',
      {
        ...MESH,
        placement: 'client',
        timeout: 2,
        retries: { ...MESH.retries!, attempts: 3, perTryTimeout: 0.3, retryOn: ['5xx', 'connect-failure', 'reset', 'timeout'] },
        outlierDetection: { consecutive5xx: 5, baseEjectionTime: 30, maxEjectionPercent: 50, maxEjectionTime: 300, interval: 10, minHealthPercent: 0 },
      },
      { replicas: 3, serviceTime: { kind: 'constant', value: 0.002 }, calls: [call('ratings')], topologyTimeouts: { timeout: true, perTryTimeout: true, connectTimeout: false } },
    ),
    service('ratings', {
      ...MESH,
      connectTimeout: 0.25,
      retries: { ...MESH.retries!, backoffMax: 1, differentHost: false, budget: null, maxConcurrentRetries: 10 },
    }, { topologyTimeouts: { timeout: false, perTryTimeout: false, connectTimeout: true } }),
  ],
  entrypoints: [
    {
      name: 'web',
      target: 'productpage',
      arrivals: { kind: 'poisson', schedule: [{ at: 0, rate: 100 }] },
      zone: 'zone-a',
      node: 'zone-a-node',
      via: 'gateway',
      requestSize: 0,
    },
  ],
  simulation: { seed: 1, duration: 120, requests: undefined, warmup: 0 },
};

const body = `services:
  api: {serviceTime: 1ms, replicas: 2, calls: [db]}
  db: {serviceTime: 1ms}
entrypoints:
  web: {target: api, rate: 10/s}
`;
const load = (extra: string, file = 't.yaml') => loadTopologySource(`name: t\n${body}${extra}`, file);
const report = (extra: string) => formatDiagnostics(load(extra).diagnostics);

describe('timeline and resilience overrides', () => {
  it('normalize every event and every kind of override exactly', () => {
    const result = loadTopologyFile('test/fixtures/good/timeline.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.topology).toEqual(expected);
  });

  it('give services the mesh policy, as separate objects', () => {
    const t = topologyOrThrow(load('mesh: istio-sidecar\n'));
    expect(t.services.map((s) => s.resilience)).toEqual([ISTIO_RESILIENCE, ISTIO_RESILIENCE]);
    expect(t.services[0].resilience).not.toBe(t.mesh.resilience);
    expect(t.services[0].resilience.retries!.retryOn).not.toBe(t.services[1].resilience.retries!.retryOn);
  });

  it('apply a service\'s policy over a substituted profile too', () => {
    const src = 'services:\n  api:\n    serviceTime: 1ms\n    resilience: {retries: {attempts: 2}}\n';
    const t = topologyOrThrow(loadTopologySource(`name: t\nmesh: istio-sidecar\n${src}entrypoints:\n  web: {target: api, rate: 1/s}\n`, 't.yaml', { mesh: 'none' }));
    // none has no retries: the block is completed from Istio's defaults.
    expect(t.services[0].resilience).toEqual({ ...t.mesh.resilience, retries: { ...ISTIO_RESILIENCE.retries!, attempts: 2 } });
    expect(t.mesh.name).toBe('none');
  });

  it('is empty without a timeline', () => {
    expect(topologyOrThrow(load('')).timeline).toEqual([]);
  });

  it('keeps the file order of events at the same time', () => {
    const t = topologyOrThrow(load('timeline:\n  - {at: 5s, policyChange: {}}\n  - {at: 1s, controlPlaneOutage: {}}\n  - {at: 5s, rollout: {service: db}}\n  - {at: 1s, crash: {service: db}}\n'));
    expect(t.timeline.map((e) => `${e.kind}@${e.at}`)).toEqual(['control-plane-outage@1', 'crash@1', 'policy-change@5', 'rollout@5']);
  });

  it('checks replica ordinals against the replicas at that time, scales included', () => {
    const timeline = `timeline:
  - {at: 10s, scale: {service: api, replicas: 4}}
  - {at: 10s, crash: {replica: api-3}}
  - {at: 5s, crash: {replica: api-3}}
  - {at: 20s, scale: {service: api, replicas: 1}}
  - {at: 30s, crash: {replica: api-1}}
`;
    expect(report(timeline)).toMatchInlineSnapshot(`
      "t.yaml:10:31: error[unknown-replica]: timeline[2].crash.replica: replica "api-3" does not exist: api has 2 replicas (api-0 to api-1)
         10 |   - {at: 5s, crash: {replica: api-3}}
            |                               ^
        hint: replicas are numbered from 0 to replicas − 1; pick one of them, or give api more replicas (or scale it up earlier on the timeline)

      t.yaml:12:32: error[unknown-replica]: timeline[4].crash.replica: replica "api-1" does not exist: api has 1 replica, after the scale at 20s (api-0)
         12 |   - {at: 30s, crash: {replica: api-1}}
            |                                ^
        hint: replicas are numbered from 0 to replicas − 1; pick one of them, or give api more replicas (or scale it up earlier on the timeline)

      2 errors, 0 warnings"
    `);
  });

  it('tells a service name from a replica name', () => {
    expect(parseReplica('reviews-12')).toEqual({ service: 'reviews', ordinal: 12 });
    expect(parseReplica('my-svc-0')).toEqual({ service: 'my-svc', ordinal: 0 });
    expect(parseReplica('reviews')).toBeUndefined();
    // No pod is named with a leading zero: api-01 is not api-1.
    expect(parseReplica('api-01')).toBeUndefined();
    expect(parseReplica('api-10')).toEqual({ service: 'api', ordinal: 10 });
    expect(report('timeline:\n  - {at: 1s, crash: {replica: api}}\n  - {at: 1s, crash: {replica: apj-0}}\n')).toMatchInlineSnapshot(`
      "t.yaml:8:31: error[bad-replica]: timeline[0].crash.replica: "api" is not a replica name
          8 |   - {at: 1s, crash: {replica: api}}
            |                               ^
        hint: for every replica of api write service: api; for one of them, replica: api-0

      t.yaml:9:31: error[unknown-service]: timeline[1].crash.replica: unknown service "apj" in replica "apj-0"
          9 |   - {at: 1s, crash: {replica: apj-0}}
            |                               ^
        hint: did you mean "api"? known services: api, db

      2 errors, 0 warnings"
    `);
  });

  it('takes an event key with no value as {}', () => {
    const t = topologyOrThrow(load('timeline:\n  - at: 1s\n    policyChange:\n'));
    expect(t.timeline).toEqual([{ kind: 'policy-change', at: 1 }]);
  });

  it("reads a rollout's maxSurge and maxUnavailable as pods or percentages, and refuses the rest where written", () => {
    const t = topologyOrThrow(load('timeline:\n  - {at: 1s, rollout: {service: api, maxSurge: 2, maxUnavailable: "10%"}}\n'));
    expect(t.timeline[0]).toMatchObject({ maxSurge: { value: 2, percent: false }, maxUnavailable: { value: 10, percent: true } });
    expect(report('timeline:\n  - {at: 1s, rollout: {service: api, maxSurge: 1.5}}\n  - {at: 2s, rollout: {service: api, maxUnavailable: 150%}}\n'))
      .toMatchInlineSnapshot(`
        "t.yaml:8:48: error[out-of-range]: timeline[0].rollout.maxSurge: maxSurge 1.5 is neither a whole number of pods nor a whole percentage
            8 |   - {at: 1s, rollout: {service: api, maxSurge: 1.5}}
              |                                                ^
          hint: a whole number of pods (1) or a whole percentage of the replicas (25%, rounded up), as a Deployment takes it

        t.yaml:9:54: error[out-of-range]: timeline[1].rollout.maxUnavailable: maxUnavailable 150% is more than all the replicas
            9 |   - {at: 2s, rollout: {service: api, maxUnavailable: 150%}}
              |                                                      ^
          hint: a whole number of pods (0) or a whole percentage of the replicas from 0% to 100% (25%, rounded down), as a Deployment takes it

        2 errors, 0 warnings"
      `);
    expect(report('timeline:\n  - {at: 1s, rollout: {service: api, maxSurge: 0, maxUnavailable: "0%"}}\n')).toMatchInlineSnapshot(`
      "t.yaml:8:67: error[out-of-range]: timeline[0].rollout.maxUnavailable: maxSurge and maxUnavailable are both 0: the rollout could neither add a pod nor take one away
          8 |   - {at: 1s, rollout: {service: api, maxSurge: 0, maxUnavailable: "0%"}}
            |                                                                   ^
        hint: Kubernetes refuses this too; maxSurge: 1 with maxUnavailable: 0 replaces one pod at a time and never runs below the replicas

      1 error, 0 warnings"
    `);
  });

  it('warns about an event after the end of the run, and still loads', () => {
    const result = load('simulation: {duration: 30s}\ntimeline:\n  - {at: 45s, until: 50s, crash: {service: db}}\n');
    expect(result.topology?.timeline).toHaveLength(1);
    expect(formatDiagnostics(result.diagnostics)).toMatchInlineSnapshot(`
      "t.yaml:9:10: warning[after-run]: timeline[0].at: crash at 45s comes after the end of the run (30s)
          9 |   - {at: 45s, until: 50s, crash: {service: db}}
            |          ^
        hint: it will not happen; make the run longer (simulation.duration, or --duration), or move the event earlier

      0 errors, 1 warning"
    `);
  });

  it('judges "after the run" by the run length the command gives, which replaces the file\'s', () => {
    const src = `name: t\n${body}simulation: {duration: 10s, requests: 500}\ntimeline:\n  - {at: 20s, until: 25s, crash: {service: db}}\n`;
    const codes = (limits: { duration?: number; requests?: number }) =>
      loadTopologySource(src, 't.yaml', { limits }).diagnostics.map((d) => `${d.code} ${d.message}`);
    // The file's requests: 500 rules (its duration warns as unused); the run's end is not known.
    expect(codes({})).toEqual(['no-effect duration 10s has no effect: requests: 500 ends the run, however long it takes']);
    // --duration 30s replaces both: the crash at 20s happens, and nothing is unused.
    expect(codes({ duration: 30 })).toEqual([]);
    // --duration 15s: the crash comes after it.
    expect(codes({ duration: 15 })).toEqual(['after-run crash at 20s comes after the end of the run (15s, given)']);
    // --requests: the end is not known either way.
    expect(codes({ requests: 100 })).toEqual([]);
    // A warm-up too long for the file's duration is the command's to judge when it gives either.
    const long = `name: t\n${body}simulation: {duration: 10s, warmup: 20s}\n`;
    expect(loadTopologySource(long, 't.yaml').diagnostics.map((d) => d.code)).toEqual(['out-of-range']);
    expect(loadTopologySource(long, 't.yaml', { limits: { duration: 30 } }).diagnostics).toEqual([]);
    expect(loadTopologySource(long, 't.yaml', { limits: { warmup: 1 } }).diagnostics).toEqual([]);
  });

  it('warns about events the profile gives nothing to act on, under that profile only', () => {
    const timeline = 'timeline:\n  - {at: 1s, until: 2s, proxyCrash: {service: db}}\n  - {at: 1s, certificateExpiry: {root: true}}\n';
    expect(report(timeline)).toMatchInlineSnapshot(`
      "t.yaml:8:25: warning[no-effect]: timeline[0].proxyCrash: proxyCrash at 1s has no effect under profile "none": it has no proxies
          8 |   - {at: 1s, until: 2s, proxyCrash: {service: db}}
            |                         ^
        hint: the event is kept for the profiles where it applies (compare runs the same timeline under each)

      t.yaml:9:14: warning[no-effect]: timeline[1].certificateExpiry: certificateExpiry at 1s has no effect under profile "none": mTLS is off
          9 |   - {at: 1s, certificateExpiry: {root: true}}
            |              ^
        hint: the event is kept for the profiles where it applies (compare runs the same timeline under each)

      0 errors, 2 warnings"
    `);
    expect(load(`mesh: istio-sidecar\n${timeline}`).diagnostics).toEqual([]);
  });

  it('checks back-off bounds split between a service and its profile', () => {
    const src = 'mesh: istio-sidecar\nservices:\n  api:\n    serviceTime: 1ms\n    resilience: {retries: {backoff: {max: 10ms}}}\nentrypoints:\n  web: {target: api, rate: 1/s}\n';
    expect(formatDiagnostics(loadTopologySource(`name: t\n${src}`, 't.yaml').diagnostics)).toMatchInlineSnapshot(`
      "t.yaml:6:43: error[out-of-range]: services.api.resilience.retries.backoff.max: backoff max (10ms) is less than base (25ms from profile "istio-sidecar", not set here)
          6 |     resilience: {retries: {backoff: {max: 10ms}}}
            |                                           ^
        hint: the back-off bound starts at base and doubles per retry up to max, so max must be at least base (Envoy: 25ms and 250ms)

      1 error, 0 warnings"
    `);
  });
});
