/**
 * Closed-loop users whose whole cycle takes no simulated time: each request
 * and think time is zero, so the clock never moves on. The simulation stops
 * such a run after a million starts at one instant (or, counting requests,
 * reports them all at t = 0); here it is refused before it starts, at the
 * entry point, so `validate` says what `run` would.
 *
 * Only certain loops are named: a proxy, a payload over finite bandwidth, a
 * timeline event or any distribution that can draw above 0 may move the
 * clock, and then the run goes ahead.
 */
import * as msg from './messages.js';
import { error, type Problem } from './problem.js';
import type { Dist, Step, Topology } from './types.js';

export function checkZeroTimeLoops(topology: Topology, written: (entry: string) => boolean): Problem[] {
  if (topology.mesh.mode !== 'none' || topology.timeline.length > 0) return [];
  const net = topology.network;
  const netZero = alwaysZero(net.sameZone) && alwaysZero(net.crossZone) && (net.sameNode === undefined || alwaysZero(net.sameNode));
  if (!netZero) return [];
  const byName = new Map(topology.services.map((s) => [s.name, s]));
  const out: Problem[] = [];
  for (const entry of topology.entrypoints) {
    const a = entry.arrivals;
    if (a.kind !== 'closed' || !alwaysZero(a.thinkTime)) continue;
    const services = reached(entry.target, byName);
    const timed = services.some((name) => {
      const s = byName.get(name);
      return s === undefined || !alwaysZero(s.serviceTime) || !alwaysZero(s.ioTime);
    });
    if (timed) continue;
    if (net.bandwidth !== Infinity && (entry.requestSize > 0 || services.some((n) => (byName.get(n)?.responseSize ?? 0) > 0))) continue;
    const path = written(entry.name) ? ['entrypoints', entry.name, 'thinkTime'] : ['entrypoints', entry.name];
    out.push(error('zero-time-loop', path, msg.zeroTimeLoop(entry.name, services), msg.zeroTimeLoopHint(entry.name), 'key'));
  }
  return out;
}

/** Whether every draw of `d` is exactly 0. */
function alwaysZero(d: Dist): boolean {
  switch (d.kind) {
    case 'constant': return d.value === 0;
    case 'uniform': return d.min === 0 && d.max === 0;
    case 'empirical': return d.samples.every((v) => v === 0);
    case 'percentiles': return d.points.every((p) => p[1] === 0);
    case 'normal': return d.mean === 0 && d.stddev === 0;
    default: return false;
  }
}

/** The services a request of `target` can reach, in call order, each once. */
function reached(target: string, byName: ReadonlyMap<string, { calls: Step[] }>): string[] {
  const seen = new Set<string>();
  const order: string[] = [];
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    order.push(name);
    walk(byName.get(name)?.calls ?? []);
  };
  const walk = (steps: readonly Step[]): void => {
    for (const step of steps) {
      if (step.kind === 'call') visit(step.service);
      else walk(step.steps);
    }
  };
  visit(target);
  return order;
}
