import type { Engine } from '../engine/engine.js';
import type { Rng } from '../engine/rng.js';
import type { ControlPlane as ControlPlaneSpec } from '../topology/types.js';
import { compileSampler, type Sampler } from './sampler.js';
import type { EndpointVersions } from './endpoints.js';

/** A moment worth marking on the timeline chart. */
export interface Marker {
  at: number;
  kind: string;
  subject: string;
}

/**
 * The control plane (or, with no mesh, the clients' service discovery):
 * debounces endpoint changes, then pushes the newest version to every
 * router, each after its own convergence delay; freezes pushes and
 * certificate renewals while it is down; issues and renews workload
 * certificates.
 */
export class ControlPlaneRuntime {
  private down = false;
  private deferred = false;
  private firstPending = NaN;
  private token = 0;
  private readonly pushDelay: Sampler;
  private readonly hPush: number;
  private readonly hConverge: number;
  private readonly hRenew: number;
  /** Per proxy: when its certificate expires; renewals blocked until (per proxy) `brokenUntil`. */
  readonly certExpiry: Float64Array;
  private readonly brokenUntil: Float64Array;
  /** The one renewal chain per proxy that is live; others are stale. */
  private readonly renewToken: Int32Array;
  /**
   * Holders that come later (a rollout's or a scale-up's pods): when each is
   * due its first certificate, whether it has one, and its first renewal's
   * share of the lifetime, drawn up front in the order every holder draws,
   * so pods created later leave the random streams as they were.
   */
  private readonly dueAt: Float64Array;
  private readonly issued: Uint8Array;
  private readonly firstRenewAt: Float64Array;
  /** Per holder: when it stops existing (Infinity: never); its certificates after that are not counted. */
  private readonly until: Float64Array;
  /** Holders due their first certificate while the control plane was down: issued when it is back. */
  private awaitingFirst: number[] = [];
  rootExpired = false;
  pushes = 0;
  /**
   * What the control plane did inside the measurement window, for its share
   * of the invoice: pushes, proxies those pushes reached (each push counts
   * the proxies that exist when it goes), certificates issued or renewed.
   */
  private measuring = false;
  readonly measured = { pushes: 0, proxyPushes: 0, certificates: 0 };

  constructor(
    private readonly engine: Engine,
    private readonly spec: ControlPlaneSpec,
    private readonly endpoints: EndpointVersions,
    /** Routers a push reaches. */
    private readonly routers: number[],
    holderCount: number,
    /** Proxies that exist at a time (pods come and go): a push's fan-out is to those. */
    private readonly liveProxies: (now: number) => number,
    certHolders: number[],
    private readonly rng: Rng,
    private readonly mark: (m: Marker) => void,
    /**
     * Holders from `proxyCount` on are workload identities a node proxy
     * keeps for its pods; their renewal jitter has its own stream, so
     * adding them leaves every push delay as it was.
     */
    private readonly identityRng: Rng = rng,
    private readonly proxyCount = Infinity,
    /** When a holder comes to exist and asks for its first certificate (Infinity: never). */
    firstIssue: (holder: number) => number = () => 0,
    /**
     * When a holder stops existing (its pod is gone; Infinity: never). Its
     * renewal timer runs on, so the random streams stay as they were, but
     * what it renews after that is no certificate the control plane signs.
     */
    holderUntil: (holder: number) => number = () => Infinity,
  ) {
    this.pushDelay = compileSampler(spec.pushDelay);
    this.hPush = engine.register((_, tok) => this.onPush(tok));
    this.hConverge = engine.register((router, version) => endpoints.converge(router, version));
    this.hRenew = engine.register((proxy, tok) => {
      if (tok === this.renewToken[proxy]) this.renew(proxy);
    });
    this.certExpiry = new Float64Array(holderCount).fill(Infinity);
    this.brokenUntil = new Float64Array(holderCount).fill(-Infinity);
    this.renewToken = new Int32Array(holderCount);
    this.dueAt = new Float64Array(holderCount);
    this.issued = new Uint8Array(holderCount);
    this.firstRenewAt = new Float64Array(holderCount);
    this.until = new Float64Array(holderCount).fill(Infinity);
    for (const p of certHolders) this.until[p] = holderUntil(p);
    for (const p of certHolders) {
      const at = firstIssue(p);
      if (at <= 0) {
        this.issue(p);
        continue;
      }
      // No certificate until the pod exists and the CA has signed one: its handshakes fail until then.
      this.certExpiry[p] = -Infinity;
      this.dueAt[p] = at;
      this.firstRenewAt[p] = this.renewShare(p);
      if (Number.isFinite(at)) {
        this.renewToken[p] = (this.renewToken[p] + 1) | 0;
        engine.scheduleAt(at, this.hRenew, p, this.renewToken[p]);
      }
    }
  }

