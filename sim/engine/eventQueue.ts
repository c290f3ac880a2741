/**
 * A binary min-heap of events over parallel typed arrays, ordered by
 * (time, insertion sequence) so that events at the same instant run in the
 * order they were scheduled: ties never depend on heap layout.
 *
 * An event is four numbers: when, a handler id and two integer arguments
 * (typically a pooled-record index and a generation). Nothing is allocated
 * per event; the arrays double when full.
 */
export class EventQueue {
  private time: Float64Array;
  private seq: Float64Array;
  private handler: Int32Array;
  private argA: Int32Array;
  private argB: Int32Array;
  private n = 0;
  private nextSeq = 0;

  /** Fields of the event most recently popped. */
  poppedTime = 0;
  poppedHandler = 0;
  poppedA = 0;
  poppedB = 0;

  constructor(initialCapacity = 1024) {
    this.time = new Float64Array(initialCapacity);
    this.seq = new Float64Array(initialCapacity);
    this.handler = new Int32Array(initialCapacity);
    this.argA = new Int32Array(initialCapacity);
    this.argB = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.n;
  }

  /** Scheduled so far; also the count of events ever pushed. */
  get pushed(): number {
    return this.nextSeq;
  }

  push(time: number, handler: number, a: number, b: number): void {
    if (this.n === this.time.length) this.grow();
    const s = this.nextSeq++;
    // Sift up: move parents down until the slot for the new event is found.
    let i = this.n++;
    const T = this.time, S = this.seq, H = this.handler, A = this.argA, B = this.argB;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = T[p];
      if (pt < time || (pt === time && S[p] < s)) break;
      T[i] = pt; S[i] = S[p]; H[i] = H[p]; A[i] = A[p]; B[i] = B[p];
      i = p;
    }
    T[i] = time; S[i] = s; H[i] = handler; A[i] = a; B[i] = b;
  }

  /** Earliest time pending; Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.time[0] : Infinity;
  }

  /** Removes the earliest event into the popped* fields. Caller checks size first. */
  pop(): void {
    const T = this.time, S = this.seq, H = this.handler, A = this.argA, B = this.argB;
    this.poppedTime = T[0];
    this.poppedHandler = H[0];
    this.poppedA = A[0];
    this.poppedB = B[0];
    const last = --this.n;
    if (last === 0) return;
    const t = T[last], s = S[last], h = H[last], a = A[last], b = B[last];
    // Sift down the former last event from the root.
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last && (T[r] < T[c] || (T[r] === T[c] && S[r] < S[c]))) c = r;
      const ct = T[c];
      if (t < ct || (t === ct && s < S[c])) break;
      T[i] = ct; S[i] = S[c]; H[i] = H[c]; A[i] = A[c]; B[i] = B[c];
      i = c;
    }
    T[i] = t; S[i] = s; H[i] = h; A[i] = a; B[i] = b;
  }

  clear(): void {
    this.n = 0;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const t = new Float64Array(cap); t.set(this.time); this.time = t;
    const s = new Float64Array(cap); s.set(this.seq); this.seq = s;
    const h = new Int32Array(cap); h.set(this.handler); this.handler = h;
    const a = new Int32Array(cap); a.set(this.argA); this.argA = a;
    const b = new Int32Array(cap); b.set(this.argB); this.argB = b;
  }
}
