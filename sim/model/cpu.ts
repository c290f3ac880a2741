import type { Engine } from '../engine/engine.js';
import { EventQueue } from '../engine/eventQueue.js';
import { TimeAverage } from '../stats/timeAverage.js';

/**
 * A node's cores shared by everything placed on it, as processor sharing:
 * with n jobs on c cores each job runs at speed min(1, c/n), which is how an
 * OS time-slices runnable threads. Implemented with virtual time: all jobs
 * progress at the same rate, so they finish in order of (virtual start +
 * work) and only the earliest finish needs an event. A change in n
 * reschedules that one event; older ones are recognised by a generation.
 */
export class SharedCpu {
  readonly cores: number;
  private readonly finish = new EventQueue(64);
  private n = 0;
  private vtime = 0;
  private last = 0;
  private gen = 0;
  /** Time-average of busy cores, for utilisation. */
  readonly busyCores = new TimeAverage();

  constructor(
    private readonly engine: Engine,
    cores: number,
    private readonly handler: number,
    private readonly index: number,
  ) {
    this.cores = cores;
  }

  get jobs(): number {
    return this.n;
  }

  private rate(): number {
    return this.n <= this.cores ? 1 : this.cores / this.n;
  }

  private advance(now: number): void {
    if (this.n > 0) this.vtime += (now - this.last) * this.rate();
    this.last = now;
  }

  /** Starts `work` CPU-seconds for `task`; its end comes as the engine event `handler` (this CPU's index and generation), which the model answers with complete(). */
  add(task: number, work: number): void {
    const now = this.engine.now;
    this.advance(now);
    this.finish.push(this.vtime + work, 0, task, 0);
    this.n++;
    this.busyCores.set(now, Math.min(this.n, this.cores));
    this.reschedule();
  }

  /** Calls `fn(task, remaining)` for every job on the CPU now, with the CPU-seconds it still needs. */
  forEachJob(fn: (task: number, remaining: number) => void): void {
    this.advance(this.engine.now);
    this.finish.forEach((t, task) => fn(task, Math.max(0, t - this.vtime)));
  }

  /**
   * Handles this CPU's completion event; returns the tasks that finished
   * (written to `out`, count returned) so the caller continues them after
   * the CPU's state is consistent again.
   */
  complete(gen: number, out: number[]): number {
    if (gen !== this.gen) return 0;
    const now = this.engine.now;
    this.advance(now);
    let k = 0;
    // Jobs whose remaining work is within rounding of zero are done.
    const eps = 1e-12 * Math.max(1, Math.abs(this.vtime));
    while (this.finish.size > 0 && this.finish.peekTime() <= this.vtime + eps) {
      this.finish.pop();
      out[k++] = this.finish.poppedA;
    }
    this.n -= k;
    this.busyCores.set(now, Math.min(this.n, this.cores));
    this.reschedule();
    return k;
  }

  private reschedule(): void {
    // Stays a 32-bit integer, as event arguments are.
    this.gen = (this.gen + 1) | 0;
    if (this.n === 0) return;
    const dt = (this.finish.peekTime() - this.vtime) / this.rate();
    this.engine.schedule(dt > 0 ? dt : 0, this.handler, this.index, this.gen);
  }
}
