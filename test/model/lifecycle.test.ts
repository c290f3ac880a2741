// A rollout's plan, worked out before the run, against a Deployment
// controller's rolling update done by hand: new pods scaled up as far as
// maxSurge lets, old ones down as far as maxUnavailable lets (new pods not
// yet available counting against it), again whenever a new pod becomes
// available.
import { describe, expect, it } from 'vitest';
import { LC_ADD, LC_EXIT, LC_REMOVE, LC_STOP, LC_UP, planLifecycle, rollingUpdate, type Old, type Retired, type Rollout } from '../../sim/model/lifecycle.js';
import { loadTopologySource, topologyOrThrow } from '../../sim/topology/load.js';

/** A service `api` of `replicas` pods rolled out at 10 s: startup 2 s, minReadySeconds 1 s (a step of 3 s), preStop 4 s. */
function plan(replicas: number, limits = '') {
  const source = `name: t
services:
  api: {serviceTime: 1ms, replicas: ${replicas}}
entrypoints:
  web: {target: api, rate: 10/s}
timeline:
  - {at: 10s, rollout: {service: api, startup: 2s, minReadySeconds: 1s, preStop: 4s${limits}}}
`;
  const p = planLifecycle(topologyOrThrow(loadTopologySource(source, 't.yaml')));
  const times = (kind: number) => p.actions.filter((a) => a.kind === kind).map((a) => `${a.slot}@${a.at}`);
  return { plan: p, up: times(LC_UP), add: times(LC_ADD), remove: times(LC_REMOVE), stop: times(LC_STOP) };
}

/** The plan for a service `api` of 2 pods under the timeline's entries. */
function twoPods(timeline: string[]) {
  const source = `name: t\nservices:\n  api: {serviceTime: 1ms, replicas: 2}\nentrypoints:\n  web: {target: api, rate: 10/s}\ntimeline:\n${timeline.map((e) => `  - ${e}\n`).join('')}`;
  return planLifecycle(topologyOrThrow(loadTopologySource(source, 't.yaml')));
}

