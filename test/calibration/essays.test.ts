import { describe, expect, it } from 'vitest';
import { resolveLimits, runTopology } from '../../sim/run.js';
import { buildModel } from '../../sim/model/build.js';
import { simulate } from '../../sim/model/simulation.js';
import { load, within } from './helpers.js';

describe("the essays' arithmetic", () => {
  const file = 'topologies/calibration/essay-chain.yaml';

  it('5 hops of 1 ms: exactly 5 ms without a mesh, exactly 10 ms with two 0.5 ms proxies per hop', () => {
    const none = runTopology(load(file, 'none')).entrypoints[0];
    const mesh = runTopology(load(file)).entrypoints[0];
    for (const [e, ms] of [[none, 5], [mesh, 10]] as const) {
      expect(e.completed).toBe(1000);
      expect(e.latency.min).toBeCloseTo(ms / 1000, 12);
      expect(e.latency.max).toBeCloseTo(ms / 1000, 12);
    }
    expect(mesh.decomposition.proxyWork).toBeCloseTo(0.005, 12);
    expect(mesh.decomposition.appWork).toBeCloseTo(0.005, 12);
  });

  it('1,000 pods × 60 MB = 60 GB and 200 vCPU: the projection scales the sidecar fleet (±15 %)', () => {
    const r = runTopology(load('topologies/calibration/istio-benchmark.yaml'));
    const p = r.resources.projection;
    expect(p.pods).toBe(1000);
    const perSidecar = r.resources.proxies.find((f) => f.kind === 'sidecar');
    expect(perSidecar).toBeDefined();
    // Each of 1,000 sidecars learns 1,000 endpoints: more than today's per-sidecar memory.
    expect(p.proxyMemoryGB).toBeGreaterThan(1000 * (perSidecar?.memoryMBPerProxy ?? 0) / 1000);
    expect(within(p.proxyMemoryGB, 60, 0.15), `${p.proxyMemoryGB} GB`).toBe(true);
    expect(within(p.proxyVcpu, 200, 0.15), `${p.proxyVcpu} vCPU`).toBe(true);
  });

  it('node proxies grow with the nodes the pods need; the client\'s node keeps its one, at what it uses', () => {
    const topology = load('topologies/calibration/istio-benchmark.yaml', 'istio-ambient');
    const r = runTopology(topology).resources;
    const fleet = r.proxies.find((f) => f.kind === 'node-proxy');
    if (!fleet) throw new Error('no node proxies');
    expect(fleet.count).toBe(2);
    // One pod on one node today, 1,000 projected: 1,000 server nodes and the client node, not 2 × 1,000.
    const perEndpoint = topology.mesh.nodeProxy?.memory.perEndpoint ?? NaN;
    const perProxy = (fleet.memoryGB * 1e9) / fleet.count + perEndpoint * (1000 - 1);
    expect(r.projection.proxyMemoryGB / (perProxy / 1e9)).toBeCloseTo(1001, 6);
    // Each proxy's vCPU from the simulation itself: the server node's × 1,000, and the client node's once.
    const model = buildModel(topology);
    const outcome = simulate(model, resolveLimits(topology));
    const vcpu = (onPodNode: boolean): number => model.proxies
      .filter((p) => p.kind === 'node-proxy' && model.replicas.some((x) => x.node === p.node) === onPodNode)
      .reduce((a, p) => a + outcome.proxies[p.index].cpuSeconds / outcome.measuredTime + p.spec.idleCpu, 0);
    // Before, all 1,001 were priced at the two's average: the client's proxy stood in for 500 server nodes.
    expect(r.projection.proxyVcpu).toBeCloseTo(1000 * vcpu(true) + vcpu(false), 9);
  });

  it("a waypoint's request CPU grows with the projected traffic, its memory with the endpoints; its replicas stay", () => {
    const file = 'topologies/calibration/istio-benchmark.yaml';
    const ambient = runTopology(load(file, 'istio-ambient')).resources;
    const waypoint = runTopology(load(file, 'istio-ambient-waypoint')).resources;
    const wp = waypoint.proxies.find((f) => f.kind === 'waypoint');
    if (!wp) throw new Error('no waypoint fleet');
    // One pod today, 1,000 projected: the waypoint's busy CPU × 1,000, plus its idle CPU once (0.003 vCPU).
    const extra = waypoint.projection.proxyVcpu - ambient.projection.proxyVcpu;
    expect(extra / ((wp.vcpu - 0.003) * 1000 + 0.003)).toBeCloseTo(1, 1);
    // Its memory grows as every proxy's does: 12 KB for each of the 999 endpoints it learns beyond today's one.
    expect(waypoint.projection.proxyMemoryGB - ambient.projection.proxyMemoryGB).toBeCloseTo(wp.memoryGB + (wp.count * 12e3 * 999) / 1e9, 6);
  });
});
