import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { EventQueue } from '../../sim/engine/eventQueue.js';
import { Engine } from '../../sim/engine/engine.js';
import { RandomStreams } from '../../sim/engine/rng.js';

describe('EventQueue', () => {
  it('pops in time order, ties in insertion order, across growth', () => {
    const q = new EventQueue(4);
    const rng = seedrandom.alea('heap');
    const pushed: Array<[number, number]> = [];
    for (let i = 0; i < 5000; i++) {
      // Few distinct times, so many ties.
      const t = Math.floor(rng() * 50);
      q.push(t, 0, i, 0);
      pushed.push([t, i]);
    }
    const expected = [...pushed].sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((p) => p[1]);
    const got: number[] = [];
    while (q.size > 0) {
      q.pop();
      got.push(q.poppedA);
    }
    expect(got).toEqual(expected);
  });

  it('compacts: drops the events refused, pops the rest in the same order, and reuses the freed slots', () => {
    const q = new EventQueue(8);
    const rng = seedrandom.alea('compact');
    const live: Array<[number, number]> = [];
    let id = 0;
    const push = () => {
      const t = Math.floor(rng() * 40);
      q.push(t, id % 3, id, 7);
      if (id % 3 !== 1) live.push([t, id]);
      id++;
    };
    for (let i = 0; i < 3000; i++) push();
    // Pop a few first, so the heap has a history of slot reuse.
    const got: number[] = [];
    const popOne = () => {
      q.pop();
      got.push(q.poppedA);
      expect(q.poppedB).toBe(7);
      expect(q.poppedHandler).toBe(q.poppedA % 3);
    };
    for (let i = 0; i < 200; i++) popOne();
    const before = q.size;
    const removed = q.compact((handler) => handler !== 1);
    expect(q.size).toBe(before - removed);
    expect(removed).toBeGreaterThan(800);
    // More pushes after compaction land in freed slots without clobbering live ones.
    for (let i = 0; i < 1000; i++) push();
    q.compact((handler) => handler !== 1);
    while (q.size > 0) popOne();
    // Every kept event exactly once, in (time, insertion) order among those popped after the first 200.
    const popped = new Set(got);
    expect(popped.size).toBe(got.length);
    for (const [, i] of live) expect(popped.has(i)).toBe(true);
    // What was left after the first 200 pops comes out in (time, insertion) order, as if never compacted.
    const first = new Set(got.slice(0, 200));
    const expected = live.filter(([, i]) => !first.has(i)).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
    expect(got.slice(200)).toEqual(expected);
  });

  it('interleaves pushes and pops, keeping each event\'s handler and arguments with it as slots are reused', () => {
    const q = new EventQueue(2);
    const rng = seedrandom.alea('mix');
    const ref: Array<[number, number]> = [];
    let seq = 0;
    const check = (): void => {
      ref.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const [t0, s0] = ref.shift() as [number, number];
      q.pop();
      expect([q.poppedTime, q.poppedA, q.poppedHandler, q.poppedB]).toEqual([t0, s0, s0 % 13, 1000 - s0]);
    };
    // Growing, then shrinking to empty, then growing again: slots freed in every order get reused.
    for (const pPop of [0.4, 0.7, 0.3]) {
      for (let round = 0; round < 2000; round++) {
        const t = Math.floor(rng() * 40) / 4;
        q.push(t, seq % 13, seq, 1000 - seq);
        ref.push([t, seq++]);
        if (rng() < pPop) check();
      }
      expect(q.size).toBe(ref.length);
      while (ref.length > (pPop === 0.7 ? 0 : 50)) check();
    }
  });
});

describe('Engine', () => {
  it('advances the clock, dispatches by handler id and stops on request', () => {
    const e = new Engine();
    const log: string[] = [];
    const tick = e.register((a, b) => {
      log.push(`${e.now}:${a}:${b}`);
      if (a < 3) e.schedule(1.5, tick, a + 1, b * 2);
      if (a === 2) e.stop();
    });
    e.scheduleAt(1, tick, 0, 1);
    e.run();
    expect(log).toEqual(['1:0:1', '2.5:1:2', '4:2:4']);
    e.run();
    expect(log.at(-1)).toBe('5.5:3:8');
    expect(e.eventsProcessed).toBe(4);
  });

  it('run(until) leaves later events pending and sets the clock to the horizon', () => {
    const e = new Engine();
    const h = e.register(() => {});
    e.scheduleAt(5, h);
    e.scheduleAt(15, h);
    e.run(10);
    expect(e.now).toBe(10);
    expect(e.pending).toBe(1);
  });
});

describe('RandomStreams', () => {
  it('gives the same stream for the same seed and name, independent of other streams', () => {
    const a = new RandomStreams(1);
    const b = new RandomStreams(1);
    b.stream('something/else'); // another component added first
    const x = a.stream('service/api');
    const y = b.stream('service/api');
    expect([x(), x(), x()]).toEqual([y(), y(), y()]);
    expect(new RandomStreams(2).stream('service/api')()).not.toBe(new RandomStreams(1).stream('service/api')());
  });

  it('refuses to hand the same stream out twice', () => {
    const s = new RandomStreams(1);
    s.stream('a');
    expect(() => s.stream('a')).toThrow(/requested twice/);
  });
});
