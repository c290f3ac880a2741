import { describe, expect, it } from 'vitest';
import { compareMeshes } from '../../sim/compare.js';
import { load } from './helpers.js';

// Istio's performance docs, reproduced by running the docs' workload
// (topologies/calibration/istio-benchmark.yaml: fortio → fortio, 1000 RPS,
// 1 KB payloads) under each profile. The vCPU and memory come out of the
// CPU-seconds the proxies are charged and the memory model; the added
// latency out of the proxies' work, the kernel legs into them and queueing.
describe('Istio performance docs (1000 RPS, 1 KB payloads)', () => {
  const file = 'topologies/calibration/istio-benchmark.yaml';
  const c = compareMeshes(['none', 'istio-sidecar', 'istio-ambient', 'istio-ambient-waypoint'].map((m) => load(file, m)));
  const [none, sidecar, ambient, waypoint] = c.runs;
  const fleet = (r: typeof none, kind: string) => {
    const f = r.resources.proxies.find((p) => p.kind === kind);
    if (!f) throw new Error(`no ${kind} proxies`);
    return f;
  };
  const added = (r: typeof none, q: 'p90' | 'p99') => r.entrypoints[0].latency[q] - none.entrypoints[0].latency[q];

  it('Istio 1.24: 0.20 vCPU and 60 MB per sidecar (±15 %)', () => {
    expect(fleet(sidecar, 'sidecar').vcpuPerProxy).toBeGreaterThan(0.2 * 0.85);
    expect(fleet(sidecar, 'sidecar').vcpuPerProxy).toBeLessThan(0.2 * 1.15);
    expect(fleet(sidecar, 'sidecar').memoryMBPerProxy).toBeGreaterThan(60 * 0.85);
    expect(fleet(sidecar, 'sidecar').memoryMBPerProxy).toBeLessThan(60 * 1.15);
  });

  it('Istio 1.24: 0.06 vCPU and 12 MB per ztunnel, 0.25 vCPU and 60 MB per waypoint (±15 %)', () => {
    const z = fleet(ambient, 'node-proxy');
    expect(Math.abs(z.vcpuPerProxy - 0.06) / 0.06).toBeLessThan(0.15);
    expect(Math.abs(z.memoryMBPerProxy - 12) / 12).toBeLessThan(0.15);
    const w = fleet(waypoint, 'waypoint');
    expect(Math.abs(w.vcpuPerProxy - 0.25) / 0.25).toBeLessThan(0.15);
    expect(Math.abs(w.memoryMBPerProxy - 60) / 60).toBeLessThan(0.15);
  });

  it('Istio 1.20: a sidecar pair adds +0.228 ms at p90 and +0.298 ms at p99 (±25 %)', () => {
    expect(Math.abs(added(sidecar, 'p90') - 0.000228) / 0.000228).toBeLessThan(0.25);
    expect(Math.abs(added(sidecar, 'p99') - 0.000298) / 0.000298).toBeLessThan(0.25);
  });

  it('Istio 1.22: two ztunnels add +0.17 ms at p90 and +0.20 ms at p99 (±25 %)', () => {
    expect(Math.abs(added(ambient, 'p90') - 0.00017) / 0.00017).toBeLessThan(0.25);
    expect(Math.abs(added(ambient, 'p99') - 0.0002) / 0.0002).toBeLessThan(0.25);
  });

  it('the added latency is proxy work and kernel legs, not the application', () => {
    const d = (r: typeof none) => r.entrypoints[0].decomposition;
    expect(d(sidecar).appWork).toBeCloseTo(d(none).appWork, 9);
    expect(d(sidecar).proxyWork).toBeGreaterThan(d(ambient).proxyWork);
    expect(d(none).proxyWork).toBe(0);
    // All four runs saw the same arrivals: the same seed feeds the same named streams.
    expect(new Set(c.runs.map((r) => r.entrypoints[0].completed)).size).toBe(1);
  });
});
