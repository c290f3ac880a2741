/**
 * Time average of a piecewise-constant quantity over simulated time (number
 * in system, busy workers, open connections). Used to check Little's law
 * L = λW and utilization ρ = busy/capacity after warm-up.
 *
 * The integral accumulates only from `start(t)`, so warm-up transients do not
 * bias the average; the current value is tracked from construction so that
 * measuring can begin mid-run with the right level.
 */
export class TimeAverage {
  private current: number;
  private lastT = 0;
  private startT = NaN;
  private area = 0;
  private measuring = false;

  constructor(initialValue = 0) {
    this.current = initialValue;
  }

  /** Current value. */
  get value(): number {
    return this.current;
  }

  /** Time measuring began (NaN before `start`). */
  get startTime(): number {
    return this.startT;
  }

  /**
   * Fold the elapsed interval at the old value into the integral. It folds
   * before `start` too, unconditionally: `start` discards that area, and a
   * branch on `measuring` here cost ~14 instructions a change (callgrind),
   * four changes a hop on the request path (inSystem, busyWorkers). From
   * `start` on, the additions are the same, so the integral is bit for bit.
   */
  private advance(t: number): void {
    const dt = t - this.lastT;
    if (!(dt >= 0)) this.wentBackwards(t);
    this.area += this.current * dt;
    this.lastT = t;
  }

  /**
   * The error for a time that went backwards, built out of line: optimized
   * inline, V8 at times computed the message's number-to-string conversions
   * on every call, not only when throwing — half the run time of a mesh
   * topology in some runs.
   */
  private wentBackwards(t: number): never {
    throw new RangeError(`TimeAverage: time went backwards (${t} < ${this.lastT})`);
  }

  /** Set the value from time t on. Times must be non-decreasing. */
  set(t: number, value: number): void {
    this.advance(t);
    this.current = value;
  }

  /** Change the value by `delta` from time t on. */
  add(t: number, delta: number): void {
    this.advance(t);
    this.current += delta;
  }

  /**
   * Change the value by `delta` as of time `since` (at or before `now`),
   * noticed only at `now`: the integral from `since` on is corrected, as if
   * the change had been made then. For a state that lapses unobserved (a
   * connection idle past its timeout is closed when next looked at).
   */
  addSince(since: number, now: number, delta: number): void {
    this.advance(now);
    this.current += delta;
    if (this.measuring) {
      const from = Math.max(since, this.startT);
      if (now > from) this.area += delta * (now - from);
    }
  }

  /** Begin (or restart) measuring at t; earlier history is discarded. */
  start(t: number): void {
    this.advance(t);
    this.startT = t;
    this.area = 0;
    this.measuring = true;
  }

  /** ∫ value dt from start to tEnd (tEnd ≥ last update). NaN before `start`. */
  integral(tEnd: number): number {
    if (!this.measuring) return NaN;
    const dt = tEnd - this.lastT;
    if (dt < 0) throw new RangeError(`TimeAverage: tEnd ${tEnd} is before the last update ${this.lastT}`);
    return this.area + this.current * dt;
  }

  /** Time-weighted mean over [start, tEnd]; NaN before `start` or over an empty interval. */
  mean(tEnd: number): number {
    const span = tEnd - this.startT;
    if (!(span > 0)) return NaN;
    return this.integral(tEnd) / span;
  }
}
