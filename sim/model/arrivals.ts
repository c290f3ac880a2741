import type { Arrivals, RateSegment } from '../topology/types.js';
import type { Rng } from '../engine/rng.js';

/**
 * Open-loop arrival times for one entry point: Poisson or evenly spaced,
 * with a rate that may change at scheduled moments. For Poisson a gap that
 * would cross a rate change is redrawn from the change at the new rate,
 * which is exact because exponential gaps are memoryless.
 */
export class ArrivalProcess {
  readonly rng: Rng;
  private readonly schedule: RateSegment[];
  private readonly poisson: boolean;

  constructor(arrivals: Arrivals, rng: Rng) {
    this.rng = rng;
    this.schedule = arrivals.kind === 'closed' ? [] : arrivals.schedule;
    this.poisson = arrivals.kind === 'poisson';
  }

  /** The next arrival strictly after `now` (Infinity when the rate stays 0). */
  next(now: number): number {
    const s = this.schedule;
    let i = this.segmentAt(now);
    let t = now;
    for (;;) {
      const rate = s[i].rate;
      const end = i + 1 < s.length ? s[i + 1].at : Infinity;
      if (rate > 0) {
        const gap = this.poisson ? -Math.log(1 - this.rng()) / rate : 1 / rate;
        if (t + gap < end) return t + gap;
      }
      if (end === Infinity) return Infinity;
      t = end;
      i++;
    }
  }

  private segmentAt(t: number): number {
    const s = this.schedule;
    let i = 0;
    while (i + 1 < s.length && s[i + 1].at <= t) i++;
    return i;
  }
}
