/**
 * The control planes' memory at the published points, through the invoice's
 * projection (a fleet of N pods, each proxy connected, each pod an
 * endpoint): istiod's two-point fit and Linkerd's one point. Like the
 * proxies' memory rows, these check the arithmetic of the fit, not a
 * mechanism that produced it.
 */
import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import { load, within } from './helpers.js';

/** emojivoto (its load generator in a meshed pod) under `mesh`, projected to `pods` pods. */
function projected(mesh: string, pods: number) {
  const t = load('topologies/calibration/emojivoto.yaml', mesh);
  t.costs.projectPods = pods;
  return runTopology(t, { duration: 10, warmup: 2 }).resources.projection.controlPlane;
}

describe('control plane memory at the published points', () => {
  it('istiod: 1.5 GB at 2000 sidecars and endpoints (Istio 1.20 docs), ~597 MB at the 2021 benchmark\'s ~180 (Istio 1.12)', () => {
    const docs = projected('istio-sidecar', 2000).memoryGB;
    const benchmark = projected('istio-sidecar', 180).memoryGB;
    expect(within(docs, 1.5, 0.01), `${docs} GB`).toBe(true);
    expect(within(benchmark, 0.597, 0.02), `${benchmark} GB`).toBe(true);
  });

  it('Linkerd: 365 MB at the 2021 benchmark\'s ~180 (Linkerd 2.11.1), lighter than istiod at any size', () => {
    const linkerd = projected('linkerd', 180).memoryGB;
    expect(within(linkerd, 0.365, 0.02), `${linkerd} GB`).toBe(true);
    expect(projected('linkerd', 2000).memoryGB).toBeLessThan(projected('istio-sidecar', 2000).memoryGB);
  });
});
