import { fsum } from 'd3-array';
import type { RuntimeModel, ProxyKind } from '../model/build.js';
import { PROXY_KINDS } from '../model/build.js';
import { LC_EXIT, LC_STOP, LC_UP } from '../model/lifecycle.js';
import type { SimulationOutcome } from '../model/simulation.js';
import type { ControlPlaneTax, ResourceTax, ProxyFleet } from './types.js';

const HOURS_PER_MONTH = 730;
const GB = 1e9;

/**
 * Dollars a month (730 h) for `vcpu` and `gb` held the whole month. The
 * report's cost chart prices each proxy kind with it, so its stacked parts
 * add up to the totals priced here.
 */
export function costPerMonth(vcpu: number, gb: number, prices: { vcpuHour: number; gbHour: number }): number {
  return (vcpu * prices.vcpuHour + gb * prices.gbHour) * HOURS_PER_MONTH;
}

/**
 * Summed exactly rounded (d3's fsum), so a total does not depend on the order
 * of its terms: proxies and services come in the file's order, and listing the
 * services otherwise changed proxyVcpu and the costs in their last digits.
 * A NaN or an infinity is summed plainly, to come out as it did.
 */
const sum = (xs: number[]): number => (xs.every(Number.isFinite) ? fsum(xs) : xs.reduce((a, b) => a + b, 0));
/** A time average over an empty window (a run whose load ran out before its warm-up ended) is NaN: nothing was measured. */
const measured = (x: number): number => (Number.isFinite(x) ? x : 0);

/**
 * The resource invoice: what the proxies and the applications used, from
 * the CPU-seconds the simulation charged them and the proxies' memory model
 * (base + per open connection + per endpoint known), at the topology's
 * prices, and projected to a fleet of N pods; then the control plane's,
 * apart: its idle CPU plus the CPU of the pushes and certificates it made
 * in the measured window, and its memory for the proxies connected and the
 * endpoints it knows (its profile's `controlPlane.resources`).
 */
