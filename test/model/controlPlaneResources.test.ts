/**
 * The control plane's share of the resource invoice: counted from what the
 * run made it do (pushes inside the measured window, the proxies each push
 * reached, certificates issued or renewed), priced by the profile's
 * `controlPlane.resources`, and projected to N pods.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';
import { loadMeshProfileSource } from '../../sim/mesh/loadProfile.js';
import { buildModel } from '../../sim/model/build.js';
import { simulate } from '../../sim/model/simulation.js';
import { summarizeResources } from '../../sim/results/resources.js';
import { resolveLimits, runTopology } from '../../sim/run.js';
import { loadTopologySource } from '../../sim/topology/load.js';
import type { Topology } from '../../sim/topology/types.js';
import { resultJson } from '../../sim/cli/program.js';
import { topo } from './helpers.js';
import { controlPlaneCharged } from '../../reports/controlPlane.js';
import { runTable } from '../../reports/table.js';

/**
 * Two services, reviews rolled out at 20 s (its 3 pods replaced one at a
 * time: 6 endpoint changes, each pushed), under `profile` with round prices
 * for the control plane, so the arithmetic below is exact.
 */
function rollout(profile: string, resources = ''): Topology {
  return topo(`
name: cp-rollout
simulation: {seed: 5, duration: 60s, warmup: 5s}
mesh:
  profile: ${profile}
  controlPlane: {pushDelay: 1s${resources}}
services:
  productpage: {replicas: 2, workers: 16, serviceTime: 1ms, calls: [reviews]}
  reviews: {replicas: 3, workers: 16, serviceTime: 2ms}
entrypoints:
  web: {target: productpage, rate: 100/s, via: direct}
timeline:
  - {at: 20s, rollout: {service: reviews, startup: 2s}}
`);
}

/** 0.5 vCPU idle, 1 s a push, 0.1 s a proxy reached, 2 s a certificate; 1 GB + 10 MB a proxy + 1 MB an endpoint. */
const ROUND = `, resources: {idleCpu: 0.5, pushCpu: {perPush: 1s, perProxy: 100ms}, perCertificate: 2s, memory: {base: 1GB, perProxy: 10MB, perEndpoint: 1MB}}`;

