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
  rootExpired = false;
  pushes = 0;

  constructor(
    private readonly engine: Engine,
    private readonly spec: ControlPlaneSpec,
    private readonly endpoints: EndpointVersions,
    /** Routers a push reaches. */
    private readonly routers: number[],
    holderCount: number,
    /** Proxies that exist at a time (pods come and go): a push's fan-out is to those. */
    private readonly liveProxies: (now: number) => number,
    private readonly certHolders: number[],
    private readonly rng: Rng,
    private readonly mark: (m: Marker) => void,
    /**
     * Holders from `proxyCount` on are workload identities a node proxy
     * keeps for its pods; their renewal jitter has its own stream, so
     * adding them leaves every push delay as it was.
     */
    private readonly identityRng: Rng = rng,
    private readonly proxyCount = Infinity,
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
    for (const p of certHolders) this.issue(p);
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
    const fanOut = this.spec.pushDelayPerProxy * this.liveProxies(this.engine.now);
    let last = 0;
    for (const r of this.routers) {
      const d = this.pushDelay(this.rng) + fanOut;
      if (d > last) last = d;
      this.engine.schedule(d, this.hConverge, r, version);
    }
    this.pushes++;
    this.mark({ at: this.engine.now, kind: 'push', subject: `version ${version}` });
    this.mark({ at: this.engine.now + last, kind: 'push-converged', subject: `version ${version}` });
  }

  setDown(down: boolean): void {
    this.down = down;
    if (!down && this.deferred) {
      this.deferred = false;
      this.token = (this.token + 1) | 0;
      this.engine.schedule(0, this.hPush, 0, this.token);
    }
  }

  // ---- certificates ---------------------------------------------------------

  private issue(proxy: number): void {
    const ttl = this.spec.certificateTtl;
    this.certExpiry[proxy] = this.engine.now + ttl;
    const rng = proxy >= this.proxyCount ? this.identityRng : this.rng;
    const renewIn = ttl * (this.spec.renewAt + this.spec.renewJitter * rng());
    this.scheduleRenew(proxy, renewIn);
  }

  private scheduleRenew(proxy: number, delay: number): void {
    this.renewToken[proxy] = (this.renewToken[proxy] + 1) | 0;
    this.engine.schedule(delay, this.hRenew, proxy, this.renewToken[proxy]);
  }

  private renew(proxy: number): void {
    if (this.down || this.engine.now < this.brokenUntil[proxy]) {
      this.scheduleRenew(proxy, this.spec.renewRetry);
      return;
    }
    this.issue(proxy);
  }

  /** A failed rotation: the certificates expire now and cannot be renewed until `until`. */
  expire(proxies: number[], until: number): void {
    for (const p of proxies) {
      this.certExpiry[p] = this.engine.now;
      // Overlapping failed rotations: renewal works again when the last of them ends.
      this.brokenUntil[p] = Math.max(this.brokenUntil[p], until);
      this.scheduleRenew(p, 0);
    }
  }

  /** A failed rotation's window is over: renew at once (unless the control plane is down, or another window still runs). */
  renewNow(proxies: number[]): void {
    for (const p of proxies) if (this.engine.now >= this.brokenUntil[p] && this.certExpiry[p] <= this.engine.now) this.scheduleRenew(p, 0);
  }

  certValid(proxy: number): boolean {
    return !this.rootExpired && this.engine.now < this.certExpiry[proxy];
  }
}
