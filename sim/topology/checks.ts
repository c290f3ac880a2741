/**
 * Checks that run once the file has the right shape: the per-value checks of
 * checkValues.ts, then what relates entities to each other — calls and entry
 * points name existing services, zones exist, every service gets traffic, and
 * calls form no cycle (a request would never finish).
 */
import { checkValues } from './checkValues.js';
import type { Path } from './locate.js';
import * as msg from './messages.js';
import { error, warning, type Problem } from './problem.js';
import type { StepFile, TopologyFile } from './schema.js';
import { closest } from './suggest.js';

export function checkTopology(file: TopologyFile): Problem[] {
  return [...checkValues(file), ...checkReferences(file)];
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
  out.push(...findCycles(services, edges));

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
 * Depth-first search in file order; every edge back to a service still on
 * the stack closes a cycle, reported once, at that edge, named from the
 * service where it starts.
 */
function findCycles(services: readonly string[], edges: ReadonlyMap<string, Edge[]>): Problem[] {
  const out: Problem[] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'active');
    stack.push(name);
    for (const edge of edges.get(name) ?? []) {
      const s = state.get(edge.to);
      if (s === 'active') {
        const cycle = [...stack.slice(stack.indexOf(edge.to)), edge.to];
        out.push(error('call-cycle', edge.path, msg.callCycle(cycle), msg.callCycleHint()));
      } else if (s === undefined) {
        visit(edge.to);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of services) if (!state.has(name)) visit(name);
  return out;
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