export function summarizeResources(model: RuntimeModel, outcomes: SimulationOutcome[]): ResourceTax {
  const measuredTime = sum(outcomes.map((o) => o.measuredTime));
  const reps = outcomes.length;
  const costs = model.topology.costs;
  // Every proxy is configured with every workload endpoint (no scoping), as Istio and Linkerd do by default.
  const endpoints = sum(model.services.map((s) => s.initialReplicas));
  // The measurement window of one replication, to weigh proxies that exist for part of it (rollouts, scaling).
  const from = outcomes[0].limits.warmup;
  const span = measuredTime / reps;

  // There all along is 1 exactly: (from + span) − from is not span to the last bit (1.0000000000000413 proxies).
  const presentFor = (start: number, end: number): number =>
    (span > 0
      ? start <= from && end >= from + span ? 1 : Math.max(0, Math.min(from + span, end) - Math.max(from, start)) / span
      : start <= 0 && end === Infinity ? 1 : 0);

  const perProxy = model.proxies.map((p) => {
    const cs = outcomes.map((o) => o.proxies[p.index]);
    const present = span > 0 ? presentFor(p.from, p.until) : 1;
    const vcpu = (measuredTime > 0 ? sum(cs.map((c) => c.cpuSeconds)) / measuredTime : 0) + p.spec.idleCpu * present;
    const conns = sum(cs.map((c) => measured(c.meanOpenConnections))) / reps;
    const mem = p.spec.memory;
    return {
      kind: p.kind,
      node: p.node,
      service: p.service,
      present,
      vcpu,
      memory: (mem.base + mem.perEndpoint * endpoints) * present + mem.perConnection * conns,
      connections: conns,
      requests: sum(cs.map((c) => c.requests)),
      handshakes: sum(cs.map((c) => c.handshakes)),
      resumptions: sum(cs.map((c) => c.resumptions)),
      busy: sum(cs.map((c) => measured(c.meanBusyWorkers))) / reps / p.spec.workers,
    };
  });

  const fleets: ProxyFleet[] = PROXY_KINDS.flatMap((kind: ProxyKind) => {
    const ps = perProxy.filter((p) => p.kind === kind && p.present > 0);
    if (ps.length === 0) return [];
    const vcpu = sum(ps.map((p) => p.vcpu));
    const memory = sum(ps.map((p) => p.memory));
    // Proxies present for part of the window count for that part.
    const count = sum(ps.map((p) => p.present));
    return [{
      kind,
      count,
      vcpu,
      vcpuPerProxy: vcpu / count,
      memoryGB: memory / GB,
      memoryMBPerProxy: memory / count / 1e6,
      meanConnectionsPerProxy: sum(ps.map((p) => p.connections)) / count,
      requestsPerSecondPerProxy: measuredTime > 0 ? sum(ps.map((p) => p.requests)) / measuredTime / count : 0,
      handshakes: sum(ps.map((p) => p.handshakes)),
      resumptions: sum(ps.map((p) => p.resumptions)),
      workerUtilization: sum(ps.map((p) => p.busy)) / count,
    }];
  });

  const appVcpu = measuredTime > 0
    ? sum(model.services.map((s) => sum(outcomes.map((o) => o.services[s.index].cpuSeconds)))) / measuredTime
    : 0;
  const proxyVcpu = sum(fleets.map((f) => f.vcpu));
  const proxyMemoryGB = sum(fleets.map((f) => f.memoryGB));
  const monthly = (vcpu: number, gb: number): number => costPerMonth(vcpu, gb, costs);

  // Projection, with today's traffic per pod: every proxy learns every
  // endpoint, as it does in the run; sidecars scale with pods; node proxies
  // scale with the nodes those pods need at today's density (nodes without
  // pods keep theirs). Waypoints and gateways keep today's replicas, and
  // the CPU their requests cost grows with the traffic.
  // Per pod means per pod of the window, time-weighted as the proxies
  // are: after a scale-up a gateway's CPU is spread over the pods it
  // served, as a sidecar fleet's is (not over the pods at the start).
  const podFrom = model.replicas.map((r) => (r.initial ? 0 : Infinity));
  const podUntil = model.replicas.map(() => Infinity);
  for (const a of model.lifecycle) {
    if (a.kind === LC_UP) podFrom[a.replica] = a.at;
    // A pod is there until its last container is gone: its sidecar (LC_STOP) or, in a preStop longer than the drain, its app.
    if (a.kind === LC_STOP || a.kind === LC_EXIT) podUntil[a.replica] = podUntil[a.replica] === Infinity ? a.at : Math.max(podUntil[a.replica], a.at);
  }
  const pods = span > 0 ? sum(model.replicas.map((_, i) => presentFor(podFrom[i], podUntil[i]))) : endpoints;
  const N = costs.projectPods;
  let projVcpu = 0;
  let projMemory = 0;
  let projProxies = 0;
  for (const f of fleets) {
    const ps = perProxy.filter((p) => p.kind === f.kind);
    const perEndpoint = model.proxies.find((p) => p.kind === f.kind)?.spec.memory.perEndpoint ?? 0;
    const grownMemory = f.memoryGB * GB / f.count + perEndpoint * (N - endpoints);
    if (f.kind === 'gateway' || f.kind === 'waypoint') {
      const idle = (model.proxies.find((p) => p.kind === f.kind)?.spec.idleCpu ?? 0) * f.count;
      projVcpu += idle + ((f.vcpu - idle) * N) / Math.max(1, pods);
      projMemory += f.count * grownMemory;
      projProxies += f.count;
      continue;
    }
    // Sidecars grow to one a pod, node proxies to the nodes those pods need at today's density, each using what
    // such a proxy uses today. The others keep their one each, using what they use: a meshed client's sidecar
    // (`via: mesh`, no pod of the topology) and the node proxy of a node without pods (the clients', a spare one).
    // Priced at the fleet's average, those diluted the pods' proxies (a spare node's idle ztunnel made the
    // projection cheaper) and the clients' sidecars were multiplied as if they were pods.
    const podNodes = new Set(model.replicas.map((r) => r.node));
    const ofPods = (p: (typeof perProxy)[number]): boolean => (f.kind === 'sidecar' ? p.service >= 0 : podNodes.has(p.node));
    const grown = ps.filter((p) => p.present > 0 && ofPods(p));
    const kept = ps.filter((p) => p.present > 0 && !ofPods(p));
    const there = sum(grown.map((p) => p.present));
    const count = there === 0 ? 0 : f.kind === 'sidecar' ? N : Math.ceil((N * podNodes.size) / Math.max(1, pods));
    const grow = perEndpoint * (N - endpoints);
    if (count > 0) {
      // Each as the fleet's per-proxy figures are computed (its memory through GB), so a fleet with nothing kept projects to the same bits as before.
      projVcpu += count * (sum(grown.map((p) => p.vcpu)) / there);
      projMemory += count * ((sum(grown.map((p) => p.memory)) / GB) * GB / there + grow);
    }
    projVcpu += sum(kept.map((p) => p.vcpu));
    projMemory += sum(kept.map((p) => p.memory + grow * p.present));
    projProxies += count + sum(kept.map((p) => p.present));
  }

  // The control plane: what it did in the window, priced by its profile. With no mesh there is none to price
  // (the pushes under `none` are the clients' own discovery, Kubernetes').
  const cp = model.mesh.controlPlane.resources;
  const charged = model.mesh.mode !== 'none';
  const did = {
    pushes: sum(outcomes.map((o) => o.controlPlane.pushes)),
    proxyPushes: sum(outcomes.map((o) => o.controlPlane.proxyPushes)),
    certificates: sum(outcomes.map((o) => o.controlPlane.certificates)),
  };
  // Proxies connected to it, time-weighted as the fleets' counts are.
  const connected = sum(fleets.map((f) => f.count));
  const cpVcpu = (work: { pushes: number; proxyPushes: number; certificates: number }): number =>
    cp.idleCpu + (measuredTime > 0
      ? (work.pushes * cp.pushCpu.perPush + work.proxyPushes * cp.pushCpu.perProxy + work.certificates * cp.perCertificate) / measuredTime
      : 0);
  const cpMemory = (proxies: number, endpointCount: number): number =>
    cp.memory.base + cp.memory.perProxy * proxies + cp.memory.perEndpoint * endpointCount;
  // Priced when any of its prices is: then $0 is what it cost (nothing done that is charged), not a price left out.
  const priced = charged && [cp.idleCpu, cp.memory.base, cp.memory.perProxy, cp.memory.perEndpoint, cp.pushCpu.perPush, cp.pushCpu.perProxy, cp.perCertificate].some((x) => x > 0);
  const controlPlane: ControlPlaneTax = charged
    ? { vcpu: cpVcpu(did), memoryGB: cpMemory(connected, endpoints) / GB, ...did, costPerMonth: 0, priced }
    : { vcpu: 0, memoryGB: 0, ...did, costPerMonth: 0, priced };
  controlPlane.costPerMonth = monthly(controlPlane.vcpu, controlPlane.memoryGB);
  // At N pods, with today's pushes: each reaches the projected proxies (today's proxy-pushes scaled by
  // projected over today's proxies), and certificates are issued at today's rate per pod.
  const projCpVcpu = charged
    ? cpVcpu({
      pushes: did.pushes,
      proxyPushes: connected > 0 ? (did.proxyPushes * projProxies) / connected : 0,
      certificates: (did.certificates * N) / Math.max(1, pods),
    })
    : 0;
  const projCpMemoryGB = charged ? cpMemory(projProxies, N) / GB : 0;
  const projCpCost = monthly(projCpVcpu, projCpMemoryGB);

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
    controlPlane,
    meshCostPerMonth: monthly(proxyVcpu, proxyMemoryGB) + controlPlane.costPerMonth,
    sharedNodes,
    projection: {
      pods: N,
      proxyVcpu: projVcpu,
      proxyMemoryGB: projMemory / GB,
      proxyCostPerMonth: monthly(projVcpu, projMemory / GB),
      controlPlane: { vcpu: projCpVcpu, memoryGB: projCpMemoryGB, costPerMonth: projCpCost },
      meshCostPerMonth: monthly(projVcpu, projMemory / GB) + projCpCost,
    },
  };
}
