import { describe, expect, it } from 'vitest';
import { Engine } from '../../sim/engine/engine.js';

describe('Engine.attach', () => {
  it('sends the first kinds to the dispatcher and later registrations to their closures, in time order', () => {
    const e = new Engine();
    const seen: string[] = [];
    e.attach({ dispatch: (kind, a, b) => seen.push(`d${kind}:${a},${b}@${e.now}`) }, 2);
    const h = e.register((a, b) => seen.push(`h:${a},${b}@${e.now}`));
    expect(h).toBe(2);
    e.scheduleAt(3, 1, 7, 8);
    e.scheduleAt(1, h, 5, 6);
    e.scheduleAt(2, 0, 1, 2);
    e.scheduleAt(2, 1, 3, 4); // same instant: runs in scheduling order
    e.run();
    expect(seen).toEqual(['h:5,6@1', 'd0:1,2@2', 'd1:3,4@2', 'd1:7,8@3']);
  });

  it('must come before any register()', () => {
    const e = new Engine();
    e.register(() => {});
    expect(() => e.attach({ dispatch: () => {} }, 1)).toThrow(/must come first/);
  });
});

describe('Engine.run in chunks', () => {
  /** A little self-scheduling process: each event schedules the next two, up to a count. */
  function build(log: string[]): Engine {
    const e = new Engine();
    let n = 0;
    e.attach({
      dispatch: (kind, a) => {
        log.push(`${kind}:${a}@${e.now.toFixed(3)}`);
        if (n < 200) {
          e.schedule(((a * 7) % 5) / 10, 0, ++n);
          e.schedule(((a * 3) % 4) / 10, 1, ++n);
        }
      },
    }, 2);
    e.scheduleAt(0, 0, 0);
    return e;
  }

  it('pauses after maxEvents and resumes where it left off: the same events in the same order', () => {
    const whole: string[] = [];
    const w = build(whole);
    expect(w.run()).toBe(false);
    const chunked: string[] = [];
    const c = build(chunked);
    let pauses = 0;
    while (c.run(Infinity, 7)) {
      pauses++;
      expect(c.eventsProcessed).toBe(7 * pauses);
    }
    expect(pauses).toBe(Math.floor((whole.length - 1) / 7));
    expect(chunked).toEqual(whole);
    expect(c.eventsProcessed).toBe(w.eventsProcessed);
  });

  it('does not pause when stop() ends the run at the chunk boundary', () => {
    const e = new Engine();
    e.attach({ dispatch: (_k, a) => { if (a === 3) e.stop(); } }, 1);
    for (let i = 1; i <= 5; i++) e.scheduleAt(i, 0, i);
    expect(e.run(Infinity, 3)).toBe(false);
    expect(e.now).toBe(3);
    expect(e.pending).toBe(2);
  });
});
