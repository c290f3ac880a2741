/**
 * mTLS connection pools between pairs of proxies. A request needs a stream
 * on a connection from its client-side proxy to the next proxy; a
 * connection carries `streams` requests at once. With none free a new
 * connection is opened and pays a handshake (or a cheaper resumption when
 * the pair has talked before); connections idle for `idleTimeout` close.
 * An idle connection is noticed as closed when its pair next looks for one
 * (or the measurement ends), and its close dated back to when it timed out,
 * so the time average of open connections needs no event per idle spell.
 * Pools are looked up by a numeric pair key and scanned in creation order,
 * so nothing depends on Map iteration order.
 *
 * A pool belongs to a pair of identities, the certificates the two ends
 * present: for a sidecar or a gateway its own, so one pool per pair of
 * proxies; for a node proxy the pod's it carries, so a ztunnel keeps a pool
 * per (source pod, destination pod) as its HBONE pool does (keyed by
 * source and destination workload), and one pod's traffic never rides a
 * connection authenticated as another's.
 */
export class Connection {
  active = 0;
  lastUsed = 0;
  ready = false;
  /** Closed (idle, a proxy's or pod's end, or reset by TCP): a stream still holding it is on a dead connection. */
  closed = false;
  /**
   * Streams a partition holds on it, and when its TCP retransmission episode
   * began: the timer is the connection's, so every stream on it is resent
   * on one schedule and reset together.
   */
  stalled = 0;
  lostSince = 0;
  /** Frames (index, generation) waiting for this connection's handshake. */
  readonly waiters: number[] = [];
  constructor(readonly from: number, readonly to: number, readonly key = -1) {}
}

/** Out of line, as simulation.ts's modelBug: the model never gets here. */
function streamReleasedTwice(key: number): never {
  throw new Error(`stream released twice on a connection of pool ${key}`);
}

export class ConnectionPools {
  private readonly pools = new Map<number, Connection[]>();
  private readonly talked = new Set<number>();
  /**
   * Per proxy, and per identity: the pool keys it is an end of (a node
   * proxy's pools are several a pair of proxies, one per pair of
   * identities). A pod's stop drops its pools; finding them by sorting and
   * scanning every key made a rollout of N pods cost N × pools (29 % of a
   * 10,000-pod rollout's time).
   */
  private readonly keysOfProxy = new Map<number, number[]>();
  private readonly keysOfIdentity = new Map<number, number[]>();
  /** Open connections per proxy (both ends count), for the memory model. */
  readonly open: Int32Array;

  constructor(
    proxyCount: number,
    /** Identities there are: proxies and pods (see Simulation.identity); pool keys are pairs of them. */
    private readonly identityCount: number,
    private readonly streams: number,
    private readonly idleTimeout: number,
    private readonly resumption: boolean,
    /** `since`: when the change took effect, at or before `now` (a lapsed idle timeout). */
    private readonly onOpenChange: (proxy: number, now: number, delta: number, since: number) => void,
  ) {
    this.open = new Int32Array(proxyCount);
  }

  /**
   * A stream from `from` to `to` at `now`: an existing connection with room
   * (possibly still handshaking), or null when a new one must be opened.
   */
  acquire(from: number, to: number, fromId: number, toId: number, now: number): Connection | null {
    const key = fromId * this.identityCount + toId;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = [];
      this.pools.set(key, pool);
      index(this.keysOfProxy, from, key);
      if (to !== from) index(this.keysOfProxy, to, key);
      index(this.keysOfIdentity, fromId, key);
      if (toId !== fromId) index(this.keysOfIdentity, toId, key);
    }
    for (let i = 0; i < pool.length; i++) {
      const c = pool[i];
      if (c.ready && c.active === 0 && now - c.lastUsed >= this.idleTimeout) {
        pool.splice(i--, 1);
        this.close(c, now);
        continue;
      }
      if (c.active < this.streams) {
        c.active++;
        return c;
      }
    }
    return null;
  }

  /** Opens a connection carrying one stream; returns it and whether it may resume a session. */
  openNew(from: number, to: number, fromId: number, toId: number, now: number): { conn: Connection; resumed: boolean } {
    const key = fromId * this.identityCount + toId;
    const conn = new Connection(from, to, key);
    conn.active = 1;
    conn.lastUsed = now;
    (this.pools.get(key) as Connection[]).push(conn);
    const resumed = this.resumption && this.talked.has(key);
    this.talked.add(key);
    this.open[from]++;
    this.open[to]++;
    this.onOpenChange(from, now, 1, now);
    this.onOpenChange(to, now, 1, now);
    return { conn, resumed };
  }

  release(conn: Connection, now: number): void {
    // A stream is given back once: by its try's reset when a timeout abandons
    // it, else when its answer comes back. Twice would let the connection
    // carry more than `streams` at once.
    if (conn.active <= 0) streamReleasedTwice(conn.key);
    conn.active--;
    conn.lastUsed = now;
  }

  /** Closes every connection idle past its timeout at `now` (in pair order), dated back to when it timed out. */
  expireIdle(now: number): void {
    const keys = [...this.pools.keys()].sort((a, b) => a - b);
    for (const key of keys) {
      const pool = this.pools.get(key) as Connection[];
      for (let i = 0; i < pool.length; i++) {
        const c = pool[i];
        if (c.ready && c.active === 0 && now - c.lastUsed >= this.idleTimeout) {
          pool.splice(i--, 1);
          this.close(c, now);
        }
      }
    }
  }

  /**
   * A proxy's process died: every connection to or from it is gone, and
   * with it its TLS session cache, so the next stream either way opens a new
   * connection with a full handshake. In pair order, for determinism.
   */
  dropProxy(p: number, now: number): void {
    // The keys with p at either end, in key order: those a scan of every key in order would find.
    for (const key of sorted(this.keysOfProxy.get(p))) {
      for (const c of this.pools.get(key) as Connection[]) this.close(c, now);
      this.pools.set(key, []);
      this.talked.delete(key);
    }
  }

  /** A pod stopped: every pool presenting its identity (a node proxy's per-pod pools) is gone. In key order, for determinism. */
  dropIdentity(id: number, now: number): void {
    for (const key of sorted(this.keysOfIdentity.get(id))) {
      for (const c of this.pools.get(key) as Connection[]) this.close(c, now);
      this.pools.set(key, []);
      this.talked.delete(key);
    }
  }

  /** TCP gave up on the connection and reset it: out of its pool, so the next stream opens a new one. */
  reset(conn: Connection, now: number): void {
    if (conn.closed) return;
    const pool = this.pools.get(conn.key);
    const i = pool ? pool.indexOf(conn) : -1;
    if (i < 0) return;
    (pool as Connection[]).splice(i, 1);
    conn.lastUsed = now; // it was in use until now: its close is not dated back to an idle timeout
    this.close(conn, now);
  }

  private close(conn: Connection, now: number): void {
    conn.closed = true;
    const since = Math.min(now, conn.lastUsed + this.idleTimeout);
    this.open[conn.from]--;
    this.open[conn.to]--;
    this.onOpenChange(conn.from, now, -1, since);
    this.onOpenChange(conn.to, now, -1, since);
  }
}

function index(by: Map<number, number[]>, end: number, key: number): void {
  const keys = by.get(end);
  if (keys) keys.push(key);
  else by.set(end, [key]);
}

function sorted(keys: number[] | undefined): number[] {
  return keys === undefined ? [] : keys.slice().sort((a, b) => a - b);
}