describe('a rollout', () => {
  it('with maxSurge 1 and maxUnavailable 0 replaces one pod a step', () => {
    const r = plan(4, ', maxSurge: 1, maxUnavailable: 0');
    expect(r.up).toEqual(['4@12', '5@15', '6@18', '7@21']);
    expect(r.add).toEqual(r.up);
    expect(r.remove).toEqual(['0@13', '1@16', '2@19', '3@22']);
    expect(r.stop).toEqual(['0@17', '1@20', '2@23', '3@26']);
  });

  it("by default (25 % and 25 %, a Deployment's) replaces 4 pods two a step, one old pod going at once", () => {
    // 4 replicas: surge ⌈1⌉ = 1, unavailable ⌊1⌋ = 1. At 10 s one new pod starts and one old goes (3 available of 4
    // allowed), which leaves room for a second new pod; at 13 s both are available, two old go and two new start.
    const r = plan(4);
    expect(r.up).toEqual(['4@12', '5@12', '6@15', '7@15']);
    expect(r.remove).toEqual(['0@10', '1@13', '2@13', '3@16']);
  });

  it('by default replaces 10 pods in three steps: surge 3, unavailable 2', () => {
    const r = plan(10);
    expect(r.up).toEqual(['10@12', '11@12', '12@12', '13@12', '14@12', '15@15', '16@15', '17@15', '18@15', '19@15']);
    expect(r.remove).toEqual(['0@10', '1@10', '2@13', '3@13', '4@13', '5@13', '6@13', '7@16', '8@16', '9@16']);
  });

  it('never runs above the replicas with maxSurge 0: each old pod goes before its replacement starts', () => {
    const r = plan(3, ', maxSurge: 0, maxUnavailable: 1');
    expect(r.remove).toEqual(['0@10', '1@13', '2@16']);
    expect(r.up).toEqual(['3@12', '4@15', '5@18']);
  });

  it('rounds both limits to 0 as Kubernetes does: one pod may be unavailable', () => {
    // maxUnavailable 10 % of 3 pods rounds down to 0; with no surge the rollout could not move.
    expect(plan(3, ', maxSurge: 0, maxUnavailable: "10%"').remove).toEqual(['0@10', '1@13', '2@16']);
  });

  it('with maxSurge 100% starts every new pod at once and retires the old ones together', () => {
    const r = plan(3, ', maxSurge: 100%, maxUnavailable: 0');
    expect(r.up).toEqual(['3@12', '4@12', '5@12']);
    expect(r.remove).toEqual(['0@13', '1@13', '2@13']);
  });

  it("puts each new pod in the place of the old one it replaces, once both have happened", () => {
    const { plan: p } = plan(4);
    // Place 0: its old pod went at 10 s and the first new pod started then.
    expect([9.9, 10, 13].map((t) => p.slotAt(0, 0, t))).toEqual([0, 4, 4]);
    // Place 3: the old pod went at 16 s; its replacement started at 13 s.
    expect([15.9, 16].map((t) => p.slotAt(0, 3, t))).toEqual([3, 7]);
  });

  it('overtaken by a second rollout, never runs below maxUnavailable: the first one stops where it is', () => {
    const p = twoPods([
      '{at: 10s, rollout: {service: api, startup: 1s, maxSurge: 0, maxUnavailable: 1}}',
      '{at: 11s, rollout: {service: api, startup: 1s, maxSurge: 0, maxUnavailable: 1}}',
    ]);
    const listed = new Set([0, 1]);
    let fewest = 2;
    for (const a of p.actions) {
      if (a.kind === LC_ADD) listed.add(a.slot);
      if (a.kind === LC_REMOVE) listed.delete(a.slot);
      if (a.kind === LC_REMOVE) fewest = Math.min(fewest, listed.size);
    }
    expect(fewest).toBe(1);
  });

  it('retires old pods still starting (a scale-up) before ready ones, as cleanupUnhealthyReplicas does', () => {
    const p = twoPods(['{at: 0s, scale: {service: api, replicas: 4, startup: 10s}}', '{at: 1s, rollout: {service: api, startup: 10s}}']);
    expect(p.actions.filter((a) => a.kind === LC_REMOVE && a.at === 1).map((a) => a.slot)).toEqual([2]);
  });
});

describe('a rollout during a control-plane outage that lasts to the end of the run', () => {
  /** istio-sidecar: api's 3 pods rolled out at 30 s; istiod down from 29 s, with no `until`. */
  const plan = (limits = '') => planLifecycle(topologyOrThrow(loadTopologySource(`name: t
mesh: istio-sidecar
services:
  api: {serviceTime: 1ms, replicas: 3}
entrypoints:
  web: {target: api, rate: 10/s}
timeline:
  - {at: 29s, controlPlaneOutage: {}}
  - {at: 30s, rollout: {service: api, startup: 4s, preStop: 0s${limits}}}
`, 't.yaml')));

  it('waits for good with maxUnavailable 0: the old pods stay, the new one is never listed (before: an internal error, "stalled")', () => {
    const p = plan();
    expect(p.actions.filter((a) => a.kind === LC_REMOVE)).toEqual([]);
    expect(p.actions.filter((a) => a.kind === LC_ADD).map((a) => a.at)).toEqual([Infinity]);
    // Every place keeps its old pod.
    expect([0, 1, 2].map((k) => p.slotAt(0, k, 100))).toEqual([0, 1, 2]);
  });

  it('with maxUnavailable 1 retires one old pod at once and waits there', () => {
    const p = plan(', maxUnavailable: 1');
    expect(p.actions.filter((a) => a.kind === LC_REMOVE).map((a) => `${a.slot}@${a.at}`)).toEqual(['0@30']);
    expect(p.slotAt(0, 0, 100)).toBe(3);
    expect([1, 2].map((k) => p.slotAt(0, k, 100))).toEqual([1, 2]);
  });
});

