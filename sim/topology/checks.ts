/**
 * Checks that run once the file has the right shape: the per-value checks of
 * checkValues.ts, then what relates entities to each other — calls and entry
 * points name existing services, zones exist, every service gets traffic, and
 * calls form no cycle (a request would never finish) — and the timeline
 * (timeline.ts). Last, once the mesh profile is known, what depends on it
 * (checkAgainstProfile).
 */
import { checkOverrideValues, meshOverrides } from '../mesh/overrides.js';
import { checkMergedResilience, mergeResilience } from '../mesh/resilience.js';
import { checkPrintable, show } from './checkScalars.js';
import { checkRetryAmplification } from './retryAmplification.js';
import { checkValues } from './checkValues.js';
import { DEFAULT_ZONE, defaultNodeName } from './defaults.js';
import type { Path } from './locate.js';
import * as msg from './messages.js';
import { error, warning, type Problem } from './problem.js';
import type { StepFile, TopologyFile } from './schema.js';
import { firstDifference, lookalikes } from './lookalike.js';
import { closest } from './suggest.js';
import { checkTimeline, type GivenLimits } from './timeline.js';
import type { MeshProfile } from './types.js';

/**
 * Everything that can be checked from the topology file alone. The mesh
 * profile it names is loaded and checked afterwards (sim/mesh/resolve.ts);
 * here only the values of its overrides are.
 */
export function checkTopology(file: TopologyFile, given: GivenLimits = {}): Problem[] {
  const overrides = meshOverrides(file.mesh);
  return [
    ...checkValues(file, given),
    ...(overrides === undefined ? [] : checkOverrideValues(overrides)),
    ...checkReferences(file),
    ...checkTimeline(file, given),
    ...checkIngressUseWaypoint(file),
    ...checkNames(file),
  ];
}

function checkNames(file: TopologyFile): Problem[] {
  const out: Problem[] = [];
  const check = (name: string, path: Path, what: string, at: 'key' | 'value'): void => checkPrintable(out, name, path, what, at);
  check(file.name, ['name'], 'the topology\'s name', 'value');
  for (const name of Object.keys(file.services)) check(name, ['services', name], 'a service name', 'key');
  for (const name of Object.keys(file.entrypoints)) check(name, ['entrypoints', name], 'an entry point name', 'key');
  for (const name of Object.keys(file.nodes ?? {})) check(name, ['nodes', name], 'a node name', 'key');
  (file.zones ?? []).forEach((zone, i) => check(zone, ['zones', i], 'a zone name', 'value'));
  for (const [section, kind] of [['services', 'service'], ['entrypoints', 'entry point'], ['nodes', 'node']] as const) {
    for (const { name, like } of lookalikes(Object.keys(file[section] ?? {}))) {
      out.push(warning('lookalike-names', [section, name], msg.lookalikeName(kind, name, like, firstDifference(like, name)), msg.lookalikeNameHint(kind), 'key'));
    }
  }
  return out;
}

/**
 * ingressUseWaypoint picks the path of the ingress gateway's calls to a
 * waypoint, which only l7 services have: without l7, or with no entry point
 * going through the gateway to the service, it does nothing under any profile.
 */
function checkIngressUseWaypoint(file: TopologyFile): Problem[] {
  const fromGateway = new Set(Object.values(file.entrypoints).filter((e) => (e.via ?? 'gateway') === 'gateway').map((e) => e.target));
  return Object.entries(file.services).flatMap(([name, s]) => {
    if (s.ingressUseWaypoint !== true) return [];
    const path = ['services', name, 'ingressUseWaypoint'];
    if (s.l7 !== true) return [warning('no-effect', path, msg.ingressWaypointWithoutL7(name), msg.ingressWaypointWithoutL7Hint(), 'key')];
    if (!fromGateway.has(name)) return [warning('no-effect', path, msg.ingressWaypointWithoutGateway(name), msg.ingressWaypointWithoutGatewayHint(), 'key')];
    return [];
  });
}

