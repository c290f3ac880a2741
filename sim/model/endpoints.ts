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
 *
 * Nor is the newest version's list of a changed service built at each
 * change: building it (a copy of the list, and a scan for the endpoint)
 * made a rollout cost pods² (31 % of a 10,000-pod rollout's time). The
 * newest lists are kept as ordered sets, and a list is built from its set
 * only when something reads or pushes that version: the same endpoints in
 * the same order as building it at each change gave (added ones at the
 * end, a removed one leaving the others in order).
 */
export class EndpointVersions {
  /** By version; null once nothing refers to it any more. */
  private readonly versions: (Int32Array[] | null)[] = [];
  /** Per version: routers at it, plus pushes' deliveries of it still on their way. */
  private refs = new Int32Array(16);
  /** Per service: the newest version's endpoints, in list order (a Set iterates in insertion order). */
  private readonly members: Set<number>[];
  /** Per service: whether the newest version's list is out of date with `members` (built on reading). */
  private readonly stale: Uint8Array;
  private anyStale = false;
  readonly routerVersion: Int32Array;
  /** Told when a router learns of a newer version (a fail-fast queue may find an endpoint in it). */
  onConverge: (() => void) | null = null;

  constructor(initial: Int32Array[], routers: number) {
    // Its own array: the newest version's lists are replaced in it as they are built.
    this.versions.push(initial.slice());
    this.members = initial.map((list) => new Set(list));
    this.stale = new Uint8Array(initial.length);
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
    if (this.anyStale) this.build();
    return (this.versions[this.versions.length - 1] as Int32Array[])[service];
  }

  /** Whether the control plane (truly) lists `replica` for `service`: `truth(service).includes(replica)` without building the list. */
  lists(service: number, replica: number): boolean {
    return this.members[service].has(replica);
  }

  /** How many endpoints the control plane (truly) lists for `service`. */
  count(service: number): number {
    return this.members[service].size;
  }

  // Never out of date (so no check on the request path): a router is only ever at a version a push carried,
  // built when it was sent, and a change after it makes a newer one.
  view(router: number, service: number): Int32Array {
    return (this.versions[this.routerVersion[router]] as Int32Array[])[service];
  }

  /** Adds or removes one endpoint of a service; returns the new version. */
  change(service: number, replica: number, add: boolean): number {
    const previous = this.latest;
    const set = this.members[service];
    if (set.has(replica) === add) return previous;
    // The previous version stays only if a router is at it or a push carries it: then it needs its own lists,
    // built now, and the new one a copy of them; else the new version takes them over.
    let lists = this.versions[previous] as Int32Array[];
    if (this.refs[previous] > 0) {
      if (this.anyStale) this.build();
      lists = lists.slice();
    }
    if (add) set.add(replica);
    else set.delete(replica);
    this.stale[service] = 1;
    this.anyStale = true;
    this.versions.push(lists);
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
    if (this.anyStale && version === this.latest) this.build();
    this.refs[version] += routers;
  }

  /** Builds the newest version's out-of-date lists from their sets. */
  private build(): void {
    const lists = this.versions[this.latest] as Int32Array[];
    for (let s = 0; s < this.stale.length; s++) {
      if (this.stale[s] === 0) continue;
      lists[s] = Int32Array.from(this.members[s]);
      this.stale[s] = 0;
    }
    this.anyStale = false;
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
