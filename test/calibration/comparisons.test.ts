import { describe, expect, it } from 'vitest';
import type { Interval } from '../../sim/stats/batched.js';
import { atRate, within } from './helpers.js';

/** The 95 % interval `a` lies wholly below `b`: a difference beyond the noise. */
const below = (a: Interval, b: Interval): boolean => a !== null && b !== null && a[1] < b[0];

// Bremler-Barr et al., arXiv 2411.02267: the mTLS test case
// (topologies/calibration/mtls-comparison.yaml). The published ordering of
// added latency is Ambient < Linkerd < Cilium < Istio sidecar; the model
// gets it from each data plane's shape and costs: ztunnel is a cheap L4
// proxy, Linkerd's sidecars are light L7 proxies, Cilium's per-node Envoy is
// shared by every pod on the node, Istio runs two Envoys with heavy
// telemetry, whose worker threads start to queue as load grows. The shared
// cores play no part: about 2 of the 8 are busy, and the means are the same
// with cpu: dedicated. Cilium below Istio rests on its node Envoy's lighter
// telemetry (30 µs, no source; above ~60 µs it passes Istio).
describe('mTLS comparison (3200 RPS, 200 ms server, one shared 8-core node)', () => {
  const file = 'topologies/calibration/mtls-comparison.yaml';
  const meshes = ['none', 'istio-ambient', 'linkerd', 'cilium', 'istio-sidecar'];
  const addedAt = (rate: number): number[] => {
    const runs = meshes.map((m) => atRate(file, m, rate, { duration: 20, warmup: 4 }));
    const base = runs[0].entrypoints[0].latency.mean;
    return runs.slice(1).map((r) => r.entrypoints[0].latency.mean - base);
  };
  const added = new Map([1600, 3200, 4800].map((rate) => [rate, addedAt(rate)]));
  const at = (rate: number): number[] => added.get(rate) ?? [];

  // The paper measured at 3200 RPS; the order holding at half and one and a
  // half times that load says it is not an accident of one operating point.
  for (const rate of [1600, 3200, 4800]) {
    it(`orders the added mean latency Ambient < Linkerd < Cilium < Istio sidecar at ${rate} RPS`, () => {
      const [ambient, linkerd, cilium, istio] = at(rate);
      expect(ambient).toBeGreaterThan(0);
      expect(ambient).toBeLessThan(linkerd);
      expect(linkerd).toBeLessThan(cilium);
      expect(cilium).toBeLessThan(istio);
    });
  }

  it("Istio sidecar's overhead grows with load, by queueing at its worker threads", () => {
    const istio = [at(1600)[3], at(3200)[3], at(4800)[3]];
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
    // The published figure is the median. The means are asserted as well:
    // every mesh sees the same arrivals and service times (one seed, named
    // streams), so the difference of the added means is Istio's extra cost on
    // the request's path, 0.08 ms at 20 and 200 RPS (0.33 ms at 2000, where
    // Istio queues), and moves by a few µs across seeds.
    // p99 only at 2000 RPS, with the 95 % intervals apart: below that Istio's
    // p99 is at most one histogram bucket (1 %, ~0.1 ms) above Linkerd's,
    // inside both intervals and equal on some seeds; at 2000 RPS Istio's two
    // workers queue behind its telemetry. The maxima are not asserted: their
    // order is noise.
    it(`at ${rate} RPS Linkerd adds less at the median and on average${rate === 2000 ? ', and at p99' : ''}`, () => {
      const duration = rate === 20 ? 600 : 120;
      const [none, linkerd, istio] = ['none', 'linkerd', 'istio-sidecar'].map((m) => atRate(file, m, rate, { duration }).entrypoints[0].latency);
      expect(linkerd.p50 - none.p50).toBeGreaterThan(0);
      expect(linkerd.p50 - none.p50).toBeLessThan(istio.p50 - none.p50);
      expect(linkerd.mean - none.mean).toBeLessThan(istio.mean - none.mean);
      if (rate === 2000) expect(below(linkerd.ci.p99, istio.ci.p99), `p99 ${JSON.stringify([linkerd.ci.p99, istio.ci.p99])}`).toBe(true);
    });
  }

  it('a Linkerd proxy takes the benchmark\'s 26.3 MB (±15 %)', () => {
    const r = atRate(file, 'linkerd', 200, { duration: 30 }).resources;
    const sidecar = r.proxies.find((p) => p.kind === 'sidecar');
    expect(within(sidecar?.memoryMBPerProxy ?? 0, 26.3, 0.15)).toBe(true);
  });
});
