import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTopologySource } from '../../sim/topology/load.js';
import { runTopology } from '../../sim/run.js';
import type { RunResult } from '../../sim/results/types.js';
import { attributionAddsUp, failureWindow, runScenario } from './helpers.js';

describe('certificates', () => {
  it('root expiry: every new handshake fails, with an mTLS cause, until the root is replaced', () => {
    const r = runScenario('root-expiry');
    const e = r.entrypoints[0];
    expect(e.failed).toBeGreaterThan(0);
    for (const f of e.failures) expect(f).toMatchObject({ cause: 'certificate', component: 'mTLS (certificate)', flag: 'UF', mesh: true });
    const [from, to] = failureWindow(r) as [number, number];
    expect(from).toBeGreaterThanOrEqual(20);
    expect(to).toBeLessThanOrEqual(81);
    // Connections idle for 100 ms close, and requests come every 2 s or so:
    // nearly every request needs new connections, and in the window they fail.
    const inWindow = r.timeline.points.filter((p) => p.t >= 20 && p.t < 80);
    const sent = inWindow.reduce((s, p) => s + p.completed, 0);
    const lost = inWindow.reduce((s, p) => s + p.failed, 0);
    expect(sent).toBeGreaterThan(15);
    expect(lost / sent).toBeGreaterThan(0.9);
    expect(attributionAddsUp(r)).toBe(true);
  });

  it('overlapping expiries: handshakes fail until the last window over them ends', () => {
    const file = 'topologies/scenarios/root-expiry.yaml';
    const run = (timeline: string): RunResult => {
      const source = readFileSync(file, 'utf8').replace('  - {at: 20s, until: 80s, certificateExpiry: {root: true}}', timeline);
      const { topology, diagnostics } = loadTopologySource(source, file);
      if (!topology) throw new Error(diagnostics.map((d) => d.message).join('\n'));
      return runTopology(topology);
    };
    const failed = (r: RunResult, from: number, to: number) =>
      r.timeline.points.filter((p) => p.t >= from && p.t < to).reduce((s, p) => s + p.failed, 0);
    // A shorter failed rotation inside a longer one does not let renewal work again when it ends.
    const service = run('  - {at: 20s, until: 80s, certificateExpiry: {service: back}}\n  - {at: 30s, until: 40s, certificateExpiry: {service: back}}');
    expect(failed(service, 45, 78)).toBeGreaterThan(2);
    expect(failed(service, 85, 120)).toBe(0);
    // Nor does the end of the first of two overlapping root expiries bring the root back.
    // (About one request in 2 s, nearly each needing new connections: a handful fail in each window.)
    const root = run('  - {at: 20s, until: 50s, certificateExpiry: {root: true}}\n  - {at: 40s, until: 80s, certificateExpiry: {root: true}}');
    expect(failed(root, 52, 78)).toBeGreaterThan(2);
    expect(failed(root, 82, 120)).toBe(0);
  });

  it('normal rotation (24 h certificates renewed at 50 %) over a simulated week fails nothing', () => {
    const r = runScenario('cert-rotation-week');
    expect(r.run.measuredTime).toBe(7 * 24 * 3600);
    expect(r.entrypoints[0].completed).toBeGreaterThan(250_000);
    expect(r.entrypoints[0].failed).toBe(0);
    const sidecars = r.resources.proxies.find((p) => p.kind === 'sidecar');
    expect((sidecars?.handshakes ?? 0) + (sidecars?.resumptions ?? 0)).toBeGreaterThan(100_000);
  });
});
