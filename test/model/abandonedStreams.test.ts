import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import type { RunResult } from '../../sim/results/types.js';
import { sidecarFleet, topo } from './helpers.js';

// A try a timeout gives up on has its upstream request reset (RST_STREAM over
// HTTP/2, as Envoy and Linkerd do when a per-try or route timeout fires). Its
// stream is free from the cut on, and the callee's answer, when it comes, is
// not proxied back: nobody downstream will read it. The callee's application
// does not know and finishes its work. Before the fix an abandoned try held
// its HTTP/2 stream until its late answer came back, and the callee's proxy
// processed, encrypted and forwarded that answer.

const sidecars = sidecarFleet;

describe('an abandoned try over HTTP/2 frees its stream at the cut', () => {
  it('a retry takes the stream its timed-out try held, on the same connection', () => {
    // One request, two streams a connection; every try takes 50 ms and is cut at 10 ms, three tries.
    // Held until the late answers, tries 1 and 2 filled the connection and try 3 opened a second one (2 opened).
    const r = runTopology(topo(`
name: retry-reuses-stream
simulation: {seed: 1, requests: 1}
mesh: {profile: linkerd, mtls: {streamsPerConnection: 2}}
services:
  front: {serviceTime: 0s, calls: [leaf]}
  leaf: {serviceTime: 50ms, resilience: {retries: {attempts: 3, perTryTimeout: 10ms, retryOn: [timeout], backoff: {base: 1ms, max: 1ms}}}}
entrypoints:
  c: {target: front, rate: 1/s, via: direct}
`));
    expect(r.services.find((s) => s.name === 'leaf')?.retries).toBe(2);
    const s = sidecars(r);
    // The one connection front → leaf carries all three tries (plus none other: the entry is direct).
    expect(s.handshakes + s.resumptions).toBe(1);
  });

  it('in a timeout storm the pool holds the live tries\' streams, not the abandoned ones\'', () => {
    // 200/s to a leaf taking 100 ms on average (exponential), cut at 10 ms: ~90 % time out. Streams in use
    // are the live tries', λ × E[min(S, τ)] = 200 × 0.1 × (1 − e^−0.1) ≈ 1.9 on average, peaking near 9 over a
    // minute: at 4 streams a connection the pool needs ~3. Held until the late answers, they were λ × E[S] = 20
    // on average and the pool grew to ~10 connections (9.46 per proxy, time-averaged, seed 1).
    const r = runTopology(topo(`
name: storm
simulation: {seed: 1, duration: 70s, warmup: 10s}
mesh: {profile: linkerd, mtls: {streamsPerConnection: 4}}
services:
  front: {workers: 1000, serviceTime: 0s, calls: [leaf]}
  leaf: {workers: 1000, serviceTime: {dist: exponential, mean: 100ms}, resilience: {timeout: 10ms, retries: none}}
entrypoints:
  c: {target: front, rate: 200/s, via: direct}
`));
    expect(r.entrypoints[0].failed / r.entrypoints[0].completed).toBeGreaterThan(0.85);
    const s = sidecars(r);
    expect(s.meanConnectionsPerProxy).toBeGreaterThanOrEqual(1);
    expect(s.meanConnectionsPerProxy).toBeLessThan(4);
  });
});

describe('an abandoned try waiting for its connection\'s handshake', () => {
  it('gives its place back: the connection, once up, serves the retry (HTTP/1.1 too)', () => {
    // 20 ms a leg (one node): the first connection's handshake (2 round trips) takes over 80 ms, and the first
    // try is cut at 50 ms while it waits for it. Its pending request is cancelled, so the retry joins that
    // connection instead of opening a second (before: a handshake and a resumption, the first connection held
    // by a try nobody waited for). The retry is cut too (it reaches the leaf after 100 ms): both fail, UT.
    const r = runTopology(topo(`
name: cut-in-handshake
simulation: {seed: 1, requests: 1}
network: {sameNode: 20ms}
mesh: {profile: istio-sidecar}
services:
  front: {serviceTime: 0s, calls: [leaf]}
  leaf: {serviceTime: 1ms, resilience: {retries: {attempts: 2, perTryTimeout: 50ms, retryOn: [timeout], backoff: {base: 1ms, max: 1ms}}}}
entrypoints:
  c: {target: front, rate: 1/s, via: direct}
`));
    expect(r.services.find((s) => s.name === 'leaf')?.retries).toBe(1);
    const s = sidecars(r);
    expect(s.handshakes + s.resumptions).toBe(1);
  });
});