describe("a terminating pod's sidecar", () => {
  /** One pod of `api` scaled away at 10 s with a preStop, under `mesh`. */
  const retired = (mesh: string, preStop: string) => {
    const source = `name: t\nmesh: ${mesh}\nservices:\n  api: {serviceTime: 1ms, replicas: 2}\nentrypoints:\n  web: {target: api, rate: 10/s}\ntimeline:\n  - {at: 10s, scale: {service: api, replicas: 1, preStop: ${preStop}}}\n`;
    const p = planLifecycle(topologyOrThrow(loadTopologySource(source, 't.yaml')));
    return p.actions.filter((a) => a.kind !== LC_REMOVE).map((a) => `${a.kind === LC_STOP ? 'stop' : a.kind === LC_EXIT ? 'exit' : a.kind}@${a.at}`);
  };

  it("drains for Istio's 5 s whatever the app's preStop: the app exits first, or the pod stops first", () => {
    expect(retired('istio-sidecar', '0s')).toEqual(['exit@10', 'stop@15']);
    expect(retired('istio-sidecar', '15s')).toEqual(['stop@15', 'exit@25']);
    expect(retired('istio-sidecar', '5s')).toEqual(['stop@15']);
  });

  it("stops at once under Linkerd, and with its app where there is no sidecar", () => {
    expect(retired('linkerd', '15s')).toEqual(['stop@10', 'exit@25']);
    expect(retired('istio-ambient', '15s')).toEqual(['stop@25']);
    expect(retired('none', '15s')).toEqual(['stop@25']);
  });
});

/**
 * The plain rolling update the plan used before it kept its old pods ranked
 * (it sorted them at every step, pods² for a pod-a-step rollout): the
 * reference the kept ranking must match, pod for pod and moment for moment.
 */
function plainRollingUpdate(
  ev: Rollout,
  n: number,
  olds: Old[],
  create: (at: number) => { slot: number; created: number; available: number },
  retire: (slot: number, at: number, stopAt: number) => Retired,
) {
  const podsOf = (b: { value: number; percent: boolean }, round: (x: number) => number) => (b.percent ? round((n * b.value) / 100) : b.value);
  const surge = podsOf(ev.maxSurge, Math.ceil);
  const unavailable = surge === 0 ? Math.max(1, podsOf(ev.maxUnavailable, Math.floor)) : podsOf(ev.maxUnavailable, Math.floor);
  const minAvailable = n - Math.min(n, unavailable);
  const fresh: Array<{ slot: number; created: number; available: number }> = [];
  const retired: Retired[] = [];
  const vacated: Array<{ position: number; at: number }> = [];
  let left = [...olds];
  const place = (o: Old) => (o.position < 0 ? Infinity : o.position);
  const take = (os: Old[], t: number): number => {
    for (const o of os) {
      retired.push(retire(o.slot, t, t + ev.preStop));
      if (o.position >= 0) vacated.push({ position: o.position, at: t });
      left = left.filter((x) => x !== o);
    }
    return os.length;
  };
  let t = ev.at;
  for (;;) {
    for (;;) {
      let up = Math.min(n - fresh.length, n + surge - (left.length + fresh.length));
      const moved = up > 0;
      for (; up > 0; up--) fresh.push(create(t));
      let newUnavailable = 0;
      for (const p of fresh) if (p.available > t) newUnavailable++;
      const maxScaledDown = left.length + fresh.length - minAvailable - newUnavailable;
      let down = 0;
      if (maxScaledDown > 0) {
        const unhealthy = left.filter((o) => o.available > t).sort((a, b) => a.generation - b.generation || place(a) - place(b));
        down += take(unhealthy.slice(0, maxScaledDown), t);
        let availableNow = fresh.length - newUnavailable;
        for (const o of left) if (o.available <= t) availableNow++;
        const more = Math.min(left.length, availableNow - minAvailable);
        const ranked = [...left].sort((a, b) => a.generation - b.generation || Number(b.available > t) - Number(a.available > t) || place(a) - place(b));
        down += take(ranked.slice(0, Math.max(0, more)), t);
      }
      if (!moved && down === 0) break;
    }
    if (left.length === 0 && fresh.length === n) break;
    let next = Infinity;
    for (const p of fresh) if (p.available > t && p.available < next) next = p.available;
    for (const o of left) if (o.available > t && o.available < next) next = o.available;
    if (next === Infinity) {
      if (fresh.some((p) => p.available === Infinity)) return { fresh, retired, vacated: vacated.slice(0, fresh.length) };
      throw new Error(`rolling update of ${ev.service} stalled at t=${t}`);
    }
    t = next;
  }
  if (vacated.length !== n) throw new Error(`internal error: a rollout of ${ev.service} left ${vacated.length} of ${n} places`);
  return { fresh, retired, vacated };
}

