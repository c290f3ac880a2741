/**
 * Versions of the services' ready endpoints, and which version each router
 * (proxy, or client library with no mesh) has been told about. A change
 * makes a new version sharing the unchanged services' lists with the old
 * one; a push moves a router to the newest version when it arrives. Until
 * then the router routes with what it knew: to pods that are gone, and
 * never to pods that are new.
 *
 * Only versions some router is at, or some push on its way carries, are
 * kept: a rollout of 10,000 pods makes ~20,000 versions between its
 * pushes, each with a copy of the service's list, and keeping them all
 * took ~800 MB where the few that were pushed take little.
 */
export class EndpointVersions {
  /** By version; null once nothing refers to it any more. */
  private readonly versions: (Int32Array[] | null)[] = [];
  /** Per version: routers at it, plus pushes' deliveries of it still on their way. */
  private refs = new Int32Array(16);
  readonly routerVersion: Int32Array;
  /** Told when a router learns of a newer version (a fail-fast queue may find an endpoint in it). */
  onConverge: (() => void) | null = null;

  constructor(initial: Int32Array[], routers: number) {
    this.versions.push(initial);
    this.routerVersion = new Int32Array(routers);
    this.refs[0] = routers;
  }

  get latest(): number {
    return this.versions.length - 1;
  }

  /** Versions still kept (for the memory test). */
  get retained(): number {
    let n = 0;
    for (const v of this.versions) if (v !== null) n++;
    return n;
  }

  /** The control plane's own (true) view of a service's ready endpoints. */
  truth(service: number): Int32Array {
    return (this.versions[this.versions.length - 1] as Int32Array[])[service];
  }

  view(router: number, service: number): Int32Array {
    return (this.versions[this.routerVersion[router]] as Int32Array[])[service];
  }

  /** Adds or removes one endpoint of a service; returns the new version. */
  change(service: number, replica: number, add: boolean): number {
    const previous = this.latest;
    const last = this.versions[previous] as Int32Array[];
    const old = last[service];
    let next: Int32Array;
    if (add) {
      if (old.includes(replica)) return previous;
      next = new Int32Array(old.length + 1);
      next.set(old);
      next[old.length] = replica;
    } else {
      if (!old.includes(replica)) return previous;
      next = old.filter((r) => r !== replica);
    }
    const copy = last.slice();
    copy[service] = next;
    this.versions.push(copy);
    if (this.latest >= this.refs.length) {
      const grown = new Int32Array(2 * this.refs.length);
      grown.set(this.refs);
      this.refs = grown;
    }
    // No longer the newest: kept only if a router is at it or a push carries it.
    this.release(previous, 0);
    return this.latest;
  }

  /** A push of `version` is on its way to `routers` routers: kept until each delivery is done. */
  sending(version: number, routers: number): void {
    this.refs[version] += routers;
  }

  /** A push's delivery of `version` reaches `router`. */
  converge(router: number, version: number): void {
    const at = this.routerVersion[router];
    if (version > at) {
      // The delivery's hold passes to the router, which leaves the version it was at.
      this.routerVersion[router] = version;
      this.release(at, 1);
      this.onConverge?.();
    } else {
      this.release(version, 1);
    }
  }

  private release(version: number, n: number): void {
    this.refs[version] -= n;
    if (this.refs[version] === 0 && version !== this.latest) this.versions[version] = null;
  }
}
