import type { RuntimeModel, ProxyKind } from '../model/build.js';
import { PROXY_KINDS } from '../model/build.js';
import type { SimulationOutcome } from '../model/simulation.js';
import type { ResourceTax, ProxyFleet } from './types.js';

const HOURS_PER_MONTH = 730;
const GB = 1e9;

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * The resource invoice: what the proxies and the applications used, from
 * the CPU-seconds the simulation charged them and the proxies' memory model
 * (base + per open connection + per endpoint known), at the topology's
 * prices, and projected to a fleet of N pods.
 */
export function summarizeResources(model: RuntimeModel, outcomes: SimulationOutcome[]): ResourceTax {
  const measuredTime = sum(outcomes.map((o) => o.measuredTime));
  const reps = outcomes.length;
  const costs = model.topology.costs;
  // Every proxy is configured with every workload endpoint (no scoping), as Istio and Linkerd do by default.
  const endpoints = model.replicas.length;

  const perProxy = model.proxies.map((p) => {
    const cs = outcomes.map((o) => o.proxies[p.index]);
    const vcpu = (measuredTime > 0 ? sum(cs.map((c) => c.cpuSeconds)) / measuredTime : 0) + p.spec.idleCpu;
    const conns = sum(cs.map((c) => c.meanOpenConnections)) / reps;
    const mem = p.spec.memory;
    return {
      kind: p.kind,
      vcpu,
      memory: mem.base + mem.perConnection * conns + mem.perEndpoint * endpoints,
      connections: conns,
      requests: sum(cs.map((c) => c.requests)),
      handshakes: sum(cs.map((c) => c.handshakes)),
      resumptions: sum(cs.map((c) => c.resumptions)),
      busy: sum(cs.map((c) => c.meanBusyWorkers)) / reps / p.spec.workers,
    };
  });

  const fleets: ProxyFleet[] = PROXY_KINDS.flatMap((kind: ProxyKind) => {
    const ps = perProxy.filter((p) => p.kind === kind);
    if (ps.length === 0) return [];
    const vcpu = sum(ps.map((p) => p.vcpu));
    const memory = sum(ps.map((p) => p.memory));
    return [{
      kind,
      count: ps.length,
      vcpu,
      vcpuPerProxy: vcpu / ps.length,
      memoryGB: memory / GB,
      memoryMBPerProxy: memory / ps.length / 1e6,
      meanConnectionsPerProxy: sum(ps.map((p) => p.connections)) / ps.length,
      requestsPerSecondPerProxy: measuredTime > 0 ? sum(ps.map((p) => p.requests)) / measuredTime / ps.length : 0,
      handshakes: sum(ps.map((p) => p.handshakes)),
      resumptions: sum(ps.map((p) => p.resumptions)),
      workerUtilization: sum(ps.map((p) => p.busy)) / ps.length,
    }];
  });

  const appVcpu = measuredTime > 0
    ? sum(model.services.map((s) => sum(outcomes.map((o) => o.services[s.index].cpuSeconds)))) / measuredTime
    : 0;
  const proxyVcpu = sum(fleets.map((f) => f.vcpu));
  const proxyMemoryGB = sum(fleets.map((f) => f.memoryGB));
  const monthly = (vcpu: number, gb: number): number => (vcpu * costs.vcpuHour + gb * costs.gbHour) * HOURS_PER_MONTH;

  // Projection: sidecars scale with pods and each one learns every endpoint;
  // node proxies scale with the nodes those pods need at today's density.
  const pods = model.replicas.length;
  const N = costs.projectPods;
  let projVcpu = 0;
  let projMemory = 0;
  for (const f of fleets) {
    const ps = perProxy.filter((p) => p.kind === f.kind);
    const perEndpoint = f.kind === 'gateway' || f.kind === 'waypoint' ? 0 : model.proxies.find((p) => p.kind === f.kind)?.spec.memory.perEndpoint ?? 0;
    const grownMemory = f.memoryGB * GB / f.count + perEndpoint * (N - endpoints);
    let count = f.count;
    if (f.kind === 'sidecar') count = N;
    else if (f.kind === 'node-proxy') count = Math.ceil((N * model.nodes.length) / Math.max(1, pods));
    projVcpu += count * f.vcpuPerProxy;
    projMemory += count * (ps.length ? grownMemory : 0);
  }

  const sharedNodes = model.nodes.filter((n) => n.shared).map((n) => ({
    name: n.name,
    cores: n.cores,
    utilization: sum(outcomes.map((o) => o.nodes[n.index].meanBusyCores)) / reps / n.cores,
  }));

  return {
    prices: { vcpuHour: costs.vcpuHour, gbHour: costs.gbHour },
    proxies: fleets,
    appVcpu,
    proxyVcpu,
    proxyMemoryGB,
    proxyCostPerMonth: monthly(proxyVcpu, proxyMemoryGB),
    sharedNodes,
    projection: {
      pods: N,
      proxyVcpu: projVcpu,
      proxyMemoryGB: projMemory / GB,
      proxyCostPerMonth: monthly(projVcpu, projMemory / GB),
    },
  };
}
