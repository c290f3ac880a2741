import { describe, expect, it } from 'vitest';
import { ProgressReporter, formatEta, progressText } from '../../sim/cli/progress.js';

function reporter(tty: boolean) {
  let t = 0;
  const out: string[] = [];
  const p = new ProgressReporter({ write: (s) => out.push(s), tty, columns: 80, every: 1000, now: () => t });
  return { p, out, at: (ms: number) => { t = ms; } };
}

describe('sweep progress', () => {
  it('in a log: a plain line at most every interval once runs finish, and the last', () => {
    const { p, out, at } = reporter(false);
    p.update({ done: 0, todo: 4, resumed: 0 });
    at(500);
    p.update({ done: 1, todo: 4, resumed: 0 });
    at(2000);
    p.update({ done: 2, todo: 4, resumed: 0 });
    at(4000);
    p.update({ done: 4, todo: 4, resumed: 0 });
    p.finish();
    // 0 done prints nothing (but starts the interval); 1 done at 0.5 s is inside it; the last is printed once.
    expect(out.join('')).toBe('sweep: 2/4 runs  1.0/s  ETA 0:02\nsweep: 4/4 runs  1.0/s  ETA 0:00\n');
  });

  it('says nothing when the sweep stopped before its first report', () => {
    const { p, out } = reporter(false);
    p.finish();
    const tty = reporter(true);
    tty.p.finish();
    expect([...out, ...tty.out]).toEqual([]);
  });

  it('on a terminal: one bar redrawn in place, closed by a newline', () => {
    const { p, out, at } = reporter(true);
    p.update({ done: 1, todo: 2, resumed: 3 });
    at(1000);
    p.update({ done: 2, todo: 2, resumed: 3 });
    p.finish();
    expect(out.every((s) => s.startsWith('\r') || s === '\n')).toBe(true);
    expect(out.at(-1)).toBe('\n');
    expect(progressText({ done: 2, todo: 2, resumed: 3 }, 1)).toBe('2/2 runs (+3 resumed)  2.0/s  ETA 0:00');
    expect([formatEta(9), formatEta(205), formatEta(3723), formatEta(NaN)]).toEqual(['0:09', '3:25', '1:02:03', '–']);
  });
});
