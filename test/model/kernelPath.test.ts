// nodeProxyTraffic: l7 (Cilium with L7 policy only where it is asked for):
// a call to a service without `l7: true` goes from pod to pod through the
// kernel, past the node's Envoy. What happens to that Envoy, and where the
// pod's own router gets its endpoints, must agree with that path.
import { describe, expect, it, vi } from 'vitest';
import { Engine } from '../../sim/engine/engine.js';
import { runTopology } from '../../sim/run.js';
import { topo } from './helpers.js';

const cilium = (traffic: 'all' | 'l7', back: string, timeline: string) => topo(`
name: kernel-path
zones: [za]
nodes: {a1: {zone: za}, a2: {zone: za}}
network: {sameNode: 3us, sameZone: 50us}
simulation: {seed: 3, duration: 12s, warmup: 1s}
mesh: {profile: cilium, nodeProxyTraffic: ${traffic}}
services:
  front: {nodes: [a1], workers: 8, serviceTime: 1ms, calls: [{call: back, requestSize: 1KB}]}
  back: {nodes: [a2], ${back}, responseSize: 1KB}
entrypoints:
  web: {target: front, via: direct, node: a1, arrivals: poisson, rate: 100/s}
timeline:
  - ${timeline}
`);

describe('a call that takes the kernel\'s path (nodeProxyTraffic: l7)', () => {
  it('is not reset by a crash of the node proxy it never passed', () => {
    // back takes 50 ms: about five requests are in flight at back when its node's Envoy crashes.
    const crash = '{at: 3s, until: 6s, proxyCrash: {service: back}}';
    const kernel = runTopology(cilium('l7', 'workers: 64, serviceTime: 50ms', crash));
    // New calls during the crash pass (nothing on their path is down), and so do those already in flight.
    expect(kernel.entrypoints[0].failed).toBe(0);
    // Through the Envoy (every call passes it under `all`) the crash still fails calls.
    const all = runTopology(cilium('all', 'workers: 64, serviceTime: 50ms', crash));
    expect(all.entrypoints[0].failed).toBeGreaterThan(0);
  });

  it('balances on endpoints the mesh keeps current: a rollout costs a few stale picks, not every call after it', () => {
    const r = runTopology(cilium('l7', 'replicas: 2, workers: 8, serviceTime: 1ms', '{at: 3s, rollout: {service: back, startup: 1s}}'));
    const e = r.entrypoints[0];
    // Before: the pods' routers never got a push, so after the old pods left nearly every call failed (stale-endpoint).
    expect(e.failed).toBeGreaterThan(0);
    expect(e.errorRate).toBeLessThan(0.1);
    // The stale view is the mesh's control plane's (the agent programs the kernel's service maps).
    expect(e.failures.every((f) => f.cause === 'stale-endpoint' && f.mesh)).toBe(true);
  });
});

describe('timers swept from the event queue', () => {
  it('leave every result as it was when many of the timers kept do fire', () => {
    // A 4 s per-try timeout and a 10 s timeout on every call, 3,000 calls a second: over 16,384 timers
    // queued, so the queue is swept; 1 % of b's answers take 6 s, so per-try timeouts fire and retries follow.
    const t = topo(`
name: firing-timers
simulation: {seed: 5, duration: 20s, warmup: 1s}
mesh:
  profile: istio-sidecar
  mtls: {enabled: false}
  resilience:
    timeout: 10s
    retries: {attempts: 2, perTryTimeout: 4s, retryOn: [5xx, reset, timeout], backoff: {base: 1ms, max: 1ms}}
services:
  a: {replicas: 2, workers: 256, serviceTime: 100us, calls: [b]}
  b: {replicas: 2, workers: 256, serviceTime: 1ms}
entrypoints:
  web: {target: a, via: direct, rate: 3000/s}
timeline:
  - {at: 0s, delay: {service: b, delay: 6s, probability: 0.01}}
`);
    const summary = () => {
      const r = runTopology(t, {}) as unknown as { run: { events: number }; attemptFailures: Array<{ cause: string; count: number }> };
      const fired = r.attemptFailures.filter((f) => f.cause === 'timeout').reduce((n, f) => n + f.count, 0);
      r.run.events = 0; // the swept timers are not processed events: the one output that may move
      return { text: JSON.stringify(r), fired };
    };
    const compact = vi.spyOn(Engine.prototype, 'compact');
    let swept: { text: string; fired: number };
    let kept: { text: string; fired: number };
    try {
      swept = summary();
      expect(compact.mock.calls.length).toBeGreaterThan(0);
      compact.mockReturnValue(0);
      kept = summary();
    } finally {
      compact.mockRestore();
    }
    expect(swept.fired).toBeGreaterThan(100);
    expect(swept.text).toBe(kept.text);
  });
});