/**
 * What depends on the profile the topology runs under (the one it names, or
 * a substitute): services' resilience merged over the profile's, and timeline
 * events that the profile gives nothing to act on (warnings, since the same
 * timeline runs under every profile of a comparison). Run it only on a file
 * checkTopology passed.
 */
export function checkAgainstProfile(file: TopologyFile, profile: MeshProfile): Problem[] {
  const out: Problem[] = [];
  for (const [name, service] of Object.entries(file.services)) {
    if (service.resilience === undefined) continue;
    const merged = mergeResilience(profile.resilience, service.resilience);
    out.push(...checkMergedResilience(merged, service.resilience, ['services', name, 'resilience'], profile.name));
    const l4Only = checkL4Only(name, service.l7 === true, service.resilience, merged, profile);
    out.push(...l4Only);
    if (!l4Only.some((p) => p.path.includes('retries'))) out.push(...checkPerTryRetried(name, service.resilience, merged, profile));
    const od = service.resilience.outlierDetection;
    if (profile.resilience.outlierStyle === 'linkerd' && typeof od === 'object') {
      for (const key of ['maxEjectionPercent', 'interval', 'minHealthPercent'] as const) {
        if (od[key] === undefined) continue;
        out.push(warning('no-effect', ['services', name, 'resilience', 'outlierDetection', key], msg.accrualIgnores(name, key, profile.name), msg.accrualIgnoresHint(), 'key'));
      }
    }
  }
  out.push(...checkRetryAmplification(file, profile));
  // Every hop under a mesh has redirects between a pod and its own proxy: left unset, each costs a trip between machines.
  if (profile.mode !== 'none' && file.network?.sameZone !== undefined && file.network.sameNode === undefined) {
    out.push(warning('default-same-node', ['network', 'sameZone'], msg.sameNodeUnset(), msg.sameNodeUnsetHint(), 'key'));
  }
  (file.timeline ?? []).forEach((entry, i) => {
    const why =
      entry.proxyCrash !== undefined && profile.mode === 'none'
        ? msg.noProxies()
        : entry.certificateExpiry !== undefined && !profile.mtls.enabled
          ? msg.noMtls()
          : entry.controlPlaneOutage !== undefined && profile.mode === 'none'
            ? msg.noMeshControlPlane()
            : entry.certificateExpiry !== undefined && entry.certificateExpiry.root !== true && profile.mode === 'ambient' && profile.mtls.scope === 'node'
              ? msg.noPodCertificates()
              : undefined;
    if (why === undefined) return;
    const key = entry.proxyCrash !== undefined ? 'proxyCrash' : entry.certificateExpiry !== undefined ? 'certificateExpiry' : 'controlPlaneOutage';
    out.push(warning('no-effect', ['timeline', i, key], msg.noEffect(key, show(entry.at), profile.name, why), msg.noEffectHint(), 'key'));
  });
  return out;
}

/** The retry conditions that take a try cut by its per-try timeout (sim/model/causes.ts). */
const PER_TRY_TIMEOUT_CONDITIONS = ['timeout', 'reset', '5xx'] as const;

/**
 * A service that sets a per-try timeout and retries, where the merged
 * retryOn takes no try the timeout cut (Istio's default, connect-failure and
 * refused-stream, does not): the timeout then ends the call at the first
 * try's deadline, and the attempts are spent only on connect failures —
 * seldom what `{attempts: 3, perTryTimeout: 250ms}` was written for. A
 * warning, and per profile, since Cilium's retryOn (5xx) does take them.
 */
