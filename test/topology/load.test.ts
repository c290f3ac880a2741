import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DiagnosticError } from '../../sim/diagnostics/types.js';
import { loadTopologyFile, loadTopologySource, topologyOrThrow } from '../../sim/topology/load.js';
import { listMeshProfiles, loadMeshProfile } from '../../sim/mesh/loadProfile.js';
import type { Topology } from '../../sim/topology/types.js';
import { ISTIO_RESILIENCE, ISTIO_SIDECAR, lognormal } from '../mesh/expected.js';
import { expectedService } from './serviceDefaults.js';

/** The `none` profile every topology without a `mesh:` key runs under. */
const NONE = loadMeshProfile('none', '.').profile!;

/** full.yaml's `mesh: {resilience: …}` over Istio's defaults: what its services get unless they say otherwise. */
const FULL_RESILIENCE = { ...ISTIO_RESILIENCE, timeout: 5, retries: { ...ISTIO_RESILIENCE.retries!, perTryTimeout: 1 } };
/** Both of them written by full.yaml's `mesh:` overrides: the topology's, for every service. */
const FULL_TIMEOUTS = { timeout: true, perTryTimeout: true, connectTimeout: false };

const full: Topology = {
  name: 'fullshop',
  description: 'Every key of the format',
  zones: ['zone-a', 'zone-b'],
  nodes: [
    { name: 'node-a1', zone: 'zone-a', cores: 16, cpu: 'shared' },
    { name: 'node-b1', zone: 'zone-b', cores: 4, cpu: 'dedicated' },
    { name: 'node-a2', zone: 'zone-a', cores: 8, cpu: 'dedicated' },
  ],
  // istio-sidecar with the file's overrides merged in, field by field.
  mesh: {
    ...ISTIO_SIDECAR,
    sidecar: {
      ...(ISTIO_SIDECAR.sidecar as NonNullable<typeof ISTIO_SIDECAR.sidecar>),
      workers: 4,
      requestCost: { kind: 'constant', value: 0.00008 },
      memory: { base: 50e6, perConnection: 40e3, perEndpoint: 12e3 },
    },
    gateway: { ...(ISTIO_SIDECAR.gateway as NonNullable<typeof ISTIO_SIDECAR.gateway>), replicas: 3 },
    mtls: { ...ISTIO_SIDECAR.mtls, enabled: false, idleTimeout: 600 },
    controlPlane: { ...ISTIO_SIDECAR.controlPlane, pushDelay: { kind: 'constant', value: 1 } },
    resilience: FULL_RESILIENCE,
    // What the overrides changed, for the results and reports to say.
    tuned: ['controlPlane.pushDelay', 'gateway.replicas', 'mtls.enabled', 'mtls.idleTimeout', 'resilience.retries', 'resilience.timeout', 'sidecar.memory', 'sidecar.requestCost', 'sidecar.workers'],
    topologyTimeouts: FULL_TIMEOUTS,
  },
  costs: { vcpuHour: 0.05, gbHour: 0.006, projectPods: 500 },
  timeline: [{ kind: 'crash', at: 30, until: 40, target: { replica: { service: 'ratings', ordinal: 0 } }, readinessDelay: 10 }],
  network: {
    sameNode: { kind: 'constant', value: 0.00001 },
    sameZone: { kind: 'constant', value: 0.00005 },
    crossZone: lognormal(0.0005, 0.002),
    bandwidth: 1.25e9,
  },
  services: [
    {
      name: 'frontend',
      nodes: ['node-a2'],
      ioTime: { kind: 'exponential', mean: 0.005 },
      l7: true,
      ingressUseWaypoint: false,
      // The service's own over the mesh's: placement and attempts changed, the rest as the mesh has it.
      resilience: { ...FULL_RESILIENCE, placement: 'client', retries: { ...FULL_RESILIENCE.retries, attempts: 2 } },
      topologyTimeouts: FULL_TIMEOUTS,
      replicas: 2,
      workers: 4,
      queue: 100,
      serviceTime: { kind: 'constant', value: 0.002 },
      holdWorkerDuringCalls: true,
      loadBalancer: 'least_request',
      zones: ['zone-a'],
      responseSize: 1000,
      calls: [
        { kind: 'call', service: 'catalog', probability: 1, requestSize: 0 },
        { kind: 'call', service: 'reviews', probability: 0.8, requestSize: 512 },
        {
          kind: 'parallel',
          probability: 0.5,
          steps: [
            { kind: 'call', service: 'ratings', probability: 1, requestSize: 0 },
            {
              kind: 'sequence',
              probability: 1,
              steps: [
                { kind: 'call', service: 'catalog', probability: 1, requestSize: 0 },
                { kind: 'call', service: 'reviews', probability: 1, requestSize: 0 },
              ],
            },
          ],
        },
      ],
    },
    service('catalog', { queue: Infinity, serviceTime: { kind: 'exponential', mean: 0.001 } }),
    service('reviews', {
      queue: 0,
      serviceTime: { kind: 'normal', mean: 0.01, stddev: 0.002 },
      calls: [{ kind: 'sequence', probability: 1, steps: [{ kind: 'call', service: 'ratings', probability: 1, requestSize: 0 }] }],
    }),
    service('ratings', {
      nodes: ['node-b1', 'node-a1', 'node-a2'],
      zones: ['zone-b', 'zone-a'],
      loadBalancer: 'random',
      serviceTime: { kind: 'uniform', min: 0.001, max: 0.003 },
    }),
    service('search', { serviceTime: { kind: 'empirical', samples: [0.001, 0.002, 0.005] } }),
    service('legacy', {
      serviceTime: { kind: 'percentiles', points: [[0, 0.001], [0.5, 0.002], [0.999, 0.01], [1, 0.02]] },
    }),
    service('fixed', { serviceTime: { kind: 'constant', value: 0.00025 } }),
    service('tuned', { serviceTime: { kind: 'lognormal', mu: -6.2, sigma: 0.7 } }),
  ],
  entrypoints: [
    {
      name: 'web',
      target: 'frontend',
      arrivals: { kind: 'poisson', schedule: [{ at: 0, rate: 100 }] },
      zone: 'zone-b',
      node: 'node-b1',
      via: 'gateway',
      requestSize: 2048,
    },
    {
      name: 'batch',
      target: 'search',
      arrivals: { kind: 'constant', schedule: [{ at: 0, rate: 500 }, { at: 30, rate: 500 }] },
      zone: 'zone-a',
      node: 'node-a2',
      via: 'direct',
      requestSize: 0,
    },
    {
      name: 'mobile',
      target: 'legacy',
      arrivals: { kind: 'closed', users: 50, thinkTime: { kind: 'exponential', mean: 1 } },
      zone: 'zone-b',
      node: 'node-b1',
      via: 'mesh',
      requestSize: 0,
    },
    {
      name: 'admin',
      target: 'fixed',
      arrivals: { kind: 'closed', users: 1, thinkTime: { kind: 'constant', value: 0 } },
      zone: 'zone-a',
      node: 'node-a1',
      via: 'gateway',
      requestSize: 0,
    },
    {
      name: 'tuner',
      target: 'tuned',
      arrivals: { kind: 'poisson', schedule: [{ at: 0, rate: 1 }] },
      zone: 'zone-a',
      node: 'node-a1',
      via: 'gateway',
      requestSize: 0,
    },
  ],
  simulation: { seed: 7, duration: undefined, requests: 100000, warmup: 5 },
};

