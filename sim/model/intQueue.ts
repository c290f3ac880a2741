/** A growable FIFO ring of integers (frame indices), allocation-free once grown. */
export class IntQueue {
  private buf: Int32Array;
  private head = 0;
  private n = 0;

  constructor(capacity = 16) {
    this.buf = new Int32Array(capacity);
  }

  get length(): number {
    return this.n;
  }

  push(v: number): void {
    if (this.n === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      for (let i = 0; i < this.n; i++) next[i] = this.buf[(this.head + i) % this.buf.length];
      this.buf = next;
      this.head = 0;
    }
    this.buf[(this.head + this.n) % this.buf.length] = v;
    this.n++;
  }

  shift(): number {
    const v = this.buf[this.head];
    this.head = (this.head + 1) % this.buf.length;
    this.n--;
    return v;
  }
}