describe('the control plane in the resource invoice', () => {
  it('counts the proxies each push in the window reached: pushes × the proxies alive when each went', () => {
    const topology = rollout('istio-sidecar');
    const model = buildModel(topology);
    const limits = resolveLimits(topology);
    const outcome = simulate(model, limits);
    const windowEnd = limits.warmup + outcome.measuredTime;
    const pushes = outcome.markers.filter((m) => m.kind === 'push' && m.at >= limits.warmup && m.at < windowEnd).map((m) => m.at);
    // The rollout replaces 3 pods: their endpoints change, and istiod pushes (debounced) inside the window.
    expect(pushes.length).toBeGreaterThan(0);
    expect(outcome.controlPlane.pushes).toBe(pushes.length);
    const alive = (t: number): number => model.proxies.filter((p) => p.from <= t && t < p.until).length;
    // Pods come and go during the rollout: not every push finds the same fleet.
    expect(new Set(pushes.map(alive)).size).toBeGreaterThan(1);
    expect(outcome.controlPlane.proxyPushes).toBe(pushes.reduce((n, t) => n + alive(t), 0));
    // Each of the 3 new pods' sidecars gets its first certificate when it starts (24 h ones: no renewal in a minute).
    expect(outcome.controlPlane.certificates).toBe(3);
  });

  it('prices what it counted: idle + work over the measured time; base + per proxy connected + per endpoint', () => {
    const r = runTopology(rollout('istio-sidecar', ROUND)).resources;
    const cp = r.controlPlane;
    const t = 55; // 60 s less the 5 s warm-up
    expect(cp.vcpu).toBeCloseTo(0.5 + (cp.pushes * 1 + cp.proxyPushes * 0.1 + cp.certificates * 2) / t, 12);
    // Proxies connected, time-weighted as the fleets count them (the rollout's pods for part of the window).
    const connected = r.proxies.reduce((n, f) => n + f.count, 0);
    expect(connected % 1).not.toBe(0);
    expect(cp.memoryGB * 1e9).toBeCloseTo(1e9 + 10e6 * connected + 1e6 * 5, 0);
    expect(cp.costPerMonth).toBeCloseTo((cp.vcpu * r.prices.vcpuHour + cp.memoryGB * r.prices.gbHour) * 730, 9);
    // The data plane's totals keep their meaning; the whole mesh is their sum.
    expect(r.meshCostPerMonth).toBeCloseTo(r.proxyCostPerMonth + cp.costPerMonth, 9);
  });

  it('projects to N pods: memory for the projected proxies and endpoints, today\'s pushes reaching them all', () => {
    const r = runTopology(rollout('istio-sidecar', ROUND)).resources;
    const cp = r.controlPlane, p = r.projection;
    const N = p.pods;
    // Sidecars become N; the gateway would keep its replicas (none here: the entry point goes direct).
    expect(r.proxies.map((f) => f.kind)).toEqual(['sidecar']);
    const connected = r.proxies[0].count;
    expect(p.controlPlane.memoryGB * 1e9).toBeCloseTo(1e9 + 10e6 * N + 1e6 * N, 0);
    // Pods of the window, time-weighted as the proxies: with sidecars, one each.
    const pods = connected;
    const reached = (cp.proxyPushes * N) / connected;
    expect(p.controlPlane.vcpu).toBeCloseTo(0.5 + (cp.pushes * 1 + reached * 0.1 + (cp.certificates * N) / pods * 2) / 55, 9);
    expect(p.meshCostPerMonth).toBeCloseTo(p.proxyCostPerMonth + p.controlPlane.costPerMonth, 6);
  });

  it('under ambient, charges the node proxies connected and the pods\' identities it signs', () => {
    const r = runTopology(rollout('istio-ambient', ROUND)).resources;
    const cp = r.controlPlane;
    const connected = r.proxies.reduce((n, f) => n + f.count, 0);
    expect(r.proxies.map((f) => f.kind)).toEqual(['node-proxy']);
    expect(cp.proxyPushes).toBe(cp.pushes * connected); // node proxies live all along
    expect(cp.certificates).toBe(3); // ztunnel asks for each new pod's identity
    expect(cp.memoryGB * 1e9).toBeCloseTo(1e9 + 10e6 * connected + 1e6 * 5, 0);
  });

  it('costs nothing without a mesh, whatever happened', () => {
    const r = runTopology(rollout('none')).resources;
    expect(r.controlPlane).toEqual({ vcpu: 0, memoryGB: 0, pushes: r.controlPlane.pushes, proxyPushes: 0, certificates: 0, costPerMonth: 0, priced: false });
    expect(r.meshCostPerMonth).toBe(0);
    expect(r.projection.controlPlane).toEqual({ vcpu: 0, memoryGB: 0, costPerMonth: 0 });
    expect(r.projection.meshCostPerMonth).toBe(0);
  });

  it('costs nothing under a profile that does not price it (cilium), but its work is still counted', () => {
    const r = runTopology(rollout('cilium')).resources;
    expect(r.controlPlane.vcpu).toBe(0);
    expect(r.controlPlane.memoryGB).toBe(0);
    expect(r.controlPlane.pushes).toBeGreaterThan(0);
    expect(r.meshCostPerMonth).toBe(r.proxyCostPerMonth);
  });

  it('bundled profiles: istiod\'s memory is its two-point fit, Linkerd\'s control plane lighter', () => {
    const istio = runTopology(rollout('istio-sidecar')).resources;
    const linkerd = runTopology(rollout('linkerd')).resources;
    const n = istio.proxies.reduce((a, f) => a + f.count, 0);
    expect(istio.controlPlane.memoryGB * 1e9).toBeCloseTo(500e6 + 450e3 * n + 50e3 * 5, 0);
    expect(linkerd.controlPlane.memoryGB).toBeLessThan(istio.controlPlane.memoryGB);
    // Without changes istiod is its idle CPU; the rollout adds its pushes and certificates.
    expect(istio.controlPlane.vcpu).toBeGreaterThan(0.008);
  });

  it('sums replications as the fleets do, and is deterministic', () => {
    const topology = rollout('istio-sidecar', ROUND);
    const one = runTopology(topology);
    const two = runTopology(topology, { replications: 2 });
    expect(resultJson(runTopology(topology))).toBe(resultJson(one));
    // The first replication is the single run; the second has its own seed, so its own draws.
    expect(two.resources.controlPlane.certificates).toBe(2 * one.resources.controlPlane.certificates);
    expect(two.resources.controlPlane.pushes).toBeGreaterThanOrEqual(one.resources.controlPlane.pushes);
    const cp = two.resources.controlPlane;
    expect(cp.vcpu).toBeCloseTo(0.5 + (cp.pushes + cp.proxyPushes * 0.1 + cp.certificates * 2) / 110, 12);
  });

  it('is not counted before the warm-up ends: with the rollout in the warm-up, only idle CPU', () => {
    const r = runTopology(rollout('istio-sidecar', ROUND), { warmup: 40, duration: 60 }).resources.controlPlane;
    expect(r).toMatchObject({ pushes: 0, proxyPushes: 0, certificates: 0 });
    expect(r.vcpu).toBe(0.5);
  });
});

