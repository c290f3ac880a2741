import type { Topology } from '../topology/types.js';

/** What happens to one pod at one moment of a rollout or scaling. */
export const LC_UP = 0;        // the process starts accepting connections
export const LC_ADD = 1;       // its endpoint is added to the service (ready)
export const LC_REMOVE = 2;    // its endpoint is removed (terminating, or scaled away)
export const LC_STOP = 3;      // the process stops: connections are refused

export interface LifecycleAction {
  at: number;
  kind: typeof LC_UP | typeof LC_ADD | typeof LC_REMOVE | typeof LC_STOP;
  /** Index into the service's slots. */
  slot: number;
  service: number;
}

export interface LifecyclePlan {
  /** Pods each service will ever have: the initial replicas first, then those rollouts and scaling add. */
  slots: number[];
  /** Sorted by time; ties in the order the timeline makes them. */
  actions: LifecycleAction[];
  /**
   * The slot of the pod at a position of a service (`reviews-1` on the
   * timeline: position 1) at a time: rollouts and scaling put new pods,
   * with new slots, in the places of the old.
   */
  slotAt(service: number, position: number, at: number): number;
}

/**
 * Works out, before the run, every pod a rollout or scaling will create or
 * retire and when: a rolling update with maxSurge 1 and maxUnavailable 0
 * (the careful setting; Kubernetes' default, 25 % and 25 %, replaces several
 * pods at once from 4 replicas up) replaces pods one at a time — a new pod starts, is ready and listed
 * after its startup, counts as available minReadySeconds later, and only then
 * is an old one's endpoint removed and its process stopped after its preStop sleep. Knowing all pods up front
 * lets the simulation size its arrays once.
 */
export function planLifecycle(topology: Topology): LifecyclePlan {
  const index = new Map(topology.services.map((s, i) => [s.name, i]));
  const slots = topology.services.map((s) => s.replicas);
  const current = topology.services.map((s) => Array.from({ length: s.replicas }, (_, i) => i));
  let actions: LifecycleAction[] = [];
  /** A pod taking a position: a rollout's new pod when the old one's endpoint goes, a scale-up's at once. */
  let moves: Array<{ at: number; service: number; position: number; slot: number }> = [];
  // A pod retired before it has started or become ready (scaled away, or
  // replaced by a rollout, while still starting) never does: its pending
  // start and readiness are dropped, as Kubernetes deletes a pod that is
  // not yet ready without ever listing it.
  const retire = (slot: number, s: number, at: number, stopAt: number): void => {
    actions = actions.filter((a) => !(a.slot === slot && a.service === s && a.at > at && (a.kind === LC_UP || a.kind === LC_ADD)));
    moves = moves.filter((m) => !(m.slot === slot && m.service === s && m.at > at));
    actions.push({ at, kind: LC_REMOVE, slot, service: s });
    actions.push({ at: stopAt, kind: LC_STOP, slot, service: s });
  };
  for (const ev of topology.timeline) {
    if (ev.kind === 'rollout') {
      const s = index.get(ev.service) as number;
      const step = ev.startup + ev.minReadySeconds;
      const next: number[] = [];
      current[s].forEach((old, i) => {
        const fresh = slots[s]++;
        const start = ev.at + i * step;
        actions.push({ at: start + ev.startup, kind: LC_UP, slot: fresh, service: s });
        // Listed once ready; minReadySeconds only holds back the next step (the old pod's retirement), as a Deployment's does.
        actions.push({ at: start + ev.startup, kind: LC_ADD, slot: fresh, service: s });
        retire(old, s, start + step, start + step + ev.preStop);
        moves.push({ at: start + step, service: s, position: i, slot: fresh });
        next.push(fresh);
      });
      current[s] = next;
    } else if (ev.kind === 'scale') {
      const s = index.get(ev.service) as number;
      const have = current[s];
      if (ev.replicas > have.length) {
        for (let k = have.length; k < ev.replicas; k++) {
          const fresh = slots[s]++;
          actions.push({ at: ev.at + ev.startup, kind: LC_UP, slot: fresh, service: s });
          actions.push({ at: ev.at + ev.startup, kind: LC_ADD, slot: fresh, service: s });
          moves.push({ at: ev.at, service: s, position: k, slot: fresh });
          have.push(fresh);
        }
      } else {
        for (const old of have.splice(ev.replicas)) retire(old, s, ev.at, ev.at + ev.preStop);
      }
    }
  }
  // Stable: equal times keep the order above (add before remove within a step).
  const order = actions.map((a, i) => [a, i] as const).sort((x, y) => x[0].at - y[0].at || x[1] - y[1]);
  const slotAt = (service: number, position: number, at: number): number => {
    let slot = position, when = -Infinity;
    for (const m of moves) if (m.service === service && m.position === position && m.at <= at && m.at >= when) { slot = m.slot; when = m.at; }
    return slot;
  };
  return { slots, actions: order.map(([a]) => a), slotAt };
}
