// The circuit breaker's count of tries in flight, checked after every event
// of small runs: never over maxRequests or maxConnections × the
// connection's streams, and never under it while a try waits for a
// connection. The results show a breach only where it happens to change a
// latency (see policies.test.ts); here every event is looked at, whatever
// the topology makes of it.
import { describe, expect, it, vi } from 'vitest';
import { Engine, type EventDispatcher } from '../../sim/engine/engine.js';
import { runTopology } from '../../sim/run.js';
import { topo } from './helpers.js';

/** What the check reads of the simulation's own state (private to it: a test's view, not an API). */
interface Breaker { maxConnections: number; maxRequests: number }
interface Inside {
  policy: { active: Int32Array; pairs: number; slots: Map<number, number>; pendingCount(slot: number): number };
  model: { services: Array<{ resilience: { circuitBreaker: Breaker | null } }>; mtls: { streamsPerConnection: number } };
}

interface Breaches { over: number; idle: number; queued: number; firstAt: number }

/** Runs the topology; after each event, every pair of a service with a breaker is checked against its limit. */
function breaches(yaml: string): Breaches {
  const out: Breaches = { over: 0, idle: 0, queued: 0, firstAt: -1 };
  const attach = Engine.prototype.attach;
  const spy = vi.spyOn(Engine.prototype, 'attach').mockImplementation(function (this: Engine, d: EventDispatcher, kinds: number) {
    attach.call(this, d, kinds);
    const inside = d as unknown as Inside;
    const engine = this;
    const dispatch = d.dispatch.bind(d);
    const limit: number[] = [];
    d.dispatch = (kind: number, a: number, b: number) => {
      dispatch(kind, a, b);
      const { policy, model } = inside;
      if (limit.length < policy.pairs) {
        const services = model.services.length;
        // A slot's key is router × services + service.
        for (const [key, slot] of policy.slots) {
          const cb = model.services[key % services].resilience.circuitBreaker;
          limit[slot] = cb ? Math.min(cb.maxRequests, cb.maxConnections * model.mtls.streamsPerConnection) : Infinity;
        }
      }
      for (let s = 0; s < policy.pairs; s++) {
        if (limit[s] === Infinity) continue;
        const active = policy.active[s];
        if (policy.pendingCount(s) > 0) out.queued++;
        const bad = active > limit[s] || (active < limit[s] && policy.pendingCount(s) > 0);
        if (active > limit[s]) out.over++;
        else if (bad) out.idle++;
        if (bad && out.firstAt < 0) out.firstAt = engine.now;
      }
    };
  });
  try {
    runTopology(topo(yaml));
  } finally {
    spy.mockRestore();
  }
  return out;
}

/** front calling back (two pods), back's breaker in `resilience`; constant service times, so events tie. */
function frontBack(mesh: string, calls: string, resilience: string, timeline: string[] = []): string {
  return `name: breaker-invariant
simulation: {seed: 2, duration: 6s}
mesh: ${mesh}
services:
  front: {replicas: 1, workers: 64, serviceTime: 1ms, calls: ${calls}}
  back: {replicas: 2, workers: 4, serviceTime: 3ms, l7: true, resilience: ${resilience}}
entrypoints:
  web: {target: front, rate: 300/s, via: direct}
${timeline.length > 0 ? `timeline:\n${timeline.map((e) => `  - ${e}`).join('\n')}\n` : ''}`;
}

const ONE = 'circuitBreaker: {maxConnections: 1, maxPending: 50}';
const TWO = 'circuitBreaker: {maxConnections: 2, maxPending: 50, maxRequests: 3}';
const retried = 'retries: {attempts: 3, perTryTimeout: 4ms, backoff: {base: 1ms, max: 1ms}, retryOn: [5xx, reset, timeout, connect-failure]}';
const backDown = ['{at: 2s, until: 3s, proxyCrash: {replica: back-0}}', '{at: 2500ms, until: 4s, proxyCrash: {replica: back-1}}'];

const cases: Array<[string, string]> = [
  // The caller's next call starts as its last one's answer comes back, the instant that try hands its room on.
  ['a client library, HTTP/1, a call after a call', frontBack('{profile: none}', '[back, back]', `{retries: none, ${ONE}}`)],
  ['a client library, two streams a connection', frontBack('{profile: none, mtls: {streamsPerConnection: 2}}', '[back, back]', `{retries: none, ${ONE}}`)],
  ['a client library under sidecars, two connections', frontBack('istio-sidecar', '[back, back]', `{placement: client, retries: none, ${TWO}}`)],
  ['tries cut by their timeouts, some while handed their room', frontBack('{profile: none}', '[back, back]',
    `{placement: mesh, timeout: 12ms, ${retried}, ${ONE}}`, ['{at: 2s, until: 3s, abort: {replica: back-0, status: 503, probability: 0.5}}'])],
  // Linkerd holds tries for an endpoint while back's sidecars are down, giving up their room, and takes it again on release.
  ["Linkerd's queue for an endpoint", frontBack('linkerd', '[back]', `{retries: none, ${ONE}}`, backDown)],
  ["Linkerd's queue for an endpoint, with timeouts and retries", frontBack('{profile: linkerd, mtls: {streamsPerConnection: 2}}', '[back, back]',
    `{timeout: 20ms, ${retried}, ${ONE}}`, backDown)],
  ['a caller sidecar crashing with tries queued', frontBack('istio-sidecar', '[back, back]', `{${retried}, ${ONE}}`,
    ['{at: 2s, until: 2100ms, proxyCrash: {replica: front-0}}', '{at: 3s, until: 3100ms, proxyCrash: {replica: back-0}}'])],
  ["a waypoint's breaker, one stream a connection", frontBack('{profile: istio-ambient-waypoint, mtls: {streamsPerConnection: 1}}', '[back, back]', `{retries: none, ${ONE}}`)],
];

describe("the circuit breaker's count, after every event", () => {
  for (const [name, yaml] of cases) {
    it(name, () => {
      const b = breaches(yaml);
      // Tries did wait for a connection (else there was nothing to hand on)…
      expect(b.queued).toBeGreaterThan(0);
      // …and no event left the count over the limit, or under it with a try still waiting.
      expect(b).toEqual({ over: 0, idle: 0, queued: b.queued, firstAt: -1 });
    });
  }
});