/** A service of the full example with the defaults a file gets when it leaves keys out. */
function service(name: string, overrides: Partial<Topology['services'][number]>): Topology['services'][number] {
  return expectedService(name, { nodes: ['node-a1', 'node-b1', 'node-a2'], resilience: FULL_RESILIENCE, topologyTimeouts: FULL_TIMEOUTS, ...overrides });
}

describe('loadTopologyFile', () => {
  it('normalizes every feature of the format', () => {
    const result = loadTopologyFile('test/fixtures/good/full.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.topology).toEqual(full);
  });

  it('reads JSON with the same meaning as YAML', () => {
    const result = loadTopologyFile('test/fixtures/good/small.json');
    expect(result.diagnostics).toEqual([]);
    expect(result.topology).toEqual({
      name: 'small',
      description: '',
      zones: ['default'],
      nodes: [{ name: 'default-node', zone: 'default', cores: 8, cpu: 'dedicated' }],
      mesh: NONE,
      costs: { vcpuHour: 0.0416, gbHour: 0.0056, projectPods: 1000 },
      timeline: [],
      network: { sameZone: { kind: 'constant', value: 0 }, crossZone: { kind: 'constant', value: 0 }, bandwidth: Infinity },
      services: [
        {
          name: 'api',
          nodes: ['default-node'],
          ioTime: { kind: 'constant', value: 0 },
          l7: false,
          ingressUseWaypoint: false,
          resilience: NONE.resilience,
          topologyTimeouts: { timeout: false, perTryTimeout: false, connectTimeout: false },
          replicas: 3,
          workers: 1,
          queue: Infinity,
          serviceTime: lognormal(0.002, 0.01),
          holdWorkerDuringCalls: false,
          loadBalancer: 'round_robin',
          zones: ['default'],
          responseSize: 0,
          calls: [{ kind: 'call', service: 'db', probability: 1, requestSize: 0 }],
        },
        {
          name: 'db',
          nodes: ['default-node'],
          ioTime: { kind: 'constant', value: 0 },
          l7: false,
          ingressUseWaypoint: false,
          resilience: NONE.resilience,
          topologyTimeouts: { timeout: false, perTryTimeout: false, connectTimeout: false },
          replicas: 1,
          workers: 1,
          queue: Infinity,
          serviceTime: { kind: 'constant', value: 0.001 },
          holdWorkerDuringCalls: false,
          loadBalancer: 'round_robin',
          zones: ['default'],
          responseSize: 0,
          calls: [],
        },
      ],
      entrypoints: [
        {
          name: 'web',
          target: 'api',
          arrivals: { kind: 'poisson', schedule: [{ at: 0, rate: 50 }] },
          zone: 'default',
          node: 'default-node',
          via: 'gateway',
          requestSize: 0,
        },
      ],
      simulation: { seed: 1, duration: 60, requests: undefined, warmup: 0 },
    });
  });

  it('reports a missing file as a diagnostic, not an exception', () => {
    expect(loadTopologyFile('test/fixtures/no-such-file.yaml')).toEqual({
      diagnostics: [
        {
          severity: 'error',
          code: 'file-not-found',
          path: [],
          message: 'cannot read "test/fixtures/no-such-file.yaml": no such file',
          hint: 'check the path; it is relative to the current directory',
        },
      ],
    });
  });

  // Every bundled topology, in subfolders too (meshes/ holds profiles, not topologies).
  const bundled = (readdirSync('topologies', { recursive: true }) as string[])
    .filter((f) => /\.(ya?ml|json)$/.test(f) && !f.endsWith('.schema.json') && !f.startsWith('meshes'))
    .sort();
  it('finds the bundled topologies', () => expect(bundled.length).toBeGreaterThanOrEqual(20));
  it.each(bundled)(
    'loads the bundled topologies/%s without errors or warnings',
    (file) => {
      const { topology, diagnostics } = loadTopologyFile(`topologies/${file}`);
      expect(diagnostics.map((d) => d.message)).toEqual([]);
      expect(topology).toBeDefined();
    },
  );
});

describe('loadTopologySource', () => {
  const minimal = 'name: m\nservices:\n  a: {serviceTime: 1ms}\nentrypoints:\n  in: {target: a, rate: 1/s}\n';

  it('fills in defaults', () => {
    const t = topologyOrThrow(loadTopologySource(minimal, 'm.yaml'));
    expect(t.simulation).toEqual({ seed: 1, duration: 60, requests: undefined, warmup: 0 });
    expect(t.network.bandwidth).toBe(Infinity);
    expect(t.entrypoints[0].zone).toBe('default');
  });

  it('runs by request count alone when only `requests` is given', () => {
    const t = topologyOrThrow(loadTopologySource(`${minimal}simulation: {requests: 1000}\n`, 'm.yaml'));
    expect(t.simulation).toEqual({ seed: 1, duration: undefined, requests: 1000, warmup: 0 });
  });

  it('warns that a duration beside a request count does nothing, and checks the warm-up against neither', () => {
    const r = loadTopologySource(`${minimal}simulation: {duration: 5s, requests: 1000, warmup: 10s}\n`, 'm.yaml');
    const t = topologyOrThrow(r);
    expect(t.simulation).toMatchObject({ requests: 1000, warmup: 10 });
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.path.join('.'), d.location?.line])).toEqual([
      ['warning', 'no-effect', 'simulation.duration', 6],
    ]);
    expect(r.diagnostics[0].message).toBe('duration 5s has no effect: requests: 1000 ends the run, however long it takes');
  });

  it('keeps the file order of services and entry points', () => {
    const src = 'name: o\nservices:\n  z: {serviceTime: 1ms, calls: [b]}\n  b: {serviceTime: 1ms}\nentrypoints:\n  y: {target: z, rate: 1/s}\n  a: {target: b, rate: 1/s}\n';
    const t = topologyOrThrow(loadTopologySource(src, 'o.yaml'));
    expect(t.services.map((s) => s.name)).toEqual(['z', 'b']);
    expect(t.entrypoints.map((e) => e.name)).toEqual(['y', 'a']);
  });

  it('topologyOrThrow throws a DiagnosticError carrying the diagnostics', () => {
    const result = loadTopologySource('name: x\n', 'x.yaml');
    expect(() => topologyOrThrow(result)).toThrow(DiagnosticError);
    expect(() => topologyOrThrow(result)).toThrow('missing required key "services"; missing required key "entrypoints"');
  });
});
