import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import type { RunResult } from '../../sim/results/types.js';
import { sidecarFleet, topo } from './helpers.js';

// A timeout makes the caller's proxy reset the upstream request it gives up
// on. On HTTP/1.1 (one stream a connection, Istio's sidecars) Envoy cannot
// reset a request and keep its connection: its HTTP/1 pool closes the
// connection (onResetStream → codec_client_->close()). So with an idle
// timeout of an hour, the only closes are the cuts, and in steady state
// every connection closed is replaced: new connections (handshakes plus
// resumptions) = timed-out tries, up to the pool's size at the window's
// ends. Over HTTP/2 (Linkerd, 100 streams) a reset ends one stream and the
// one connection stays.
//
// Before the fix the abandoned try kept its connection until the callee's
// late answer came back, then handed it back to the pool: 7,454 timeouts
// over 100 s cost 3 resumptions, and the pool held ~11 connections a proxy
// for requests nobody waited for.

const at = (profile: string): RunResult => runTopology(topo(`
name: cut-connections
simulation: {seed: 1, duration: 70s, warmup: 10s}
mesh: {profile: ${profile}}
services:
  front: {workers: 1000, serviceTime: 0s, calls: [leaf]}
  leaf: {workers: 1000, serviceTime: {dist: exponential, mean: 10ms}, resilience: {timeout: 10ms, retries: none}}
entrypoints:
  c: {target: front, rate: 200/s, via: direct}
`));

const sidecars = sidecarFleet;

describe('a timed-out try resets its stream', () => {
  it('over HTTP/1.1 the reset closes the connection: new connections = timeouts (±20), each paid in mTLS', () => {
    const r = at('istio-sidecar');
    const e = r.entrypoints[0];
    const timeouts = e.failures.filter((f) => f.cause === 'timeout').reduce((a, f) => a + f.count, 0);
    // About e^(−100 × 10 ms) ≈ 37 % of 12,000 requests time out (a little more: the proxies' time counts).
    expect(timeouts).toBeGreaterThan(4000);
    const s = sidecars(r);
    const opened = s.handshakes + s.resumptions;
    // Over 6 seeds the difference was −2 … 2.
    expect(Math.abs(opened - timeouts)).toBeLessThanOrEqual(20);
    // The new connections are on the requests' path: the request that opens one pays a resumption, 150 µs of
    // CPU at each end (Istio's resumeCpu; the legs are free here), so a request pays 2 × 150 µs × opened / completed.
    expect(Math.abs(e.decomposition.mtls / ((2 * 150e-6 * opened) / e.completed) - 1)).toBeLessThan(0.1);
    // Open connections are those of live requests (λ × E[min(S, τ)] ≈ 1.3 a pair) and the pool's spares, not the
    // abandoned tries' (which held ~11 a proxy before).
    expect(s.meanConnectionsPerProxy).toBeLessThan(4);
  });

  it('over HTTP/2 a reset ends one stream: the one connection stays (Linkerd)', () => {
    const r = at('linkerd');
    const s = sidecars(r);
    expect(r.entrypoints[0].failed).toBeGreaterThan(4000);
    expect(s.handshakes + s.resumptions).toBeLessThanOrEqual(1);
    expect(s.meanConnectionsPerProxy).toBeCloseTo(1, 6);
  });
});
