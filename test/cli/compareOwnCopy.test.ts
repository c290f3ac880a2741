// compare's default modes and a topology whose mesh: is an edited copy of a bundled profile kept under its name.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './inProcess.js';

describe("compare (default modes) with the topology's own edited copy of linkerd", () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshtax-owncopy-'));
  // linkerd's proxy made 20 times as costly a request, under the name linkerd.
  writeFileSync(join(dir, 'my-linkerd.yaml'), readFileSync('topologies/meshes/linkerd.yaml', 'utf8').replace('median: 22us, p99: 90us', 'median: 500us, p99: 900us'));
  const topology = join(dir, 't.yaml');
  writeFileSync(topology, 'name: own\nsimulation: {seed: 1, duration: 2s}\nmesh: {profile: ./my-linkerd.yaml}\nservices:\n  a: {serviceTime: 1ms}\nentrypoints:\n  web: {target: a, rate: 50/s}\n');

  it('runs the copy, with its differences tuned, not the bundled linkerd in its place', async () => {
    const out = join(dir, 'c.json');
    const r = await cli('compare', topology, '-o', out);
    expect(r.code).toBe(0);
    expect(r.err).toContain('runs in place of the bundled "linkerd"');
    const result = JSON.parse(readFileSync(out, 'utf8'));
    const linkerd = result.runs.find((run: { mesh: { profile: string } }) => run.mesh.profile === 'linkerd');
    // Before: the bundled linkerd ran (0.0038 vCPU), silently; `run` of the same file gives 0.0335.
    expect(linkerd.mesh.tuned).toEqual(['sidecar.requestCost']);
    expect(linkerd.resources.proxyVcpu).toBeGreaterThan(0.02);
  });

  it('still runs the bundled linkerd when --mesh names it', async () => {
    const out = join(dir, 'c2.json');
    const r = await cli('compare', topology, '--mesh', 'none,linkerd', '-o', out);
    expect(r.code).toBe(0);
    const linkerd = JSON.parse(readFileSync(out, 'utf8')).runs[1];
    expect(linkerd.mesh.tuned ?? []).toEqual([]);
    expect(linkerd.resources.proxyVcpu).toBeLessThan(0.01);
  });
});
