import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { IntQueue } from '../../sim/model/intQueue.js';

describe('IntQueue', () => {
  it('keeps FIFO order through growth and wrap-around, as a plain array would', () => {
    const rng = seedrandom.alea('int-queue');
    const q = new IntQueue(3); // rounded up to 4: growth and wrapping both happen early
    const ref: number[] = [];
    let next = 0;
    for (let step = 0; step < 20000; step++) {
      // Grows to ~100 deep, then drains, so the ring wraps at several sizes.
      const pushBias = step < 10000 ? 0.6 : 0.4;
      if (ref.length === 0 || rng() < pushBias) {
        q.push(next);
        ref.push(next++);
      } else {
        expect(q.shift()).toBe(ref.shift());
      }
      expect(q.length).toBe(ref.length);
    }
    while (ref.length > 0) expect(q.shift()).toBe(ref.shift());
    expect(q.length).toBe(0);
  });
});
