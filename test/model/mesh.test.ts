import { describe, expect, it } from 'vitest';
import { resolveLimits, runTopology } from '../../sim/run.js';
import { buildModel } from '../../sim/model/build.js';
import { simulate } from '../../sim/model/simulation.js';
import { compareMeshes } from '../../sim/compare.js';
import { resultJson } from '../../sim/cli/program.js';
import { loadTopologySource } from '../../sim/topology/load.js';
import type { Topology } from '../../sim/topology/types.js';
import type { RunResult } from '../../sim/results/types.js';

function topo(yaml: string, options: { mesh?: string; mtls?: boolean } = {}): Topology {
  const { topology, diagnostics } = loadTopologySource(yaml, 'inline.yaml', options);
  if (!topology) throw new Error(diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return topology;
}

const fleet = (r: RunResult, kind: string) => r.resources.proxies.find((p) => p.kind === kind);
const rel = (x: number, y: number): number => Math.abs(x - y) / y;

describe('mTLS', () => {
  // Connections idle for 1 ms close, so at 20/s every request opens a new one.
  const yaml = `
name: handshakes
simulation: {duration: 60s, warmup: 1s}
network: {sameZone: 100us}
mesh:
  profile: istio-sidecar
  mtls: {idleTimeout: 1ms, resumption: false}
services:
  api: {serviceTime: 1ms}
entrypoints:
  in: {target: api, via: mesh, arrivals: constant, rate: 20/s}
`;

  it('a new connection pays a handshake on the critical path: CPU on both ends plus two round trips', () => {
    const r = runTopology(topo(yaml));
    const e = r.entrypoints[0];
    const s = fleet(r, 'sidecar');
    expect(s?.handshakes).toBe(e.completed);
    // 1 ms of CPU at each end (istio-sidecar's handshakeCpu) + 2 round trips of 2 × 100 µs.
    expect(e.decomposition.mtls).toBeCloseTo(0.001 + 0.001 + 4 * 0.0001, 9);
  });

  it('switching mTLS off removes handshake time from the decomposition', () => {
    const r = runTopology(topo(yaml, { mtls: false }));
    expect(r.mesh.mtls).toBe(false);
    expect(r.entrypoints[0].decomposition.mtls).toBe(0);
    expect(fleet(r, 'sidecar')?.handshakes).toBe(0);
    expect(r.entrypoints[0].latency.mean).toBeLessThan(runTopology(topo(yaml)).entrypoints[0].latency.mean - 0.002);
  });

  it('pooled connections are reused: handshakes only while the pool grows', () => {
    const r = runTopology(topo(yaml.replace('idleTimeout: 1ms', 'idleTimeout: 1h')));
    expect(fleet(r, 'sidecar')?.handshakes).toBe(0); // the one handshake happened in the warm-up
    expect(r.entrypoints[0].decomposition.mtls).toBe(0);
  });
});

describe('proxies are queueing resources', () => {
  const at = (rate: number) => runTopology(topo(`
name: saturate
simulation: {duration: 40s, warmup: 5s}
mesh:
  profile: istio-sidecar
  mtls: {enabled: false}
  sidecar: {workers: 1, requestCost: {dist: exponential, mean: 400us}, responseCost: 0, telemetryCost: 0, perKB: 0}
services:
  api: {workers: 1000, serviceTime: 100us}
entrypoints:
  in: {target: api, via: direct, rate: ${rate}/s}
`));

  it('a sidecar with one thread and 400 µs per request queues like M/M/1, responses waiting their turn too', () => {
    const r = at(2000);
    const s = fleet(r, 'sidecar');
    expect(rel(s?.workerUtilization ?? 0, 0.8)).toBeLessThan(0.03);
    const d = r.entrypoints[0].decomposition;
    expect(rel(d.proxyWork, 0.0004)).toBeLessThan(0.03);
    // Requests arrive by Poisson, so they wait the M/M/1 Wq = ρ/(μ−λ) = 1.6 ms
    // (PASTA). The response traversal costs nothing but queues on the same
    // thread, behind the work present when it comes back: between nothing
    // and about as long again. So the time in the proxy is 2.0–3.6 ms.
    const inProxy = d.proxyQueue + d.proxyWork;
    expect(inProxy).toBeGreaterThan(0.002);
    expect(inProxy).toBeLessThan(0.0036 * 1.05);
  });

  it('beyond what its workers can serve, it saturates and the run says so', () => {
    const r = at(2600);
    expect(fleet(r, 'sidecar')?.workerUtilization).toBeGreaterThan(0.98);
    expect(r.warnings.map((w) => w.subject)).toContain('sidecar');
    expect(r.entrypoints[0].decomposition.proxyQueue).toBeGreaterThan(0.1);
    // Its one thread can use one core and pass 2,500 requests a second
    // (1 / 400 µs), however much backlog it works off after the window.
    const s = fleet(r, 'sidecar');
    const idle = r.mesh.profile === 'istio-sidecar' ? 0.01 : 0;
    expect(s?.vcpuPerProxy).toBeLessThanOrEqual(1 + idle);
    expect(s?.vcpuPerProxy).toBeGreaterThan(0.98);
    expect(s?.requestsPerSecondPerProxy).toBeLessThan(2500 * 1.03);
  });

  it('one saturated proxy is flagged though the rest of its fleet idles', () => {
    // hot's sidecar: 990/s × 1 ms of work on one thread, ρ = 0.99; nine cold
    // services' sidecars almost idle, so the fleet averages about 10 %.
    const cold = Array.from({ length: 9 }, (_, i) => i);
    const r = runTopology(topo(`
name: hot-sidecar
mesh:
  profile: istio-sidecar
  sidecar: {workers: 1, requestCost: 500us, responseCost: 500us, telemetryCost: 0s, perKB: 0us}
  mtls: {enabled: false}
simulation: {seed: 1, duration: 60s, warmup: 5s}
services:
  hot: {workers: 100, serviceTime: 100us}
${cold.map((i) => `  cold${i}: {workers: 100, serviceTime: 100us}`).join('\n')}
entrypoints:
  e: {target: hot, rate: 990/s, via: direct}
${cold.map((i) => `  c${i}: {target: cold${i}, rate: 1/s, via: direct}`).join('\n')}
`));
    expect(fleet(r, 'sidecar')?.workerUtilization).toBeLessThan(0.2);
    const w = r.warnings.filter((x) => x.code === 'saturated');
    expect(w.map((x) => x.subject)).toEqual(['sidecar']);
    expect(w[0].message).toMatch(/^the sidecar proxy "hot-0" is saturated \(worker threads busy 9\d\.\d % of the time; the sidecar fleet's average is \d+\.\d %\)/);
  });

  it('an overloaded service is charged the CPU it used in the window, not its backlog', () => {
    // 150/s at 10 ms on one worker: 1.5 cores offered, one used; the
    // backlog drains after the 30 s of load.
    const r = runTopology(topo(`
name: over
simulation: {seed: 1, duration: 30s}
services: {s: {serviceTime: 10ms}}
entrypoints: {e: {target: s, rate: 150/s, arrivals: constant}}
`));
    expect(r.resources.appVcpu).toBeLessThanOrEqual(1 + 1e-9);
    expect(r.resources.appVcpu).toBeGreaterThan(0.99);
  });
});

describe('shared cores', () => {
  it('an app on one shared core is processor sharing: M/M/1-PS has W = 1/(μ−λ), as FCFS does', () => {
    const r = runTopology(topo(`
name: ps
nodes: {only: {zone: default, cores: 1, cpu: shared}}
simulation: {duration: 3000s, warmup: 50s}
services:
  api: {workers: 100000, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  in: {target: api, rate: 60/s}
`));
    const e = r.entrypoints[0];
    expect(rel(e.latency.mean, 1 / (100 - 60))).toBeLessThan(0.03);
    expect(r.services[0].waitProbability).toBe(0); // nobody waits for a worker: they share the core
    expect(rel(r.resources.sharedNodes[0].utilization, 0.6)).toBeLessThan(0.02);
  });

  it('an overloaded shared node is saturated: it warns, and bills the core it used, not the backlog', () => {
    // 150/s of 10 ms on one core: 1.5 cores of work offered.
    const r = runTopology(topo(`
name: ps-over
nodes: {n1: {zone: default, cores: 1, cpu: shared}}
simulation: {seed: 1, duration: 100s, warmup: 10s}
services:
  server: {workers: 100000, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  clients: {target: server, rate: 150/s}
`));
    expect(r.resources.sharedNodes[0].utilization).toBeGreaterThan(0.99);
    // Before: no warning (the workers looked idle), and 1.496 vCPU of app work on a 1-core node.
    expect(r.warnings.some((w) => w.code === 'saturated' && w.subject === 'n1')).toBe(true);
    expect(r.resources.appVcpu).toBeLessThanOrEqual(1 + 1e-9);
    expect(r.resources.appVcpu).toBeGreaterThan(0.99);
  });

  it('proxies and apps on one node slow each other down', () => {
    const mk = (cpu: string) => runTopology(topo(`
name: contention
nodes: {n: {zone: default, cores: 2, cpu: ${cpu}}}
simulation: {duration: 60s, warmup: 5s}
mesh: {profile: istio-sidecar, mtls: {enabled: false}}
services:
  api: {workers: 64, serviceTime: {dist: exponential, mean: 1ms}}
entrypoints:
  in: {target: api, via: mesh, rate: 1200/s}
`));
    const dedicated = mk('dedicated').entrypoints[0];
    const shared = mk('shared').entrypoints[0];
    expect(shared.decomposition.appWork).toBeGreaterThan(dedicated.decomposition.appWork * 1.3);
    expect(shared.decomposition.proxyWork).toBeGreaterThan(dedicated.decomposition.proxyWork * 1.3);
  });
});

describe('paths through the mesh', () => {
  const chain = `
name: paths
zones: [a, b]
nodes:
  a1: {zone: a}
  b1: {zone: b}
simulation: {requests: 500}
services:
  front: {replicas: 2, workers: 8, serviceTime: 1ms, calls: [back]}
  back: {replicas: 2, workers: 8, serviceTime: 1ms, l7: true}
entrypoints:
  web: {target: front, arrivals: constant, rate: 50/s}
`;
  const requests = (r: RunResult, kind: string) => (fleet(r, kind)?.requestsPerSecondPerProxy ?? 0) * (fleet(r, kind)?.count ?? 0) * r.run.measuredTime;

  it('sidecar: every call crosses the caller’s and the callee’s sidecar; entry traffic crosses the gateway', () => {
    const r = runTopology(topo(chain, { mesh: 'istio-sidecar' }));
    const n = r.entrypoints[0].completed;
    expect(requests(r, 'gateway')).toBeCloseTo(n, 6);
    // web → front: gateway + front's sidecar; front → back: two sidecars.
    expect(requests(r, 'sidecar')).toBeCloseTo(3 * n, 6);
    expect(fleet(r, 'sidecar')?.count).toBe(4);
  });

  it('ambient: node proxies on both ends, and a waypoint for the L7 service', () => {
    const r = runTopology(topo(chain, { mesh: 'istio-ambient-waypoint' }));
    const n = r.entrypoints[0].completed;
    expect(fleet(r, 'node-proxy')?.count).toBe(2);
    expect(requests(r, 'node-proxy')).toBeCloseTo(3 * n, 6);
    expect(requests(r, 'waypoint')).toBeCloseTo(n, 6);
    const plain = runTopology(topo(chain, { mesh: 'istio-ambient' }));
    expect(fleet(plain, 'waypoint')).toBeUndefined();
  });

  it('a gateway exists, and is billed, only when an entry point sends through it', () => {
    const viaMesh = runTopology(topo(chain.replace('arrivals: constant', 'via: mesh, arrivals: constant'), { mesh: 'istio-sidecar' }));
    expect(fleet(viaMesh, 'gateway')).toBeUndefined();
    expect(viaMesh.resources.proxies.map((p) => p.kind)).toEqual(['sidecar']);
    const viaGateway = runTopology(topo(chain, { mesh: 'istio-sidecar' }));
    expect(fleet(viaGateway, 'gateway')?.count).toBe(2);
    expect(viaGateway.resources.proxyCostPerMonth).toBeGreaterThan(viaMesh.resources.proxyCostPerMonth);
  });

  it('no mesh: no proxies, no proxy time', () => {
    const r = runTopology(topo(chain));
    expect(r.resources.proxies).toEqual([]);
    expect(r.resources.proxyCostPerMonth).toBe(0);
    expect(r.entrypoints[0].decomposition.proxyWork).toBe(0);
  });
});

describe('L7 policy in ambient mode', () => {
  // 30 % of back's and l7back's answers are 503s for 20 s; Istio's policy,
  // told to retry 503s (its default until 1.24), retries them on another
  // host where an Envoy carries the call.
  const yaml = (via: string) => `
name: ambient-policy
simulation: {duration: 30s, warmup: 1s}
services:
  front: {workers: 64, serviceTime: 1ms, calls: [back, l7back], resilience: {retries: {retryOn: [connect-failure, refused-stream, retriable-status]}}}
  back: {replicas: 2, workers: 64, serviceTime: 2ms, resilience: {retries: {retryOn: [connect-failure, refused-stream, retriable-status]}}}
  l7back: {replicas: 2, workers: 64, serviceTime: 2ms, l7: true, resilience: {retries: {retryOn: [connect-failure, refused-stream, retriable-status]}}}
entrypoints:
  web: {target: front, via: ${via}, rate: 100/s}
timeline:
  - {at: 5s, until: 25s, abort: {service: back, status: 503, probability: 0.3}}
  - {at: 5s, until: 25s, abort: {service: l7back, status: 503, probability: 0.3}}
`;
  const retries = (r: RunResult, name: string) => r.services.find((s) => s.name === name)?.retries ?? NaN;

  it('ztunnel carries bytes: only calls through a waypoint (or the gateway) are retried', () => {
    const ambient = runTopology(topo(yaml('mesh'), { mesh: 'istio-ambient-waypoint' }));
    // Pod to pod without a waypoint: ztunnel alone, no retries.
    expect(retries(ambient, 'back')).toBe(0);
    expect(retries(ambient, 'front')).toBe(0);
    // Through the waypoint: about 0.3 × 2000 calls retried.
    expect(retries(ambient, 'l7back')).toBeGreaterThan(400);
    // Under sidecars every call has an Envoy on the caller's side.
    const sidecar = runTopology(topo(yaml('mesh'), { mesh: 'istio-sidecar' }));
    expect(retries(sidecar, 'back')).toBeGreaterThan(400);
    // back's 503s reach the entry point under ambient; a retry hides most of them under sidecars.
    expect(ambient.entrypoints[0].failed).toBeGreaterThan(10 * sidecar.entrypoints[0].failed);
    // Entry traffic through the ingress gateway (an Envoy) is retried there: front answers 503 when back does.
    const gateway = runTopology(topo(yaml('gateway'), { mesh: 'istio-ambient-waypoint' }));
    expect(retries(gateway, 'front')).toBeGreaterThan(400);
  });

  it('the ingress gateway bypasses the waypoint and applies the policy itself, unless the service sets ingressUseWaypoint', () => {
    // Entry traffic straight to an l7 service, 30 % of whose answers are 503s for 20 s.
    const src = (label: boolean) => `
name: ingress-waypoint
simulation: {duration: 30s, warmup: 1s}
network: {sameZone: 500us}
services:
  l7back: {replicas: 2, workers: 64, serviceTime: 2ms, l7: true${label ? ', ingressUseWaypoint: true' : ''}, resilience: {retries: {retryOn: [connect-failure, refused-stream, retriable-status]}}}
entrypoints:
  web: {target: l7back, via: gateway, rate: 100/s}
timeline:
  - {at: 5s, until: 25s, abort: {service: l7back, status: 503, probability: 0.3}}
`;
    const requests = (r: RunResult, kind: string) => (fleet(r, kind)?.requestsPerSecondPerProxy ?? 0) * (fleet(r, kind)?.count ?? 0) * r.run.measuredTime;
    const bypass = runTopology(topo(src(false), { mesh: 'istio-ambient-waypoint' }));
    const through = runTopology(topo(src(true), { mesh: 'istio-ambient-waypoint' }));
    // Istio's default: the gateway sends to the pods; the waypoint sees nothing.
    expect(requests(bypass, 'waypoint')).toBe(0);
    expect(requests(through, 'waypoint')).toBeCloseTo(through.services[0].arrivals - through.services[0].retries, -1);
    // Either way an Envoy (the gateway, or the waypoint) retries the 503s: about 0.3 × 2000.
    expect(bypass.services[0].retries).toBeGreaterThan(400);
    expect(through.services[0].retries).toBeGreaterThan(400);
    // The waypoint's pass and its extra network legs (2 × 0.5 ms) show in the latency.
    expect(through.entrypoints[0].latency.p50 - bypass.entrypoints[0].latency.p50).toBeGreaterThan(0.001);
  });

  it('a retry from the waypoint starts at the waypoint: the caller\'s leg to it is walked once', () => {
    // Every answer of l7back is a 503, retried: Istio's 3 tries each time, from the waypoint.
    const r = runTopology(topo(`
name: waypoint-retries
simulation: {duration: 20s, warmup: 1s}
services:
  front: {workers: 64, serviceTime: 1ms, calls: [l7back]}
  l7back: {replicas: 2, workers: 64, serviceTime: 2ms, l7: true, resilience: {retries: {retryOn: [connect-failure, refused-stream, retriable-status]}}}
entrypoints:
  web: {target: front, via: mesh, rate: 50/s}
timeline:
  - {at: 0s, abort: {service: l7back, status: 503, probability: 1}}
`, { mesh: 'istio-ambient-waypoint' }));
    const n = r.entrypoints[0].completed;
    const perRequest = (kind: string) => (fleet(r, kind)?.requestsPerSecondPerProxy ?? 0) * (fleet(r, kind)?.count ?? 0) * r.run.measuredTime / n;
    expect(r.services[1].arrivals / n).toBeCloseTo(3, 1);
    // The waypoint takes the request in once and sends it on three times.
    // (Proxies count the responses they pass in the window, requests the
    // completions of those that arrived in it: the edges differ by a few.)
    expect(perRequest('waypoint')).toBeCloseTo(1, 2);
    // ztunnels: the entry's and front's for web → front; front's once and l7back's per try for front → l7back.
    expect(perRequest('node-proxy')).toBeCloseTo(6, 1);
  });

  it("a waypoint's circuit breaker is one for all callers; each sidecar has its own", () => {
    // Eight callers on eight nodes, each ~5 requests in flight to db; the
    // breaker allows 8 in flight per router: the profile's one waypoint, or
    // each sidecar (not each node's ztunnel).
    const t = (mesh: string) => topo(`
name: breaker
simulation: {duration: 20s, warmup: 1s}
zones: [z]
nodes: {n1: {zone: z}, n2: {zone: z}, n3: {zone: z}, n4: {zone: z}, n5: {zone: z}, n6: {zone: z}, n7: {zone: z}, n8: {zone: z}}
services:
  front: {replicas: 8, nodes: [n1, n2, n3, n4, n5, n6, n7, n8], workers: 64, serviceTime: 1ms, calls: [db]}
  db:
    replicas: 4
    workers: 64
    l7: true
    serviceTime: {dist: exponential, mean: 50ms}
    resilience: {retries: none, circuitBreaker: {maxRequests: 8, maxConnections: 1000000, maxPending: 1000000}}
entrypoints:
  web: {target: front, via: mesh, rate: 800/s}
`, { mesh });
    const overflow = (r: RunResult) => r.entrypoints[0].failures.find((f) => f.cause === 'circuit-open')?.count ?? 0;
    const waypoint = runTopology(t('istio-ambient-waypoint'));
    const sidecar = runTopology(t('istio-sidecar'));
    // 800/s × 50 ms = 40 in flight: one breaker of 8 fails most of them; eight of 8 (64) only a sidecar's
    // bursts past 8 of its ~5 (its 503 is not retried at the entry since Istio 1.24; before, a retry hid most).
    expect(overflow(waypoint) / waypoint.entrypoints[0].completed).toBeGreaterThan(0.5);
    expect(overflow(sidecar) / sidecar.entrypoints[0].completed).toBeLessThan(0.05);
  });
});

describe('compare', () => {
  const t = (mesh: string) => topo(`
name: cmp
simulation: {duration: 20s, warmup: 2s}
services:
  a: {replicas: 2, workers: 4, serviceTime: {dist: exponential, mean: 2ms}, calls: [{call: b, probability: 0.5}]}
  b: {workers: 4, serviceTime: {dist: exponential, mean: 1ms}}
entrypoints:
  in: {target: a, rate: 300/s}
`, { mesh });
  const meshes = ['none', 'istio-sidecar', 'istio-ambient', 'linkerd', 'cilium'];

  it('every mode sees the same arrivals and the same branch choices', () => {
    const c = compareMeshes(meshes.map(t));
    expect(new Set(c.runs.map((r) => r.entrypoints[0].completed)).size).toBe(1);
    expect(new Set(c.runs.map((r) => r.services[1].arrivals)).size).toBe(1);
    expect(c.baseline).toBe('none');
    expect(c.invoice[0].rows.map((r) => r.mesh)).toEqual(meshes);
    expect(c.invoice[0].rows[0].p50.delta).toBe(0);
    expect(c.invoice[0].rows[1].mean.significant).toBe(true);
  });

  it('is byte-identical across runs', () => {
    expect(resultJson(compareMeshes(meshes.map(t)))).toBe(resultJson(compareMeshes(meshes.map(t))));
  });

  it('prices the proxies: (vCPU × $/vCPU-h + GB × $/GB-h) × 730 h', () => {
    const r = runTopology(t('istio-sidecar'));
    const x = r.resources;
    expect(x.proxyCostPerMonth).toBeCloseTo((x.proxyVcpu * x.prices.vcpuHour + x.proxyMemoryGB * x.prices.gbHour) * 730, 9);
  });
});

describe('circuit breaking', () => {
  const at = (cb: string) => runTopology(topo(`
name: breaker
simulation: {duration: 30s, warmup: 2s}
mesh: {profile: istio-sidecar, resilience: {retries: none}}
services:
  front: {workers: 1000, serviceTime: 100us, calls: [api]}
  api:
    workers: 100
    serviceTime: 10ms
    resilience: {circuitBreaker: ${cb}}
entrypoints:
  in: {target: front, rate: 400/s}
`));

  it('with every connection busy, requests wait for one; beyond maxPending they fail at once (UO, the mesh)', () => {
    // HTTP/1.1 between sidecars: 2 connections carry 2 requests; ~4 are wanted at once.
    const r = at('{maxConnections: 2, maxPending: 3, maxRequests: 1000}');
    const e = r.entrypoints[0];
    expect(e.failed).toBeGreaterThan(0);
    expect(e.failures).toEqual([
      { cause: 'circuit-open', component: 'policy: circuit breaker', flag: 'UO', mesh: true, service: 'api', count: e.failed },
    ]);
    expect(e.decomposition.proxyQueue).toBeGreaterThan(0.002);
  });

  it('a long enough pending queue fails nothing but makes requests wait', () => {
    const r = at('{maxConnections: 2, maxPending: 100000, maxRequests: 1000}');
    expect(r.entrypoints[0].failed).toBe(0);
    expect(r.entrypoints[0].decomposition.proxyQueue).toBeGreaterThan(0.002);
    // The api sees at most 2 requests at once.
    expect(r.services[1].waitProbability).toBe(0);
  });

  it('maxRequests caps requests in flight whatever the connections', () => {
    const r = at('{maxConnections: 1000, maxPending: 1000, maxRequests: 2}');
    expect(r.entrypoints[0].failed).toBeGreaterThan(0);
    expect(r.entrypoints[0].decomposition.proxyQueue).toBeLessThan(0.0005);
  });
});

describe('which node proxies apply request policy', () => {
  const src = `
name: layer
simulation: {seed: 3, duration: 200s}
services:
  front: {workers: 100, serviceTime: 1ms, calls: [leaf]}
  leaf: {replicas: 2, workers: 100, serviceTime: 1ms, resilience: {retries: {attempts: 4, retryOn: [5xx]}}}
entrypoints:
  c: {target: front, rate: 100/s}
timeline:
  - {at: 0s, abort: {service: leaf, status: 503, probability: 0.5}}
`;
  const under = (mesh: string) => loadTopologySource(src, 'layer.yaml', { mesh });

  it("Cilium's node Envoy (l7) retries, as its profile says; Istio's ztunnel (l4) without a waypoint cannot", () => {
    const cilium = runTopology(under('cilium').topology!);
    const leaf = cilium.services.find((s) => s.name === 'leaf')!;
    // Half the tries fail: 1 + 1/2 + 1/4 + 1/8 tries a call, and four failed tries leave 1/16 of the
    // requests failed (the entry point's clients are outside the mesh: nothing retries front).
    expect(leaf.retries / leaf.calls).toBeGreaterThan(0.875 - 0.03);
    expect(leaf.retries / leaf.calls).toBeLessThan(0.875 + 0.03);
    expect(Math.abs(cilium.entrypoints[0].errorRate - 1 / 16)).toBeLessThan(0.01);
    expect(cilium.services.find((s) => s.name === 'front')!.retries).toBe(0);
    const ztunnel = runTopology(under('istio-ambient').topology!);
    expect(ztunnel.services.find((s) => s.name === 'leaf')!.retries).toBe(0);
    expect(Math.abs(ztunnel.entrypoints[0].errorRate - 0.5)).toBeLessThan(0.03);
  });

  it('warns that a policy has no effect only where the node proxy is l4 and no waypoint carries the call', () => {
    expect(under('cilium').diagnostics).toEqual([]);
    expect(under('istio-ambient').diagnostics.map((d) => d.code)).toEqual(['no-effect']);
  });
});

describe('callers outside the mesh', () => {
  it('an entry point via: direct gets no mesh retries: the callee\'s inbound sidecar does not retry', () => {
    const src = `
name: direct
simulation: {seed: 5, duration: 100s}
mesh: istio-sidecar
services:
  front: {workers: 100, serviceTime: 1ms, resilience: {retries: {attempts: 3, retryOn: [5xx]}}}
entrypoints:
  c: {target: front, rate: 100/s, via: VIA}
timeline:
  - {at: 10s, abort: {service: front, status: 503, probability: 0.3}}
`;
    const run = (via: string) => runTopology(loadTopologySource(src.replace('VIA', via), 'direct.yaml').topology!);
    const direct = run('direct');
    expect(direct.services[0].retries).toBe(0);
    expect(Math.abs(direct.entrypoints[0].errorRate - 0.3 * 0.9)).toBeLessThan(0.03);
    // Through the gateway, an Envoy, the same policy retries: 0.3³ of the requests after 10 s fail.
    const gateway = run('mesh');
    expect(gateway.services[0].retries).toBeGreaterThan(0);
    expect(gateway.entrypoints[0].errorRate).toBeLessThan(0.05);
  });

  it("dials with its own connect timeout, not the mesh proxy's: a zone partition delays its requests as with no mesh", () => {
    // Clients in zone a, the service in zone b, cut apart from 10 s to 20 s. A client outside the mesh has
    // no Linkerd or Envoy of its own: its SYNs are resent (1, 3, 7, 15 s) until the partition heals, within
    // its dialer's 30 s, as with no mesh. Before: it was given the mesh proxy's connect timeout (Linkerd
    // 1 s, Cilium 2 s, Istio 10 s) and ~230 of its requests failed (partition, UF) under Linkerd.
    const src = `
name: outside
zones: [a, b]
network: {sameNode: 20us, sameZone: 100us, crossZone: 500us}
simulation: {duration: 40s, seed: 2}
services:
  api: {workers: 8, serviceTime: 1ms, zones: [b]}
entrypoints:
  web: {target: api, rate: 20/s, zone: a, via: VIA}
timeline:
  - {at: 10s, until: 20s, partition: {zones: [a, b]}}
`;
    const run = (mesh: string, via: string) => runTopology(loadTopologySource(src.replace('VIA', via), 'outside.yaml', { mesh }).topology!).entrypoints[0];
    const none = run('none', 'direct');
    expect(none.failed).toBe(0);
    expect(none.latency.max).toBeGreaterThan(14);
    // linkerd and cilium have no gateway: via gateway their clients are outside the mesh too.
    for (const [mesh, via] of [['linkerd', 'gateway'], ['cilium', 'gateway'], ['istio-sidecar', 'direct'], ['istio-ambient', 'direct'], ['linkerd', 'direct']]) {
      const outside = run(mesh, via);
      expect(outside.failed, `${mesh} via ${via}`).toBe(0);
      expect(outside.latency.max, `${mesh} via ${via}`).toBeGreaterThan(14);
    }
    // A meshed client's proxy does time its connections out: Linkerd's 1 s fails what the partition holds up.
    const meshed = run('linkerd', 'mesh');
    expect(meshed.failed).toBeGreaterThan(100);
    expect(new Set(meshed.failures.map((f) => f.cause))).toEqual(new Set(['partition']));
  });

  it("keeps its own connect timeout under placement: client too, unless the topology wrote one for the client library", () => {
    // With the policy in the client library the profile's connectTimeout (Linkerd's 1 s) is still its proxy's, not the
    // library's: before, an outside client got it and ~28 % of its requests failed across the partition.
    const src = `
name: outside-client-placement
zones: [a, b]
network: {sameNode: 20us, sameZone: 100us, crossZone: 500us}
simulation: {duration: 40s, seed: 2}
services:
  api: {workers: 8, serviceTime: 1ms, zones: [b], resilience: {placement: client CONNECT}}
entrypoints:
  web: {target: api, rate: 20/s, zone: a, via: direct}
timeline:
  - {at: 10s, until: 20s, partition: {zones: [a, b]}}
`;
    const run = (mesh: string, connect: string) =>
      runTopology(loadTopologySource(src.replace(' CONNECT', connect), 'outside.yaml', { mesh }).topology!).entrypoints[0];
    for (const mesh of ['linkerd', 'istio-sidecar', 'cilium']) {
      const outside = run(mesh, '');
      expect(outside.failed, mesh).toBe(0);
      expect(outside.latency.max, mesh).toBeGreaterThan(14);
    }
    // A connect timeout the topology wrote under placement: client is the library's own, and it dials with it.
    const written = run('linkerd', ', connectTimeout: 2s');
    expect(written.failed).toBeGreaterThan(100);
    expect(new Set(written.failures.map((f) => f.cause))).toEqual(new Set(['partition']));
    expect(written.latency.max).toBeLessThan(3);
  });
});

describe('idle connections', () => {
  it('count as open until their idle timeout lapses, not until the pair next talks', () => {
    // Requests 2 s apart on average (Poisson), connections closed after 1 s idle: each end holds one
    // open E[min(gap, 1 s)] / E[gap] = (1 − e^−0.5) / 0.5 / 2 of the time.
    const r = runTopology(topo(`
name: idle
simulation: {seed: 5, duration: 4000s}
mesh: {profile: istio-sidecar, mtls: {idleTimeout: 1s}}
services:
  s: {workers: 10, serviceTime: 1ms}
entrypoints:
  c: {target: s, rate: 0.5/s, via: mesh}
`));
    const expected = (1 - Math.exp(-0.5)) / 0.5 / 2;
    expect(rel(fleet(r, 'sidecar')!.meanConnectionsPerProxy, expected)).toBeLessThan(0.06);
  });
});

describe('the projection to N pods', () => {
  it('spreads a gateway\'s CPU over the pods of the window, as the sidecars\' (a scale-up counts for its part)', () => {
    const { topology, diagnostics } = loadTopologySource(`
name: scale
mesh: istio-sidecar
simulation: {seed: 2, duration: 30s, warmup: 5s}
services:
  front: {replicas: 2, workers: 8, serviceTime: {dist: exponential, mean: 2ms}, calls: [back]}
  back: {replicas: 2, workers: 8, serviceTime: {dist: exponential, mean: 3ms}}
entrypoints:
  web: {target: front, rate: 200/s, via: gateway}
timeline:
  - {at: 12s, scale: {service: back, replicas: 5, startup: 3s, preStop: 0s}}`, 'scale.yaml');
    if (!topology) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    const r = runTopology(topology).resources;
    const sidecars = r.proxies.find((p) => p.kind === 'sidecar');
    const gateway = r.proxies.find((p) => p.kind === 'gateway');
    if (!sidecars || !gateway) throw new Error('expected sidecars and a gateway');
    // Every pod has a sidecar and no client has one: the pods of the window are the sidecars' count (4 for 10 s, 7 for 15 s of 25 s).
    expect(sidecars.count).toBeCloseTo((4 * 10 + 7 * 15) / 25, 1);
    const N = r.projection.pods;
    const idle = 0.003 * gateway.count;
    const expected = N * sidecars.vcpuPerProxy + idle + ((gateway.vcpu - idle) * N) / sidecars.count;
    // Before: the gateway's share was divided by the 4 pods at the start (37 % more).
    expect(r.projection.proxyVcpu).toBeCloseTo(expected, 6);
  });

  it('grows every proxy\'s memory by the endpoints it learns, the gateway\'s too', () => {
    const { topology, diagnostics } = loadTopologySource(`
name: fleet
mesh: istio-sidecar
simulation: {seed: 2, duration: 10s, warmup: 1s}
costs: {projectPods: 1000}
services:
  front: {replicas: 2, workers: 8, serviceTime: 1ms, calls: [back]}
  back: {replicas: 2, workers: 8, serviceTime: 1ms}
entrypoints:
  web: {target: front, rate: 100/s, via: gateway}`, 'fleet.yaml');
    if (!topology) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    const r = runTopology(topology).resources;
    const sidecars = r.proxies.find((p) => p.kind === 'sidecar');
    const gateway = r.proxies.find((p) => p.kind === 'gateway');
    if (!sidecars || !gateway) throw new Error('expected sidecars and a gateway');
    // istio-sidecar: 12 KB an endpoint, sidecar and gateway alike; 4 endpoints today, 1,000 projected.
    const grown = 12e3 * (1000 - 4);
    const expected = 1000 * (sidecars.memoryMBPerProxy * 1e6 + grown) + gateway.count * (gateway.memoryMBPerProxy * 1e6 + grown);
    // Before, the gateway kept today's memory: 2 × 12 MB less.
    expect(r.projection.proxyMemoryGB * 1e9).toBeCloseTo(expected, 0);
    expect(gateway.count).toBe(2);
  });
});

describe('the projection of proxies that are not a pod\'s', () => {
  /** Two pods on node a, the clients there too, and `spare` nodes with no pod: their ztunnels only idle. */
  const withSpares = (spare: number) => runTopology(topo(`
name: spares
zones: [z]
nodes:
  a: {zone: z}
${Array.from({ length: spare }, (_, i) => `  spare${i}: {zone: z}`).join('\n')}
mesh: istio-ambient
simulation: {seed: 3, duration: 20s, warmup: 2s}
costs: {projectPods: 1000}
services:
  s: {replicas: 2, workers: 8, nodes: [a], serviceTime: {dist: exponential, mean: 2ms}}
entrypoints:
  w: {target: s, rate: 500/s, via: direct, node: a}
`)).resources;

  it('grow the nodes with pods at what such a node uses, and keep a spare node\'s proxy at its idle CPU', () => {
    const r = withSpares(3);
    const f = fleet({ resources: r } as RunResult, 'node-proxy');
    if (!f) throw new Error('no node proxies');
    expect(f.count).toBe(4);
    // istio-ambient's ztunnel: 0.001 vCPU idle, 11.5 MB + 1 KB an endpoint; the spares carry nothing.
    const idle = 0.001, spareMemory = 11.5e6 + 1e3 * 2;
    const busy = f.vcpu - 3 * idle;
    // 2 pods on 1 node today: 1,000 pods need 500 such nodes; the 3 spares stay as they are.
    expect(r.projection.proxyVcpu).toBeCloseTo(500 * busy + 3 * idle, 9);
    const grow = 1e3 * (1000 - 2);
    expect(r.projection.proxyMemoryGB * 1e9).toBeCloseTo(500 * (f.memoryGB * 1e9 - 3 * spareMemory + grow) + 3 * (spareMemory + grow), 0);
  });

  it("keep a meshed client's sidecar as one, at what it uses: it is no pod, so not one of the N", () => {
    const t = topo(`
name: client
simulation: {seed: 4, duration: 20s, warmup: 2s}
mesh: istio-sidecar
costs: {projectPods: 1000}
services:
  a: {replicas: 2, workers: 8, serviceTime: {dist: exponential, mean: 2ms}, calls: [b]}
  b: {replicas: 3, workers: 8, serviceTime: {dist: exponential, mean: 1ms}}
entrypoints:
  w: {target: a, rate: 300/s, via: mesh}
`);
    const r = runTopology(t).resources;
    // Each sidecar's own vCPU and memory, from the simulation: the pods' 5, and the client's.
    const model = buildModel(t);
    const o = simulate(model, resolveLimits(t));
    const sidecars = model.proxies.filter((p) => p.kind === 'sidecar');
    const vcpu = (p: (typeof sidecars)[number]): number => o.proxies[p.index].cpuSeconds / o.measuredTime + p.spec.idleCpu;
    const memory = (p: (typeof sidecars)[number]): number => 56e6 + 12e3 * 5 + 40e3 * o.proxies[p.index].meanOpenConnections;
    const pods = sidecars.filter((p) => p.service >= 0), client = sidecars.filter((p) => p.service < 0);
    expect([pods.length, client.length]).toEqual([5, 1]);
    const mean = (xs: number[]): number => xs.reduce((a, x) => a + x, 0) / xs.length;
    const grow = 12e3 * (1000 - 5);
    expect(r.projection.proxyVcpu).toBeCloseTo(1000 * mean(pods.map(vcpu)) + vcpu(client[0]), 9);
    expect(r.projection.proxyMemoryGB * 1e9).toBeCloseTo(1000 * (mean(pods.map(memory)) + grow) + memory(client[0]) + grow, 0);
    // Before, the client's sidecar, busier than a pod's here (all 300 requests a second leave through it), was averaged
    // into the 1,000 pods' and dropped: 1,000 × the fleet's average, 10 % above the pods' sidecars and the client's.
    expect(r.projection.proxyVcpu).toBeLessThan(0.95 * 1000 * r.proxies[0].vcpuPerProxy);
  });

  it('an empty node adds its idle proxy to the projection, not a discount', () => {
    // Before, every node proxy was priced at the fleet's average: 3 idle spares cut the projected vCPU from 14.7 to 4.1.
    const alone = withSpares(0), spared = withSpares(3);
    expect(spared.projection.proxyVcpu).toBeGreaterThan(alone.projection.proxyVcpu);
    expect(spared.projection.proxyVcpu - alone.projection.proxyVcpu).toBeLessThan(0.01 * alone.projection.proxyVcpu);
  });
});

describe('proxy counts', () => {
  it('a proxy there all along counts exactly 1, whatever the replications\' windows', () => {
    // Runs ended by a request count have windows of their own lengths; weighed against
    // their average, (from + span) − from came to 1.0000000000000413 proxies.
    const t = topo('name: one\nservices:\n  s: {serviceTime: {dist: exponential, mean: 10ms}}\nentrypoints:\n  w: {target: s, rate: 80/s}\n', { mesh: 'linkerd' });
    const r = runTopology(t, { replications: 2, requests: 3, warmup: 50 });
    expect(r.resources.proxies.map((p) => p.count)).toEqual([1]);
  });
});

describe("mTLS's per-KB CPU, where each proxy encrypts or decrypts", () => {
  /** 100 calls a second carrying 10 KB each way to an l7 service, with mTLS's per-KB cost at 10 µs or 0. */
  const perKB = (profile: string, cost: string) => runTopology(topo(`
name: payload
simulation: {seed: 2, duration: 40s, warmup: 5s}
mesh: {profile: ${profile}, mtls: {perKB: ${cost}}}
services:
  api: {workers: 100, serviceTime: 1ms, l7: true, responseSize: 10KB}
entrypoints:
  in: {target: api, via: mesh, rate: 100/s, requestSize: 10KB}
`));
  /** mTLS's CPU a request in one fleet: the difference the 10 µs/KB makes, over the requests. */
  const perRequest = (profile: string, kind: string) => {
    const on = perKB(profile, '10us'), off = perKB(profile, '0s');
    const rate = on.entrypoints[0].throughput;
    return ((fleet(on, kind)?.vcpu ?? 0) - (fleet(off, kind)?.vcpu ?? 0)) / rate;
  };

  it('a waypoint decrypts and encrypts every byte (twice the per-KB cost), a sidecar or a node proxy one of the two', () => {
    // 20 KB a request at 10 µs/KB: 200 µs for each end of an mTLS connection.
    // Before: the waypoint was charged 200 µs, as if it only forwarded encrypted bytes.
    expect(perRequest('istio-ambient-waypoint', 'waypoint')).toBeCloseTo(400e-6, 5);
    expect(perRequest('istio-ambient-waypoint', 'node-proxy')).toBeCloseTo(400e-6, 5);
    expect(perRequest('istio-sidecar', 'sidecar')).toBeCloseTo(400e-6, 5);
  });
});
