import { describe, expect, it } from 'vitest';
import { loadTopologyFile, runTopology, compareMeshes, formatDiagnostics, listMeshProfiles } from '../../sim/index.js';

describe('library API (the README example)', () => {
  it('runs and compares through the public entry point', () => {
    const { topology, diagnostics } = loadTopologyFile('topologies/bookinfo.yaml');
    if (!topology) throw new Error(formatDiagnostics(diagnostics));
    const result = runTopology(topology, { seed: 7, duration: 20, warmup: 2 });
    expect(result.entrypoints[0].latency.p99).toBeGreaterThan(0);
    expect(result.resources.proxyVcpu).toBe(0);
    const meshes = ['none', 'istio-sidecar', 'linkerd'].map((mesh) => {
      const t = loadTopologyFile('topologies/bookinfo.yaml', { mesh }).topology;
      if (!t) throw new Error(mesh);
      return t;
    });
    const invoice = compareMeshes(meshes, { duration: 20 });
    expect(invoice.invoice[0].rows.map((r) => r.mesh)).toEqual(['none', 'istio-sidecar', 'linkerd']);
    expect(invoice.invoice[0].rows[1].p50.delta).toBeGreaterThan(0);
    expect(listMeshProfiles()).toEqual(['cilium', 'istio-ambient', 'istio-ambient-waypoint', 'istio-sidecar', 'linkerd', 'none']);
  });
});
