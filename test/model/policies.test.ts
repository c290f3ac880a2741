import { describe, expect, it } from 'vitest';
import { PolicyState, RetryBudget } from '../../sim/model/policies.js';
import { CAUSES, CAUSE_CIRCUIT_OPEN, CAUSE_CONNECT_FAILURE, CAUSE_INJECTED_ABORT, CAUSE_QUEUE_FULL, CAUSE_TIMEOUT, retryable } from '../../sim/model/causes.js';
import { runTopology } from '../../sim/run.js';
import { topo } from './helpers.js';

describe('per (router, service) policy state', () => {
  it('takes a try that stopped waiting out of its pending queue, keeping the order of the rest', () => {
    const p = new PolicyState(4, 2);
    const key = p.slot(1, 1);
    for (const [frame, gen] of [[10, 1], [11, 1], [12, 3]]) p.enqueuePending(key, frame, gen);
    expect(p.removePending(key, 11, 2)).toBe(false); // another life of frame 11: not this entry
    expect(p.removePending(key, 11, 1)).toBe(true);
    expect(p.pendingCount(key)).toBe(2);
    expect(p.pendingTotal).toBe(2);
    expect(p.removePending(key, 11, 1)).toBe(false);
    const alive = () => true;
    expect([p.dequeuePending(key, alive), p.dequeuePending(key, alive), p.dequeuePending(key, alive)]).toEqual([10, 12, -1]);
    expect(p.pendingTotal).toBe(0);
  });

  it('gives each pair that occurs a slot of its own, in order of first use, and keeps its counts as it grows', () => {
    // 40,000 routers × 2,000 services would be 80 M pairs if kept densely.
    const p = new PolicyState(40_000, 2_000);
    expect(p.slot(39_999, 1_999)).toBe(0);
    expect(p.slot(0, 0)).toBe(1);
    expect(p.slot(39_999, 1_999)).toBe(0);
    p.active[0] = 7;
    p.activeRetries[1] = 3;
    // Enough new pairs to make the arrays grow several times over.
    for (let r = 1; r <= 500; r++) expect(p.slot(r, r % 2_000)).toBe(r + 1);
    expect(p.pairs).toBe(502);
    expect(p.active.length).toBeGreaterThanOrEqual(502);
    expect(p.active.length).toBeLessThan(2_000);
    expect(p.active[0]).toBe(7);
    expect(p.activeRetries[1]).toBe(3);
    expect(p.slot(250, 250)).toBe(251);
  });
});

describe('Linkerd\'s retry budget', () => {
  it('allows ratio × the window\'s calls plus minPerSecond × the window, over a sliding window', () => {
    const b = new RetryBudget(0.2, 1, 10);
    for (let i = 0; i < 100; i++) b.noteCall(i * 0.05); // 100 calls in the first 5 s
    let granted = 0;
    while (b.tryRetry(5)) granted++;
    expect(granted).toBe(30); // 0.2 × 100 + 1 × 10
    // 10 s on, the calls and the retries have left the window: only the minimum is left.
    granted = 0;
    while (b.tryRetry(16)) granted++;
    expect(granted).toBe(10);
  });

  it('costs the same whatever its window (a 1,000,000 h window used to allocate a slot per second and fail)', () => {
    const b = new RetryBudget(0.2, 0, 3.6e9);
    for (let i = 0; i < 50; i++) b.noteCall(i * 1000);
    let granted = 0;
    while (b.tryRetry(60_000)) granted++;
    expect(granted).toBe(10);
  });
});

describe('retry conditions', () => {
  it('refused-stream retries a replica that refused the request for overflow (its queue full), and nothing else', () => {
    const only = ['refused-stream'] as const;
    expect(retryable(CAUSE_QUEUE_FULL, 503, [...only])).toBe(true);
    for (const cause of [CAUSE_INJECTED_ABORT, CAUSE_TIMEOUT, CAUSE_CIRCUIT_OPEN, CAUSE_CONNECT_FAILURE]) {
      expect(retryable(cause, CAUSES[cause].status, [...only]), CAUSES[cause].id).toBe(false);
    }
  });

  it('a policy with only refused-stream sends a rejected request to the other replica', () => {
    // Two replicas with no queue: a try that finds its replica busy is
    // refused, and the retry goes to the other, most likely free.
    const at = (retries: string) => runTopology(topo(`
name: refused
simulation: {seed: 1, requests: 20000}
services:
  s: {replicas: 2, workers: 1, queue: 0, serviceTime: {dist: exponential, mean: 5ms}, resilience: {retries: ${retries}}}
entrypoints: {e: {target: s, rate: 40/s}}
`));
    const plain = at('none');
    const retried = at('{attempts: 2, retryOn: [refused-stream], backoff: {base: 1ms, max: 1ms}}');
    const refused = plain.entrypoints[0].errorRate;
    expect(refused).toBeGreaterThan(0.01);
    expect(plain.services[0].retries).toBe(0);
    // Every refused first try is retried once …
    const share = retried.services[0].retries / retried.entrypoints[0].completed;
    expect(Math.abs(share - refused) / refused).toBeLessThan(0.25);
    // … and fails again only when the replica it reaches is still busy
    // (the client library's round robin may pick the same one).
    expect(retried.entrypoints[0].errorRate).toBeLessThan(0.7 * refused);
  });
});

describe("the circuit breaker's room, handed to a waiting try", () => {
  // front's one pod calls back twice in a row, under a breaker of one connection of `streams` streams, with
  // back's `streams` workers: no try over the breaker's limit means no request ever waits for a worker at
  // back. Times are constant and legs free, so as one call's answer reaches front its next call starts, at the
  // very instant the ended try hands its room to the longest waiter. Before: that waiter's dispatch came after
  // the next call, which found the room free and took it too, one over the limit, and the excess stayed (each
  // try ending handed its room on, whatever the count): 45 % of back's requests waited, up to a whole 3 ms.
  const run = (mesh: string, streams: number) => runTopology(topo(`name: handed-room
simulation: {seed: 1, duration: 10s}
mesh: {profile: ${mesh}, mtls: {streamsPerConnection: ${streams}}}
services:
  front: {replicas: 1, workers: 64, serviceTime: 1ms, calls: [back, back]}
  back: {replicas: 1, workers: ${streams}, serviceTime: 3ms, resilience: {placement: client, retries: none, circuitBreaker: {maxConnections: 1, maxPending: 1000}}}
entrypoints:
  web: {target: front, rate: ${120 * streams}/s, via: direct}
`)).services.find((s) => s.name === 'back');

  for (const [mesh, streams] of [['none', 1], ['none', 2], ['istio-sidecar', 1]] as const) {
    it(`never lets a try in over maxConnections × streams (${mesh}, ${streams} stream${streams > 1 ? 's' : ''} a connection)`, () => {
      const back = run(mesh, streams);
      // Busy enough that tries wait for the connection (front's calls are Poisson, back's 3 ms each)…
      expect(back?.utilization).toBeGreaterThan(0.5);
      // …and yet back never has more in hand than it has workers.
      expect(back?.waitProbability).toBe(0);
      expect(back?.latency.max).toBeCloseTo(0.003, 9);
    });
  }
});
