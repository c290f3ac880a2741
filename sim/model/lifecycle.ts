import type { PodBudget, TimelineEvent, Topology } from '../topology/types.js';

/** What happens to one pod at one moment of a rollout or scaling. */
export const LC_UP = 0;        // the process starts accepting connections
export const LC_ADD = 1;       // its endpoint is added to the service (ready)
export const LC_REMOVE = 2;    // its endpoint is removed (terminating, or scaled away)
export const LC_STOP = 3;      // the pod stops serving (its sidecar, if it drains, exits): connections are refused
export const LC_EXIT = 4;      // its app exits while its sidecar still drains: the sidecar answers 503 for it

export interface LifecycleAction {
  at: number;
  kind: typeof LC_UP | typeof LC_ADD | typeof LC_REMOVE | typeof LC_STOP | typeof LC_EXIT;
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
  // A rollout taking over another undoes what that one planned, one pod at a time: found through each pod's own
  // entries (and each place's, for moves), since scanning every action and move for each made it pods².
  const actions = new Ledger<LifecycleAction>([(a) => a.slot]);
  /** A pod taking a position: a rollout's new pod when the old one's endpoint goes, a scale-up's at once. */
  const moves = new Ledger<Move>([(m) => m.slot, (m) => m.position]);
  // Every pod of each service: when it was created, counts as available (ready, plus minReadySeconds) and was retired,
  // and the rollout that made it (its ReplicaSet: 0 for the initial pods and those scaled up before any rollout).
  const pods = topology.services.map((s) => new Map<number, Pod>(Array.from({ length: s.replicas }, (_, i) => [i, { created: 0, available: 0, removed: Infinity, generation: 0 }])));
  const generation = topology.services.map(() => 0);
  // A sidecar gets its certificate and its first config from the control
  // plane, and its pod is not ready (the sidecar's probe fails) until it
  // has them: a pod created during a controlPlaneOutage is listed, and
  // counts as available, only once the outage is over. A rollout that
  // keeps its available pods (maxUnavailable 0) then waits with the old
  // pods serving, as Kubernetes' would.
  const outages = topology.mesh.mode === 'sidecar' ? topology.timeline.filter((e) => e.kind === 'control-plane-outage') : [];
  const readyAt = (created: number, startup: number): number => {
    let configured = created;
    // Sorted by start: an outage that ends inside the next one runs into it.
    for (const o of outages) if (configured >= o.at && configured < o.until) configured = o.until;
    return Math.max(created + startup, configured);
  };
  // A terminating pod's sidecar gets SIGTERM with the pod's deletion, not after the app's preStop: under a
  // sidecar mesh the pod stops serving after the sidecar's drain, and its app exits after preStop, whichever
  // comes first. Without a sidecar (node proxies, no mesh) the pod stops with its app.
  const drain = topology.mesh.mode === 'sidecar' && topology.mesh.sidecar !== null ? topology.mesh.sidecar.terminationDrain : null;
  // What each service's last rollout planned: a later rollout that starts before it is done undoes what comes after its start.
  const planned: Planned[][] = topology.services.map(() => []);
  // A pod retired before it has started or become ready (scaled away, or
  // replaced by a rollout, while still starting) never does: its pending
  // start and readiness are dropped, as Kubernetes deletes a pod that is
  // not yet ready without ever listing it.
  const retire = (slot: number, s: number, at: number, stopAt: number): Retired => {
    // Only a pod a rollout or scale-up created (a slot past the initial replicas) has a start, a readiness or a
    // move planned: an initial pod has none to drop, and scanning every action for it made a rollout cost pods².
    const fresh = slot >= topology.services[s].replicas;
    const dropped = fresh ? actions.take(BY_SLOT, s, slot, (a) => a.at > at && (a.kind === LC_UP || a.kind === LC_ADD)) : [];
    const droppedMoves = fresh ? moves.take(BY_SLOT, s, slot, (m) => m.at > at) : [];
    const remove: LifecycleAction = { at, kind: LC_REMOVE, slot, service: s };
    const stop: LifecycleAction = { at: drain === null ? stopAt : at + drain, kind: LC_STOP, slot, service: s };
    // The app's exit is an action of its own only when it differs from the sidecar's: before it, the sidecar
    // answers for an app that is gone; after it, the pod still counts as present until its app is done.
    const exit: LifecycleAction | null = stop.at === stopAt ? null : { at: stopAt, kind: LC_EXIT, slot, service: s };
    actions.push(remove, stop);
    if (exit !== null) actions.push(exit);
    const pod = pods[s].get(slot);
    const before = pod ? pod.removed : Infinity;
    if (pod) pod.removed = Math.min(pod.removed, at);
    return { slot, at, dropped, droppedMoves, remove, stop, exit, before };
  };
  for (const ev of topology.timeline) {
    if (ev.kind === 'rollout') {
      const s = index.get(ev.service) as number;
      overtake(s, ev.at);
      const n = current[s].length;
      // Every pod there is now is an old one (a Deployment's old ReplicaSets), each in its place if it has one.
      const holder = new Map<number, number>();
      for (let k = 0; k < n; k++) holder.set(slotAtIn(moves, s, k, ev.at), k);
      const olds: Old[] = [];
      for (const [slot, pod] of pods[s]) {
        if (pod.created <= ev.at && pod.removed > ev.at) olds.push({ slot, available: pod.available, generation: pod.generation, position: holder.get(slot) ?? -1 });
      }
      const gen = ++generation[s];
      const create = (at: number): { slot: number; created: number; available: number } => {
        const slot = slots[s]++;
        const ready = readyAt(at, ev.startup);
        actions.push({ at: at + ev.startup, kind: LC_UP, slot, service: s });
        // Listed once ready; minReadySeconds only holds back the old pods' retirement, as a Deployment's does.
        actions.push({ at: ready, kind: LC_ADD, slot, service: s });
        const p = { slot, created: at, available: ready + ev.minReadySeconds };
        pods[s].set(slot, { created: at, available: p.available, removed: Infinity, generation: gen });
        planned[s].push({ kind: 'create', at, slot });
        return p;
      };
      const made = rollingUpdate(ev, n, olds, create, (slot, at, stopAt) => retire(slot, s, at, stopAt));
      // A place no new pod takes (a rollout stalled by new pods that never become ready) keeps its old pod.
      const next: number[] = Array.from({ length: n }, (_, k) => slotAtIn(moves, s, k, ev.at));
      for (const r of made.retired) planned[s].push({ kind: 'retire', at: r.at, slot: r.slot, retired: r });
      // The j-th new pod takes the j-th place its old pod leaves, once both have happened.
      made.vacated.forEach((v, j) => {
        const move: Move = { at: Math.max(v.at, made.fresh[j].created), service: s, position: v.position, slot: made.fresh[j].slot };
        moves.push(move);
        planned[s].push({ kind: 'move', at: move.at, move });
        next[v.position] = move.slot;
      });
      current[s] = next;
    } else if (ev.kind === 'scale') {
      const s = index.get(ev.service) as number;
      const have = current[s];
      if (ev.replicas > have.length) {
        for (let k = have.length; k < ev.replicas; k++) {
          const fresh = slots[s]++;
          const ready = readyAt(ev.at, ev.startup);
          actions.push({ at: ev.at + ev.startup, kind: LC_UP, slot: fresh, service: s });
          actions.push({ at: ready, kind: LC_ADD, slot: fresh, service: s });
          moves.push({ at: ev.at, service: s, position: k, slot: fresh });
          pods[s].set(fresh, { created: ev.at, available: ready, removed: Infinity, generation: generation[s] });
          have.push(fresh);
        }
      } else {
        for (const old of have.splice(ev.replicas)) retire(old, s, ev.at, ev.at + ev.preStop);
      }
    }
  }

