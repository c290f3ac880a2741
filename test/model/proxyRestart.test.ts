// A proxy that crashes and restarts (a `proxyCrash` window ending) is a new
// process: the resilience state its last one kept in memory — Envoy's
// outlier ejections and consecutive-5xx counts, Linkerd's failure accrual,
// its fail-fast state and retry budget — is gone, as it is for a restarted
// Envoy or linkerd2-proxy, which relearn their endpoints and start counting
// afresh. A client library's state (placement: client) lives in the
// application, which the proxy's crash does not restart.
import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import type { RunResult } from '../../sim/results/types.js';
import { topo } from './helpers.js';

const failedBetween = (r: RunResult, from: number, to: number) =>
  r.timeline.points.filter((p) => p.t >= from && p.t < to).reduce((s, p) => s + p.failed, 0);

/** front (1 pod, its clients straight to its sidecar) calling back; `events` on the timeline. */
function frontBack(mesh: string, back: number, resilience: string, events: string[]): RunResult {
  return runTopology(topo(`name: restart
simulation: {seed: 3, duration: 60s, warmup: 5s}
mesh: {profile: ${mesh}, resilience: ${resilience}}
services:
  front: {replicas: 1, workers: 64, serviceTime: 1ms, calls: [back]}
  back: {replicas: ${back}, workers: 64, serviceTime: {dist: exponential, mean: 2ms}}
entrypoints:
  web: {target: front, rate: 100/s, via: direct}
timeline:
${events.map((e) => `  - ${e}`).join('\n')}
`));
}

describe('a restarted proxy starts with no resilience state', () => {
  // back-0 answers 503 at 10–11 s: front's sidecar ejects it for 30 s (until the sweep after ~40 s). It fails
  // again at 20–21 s: a proxy that still has it ejected sends it nothing, one that restarted at 12.5 s has to
  // see 3 more 503s itself before ejecting it again.
  const envoy = (placement: string, crash: boolean) => frontBack('istio-sidecar', 2,
    `{placement: ${placement}, retries: none, outlierDetection: {consecutive5xx: 3, baseEjectionTime: 30s, maxEjectionPercent: 50}}`, [
      '{at: 10s, until: 11s, abort: {replica: back-0, status: 503, probability: 1}}',
      ...(crash ? ['{at: 12s, until: 12500ms, proxyCrash: {replica: front-0}}'] : []),
      '{at: 20s, until: 21s, abort: {replica: back-0, status: 503, probability: 1}}',
    ]);

  it("Envoy's outlier ejections: a host its last process ejected is sent to again", () => {
    // Before: the restarted sidecar kept back-0 ejected, and the second fault failed nothing.
    expect(failedBetween(envoy('mesh', false), 20, 21)).toBe(0);
    expect(failedBetween(envoy('mesh', true), 20, 21)).toBe(3);
  });

  it("under placement: client the outlier detection is the client library's: the sidecar's restart leaves it", () => {
    expect(failedBetween(envoy('client', true), 20, 21)).toBe(0);
  });

  it("Linkerd's failure accrual: an endpoint shut by its last process is open again, counting from zero", () => {
    // back-0 answers 503 from 10 s on: front's proxy shuts it for 1, 2, 4, 8 s … (shut 25–41 s after the probe
    // at 25 s fails), back-1 takes the traffic. The sidecar restarts at 30.5 s: its breaker is open, sends to
    // back-0 until 7 consecutive failures shut it again (before 31 s), and backs off from 1 s again: its probes
    // fail at ~31, ~33 and ~37 s. Before: still shut from its last process, nothing failed until 41 s.
    const run = (crash: boolean) => frontBack('linkerd', 2, '{retries: none, outlierDetection: {consecutive5xx: 7}}', [
      '{at: 10s, abort: {replica: back-0, status: 503, probability: 1}}',
      ...(crash ? ['{at: 30s, until: 30500ms, proxyCrash: {replica: front-0}}'] : []),
    ]);
    expect(failedBetween(run(false), 31, 40)).toBe(0);
    expect(failedBetween(run(true), 31, 40)).toBe(3);
  });

  it("Linkerd's fail-fast: a restarted proxy holds a request for an endpoint again before failing it", () => {
    // back-0's sidecar is down 10–50 s: front's proxy holds back's requests, and after 3 s (13 s) is in
    // fail-fast, failing each at once. Its own sidecar restarts at 25.1 s: a new proxy holds them for 3 s
    // first, so none fails 25.1–28 s. Before: still in fail-fast, each failed at once.
    const run = (crash: boolean) => frontBack('linkerd', 1, '{retries: none}', [
      '{at: 10s, until: 50s, proxyCrash: {replica: back-0}}',
      ...(crash ? ['{at: 25s, until: 25100ms, proxyCrash: {replica: front-0}}'] : []),
    ]);
    expect(failedBetween(run(false), 26, 28)).toBeGreaterThan(150);
    const restarted = run(true);
    expect(failedBetween(restarted, 26, 28)).toBe(0);
    // Held from 25.1 s, they fail together when the new queue has been stuck 3 s.
    expect(failedBetween(restarted, 28, 29)).toBeGreaterThan(250);
  });

  // Every call to back answers 503 from 10 s on, and each is retried (5xx) while the budget lasts. With no
  // ratio, the budget is its minimum alone: 1/s over a 100 s window, 100 retries in all in a 60 s run (none
  // ages out of the window), spent within about a second of 10 s. front's sidecar restarts at 20.5 s.
  const budgeted = (placement: string, crash: boolean) => frontBack('linkerd', 1,
    `{placement: ${placement}, outlierDetection: none, retries: {attempts: 2, retryOn: [5xx], budget: {ratio: 0, minPerSecond: 1, window: 100s}}}`, [
      '{at: 10s, abort: {service: back, status: 503, probability: 1}}',
      ...(crash ? ['{at: 20s, until: 20500ms, proxyCrash: {replica: front-0}}'] : []),
    ]);
  const retries = (r: RunResult) => r.services.find((s) => s.name === 'back')?.retries;

  it("the retry budget: a restarted proxy's is fresh, its last process's retries spent no longer count", () => {
    expect(retries(budgeted('mesh', false))).toBe(100);
    // A new process's budget allows its 100 again. Before: the spent budget came through the restart, 100 in all.
    expect(retries(budgeted('mesh', true))).toBe(200);
  });

  it("under placement: client the retry budget is the client library's: the sidecar's restart leaves it spent", () => {
    expect(retries(budgeted('client', true))).toBe(100);
  });
});
