/**
 * The faults in force at each moment, as the timeline sets and clears them:
 * per replica (aborts, delays, CPU slowdown, connect failures), per proxy
 * (crashed) and between zones or services (partitions). The hop reads these
 * arrays on its hot path; the timeline writes them rarely.
 *
 * Windows of one kind may overlap on a pod (a service-wide abort and a
 * stronger one on one replica, say). The one that began last is in force;
 * when it ends, the one before it that still runs is again. A proxy is down
 * while any crash window on it runs.
 */
import type { Target, TimelineEvent } from '../topology/types.js';
import type { RuntimeModel } from './build.js';
import { compileSampler, type Sampler } from './sampler.js';

/** Replica ids a target names: one replica, or every pod the service will have. */
export function targetReplicas(model: RuntimeModel, t: Target | null): number[] {
  if (!t) return [];
  if (t.replica) {
    const svc = model.services.find((s) => s.name === t.replica?.service);
    return svc ? [svc.replicas[t.replica.ordinal]] : [];
  }
  const svc = model.services.find((s) => s.name === t.service);
  return svc ? svc.replicas : [];
}

/** The proxies serving the target's pods: their sidecars, or their nodes' proxies. */
export function targetProxies(model: RuntimeModel, t: Target | null): number[] {
  const out: number[] = [];
  for (const r of targetReplicas(model, t)) {
    const rep = model.replicas[r];
    const p = rep.sidecar >= 0 ? rep.sidecar : model.nodeProxy[rep.node];
    if (p >= 0 && !out.includes(p)) out.push(p);
  }
  return out;
}

/** What a timeline marker names: a pod, a service, a partition's sides, the root CA. */
export function describeEvent(ev: TimelineEvent): string {
  const t = 'target' in ev ? ev.target : null;
  if (t?.replica) return `${t.replica.service}-${t.replica.ordinal}`;
  if (t?.service) return t.service;
  if ('service' in ev) return ev.service;
  if (ev.kind === 'partition') return (ev.zones ?? ev.services ?? []).join(' | ');
  if (ev.kind === 'certificate-expiry' && ev.root) return 'root CA';
  return '';
}

interface Partition {
  /** The timeline entry that made it, so its end removes this one. */
  event: number;
  zones: [number, number] | null;
  services: [number, number] | null;
}

export class FaultState {
  readonly abortProbability: Float64Array;
  readonly abortStatus: Int32Array;
  readonly delayProbability: Float64Array;
  readonly delay: Array<Sampler | null>;
  /** Multiplies the replica's service times (1: no slowdown). */
  readonly slowdown: Float64Array;
  readonly connectFailure: Float64Array;
  /** Per proxy: crashed (refuses connections). */
  readonly proxyDown: Uint8Array;
  private readonly partitions: Partition[] = [];
  /** Timeline entries of the per-replica and per-proxy kinds now in force, in the order they began. */
  private readonly inForce: number[] = [];

  constructor(private readonly model: RuntimeModel) {
    const n = model.replicas.length;
    this.abortProbability = new Float64Array(n);
    this.abortStatus = new Int32Array(n);
    this.delayProbability = new Float64Array(n);
    this.delay = model.replicas.map(() => null);
    this.slowdown = new Float64Array(n).fill(1);
    this.connectFailure = new Float64Array(n);
    this.proxyDown = new Uint8Array(model.proxies.length);
  }

  /**
   * Whether a partition drops the packets of a network leg between nodes in
   * zones `za` and `zb`; for a leg that reaches `toReplica` (≥ 0), also one
   * between the caller's service `fromService` and the replica's.
   */
  cut(za: number, zb: number, fromService: number, toReplica: number): boolean {
    if (this.partitions.length === 0) return false;
    const sa = fromService, sb = toReplica >= 0 ? this.model.replicas[toReplica].service : -2;
    for (const p of this.partitions) {
      if (p.zones && ((p.zones[0] === za && p.zones[1] === zb) || (p.zones[0] === zb && p.zones[1] === za))) return true;
      if (p.services && sb >= 0 && ((p.services[0] === sa && p.services[1] === sb) || (p.services[0] === sb && p.services[1] === sa))) return true;
    }
    return false;
  }

  /**
   * Applies the start (or end) of timeline entry i when it is a fault this
   * state holds; false for the kinds the simulation handles itself.
   */
  apply(i: number, end: boolean): boolean {
    const ev = this.model.timeline[i];
    const m = this.model;
    switch (ev.kind) {
      case 'abort':
      case 'delay':
      case 'cpu-slowdown':
      case 'connect-failure':
      case 'proxy-crash': {
        if (end) {
          const k = this.inForce.indexOf(i);
          if (k >= 0) this.inForce.splice(k, 1);
        } else {
          this.inForce.push(i);
        }
        this.refresh(ev.kind, ev.target);
        return true;
      }
      case 'partition': {
        if (end) {
          const k = this.partitions.findIndex((p) => p.event === i);
          if (k >= 0) this.partitions.splice(k, 1);
          return true;
        }
        const zi = (z: string) => m.zones.indexOf(z);
        const si = (s: string) => m.services.findIndex((x) => x.name === s);
        this.partitions.push({
          event: i,
          zones: ev.zones ? [zi(ev.zones[0]), zi(ev.zones[1])] : null,
          services: ev.services ? [si(ev.services[0]), si(ev.services[1])] : null,
        });
        return true;
      }
      default:
        return false;
    }
  }

  /**
   * Recomputes a kind's values on the pods (or proxies) `target` names:
   * cleared, then set by each window of that kind in force there, in the
   * order they began, so the latest wins.
   */
  private refresh(kind: TimelineEvent['kind'], target: Target | null): void {
    const m = this.model;
    if (kind === 'proxy-crash') {
      const proxies = targetProxies(m, target);
      for (const p of proxies) this.proxyDown[p] = 0;
      for (const j of this.inForce) {
        const ev = m.timeline[j];
        if (ev.kind !== 'proxy-crash') continue;
        for (const p of targetProxies(m, ev.target)) if (proxies.includes(p)) this.proxyDown[p] = 1;
      }
      return;
    }
    const replicas = targetReplicas(m, target);
    for (const r of replicas) this.clear(kind, r);
    for (const j of this.inForce) {
      const ev = m.timeline[j];
      if (ev.kind !== kind || !('target' in ev)) continue;
      for (const r of targetReplicas(m, ev.target)) if (replicas.includes(r)) this.set(ev, r);
    }
  }

  private clear(kind: TimelineEvent['kind'], r: number): void {
    switch (kind) {
      case 'abort': this.abortProbability[r] = 0; this.abortStatus[r] = 0; return;
      case 'delay': this.delayProbability[r] = 0; this.delay[r] = null; return;
      case 'cpu-slowdown': this.slowdown[r] = 1; return;
      case 'connect-failure': this.connectFailure[r] = 0; return;
    }
  }

  private set(ev: TimelineEvent, r: number): void {
    switch (ev.kind) {
      case 'abort': this.abortProbability[r] = ev.probability; this.abortStatus[r] = ev.status; return;
      case 'delay': this.delayProbability[r] = ev.probability; this.delay[r] = compileSampler(ev.delay); return;
      case 'cpu-slowdown': this.slowdown[r] = ev.factor; return;
      case 'connect-failure': this.connectFailure[r] = ev.probability; return;
    }
  }
}