  /**
   * A rollout of `s` starting at `at` while the last one is still under way
   * takes it over, as a Deployment's controller does with a new template:
   * the new pods that one had yet to create are never created, the old pods
   * it had yet to retire stay (they are old pods of the new rollout too),
   * and the places they would have changed hands stay as they are.
   */
  function overtake(s: number, at: number): void {
    for (const p of planned[s]) {
      if (p.at <= at) continue;
      if (p.kind === 'create') {
        actions.take(BY_SLOT, s, p.slot, () => true);
        moves.take(BY_SLOT, s, p.slot, () => true);
        pods[s].delete(p.slot);
      } else if (p.kind === 'move') {
        moves.take(BY_SLOT, s, p.move.slot, (m) => m === p.move);
      }
    }
    for (const p of planned[s]) {
      if (p.at <= at || p.kind !== 'retire') continue;
      const r = p.retired;
      actions.take(BY_SLOT, s, r.slot, (a) => a === r.remove || a === r.stop || a === r.exit);
      actions.push(...r.dropped);
      moves.push(...r.droppedMoves);
      const pod = pods[s].get(r.slot);
      if (pod) pod.removed = r.before;
    }
    planned[s] = [];
  }

  // Stable: equal times keep the order above (add before remove within a step).
  const order = actions.items().map((a, i) => [a, i] as const).sort((x, y) => x[0].at - y[0].at || x[1] - y[1]);
  const slotAt = (service: number, position: number, at: number): number => slotAtIn(moves, service, position, at);
  return { slots, actions: order.map(([a]) => a), slotAt };
}

