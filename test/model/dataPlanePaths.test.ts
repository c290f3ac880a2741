import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import { loadTopologySource } from '../../sim/topology/load.js';
import type { Topology } from '../../sim/topology/types.js';
import type { RunResult } from '../../sim/results/types.js';

function topo(yaml: string, options: { mesh?: string; mtls?: boolean } = {}): Topology {
  const { topology, diagnostics } = loadTopologySource(yaml, 'inline.yaml', options);
  if (!topology) throw new Error(diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return topology;
}
const fleet = (r: RunResult, kind: string) => r.resources.proxies.find((p) => p.kind === kind);

describe('a client outside the mesh and the waypoint', () => {
  // Constant costs: every latency is exact arithmetic.
  const src = `
name: direct-l7
simulation: {seed: 1, requests: 200}
network: {sameNode: 3us, sameZone: 50us}
mesh:
  profile: istio-ambient-waypoint
  mtls: {enabled: false}
  nodeProxy: {requestCost: 100us, responseCost: 200us, perKB: 0, telemetryCost: 0}
  waypoint: {requestCost: 1ms, responseCost: 2ms, perKB: 0, telemetryCost: 0}
  resilience: {retries: {attempts: 3, retryOn: [5xx], backoff: {base: 0s, max: 0s}}}
services:
  api: {replicas: 2, workers: 8, serviceTime: 1ms, l7: true}
entrypoints:
  c: {target: api, via: direct, arrivals: constant, rate: 10/s}
timeline:
  - {at: 0s, abort: {replica: api-0, status: 503, probability: 1}}
`;

  it('goes to the pod\'s node proxy, not through the waypoint, and gets no L7 retries (README: "direct (to the target\'s own proxy)")', () => {
    const r = runTopology(topo(src));
    // Nothing from outside the mesh reaches the waypoint.
    expect((fleet(r, 'waypoint')?.requestsPerSecondPerProxy ?? 0)).toBe(0);
    // No mesh request policy for a client outside the mesh: api-0's 503s reach it.
    expect(r.services[0].retries).toBe(0);
    expect(r.entrypoints[0].failed).toBe(100);
    // The successful half (one node): client -> node proxy 3 us, its passes 100 + 200 us, node proxy <-> pod 2 x 3 us, app 1 ms, back 3 us.
    expect(r.entrypoints[0].latency.mean).toBeCloseTo(0.000003 + 0.0003 + 0.000006 + 0.001 + 0.000003, 9);
  });
});

describe('WireGuard: a tunnel per pair of nodes (mtls.scope: node)', () => {
  const src = (mesh: string) => `
name: wg
zones: [za, zb]
nodes: {a1: {zone: za}, b1: {zone: zb}}
network: {sameNode: 3us, sameZone: 50us, crossZone: 700us}
simulation: {seed: 1, requests: 2000}
mesh:
  profile: ${mesh}
  nodeProxy: {requestCost: 100us, responseCost: 200us, perKB: 0, telemetryCost: 0}
  mtls: {handshakeCpu: 1ms, resumeCpu: 1ms, handshakeRoundTrips: 1, resumeRoundTrips: 1, perKB: 0ns}
  resilience: {retries: none}
services:
  front: {replicas: 4, workers: 4, nodes: [a1], serviceTime: 1ms, calls: [back, local]}
  back: {replicas: 4, workers: 4, nodes: [b1], serviceTime: 1ms, loadBalancer: random}
  local: {replicas: 1, workers: 4, nodes: [a1], serviceTime: 1ms}
entrypoints:
  web: {target: front, via: direct, node: a1, arrivals: constant, rate: 100/s}
`;
  const handshakes = (r: RunResult) => r.resources.proxies.reduce((n, p) => n + p.handshakes + p.resumptions, 0);

  it('cilium sets up one tunnel between the two nodes and none within a node; ztunnel one per pair of pods', () => {
    // Before: 20 (16 pod pairs across the nodes, 4 on the same node), as ztunnel's.
    expect(handshakes(runTopology(topo(src('cilium'))))).toBe(1);
    expect(handshakes(runTopology(topo(src('istio-ambient'))))).toBe(20);
  });

  // Only the tunnel's encryption costs CPU here (the node proxy's own costs are 0), 100 KB each way.
  const wg = (nodes: string) => `
name: wg-bytes
zones: [za]
nodes: {a1: {zone: za}, a2: {zone: za}}
network: {sameNode: 3us, sameZone: 50us}
simulation: {seed: 1, requests: 500}
mesh:
  profile: cilium
  nodeProxy: {requestCost: 0us, responseCost: 0us, perKB: 0, telemetryCost: 0, idleCpu: 0}
  mtls: {handshakeCpu: 0us, resumeCpu: 0us, perKB: 10us}
  resilience: {retries: none}
services:
  front: {replicas: 1, workers: 4, nodes: [a1], serviceTime: 1ms, calls: [{call: back, requestSize: 100KB}]}
  back: {replicas: 1, workers: 4, nodes: [${nodes}], serviceTime: 1ms, responseSize: 100KB}
entrypoints:
  web: {target: front, via: direct, node: a1, arrivals: constant, rate: 100/s}
`;
  const vcpu = (r: RunResult) => fleet(r, 'node-proxy')?.vcpu ?? 0;

  it('encrypts only what leaves the node: no cost for a call within a node, one per end for a call between nodes', () => {
    // Within a node WireGuard sees nothing (before: 4 x 100 KB x 10 us a call, billed as if encrypted twice on one node).
    expect(vcpu(runTopology(topo(wg('a1'))))).toBe(0);
    // Between nodes: 100 KB out and 100 KB back, each encrypted on one node and decrypted on the other.
    const r = runTopology(topo(wg('a2')));
    expect(vcpu(r) / r.entrypoints[0].throughput / (4 * 100 * 10e-6)).toBeCloseTo(1, 2);
  });

  it('is refused outside mode ambient, where no node proxy holds a tunnel', () => {
    const { diagnostics } = loadTopologySource(src('istio-sidecar').replace('  nodeProxy: {requestCost: 100us, responseCost: 200us, perKB: 0, telemetryCost: 0}\n', '')
      .replace('mtls: {', 'mtls: {scope: node, '), 'wg.yaml');
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.path.join('.')}`)).toEqual(['not-applicable mesh.mtls.scope']);
  });
});


describe('a client outside the mesh', () => {
  // Only mTLS's per-byte cost is on (the sidecar's own costs are 0), 100 KB in and 100 KB back a request.
  const src = (via: string) => `
name: plaintext
simulation: {seed: 1, requests: 500}
network: {sameNode: 3us, sameZone: 50us}
mesh:
  profile: istio-sidecar
  sidecar: {requestCost: 0us, responseCost: 0us, perKB: 0, telemetryCost: 0, idleCpu: 0}
  mtls: {handshakeCpu: 0us, resumeCpu: 0us, perKB: 10us}
  resilience: {retries: none}
services:
  api: {replicas: 1, workers: 8, serviceTime: 1ms, responseSize: 100KB}
entrypoints:
  c: {target: api, via: ${via}, arrivals: constant, rate: 100/s, requestSize: 100KB}
`;

  it('sends in plaintext: the callee\'s sidecar has nothing to decrypt, nor to encrypt back', () => {
    // Before: 2 x 100 KB x 10 us a request at the callee's sidecar, as if the client spoke mTLS.
    expect(fleet(runTopology(topo(src('direct'))), 'sidecar')?.vcpu).toBe(0);
    // A meshed client's sidecar and the callee's each encrypt and decrypt its 200 KB.
    const meshed = runTopology(topo(src('mesh')));
    expect((fleet(meshed, 'sidecar')?.vcpu ?? 0) / (meshed.entrypoints[0].throughput * 2 * 2 * 100 * 10e-6)).toBeCloseTo(1, 1);
  });
});

describe('Cilium with L7 policy only on the services that ask for it (nodeProxyTraffic: l7)', () => {
  // back answers 20 % 503s; its Envoy retries 5xx (the cilium profile's defaults) when, and only when, its calls pass it.
  const src = (traffic: string, l7: boolean, abort = 0.2) => `
name: cilium-selective
zones: [za]
nodes: {a1: {zone: za}, a2: {zone: za}}
network: {sameNode: 3us, sameZone: 50us}
simulation: {seed: 3, requests: 4000}
mesh: {profile: cilium${traffic === '' ? '' : `, nodeProxyTraffic: ${traffic}`}}
services:
  front: {nodes: [a1], workers: 8, serviceTime: 1ms, calls: [{call: back, requestSize: 10KB}]}
  back: {nodes: [a2], workers: 8, serviceTime: 1ms, responseSize: 10KB, l7: ${l7}}
entrypoints:
  web: {target: front, via: direct, node: a1, arrivals: poisson, rate: 100/s}
timeline:
  - {at: 0s, abort: {service: back, status: 503, probability: ${abort}}}
`;
  const share = (r: RunResult) => r.entrypoints[0].errorRate;

  it('sends a call to a service no L7 policy selects past the node proxies: no Envoy work, no Envoy retries', () => {
    const kernel = runTopology(topo(src('l7', false)));
    // The 503s reach the caller as under every other mesh; before, the node Envoys' 3 retries hid them (0 %).
    expect(share(kernel)).toBeGreaterThan(0.17);
    expect(share(kernel)).toBeLessThan(0.23);
    expect(kernel.services.find((s) => s.name === 'back')?.retries).toBe(0);
    // The client outside the mesh reaches front directly; front's call to back passes no proxy: the node proxies see no request.
    expect(fleet(kernel, 'node-proxy')?.requestsPerSecondPerProxy).toBe(0);
    // Proxy work and queueing are none of the latency.
    expect(kernel.entrypoints[0].decomposition.proxyWork).toBe(0);
  });

  it('still charges WireGuard for the bytes between the two nodes, as kernel work on the node proxies\' lines', () => {
    // No aborts: every call carries its 10 KB back too.
    const kernel = runTopology(topo(src('l7', false, 0)));
    const node = fleet(kernel, 'node-proxy');
    // 10 KB each way a call, encrypted on one node and decrypted on the other (1 µs a KB each), plus the proxies' idle CPU.
    const idle = 2 * 0.005;
    const perCall = 2 * 2 * 10 * 1e-6;
    const calls = kernel.services.find((s) => s.name === 'back')?.throughput ?? 0;
    expect(((node?.vcpu ?? 0) - idle) / (calls * perCall)).toBeCloseTo(1, 1);
  });

  it('sends a call to an l7 service through the Envoy of both nodes, with its policy, as the default (all) does for every call', () => {
    const selected = runTopology(topo(src('l7', true)));
    const all = runTopology(topo(src('', false)));
    for (const r of [selected, all]) {
      expect(share(r)).toBeLessThan(0.01); // 3 retries on 5xx: 0.2^4 = 0.16 % of calls still fail
      expect(r.services.find((s) => s.name === 'back')?.retries).toBeGreaterThan(0);
      expect(fleet(r, 'node-proxy')?.requestsPerSecondPerProxy).toBeGreaterThan(0);
    }
  });

  it('warns that a service\'s own retries do nothing on calls that take the kernel\'s path', () => {
    const yaml = src('l7', false).replace('responseSize: 10KB, l7: false}', 'responseSize: 10KB, l7: false, resilience: {retries: {attempts: 2}}}');
    const { diagnostics } = loadTopologySource(yaml, 'wg.yaml');
    const d = diagnostics.find((x) => x.code === 'no-effect');
    expect(d?.severity).toBe('warning');
    expect(d?.path).toEqual(['services', 'back', 'resilience', 'retries']);
    expect(d?.message).toContain('with nodeProxyTraffic: l7 only calls to services with l7: true pass the node proxies');
    expect(loadTopologySource(yaml.replace('l7: false', 'l7: true'), 'wg.yaml').diagnostics.filter((x) => x.code === 'no-effect')).toEqual([]);
  });

  it('charges the tunnel for a call from the ingress gateway to a pod on another node, past the node proxies', () => {
    // A profile of the user's: cilium with an ingress gateway (one replica, on the first node, a1).
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-wg-gateway-'));
    const profile = join(dir, 'cilium-gateway.yaml');
    writeFileSync(profile, readFileSync('topologies/meshes/cilium.yaml', 'utf8').replace('name: cilium', 'name: cilium-gateway') +
      '\ngateway: {replicas: 1, workers: 2, requestCost: 0us, responseCost: 0us, perKB: 0, telemetryCost: 0, idleCpu: 0, memory: {base: 50MB, perConnection: 0, perEndpoint: 0}}\n');
    const yaml = `
name: wg-gateway
zones: [za]
nodes: {a1: {zone: za}, a2: {zone: za}}
network: {sameNode: 3us, sameZone: 50us}
simulation: {seed: 3, requests: 2000}
mesh: {profile: ${profile}, nodeProxyTraffic: l7, nodeProxy: {idleCpu: 0}}
services:
  back: {nodes: [a2], workers: 8, serviceTime: 1ms, responseSize: 10KB}
entrypoints:
  web: {target: back, via: gateway, arrivals: poisson, rate: 100/s, requestSize: 10KB}
`;
    try {
      const r = runTopology(topo(yaml));
      // 10 KB in and 10 KB back a call, each encrypted on a1 and decrypted on a2 (1 µs a KB each); before: nothing.
      const perCall = 2 * 2 * 10 * 1e-6;
      expect((fleet(r, 'node-proxy')?.vcpu ?? 0) / (r.entrypoints[0].throughput * perCall)).toBeCloseTo(1, 1);
      expect(fleet(r, 'node-proxy')?.requestsPerSecondPerProxy).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is refused under an L4 node proxy, which carries every call', () => {
    const { diagnostics } = loadTopologySource(src('l7', false).replace('profile: cilium', 'profile: istio-ambient'), 'wg.yaml');
    const d = diagnostics.find((x) => x.code === 'not-applicable');
    expect(d?.message).toContain('nodeProxyTraffic: l7 needs a node proxy that works at L7');
    expect(d?.path).toEqual(['mesh', 'nodeProxyTraffic']);
  });
});