  /** A service's endpoints changed: push after the debounce. */
  noteChange(): void {
    const now = this.engine.now;
    if (Number.isNaN(this.firstPending)) this.firstPending = now;
    const at = Math.min(now + this.spec.debounce, this.firstPending + this.spec.debounceMax);
    this.token = (this.token + 1) | 0;
    this.engine.scheduleAt(at, this.hPush, 0, this.token);
  }

  private onPush(tok: number): void {
    if (tok !== this.token) return;
    if (this.down) {
      this.deferred = true;
      return;
    }
    this.firstPending = NaN;
    const version = this.endpoints.latest;
    const live = this.liveProxies(this.engine.now);
    const fanOut = this.spec.pushDelayPerProxy * live;
    let last = 0;
    this.endpoints.sending(version, this.routers.length);
    for (const r of this.routers) {
      const d = this.pushDelay(this.rng) + fanOut;
      if (d > last) last = d;
      this.engine.schedule(d, this.hConverge, r, version);
    }
    this.pushes++;
    if (this.measuring) {
      this.measured.pushes++;
      this.measured.proxyPushes += live;
    }
    this.mark({ at: this.engine.now, kind: 'push', subject: `version ${version}` });
    this.mark({ at: this.engine.now + last, kind: 'push-converged', subject: `version ${version}` });
  }

  /** The measurement window opens (the warm-up is over) or closes (the load is over). */
  measure(on: boolean): void {
    this.measuring = on;
  }

  setDown(down: boolean): void {
    this.down = down;
    if (!down) {
      // A pod's agent asks for its first certificate until it gets one: at once when the CA is back.
      const waiting = this.awaitingFirst;
      this.awaitingFirst = [];
      for (const p of waiting) {
        if (this.issued[p]) continue;
        if (this.engine.now >= this.brokenUntil[p]) this.issue(p);
        else this.scheduleRenew(p, this.spec.renewRetry);
      }
    }
    if (!down && this.deferred) {
      this.deferred = false;
      this.token = (this.token + 1) | 0;
      this.engine.schedule(0, this.hPush, 0, this.token);
    }
  }

  // ---- certificates ---------------------------------------------------------

  private issue(proxy: number): void {
    const ttl = this.spec.certificateTtl;
    if (this.measuring && this.engine.now < this.until[proxy]) this.measured.certificates++;
    this.certExpiry[proxy] = this.engine.now + ttl;
    const share = this.issued[proxy] || this.dueAt[proxy] <= 0 ? this.renewShare(proxy) : this.firstRenewAt[proxy];
    this.issued[proxy] = 1;
    this.scheduleRenew(proxy, ttl * share);
  }

  /** When in its lifetime a certificate is renewed: `renewAt` plus jitter. */
  private renewShare(proxy: number): number {
    const rng = proxy >= this.proxyCount ? this.identityRng : this.rng;
    return this.spec.renewAt + this.spec.renewJitter * rng();
  }

  private scheduleRenew(proxy: number, delay: number): void {
    this.renewToken[proxy] = (this.renewToken[proxy] + 1) | 0;
    this.engine.schedule(delay, this.hRenew, proxy, this.renewToken[proxy]);
  }

  private renew(proxy: number): void {
    if (this.down && !this.issued[proxy]) {
      this.awaitingFirst.push(proxy);
      return;
    }
    if (this.down || this.engine.now < this.brokenUntil[proxy]) {
      this.scheduleRenew(proxy, this.spec.renewRetry);
      return;
    }
    this.issue(proxy);
  }

  /** A failed rotation: the certificates expire now and cannot be renewed until `until`. */
  expire(proxies: number[], until: number): void {
    for (const p of proxies) {
      // A pod not yet created has nothing to expire; its first certificate waits for the window's end.
      if (!this.issued[p]) {
        this.brokenUntil[p] = Math.max(this.brokenUntil[p], until);
        continue;
      }
      this.certExpiry[p] = this.engine.now;
      // Overlapping failed rotations: renewal works again when the last of them ends.
      this.brokenUntil[p] = Math.max(this.brokenUntil[p], until);
      this.scheduleRenew(p, 0);
    }
  }

  /** A failed rotation's window is over: renew at once (unless the control plane is down, or another window still runs). */
  renewNow(proxies: number[]): void {
    const now = this.engine.now;
    for (const p of proxies) {
      const due = this.issued[p] ? this.certExpiry[p] <= now : this.dueAt[p] <= now;
      if (now >= this.brokenUntil[p] && due && !this.awaitingFirst.includes(p)) this.scheduleRenew(p, 0);
    }
  }

  certValid(proxy: number): boolean {
    return !this.rootExpired && this.engine.now < this.certExpiry[proxy];
  }
}