/** The slot at a position at a time: the last move there at or before it (the latest made when two tie). */
function slotAtIn(moves: Ledger<Move>, service: number, position: number, at: number): number {
  let slot = position, when = -Infinity;
  for (const m of moves.under(BY_POSITION, service, position)) if (m.at <= at && m.at >= when) { slot = m.slot; when = m.at; }
  return slot;
}

/** The ledgers' first key: an action's or a move's pod (slot); moves have a second, their place. */
const BY_SLOT = 0;
const BY_POSITION = 1;

/**
 * A list that items leave (taken) and join again at its end (pushed anew),
 * whose order is the order the plan made them in: the order ties keep in
 * the plan's actions and among moves. Its items are also chained by
 * (service, key) for each key, so taking a pod's items looks at that pod's
 * few, not at the whole list. An entry is a number (its place in the list)
 * and the chains are arrays of numbers, not an object and an array per
 * entry and pod: the plan of a large rollout has a few hundred thousand.
 */
class Ledger<T extends { service: number }> {
  /** By place in the list: the item, or null once taken (the list skips it). */
  private readonly entries: Array<T | null> = [];
  /** By key: the next entry in the same chain (-1 ending it), by entry. */
  private readonly next: number[][];
  /** By key, service and key value: the chain's first and last entries (-1 when empty). */
  private readonly first: number[][][];
  private readonly last: number[][][];
  constructor(private readonly keys: ReadonlyArray<(item: T) => number>) {
    this.next = keys.map(() => []);
    this.first = keys.map(() => []);
    this.last = keys.map(() => []);
  }
  push(...items: T[]): void {
    for (const item of items) {
      const e = this.entries.length;
      this.entries.push(item);
      for (let k = 0; k < this.keys.length; k++) {
        const value = this.keys[k](item);
        const first = (this.first[k][item.service] ??= []);
        const last = (this.last[k][item.service] ??= []);
        // Filled up to the value, so the arrays stay packed (a store far past the end would make one a dictionary).
        while (first.length <= value) {
          first.push(-1);
          last.push(-1);
        }
        this.next[k].push(-1);
        if (last[value] < 0) first[value] = e;
        else this.next[k][last[value]] = e;
        last[value] = e;
      }
    }
  }
  /** Takes out, in list order, the items chained under `value` of key `key` that `pick` picks. */
  take(key: number, service: number, value: number, pick: (item: T) => boolean): T[] {
    const first = this.first[key][service];
    const last = this.last[key][service];
    const next = this.next[key];
    const taken: T[] = [];
    if (first === undefined || value >= first.length) return taken;
    // Unlinks what it takes and what was taken through another key, so a chain holds only what is in the list.
    let prev = -1;
    for (let e = first[value]; e >= 0; e = next[e]) {
      const item = this.entries[e];
      if (item !== null && !pick(item)) {
        prev = e;
        continue;
      }
      if (item !== null) {
        taken.push(item);
        this.entries[e] = null;
      }
      if (prev < 0) first[value] = next[e];
      else next[prev] = next[e];
      if (last[value] === e) last[value] = prev;
    }
    return taken;
  }
  /** The items chained under `value` of key `key`, in list order. */
  *under(key: number, service: number, value: number): Generator<T> {
    const first = this.first[key][service];
    if (first === undefined || value >= first.length) return;
    const next = this.next[key];
    for (let e = first[value]; e >= 0; e = next[e]) {
      const item = this.entries[e];
      if (item !== null) yield item;
    }
  }
  /** The items in the list, in its order. */
  items(): T[] {
    const out: T[] = [];
    for (const item of this.entries) if (item !== null) out.push(item);
    return out;
  }
}