describe('a rolling update with its old pods kept ranked', () => {
  it('retires and creates the same pods at the same moments as sorting them at every step', () => {
    // Seeded (mulberry32), so a failure reproduces.
    let seed = 12345;
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    const budgets = [{ value: 0, percent: false }, { value: 1, percent: false }, { value: 2, percent: false }, { value: 25, percent: true }, { value: 50, percent: true }, { value: 100, percent: true }];
    let compared = 0;
    for (let c = 0; c < 3000; c++) {
      const n = 1 + Math.floor(rand() * 12);
      const at = 10;
      // Old pods of a few ReplicaSets, one in each place and some above the replicas (no place, an overtaken
      // rollout's surge), some not yet available (an overtaken rollout's new pods), in no particular order.
      const count = n + Math.floor(rand() * 4);
      const positions = Array.from({ length: count }, (_, k) => (k < n ? k : -1));
      for (let k = count - 1; k > 0; k--) {
        const j = Math.floor(rand() * (k + 1));
        [positions[k], positions[j]] = [positions[j], positions[k]];
      }
      const olds: Old[] = positions.map((position, i) => ({
        slot: i,
        generation: Math.floor(rand() * 3),
        position,
        available: pick([0, 5, 10, 10, 11, 12.5, 14, 20, Infinity]),
      }));
      const ev: Rollout = { kind: 'rollout', at, service: 'api', startup: pick([0, 1, 2]), minReadySeconds: pick([0, 1]), preStop: 3, maxSurge: pick(budgets), maxUnavailable: pick(budgets) };
      const delays = Array.from({ length: 8 }, () => pick([0, 1, 2, 3.5, rand() < 0.1 ? Infinity : 2]));
      const run = (update: typeof rollingUpdate) => {
        let slot = 100;
        const log: string[] = [];
        const create = (t: number) => {
          const s = slot++;
          log.push(`create ${s}@${t}`);
          return { slot: s, created: t, available: t + ev.startup + delays[s % delays.length] + ev.minReadySeconds };
        };
        const retire = (s: number, t: number, stopAt: number): Retired => {
          log.push(`retire ${s}@${t}/${stopAt}`);
          const action = { at: t, kind: LC_REMOVE, slot: s, service: 0 } as const;
          return { slot: s, at: t, dropped: [], droppedMoves: [], remove: action, stop: action, exit: null, before: Infinity };
        };
        try {
          const made = update(ev, n, olds.map((o) => ({ ...o })), create, retire);
          return { log, fresh: made.fresh, vacated: made.vacated, retired: made.retired.map((r) => `${r.slot}@${r.at}`) };
        } catch (e) {
          return { log, error: String(e) };
        }
      };
      const plain = run(plainRollingUpdate);
      expect(run(rollingUpdate), `case ${c}`).toEqual(plain);
      if (!('error' in plain)) compared++;
    }
    // Most cases finish rather than stall, so the comparison is of rollouts that run.
    expect(compared).toBeGreaterThan(2000);
  });
});
