import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import { resultJson } from '../../sim/cli/program.js';
import { topoFile } from './helpers.js';
import { loadTopologyFile } from '../../sim/topology/load.js';

describe('determinism', () => {
  const checkout = topoFile('topologies/checkout.yaml');
  const opts = { duration: 40, warmup: 5 };

  it('same topology and seed ⇒ byte-identical JSON', () => {
    expect(resultJson(runTopology(checkout, opts))).toBe(resultJson(runTopology(checkout, opts)));
  });

  it('watching progress changes nothing: byte-identical JSON, shares rising to 1', () => {
    const sidecar = topoFile('topologies/checkout.yaml', 'istio-sidecar');
    for (const [options, label] of [[opts, 'duration'], [{ requests: 3000, replications: 2 }, 'requests, 2 replications']] as const) {
      const seen: number[] = [];
      const watched = runTopology(sidecar, options, { onProgress: (f) => seen.push(f), progressEvery: 5000 });
      expect(resultJson(watched), label).toBe(resultJson(runTopology(sidecar, options)));
      // Many chunks of 5,000 events, each reported, in order, ending at exactly 1.
      expect(seen.length, label).toBeGreaterThan(10);
      expect(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1])), label).toBe(true);
      expect(seen.at(-1), label).toBe(1);
      expect(seen.filter((f) => f === 1).length, label).toBe(1);
    }
  });

  it('a different seed ⇒ different numbers', () => {
    const a = runTopology(checkout, opts);
    const b = runTopology(checkout, { ...opts, seed: 2025 });
    expect(b.entrypoints[0].latency.mean).not.toBe(a.entrypoints[0].latency.mean);
  });

  it('adding a service elsewhere leaves the other components’ random draws unchanged', () => {
    const base = topoFile('topologies/mm1.yaml');
    const extra = {
      ...base,
      services: [...base.services, { ...base.services[0], name: 'unrelated' }],
      entrypoints: [...base.entrypoints, { ...base.entrypoints[0], name: 'other', target: 'unrelated' }],
    };
    const a = runTopology(base, { duration: 100 });
    const b = runTopology(extra, { duration: 100 });
    expect(b.entrypoints[0]).toEqual(a.entrypoints[0]);
  });

  it('golden numbers for bookinfo, seed 42, 30 s', () => {
    const r = runTopology(topoFile('topologies/bookinfo.yaml'), { duration: 30 });
    const e = r.entrypoints[0];
    expect({ completed: e.completed, mean: e.latency.mean, p99: e.latency.p99, events: r.run.events }).toMatchInlineSnapshot(`
      {
        "completed": 3897,
        "events": 70268,
        "mean": 0.008392716648783908,
        "p99": 0.020342459852428683,
      }
    `);
  });

  it('golden numbers for bookinfo under istio-sidecar, seed 42, 30 s', () => {
    const { topology } = loadTopologyFile('topologies/bookinfo.yaml', { mesh: 'istio-sidecar' });
    const r = runTopology(topology as NonNullable<typeof topology>, { duration: 30 });
    const e = r.entrypoints[0];
    const s = r.resources.proxies[0];
    expect({
      completed: e.completed, mean: e.latency.mean, p99: e.latency.p99, events: r.run.events,
      proxyWork: e.decomposition.proxyWork, sidecarVcpu: s.vcpuPerProxy, handshakes: s.handshakes,
      controlPlane: r.resources.controlPlane,
    }).toMatchInlineSnapshot(`
      {
        "completed": 3897,
        "controlPlane": {
          "certificates": 0,
          "costPerMonth": 2.3090192,
          "memoryGB": 0.5054,
          "priced": true,
          "proxyPushes": 0,
          "pushes": 0,
          "vcpu": 0.008,
        },
        "events": 242190,
        "handshakes": 0,
        "mean": 0.00909249417183024,
        "p99": 0.02181746734560832,
        "proxyWork": 0.00036386041842004143,
        "sidecarVcpu": 0.0305214391702905,
      }
    `);
  });

  it('replications: intervals come from the spread of independent seeds', () => {
    const r = runTopology(topoFile('topologies/mmc.yaml'), { duration: 60, warmup: 5, replications: 5 });
    expect(r.settings.intervals).toBe('replications');
    expect(r.settings.replications).toBe(5);
    expect(r.entrypoints[0].latency.ciParts).toBe(5);
    const [lo, hi] = r.entrypoints[0].latency.ci.mean as [number, number];
    expect(lo).toBeLessThan(0.015094);
    expect(hi).toBeGreaterThan(0.015094);
  });
});
