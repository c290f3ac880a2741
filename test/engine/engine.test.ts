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