describe('mesh: {controlPlane: {resources}}', () => {
  it('overrides key by key over the profile (memory and pushCpu too)', () => {
    const base = buildModel(rollout('istio-sidecar')).mesh.controlPlane.resources;
    const tuned = rollout('istio-sidecar', ', resources: {memory: {base: 2GB}, pushCpu: {perProxy: 1ms}}');
    const r = buildModel(tuned).mesh;
    expect(r.controlPlane.resources).toEqual({
      ...base,
      memory: { ...base.memory, base: 2e9 },
      pushCpu: { ...base.pushCpu, perProxy: 0.001 },
    });
    expect(r.tuned).toContain('controlPlane.resources');
    // And the invoice prices the override.
    expect(runTopology(tuned).resources.controlPlane.memoryGB).toBeGreaterThan(2);
  });

  it('prices a control plane the profile left out (cilium) from zeros', () => {
    const r = runTopology(rollout('cilium', ', resources: {memory: {base: 100MB}}')).resources.controlPlane;
    expect(r.memoryGB).toBeCloseTo(0.1, 12);
    expect(r.vcpu).toBe(0);
  });

  it('rejects bad values at file:line:column, and warns that none has no control plane to price', () => {
    const load = (profile: string, resources: string) => {
      const { topology, diagnostics } = loadTopologySource(`name: x
mesh:
  profile: ${profile}
  controlPlane:
    resources: ${resources}
services: {a: {serviceTime: 1ms}}
entrypoints: {w: {target: a, rate: 1/s}}
`, 'cp.yaml');
      return { topology, text: formatDiagnostics(diagnostics) };
    };
    const bad = load('istio-sidecar', '{idleCpu: -1, memory: {perProxy: 1 lb}, pushCpu: {perPush: -2ms}, perCertificate: fast}');
    expect(bad.topology).toBeUndefined();
    expect(bad.text).toMatch(/cp\.yaml:5:\d+: error\[[a-z-]+\]: mesh\.controlPlane\.resources\.idleCpu: /);
    expect(bad.text).toMatch(/cp\.yaml:5:\d+: error\[[a-z-]+\]: mesh\.controlPlane\.resources\.memory\.perProxy: /);
    expect(bad.text).toMatch(/cp\.yaml:5:\d+: error\[[a-z-]+\]: mesh\.controlPlane\.resources\.pushCpu\.perPush: /);
    expect(bad.text).toMatch(/cp\.yaml:5:\d+: error\[[a-z-]+\]: mesh\.controlPlane\.resources\.perCertificate: /);
    expect(bad.text).toContain('4 errors');
    const unknown = load('istio-sidecar', '{memory: {perPod: 1MB}}');
    expect(unknown.text).toContain('cp.yaml:5:');
    expect(unknown.text).toContain('error[unknown-key]: mesh.controlPlane.resources.memory.perPod');
    const none = load('none', '{idleCpu: 1}');
    expect(none.topology).toBeDefined();
    expect(none.text).toContain('warning[no-effect]');
    expect(none.text).toContain('mesh.controlPlane.resources');
    expect(runTopology(none.topology as Topology, { duration: 5, warmup: 0 }).resources.controlPlane.vcpu).toBe(0);
  });
});