export type Rollout = Extract<TimelineEvent, { kind: 'rollout' }>;
type Move = { at: number; service: number; position: number; slot: number };
type Pod = { created: number; available: number; removed: number; generation: number };
export type Retired = { slot: number; at: number; dropped: LifecycleAction[]; droppedMoves: Move[]; remove: LifecycleAction; stop: LifecycleAction; exit: LifecycleAction | null; before: number };
type Planned =
  | { kind: 'create'; at: number; slot: number }
  | { kind: 'retire'; at: number; slot: number; retired: Retired }
  | { kind: 'move'; at: number; move: Move };
/** An old pod of a rollout: when it is (or was) available, its ReplicaSet's age, and its place (-1 for a pod above the replicas). */
export type Old = { slot: number; available: number; generation: number; position: number };

/**
 * Ascending order of numbers that may be infinite: a − b is NaN for two
 * infinities (two pods never available, two pods without a place), and a
 * comparator that answers NaN leaves the order to the engine, not to the
 * stable sort's "ties keep their order".
 */
const ascending = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

/** A maxSurge or maxUnavailable in pods for `replicas`: a percentage rounded up (surge) or down (unavailable), as a Deployment's. */
function podsOf(budget: PodBudget, replicas: number, round: (x: number) => number): number {
  return budget.percent ? round((replicas * budget.value) / 100) : budget.value;
}

/**
 * A Deployment's rolling update to `n` replicas of the pods `olds`, as its
 * controller paces it: whenever something changes it scales the new pods
 * up as far as maxSurge lets (pods at most n + maxSurge) and then the old
 * ones down as far as maxUnavailable lets (available pods at least n −
 * maxUnavailable, new pods not yet available counting against it), until
 * neither can move; then it waits for the next pod to become available
 * (`startup`, ready and listed, plus `minReadySeconds`). Old pods not yet
 * available go first (cleanupUnhealthyReplicas), then the oldest
 * ReplicaSet's, each in position order: the endpoint removed at once, the
 * app stopped after `preStop` (under a sidecar mesh the pod stops serving
 * when its sidecar's terminationDrain ends, see planLifecycle). With maxSurge 1 and maxUnavailable 0
 * that is one pod at a time; with the default 25 % each, 4 replicas are
 * replaced two at a time. Exported for the test that checks it against
 * the plain version (a sort of the old pods at each step) it replaced.
 */
