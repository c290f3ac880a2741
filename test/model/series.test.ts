import { describe, expect, it } from 'vitest';
import { TimeSeries } from '../../sim/model/series.js';
import { runTopology } from '../../sim/run.js';
import { topoFile } from './helpers.js';

describe('the timeline series', () => {
  it('past its horizon, doubles its intervals instead of piling the rest into the last one', () => {
    const s = new TimeSeries(100); // 1 s intervals, 101 of them
    s.record(0.5, 0.01, false, false);
    s.record(50.2, 0.01, true, true);
    s.record(99.9, 0.02, false, false);
    expect(s.width).toBe(1);
    s.record(250, 0.03, false, false);
    // 101 intervals of 4 s reach 404 s.
    expect(s.width).toBe(4);
    expect(Array.from(s.completed.slice(0, 13)).map((c, i) => [i, c]).filter(([, c]) => c > 0)).toEqual([[0, 1], [12, 1]]);
    expect(s.completed[24]).toBe(1);
    expect(s.completed[62]).toBe(1);
    expect(s.failed[12]).toBe(1);
    expect(s.meshFailed[12]).toBe(1);
    expect(s.completed.reduce((a, b) => a + b, 0)).toBe(4);
    // The p99 classes moved with their intervals.
    expect(s.p99(62)).toBeGreaterThan(0.03 / 1.5);
    expect(Number.isNaN(s.p99(12))).toBe(true);
  });

  it('reads an interval\'s p99 as the middle of its class: within −18 % … +22 % of the latency, never +50 %', () => {
    // Far above a minute too, up to the histograms' 10⁶ s: 40 classes ended at 50 s, and every longer latency read as 60 s.
    for (const latency of [0.011, 10.04, 0.0001, 2.5e-3, 80, 150, 3600, 5e5]) {
      const s = new TimeSeries(10);
      for (let k = 0; k < 100; k++) s.record(1, latency, false, false);
      const ratio = s.p99(1) / latency;
      expect(ratio, String(latency)).toBeGreaterThan(1 / Math.sqrt(1.5) - 1e-9);
      expect(ratio, String(latency)).toBeLessThan(Math.sqrt(1.5) + 1e-9);
    }
  });

  it("an overload's timeline p99 follows its latencies past a minute", () => {
    // M/M/1 offered 110/s against 100/s for 1,500 s: the queue grows and the
    // latencies reach ~150 s; the timeline's worst p99 read 60 s.
    const t = topoFile('topologies/mm1.yaml');
    const arrivals = t.entrypoints[0].arrivals;
    if (arrivals.kind === 'closed') throw new Error('mm1 is open-loop');
    arrivals.schedule[0].rate = 110;
    const r = runTopology(t, { duration: 1_500, warmup: 0 });
    const worst = Math.max(...r.timeline.points.map((p) => p.p99 ?? 0));
    const max = r.entrypoints[0].latency.max;
    expect(max).toBeGreaterThan(100);
    expect(worst).toBeGreaterThan(max / Math.sqrt(1.5));
    expect(worst).toBeLessThan(max * Math.sqrt(1.5));
  });

  it('a short --requests run is per second, as the README says', () => {
    // 2,000 requests at 80/s: ~25 s, in 1 s intervals (it was 2 s: an hour's guess / 2,000 points).
    const r = runTopology(topoFile('topologies/mm1.yaml'), { requests: 2_000 });
    expect(r.timeline.interval).toBe(1);
    expect(r.timeline.points.length).toBeGreaterThan(70);
  });

  it('a --requests run longer than 2,000 s has its last point at its end, at the rate of its load', () => {
    // M/M/1 at 80/s: 400,000 requests take ~5,000 s, past 2,000 one-second intervals.
    const r = runTopology(topoFile('topologies/mm1.yaml'), { requests: 400_000 });
    const { interval, points } = r.timeline;
    expect(points.at(-1)!.t).toBeGreaterThan(4_900);
    const busiest = Math.max(...points.map((p) => p.completed));
    expect(busiest).toBeLessThan(80 * interval * 1.5);
  });
});