function checkPerTryRetried(
  name: string, own: NonNullable<TopologyFile['services'][string]['resilience']>,
  merged: ReturnType<typeof mergeResilience>, profile: MeshProfile,
): Problem[] {
  const r = merged.retries;
  // Only where the service writes the per-try timeout itself: one from the mesh-wide policy is the mesh's choice.
  if (typeof own.retries !== 'object' || own.retries.perTryTimeout === undefined) return [];
  if (r === null || r.attempts < 2 || !Number.isFinite(r.perTryTimeout)) return [];
  if (r.retryOn.some((c) => (PER_TRY_TIMEOUT_CONDITIONS as readonly string[]).includes(c))) return [];
  const from = own.retries.retryOn !== undefined ? undefined : profile.resilience.retries === null ? 'istio' : 'profile';
  const path = ['services', name, 'resilience', 'retries', 'perTryTimeout'];
  return [warning('timeout-not-retried', path, msg.perTryTimeoutNotRetried(name, msg.formatSeconds(r.perTryTimeout), r.retryOn, profile.name, from), msg.perTryTimeoutNotRetriedHint(), 'key')];
}

/** Request-level policy keys: an L4 proxy (ztunnel) cannot apply them. */
const L7_POLICY_KEYS = ['timeout', 'retries', 'circuitBreaker', 'outlierDetection'] as const;

/**
 * A service's own request-level policy under an ambient profile, when its
 * callers reach it through ztunnel alone (no waypoint): it runs only on
 * calls from the ingress gateway. A warning, since the same file also runs
 * under other profiles.
 */
function checkL4Only(
  name: string, l7: boolean, own: NonNullable<TopologyFile['services'][string]['resilience']>,
  merged: ReturnType<typeof mergeResilience>, profile: MeshProfile,
): Problem[] {
  if (profile.mode !== 'ambient' || merged.placement !== 'mesh') return [];
  if (profile.nodeProxyLayer === 'l7') {
    // An L7 node proxy applies the policy, on the calls it carries: with nodeProxyTraffic l7, only those to l7 services.
    if (profile.nodeProxyTraffic !== 'l7' || l7) return [];
    return L7_POLICY_KEYS.filter((key) => own[key] !== undefined && own[key] !== 'none').map((key) =>
      warning('no-effect', ['services', name, 'resilience', key], msg.kernelPathPolicy(name, key, profile.name), msg.kernelPathPolicyHint(), 'key'));
  }
  const hasWaypoint = profile.waypoint !== null;
  if (l7 && hasWaypoint) return [];
  return L7_POLICY_KEYS.filter((key) => own[key] !== undefined && own[key] !== 'none').map((key) =>
    warning('no-effect', ['services', name, 'resilience', key], msg.l4OnlyPolicy(name, key, profile.name, hasWaypoint), msg.l4OnlyPolicyHint(hasWaypoint), 'key'));
}

/** A call as the graph sees it: caller → callee, and where it is written. */
interface Edge {
  from: string;
  to: string;
  path: Path;
}

export function checkReferences(file: TopologyFile): Problem[] {
  const out: Problem[] = [];
  const services = Object.keys(file.services);
  const known = new Set(services);
  const sorted = [...services].sort();
  const unknownService = (name: string, path: Path) =>
    error('unknown-service', path, msg.unknownService(name), msg.unknownServiceHint(closest(name, sorted), sorted));

  const edges = new Map<string, Edge[]>();
  for (const [name, service] of Object.entries(file.services)) {
    const own = collectEdges(name, service.calls ?? [], ['services', name, 'calls']);
    for (const edge of own) if (!known.has(edge.to)) out.push(unknownService(edge.to, edge.path));
    edges.set(name, own.filter((edge) => known.has(edge.to)));
  }
  for (const [name, entry] of Object.entries(file.entrypoints)) {
    if (!known.has(entry.target)) out.push(unknownService(entry.target, ['entrypoints', name, 'target']));
  }

  out.push(...checkZones(file));
  out.push(...checkNodes(file));
  out.push(...findCycles(services, edges));
  if (!out.some((p) => p.code === 'call-cycle' || p.code === 'unknown-service')) {
    out.push(...checkCallDepth(file, edges));
    out.push(...checkFanOut(file, edges));
  }

  // A misspelt name also cuts a service off; the error about the name says it all.
  if (out.some((p) => p.code === 'unknown-service')) return out;
  const targets = Object.values(file.entrypoints).map((e) => e.target).filter((t) => known.has(t));
  const reached = reachable(targets, edges);
  for (const name of services) {
    if (!reached.has(name)) {
      out.push(warning('unreachable-service', ['services', name], msg.unreachableService(name), msg.unreachableServiceHint(), 'key'));
    }
  }
  return out;
}

