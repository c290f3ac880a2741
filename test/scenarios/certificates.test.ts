import { describe, expect, it } from 'vitest';
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

  it('normal rotation (24 h certificates renewed at 50 %) over a simulated week fails nothing', () => {
    const r = runScenario('cert-rotation-week');
    expect(r.run.measuredTime).toBe(7 * 24 * 3600);
    expect(r.entrypoints[0].completed).toBeGreaterThan(250_000);
    expect(r.entrypoints[0].failed).toBe(0);
    const sidecars = r.resources.proxies.find((p) => p.kind === 'sidecar');
    expect((sidecars?.handshakes ?? 0) + (sidecars?.resumptions ?? 0)).toBeGreaterThan(100_000);
  });
});
