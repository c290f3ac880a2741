import { describe, expect, it } from 'vitest';
import { atRate, within } from './helpers.js';

// Bremler-Barr et al., arXiv 2411.02267: the mTLS test case
// (topologies/calibration/mtls-comparison.yaml). The published ordering of
// added latency is Ambient < Linkerd < Cilium < Istio sidecar; the model
// gets it from each data plane's shape and costs: ztunnel is a cheap L4
// proxy, Linkerd's sidecars are light L7 proxies, Cilium's per-node Envoy is
// shared by every pod on the node, Istio runs two Envoys with heavy
// telemetry, whose worker threads start to queue as load grows.
describe('mTLS comparison (3200 RPS, 200 ms server, one shared 8-core node)', () => {
  const file = 'topologies/calibration/mtls-comparison.yaml';
  const meshes = ['none', 'istio-ambient', 'linkerd', 'cilium', 'istio-sidecar'];
  const addedAt = (rate: number): number[] => {
    const runs = meshes.map((m) => atRate(file, m, rate, { duration: 20, warmup: 4 }));
    const base = runs[0].entrypoints[0].latency.mean;
    return runs.slice(1).map((r) => r.entrypoints[0].latency.mean - base);
  };
  const at3200 = addedAt(3200);

  it('orders the added mean latency Ambient < Linkerd < Cilium < Istio sidecar', () => {
    const [ambient, linkerd, cilium, istio] = at3200;
    expect(ambient).toBeGreaterThan(0);
    expect(ambient).toBeLessThan(linkerd);
    expect(linkerd).toBeLessThan(cilium);
    expect(cilium).toBeLessThan(istio);
  });

  it("Istio sidecar's overhead grows with load, by queueing at its worker threads", () => {
    const istio = [addedAt(1600)[3], at3200[3], addedAt(4800)[3]];
    expect(istio[1]).toBeGreaterThan(istio[0] * 1.05);
    expect(istio[2]).toBeGreaterThan(istio[1] * 1.2);
    const heavy = atRate(file, 'istio-sidecar', 4800, { duration: 20, warmup: 4 }).entrypoints[0].decomposition;
    const light = atRate(file, 'istio-sidecar', 1600, { duration: 20, warmup: 4 }).entrypoints[0].decomposition;
    expect(heavy.proxyQueue).toBeGreaterThan(5 * light.proxyQueue);
  });
});

// The 2021 Linkerd-vs-Istio benchmark on emojivoto
// (topologies/calibration/emojivoto.yaml) at 20, 200 and 2000 RPS.
describe('Linkerd vs Istio on emojivoto (2021 benchmark shape)', () => {
  const file = 'topologies/calibration/emojivoto.yaml';
  for (const rate of [20, 200, 2000]) {
    // Only the median and p99 are asserted: the model's maxima differ by noise
    // (the ordering of the max flips on other seeds), not by a heavier Istio tail.
    it(`at ${rate} RPS Linkerd adds less at the median and at p99`, () => {
      const duration = rate === 20 ? 600 : 120;
      const [none, linkerd, istio] = ['none', 'linkerd', 'istio-sidecar'].map((m) => atRate(file, m, rate, { duration }).entrypoints[0].latency);
      expect(linkerd.p50 - none.p50).toBeGreaterThan(0);
      expect(linkerd.p50 - none.p50).toBeLessThan(istio.p50 - none.p50);
      expect(istio.p99 - none.p99).toBeGreaterThan(linkerd.p99 - none.p99);
    });
  }

  it('a Linkerd proxy takes the benchmark\'s 26.3 MB (±15 %)', () => {
    const r = atRate(file, 'linkerd', 200, { duration: 30 }).resources;
    const sidecar = r.proxies.find((p) => p.kind === 'sidecar');
    expect(within(sidecar?.memoryMBPerProxy ?? 0, 26.3, 0.15)).toBe(true);
  });
});