export function rollingUpdate(
  ev: Rollout,
  n: number,
  olds: Old[],
  create: (at: number) => { slot: number; created: number; available: number },
  retire: (slot: number, at: number, stopAt: number) => Retired,
): { fresh: Array<{ slot: number; created: number; available: number }>; retired: Retired[]; vacated: Array<{ position: number; at: number }> } {
  const surge = podsOf(ev.maxSurge, n, Math.ceil);
  // Kubernetes' fencepost: both rounding to 0 would stall, so one pod may be unavailable.
  const unavailable = surge === 0 ? Math.max(1, podsOf(ev.maxUnavailable, n, Math.floor)) : podsOf(ev.maxUnavailable, n, Math.floor);
  const minAvailable = n - Math.min(n, unavailable);
  const fresh: Array<{ slot: number; created: number; available: number }> = [];
  const retired: Retired[] = [];
  const vacated: Array<{ position: number; at: number }> = [];
  const place = (o: Old) => (o.position < 0 ? Infinity : o.position);
  // A pod-a-step rollout has a step per pod, so a step must not cost pods (sorting or scanning the old pods at
  // each made it pods²). What the steps read is kept up to date instead: generation and place never change, so the
  // old pods are ranked once; only whether each is available moves with t, and t only grows.
  // Ranked as the controller takes them: oldest ReplicaSet first, then place, ties in `olds` order (a stable sort).
  const ranked = olds.map((_, i) => i).sort((i, j) => olds[i].generation - olds[j].generation || ascending(place(olds[i]), place(olds[j])));
  const gone = new Uint8Array(olds.length);
  let leftCount = olds.length;
  let head = 0; // in `ranked`: every old pod before it is gone
  // The old pods not yet available and not gone, in rank order (a linked list over `ranked`, -1 ending it).
  const nextU = new Int32Array(olds.length).fill(-1);
  const prevU = new Int32Array(olds.length).fill(-1);
  const inU = new Uint8Array(olds.length);
  let firstU = -1, lastU = -1, unhealthyCount = 0;
  const unlinkU = (r: number): void => {
    if (!inU[r]) return;
    inU[r] = 0;
    if (prevU[r] >= 0) nextU[prevU[r]] = nextU[r];
    else firstU = nextU[r];
    if (nextU[r] >= 0) prevU[nextU[r]] = prevU[r];
    else lastU = prevU[r];
    unhealthyCount--;
  };
  const rankOf = new Int32Array(olds.length);
  ranked.forEach((i, r) => { rankOf[i] = r; });
  let t = ev.at;
  for (let r = 0; r < ranked.length; r++) {
    if (olds[ranked[r]].available <= t) continue;
    prevU[r] = lastU;
    if (lastU >= 0) nextU[lastU] = r;
    else firstU = r;
    lastU = r;
    inU[r] = 1;
    unhealthyCount++;
  }
  // The old pods by when they become available, for the unhealthy list and the next wait.
  const byAvailable = olds.map((_, i) => i).sort((i, j) => ascending(olds[i].available, olds[j].available));
  let ripe = 0; // in `byAvailable`: every old pod before it is available at t, or gone
  // New pods not yet available, by when they become so.
  const waiting = new MinHeap();
  // Retires `rs` (ranks) at t, in their order.
  const take = (rs: number[], t: number): number => {
    for (const r of rs) {
      const o = olds[ranked[r]];
      retired.push(retire(o.slot, t, t + ev.preStop));
      if (o.position >= 0) vacated.push({ position: o.position, at: t });
      unlinkU(r);
      gone[r] = 1;
      leftCount--;
    }
    return rs.length;
  };
  for (;;) {
    while (ripe < byAvailable.length && (olds[byAvailable[ripe]].available <= t || gone[rankOf[byAvailable[ripe]]])) {
      unlinkU(rankOf[byAvailable[ripe++]]);
    }
    while (waiting.size > 0 && waiting.min() <= t) waiting.pop();
    for (;;) {
      let up = Math.min(n - fresh.length, n + surge - (leftCount + fresh.length));
      const moved = up > 0;
      for (; up > 0; up--) {
        const p = create(t);
        fresh.push(p);
        if (p.available > t) waiting.push(p.available);
      }
      const newUnavailable = waiting.size;
      const maxScaledDown = leftCount + fresh.length - minAvailable - newUnavailable;
      let down = 0;
      if (maxScaledDown > 0) {
        // Old pods not yet available first: retiring them costs no availability.
        const unhealthy: number[] = [];
        for (let r = firstU; r >= 0 && unhealthy.length < maxScaledDown; r = nextU[r]) unhealthy.push(r);
        down += take(unhealthy, t);
        // Then as many as keep minAvailable available, the oldest ReplicaSet's first. Within a ReplicaSet the
        // controller ranks pods not yet available first, but when any may go here none is left: maxScaledDown
        // exceeded them by exactly this `more`, so the step above took them all, and rank order is the order.
        const availableNow = fresh.length - newUnavailable + leftCount - unhealthyCount;
        const more = Math.min(leftCount, availableNow - minAvailable);
        const healthy: number[] = [];
        for (; head < ranked.length && healthy.length < more; head++) if (!gone[head]) healthy.push(head);
        down += take(healthy, t);
      }
      if (!moved && down === 0) break;
    }
    if (leftCount === 0 && fresh.length === n) break;
    while (ripe < byAvailable.length && gone[rankOf[byAvailable[ripe]]]) ripe++;
    let next = waiting.size > 0 ? waiting.min() : Infinity;
    if (ripe < byAvailable.length && olds[byAvailable[ripe]].available < next) next = olds[byAvailable[ripe]].available;
    if (next === Infinity) {
      // New pods that never become ready (created during a control-plane outage that lasts to the end of the run):
      // the rollout waits for good, as a Deployment whose new pods never pass their probes does.
      if (fresh.some((p) => p.available === Infinity)) return { fresh, retired, vacated: vacated.slice(0, fresh.length) };
      throw new Error(`rolling update of ${ev.service} stalled at t=${t}`);
    }
    t = next;
  }
  if (vacated.length !== n) throw new Error(`internal error: a rollout of ${ev.service} left ${vacated.length} of ${n} places`);
  return { fresh, retired, vacated };
}

/** A binary min-heap of times. */
class MinHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  min(): number {
    return this.items[0];
  }
  push(x: number): void {
    const a = this.items;
    let i = a.push(x) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (a[up] <= x) break;
      a[i] = a[up];
      i = up;
    }
    a[i] = x;
  }
  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a.pop() as number;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= a.length) break;
        if (c + 1 < a.length && a[c + 1] < a[c]) c++;
        if (a[c] >= last) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
