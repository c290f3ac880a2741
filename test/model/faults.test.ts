import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import { loadTopologySource } from '../../sim/topology/load.js';
import type { RunResult } from '../../sim/results/types.js';

function run(timeline: string, extra = '', mesh = 'istio-sidecar', resilience = ''): RunResult {
  const yaml = `
name: faults
zones: [a, b]
simulation: {duration: 40s, warmup: 2s}
mesh: {profile: ${mesh}, resilience: {retries: none${resilience ? ', ' + resilience : ''}}}
services:
  front: {replicas: 2, zones: [a], workers: 64, serviceTime: 1ms, calls: [back]}
  back: {replicas: 2, zones: [b], workers: 64, serviceTime: {dist: exponential, mean: 5ms}${extra}}
entrypoints:
  web: {target: front, zone: a, rate: 100/s}
timeline:
${timeline}
`;
  const { topology, diagnostics } = loadTopologySource(yaml, 'faults.yaml');
  if (!topology) throw new Error(diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return runTopology(topology);
}

/** The times of the run's endpoint pushes, each checked to fall inside its [from, to) window, in order. */
function expectPushesWithin(r: RunResult, windows: Array<[number, number]>): void {
  const pushes = r.timeline.markers.filter((m) => m.kind === 'push').map((m) => m.at);
  expect(pushes).toHaveLength(windows.length);
  windows.forEach(([from, to], i) => {
    expect(pushes[i]).toBeGreaterThanOrEqual(from);
    expect(pushes[i]).toBeLessThan(to);
  });
}

const causes = (r: RunResult) => r.entrypoints[0].failures.map((f) => `${f.cause}/${f.flag}/${f.mesh ? 'mesh' : 'app'}`);
const failedBetween = (r: RunResult, from: number, to: number) =>
  r.timeline.points.filter((p) => p.t >= from && p.t < to).reduce((s, p) => s + p.failed, 0);

describe('faults on the timeline', () => {
  it('a replica crash resets requests in flight (UC) and refuses new ones until readiness removes it', () => {
    // 200 ms at back: some requests are surely in flight at back-0 when it crashes.
    const r = run('  - {at: 10s, until: 20s, crash: {replica: back-0, readinessDelay: 3s}}', ', ioTime: 200ms');
    // In flight: reset. Then refused by the crashed app while its endpoint is
    // still listed (the app's fault), then briefly by proxies that have not yet
    // heard it was removed (the control plane's).
    expect(new Set(causes(r))).toEqual(new Set(['replica-crash/UC/app', 'replica-down/UF/app', 'stale-endpoint/UF/mesh']));
    // Refusals stop once the endpoint is removed (3 s) and the push has reached the proxies.
    expect(failedBetween(r, 10, 11)).toBeGreaterThan(0);
    expect(failedBetween(r, 16, 40)).toBe(0);
    expect(r.timeline.markers.map((m) => m.kind)).toEqual(expect.arrayContaining(['crash', 'crash-end', 'push']));
  });

  it('a proxy crash makes its pod unreachable: UF, caused by the mesh', () => {
    const r = run('  - {at: 10s, until: 12s, proxyCrash: {replica: back-1}}');
    const e = r.entrypoints[0];
    // Refusals, and the reset of whatever was in flight at the crash (5 ms of work: at most a couple of requests).
    expect(causes(r)[0]).toBe('inbound-proxy-down/UF/mesh');
    expect(e.failures.find((f) => f.cause === 'inbound-proxy-down')?.count).toBeGreaterThan(80);
    const reset = e.failures.find((f) => f.cause === 'proxy-reset')?.count ?? 0;
    expect(reset).toBeLessThanOrEqual(2);
    expect(e.failures.every((f) => f.cause === 'inbound-proxy-down' || f.cause === 'proxy-reset')).toBe(true);
    expect(failedBetween(r, 0, 10) + failedBetween(r, 12, 40)).toBe(0);
  });

  it('a proxy crash resets the requests in flight at its pod (UC, the mesh), then refuses new ones', () => {
    // 200 ms at back: ~10 requests are at back-1 when its sidecar crashes.
    const r = run('  - {at: 10s, until: 12s, proxyCrash: {replica: back-1}}', ', ioTime: 200ms');
    const e = r.entrypoints[0];
    const byCause = new Map(e.failures.map((f) => [`${f.cause}/${f.flag}/${f.mesh ? 'mesh' : 'app'}`, f.count]));
    expect([...byCause.keys()].sort()).toEqual(['inbound-proxy-down/UF/mesh', 'proxy-reset/UC/mesh']);
    const reset = byCause.get('proxy-reset/UC/mesh') ?? 0;
    expect(reset).toBeGreaterThanOrEqual(3);
    expect(reset).toBeLessThanOrEqual(25);
    // The resets fail at once, in the crash's first second; the refusals follow for 2 s.
    expect(failedBetween(r, 10, 11)).toBeGreaterThan(reset);
    expect(failedBetween(r, 0, 10) + failedBetween(r, 13, 40)).toBe(0);
    expect(e.failuresByReplica).toEqual([{ service: 'back', replica: 'back-1', count: e.failed }]);
  });

  it("a sidecar down for longer than its readiness delay takes its pod out of the endpoints; it is back when the sidecar restarts", () => {
    const r = run('  - {at: 10s, until: 25s, proxyCrash: {replica: back-1, readinessDelay: 3s}}');
    // Refused until the endpoint is removed (3 s) and the push has reached the callers' proxies; then none.
    expect(failedBetween(r, 10, 11)).toBeGreaterThan(0);
    expect(failedBetween(r, 15, 40)).toBe(0);
    // Two endpoint changes pushed: out 3 s after the crash, back in at the restart.
    expectPushesWithin(r, [[13, 14], [25, 26]]);
    // A node proxy's crash leaves readiness alone: the pods behind it stay listed and keep failing.
    const ambient = run('  - {at: 10s, until: 25s, proxyCrash: {replica: back-1, readinessDelay: 3s}}', '', 'istio-ambient');
    expect(failedBetween(ambient, 20, 25)).toBeGreaterThan(0);
  });

  it('a new pod whose sidecar is down is not listed until its sidecar is up', () => {
    // back-2 starts at 5 s and would be ready at 10 s, but its sidecar is down from 6 s to 20 s.
    const r = run([
      '  - {at: 5s, scale: {service: back, replicas: 3, startup: 5s}}',
      '  - {at: 6s, until: 20s, proxyCrash: {replica: back-2}}',
    ].join('\n'));
    // Never listed while it could not answer: no request was sent to it and refused.
    expect(r.entrypoints[0].failed).toBe(0);
    // Listed when its sidecar came back: the one endpoint change, pushed just after 20 s.
    expectPushesWithin(r, [[20, 21]]);
  });

  it('a crashed pod that a rollout took out while it was down stays out when it restarts', () => {
    // back-0 crashes at 10 s; the rollout from 11 s replaces it (out of the endpoints by ~15 s, terminated
    // 30 s later); its restart at 20 s must not list it again, or callers reach it after it is gone.
    const r = run([
      '  - {at: 10s, until: 20s, crash: {replica: back-0, readinessDelay: 3s}}',
      '  - {at: 11s, rollout: {service: back, startup: 2s, preStop: 30s}}',
    ].join('\n'), '', 'istio-sidecar');
    expect(failedBetween(r, 10, 14)).toBeGreaterThan(0);
    expect(failedBetween(r, 16, 40)).toBe(0);
    expect(r.timeline.markers.filter((m) => m.kind === 'push' && m.at >= 20)).toEqual([]);
  });

  it('a partition shorter than the connect timeout fails nothing: TCP resends get through once it heals', () => {
    // 2 s against Istio's 10 s connectTimeout: a SYN is resent after 1 and 3 s, data after 0.2, 0.6, 1.4, 3 s.
    // Before: every request in the window failed (~200, partition/UF) however short the partition.
    for (const [mesh, extra] of [['istio-sidecar', ''], ['istio-ambient-waypoint', ', l7: true'], ['none', '']]) {
      const r = run('  - {at: 10s, until: 12s, partition: {zones: [a, b]}}', extra, mesh);
      const e = r.entrypoints[0];
      expect(e.failed).toBe(0);
      // The requests of the window wait for the first resend after 12 s: up to 3 s.
      expect(e.latency.max).toBeGreaterThan(2);
      expect(e.latency.max).toBeLessThan(3.1);
      expect(r.timeline.points.filter((p) => p.t >= 10 && p.t < 12).reduce((n, p) => n + p.completed, 0)).toBeLessThan(5);
    }
  });

  it('a longer partition fails the connections it opens after connectTimeout; requests on pooled connections wait for it to heal', () => {
    const r = run('  - {at: 10s, until: 30s, partition: {zones: [a, b]}}');
    // At back, from front in zone a; or at front already, for the requests
    // whose ingress gateway replica is in the other zone.
    expect(new Set(causes(r))).toEqual(new Set(['partition/UF/app']));
    expect(new Set(r.entrypoints[0].failures.map((f) => f.service))).toEqual(new Set(['front', 'back']));
    // A SYN is lost for connectTimeout (10 s) before the attempt fails: nothing fails before 20 s, nothing after the heal.
    expect(failedBetween(r, 0, 20)).toBe(0);
    expect(failedBetween(r, 20, 30)).toBeGreaterThan(800);
    expect(failedBetween(r, 34, 40)).toBe(0);
    // The first requests of the window rode pooled connections: they waited for the resend after 30 s (at 10 + 25.4 s).
    expect(r.entrypoints[0].latency.max).toBeGreaterThan(20);
    // With a 500 ms timeout those are cut short instead (UT); legs to the gateway outside the mesh's policy are not.
    // The entry point's call runs out first, on a try waiting for front while front's call to back is stalled:
    // the partition made it late, so the failure is the partition's, at back (before: timeout/UT/mesh).
    const timed = run('  - {at: 10s, until: 30s, partition: {zones: [a, b]}}', '', 'istio-sidecar', 'timeout: 500ms');
    expect(new Set(causes(timed))).toEqual(new Set(['partition/UF/app', 'partition/UT/app']));
    expect(timed.entrypoints[0].failures.find((f) => f.flag === 'UT')?.service).toBe('back');
    expect(failedBetween(timed, 10, 20)).toBeGreaterThan(400);
  });

  it('a partition cuts the legs that cross it: to and from a gateway or a waypoint in the other zone', () => {
    const topology = (via: string, mesh: string, l7: string) => `
name: partition-path
zones: [z1, z2]
nodes: {n1: {zone: z1}, n2: {zone: z2}}
network: {sameZone: 100us, crossZone: 1ms}
mesh: {profile: ${mesh}, resilience: {retries: none, connectTimeout: 1s}}
simulation: {seed: 1, duration: 60s, warmup: 5s}
services:
  a: {serviceTime: 1ms, workers: 10, nodes: [n2], calls: [b]}
  b: {serviceTime: 1ms, workers: 10, nodes: [n2]${l7}}
entrypoints: {e: {target: a, rate: 20/s, node: n2, via: ${via}}}
timeline: [{at: 10s, until: 40s, partition: {zones: [z1, z2]}}]
`;
    const load = (yaml: string) => {
      const { topology: t, diagnostics } = loadTopologySource(yaml, 'partition-path.yaml');
      if (!t) throw new Error(diagnostics.map((d) => d.message).join('\n'));
      return runTopology(t);
    };
    // Everything runs on n2 (z2) but gateway-0, which sits on n1 (z1): the
    // requests it receives in the 30 s window (about half of 600) cross the
    // partition, to it and back.
    const gateway = load(topology('gateway', 'istio-sidecar', ''));
    const g = gateway.entrypoints[0];
    expect(causes(gateway)).toEqual(['partition/UF/app']);
    expect(g.failed).toBeGreaterThan(240);
    expect(g.failed).toBeLessThan(360);
    // The waypoint of the L7 service b sits on n1: every call to b in the window.
    // (Those on the pooled connection to it when the partition began wait for
    // TCP's resend after the heal, 51 s later; those that need a new one fail.)
    const waypoint = load(topology('mesh', 'istio-ambient-waypoint', ', l7: true'));
    const w = waypoint.entrypoints[0];
    expect(causes(waypoint)).toEqual(['partition/UF/app']);
    expect(w.failures[0].service).toBe('b');
    expect(w.failed).toBeGreaterThan(450);
    expect(w.failed).toBeLessThan(600);
    expect(w.latency.max).toBeGreaterThan(40);
    // Outside the window nothing fails, and no path with all its legs in z2 is cut.
    expect(failedBetween(waypoint, 0, 10)).toBe(0);
    expect(failedBetween(waypoint, 42, 60)).toBe(0);
    expect(load(topology('mesh', 'istio-sidecar', '')).entrypoints[0].failed).toBe(0);
  });

  it('injected delay and CPU slowdown make the service slower; connect failures fail with their probability', () => {
    const base = run('  - {at: 39s, policyChange: {}}').services[1].latency.mean;
    const delayed = run('  - {at: 0s, delay: {service: back, delay: 20ms, probability: 0.5}}').services[1].latency.mean;
    expect(delayed - base).toBeGreaterThan(0.009);
    expect(delayed - base).toBeLessThan(0.011);
    const slow = run('  - {at: 0s, cpuSlowdown: {service: back, factor: 3}}').services[1].latency.mean;
    expect(slow / base).toBeGreaterThan(2.5);
    const flaky = run('  - {at: 0s, connectFailure: {service: back, probability: 0.1}}');
    expect(causes(flaky)).toEqual(['connect-failure/UF/app']);
    expect(Math.abs(flaky.entrypoints[0].errorRate - 0.1)).toBeLessThan(0.02);
  });
});

describe('the decomposition adds up with layered retries and an overall timeout', () => {
  it('a timeout that cuts a retry already started charges the try once, not again as back-off', () => {
    // b: half its answers 503 (b-0), a quarter 20 ms late (b-1); its callers
    // retry within a 10 ms overall timeout, and a retries b's 504s above.
    const { topology, diagnostics } = loadTopologySource(`
name: layered
network: {sameZone: 1ms}
simulation: {seed: 1, duration: 20s}
services:
  a: {serviceTime: 2ms, workers: 100, calls: [b], resilience: {retries: {attempts: 3, retryOn: [5xx], backoff: {base: 1ms, max: 1ms}}}}
  b:
    serviceTime: 3ms
    workers: 100
    replicas: 2
    resilience: {timeout: 10ms, retries: {attempts: 2, retryOn: [5xx], backoff: {base: 1ms, max: 1ms}}}
timeline:
  - {at: 0s, abort: {replica: b-0, status: 503, probability: 1}}
  - {at: 0s, delay: {replica: b-1, delay: 20ms, probability: 0.5}}
entrypoints:
  web: {target: a, arrivals: constant, rate: 10/s, via: mesh}
`, 'layered.yaml');
    if (!topology) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    const e = runTopology(topology).entrypoints[0];
    expect(e.latency.count).toBeGreaterThan(100);
    const parts = Object.values(e.decomposition).reduce((x, y) => x + y, 0);
    // It read 28.5 ms against a mean of 22.7 ms: the cut try counted twice.
    expect(parts).toBeCloseTo(e.latency.mean, 9);
  });
});

describe('the warm-up boundary', () => {
  it('counts a request by when it reached its entry point, at every service it touches', () => {
    // 4/s from t=0, 300 ms legs: requests arriving just before the 1 s warm-up
    // reach a and b after it. No retries and b always fails, so every count is
    // the 12 requests that arrived in [1 s, 4 s).
    const { topology, diagnostics } = loadTopologySource(`
name: warm
mesh: none
network: {sameZone: 300ms, sameNode: 300ms}
simulation: {seed: 1, duration: 4s, warmup: 1s}
services:
  a: {workers: 10, serviceTime: 300ms, calls: [b]}
  b: {workers: 10, serviceTime: 1ms}
entrypoints:
  web: {target: a, arrivals: constant, rate: 4/s, via: direct}
timeline:
  - {at: 0s, abort: {service: b, status: 500, probability: 1}}
`, 'warm.yaml');
    if (!topology) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    const r = runTopology(topology);
    expect(r.entrypoints[0].failed).toBe(12);
    expect(r.attemptFailures.reduce((n, f) => n + f.count, 0)).toBe(12);
    expect(r.services.map((s) => [s.name, s.arrivals, s.calls])).toEqual([['a', 12, 12], ['b', 12, 12]]);
  });
});

describe('a crashed proxy loses its connections', () => {
  const run = (timeline: string) => {
    const { topology, diagnostics } = loadTopologySource(`
name: crash-conns
mesh: {profile: istio-sidecar, resilience: {retries: none}}
simulation: {seed: 1, duration: 6s, warmup: 0s}
services:
  a: {replicas: 2, workers: 10, serviceTime: 5ms}
entrypoints:
  web: {target: a, arrivals: constant, rate: 100/s, via: mesh}
timeline:
${timeline}`, 'crash-conns.yaml');
    if (!topology) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    return runTopology(topology);
  };

  it('is refused while down, then handshaken with anew: a certificate that expired meanwhile fails the new handshakes', () => {
    const crash = '  - {at: 2s, until: 2.5s, proxyCrash: {replica: a-0, readinessDelay: 10s}}\n';
    const plain = run(crash);
    const handshakes = (r: ReturnType<typeof run>) => r.resources.proxies.find((p) => p.kind === 'sidecar')?.handshakes ?? 0;
    // Half of 100/s for 0.5 s refused, by the mesh.
    expect(plain.entrypoints[0].failures.map((f) => [f.cause, f.count])).toEqual([['inbound-proxy-down', 25]]);
    // The restarted proxy is handshaken with again (with no crash, the pool's first connections last the run).
    expect(handshakes(plain)).toBeGreaterThan(handshakes(run('  - {at: 0s, policyChange: {}}\n')));
    // Its certificate expired at 2 s and cannot be renewed before the run ends: from 2.5 s every new handshake fails.
    const expired = run(crash + '  - {at: 2s, until: 6s, certificateExpiry: {replica: a-0}}\n');
    const causes = new Map(expired.entrypoints[0].failures.map((f) => [f.cause, f.count]));
    expect(causes.get('inbound-proxy-down')).toBe(25);
    expect(causes.get('certificate')).toBeGreaterThan(150);
  });
});

describe('certificates are per workload, blamed on the end that expired', () => {
  const run = (mesh: string, entry: string, timeline: string, retries = 'none') => {
    const { topology, diagnostics } = loadTopologySource(`
name: certs
zones: [z1, z2]
mesh: {profile: ${mesh}, mtls: {idleTimeout: 100ms}, resilience: {retries: ${retries}}}
simulation: {seed: 3, duration: 60s, warmup: 0s}
services:
  front: {replicas: 2, workers: 32, serviceTime: 1ms, calls: [back]}
  back: {replicas: 2, workers: 32, serviceTime: 1ms}
  other: {replicas: 2, workers: 32, serviceTime: 1ms}
entrypoints:
  web: {target: front, via: ${entry}, arrivals: poisson, rate: 2/s}
  web2: {target: other, via: ${entry}, arrivals: poisson, rate: 2/s}
timeline:
${timeline}`, 'certs.yaml');
    if (!topology) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    return runTopology(topology);
  };
  const summary = (r: RunResult) => r.entrypoints.map((e) => ({
    failed: e.failed,
    causes: e.failures.map((f) => `${f.cause}@${f.service}`),
    replicas: [...new Set(e.failuresByReplica.map((f) => f.replica))].sort(),
  }));

  it('under istio-ambient one pod\'s expired certificate fails its own handshakes, not its node neighbours\'', () => {
    const r = run('istio-ambient', 'mesh', '  - {at: 20s, until: 40s, certificateExpiry: {replica: back-0}}');
    const [web, web2] = summary(r);
    // Before: the whole node proxy's certificate expired, so every call on
    // every node failed, web2's (which never reaches back) blamed on "other".
    expect(web.failed).toBeGreaterThan(3);
    expect(web.causes).toEqual(['certificate@back']);
    expect(web.replicas).toEqual(['back-0']);
    expect(web2.failed).toBe(0);
  });

  it('under cilium (WireGuard, a tunnel per pair of nodes) a pod has no certificate to expire', () => {
    const r = run('cilium', 'mesh', '  - {at: 20s, until: 40s, certificateExpiry: {replica: back-0}}');
    expect(summary(r).map((e) => e.failed)).toEqual([0, 0]);
  });

  it('an expired caller certificate is blamed on the calling pods, counted once per try', () => {
    const r = run('istio-sidecar', 'direct', '  - {at: 20s, until: 40s, certificateExpiry: {service: front}}', '{attempts: 3, retryOn: [connect-failure]}');
    const [web] = summary(r);
    expect(web.failed).toBeGreaterThan(10);
    expect(web.causes).toEqual(['certificate@front']);
    expect(web.replicas).toEqual(['front-0', 'front-1']);
    // Every failed request is 3 failed tries at front → back, and nothing more.
    expect(r.attemptFailures.map((t) => [t.cause, t.count])).toEqual([['certificate', 3 * web.failed]]);
  });
});

describe('a partition stops connections before their handshake', () => {
  it('pays no handshake and pools no connection to a peer it cannot reach', () => {
    const { topology, diagnostics } = loadTopologySource(`
name: part
mesh: linkerd
simulation: {duration: 5s, seed: 3, warmup: 0s}
services:
  a: {serviceTime: 1ms, workers: 64, calls: [b]}
  b: {serviceTime: 1ms, workers: 4, replicas: 2}
entrypoints:
  web: {target: a, rate: 20/s}
timeline:
  - {at: 0s, partition: {services: [a, b]}}`, 'part.yaml');
    if (!topology) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    const r = runTopology(topology);
    expect(r.entrypoints[0].failed).toBe(r.entrypoints[0].completed);
    expect(new Set(r.entrypoints[0].failures.map((f) => f.cause))).toEqual(new Set(['partition']));
    // Before: 2 handshakes, and their connections held open, for a peer no packet reached.
    expect(r.resources.proxies.reduce((n, p) => n + p.handshakes + p.resumptions, 0)).toBe(0);
  });
});

describe('a replica named on the timeline is the pod in that place at the time', () => {
  const run = (timeline: string) => {
    const { topology, diagnostics } = loadTopologySource(`
name: places
mesh: {profile: istio-sidecar, mtls: {idleTimeout: 100ms}, resilience: {retries: none}}
simulation: {seed: 3, duration: 60s, warmup: 0s}
services:
  front: {replicas: 2, workers: 32, serviceTime: 1ms, calls: [back]}
  back: {replicas: 2, workers: 32, serviceTime: 1ms}
entrypoints:
  web: {target: front, via: mesh, arrivals: poisson, rate: 5/s}
timeline:
${timeline}`, 'places.yaml');
    if (!topology) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    return runTopology(topology);
  };
  const hit = (r: RunResult, cause: string) =>
    r.entrypoints[0].failures.filter((f) => f.cause === cause).reduce((s, f) => s + f.count, 0);

  it('after a rollout: the new pod in place 0 (results name it back-2)', () => {
    // Before: the fault went to the retired original back-0, and did nothing.
    const r = run([
      '  - {at: 5s, rollout: {service: back, startup: 1s, preStop: 0s}}',
      '  - {at: 30s, until: 40s, certificateExpiry: {replica: back-0}}',
    ].join('\n'));
    expect(hit(r, 'certificate')).toBeGreaterThan(10);
    expect(r.entrypoints[0].failuresByReplica.filter((f) => f.replica === 'back-2').length).toBe(1);
    expect(r.timeline.markers.find((m) => m.kind === 'certificate-expiry')?.subject).toBe('back-2');
  });

  it('after a scale down and up: the pod that took place 1', () => {
    const r = run([
      '  - {at: 5s, scale: {service: back, replicas: 1, startup: 1s, preStop: 0s}}',
      '  - {at: 10s, scale: {service: back, replicas: 2, startup: 1s, preStop: 0s}}',
      '  - {at: 30s, until: 40s, crash: {replica: back-1}}',
    ].join('\n'));
    expect(hit(r, 'replica-down') + hit(r, 'replica-crash')).toBeGreaterThan(10);
  });
});

describe('a crash over a place whose new pod is still starting', () => {
  it('starts the pod crashed: it serves only once the window ends', async () => {
    // A default rollout of 4 pods (maxUnavailable 1) hands place 0 to a new pod at 10 s, which starts at 15 s,
    // inside the crash window: 3 pods carry the load until 30 s, and they queue.
    const { loadTopologySource } = await import('../../sim/topology/load.js');
    const src = (crashed: boolean) => `name: crash
simulation: {seed: 1, duration: 40s, warmup: 1s}
services:
  svc: {replicas: 4, workers: 1, serviceTime: {dist: exponential, mean: 8ms}}
entrypoints:
  c: {target: svc, rate: 300/s}
timeline:
  - {at: 10s, rollout: {service: svc, startup: 5s, preStop: 20s}}
${crashed ? '  - {at: 11s, until: 30s, crash: {replica: svc-0, readinessDelay: 1s}}\n' : ''}`;
    const run = (crashed: boolean) => runTopology(loadTopologySource(src(crashed), 'crash.yaml').topology!);
    const crashed = run(true), calm = run(false);
    expect(crashed.timeline.markers.find((m) => m.kind === 'crash')?.subject).toBe('svc-4');
    // Before: svc-4 started at 15 s and served as if nothing had happened — the same queueing as without the crash.
    expect(crashed.services[0].meanQueueWait).toBeGreaterThan(3 * calm.services[0].meanQueueWait);
    expect(crashed.entrypoints[0].failed).toBe(0); // never listed while down
  });
});

describe('overlapping fault windows', () => {
  const errorRate = (r: RunResult, from: number, to: number) => {
    const pts = r.timeline.points.filter((p) => p.t >= from && p.t < to);
    return pts.reduce((s, p) => s + p.failed, 0) / pts.reduce((s, p) => s + p.completed, 0);
  };

  it('the window that began last is in force; when it ends, the earlier one that still runs is again', () => {
    // Half of back's answers fail from 5 s to 35 s; back-0's all fail from 10 s to 20 s.
    const r = run([
      '  - {at: 5s, until: 35s, abort: {service: back, status: 503, probability: 0.5}}',
      '  - {at: 10s, until: 20s, abort: {replica: back-0, status: 500, probability: 1}}',
    ].join('\n'));
    // ~1,000 requests a window: the error rate's standard deviation is ~0.015.
    expect(errorRate(r, 6, 10)).toBeCloseTo(0.5, 1);
    expect(errorRate(r, 11, 20)).toBeCloseTo(0.75, 1);
    // back-0 is back under the service-wide abort, not free of faults.
    expect(errorRate(r, 21, 35)).toBeCloseTo(0.5, 1);
    expect(errorRate(r, 36, 40)).toBe(0);
  });

  it('a replica stays crashed, and the control plane down, until the last window over them ends', () => {
    const r = run([
      '  - {at: 10s, until: 20s, crash: {replica: back-0, readinessDelay: 100s}}',
      '  - {at: 15s, until: 30s, crash: {service: back, readinessDelay: 100s}}',
    ].join('\n'));
    // back-0 does not come back at 20 s: the service-wide crash still runs.
    expect(errorRate(r, 11, 15)).toBeCloseTo(0.5, 1);
    expect(errorRate(r, 21, 30)).toBe(1);
    expect(errorRate(r, 31, 40)).toBe(0);

    const cp = run([
      '  - {at: 10s, until: 30s, controlPlaneOutage: {}}',
      '  - {at: 20s, until: 36s, controlPlaneOutage: {}}',
      '  - {at: 32s, policyChange: {}}',
    ].join('\n'));
    // The change is pushed once the second outage is over, not at 32 s.
    expectPushesWithin(cp, [[36, 40]]);
  });

  it('a proxy is down while any of its crash windows runs', () => {
    const r = run([
      '  - {at: 10s, until: 14s, proxyCrash: {replica: back-1}}',
      '  - {at: 12s, until: 16s, proxyCrash: {service: back}}',
    ].join('\n'));
    // back-1's proxy stays down through 16 s; both are down from 12 s.
    expect(errorRate(r, 10.5, 12)).toBeCloseTo(0.5, 1);
    expect(errorRate(r, 12.5, 16)).toBe(1);
    expect(errorRate(r, 17, 40)).toBe(0);
  });
});

describe('timeouts', () => {
  it('a per-try timeout abandons slow tries and retries them; the overall timeout fails the call (UT)', () => {
    // A normal try takes ~5 ms (exponential), a delayed one 100 ms more: a 30 ms
    // per-try timeout catches the delayed ones (and 0.3 % of normal ones).
    const retry = `, resilience: {timeout: 200ms, retries: {attempts: 3, perTryTimeout: 30ms, retryOn: [timeout], backoff: {base: 1ms, max: 1ms}}}`;
    const r = run('  - {at: 0s, delay: {service: back, delay: 100ms, probability: 0.3}}', retry);
    const e = r.entrypoints[0];
    // A try is slow with probability 0.3; three slow tries in a row: 2.7 %.
    expect(Math.abs(e.errorRate - 0.027)).toBeLessThan(0.01);
    // Timeouts the topology set, cutting tries that back's injected delay made slow: the application's
    // (almost all of each cut try is back's time; its sidecar's passes are ~0.1 ms). Before: the mesh's.
    expect(causes(r)).toEqual(['timeout/URX/app']);
    expect(r.services[1].retries / r.services[1].calls).toBeGreaterThan(0.35);
    expect(r.services[1].retries / r.services[1].calls).toBeLessThan(0.43);
    // The tries abandoned still ran to the end at the replica.
    expect(r.services[1].latency.max).toBeGreaterThan(0.1);
    const only = run('  - {at: 0s, delay: {service: back, delay: 100ms, probability: 1}}', ', resilience: {timeout: 50ms}');
    expect(causes(only)).toEqual(['timeout/UT/app']);
    expect(only.entrypoints[0].latency.count).toBe(0);
    // With no retries, every request the overall timeout failed was one try, cut short: counted as a failed try.
    const tries = only.attemptFailures.reduce((n, f) => n + f.count, 0);
    expect(tries).toBe(only.entrypoints[0].failed);
    expect(only.attemptFailures.map((f) => `${f.cause}/${f.flag}/${f.service}`)).toEqual(['timeout/UT/back']);
  });

  it('with the policy in the client library, its failures are the application’s', () => {
    const r = run('  - {at: 0s, delay: {service: back, delay: 100ms, probability: 1}}', ', resilience: {placement: client, timeout: 50ms}');
    expect(causes(r)).toEqual(['timeout/UT/app']);
  });
});

/** a → b under Linkerd (one connection, up to 100 streams, between each pair of pods) at 0.5 requests/s. */
function linkerdPair(duration: string, timeline: string, resilience = 'retries: none'): RunResult {
  const { topology, diagnostics } = loadTopologySource(`
name: pair
mesh: {profile: linkerd, resilience: {${resilience}}}
simulation: {duration: ${duration}, seed: 3, warmup: 0s}
services:
  a: {serviceTime: 1ms, workers: 200, calls: [b]}
  b: {serviceTime: 1ms, workers: 4}
entrypoints:
  web: {target: a, rate: 0.5/s}
timeline:
${timeline}`, 'pair.yaml');
  if (!topology) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return runTopology(topology);
}

describe('a partition that does not heal', () => {
  it('hangs the requests on an open connection until TCP gives up at 924.6 s; new connections fail at connectTimeout', () => {
    const r = linkerdPair('1000s', '  - {at: 5s, partition: {services: [a, b]}}');
    // A lost SYN is a connect failure (UF); an open connection TCP gave up on is reset (UC), as Envoy reports it.
    expect(new Set(causes(r))).toEqual(new Set(['partition/UF/app', 'partition-reset/UC/app']));
    expect(r.entrypoints[0].failures.find((f) => f.cause === 'partition-reset')?.count).toBe(100);
    // Linkerd carries up to 100 streams on its one connection to b: the first
    // 100 requests of the partition (200 ± 20 s of them) wait on it, and nothing
    // fails until a request needs a new connection, whose SYN is lost for
    // connectTimeout (1 s). Before: every request failed after connectTimeout.
    const first = r.timeline.points.find((p) => p.failed > 0)?.t ?? NaN;
    expect(first).toBeGreaterThan(150);
    expect(first).toBeLessThan(270);
    // Those that wait fail together when TCP resets their connection, 924.6 s
    // after the first of them was sent (the retransmission timer is the
    // connection's, not each stream's); the next requests open a new
    // connection and fail at connectTimeout, so the run ends with its load.
    // Before: each failed 924.6 s after it was sent, the reset connection
    // stayed pooled, and the run went on to ~1,910 s.
    const together = r.timeline.points.filter((p) => p.failed >= 50);
    expect(together.map((p) => p.failed)).toEqual([100]);
    expect(together[0].t).toBeGreaterThan(925);
    expect(together[0].t).toBeLessThan(935);
    expect(r.run.simulatedTime).toBeLessThan(1010);
    expect(r.entrypoints[0].succeeded).toBe(r.entrypoints[0].completed - r.entrypoints[0].failed);
  });
});

describe('partitions and the connections they stall (review)', () => {
  const one = (timeline: string, resilience = 'retries: none') => linkerdPair('260s', timeline, resilience);

  it('streams on one connection are resent on its one timer: after the heal they all get through at its next resend', () => {
    // ~95 requests in 10–200 s ride Linkerd's one connection to b. TCP's
    // retransmission timer is the connection's: the first stream began its
    // back-off at ~10 s, so its resends fall at ~10 + 102.2 and ~10 + 204.6 s,
    // and every stream queued on it gets through at the latter, together.
    // Before: each stream had a timer of its own from when it was sent, and
    // the late ones got through within a second or two of the heal.
    const r = one('  - {at: 10s, until: 200s, partition: {services: [a, b]}}');
    expect(r.entrypoints[0].failed).toBe(0);
    // (a's two pods each hold a connection, whose episodes began a second or so apart).
    const completed = (from: number, to: number) =>
      r.timeline.points.filter((p) => p.t >= from && p.t < to).reduce((n, p) => n + p.completed, 0);
    expect(completed(213, 217)).toBeGreaterThan(85);
    expect(completed(200, 213)).toBeLessThan(10);
  });

  it('a try a timeout abandons in a stall ends then, and is not counted again as a partition failure', () => {
    const r = run('  - {at: 10s, until: 30s, partition: {zones: [a, b]}}', '', 'istio-sidecar', 'timeout: 2s');
    const at = (cause: string, flag: string, service: string) =>
      r.attemptFailures.filter((f) => f.cause === cause && f.flag === flag && f.service === service).reduce((n, f) => n + f.count, 0);
    // Every try to back that stalls is cut by the 2 s timeout (a new connection's SYN would fail only at 10 s):
    // the partition made it late, the timeout ended it (UT), and it is the network's, not the mesh's.
    expect(at('partition', 'UT', 'back')).toBeGreaterThan(500);
    expect(r.attemptFailures.filter((f) => f.cause === 'partition' && f.flag === 'UT').every((f) => !f.mesh)).toBe(true);
    // Before: every one read timeout/UT, the mesh's.
    expect(at('timeout', 'UT', 'back')).toBe(0);
    // Nor is it counted a second time, as partition/UF, when it would have been dropped at its next resend.
    expect(at('partition', 'UF', 'back')).toBe(0);
    // With the timeout on back's calls only, so reads the request at the entry point: the partition's, ended by
    // a timeout. With the same timeout on the entry point's call, that one runs out first, on a try that is
    // waiting for front, not stalled itself, while front's try to back is: the partition's too (before: a
    // timeout, the mesh's).
    expect(r.entrypoints[0].failures.some((f) => f.cause === 'timeout')).toBe(false);
    expect(r.entrypoints[0].failures.find((f) => f.cause === 'partition' && f.flag === 'UT')?.service).toBe('back');
    const inner = run('  - {at: 10s, until: 30s, partition: {zones: [a, b]}}', ', resilience: {timeout: 2s}');
    const causesAtEntry = new Set(inner.entrypoints[0].failures.map((f) => `${f.cause}/${f.flag}/${f.mesh ? 'mesh' : 'app'}`));
    expect(causesAtEntry.has('partition/UT/app')).toBe(true);
    expect(causesAtEntry.has('timeout/UT/mesh')).toBe(false);
  });

  it('a stream whose connection a proxy crash tore down during the stall is reset when the partition heals', () => {
    const r = run('  - {at: 10s, until: 30s, partition: {zones: [a, b]}}\n  - {at: 12s, until: 14s, proxyCrash: {service: back}}');
    // Before: those streams went on after the heal as if their connection were still there, and succeeded 25 s late.
    expect(causes(r)).toContain('proxy-reset/UC/mesh');
    expect(r.entrypoints[0].latency.max).toBeLessThan(10);
  });
});
