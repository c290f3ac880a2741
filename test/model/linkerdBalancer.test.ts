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

/** The tests' small graph: `front` (2 pods, unless `direct`: the clients call back themselves) calling `back`, seed 3, 5 s warm-up. */
interface FrontBack {
  mesh: string;
  back: number;
  rate: number;
  events: string[];
  resilience?: string;
  front?: number;
  duration?: string;
  direct?: boolean;
}

function frontBack(o: FrontBack): RunResult {
  const front = o.direct ? '' : `  front: {replicas: ${o.front ?? 2}, workers: 64, serviceTime: 1ms, calls: [back]}\n`;
  return runTopology(topo(`name: front-back
simulation: {seed: 3, duration: ${o.duration ?? '60s'}, warmup: 5s}
mesh: {profile: ${o.mesh}, resilience: ${o.resilience ?? '{retries: none}'}}
services:
${front}  back: {replicas: ${o.back}, workers: 64, serviceTime: {dist: exponential, mean: 2ms}}
entrypoints:
  web: {target: ${o.direct ? 'back' : 'front'}, rate: ${o.rate}/s${o.direct ? ', via: direct' : ''}}
timeline:
${o.events.map((e) => `  - ${e}`).join('\n')}
`));
}

/** back's 3 pods behind front's 2, no retries; `fault` on back-0 from 20 s to 40 s. */
const podFault = (mesh: string, fault: string): RunResult =>
  frontBack({ mesh, back: 3, rate: 300, events: [`{at: 20s, until: 40s, ${fault}: {replica: back-0}}`] });

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

  it('with pushes 10 s late, holds the requests no pod it lists can take until the push arrives: none fails', () => {
    // The proxies list pods 0, 1, 2 until the first push reaches them at ~44 s; pod 2 stops at 42 s. From then
    // no pod they list takes connections: linkerd2-proxy holds the requests in its queue for an endpoint
    // (under its 3 s fail-fast timeout), and sends them on when the push brings the new pods.
    // Before: 567 failed (stale-endpoint, UF), all between 42 and 45 s: the try was sent anyway and refused.
    const r = rollout('linkerd', '10s');
    const e = r.entrypoints[0];
    expect(e.failed).toBe(0);
    // They waited up to the push, ~2 s: the tail shows it.
    expect(e.latency.max).toBeGreaterThan(1.5);
    expect(e.latency.max).toBeLessThan(3);
    expect(r.timeline.points.filter((p) => p.t >= 42 && p.t < 44).reduce((s, p) => s + p.completed, 0)).toBeLessThan(5);
  });

  it('with pushes 20 s late, the queue is stuck for 3 s: its requests fail (504), then every new one at once (503) until the push', () => {
    const r = rollout('linkerd', '20s');
    const e = r.entrypoints[0];
    // The router knew no pod that takes connections while the service had some: its view was stale.
    expect(causes(r)).toEqual([`no-healthy-upstream/UH/mesh=${e.failed}`]);
    // None fails while held (42–45 s); at 45 s the ~3 s of requests held fail together.
    expect(failedBetween(r, 42, 45)).toBe(0);
    const at45 = r.timeline.points.find((p) => p.t === 45);
    expect(at45?.failed).toBeGreaterThan(800);
    expect(failedBetween(r, 45, 60)).toBe(e.failed);
    // Without the queue (failFastAfter: 0) as many fail, refused by the pods that are gone (3,453 both ways).
    expect(e.failed).toBe(3453);
  });

  it('holds requests while failure accrual has shut every endpoint, and sends them when the probe succeeds', () => {
    // back's only pod crashes 20–21.5 s (its sidecar answers 503). After 7 failures (+1 in flight) accrual
    // shuts it for 1 s, its probe fails (shut 2 s more), the next succeeds at ~23 s: the requests held
    // since ~20 s go then. Without the queue each one fails at once (all-endpoints-shut, UH): 293 of them.
    const run = (mesh: string) => frontBack({
      mesh, front: 1, back: 1, rate: 100, duration: '40s', resilience: '{retries: none, outlierDetection: {consecutive5xx: 7}}',
      events: ['{at: 20s, until: 21500ms, crash: {replica: back-0}}'],
    });
    const held = run('linkerd');
    expect(causes(held)).toEqual(['replica-down/UF/app=8']);
    expect(held.entrypoints[0].latency.max).toBeGreaterThan(2.5);
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-failfast-'));
    writeFileSync(join(dir, 'linkerd-nofailfast.yaml'), readFileSync('topologies/meshes/linkerd.yaml', 'utf8').replace('failFastAfter: 3s', 'failFastAfter: 0s'));
    const atOnce = run(join(dir, 'linkerd-nofailfast.yaml'));
    expect(causes(atOnce)).toEqual(['all-endpoints-shut/UH/mesh=293', 'replica-down/UF/app=8']);
    expect(atOnce.mesh.tuned).toContain('resilience.failFastAfter');
  });

  it('a try held for an endpoint is cut by its call\'s timeout like any other', () => {
    // A 1 s timeout the topology sets: each try is a frame of its own, held from ~42 s and abandoned at 1 s.
    const src = readFileSync('topologies/scenarios/rollout-push.yaml', 'utf8')
      .replace('profile: istio-sidecar', 'profile: linkerd')
      .replace('pushDelay: 10s', 'pushDelay: 20s')
      .replace('resilience: {retries: none}', 'resilience: {retries: none, timeout: 1s}');
    expect(src).toContain('timeout: 1s');
    const r = runTopology(topo(src));
    const e = r.entrypoints[0];
    const timeouts = e.failures.find((f) => f.flag === 'UT')?.count ?? 0;
    // Held 1 s each from 42 s to 45 s: timeouts; the queue, stuck all along, goes into fail-fast at 45 s.
    expect(timeouts).toBeGreaterThan(500);
    // A timeout cutting a held try keeps why it was held (the stale view), flagged UT, as fail-fast would have said.
    // Before: 569 read `timeout`, the policy's, as if the callee had been slow.
    expect(e.failures.map((f) => `${f.cause}/${f.flag}`).sort()).toEqual(['no-healthy-upstream/UH', 'no-healthy-upstream/UT']);
    expect(e.latency.max).toBeLessThan(1.1);
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

  it("the time a held try waited, cut by its per-try timeout, is the proxy's queue's in the decomposition", () => {
    // Pushes 10 s late; tries cut every 500 ms while held and retried, until the push lets them through.
    const src = readFileSync('topologies/scenarios/rollout-push.yaml', 'utf8')
      .replace('profile: istio-sidecar', 'profile: linkerd')
      .replace('resilience: {retries: none}', 'resilience: {retries: {attempts: 10, perTryTimeout: 500ms, retryOn: [timeout, 5xx, connect-failure], budget: none}}');
    const e = runTopology(topo(src)).entrypoints[0];
    expect(e.failed).toBe(0);
    const d = e.decomposition;
    // Before: the cut tries' waits went to their first phase's component, mTLS (mean 17.0 ms against 8.0 ms of proxyQueue).
    expect(d.proxyQueue).toBeGreaterThan(0.02);
    expect(d.mtls).toBeLessThan(0.001);
  });

  it('a client outside the mesh has no such queue: with no endpoint it fails at once', () => {
    // back's only pod loses its sidecar for 20 s: readiness takes it out, and discovery tells the clients.
    const r = frontBack({ mesh: 'linkerd', direct: true, back: 1, rate: 100, events: ['{at: 20s, until: 40s, proxyCrash: {replica: back-0}}'] });
    // Once readiness has taken the pod out, the service has no endpoint because its sidecar is down: the mesh's
    // failure, not the application's (before: 789 no-endpoints, application).
    const causes = r.entrypoints[0].failures;
    // Refused while listed (UF), then no endpoint to send to (UH): both the sidecar's doing.
    expect(causes.filter((f) => f.cause === 'inbound-proxy-down').map((f) => f.flag).sort()).toEqual(['UF', 'UH']);
    expect(causes.find((f) => f.cause === 'inbound-proxy-down' && f.flag === 'UH')?.count).toBeGreaterThan(500);
    expect(causes.find((f) => f.cause === 'no-endpoints')).toBeUndefined();
    // The application's only: when the sidecar is back, the client's own discovery (Kubernetes', not the mesh's) lags.
    expect(causes.filter((f) => !f.mesh).map((f) => f.cause)).toEqual(['no-healthy-upstream']);
    // Each second of the outage fails its ~100 requests as they come. Before: once the client's view was
    // empty (~32 s) they were held 3 s as if it were a Linkerd proxy, and failed together (395 at 35 s).
    for (let t = 21; t < 40; t++) {
      const p = r.timeline.points.find((x) => x.t === t);
      expect(p?.failed).toBeGreaterThan(70);
      expect(p?.failed).toBeLessThan(140);
    }
  });

  it('a topology that sets failFastAfter is told it is a profile file\'s; a profile\'s must be a duration of 0 or more', () => {
    const src = 'name: s\nservices: {b: {serviceTime: 1ms, resilience: {failFastAfter: 1s}}}\nentrypoints: {web: {target: b, rate: 10/s}}\n';
    const d = loadTopologySource(src, 's.yaml').diagnostics;
    expect(d.map((x) => [x.code, x.location?.line])).toEqual([['unknown-key', 2]]);
    expect(d[0].hint).toMatch(/^failFastAfter belongs to a mesh profile file's resilience block \(how long its proxy holds a request with no endpoint ready\)/);
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-failfast-'));
    const profile = readFileSync('topologies/meshes/linkerd.yaml', 'utf8').replace('failFastAfter: 3s', 'failFastAfter: -3s');
    writeFileSync(join(dir, 'bad.yaml'), profile);
    const line = profile.split('\n').findIndex((l) => l.includes('failFastAfter: -3s')) + 1;
    const bad = loadTopologySource(`name: s\nmesh: {profile: ${join(dir, 'bad.yaml')}}\nservices: {b: {serviceTime: 1ms}}\nentrypoints: {web: {target: b, rate: 10/s}}\n`, 's.yaml').diagnostics;
    const err = bad.find((x) => x.severity === 'error');
    expect(err?.location?.line).toBe(line);
    expect(err?.message).toMatch(/failFastAfter/);
  });

  it('a topology that sets pickFrom is told it is a profile file\'s', () => {
    const src = 'name: s\nservices: {b: {serviceTime: 1ms, resilience: {pickFrom: listed}}}\nentrypoints: {web: {target: b, rate: 10/s}}\n';
    const d = loadTopologySource(src, 's.yaml').diagnostics;
    expect(d.map((x) => [x.code, x.location?.line])).toEqual([['unknown-key', 2]]);
    expect(d[0].hint).toMatch(/^pickFrom belongs to a mesh profile file's resilience block/);
  });
});

describe("Linkerd's fail-fast names why no endpoint was ready", () => {
  /** back's 2 pods lose their sidecars 20–40 s (readiness takes them out at 30 s); `retries` as given. */
  const sidecarsDown = (retries: string) =>
    frontBack({ mesh: 'linkerd', back: 2, rate: 100, resilience: `{retries: ${retries}}`, events: ['{at: 20s, until: 40s, proxyCrash: {service: back}}'] });

  it('every listed pod refusing connections is the sidecars\' failure, not a stale view: inbound-proxy-down, still a local reply (UH)', () => {
    const r = sidecarsDown('none');
    const e = r.entrypoints[0];
    // 20–30 s: the service still lists both pods, neither takes connections; the proxies know it and hold, then
    // fail-fast. Before: 1,062 read no-healthy-upstream, "control plane (stale config)", though the view was
    // the service's own. Only the ~0.2 s at 40 s before the push brings the pods back is a stale view.
    const down = e.failures.find((f) => f.cause === 'inbound-proxy-down');
    expect(down?.flag).toBe('UH');
    expect(down?.mesh).toBe(true);
    expect(down?.count).toBeGreaterThan(1000);
    expect(e.failures.find((f) => f.cause === 'no-healthy-upstream')?.count ?? 0).toBeLessThan(50);
    expect(failedBetween(r, 20, 23)).toBe(0);
  });

  it('a connect-failure retry policy does not retry it: no request went upstream', () => {
    const r = sidecarsDown('{attempts: 3, retryOn: [connect-failure, reset], budget: none}');
    const e = r.entrypoints[0];
    const down = e.failures.filter((f) => f.cause === 'inbound-proxy-down');
    expect(down.map((f) => f.flag)).toEqual(['UH']);
    expect(r.services.find((s) => s.name === 'back')?.retryCalls ?? 0).toBeLessThan(50);
  });
});

describe('a timeout that cuts a try held for an endpoint', () => {
  it("keeps why it was held: a service scaled to zero is the application's, not a mesh timeout", () => {
    // back scaled to 0 at 20 s: the proxies hold its requests (no endpoint) until fail-fast at 23 s; the 1 s timeout
    // cuts those held 20–22 s. Under Envoy they fail at once, no-endpoints (the app's). Before: 205 read
    // timeout/UT/mesh, so Linkerd's queue turned the operator's scale-down into a mesh cost (223 mesh-caused, now 18).
    const run = (mesh: string) => frontBack({
      mesh, back: 2, rate: 100, resilience: '{retries: none, timeout: 1s}',
      events: ['{at: 20s, scale: {service: back, replicas: 0}}', '{at: 40s, scale: {service: back, replicas: 2}}'],
    });
    const e = run('linkerd').entrypoints[0];
    expect(e.failures.some((f) => f.cause === 'timeout')).toBe(false);
    const cut = e.failures.find((f) => f.cause === 'no-endpoints' && f.flag === 'UT');
    expect(cut?.mesh).toBe(false);
    expect(cut?.count).toBeGreaterThan(150);
    expect(e.meshCaused).toBeLessThan(50);
    expect(e.meshCaused + e.appCaused).toBe(e.failed);
    // About what Envoy, failing them at once, calls the mesh's.
    expect(e.meshCaused).toBeLessThanOrEqual(run('istio-sidecar').entrypoints[0].meshCaused);
  });
});

describe("a try held for an endpoint and Envoy's circuit breaker (failFastAfter with a circuitBreaker)", () => {
  // front's proxy may keep one request in flight to back (one connection of one stream) and 3 waiting for it;
  // at 150/s of 10 ms requests the waiting line is full when back-0's sidecar goes down at 20 s, and the
  // proxy, seeing no pod take connections, holds the tries for one.
  const run = (until: string, resilience = '') => runTopology(topo(`name: cb-held
simulation: {seed: 3, duration: 40s, warmup: 5s}
mesh: {profile: linkerd, mtls: {streamsPerConnection: 1}, resilience: {retries: none, circuitBreaker: {maxConnections: 1, maxPending: 3}${resilience}}}
services:
  front: {replicas: 1, workers: 256, serviceTime: 1ms, calls: [back]}
  back: {replicas: 1, workers: 8, serviceTime: {dist: constant, value: 10ms}}
entrypoints:
  web: {target: front, rate: 150/s}
timeline:
  - {at: 20s, until: ${until}, proxyCrash: {replica: back-0}}
`));

  it('hands the room it gave up to the next waiter: those queued before are held too, not left blocked', () => {
    // Held, a try counts as none in flight. Its room went to nobody: the waiters queued at 20 s stayed in the
    // breaker's line, with no request in flight to free them, while every try after them was held. The 2 s
    // timeout then cut them as plain timeouts (timeout/UT=2 before), where the tries held beside them read
    // why they waited: no pod took connections.
    const e = run('30s', ', timeout: 2s').entrypoints[0];
    expect(e.failures.some((f) => f.cause === 'timeout')).toBe(false);
    expect(e.failures.find((f) => f.cause === 'inbound-proxy-down' && f.flag === 'UT')?.count).toBe(154);
  });

  it('a try released from the queue takes a connection\'s room again: the tries held through the outage do not all go out at once', () => {
    // back-0's sidecar is back at 21 s, before readiness takes it out: the ~150 tries held meanwhile are released
    // together. Before, each was sent on at once, past the breaker's one connection, and back's pod queued them
    // (5 % of its requests waited for a worker, up to 0.19 s at the server); now they wait their turn for the
    // connection, and back never has more than the one request the breaker allows.
    const back = run('21s').services.find((s) => s.name === 'back');
    expect(back?.waitProbability).toBe(0);
    expect(back?.latency.max).toBeLessThan(0.011);
  });
});
