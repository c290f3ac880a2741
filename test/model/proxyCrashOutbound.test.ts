// A proxy's crash kills every stream it holds: its own outbound calls (those
// it carried for the apps behind it, or for an entry point's client on its
// node) fail at the crash as a reset (outbound-proxy-reset, UC), are not
// retried by the dead proxy, and give back their circuit-breaker, least-request
// and connection counts at once; tries it held in its queues (Linkerd's for
// an endpoint, the circuit breaker's) are not sent by its next process.
// Each case runs with no timeout (a call runs its own tries: ownTries) and
// with one (each try a frame of its own).
import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import type { RunResult } from '../../sim/results/types.js';
import { topo } from './helpers.js';

const failedBetween = (r: RunResult, from: number, to: number) =>
  r.timeline.points.filter((p) => p.t >= from && p.t < to).reduce((s, p) => s + p.failed, 0);
const count = (list: Array<{ cause: string; count: number }>, cause: string) =>
  list.filter((f) => f.cause === cause).reduce((s, f) => s + f.count, 0);

const TIMEOUTS = [['no timeout (own tries)', 'none'], ['a timeout (try frames)', '60s']] as const;

describe("a proxy's crash resets its own outbound calls", () => {
  describe.each(TIMEOUTS)('with %s', (_, timeout) => {
    it("gives the circuit breaker's counts of its tries in flight back at the crash", () => {
      // 20 closed-loop users through front's sidecar to back (2 s each): 20 tries in flight, under maxRequests 30.
      // front's sidecar is down 10–10.2 s: the users' requests are reset and refused, and at its restart all 20
      // send again. Before: the 20 tries cut at the crash still counted until back answered them (~12 s), so
      // the restarted proxy saw up to 40 in flight and failed those past 30 (UO: 20 requests before back answered).
      const r = runTopology(topo(`name: crash-cb
simulation: {seed: 5, duration: 20s, warmup: 2s}
mesh: {profile: istio-sidecar, resilience: {retries: none, timeout: ${timeout}}}
services:
  front: {replicas: 1, workers: 100, serviceTime: 1ms, calls: [back]}
  back: {replicas: 1, workers: 100, serviceTime: 2s, resilience: {circuitBreaker: {maxConnections: 1000, maxPending: 1000, maxRequests: 30}}}
entrypoints:
  users: {target: front, arrivals: closed, users: 20, thinkTime: 50ms, via: direct}
timeline:
  - {at: 10s, until: 10200ms, proxyCrash: {replica: front-0}}
`));
      const users = r.entrypoints[0];
      expect(count(users.failures, 'circuit-open')).toBe(0);
      // The 20 tries front's sidecar had in flight failed as its resets (their caller's request was reset already).
      expect(count(r.attemptFailures, 'outbound-proxy-reset')).toBe(20);
    });

    it("an entry point's client behind the crashed node proxy sees its requests reset at the crash (ambient)", () => {
      // The client is on n1, whose ztunnel crashes at 10 s (with c-0's); a (1 s a request) is on n2. Before: the
      // 51 requests in flight went on through the dead ztunnel and succeeded by ~11 s.
      const r = runTopology(topo(`name: crash-ambient
simulation: {seed: 5, duration: 20s, warmup: 2s}
mesh: {profile: istio-ambient, resilience: {timeout: ${timeout}}}
zones: [z1]
nodes: {n1: {zone: z1}, n2: {zone: z1}}
services:
  a: {replicas: 1, workers: 100, serviceTime: 1s, nodes: [n2]}
  c: {replicas: 1, workers: 1, serviceTime: 1ms, nodes: [n1]}
entrypoints:
  w: {target: a, arrivals: constant, rate: 50/s, via: mesh, node: n1}
timeline:
  - {at: 10s, until: 10500ms, proxyCrash: {replica: c-0}}
`));
      const w = r.entrypoints[0];
      expect(count(w.failures, 'outbound-proxy-reset')).toBe(51);
      expect(w.failures.find((f) => f.cause === 'outbound-proxy-reset')).toMatchObject({ flag: 'UC', mesh: true, service: 'a' });
      // Those sent while it is down are refused (25 in 0.5 s); nothing else fails, and all in the crash's second.
      expect(count(w.failures, 'outbound-proxy-down')).toBe(25);
      expect(w.failed).toBe(76);
      expect(failedBetween(r, 10, 11)).toBe(76);
    });

    it("tries held in Linkerd's queue for an endpoint fail at the crash: the restarted proxy holds its own for 3 s", () => {
      // back-0's sidecar is down 10–20 s: front's proxy holds back's tries from 10 s. front's sidecar crashes
      // at 11 s, back at 11.1 s: a new process, which holds the tries after it from 11.1 s, until 14.1 s.
      // Before: the tries its last process held stayed queued, with that queue's timer, which ran out at 13 s
      // and put the new proxy into fail-fast then (~190 held failed with a 504, every later one at once).
      const r = runTopology(topo(`name: crash-held
simulation: {seed: 3, duration: 30s, warmup: 5s}
mesh: {profile: linkerd, resilience: {retries: none, timeout: ${timeout}}}
services:
  front: {replicas: 1, workers: 1000, serviceTime: 1ms, calls: [back]}
  back: {replicas: 1, workers: 64, serviceTime: {dist: exponential, mean: 2ms}}
entrypoints:
  web: {target: front, rate: 100/s, via: direct}
timeline:
  - {at: 10s, until: 20s, proxyCrash: {replica: back-0}}
  - {at: 11s, until: 11100ms, proxyCrash: {replica: front-0}}
`));
      expect(failedBetween(r, 12, 14)).toBe(0);
      expect(failedBetween(r, 14, 15)).toBeGreaterThan(250);
      // The ~100 tries held 10–11 s failed at the crash, their callers' requests reset with it.
      expect(count(r.attemptFailures, 'outbound-proxy-reset')).toBeGreaterThan(90);
    });
  });
});
