import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadTopologyFile } from '../../sim/topology/load.js';
import { modeDoneLine } from '../../sim/cli/progress.js';
import type { RunResult } from '../../sim/results/types.js';

// The worker threads run compiled modules: test the dist/ the suite's setup built.
const dist = (await import(new URL('../../dist/sim/index.js', import.meta.url).href)) as typeof import('../../sim/index.js');
const { SimulationAbort } = (await import(new URL('../../dist/sim/model/simulation.js', import.meta.url).href)) as typeof import('../../sim/model/simulation.js');
type Topology = import('../../sim/index.js').Topology;

const CLI = 'dist/bin/meshtax.js';
const MESHES = ['none', 'istio-sidecar', 'istio-ambient', 'linkerd', 'cilium'];

function load(file: string, mesh?: string): Topology {
  const { topology, diagnostics } = dist.loadTopologyFile(file, mesh === undefined ? {} : { mesh });
  if (!topology) throw new Error(dist.formatDiagnostics(diagnostics));
  return topology;
}

const json = (x: unknown): string => JSON.stringify(x, null, 2) + '\n';

describe('compare on worker threads', () => {
  it('every bundled topology survives structured cloning exactly (how modes reach the threads)', () => {
    const dirs = ['topologies', 'topologies/calibration', 'topologies/scenarios', 'topologies/bench', 'test/fixtures/good', 'test/fixtures/sweep'];
    const files = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.includes('schema') && f !== 'grid.yaml').map((f) => `${d}/${f}`));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      for (const mesh of [undefined, 'istio-sidecar', 'istio-ambient-waypoint']) {
        const { topology } = loadTopologyFile(file, mesh === undefined ? {} : { mesh });
        expect(topology, file).toBeDefined();
        // Strict: prototypes too, so a class instance or a function in a Topology fails here.
        expect(isDeepStrictEqual(structuredClone(topology), topology), `${file} under ${mesh ?? 'its own mesh'}`).toBe(true);
      }
    }
  });

  it('gives byte-identical results to the sequential compareMeshes on 1 and 2 workers', async () => {
    const topologies = MESHES.map((mesh) => load('topologies/bookinfo.yaml', mesh));
    const options = { requests: 20_000 };
    const sequential = json(dist.compareMeshes(topologies, options));
    const done: Array<{ index: number; mesh: string }> = [];
    // Word of progress comes from the threads too: each mode's last share (1) before its result.
    const lastShare = MESHES.map(() => 0);
    const two = await dist.compareMeshesParallel(topologies, options, {
      workers: 2,
      onModeDone: (d) => {
        expect(d.seconds).toBeGreaterThan(0);
        expect(lastShare[d.index]).toBe(1);
        done.push({ index: d.index, mesh: d.result.mesh.profile });
      },
      onModeProgress: (index, share) => {
        expect(share).toBeGreaterThanOrEqual(lastShare[index]);
        lastShare[index] = share;
      },
    });
    expect(json(two)).toBe(sequential);
    expect(done.sort((a, b) => a.index - b.index)).toEqual(MESHES.map((mesh, index) => ({ index, mesh })));
    expect(json(await dist.compareMeshesParallel(topologies, options, { workers: 1 }))).toBe(sequential);

    // The command line, on threads, writes the same bytes.
    const cli = spawnSync(process.execPath, [CLI, 'compare', 'topologies/bookinfo.yaml', '--requests', '20000', '--workers', '2', '--json'], { encoding: 'utf8' });
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    expect(cli.stdout).toBe(sequential);
  });

  it('an overloaded mode fails as it does in sequence: the first failure in mode order, as a SimulationAbort', async () => {
    // none is served; the sidecar and Linkerd overload. none is handed out last (the cheap mode), so on
    // 2 workers the sidecar fails before none has started: the pool must still run none before it reports.
    const topologies = ['none', 'istio-sidecar', 'linkerd'].map((mesh) => load('test/fixtures/overload.yaml', mesh));
    const options = { duration: 2, maxFramesInFlight: 20_000 };
    let expected: InstanceType<typeof SimulationAbort> | undefined;
    try {
      dist.compareMeshes(topologies, options);
    } catch (e) {
      if (e instanceof SimulationAbort) expected = e;
    }
    expect(expected?.message).toMatch(/^istio-sidecar: stopped at t=[\d.]+s with [\d,]+ requests waiting at the sidecar proxy "api-0"/);
    for (const workers of [1, 2, 3]) {
      const failed = await dist.compareMeshesParallel(topologies, options, { workers }).then(() => undefined, (e: unknown) => e);
      expect(failed, `${workers} workers`).toBeInstanceOf(SimulationAbort);
      expect((failed as InstanceType<typeof SimulationAbort>).message).toBe(expected?.message);
      expect((failed as InstanceType<typeof SimulationAbort>).hint).toBe(expected?.hint);
    }
  });

  it('the CLI reports an overload on worker threads as in sequence: error[overload], message, hint and count, exit 2, no stack trace', () => {
    // The run stops at the default limit, ~1 GB of waiting requests; a larger young generation
    // halves the garbage collector's share of that. The healthy second mode is stopped when the first fails.
    // Its offered load (2e8 requests) is announced first, as for any run that long.
    const r = spawnSync(process.execPath, ['--max-semi-space-size=64', CLI, 'compare', 'test/fixtures/overload.yaml', '--mesh', 'istio-sidecar,none', '--workers', '2'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(
      '^note: about 2\\.0e8 requests to simulate \\(rate × duration × 2 modes\\)[^\\n]*\\n' +
      'error\\[overload\\]: istio-sidecar: stopped at t=[\\d.]+s with [\\d,]+ requests waiting at the sidecar proxy "api-0": its worker threads cannot keep up and its queue keeps growing\\n' +
      '  hint: the offered load exceeds what the mesh\'s proxies can process; give the proxy more workers in the mesh profile, add replicas, or lower the rate\\n\\n1 error, 0 warnings\\n$',
    ));
  });

  it('names the mode that stopped itself: a service\'s overload or a closed loop reads the same under every mesh', async () => {
    // Users with no think time whose requests a full queue rejects at once loop at one instant without a mesh;
    // the sidecars' work takes time, so under them the clock moves on and the run ends.
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-mode-abort-'));
    const file = join(dir, 'loop.yaml');
    writeFileSync(file, `name: loop
simulation: {seed: 1, duration: 2s, warmup: 1s}
services: {server: {workers: 1, queue: 0, serviceTime: {dist: exponential, mean: 10ms}}}
entrypoints: {users: {target: server, arrivals: closed, users: 5, thinkTime: 0s}}
`);
    const topologies = ['istio-sidecar', 'none'].map((mesh) => load(file, mesh));
    expect(() => dist.runTopology(topologies[0])).not.toThrow();
    const stop = /^none: stopped at t=0\.0s: the closed-loop users of "users" resend request after request at the same instant/;
    expect(() => dist.compareMeshes(topologies)).toThrow(stop);
    for (const workers of [1, 2]) {
      const failed = await dist.compareMeshesParallel(topologies, {}, { workers }).then(() => undefined, (e: unknown) => e);
      expect(failed, `${workers} workers`).toBeInstanceOf(SimulationAbort);
      expect((failed as Error).message, `${workers} workers`).toMatch(stop);
      const r = spawnSync(process.execPath, [CLI, 'compare', file, '--mesh', 'istio-sidecar,none', '--workers', String(workers), '--json'], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error\[zero-time-loop\]: none: stopped at t=0\.0s: the closed-loop users of "users"/);
    }
  });

  it('names the replication (and its seed) that stopped itself, so it can be run alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-rep-abort-'));
    const file = join(dir, 'loop.yaml');
    writeFileSync(file, 'name: loop\nsimulation: {seed: 40, duration: 2s, warmup: 1s}\n' +
      'services: {server: {workers: 1, queue: 0, serviceTime: 10ms}}\nentrypoints: {users: {target: server, arrivals: closed, users: 5, thinkTime: 0s}}\n');
    const r = spawnSync(process.execPath, [CLI, 'run', file, '--replications', '3'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error\[zero-time-loop\]: replication 1 of 3 \(seed 40\): stopped at t=0\.0s: the closed-loop users of "users"/);
    // One run is no replication to name. Printed as any other error is: code, message, hint, count.
    expect(spawnSync(process.execPath, [CLI, 'run', file], { encoding: 'utf8' }).stderr).toMatch(
      /^error\[zero-time-loop\]: stopped at t=0\.0s: [^\n]+\n  hint: give "users" a thinkTime above 0[^\n]+\n\n1 error, 0 warnings\n$/);
  });

  it('--workers must be a whole number ≥ 1', () => {
    const r = spawnSync(process.execPath, [CLI, 'compare', 'topologies/mm1.yaml', '--workers', '0'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--workers "0": expected a whole number ≥ 1');
  });

  it('says what each finished mode did, for the progress lines', () => {
    const result = { mesh: { profile: 'istio-sidecar' }, run: { events: 51_912_345 }, entrypoints: [{ completed: 600_000 }, { completed: 400_000 }] } as unknown as RunResult;
    expect(modeDoneLine({ index: 1, result, seconds: 6.24 })).toBe('istio-sidecar: 1,000,000 requests, 51.9 M events in 6.2 s');
  });
});
