import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { Engine } from '../../sim/engine/engine.js';
import { TimeAverage } from '../../sim/stats/timeAverage.js';
import { ProxyThreads } from '../../sim/model/proxyThreads.js';

interface Task { at: number; work: number; telemetry: number }

function tasks(seed: string, n: number, meanGap: number, meanWork: number): Task[] {
  const rng = seedrandom.alea(seed);
  const out: Task[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    // Some tasks arrive together, some have no work or no telemetry: the edge cases of the recursion.
    if (rng() > 0.1) t += -meanGap * Math.log(1 - rng());
    const work = rng() < 0.1 ? 0 : -meanWork * Math.log(1 - rng());
    const telemetry = rng() < 0.3 ? 0 : -0.2 * meanWork * Math.log(1 - rng());
    out.push({ at: t, work, telemetry });
  }
  return out;
}

/**
 * The same FIFO queue in front of `workers` threads, the plain event-driven
 * way: a task starts when a thread frees, holds it for work then telemetry.
 * Returns each task's start, the queue length each task found, and the mean
 * busy threads over [from, to].
 */
function eventDriven(ts: Task[], workers: number, from: number, to: number) {
  const e = new Engine();
  const starts = new Array<number>(ts.length);
  const found: number[] = [];
  const queue: number[] = [];
  const busy = new TimeAverage();
  let free = workers;
  const start = (i: number): void => {
    starts[i] = e.now;
    free--;
    busy.add(e.now, 1);
    e.schedule(ts[i].work + ts[i].telemetry, done, i);
  };
  const arrive = e.register((i) => {
    found.push(queue.length);
    if (free > 0 && queue.length === 0) start(i);
    else queue.push(i);
  });
  const done = e.register(() => {
    free++;
    busy.add(e.now, -1);
    if (queue.length > 0) start(queue.shift() as number);
  });
  let mean = NaN;
  e.scheduleAt(from, e.register(() => busy.start(e.now)));
  // Scheduled after every arrival: at the window's end it runs after the arrivals of that instant.
  ts.forEach((t, i) => e.scheduleAt(t.at, arrive, i));
  e.scheduleAt(to, e.register(() => { mean = busy.mean(e.now); }));
  e.run();
  return { starts, found, mean };
}

describe('ProxyThreads: a FIFO queue of threads solved as tasks arrive', () => {
  for (const workers of [1, 2, 5]) {
    it(`matches the event-driven queue with ${workers} thread(s): every start, every queue length, the mean busy threads`, () => {
      const ts = tasks(`pt${workers}`, 5000, 1, 0.8 * workers);
      const from = ts[1000].at, to = ts[4000].at;
      const ref = eventDriven(ts, workers, from, to);
      const pt = new ProxyThreads(Float64Array.of(7, workers));
      let measuring = false;
      let mean = NaN;
      ts.forEach((t, i) => {
        // The window closes at `to`, after the tasks of that instant and before any later one.
        if (Number.isNaN(mean) && t.at > to) mean = pt.meanBusy(1, to);
        if (!measuring && t.at >= from) {
          pt.startMeasuring(from);
          measuring = true;
        }
        expect(pt.waiting(1, t.at)).toBe(ref.found[i]);
        const s = pt.assign(1, t.at, t.work, t.telemetry);
        expect(s).toBeCloseTo(ref.starts[i], 9);
      });
      // The queue did form (the test is about queueing), and busy time matches the integral.
      expect(Math.max(...ref.found)).toBeGreaterThan(3);
      expect(mean).toBeCloseTo(ref.mean, 9);
      expect(pt.meanBusy(0, to)).toBe(0);
    });
  }

  it('reuses a freed thread before an unused one, so a proxy with a million threads holds state for the busy ones only', () => {
    const pt = new ProxyThreads(Float64Array.of(1e6));
    for (let i = 0; i < 10000; i++) expect(pt.assign(0, i, 0.5, 0.25)).toBe(i);
    expect(pt.hasFree(0, 10000)).toBe(true);
    expect(pt.waiting(0, 10000)).toBe(0);
  });

  it('is NaN before measuring starts or over an empty window, as time averages are', () => {
    const pt = new ProxyThreads(Float64Array.of(1));
    expect(pt.meanBusy(0, 5)).toBeNaN();
    pt.startMeasuring(5);
    expect(pt.meanBusy(0, 5)).toBeNaN();
  });
});
