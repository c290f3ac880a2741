import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadTopologySource } from '../../sim/topology/load.js';
import { runTopology } from '../../sim/run.js';
import type { RunResult } from '../../sim/results/types.js';
import { attributionAddsUp, failureWindow, runScenario } from './helpers.js';

/** A bundled scenario with one piece of its file changed. */
function runVariant(name: string, from: string, to: string): RunResult {
  const src = readFileSync(`topologies/scenarios/${name}.yaml`, 'utf8');
  if (!src.includes(from)) throw new Error(`${name}.yaml has no ${JSON.stringify(from)}`);
  const { topology, diagnostics } = loadTopologySource(src.replace(from, to), `${name}.yaml`);
  if (!topology) throw new Error(diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return runTopology(topology);
}

// topologies/scenarios/rollout-*.yaml: reviews' 3 pods replaced one at a
// time from 30 s, a step every 2 s, pushes reaching every proxy 10 s after
// they start (plus Istio's 100 ms debounce).
describe('a rollout with a 10 s push delay', () => {
  const push = runScenario('rollout-push');
  const e = push.entrypoints[0];

  it('fails a burst of requests, all UF from the control plane’s stale config, for about the push delay', () => {
    expect(e.failed).toBeGreaterThan(100);
    expect(e.failures).toEqual([
      { cause: 'stale-endpoint', component: 'control plane (stale config)', flag: 'UF', mesh: true, service: 'reviews', count: e.failed },
    ]);
    // Old pods stop at 34, 38 and 42 s (a new pod is ready every 4 s); each
    // stays in the proxies' view until 10.1 s after its removal: failures
    // from 34 s to about 52 s.
    const [from, to] = failureWindow(push) as [number, number];
    expect(from).toBeGreaterThanOrEqual(34);
    expect(from).toBeLessThanOrEqual(35);
    expect(to).toBeGreaterThanOrEqual(51);
    expect(to).toBeLessThanOrEqual(54);
    expect(attributionAddsUp(push)).toBe(true);
    expect(e.meshCaused).toBe(e.failed);
    // No retries: each failed request is one failed try, counted at reviews where it began (not again at productpage).
    expect(push.attemptFailures.reduce((n, f) => n + f.count, 0)).toBe(e.failed);
  });

  it("with a preStop sleep longer than the push, Istio's sidecar still exits 5 s after the pod's deletion: refused from then until the push", () => {
    const r = runScenario('rollout-prestop');
    const f = r.entrypoints[0];
    // istio-proxy gets SIGTERM with the pod's deletion, not after the app's preStop: it drains 5 s
    // (terminationDrainDuration) and exits, and the pod is unreachable while its app sleeps on.
    // Old pods are removed at 34, 38 and 42 s: refused from 39 s until ~10.1 s after each removal.
    expect(f.failed).toBeGreaterThan(1000);
    expect(f.failures).toEqual([
      { cause: 'stale-endpoint', component: 'control plane (stale config)', flag: 'UF', mesh: true, service: 'reviews', count: f.failed },
    ]);
    const [from, to] = failureWindow(r) as [number, number];
    expect(from).toBeGreaterThanOrEqual(39);
    expect(from).toBeLessThanOrEqual(40);
    expect(to).toBeLessThanOrEqual(54);
    expect(r.timeline.markers.filter((m) => m.kind === 'push').length).toBeGreaterThanOrEqual(1);
  });

  it('with a preStop sleep longer than the push and a drain as long as the preStop, none fail', () => {
    // What Istio's docs recommend: terminationDrainDuration (proxy.istio.io/config) at least the app's preStop.
    const r = runVariant('rollout-prestop', 'resilience: {retries: none}', 'resilience: {retries: none}\n  sidecar: {terminationDrain: 15s}');
    expect(r.entrypoints[0].failed).toBe(0);
  });

  it("with Istio's default retries the refusals after the drain are absorbed, the draining sidecar's 503s are not", () => {
    const r = runScenario('rollout-retries');
    const f = r.entrypoints[0];
    // In the 5 s a terminating pod's sidecar drains, a stale try reaches it, its app gone (no preStop),
    // and gets its 503: a response, which Istio's default retryOn (since 1.24 no 503) does not retry:
    // UF, failed at its first try. After the drain the pod refuses, and those are retried (URX when all 3 tries fail).
    const uf = f.failures.find((x) => x.flag === 'UF')?.count ?? 0;
    const urx = f.failures.find((x) => x.flag === 'URX')?.count ?? 0;
    expect(f.failures.map((x) => `${x.cause} ${x.flag} ${x.mesh}`).sort()).toEqual(['stale-endpoint UF true', 'stale-endpoint URX true']);
    expect(uf + urx).toBe(f.failed);
    expect(uf).toBeGreaterThan(1000);
    // Fewer than with no retries at all, but far from the ~80 % the retries absorbed when the sidecar stopped with its app.
    expect(f.failed).toBeLessThan(e.failed * 0.8);
    expect(f.failed).toBeGreaterThan(e.failed * 0.5);
    // Within the first pod's removal at 34 s and the last one's drain end at 47 s (and the push at ~52 s).
    const [from, to] = failureWindow(r) as [number, number];
    expect(from).toBe(34);
    expect(to).toBeLessThanOrEqual(48);
    // The retries are the extra load they cost reviews.
    expect(r.services[1].retries).toBeGreaterThan(1000);
    expect(attributionAddsUp(r)).toBe(true);
    // A sidecar that stops with its app (terminationDrain 0s, no preStop) is refused at once, and retried: most absorbed.
    const noDrain = runVariant('rollout-retries', '  # Istio', '  sidecar: {terminationDrain: 0s}\n  # Istio').entrypoints[0];
    expect(noDrain.failed).toBeLessThan(e.failed * 0.2);
    for (const row of noDrain.failures) expect(row).toMatchObject({ cause: 'stale-endpoint', flag: 'URX', mesh: true });
  });

  it('a control-plane outage during a rollout makes the failures last until pushes resume', () => {
    const r = runScenario('cp-outage-rollout');
    const [from, to] = failureWindow(r) as [number, number];
    // maxUnavailable 1: an old pod goes at 30 s, though no new one can be ready before the outage ends.
    expect(from).toBe(30);
    // Pushes resume at 60 s and reach every proxy 1 s later.
    expect(to).toBeGreaterThanOrEqual(60);
    expect(to).toBeLessThanOrEqual(63);
    expect(r.entrypoints[0].failures.every((x) => x.cause === 'stale-endpoint')).toBe(true);
    expect(r.timeline.markers.map((m) => m.kind)).toContain('control-plane-outage-end');
  });

  it('a pod started during the outage gets no certificate or config: not ready until it ends, so a maxUnavailable-0 rollout waits', async () => {
    const { readFileSync } = await import('node:fs');
    const { loadTopologySource } = await import('../../sim/topology/load.js');
    const { runTopology } = await import('../../sim/run.js');
    const src = readFileSync('topologies/scenarios/cp-outage-rollout.yaml', 'utf8').replace(', maxUnavailable: 1}', '}');
    const run = (mesh: string) => runTopology(loadTopologySource(src, 'cp.yaml', { mesh }).topology!);
    const failedBefore = (mesh: string, t: number) => run(mesh).timeline.points.filter((p) => p.t < t).reduce((n, p) => n + p.failed, 0);
    // Before: the new pods were ready at 34 s and the old ones retired on schedule, failing requests all through the outage.
    expect(failedBefore('istio-sidecar', 60)).toBe(0);
    expect(failureWindow(run('istio-sidecar'))?.[0]).toBe(60);
    // Linkerd's proxies get their identity from its control plane too; without a mesh, nothing waits.
    expect(failedBefore('linkerd', 60)).toBe(0);
    expect(failedBefore('none', 40)).toBeGreaterThan(0);
  });
});
