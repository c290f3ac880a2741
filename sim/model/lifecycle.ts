import type { PodBudget, TimelineEvent, Topology } from '../topology/types.js';

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
 * retire and when (see rollingUpdate for a rollout's pace). Knowing all
 * pods up front lets the simulation size its arrays once.
 */
export function planLifecycle(topology: Topology): LifecyclePlan {
  const index = new Map(topology.services.map((s, i) => [s.name, i]));
  const slots = topology.services.map((s) => s.replicas);
  const current = topology.services.map((s) => Array.from({ length: s.replicas }, (_, i) => i));
  const actions: LifecycleAction[] = [];
  /** A pod taking a position: a rollout's new pod when the old one's endpoint goes, a scale-up's at once. */
  const moves: Move[] = [];
  // A pod retired before it has started or become ready (scaled away, or
  // replaced by a rollout, while still starting) never does: its pending
  // start and readiness are dropped, as Kubernetes deletes a pod that is
  // not yet ready without ever listing it.
  const retire = (slot: number, s: number, at: number, stopAt: number): void => {
    dropWhere(actions, (a) => a.slot === slot && a.service === s && a.at > at && (a.kind === LC_UP || a.kind === LC_ADD));
    dropWhere(moves, (m) => m.slot === slot && m.service === s && m.at > at);
    actions.push({ at, kind: LC_REMOVE, slot, service: s });
    actions.push({ at: stopAt, kind: LC_STOP, slot, service: s });
  };
  for (const ev of topology.timeline) {
    if (ev.kind === 'rollout') {
      const s = index.get(ev.service) as number;
      current[s] = rollingUpdate(ev, s, current[s], () => slots[s]++, actions, moves, retire);
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

/** Removes the items `drop` picks, in place (rollingUpdate holds the arrays), keeping the others' order. */
function dropWhere<T>(list: T[], drop: (item: T) => boolean): void {
  let kept = 0;
  for (const item of list) if (!drop(item)) list[kept++] = item;
  list.length = kept;
}

type Rollout = Extract<TimelineEvent, { kind: 'rollout' }>;
type Move = { at: number; service: number; position: number; slot: number };

/** A maxSurge or maxUnavailable in pods for `replicas`: a percentage rounded up (surge) or down (unavailable), as a Deployment's. */
function podsOf(budget: PodBudget, replicas: number, round: (x: number) => number): number {
  return budget.percent ? round((replicas * budget.value) / 100) : budget.value;
}

/**
 * A Deployment's rolling update of the pods `olds` (in position order), as
 * its controller paces it: whenever something changes it scales the new
 * pods up as far as maxSurge lets (pods at most replicas + maxSurge) and
 * then the old ones down as far as maxUnavailable lets (available pods at
 * least replicas − maxUnavailable, new pods not yet available counting
 * against it), until neither can move; then it waits for the next new pod
 * to become available (`startup`, ready and listed, plus
 * `minReadySeconds`). Old pods go in position order: the endpoint removed
 * at once, the process stopped after `preStop`. With maxSurge 1 and
 * maxUnavailable 0 that is one pod at a time; with the default 25 % each,
 * 4 replicas are replaced two at a time. Returns the new pods.
 */
function rollingUpdate(
  ev: Rollout,
  service: number,
  olds: number[],
  newSlot: () => number,
  actions: LifecycleAction[],
  moves: Move[],
  retire: (slot: number, s: number, at: number, stopAt: number) => void,
): number[] {
  const n = olds.length;
  const surge = podsOf(ev.maxSurge, n, Math.ceil);
  // Kubernetes' fencepost: both rounding to 0 would stall, so one pod may be unavailable.
  const unavailable = surge === 0 ? Math.max(1, podsOf(ev.maxUnavailable, n, Math.floor)) : podsOf(ev.maxUnavailable, n, Math.floor);
  const fresh: Array<{ slot: number; created: number; available: number }> = [];
  const retiredAt: number[] = [];
  let t = ev.at;
  for (;;) {
    for (;;) {
      const oldLeft = n - retiredAt.length;
      let up = Math.min(n - fresh.length, n + surge - (oldLeft + fresh.length));
      const moved = up > 0;
      for (; up > 0; up--) {
        const slot = newSlot();
        actions.push({ at: t + ev.startup, kind: LC_UP, slot, service });
        // Listed once ready; minReadySeconds only holds back the old pods' retirement, as a Deployment's does.
        actions.push({ at: t + ev.startup, kind: LC_ADD, slot, service });
        fresh.push({ slot, created: t, available: t + ev.startup + ev.minReadySeconds });
      }
      let newUnavailable = 0;
      for (const p of fresh) if (p.available > t) newUnavailable++;
      let down = Math.min(oldLeft, oldLeft + fresh.length - (n - unavailable) - newUnavailable);
      if (!moved && down <= 0) break;
      for (; down > 0; down--) {
        retire(olds[retiredAt.length], service, t, t + ev.preStop);
        retiredAt.push(t);
      }
    }
    if (retiredAt.length === n && fresh.length === n) break;
    let next = Infinity;
    for (const p of fresh) if (p.available > t && p.available < next) next = p.available;
    if (next === Infinity) throw new Error(`rolling update of service ${service} stalled at t=${t}`);
    t = next;
  }
  // The k-th new pod takes the place of the k-th old one, once both have happened.
  for (let k = 0; k < n; k++) moves.push({ at: Math.max(retiredAt[k], fresh[k].created), service, position: k, slot: fresh[k].slot });
  return fresh.map((p) => p.slot);
}
