import { EventQueue } from './eventQueue.js';

/** What an event does when its time comes: two integer arguments, no allocation. */
export type EventHandler = (a: number, b: number) => void;

/**
 * A table of handlers in one object: `dispatch(kind, a, b)` switches on the
 * kind. The engine calls it directly, one monomorphic call, where a
 * registered closure costs an indirect call through a megamorphic site.
 */
export interface EventDispatcher {
  dispatch(kind: number, a: number, b: number): void;
}

/**
 * The discrete-event loop: a simulated clock and a table of handlers. It
 * knows nothing about services or meshes; the model registers its handlers
 * once and schedules events by handler id.
 */
export class Engine {
  /** Simulated seconds. */
  now = 0;
  private readonly queue = new EventQueue();
  private readonly handlers: EventHandler[] = [];
  private dispatcher: EventDispatcher | null = null;
  /** Handler ids below this go to the dispatcher. */
  private dispatched = 0;
  private stopped = false;
  private processed = 0;

  /**
   * Hands handler ids 0 … kinds-1 to `dispatcher` (the model's hot events).
   * Must come before any register(), so those ids are free.
   */
  attach(dispatcher: EventDispatcher, kinds: number): void {
    if (this.handlers.length > 0 || this.dispatcher) throw new Error('Engine.attach must come first, and once');
    this.dispatcher = dispatcher;
    this.dispatched = kinds;
    for (let k = 0; k < kinds; k++) this.handlers.push((a, b) => dispatcher.dispatch(k, a, b));
  }

  /** Registers a handler for the life of the engine; returns its id. */
  register(handler: EventHandler): number {
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  schedule(delay: number, handler: number, a = 0, b = 0): void {
    this.queue.push(this.now + delay, handler, a, b);
  }

  scheduleAt(time: number, handler: number, a = 0, b = 0): void {
    this.queue.push(time < this.now ? this.now : time, handler, a, b);
  }

  /**
   * Forgets pending events `keep` refuses — ones their handler would ignore
   * (a cancelled timer) — so they take no memory until their time. They are
   * not processed: eventsProcessed does not count them.
   */
  compact(keep: (handler: number, a: number, b: number) => boolean): number {
    return this.queue.compact(keep);
  }

  /** Ends run() after the current event. */
  stop(): void {
    this.stopped = true;
  }

  get eventsProcessed(): number {
    return this.processed;
  }

  get pending(): number {
    return this.queue.size;
  }

  /**
   * Processes events in (time, sequence) order until none is left, the next
   * one is later than `until`, or stop() is called. The clock ends at the
   * last event processed (or at `until` when events remain beyond it).
   *
   * With `maxEvents` it pauses after that many and returns true, so a caller
   * can look up (a progress display) and call run() again: the events are
   * the same, in the same order, whatever the chunks.
   */
  run(until = Infinity, maxEvents = Infinity): boolean {
    this.stopped = false;
    const q = this.queue;
    const handlers = this.handlers;
    const dispatcher = this.dispatcher;
    const dispatched = this.dispatched;
    let processed = 0;
    while (processed < maxEvents && q.size > 0 && !this.stopped) {
      if (q.peekTime() > until) {
        this.now = until;
        break;
      }
      q.pop();
      this.now = q.poppedTime;
      processed++;
      const h = q.poppedHandler;
      if (h < dispatched) (dispatcher as EventDispatcher).dispatch(h, q.poppedA, q.poppedB);
      else handlers[h](q.poppedA, q.poppedB);
    }
    this.processed += processed;
    return processed >= maxEvents && q.size > 0 && !this.stopped;
  }
}
