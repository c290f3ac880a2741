/**
 * Versions of the services' ready endpoints, and which version each router
 * (proxy, or client library with no mesh) has been told about. A change
 * makes a new version sharing the unchanged services' lists with the old
 * one; a push moves a router to the newest version when it arrives. Until
 * then the router routes with what it knew: to pods that are gone, and
 * never to pods that are new.
 */
export class EndpointVersions {
  private readonly versions: Int32Array[][] = [];
  readonly routerVersion: Int32Array;
  /** Told when a router learns of a newer version (a fail-fast queue may find an endpoint in it). */
  onConverge: (() => void) | null = null;

  constructor(initial: Int32Array[], routers: number) {
    this.versions.push(initial);
    this.routerVersion = new Int32Array(routers);
  }

  get latest(): number {
    return this.versions.length - 1;
  }

  /** The control plane's own (true) view of a service's ready endpoints. */
  truth(service: number): Int32Array {
    return this.versions[this.versions.length - 1][service];
  }

  view(router: number, service: number): Int32Array {
    return this.versions[this.routerVersion[router]][service];
  }

  /** Adds or removes one endpoint of a service; returns the new version. */
  change(service: number, replica: number, add: boolean): number {
    const last = this.versions[this.versions.length - 1];
    const old = last[service];
    let next: Int32Array;
    if (add) {
      if (old.includes(replica)) return this.latest;
      next = new Int32Array(old.length + 1);
      next.set(old);
      next[old.length] = replica;
    } else {
      if (!old.includes(replica)) return this.latest;
      next = old.filter((r) => r !== replica);
    }
    const copy = last.slice();
    copy[service] = next;
    this.versions.push(copy);
    return this.latest;
  }

  converge(router: number, version: number): void {
    if (version > this.routerVersion[router]) {
      this.routerVersion[router] = version;
      this.onConverge?.();
    }
  }

  /** Sets every router to the newest version at once (the state at time zero). */
  convergeAll(): void {
    this.routerVersion.fill(this.latest);
  }
}
