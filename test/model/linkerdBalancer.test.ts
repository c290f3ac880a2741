// linkerd2-proxy's balancer picks among its ready endpoints only (a P2C pool
// over tower's ReadyCache): an endpoint is ready while its connection is,
// and one whose pod refuses connections reconnects in the background and
// gets no requests meanwhile. The `linkerd` profile says so with
// `pickFrom: connectable`; Envoy (`listed`, every other profile) sends to
// whatever its view lists and finds a pod gone by the refused try.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadTopologySource } from '../../sim/topology/load.js';
import { runTopology } from '../../sim/run.js';
import type { RunResult } from '../../sim/results/types.js';
import { topo } from './helpers.js';

const causes = (r: RunResult) => r.entrypoints[0].failures.map((f) => `${f.cause}/${f.flag}/${f.mesh ? 'mesh' : 'app'}=${f.count}`);
const failedBetween = (r: RunResult, from: number, to: number) =>
  r.timeline.points.filter((p) => p.t >= from && p.t < to).reduce((s, p) => s + p.failed, 0);

/** topologies/scenarios/rollout-push.yaml (reviews' 3 pods replaced one at a time from 30 s, no retries) under `mesh`, pushes `pushDelay` late. */
function rollout(mesh: string, pushDelay: string): RunResult {
  const src = readFileSync('topologies/scenarios/rollout-push.yaml', 'utf8')
    .replace('profile: istio-sidecar', `profile: ${mesh}`)
    .replace('pushDelay: 10s', `pushDelay: ${pushDelay}`);
  return runTopology(topo(src));
}

/** back's 3 pods behind front's 2, no retries; `fault` on back-0 from 20 s to 40 s. */
function podFault(mesh: string, fault: string): RunResult {
  return runTopology(topo(`name: pod-fault
simulation: {seed: 3, duration: 60s, warmup: 5s}
mesh: {profile: ${mesh}, resilience: {retries: none}}
services:
  front: {replicas: 2, workers: 64, serviceTime: 1ms, calls: [back]}
  back: {replicas: 3, workers: 64, serviceTime: {dist: exponential, mean: 2ms}}
entrypoints:
  web: {target: front, rate: 300/s}
timeline:
  - {at: 20s, until: 40s, ${fault}: {replica: back-0}}
`));
}

describe("Linkerd's balancer sends only to endpoints that take connections", () => {
  it('a rollout whose pushes are 5 s late fails nothing under linkerd; under istio-sidecar the stale proxies are refused', () => {
    // Old pods stop at 34, 38 and 42 s (linkerd2-proxy exits on SIGTERM, no drain), each listed 5 s longer:
    // Envoy sends a third of reviews' traffic to a pod that is gone (UF, stale-endpoint); linkerd2-proxy's
    // connection to it closed with the pod, so it sends to the two others it still lists.
    // Before: 1,523 requests failed under linkerd too (istio-sidecar: about as many).
    const linkerd = rollout('linkerd', '5s');
    expect(linkerd.entrypoints[0].failed).toBe(0);
    const istio = rollout('istio-sidecar', '5s');
    expect(istio.entrypoints[0].failed).toBeGreaterThan(1000);
    expect(istio.entrypoints[0].failures.every((f) => f.cause === 'stale-endpoint' && f.flag === 'UF')).toBe(true);
  });

  it('with pushes 10 s late, fails only while every pod its proxies still list is gone (the try is refused, as before)', () => {
    // The proxies list pods 0, 1, 2 until the first push reaches them at ~44 s; pod 2 stops at 42 s.
    // From then no pod they list takes connections: the model sends the try anyway and it is refused
    // (Linkerd would queue it, up to its 3 s fail-fast timeout, for an endpoint to become ready: not modelled).
    const r = rollout('linkerd', '10s');
    const e = r.entrypoints[0];
    expect(causes(r)).toEqual([`stale-endpoint/UF/mesh=${e.failed}`]);
    expect(e.failed).toBeGreaterThan(0);
    expect(failedBetween(r, 42, 45)).toBe(e.failed);
    // Before: 2,993 (a third of the traffic from each pod's stop for 10 s), as under istio-sidecar (3,024).
    expect(e.failed).toBeLessThan(700);
  });

  it("a pod whose sidecar is down is not sent to, before its readiness probe takes it out (Envoy's tries are refused)", () => {
    // Before: 1,005 inbound-proxy-down (UF) under linkerd, as under istio-sidecar (readinessDelay 10 s, then the push).
    expect(podFault('linkerd', 'proxyCrash').entrypoints[0].failed).toBe(0);
    const istio = podFault('istio-sidecar', 'proxyCrash');
    expect(istio.entrypoints[0].failures.find((f) => f.cause === 'inbound-proxy-down')?.count).toBeGreaterThan(900);
  });

  it('a pod whose app is down but whose sidecar is up takes connections: still picked, its 503s are failure accrual\'s to act on', () => {
    // The sidecar answers 503 for its crashed app: a response, so the endpoint stays ready for linkerd2-proxy.
    const r = podFault('linkerd', 'crash');
    const down = r.entrypoints[0].failures.find((f) => f.cause === 'replica-down');
    expect(down?.count).toBeGreaterThan(900);
  });

  it('is the profile\'s pickFrom: a copy of linkerd with pickFrom: listed fails as every Linkerd run did before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-pickfrom-'));
    const original = readFileSync('topologies/meshes/linkerd.yaml', 'utf8');
    const listed = original.replace('  pickFrom: connectable', '  pickFrom: listed');
    expect(listed).not.toBe(original);
    writeFileSync(join(dir, 'linkerd-listed.yaml'), listed);
    const r = rollout(join(dir, 'linkerd-listed.yaml'), '5s');
    // The number the 5 s rollout gave under linkerd before pickFrom existed.
    expect(r.entrypoints[0].failed).toBe(1523);
    expect(r.mesh.tuned).toContain('resilience.pickFrom');
  });

  it('a topology that sets pickFrom is told it is a profile file\'s', () => {
    const src = 'name: s\nservices: {b: {serviceTime: 1ms, resilience: {pickFrom: listed}}}\nentrypoints: {web: {target: b, rate: 10/s}}\n';
    const d = loadTopologySource(src, 's.yaml').diagnostics;
    expect(d.map((x) => [x.code, x.location?.line])).toEqual([['unknown-key', 2]]);
    expect(d[0].hint).toMatch(/^pickFrom belongs to a mesh profile file's resilience block/);
  });
});