function collectEdges(from: string, steps: readonly StepFile[], path: Path): Edge[] {
  return steps.flatMap((step, i): Edge[] => {
    const at = [...path, i];
    if (typeof step === 'string') return [{ from, to: step, path: at }];
    if ('call' in step) return [{ from, to: step.call, path: [...at, 'call'] }];
    if ('parallel' in step) return collectEdges(from, step.parallel, [...at, 'parallel']);
    return collectEdges(from, step.sequence, [...at, 'sequence']);
  });
}

function checkZones(file: TopologyFile): Problem[] {
  const out: Problem[] = [];
  const declared = file.zones !== undefined;
  const zones = [...new Set(file.zones ?? ['default'])];
  const known = new Set(zones);
  const unknownZone = (zone: string, path: Path) =>
    error('unknown-zone', path, msg.unknownZone(zone), msg.unknownZoneHint(closest(zone, zones), zones, declared));
  for (const [name, node] of Object.entries(file.nodes ?? {})) {
    if (!known.has(node.zone)) out.push(unknownZone(node.zone, ['nodes', name, 'zone']));
  }
  for (const [name, service] of Object.entries(file.services)) {
    service.zones?.forEach((zone, i) => {
      if (!known.has(zone)) out.push(unknownZone(zone, ['services', name, 'zones', i]));
    });
  }
  for (const [name, entry] of Object.entries(file.entrypoints)) {
    if (entry.zone !== undefined && !known.has(entry.zone)) out.push(unknownZone(entry.zone, ['entrypoints', name, 'zone']));
  }
  return out;
}

/**
 * Node references: a service's pinned nodes and an entry point's node exist
 * and lie in its zones; once nodes are declared, every zone has one (so no
 * service or entry point is left without a node to run on). Nodes in unknown
 * zones are reported by checkZones; they are skipped here.
 */
function checkNodes(file: TopologyFile): Problem[] {
  const out: Problem[] = [];
  const zones = file.zones ?? [DEFAULT_ZONE];
  const knownZones = new Set(zones);
  const nodes = nodeZones(file);
  const names = [...nodes.keys()].sort();
  const declared = file.nodes !== undefined;
  const unknownNode = (name: string, path: Path) =>
    error('unknown-node', path, msg.unknownNode(name), msg.unknownNodeHint(closest(name, names), names, declared));

  for (const [name, service] of Object.entries(file.services)) {
    const serviceZones = service.zones ?? zones;
    service.nodes?.forEach((node, i) => {
      const path: Path = ['services', name, 'nodes', i];
      const zone = nodes.get(node);
      if (zone === undefined) out.push(unknownNode(node, path));
      else if (knownZones.has(zone) && !serviceZones.includes(zone)) {
        out.push(error('node-not-in-zone', path, msg.serviceNodeOutsideZones(node, zone, serviceZones), msg.serviceNodeOutsideZonesHint(zone)));
      }
    });
  }
  for (const [name, entry] of Object.entries(file.entrypoints)) {
    if (entry.node === undefined) continue;
    const path: Path = ['entrypoints', name, 'node'];
    const zone = nodes.get(entry.node);
    if (zone === undefined) out.push(unknownNode(entry.node, path));
    else if (entry.zone !== undefined && knownZones.has(entry.zone) && knownZones.has(zone) && zone !== entry.zone) {
      const candidates = [...nodes].filter(([, z]) => z === entry.zone).map(([n]) => n);
      out.push(error('node-not-in-zone', path, msg.entryNodeOutsideZone(entry.node, zone, entry.zone), msg.entryNodeOutsideZoneHint(zone, candidates)));
    }
  }

  const nodeList = Object.values(file.nodes ?? {});
  // `nodes: {}` is refused as empty (checkValues.ts): saying too that each zone has no node would be one mistake told twice.
  if (declared && nodeList.length > 0 && nodeList.every((node) => knownZones.has(node.zone))) {
    zones.forEach((zone, i) => {
      if (nodeList.some((node) => node.zone === zone)) return;
      const path: Path = file.zones === undefined ? ['nodes'] : ['zones', i];
      out.push(error('zone-without-nodes', path, msg.zoneWithoutNodes(zone), msg.zoneWithoutNodesHint(zone), file.zones === undefined ? 'key' : 'value'));
    });
  }
  return out;
}