describe('controlPlane.resources in a profile file', () => {
  const profile = (mode: string, resources: string) => loadMeshProfileSource(`name: p
description: d
mode: ${mode}
controlPlane: {debounce: 0s, debounceMax: 0s, pushDelay: 1s, pushDelayPerProxy: 0, certificateTtl: 24h, renewAt: 0.5, renewJitter: 0.1, renewRetry: 10s${resources}}
resilience: {placement: client, timeout: none, connectTimeout: 1s, retries: none, circuitBreaker: none, outlierDetection: none}
`, 'p.yaml');

  it('is optional, and complete when given, as every block of a profile is', () => {
    expect(profile('none', '').profile?.controlPlane.resources).toEqual({
      idleCpu: 0, memory: { base: 0, perProxy: 0, perEndpoint: 0 }, pushCpu: { perPush: 0, perProxy: 0 }, perCertificate: 0,
    });
    const partial = profile('none', ', resources: {idleCpu: 0.1}');
    expect(partial.profile).toBeUndefined();
    expect(formatDiagnostics(partial.diagnostics)).toContain('p.yaml:4:');
    expect(formatDiagnostics(partial.diagnostics)).toContain('controlPlane.resources.memory: missing required key "memory"');
  });

  it('warns that it has no effect under mode none', () => {
    const full = ', resources: {idleCpu: 0.1, memory: {base: 1GB, perProxy: 1MB, perEndpoint: 1KB}, pushCpu: {perPush: 1ms, perProxy: 1ms}, perCertificate: 1ms}';
    const none = profile('none', full);
    expect(none.profile).toBeDefined();
    expect(formatDiagnostics(none.diagnostics)).toContain('warning[no-effect]: controlPlane.resources: has no effect under mode none');
  });
});

describe('certificates of pods that are gone', () => {
  /**
   * A rollout over before the window (at 2 s, pods up in 1 s), then 40 s
   * measured with 10 s certificates renewed at half their lifetime: each
   * live holder renews about every 5 s. The replaced pods' renewal timers
   * keep running in the simulation; their certificates are no work the
   * control plane does, and must not be billed.
   */
  const cert = (profile: string, rollout: boolean): Topology => topo(`
name: cert-gone
simulation: {seed: 1, duration: 60s, warmup: 20s}
mesh: {profile: ${profile}, controlPlane: {certificateTtl: 10s, renewAt: 0.5, renewJitter: 0}}
services:
  a: {replicas: 2, workers: 4, serviceTime: 1ms}
entrypoints:
  web: {target: a, rate: 100/s, via: direct}
${rollout ? 'timeline:\n  - {at: 2s, rollout: {service: a, startup: 1s, preStop: 0s}}' : ''}
`);

  for (const profile of ['linkerd', 'istio-ambient']) {
    it(`under ${profile}, counts only the renewals of holders that still exist`, () => {
      const before = runTopology(cert(profile, false)).resources.controlPlane.certificates;
      const after = runTopology(cert(profile, true)).resources.controlPlane.certificates;
      expect(before).toBeGreaterThan(0);
      // The same two pods' worth of identities in the window, whichever pods they are (renewal phases differ by a little).
      expect(Math.abs(after - before)).toBeLessThanOrEqual(2);
    });
  }
});

describe('a control plane priced but idle in the window', () => {
  it('is priced at $0, not "not priced": cilium with only perCertificate given issues no certificate', () => {
    const t = topo(`
name: cp-idle
simulation: {seed: 1, duration: 10s, warmup: 1s}
mesh: {profile: cilium, controlPlane: {resources: {perCertificate: 1ms}}}
services:
  a: {replicas: 2, workers: 4, serviceTime: 1ms}
entrypoints:
  web: {target: a, rate: 100/s, via: direct}
`);
    const r = runTopology(t);
    expect(r.resources.controlPlane.certificates).toBe(0);
    expect(r.resources.controlPlane.priced).toBe(true);
    expect(controlPlaneCharged(r.resources.controlPlane)).toBe(true);
    expect(runTable(r)).not.toContain('not priced');
    // Cilium's own profile prices nothing: still said so.
    const unpriced = runTopology(topo(`
name: cp-unpriced
simulation: {seed: 1, duration: 10s, warmup: 1s}
mesh: {profile: cilium}
services:
  a: {replicas: 2, workers: 4, serviceTime: 1ms}
entrypoints:
  web: {target: a, rate: 100/s, via: direct}
`));
    expect(unpriced.resources.controlPlane.priced).toBe(false);
    expect(runTable(unpriced)).toContain('Control plane: not priced by this profile');
  });
});