describe('a try cut before its proxy sent it on', () => {
  it('opens no connection for a request that was reset', () => {
    // The client library's 10 ms timeout cuts the try on its 20 ms way to its own sidecar; the sidecar gets the
    // request and then its reset, so it has nothing to send on (before: it opened a connection for it).
    const r = runTopology(topo(`
name: cut-before-sent
simulation: {seed: 1, requests: 1}
network: {sameNode: 20ms}
mesh: {profile: istio-sidecar}
services:
  front: {serviceTime: 0s, calls: [leaf]}
  leaf: {serviceTime: 1ms, resilience: {placement: client, timeout: 10ms, retries: none}}
entrypoints:
  c: {target: front, rate: 1/s, via: direct}
`));
    expect(r.entrypoints[0].failed).toBe(1);
    const s = sidecars(r);
    expect(s.handshakes + s.resumptions).toBe(0);
  });
});

describe('the answer to an abandoned try is not proxied back', () => {
  // Every try is cut (the leaf takes a constant 50 ms, the timeout is 10 ms), with constant proxy costs, no
  // idle CPU, no request bytes and no mTLS, so the sidecars' CPU can be counted pass by pass: 30 µs a request
  // pass, 20 µs a response pass plus 1 µs a KB. A request passes front's sidecar in (30), out to the leaf
  // (30), the leaf's sidecar in (30), and front's sidecar back to its client (20). The leaf's 100 KB answer
  // comes back to a reset stream: its sidecar no longer passes it (20 + 100 µs before the fix), nor, when the
  // timeout is the client library's, does front's sidecar (another 120 µs before the fix). Front's sidecar
  // answers the mesh's own timeout with a 504 (no bytes): 20 µs.
  const storm = (placement: string): RunResult => runTopology(topo(`
name: unread-answers
simulation: {seed: 1, duration: 70s, warmup: 10s}
mesh:
  profile: linkerd
  mtls: {enabled: false}
  sidecar: {requestCost: 30us, responseCost: 20us, telemetryCost: 0s, perKB: 1us, idleCpu: 0}
services:
  front: {workers: 1000, serviceTime: 0s, calls: [{call: leaf, requestSize: 0B}]}
  leaf: {workers: 1000, serviceTime: 50ms, responseSize: 100KB, resilience: {placement: ${placement}, timeout: 10ms, retries: none}}
entrypoints:
  c: {target: front, rate: 200/s, arrivals: constant, via: direct, requestSize: 0B}
`));

  // vCPU = rate × CPU a request.
  const cpuPerRequest = (r: RunResult): number => sidecars(r).vcpu / 200;

  it('the timeout in the caller\'s proxy: the callee\'s proxy skips the answer (130 µs a request, was 250)', () => {
    const r = storm('mesh');
    expect(r.entrypoints[0].failed).toBe(r.entrypoints[0].completed);
    expect(cpuPerRequest(r) / 130e-6).toBeCloseTo(1, 6);
  });

  it('the timeout in the client library: neither proxy passes the answer (110 µs a request, was 350)', () => {
    const r = storm('client');
    expect(r.entrypoints[0].failed).toBe(r.entrypoints[0].completed);
    expect(cpuPerRequest(r) / 110e-6).toBeCloseTo(1, 6);
  });

  it('the callee\'s application still does its work, which it does not know nobody waits for', () => {
    const r = storm('mesh');
    // Every arrival is worked its 50 ms: 200/s through, 10 busy workers of 1,000.
    const leaf = r.services.find((s) => s.name === 'leaf');
    expect(leaf?.throughput).toBeCloseTo(200, 6);
    expect(leaf?.utilization).toBeCloseTo(0.01, 6);
  });

  it('a stream\'s telemetry is still written when it is reset', () => {
    // With 7 µs of telemetry a pass and no other cost, each of the five passes a request makes pays it: the
    // leaf's sidecar for the reset stream too.
    const r = runTopology(topo(`
name: reset-telemetry
simulation: {seed: 1, duration: 70s, warmup: 10s}
mesh:
  profile: linkerd
  mtls: {enabled: false}
  sidecar: {requestCost: 0s, responseCost: 0s, telemetryCost: 7us, perKB: 0s, idleCpu: 0}
services:
  front: {workers: 1000, serviceTime: 0s, calls: [leaf]}
  leaf: {workers: 1000, serviceTime: 50ms, resilience: {timeout: 10ms, retries: none}}
entrypoints:
  c: {target: front, rate: 200/s, arrivals: constant, via: direct}
`));
    expect(cpuPerRequest(r) / 21e-6).toBeCloseTo(1, 6);
  });
});