/** Node name → zone: the declared nodes, or one per zone named `<zone>-node`. */
function nodeZones(file: TopologyFile): Map<string, string> {
  if (file.nodes !== undefined) return new Map(Object.entries(file.nodes).map(([name, node]) => [name, node.zone]));
  return new Map((file.zones ?? [DEFAULT_ZONE]).map((zone) => [defaultNodeName(zone), zone]));
}

/**
 * Depth-first search in file order; every edge back to a service still on
 * the stack closes a cycle, reported once, at that edge, named from the
 * service where it starts. Iterative: a generated chain of thousands of
 * services would overflow the call stack of a recursive search.
 */
function findCycles(services: readonly string[], edges: ReadonlyMap<string, Edge[]>): Problem[] {
  const out: Problem[] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const pending: Array<{ name: string; edges: readonly Edge[]; next: number }> = [];
  const enter = (name: string): void => {
    state.set(name, 'active');
    stack.push(name);
    pending.push({ name, edges: edges.get(name) ?? [], next: 0 });
  };
  for (const root of services) {
    if (state.has(root)) continue;
    enter(root);
    while (pending.length > 0) {
      const top = pending[pending.length - 1];
      if (top.next === top.edges.length) {
        pending.pop();
        stack.pop();
        state.set(top.name, 'done');
        continue;
      }
      const edge = top.edges[top.next++];
      const s = state.get(edge.to);
      if (s === 'active') {
        const cycle = [...stack.slice(stack.indexOf(edge.to)), edge.to];
        out.push(error('call-cycle', edge.path, msg.callCycle(cycle), msg.callCycleHint()));
      } else if (s === undefined) {
        enter(edge.to);
      }
    }
  }
  return out;
}

/**
 * Calls (and the parallel and sequence blocks around them) a request may
 * nest at most. The simulator hands a response back up the chain in one go
 * when the way back takes no simulated time, one stack frame or so a level;
 * thousands of levels would overflow the stack. Real call chains are a few
 * dozen deep at most.
 */
export const MAX_CALL_DEPTH = 200;

