import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTopologySource } from '../../sim/topology/load.js';
import { runTopology } from '../../sim/run.js';
import type { RunResult } from '../../sim/results/types.js';
import { attributionAddsUp, runScenario } from './helpers.js';
import { retryTable } from '../../reports/html/tables.js';
import { reportModel } from '../../reports/model.js';

describe('retry amplification', () => {
  it('a failing leaf behind three layers that each try 3 times gets 27× the offered load', () => {
    const r = runScenario('retry-amplification');
    const e = r.entrypoints[0];
    const [a, b, c, leaf] = r.services;
    expect(e.failed).toBe(e.completed);
    // Exact: every request to a makes 3 tries at b, each 3 at c, each 3 at the leaf.
    expect(a.arrivals).toBe(e.completed);
    expect(b.arrivals).toBe(3 * a.arrivals);
    expect(c.arrivals).toBe(9 * a.arrivals);
    expect(leaf.arrivals).toBe(27 * a.arrivals);
    expect(leaf.retries).toBe(leaf.arrivals - leaf.calls);
    // Of the calls, those a retried request's code made again: all but one call a request at each layer.
    expect([a, b, c, leaf].map((s) => s.retryCalls)).toEqual([0, 0, 2 * a.arrivals, 8 * a.arrivals]);
    // So the report's extra load is the 27 + 9 + 3 + 1 tries a request against the 4 there would be without retries: +900 %.
    // Before: +186 % (retries over calls, the calls retries caused counted as load there would be anyway).
    const html = retryTable(reportModel(r));
    expect(html).toMatch(/<td>\+900%<\/td><\/tr>/);
    // The failure keeps its origin (the leaf's injected 503) and ends as URX.
    expect(e.failures).toEqual([
      { cause: 'injected-abort', component: 'injected fault', flag: 'URX', mesh: false, service: 'leaf', count: e.failed },
    ]);
    expect(attributionAddsUp(r)).toBe(true);
    // Failed tries are counted where the failure began: the leaf's 27 a request, not again at c, b and a.
    expect(r.attemptFailures).toEqual([expect.objectContaining({ cause: 'injected-abort', flag: 'FI', service: 'leaf', count: leaf.arrivals })]);
  });

  it('with a Linkerd-style budget each layer adds at most 20 % plus 10 retries a second', () => {
    const r = runScenario('retry-budget');
    const [a, b, c, leaf] = r.services;
    const allowance = 10 * (r.run.measuredTime + 10); // 10/s over the run, plus one window's worth
    for (const [caller, callee] of [[a, b], [b, c], [c, leaf]] as const) {
      expect(callee.calls).toBe(caller.arrivals);
      expect(callee.retries).toBeLessThanOrEqual(0.2 * callee.calls + allowance);
    }
    expect(leaf.arrivals).toBeLessThan(1.25 ** 3 * a.arrivals + 3 * allowance);
    expect(leaf.arrivals).toBeLessThan(2 * a.arrivals);
    // A retry the budget refused ends the request UO (overflow), one that used its tries up URX.
    const flags = new Set(r.entrypoints[0].failures.map((f) => f.flag));
    expect(flags.has('UO')).toBe(true);
    expect([...flags].every((f) => f === 'UO' || f === 'URX')).toBe(true);
  });
});

describe('outlier detection', () => {
  it('ejects the replica returning 5xx, and the error rate falls', () => {
    const r = runScenario('outlier-ejection');
    const pts = r.timeline.points;
    const failed = (from: number, to: number) => pts.filter((p) => p.t >= from && p.t < to).reduce((s, p) => s + p.failed, 0);
    expect(failed(2, 10)).toBe(0);
    expect(failed(10, 11)).toBeGreaterThan(0);
    // Ejected for 30 s, and back at the sidecar's first outlier-detection sweep after that (every 10 s): here at 50.0 s.
    const ejections = r.timeline.markers.filter((m) => m.kind === 'ejection');
    expect(ejections.map((m) => m.subject)).toEqual(['reviews-1', 'reviews-1']);
    const out = ejections[1].at - ejections[0].at;
    expect(out).toBeGreaterThanOrEqual(30);
    expect(out).toBeLessThan(40 + 0.1);
    expect(failed(11, Math.floor(ejections[1].at))).toBe(0);
    expect(failed(Math.floor(ejections[1].at), 52)).toBeGreaterThan(0); // back in, fails again, ejected again
    expect(r.entrypoints[0].failures.every((f) => f.cause === 'injected-abort' && !f.mesh)).toBe(true);
    // Attributed to the pod where they began.
    expect(r.entrypoints[0].failuresByReplica).toEqual([{ service: 'reviews', replica: 'reviews-1', count: r.entrypoints[0].failed }]);
  });

  it("is each caller's proxy's own: with two callers the host fails twice as often before both have ejected it", () => {
    const file = 'topologies/scenarios/outlier-ejection.yaml';
    const run = (productpageReplicas: number) => {
      const source = readFileSync(file, 'utf8').replace('productpage: {workers: 64,', `productpage: {replicas: ${productpageReplicas}, workers: 64,`);
      const { topology, diagnostics } = loadTopologySource(source, file);
      if (!topology) throw new Error(diagnostics.map((d) => d.message).join('\n'));
      return runTopology(topology);
    };
    const firstCycle = (r: RunResult) => r.timeline.points.filter((p) => p.t >= 10 && p.t < 40).reduce((s, p) => s + p.failed, 0);
    const one = run(1);
    const two = run(2);
    // Each sidecar needs 5 consecutive 5xx of its own (plus the tries already
    // on their way when it ejects); one shared count would stop at ~5 for both.
    expect(firstCycle(one)).toBeGreaterThanOrEqual(5);
    expect(firstCycle(one)).toBeLessThan(10);
    expect(firstCycle(two)).toBeGreaterThanOrEqual(10);
    expect(firstCycle(two)).toBeLessThan(20);
    // Each sidecar ejects on its own, once a cycle.
    const ejections = two.timeline.markers.filter((m) => m.kind === 'ejection');
    expect(ejections.map((m) => m.subject)).toEqual(['reviews-1', 'reviews-1', 'reviews-1', 'reviews-1']);
    expect(ejections[1].at - ejections[0].at).toBeLessThan(1);
    expect(ejections[2].at).toBeGreaterThan(40);
  });
});
