/**
 * A topology's mesh: the profile it names, its field-by-field overrides, and
 * the substitutions a caller makes (`options.mesh`, `options.mtls`).
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';
import { loadMeshProfile } from '../../sim/mesh/loadProfile.js';
import { applyOverrides } from '../../sim/mesh/overrides.js';
import { loadTopologyFile, loadTopologySource, topologyOrThrow } from '../../sim/topology/load.js';
import { ISTIO_RESILIENCE, ISTIO_SIDECAR, constant, lognormal } from './expected.js';

const body = 'services:\n  api: {serviceTime: 1ms}\nentrypoints:\n  web: {target: api, rate: 10/s}\n';
const topology = (mesh: string, options = {}) => topologyOrThrow(loadTopologySource(`name: t\n${mesh}\n${body}`, 'topologies/t.yaml', options));

const OVERRIDDEN = `mesh:
  profile: istio-sidecar
  sidecar:
    workers: 4
    telemetryCost: {dist: lognormal, median: 50us, p99: 400us}
    memory: {perEndpoint: 20KB}
  gateway: {replicas: 1, perKB: 3us}
  mtls: {enabled: false, streamsPerConnection: 10}`;

describe('overrides', () => {
  it('merge into the profile field by field, memory key by key', () => {
    // Only the named fields change; everything else is the bundled profile's.
    const base = ISTIO_SIDECAR;
    expect(topology(OVERRIDDEN).mesh).toEqual({
      ...base,
      sidecar: {
        ...base.sidecar!,
        workers: 4,
        telemetryCost: lognormal(0.00005, 0.0004),
        memory: { ...base.sidecar!.memory, perEndpoint: 20e3 },
      },
      gateway: { ...base.gateway!, replicas: 1, perKB: 0.000003 },
      mtls: { ...base.mtls, enabled: false, streamsPerConnection: 10 },
      // And it says what changed, for the results and reports.
      tuned: ['gateway.perKB', 'gateway.replicas', 'mtls.enabled', 'mtls.streamsPerConnection', 'sidecar.memory', 'sidecar.telemetryCost', 'sidecar.workers'],
    });
  });

  it('are named in the results and every report, so a tuned profile does not pass for the product\'s own', async () => {
    const { runTopology } = await import('../../sim/run.js');
    const { runTable } = await import('../../reports/table.js');
    const { profilesHtml } = await import('../../reports/html/sections.js');
    const { reportModel } = await import('../../reports/model.js');
    const src = 'name: t\nsimulation: {seed: 1, duration: 3s, warmup: 1s}\nmesh: {profile: istio-sidecar, sidecar: {workers: 1}, resilience: {retries: none}}\n' +
      'services: {s: {serviceTime: 1ms}}\nentrypoints: {w: {target: s, rate: 50/s}}\n';
    const r = runTopology(topologyOrThrow(loadTopologySource(src, 't.yaml')));
    expect(r.mesh.tuned).toEqual(['resilience.retries', 'sidecar.workers']);
    expect(runTable(r).split('\n')[0]).toContain('mesh istio-sidecar (sidecar, mTLS on, tuned: resilience.retries, sidecar.workers)');
    expect(profilesHtml(reportModel(r))).toContain("Tuned (by the topology's <code>mesh:</code> settings, or in a copy of the profile file under its name): <code>resilience.retries</code>, <code>sidecar.workers</code>");
    // The profile as written says nothing of the kind.
    const plain = runTopology(topologyOrThrow(loadTopologySource(src.replace(', sidecar: {workers: 1}, resilience: {retries: none}', ''), 't.yaml')));
    expect(plain.mesh.tuned).toEqual([]);
    expect(runTable(plain).split('\n')[0]).not.toContain('tuned');
  });

  it('an edited copy of a bundled profile under its name lists what it changed, as overrides are (an unedited copy nothing)', async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-copy-'));
    const original = readFileSync('topologies/meshes/linkerd.yaml', 'utf8');
    const edited = original.replace(/^  requestCost: .*$/m, '  requestCost: 5ms').replace('outlierDetectionStyle: linkerd', 'outlierDetectionStyle: envoy');
    expect(edited).not.toBe(original);
    writeFileSync(join(dir, 'copy.yaml'), original);
    writeFileSync(join(dir, 'edited.yaml'), edited);
    const src = 'name: t\nservices: {s: {serviceTime: 1ms}}\nentrypoints: {w: {target: s, rate: 50/s}}\n';
    const under = (file: string) => topologyOrThrow(loadTopologySource(src, 't.yaml', { mesh: join(dir, file) })).mesh;
    // Before: both ran as "linkerd", the edited one passing for Linkerd's own.
    expect(under('edited.yaml').tuned).toEqual(['resilience.outlierStyle', 'sidecar.requestCost']);
    expect(under('copy.yaml').tuned).toBeUndefined();
    expect(topologyOrThrow(loadTopologySource(src, 't.yaml', { mesh: 'linkerd' })).mesh.tuned).toBeUndefined();
  });

  it('change the control plane and the default policy key by key', () => {
    const mesh = topology(`mesh:
  profile: istio-sidecar
  controlPlane: {pushDelay: {dist: lognormal, median: 2s, p99: 10s}, debounceMax: 1s}
  resilience:
    timeout: 3s
    retries: {attempts: 2, backoff: {base: 50ms}, budget: {minPerSecond: 5}}
    circuitBreaker: {maxRequests: 100}`).mesh;
    expect(mesh.controlPlane).toEqual({ ...ISTIO_SIDECAR.controlPlane, pushDelay: lognormal(2, 10), debounceMax: 1 });
    expect(mesh.resilience).toEqual({
      ...ISTIO_RESILIENCE,
      timeout: 3,
      retries: { ...ISTIO_RESILIENCE.retries!, attempts: 2, backoffBase: 0.05, budget: { ratio: 0.2, minPerSecond: 5, window: 10 } },
      circuitBreaker: { maxConnections: Infinity, maxPending: Infinity, maxRequests: 100 },
    });
  });

  it('turn policy blocks off with none', () => {
    const mesh = topology('mesh: {profile: cilium, resilience: {retries: none, circuitBreaker: none, timeout: none}}').mesh;
    expect(mesh.resilience).toMatchObject({ retries: null, circuitBreaker: null, timeout: Infinity, connectTimeout: 2 });
  });

  it('leave the loaded profile itself alone', () => {
    const profile = loadMeshProfile('istio-sidecar', '.').profile!;
    const merged = applyOverrides(profile, {
      profile: 'istio-sidecar',
      sidecar: { workers: 9, memory: { base: 1 } },
      mtls: { enabled: false },
      controlPlane: { debounce: '1s' },
      resilience: { retries: { attempts: 9, retryOn: ['5xx'] } },
    });
    expect(profile).toEqual(ISTIO_SIDECAR);
    expect(merged.resilience.retries).not.toBe(profile.resilience.retries);
    expect(merged.resilience.retries?.retryOn).toEqual(['5xx']);
  });

  it('refuse a memory term past 1TiB, in a proxy and in the control plane, with the value and a hint', () => {
    // A sidecar of 1e30 bytes ran: 2e21 GB and $8,176,000,000,000,000,000,000/month; 1e300 gave ∞ GB and $∞ at N pods.
    const load = (mesh: string) => loadTopologySource(`name: t\n${mesh}\n${body}`, 't.yaml');
    const refused = load('mesh: {profile: istio-sidecar, sidecar: {memory: {base: 1e30}}}');
    expect(refused.topology).toBeUndefined();
    expect(formatDiagnostics(refused.diagnostics)).toMatchInlineSnapshot(`
      "t.yaml:2:57: error[out-of-range]: mesh.sidecar.memory.base: base 1e+30 is more than 1TiB, a large machine's memory: multiplied by the endpoints, connections and proxies, the memory tax would read in billions of GB, or ∞
          2 | mesh: {profile: istio-sidecar, sidecar: {memory: {base: 1e30}}}
            |                                                         ^
        hint: memory is per proxy (or control-plane replica) and per connection, proxy or endpoint it holds, e.g. {base: 56MB, perConnection: 40KB, perEndpoint: 12KB}; at most 1TiB each

      1 error, 0 warnings"
    `);
    const paths = (mesh: string) => load(mesh).diagnostics.map((d) => `${d.code} ${d.path.join('.')}`);
    expect(paths('mesh: {profile: istio-sidecar, gateway: {memory: {perConnection: 1.5TiB, perEndpoint: 2000GB}}}')).toEqual([
      'out-of-range mesh.gateway.memory.perConnection',
      'out-of-range mesh.gateway.memory.perEndpoint',
    ]);
    expect(paths('mesh: {profile: linkerd, controlPlane: {resources: {memory: {base: 1e13, perProxy: 1PB}}}}')).toEqual([
      'out-of-range mesh.controlPlane.resources.memory.base',
      // 1PB is no unit meshtax knows: said as such, not as too large.
      'bad-size mesh.controlPlane.resources.memory.perProxy',
    ]);
    // The bound itself is a memory meshtax accepts.
    expect(paths('mesh: {profile: istio-sidecar, sidecar: {memory: {base: 1TiB}}, controlPlane: {resources: {memory: {perEndpoint: 1TiB}}}}')).toEqual([]);
  });

  it('may be empty: {profile} alone is the profile', () => {
    expect(topology('mesh: {profile: istio-sidecar}').mesh).toEqual(ISTIO_SIDECAR);
    expect(topology('mesh: istio-sidecar').mesh).toEqual(ISTIO_SIDECAR);
  });

  it('apply to a profile file named by path, relative to the topology file', () => {
    const t = topologyOrThrow(
      loadTopologySource(`name: t\nmesh: {profile: meshes/custom.yaml, sidecar: {workers: 5}}\n${body}`, 'test/fixtures/good/t.yaml'),
    );
    expect(t.mesh).toMatchObject({ name: 'custom', sidecar: { workers: 5, idleCpu: 0.002 } });
  });
});

describe('options.mesh', () => {
  it('runs the topology under another profile, without the overrides meant for its own', () => {
    const t = topology(OVERRIDDEN, { mesh: 'linkerd' });
    expect(t.mesh).toEqual(loadMeshProfile('linkerd', '.').profile);
    // … and says so, at the file's mesh key; under the file's own profile, or with no overrides, nothing is said.
    const under = (mesh: string, text = OVERRIDDEN) => loadTopologySource(`name: t\n${text}\n${body}`, 'topologies/t.yaml', { mesh }).diagnostics;
    expect(formatDiagnostics(under('linkerd'))).toContain(
      `topologies/t.yaml:2:1: warning[overrides-not-applied]: mesh: the file's mesh settings (gateway, mtls, sidecar) are for "istio-sidecar"; this run under "linkerd" does without them`);
    expect(under('istio-sidecar')).toEqual([]);
    expect(under('linkerd', 'mesh: {profile: istio-sidecar}')).toEqual([]);
  });

  it('keeps the overrides when it names the topology\'s own profile', () => {
    expect(topology(OVERRIDDEN, { mesh: 'istio-sidecar' }).mesh).toEqual(topology(OVERRIDDEN).mesh);
  });

  it('keeps them too when it names that profile by its file\'s path', () => {
    // Before: the bundled name and the path were two profiles, so the overrides were dropped with a warning.
    const { topology: t, diagnostics } = loadTopologySource(`name: t\n${OVERRIDDEN}\n${body}`, 'topologies/t.yaml', { mesh: 'topologies/meshes/istio-sidecar.yaml' });
    expect(diagnostics).toEqual([]);
    expect(t?.mesh).toEqual(topology(OVERRIDDEN).mesh);
  });

  it('refuses a debounce that the profile\'s debounceMax would cut short', () => {
    // Linkerd pushes at once (debounce and debounceMax 0s): a debounce alone would change nothing, silently.
    const errors = (mesh: string) => formatDiagnostics(loadTopologySource(`name: t\n${mesh}\n${body}`, 'topologies/t.yaml').diagnostics);
    expect(errors('mesh: {profile: linkerd, controlPlane: {debounce: 5s}}')).toContain(
      'error[out-of-range]: mesh.controlPlane.debounce: debounceMax (0s, not set here) is less than debounce (5s)');
    expect(errors('mesh: {profile: linkerd, controlPlane: {debounce: 5s, debounceMax: 1s}}')).toContain(
      'error[out-of-range]: mesh.controlPlane.debounceMax: debounceMax (1s) is less than debounce (5s)');
    expect(errors('mesh: {profile: linkerd, controlPlane: {debounce: 5s, debounceMax: 10s}}')).toBe('0 errors, 0 warnings');
  });

  it('warns that mtls enabled: true does nothing under profile none, and still runs', () => {
    // As a profile file of mode none with enabled: true, and --mtls on: the run has mTLS off, so the file's "tuned: mtls.enabled" must not pass unremarked.
    const loaded = loadTopologySource(`name: t\nmesh: {profile: none, mtls: {enabled: true, handshakeCpu: 5ms}}\n${body}`, 'topologies/t.yaml');
    expect(loaded.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path.join('.')}`)).toEqual(['warning no-effect mesh.mtls.enabled']);
    expect(loaded.topology).toBeDefined();
    // enabled: false under none, or true under a profile with proxies, says nothing.
    expect(loadTopologySource(`name: t\nmesh: {profile: none, mtls: {enabled: false}}\n${body}`, 'topologies/t.yaml').diagnostics).toEqual([]);
    expect(loadTopologySource(`name: t\nmesh: {profile: linkerd, mtls: {enabled: true}}\n${body}`, 'topologies/t.yaml').diagnostics.filter((d) => d.code === 'no-effect')).toEqual([]);
  });

  it('names the profile a clashing inherited back-off comes from', () => {
    const text = formatDiagnostics(loadTopologySource(
      `name: t\nmesh: linkerd\nservices:\n  api: {serviceTime: 1ms, resilience: {retries: {backoff: {base: 50ms}}}}\nentrypoints:\n  web: {target: api, rate: 10/s}\n`,
      'topologies/t.yaml').diagnostics);
    expect(text).toContain('backoff max (0s from profile "linkerd", not set here) is less than base (50ms)');
  });

  it('replaces the default none', () => {
    expect(topology('', { mesh: 'istio-ambient' }).mesh.mode).toBe('ambient');
    expect(topology('').mesh.name).toBe('none');
  });

  it('takes a profile path relative to the current directory', () => {
    expect(topology('', { mesh: 'test/fixtures/good/meshes/custom.yaml' }).mesh.name).toBe('custom');
  });

  it('recognizes the topology\'s own profile file under another spelling of its path', () => {
    const src = `name: t\nmesh: {profile: meshes/custom.yaml, sidecar: {workers: 5}}\n${body}`;
    const t = topologyOrThrow(loadTopologySource(src, 'test/fixtures/good/t.yaml', { mesh: './test/fixtures/good/meshes/custom.yaml' }));
    expect(t.mesh.sidecar?.workers).toBe(5);
  });

  it('reports an unknown profile without a position, with a suggestion', () => {
    const result = loadTopologySource(`name: t\n${body}`, 't.yaml', { mesh: 'linkerd2' });
    expect(result.topology).toBeUndefined();
    expect(formatDiagnostics(result.diagnostics)).toMatchInlineSnapshot(`
      "error[unknown-mesh-profile]: unknown mesh profile "linkerd2"
        hint: did you mean "linkerd"? bundled profiles: cilium, istio-ambient, istio-ambient-waypoint, istio-sidecar, linkerd, none; or give the path of a profile file ending in .yaml, .yml or .json

      1 error, 0 warnings"
    `);
  });

  it('does not report the topology\'s own profile when it is replaced', () => {
    const result = loadTopologySource(`name: t\nmesh: istio-sidcar\n${body}`, 't.yaml', { mesh: 'none' });
    expect(result.diagnostics).toEqual([]);
    expect(result.topology?.mesh.name).toBe('none');
  });
});

describe('options.mtls', () => {
  it('forces mTLS off or on, over the profile and the overrides', () => {
    expect(topology('mesh: istio-sidecar', { mtls: false }).mesh.mtls).toEqual({ ...ISTIO_SIDECAR.mtls, enabled: false });
    expect(topology(OVERRIDDEN, { mtls: true }).mesh.mtls).toMatchObject({ enabled: true, streamsPerConnection: 10 });
    expect(topology('', { mtls: true }).mesh.mtls.enabled).toBe(true);
  });

  it('combines with options.mesh', () => {
    const t = topology('mesh: istio-sidecar', { mesh: 'cilium', mtls: false });
    expect(t.mesh).toEqual({ ...loadMeshProfile('cilium', '.').profile, mtls: { ...loadMeshProfile('cilium', '.').profile!.mtls, enabled: false } });
  });

  it('leaves the profile as it is when not given', () => {
    expect(topology('mesh: istio-sidecar').mesh.mtls.enabled).toBe(true);
  });
});

describe('placement and entry routing', () => {
  it('interleaves a service\'s default nodes across its zones', () => {
    const src = `name: p
zones: [a, b, c]
nodes:
  a1: {zone: a}
  a2: {zone: a}
  a3: {zone: a}
  b1: {zone: b}
  c1: {zone: c}
  c2: {zone: c}
services:
  all: {serviceTime: 1ms}
  two: {serviceTime: 1ms, zones: [c, a]}
  pinned: {serviceTime: 1ms, nodes: [a3, a1]}
entrypoints:
  web: {target: all, rate: 1/s}
  job: {target: two, rate: 1/s, zone: c}
  near: {target: pinned, rate: 1/s, node: b1, via: mesh}
`;
    const t = topologyOrThrow(loadTopologySource(src, 'p.yaml'));
    expect(t.services.map((s) => [s.name, s.nodes])).toEqual([
      ['all', ['a1', 'b1', 'c1', 'a2', 'c2', 'a3']],
      ['two', ['c1', 'a1', 'c2', 'a2', 'a3']],
      ['pinned', ['a3', 'a1']],
    ]);
    expect(t.entrypoints.map((e) => [e.name, e.zone, e.node, e.via])).toEqual([
      ['web', 'a', 'a1', 'gateway'],
      ['job', 'c', 'c1', 'gateway'],
      // No zone given: the node's zone.
      ['near', 'b', 'b1', 'mesh'],
    ]);
  });

  it('accepts l7 services under a profile without a waypoint, silently', () => {
    const result = loadTopologySource(`name: t\nmesh: istio-ambient\nservices:\n  api: {serviceTime: 1ms, l7: true}\nentrypoints:\n  web: {target: api, rate: 1/s}\n`, 't.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.topology?.services[0].l7).toBe(true);
  });

  it('warns that a service\'s request policy does nothing between pods in ambient mode without a waypoint', () => {
    const src = (l7: boolean) =>
      `name: t\nmesh: istio-ambient\nservices:\n  api:\n    serviceTime: 1ms\n    l7: ${l7}\n    resilience: {timeout: 1s, retries: none, connectTimeout: 2s}\nentrypoints:\n  web: {target: api, rate: 1/s}\n`;
    const codes = (l7: boolean, mesh?: string) =>
      loadTopologySource(src(l7), 't.yaml', mesh ? { mesh } : {}).diagnostics.map((d) => `${d.severity} ${d.code} ${d.path.join('.')}`);
    // The timeout only: retries are off, and ztunnel keeps a connect timeout.
    expect(codes(false)).toEqual(['warning no-effect services.api.resilience.timeout']);
    expect(formatDiagnostics(loadTopologySource(src(false), 't.yaml').diagnostics)).toContain('has no waypoint');
    // No waypoint in the profile: l7 alone does not help.
    expect(codes(true)).toEqual(['warning no-effect services.api.resilience.timeout']);
    expect(codes(false, 'istio-ambient-waypoint')).toEqual(['warning no-effect services.api.resilience.timeout']);
    expect(codes(true, 'istio-ambient-waypoint')).toEqual([]);
    expect(codes(false, 'istio-sidecar')).toEqual([]);
  });

  it('reports durations without a unit in control-plane and resilience overrides as errors, under any profile', () => {
    // Merging them to check them against the profile once ended in "internal error: normalizing an unchecked value".
    const src = 'name: t\nmesh: {profile: istio-sidecar, controlPlane: {pushDelay: 10, debounce: abc}, resilience: {timeout: 2, connectTimeout: 1}}\n' +
      'services:\n  api: {serviceTime: 1ms}\nentrypoints:\n  web: {target: api, rate: 1/s}\n';
    for (const mesh of [undefined, 'linkerd']) {
      const result = loadTopologySource(src, 't.yaml', mesh ? { mesh } : {});
      expect(result.topology).toBeUndefined();
      expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.path.join('.')}`)).toEqual([
        'bad-duration mesh.controlPlane.pushDelay',
        'bad-duration mesh.controlPlane.debounce',
        'bad-duration mesh.resilience.timeout',
        'bad-duration mesh.resilience.connectTimeout',
      ]);
    }
  });

  it('warns that ingressUseWaypoint does nothing without l7, under any profile', () => {
    const src = (l7: boolean) => `name: t\nservices:\n  api: {serviceTime: 1ms, l7: ${l7}, ingressUseWaypoint: true}\nentrypoints:\n  web: {target: api, rate: 1/s}\n`;
    const result = loadTopologySource(src(false), 't.yaml', { mesh: 'istio-ambient-waypoint' });
    expect(formatDiagnostics(result.diagnostics)).toMatchInlineSnapshot(`
      "t.yaml:3:38: warning[no-effect]: services.api.ingressUseWaypoint: ingressUseWaypoint of "api" has no effect: only services with l7: true have a waypoint to go through
          3 |   api: {serviceTime: 1ms, l7: false, ingressUseWaypoint: true}
            |                                      ^
        hint: set l7: true on the service as well, or remove ingressUseWaypoint

      0 errors, 1 warning"
    `);
    expect(result.topology?.services[0].ingressUseWaypoint).toBe(true);
    expect(loadTopologySource(src(false), 't.yaml', { mesh: 'istio-sidecar' }).diagnostics.map((d) => d.code)).toEqual(['no-effect']);
    expect(loadTopologySource(src(true), 't.yaml', { mesh: 'istio-ambient-waypoint' }).diagnostics).toEqual([]);
    // l7, but nothing enters through the gateway to it: no effect either.
    const viaMesh = loadTopologySource(src(true).replace('rate: 1/s', 'via: mesh, rate: 1/s'), 't.yaml', { mesh: 'istio-ambient-waypoint' });
    expect(viaMesh.diagnostics.map((d) => `${d.code} ${d.path.join('.')}: ${d.message}`)).toEqual([
      'no-effect services.api.ingressUseWaypoint: ingressUseWaypoint of "api" has no effect: no entry point sends to it through the ingress gateway (via: gateway)',
    ]);
  });

  it('loads every bundled topology under every bundled profile', () => {
    for (const file of ['bookinfo', 'chain5', 'checkout', 'mm1', 'mmc']) {
      for (const mesh of ['none', 'istio-sidecar', 'istio-ambient', 'istio-ambient-waypoint', 'linkerd', 'cilium']) {
        const { topology: t, diagnostics } = loadTopologyFile(`topologies/${file}.yaml`, { mesh });
        expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(t?.mesh.name).toBe(mesh);
      }
    }
  });
});

describe("a sidecar's terminationDrain", () => {
  it('is required in a sidecar profile, and each bundled sidecar profile says its product’s', () => {
    expect(loadMeshProfile('istio-sidecar', '.').profile!.sidecar!.terminationDrain).toBe(5);
    // linkerd2-proxy refuses new requests as soon as it gets SIGTERM.
    expect(loadMeshProfile('linkerd', '.').profile!.sidecar!.terminationDrain).toBe(0);
  });

  it('a topology may change it, and it is checked: a duration, 0 or more, and only for a sidecar', () => {
    const t = topology('mesh: {profile: istio-sidecar, sidecar: {terminationDrain: 30s}}');
    expect(t.mesh.sidecar!.terminationDrain).toBe(30);
    expect(t.mesh.tuned).toEqual(['sidecar.terminationDrain']);
    const bad = loadTopologySource(`name: t\nmesh: {profile: istio-sidecar, sidecar: {terminationDrain: -1s}}\n${body}`, 't.yaml');
    expect(bad.topology).toBeUndefined();
    expect(bad.diagnostics.map((d) => `${d.code} ${d.path.join('.')}`)).toEqual(['out-of-range mesh.sidecar.terminationDrain']);
    expect(bad.diagnostics[0].hint).toContain("Istio's terminationDrainDuration is 5s");
    // A gateway does not stop with a pod of the topology: the key is not one of its.
    const gateway = loadTopologySource(`name: t\nmesh: {profile: istio-sidecar, gateway: {terminationDrain: 5s}}\n${body}`, 't.yaml');
    expect(gateway.diagnostics.map((d) => `${d.code} ${d.path.join('.')}`)).toEqual(['unknown-key mesh.gateway.terminationDrain']);
  });
});