/** The deepest nesting an entry point's request reaches, when it is beyond MAX_CALL_DEPTH (the graph has no cycles). */
function checkCallDepth(file: TopologyFile, edges: ReadonlyMap<string, Edge[]>): Problem[] {
  // Levels an edge adds: the call, and each block it sits in within its service.
  const weight = (edge: Edge): number => 1 + edge.path.filter((p) => p === 'parallel' || p === 'sequence').length;
  /** Service → the deepest nesting below it, and the edge that leads there. */
  const below = new Map<string, { depth: number; via: Edge | null }>();
  const order: string[] = [];
  for (const entry of Object.values(file.entrypoints)) {
    if (!edges.has(entry.target)) continue;
    // Post-order without recursion: a service is done once everything it calls is.
    const todo: Array<{ name: string; expanded: boolean }> = [{ name: entry.target, expanded: false }];
    while (todo.length > 0) {
      const top = todo.pop() as { name: string; expanded: boolean };
      if (below.has(top.name)) continue;
      if (top.expanded) {
        let best: { depth: number; via: Edge | null } = { depth: 0, via: null };
        for (const edge of edges.get(top.name) ?? []) {
          const d = weight(edge) + (below.get(edge.to)?.depth ?? 0);
          if (d > best.depth) best = { depth: d, via: edge };
        }
        below.set(top.name, best);
        order.push(top.name);
        continue;
      }
      todo.push({ name: top.name, expanded: true });
      for (const edge of edges.get(top.name) ?? []) if (!below.has(edge.to)) todo.push({ name: edge.to, expanded: false });
    }
  }
  for (const [name, entry] of Object.entries(file.entrypoints)) {
    const deepest = below.get(entry.target);
    if (!deepest || 1 + deepest.depth <= MAX_CALL_DEPTH) continue;
    // Name the chain, and point at the call that goes one level too deep.
    const chain = [entry.target];
    let level = 1, at: Edge | null = null;
    for (let s = below.get(entry.target); s?.via; s = below.get(s.via.to)) {
      chain.push(s.via.to);
      level += weight(s.via);
      if (at === null && level > MAX_CALL_DEPTH) at = s.via;
    }
    const shown = chain.length > 6 ? [...chain.slice(0, 3), '…', ...chain.slice(-2)] : chain;
    return [error(
      'call-depth', at ? at.path : ['entrypoints', name, 'target'],
      msg.callDepth(name, 1 + deepest.depth, shown, MAX_CALL_DEPTH), msg.callDepthHint(),
    )];
  }
  return [];
}

/**
 * Calls one request may make at most. Each is a frame in flight and a few
 * events; a request past this (two calls a level, twenty levels down) would
 * fill memory or run for hours, and was reported as a queue growing without
 * bound.
 */
export const MAX_CALLS_PER_REQUEST = 1_000_000;

/**
 * The most calls a request can make (every optional call taken, no retries),
 * when it is past MAX_CALLS_PER_REQUEST: reported once, at the calls of the
 * lowest service whose own calls multiply past it.
 */
function checkFanOut(file: TopologyFile, edges: ReadonlyMap<string, Edge[]>): Problem[] {
  const below = new Map<string, number>();
  const callsBelow = (root: string): number => {
    const todo: Array<{ name: string; expanded: boolean }> = [{ name: root, expanded: false }];
    while (todo.length > 0) {
      const top = todo.pop() as { name: string; expanded: boolean };
      if (below.has(top.name)) continue;
      const own = edges.get(top.name) ?? [];
      if (top.expanded) {
        below.set(top.name, own.reduce((n, e) => n + 1 + (below.get(e.to) ?? 0), 0));
        continue;
      }
      todo.push({ name: top.name, expanded: true });
      for (const e of own) if (!below.has(e.to)) todo.push({ name: e.to, expanded: false });
    }
    return below.get(root) ?? 0;
  };
  for (const [name, entry] of Object.entries(file.entrypoints)) {
    if (!edges.has(entry.target)) continue;
    const total = 1 + callsBelow(entry.target);
    if (total <= MAX_CALLS_PER_REQUEST) continue;
    // Down the heaviest calls to the lowest service that is itself past the limit.
    let at = entry.target;
    for (;;) {
      const next = (edges.get(at) ?? []).find((e) => 1 + (below.get(e.to) ?? 0) > MAX_CALLS_PER_REQUEST);
      if (!next) break;
      at = next.to;
    }
    return [error(
      'call-fan-out', ['services', at, 'calls'],
      msg.callFanOut(name, total, at, 1 + (below.get(at) ?? 0), MAX_CALLS_PER_REQUEST), msg.callFanOutHint(),
    )];
  }
  return [];
}

function reachable(starts: readonly string[], edges: ReadonlyMap<string, Edge[]>): Set<string> {
  const seen = new Set<string>();
  const queue = [...starts];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const edge of edges.get(name) ?? []) queue.push(edge.to);
  }
  return seen;
}
