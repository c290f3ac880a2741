import { describe, expect, it } from 'vitest';
import { ProgressReporter, ShareProgress, drawsBar, formatEta, progressText } from '../../sim/cli/progress.js';

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

describe('run and compare progress (the share done)', () => {
  function share(tty: boolean) {
    let t = 0;
    const out: string[] = [];
    const p = new ShareProgress({ write: (s) => out.push(s), tty, label: 'run', columns: 60, now: () => t });
    return { p, out, at: (ms: number) => { t = ms; } };
  }

  it('shows nothing for a run quicker than the delay', () => {
    for (const tty of [true, false]) {
      const { p, out, at } = share(tty);
      p.update(0.5);
      at(900);
      p.update(0.9);
      p.finish();
      expect(out).toEqual([]);
    }
  });

  it('on a terminal: a bar redrawn at most 10 times a second, wiped at the end', () => {
    const { p, out, at } = share(true);
    at(1000);
    p.update(0.25);
    at(1050);
    p.update(0.3); // too soon after the last
    at(2000);
    p.update(0.5, '1/2 modes done');
    p.finish();
    expect(out).toEqual([
      `\rrun: [${'#'.repeat(4)}${'.'.repeat(11)}] 25%  ETA 0:03\x1b[K`,
      `\rrun: [${'#'.repeat(8)}${'.'.repeat(7)}] 50%  1/2 modes done  ETA 0:02\x1b[K`,
      '\r\x1b[K',
    ]);
  });

  it('a line of its own goes above the bar, and the bar comes back at once', () => {
    const { p, out, at } = share(true);
    at(1000);
    p.update(0.5);
    at(1010);
    p.line('none: 1,000 requests, 0.01 M events in 0.1 s');
    p.update(0.6);
    expect(out.slice(1, 3)).toEqual(['\r\x1b[K', 'none: 1,000 requests, 0.01 M events in 0.1 s\n']);
    expect(out[3]).toMatch(/^\rrun: \[#+\.+\] 60%/);
  });

  it('in a log: a plain line every 30 s once the run has lasted 30 s, nothing to wipe', () => {
    const { p, out, at } = share(false);
    at(10_000);
    p.update(0.1);
    at(30_000);
    p.update(0.3);
    at(45_000);
    p.update(0.45);
    at(60_000);
    p.update(0.6);
    p.finish();
    expect(out).toEqual(['run: 30%  ETA 1:10\n', 'run: 60%  ETA 0:40\n']);
  });
});

describe('sweep progress with runs in progress', () => {
  it('counts the shares done of running runs in the bar and the ETA, before any run ends', () => {
    let t = 0;
    const out: string[] = [];
    const p = new ProgressReporter({ write: (s) => out.push(s), tty: true, columns: 80, now: () => t });
    t = 10_000;
    // 4 runs, 2 workers each half way after 10 s: 1 run's worth done, 3 to go at 0.1 a second.
    p.update({ done: 0, todo: 4, resumed: 0, running: 1 });
    expect(out.at(-1)).toMatch(/^\r\[#+\.+\] 0\/4 runs  –\/s  ETA 0:30\x1b\[K$/);
    expect((/\[(#*)/.exec(out.at(-1) ?? '') ?? [])[1]?.length).toBeGreaterThan(0);
    expect(progressText({ done: 0, todo: 4, resumed: 0 }, 10)).toBe('0/4 runs  –/s  ETA –');
    // In a log, a line once runs are under way, even before the first ends.
    const log: string[] = [];
    const q = new ProgressReporter({ write: (s) => log.push(s), tty: false, every: 1000, now: () => t });
    t = 20_000;
    q.update({ done: 0, todo: 4, resumed: 0, running: 2 });
    expect(log).toEqual(['sweep: 0/4 runs  –/s  ETA 0:10\n']);
  });
});

describe('progress on a narrow or dumb terminal', () => {
  /** What a redraw leaves on the line: the text between the carriage return and the erase. */
  const drawn = (out: string[]) => out.filter((s) => s.startsWith('\r') && s.endsWith('\x1b[K') && s.length > 4).map((s) => s.slice(1, -3));

  it('never draws a line as wide as the terminal: a wrapped line cannot be redrawn in place by \\r', () => {
    let t = 0;
    const out: string[] = [];
    const compare = new ShareProgress({ write: (s) => out.push(s), tty: true, label: 'compare', columns: 40, now: () => t });
    for (const [ms, share, detail] of [[1000, 0.1, '0/3 modes done'], [2000, 0.5, '1/3 modes done'], [3000, 1, '3/3 modes done']] as const) {
      t = ms;
      compare.update(share, detail);
    }
    const sweep: string[] = [];
    const p = new ProgressReporter({ write: (s) => sweep.push(s), tty: true, columns: 40, now: () => t });
    t = 10_000;
    p.update({ done: 2, todo: 6, resumed: 3, running: 0.5 });
    p.finish();
    const lines = [...drawn(out), ...drawn(sweep)];
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line.length).toBeLessThan(40);
    // The bar goes first; the share, the modes and the ETA stay.
    expect(drawn(out)[1]).toBe('compare: 50%  1/3 modes done  ETA 0:02');
    expect(drawn(sweep)[0]).toBe('2/6 runs (+3 resumed)  0.29/s  ETA 0:10');
    // Wide enough, the bar stays.
    expect(progressBar40(t)).toMatch(/^run: \[#+\.*\] 50%  ETA 0:02$/);
  });

  function progressBar40(t0: number): string {
    let t = t0;
    const out: string[] = [];
    const p = new ShareProgress({ write: (s) => out.push(s), tty: true, label: 'run', columns: 40, now: () => t });
    t += 2000;
    p.update(0.5);
    return drawn(out)[0];
  }

  it('fits a terminal resized while it runs (the width is read at each redraw, as Node updates it on SIGWINCH)', () => {
    let t = 0;
    let columns = 100;
    const out: string[] = [];
    const run = new ShareProgress({ write: (s) => out.push(s), tty: true, label: 'run', columns: () => columns, now: () => t });
    const sweepOut: string[] = [];
    const sweep = new ProgressReporter({ write: (s) => sweepOut.push(s), tty: true, columns: () => columns, now: () => t });
    t = 2000;
    run.update(0.2);
    sweep.update({ done: 1, todo: 5, resumed: 0 });
    columns = 30;
    t = 3000;
    run.update(0.4);
    sweep.update({ done: 2, todo: 5, resumed: 0 });
    const lines = [drawn(out), drawn(sweepOut)];
    // Before: the width read at the start, so the narrowed terminal wrapped every redraw onto a new row.
    for (const [wide, narrow] of lines) {
      expect(wide.length).toBeGreaterThan(30);
      expect(narrow.length).toBeLessThan(30);
    }
  });

  it('draws no bar on a terminal that says it is dumb (TERM=dumb), nor off a terminal', () => {
    expect(drawsBar({ isTTY: true }, { TERM: 'xterm-256color' })).toBe(true);
    expect(drawsBar({ isTTY: true }, {})).toBe(true);
    expect(drawsBar({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(drawsBar({ isTTY: false }, { TERM: 'xterm' })).toBe(false);
    expect(drawsBar({}, { TERM: 'xterm' })).toBe(false);
  });
});
