import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';
import { loadTopologySource } from '../../sim/topology/load.js';
import { buildDefinition, readSweepFile } from '../../sim/sweep/definition.js';
import { parseShard, planSweep, runAt, shardRuns, type SweepOptions } from '../../sim/sweep/plan.js';
import { findKnee } from '../../reports/sweep/model.js';

const FILE = 'test/fixtures/sweep/small.yaml';
const SOURCE = readFileSync(FILE, 'utf8');

const FILES = mkdtempSync(join(tmpdir(), 'meshtax-sweep-files-'));

/** `text` written as a sweep file (named `name`, in this file's temporary folder) and read back. */
function sweepFile(text: string, name = 's.yaml'): { file: string; read: ReturnType<typeof readSweepFile> } {
  const file = join(FILES, name);
  writeFileSync(file, text);
  return { file, read: readSweepFile(file) };
}

/** The sweep a sweep file's definition plans over the small fixture, with no --set. */
function planFile(definition: NonNullable<ReturnType<typeof readSweepFile>['definition']>) {
  return planSweep(FILE, SOURCE, buildDefinition([], definition, undefined).definition!, {});
}

function plan(sets: string[], options: SweepOptions = {}, repeat?: number) {
  const built = buildDefinition(sets, undefined, repeat);
  if (!built.definition) throw new Error(formatDiagnostics(built.diagnostics));
  return planSweep(FILE, SOURCE, built.definition, options);
}

describe('planning a sweep', () => {
  it('blames a run-length problem a point sets on that point, not on the topology', () => {
    const r = plan(['simulation.warmup=1s,20s'], { duration: 10 });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'the warm-up (20s, the sweep point\'s) must be shorter than the duration (10s, given): nothing would be measured (at the point simulation.warmup="20s")',
    ]);
    // A point that sets something else leaves the file's warm-up the topology's (small.yaml warms up 1 s).
    const other = plan(['simulation.seed=1,2'], { duration: 1 });
    expect(other.diagnostics.map((d) => d.message)).toEqual([
      "the warm-up (1s, the topology's) must be shorter than the duration (1s, given): nothing would be measured",
    ]);
  });

  it('derives each run\'s seed from its parameters, not its position', () => {
    const a = plan(['mesh=none,istio-sidecar', 'entrypoints.web.rate=50/s,100/s'], {}, 2).plan!;
    const b = plan(['entrypoints.web.rate=100/s,50/s', 'mesh=istio-sidecar,none'], {}, 2).plan!;
    const seeds = (p: typeof a) => new Map(Array.from({ length: p.runs }, (_, r) => {
      const run = runAt(p, r);
      return [`${JSON.stringify(p.points[run.point].params)}#${run.repeat}`, run.seed];
    }));
    expect(a.runs).toBe(8);
    expect(seeds(b)).toEqual(seeds(a));
    // Repeats of a point differ, and so do points, except in the mesh alone:
    // those share their random numbers (common random numbers, as compare's modes).
    expect(new Set(seeds(a).values()).size).toBe(4);
    const of = (params: object, repeat: number) => seeds(a).get(`${JSON.stringify(params)}#${repeat}`);
    for (const rate of ['50/s', '100/s']) {
      for (const repeat of [0, 1]) {
        expect(of({ 'entrypoints.web.rate': rate, mesh: 'none' }, repeat)).toBe(of({ 'entrypoints.web.rate': rate, mesh: 'istio-sidecar' }, repeat));
      }
    }
    expect(of({ 'entrypoints.web.rate': '50/s', mesh: 'none' }, 0)).not.toBe(of({ 'entrypoints.web.rate': '100/s', mesh: 'none' }, 0));
    // Another base seed gives other seeds.
    const c = plan(['mesh=none,istio-sidecar', 'entrypoints.web.rate=50/s,100/s'], { seed: 8 }, 2).plan!;
    expect(runAt(c, 0).seed).not.toBe(runAt(a, 0).seed);
  });

  it('has an identity that follows the topology text, the definition and the options', () => {
    const a = plan(['mesh=none,istio-sidecar']).plan!;
    expect(plan(['mesh=none,istio-sidecar']).plan!.id).toBe(a.id);
    expect(plan(['mesh=none,linkerd']).plan!.definitionHash).not.toBe(a.definitionHash);
    expect(plan(['mesh=none,istio-sidecar'], { duration: 3 }).plan!.id).not.toBe(a.id);
    const changed = buildDefinition(['mesh=none,istio-sidecar'], undefined, undefined).definition!;
    const other = planSweep(FILE, SOURCE.replace('rate: 100/s', 'rate: 120/s'), changed).plan!;
    expect(other.topologyHash).not.toBe(a.topologyHash);
    expect(other.definitionHash).toBe(a.definitionHash);
  });

  it('shards every n-th run, together exactly all runs', () => {
    const p = plan(['entrypoints.web.rate=10/s..100/s:10/s']).plan!;
    const shards = [0, 1, 2, 3].map((i) => shardRuns(p, { index: i, count: 4 }));
    expect(shards[1]).toEqual([1, 5, 9]);
    expect(shards.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
    expect(parseShard('4/4')).toBeUndefined();
    expect(parseShard('1of4')).toBeUndefined();
  });

  it('reports bad paths and values of every point before anything runs, each once', () => {
    const r = plan(['services.backnd.replicas=1,2', 'entrypoints.web.rate=100/s,fast']);
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.location?.file, d.location?.column])).toEqual([
      ['unknown-path', '--set', 1],
      ['bad-rate', '--set', 28],
    ]);
    expect(formatDiagnostics(plan(['services.backend.workers=2,0']).diagnostics)).toMatchInlineSnapshot(`
      "--set:1:28: error[out-of-range]: services.backend.workers: workers must be an integer ≥ 1, got 0
          1 | services.backend.workers=2,0
            |                            ^
        hint: workers is how many requests one replica serves at once, at least 1

      1 error, 0 warnings"
    `);
    expect(plan(['mesh=none,istio-sidecar', 'mesh.sidecar.workers=2']).diagnostics.map((d) => d.code)).toEqual(['not-applicable']);
    expect(plan(['mesh=none'], { duration: 2 }).plan).toBeDefined();
    expect(plan(['simulation.duration=2s,3s'], { duration: 2 }).diagnostics.map((d) => d.code)).toEqual(['bad-option']);
    expect(buildDefinition(['mesh=none', 'mesh=linkerd'], undefined, undefined).diagnostics.map((d) => d.code)).toEqual(['duplicate-path']);
    expect(buildDefinition([], undefined, undefined).diagnostics.map((d) => d.code)).toEqual(['nothing-to-sweep']);
    // A --set in error is something to sweep: its own error, and no "nothing to sweep" after it.
    expect(buildDefinition(['services.backend.replicas'], undefined, undefined).diagnostics.map((d) => d.code)).toEqual(['bad-set']);
    // A list the topology does not have cannot be indexed into.
    expect(formatDiagnostics(plan(['timeline[0].at=1s,2s']).diagnostics)).toContain(
      'error[unknown-path]: timeline[0].at: the topology has no timeline, so there is no [0] to set');
    expect(plan(['services.backend.replicas=1,1']).diagnostics.map((d) => d.code)).toEqual(['duplicate-point']);
  });

  it('says a problem that every value of a range has once, with how many more values have it, not once a value', () => {
    // Before: a range without its unit (rate=100..500) printed 401 errors, one a value, and 1..10000 fifty thousand lines.
    const r = plan(['entrypoints.web.rate=100..500', 'mesh=none,istio-sidecar']);
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.location?.file, d.location?.column, d.message])).toEqual([
      ['bad-rate', '--set', 22, 'rate 100 has no unit — and likewise for 400 more values of the sweep'],
    ]);
    // Values listed one by one have places of their own: each is named.
    expect(plan(['entrypoints.web.rate=100/s,fast,slow']).diagnostics.map((d) => d.location?.column)).toEqual([28, 33]);
    // A sweep file's range likewise.
    const built = sweepFile('grid:\n  services.backend.serviceTime: 1..50\n').read;
    expect(built.definition).toBeDefined();
    const fromFile = planSweep(FILE, SOURCE, built.definition!);
    expect(fromFile.diagnostics.map((d) => [d.code, d.location?.line, d.message])).toEqual([
      ['bad-duration', 2, 'duration 1 has no unit — and likewise for 49 more values of the sweep'],
    ]);
  });

  it('says a sweep file that sweeps nothing at its line, not as if no sweep file had been given', () => {
    // Before: grid: {} or points: [] said "nothing to sweep" with no file:line, and a hint to give a sweep file.
    const nothing = (text: string) => {
      const { read } = sweepFile(text);
      expect(read.diagnostics).toEqual([]);
      return buildDefinition([], read.definition, undefined).diagnostics.map((d) => [d.code, d.location?.file, d.location?.line, d.location?.column, d.hint]);
    };
    const hint = expect.stringMatching(/^the sweep file has no grid or points: give it grid: /);
    expect(nothing('repeat: 2\ngrid: {}\n')).toEqual([['nothing-to-sweep', join(FILES, 's.yaml'), 2, 1, hint]]);
    expect(nothing('seed: 3\npoints: []\n')).toEqual([['nothing-to-sweep', join(FILES, 's.yaml'), 2, 1, hint]]);
    expect(nothing('repeat: 3\n')).toEqual([['nothing-to-sweep', join(FILES, 's.yaml'), 1, 1, hint]]);
    // A file of repeat and seed alone is fine beside a --set: it is the --set that sweeps.
    expect(buildDefinition(['mesh=none,linkerd'], sweepFile('repeat: 3\n').read.definition, undefined).diagnostics).toEqual([]);
  });

  it('refuses a path through __proto__, and names no inherited key (constructor) as a service, rather than change every object', () => {
    // Before: the first set Object.prototype.x (every later check ended in an internal error), the second
    // silently set nothing, and the third said "services.constructor is a mapping, not a mapping".
    try {
      const polluting = plan(['services.backend.__proto__.x=1']);
      expect(polluting.plan).toBeUndefined();
      expect(polluting.diagnostics.map((d) => [d.code, d.location?.file, d.location?.column])).toEqual([['reserved-key', '--set', 1]]);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
      expect(plan(['services.__proto__.workers=2']).diagnostics.map((d) => d.code)).toEqual(['reserved-key']);
      expect(plan(['services.backend.__proto__={workers: 8}']).diagnostics.map((d) => d.code)).toEqual(['reserved-key']);
      expect(plan(['services.constructor.workers=2']).diagnostics.map((d) => [d.code, d.message]))
        .toEqual([['unknown-path', 'there is no service "constructor"']]);
      // A key the file format does not have is that, at the --set that wrote it.
      expect(plan(['simulation.constructor.x=1']).diagnostics.map((d) => [d.code, d.location?.file])).toEqual([['unknown-key', '--set']]);
    } finally {
      delete (Object.prototype as Record<string, unknown>).x;
    }
  });

  it('points at a repeated point or grid value in the sweep file, and says what repeat is for', () => {
    const fromFile = (text: string) => {
      const { read } = sweepFile(text);
      return read.definition ? planFile(read.definition).diagnostics : read.diagnostics;
    };
    const at = (ds: ReturnType<typeof fromFile>) => ds.map((d) => `${d.location?.line}:${d.location?.column} ${d.code}`);
    expect(at(fromFile('points:\n  - {entrypoints.web.rate: 10/s}\n  - {entrypoints.web.rate: 10/s}\n'))).toEqual(['3:6 duplicate-point']);
    expect(at(fromFile('grid:\n  services.backend.replicas: [1, 2, 1]\n'))).toEqual(['2:37 duplicate-point']);
    const repeat = fromFile('repeat: 0\ngrid: {services.backend.replicas: [1, 2]}\n');
    expect(repeat.map((d) => d.hint)).toEqual(['the runs of each point, each with its own seed: 1 runs each once, 5 gives the report confidence bands']);
  });

  it('ignores a sweep file\'s top-level x- keys, the home of anchors its points merge, as a topology\'s; X- is no such key', () => {
    const { read } = sweepFile('x-base: &base {services.backend.replicas: 2}\npoints:\n  - {<<: *base, entrypoints.web.rate: 10/s}\n  - {<<: *base, entrypoints.web.rate: 20/s}\n');
    expect(read.diagnostics).toEqual([]);
    const planned = planFile(read.definition!);
    expect(planned.diagnostics).toEqual([]);
    expect(planned.plan!.points.map((p) => p.params)).toEqual([
      { 'services.backend.replicas': 2, 'entrypoints.web.rate': '10/s' },
      { 'services.backend.replicas': 2, 'entrypoints.web.rate': '20/s' },
    ]);
    expect(sweepFile('X-base: 1\npoints: [{entrypoints.web.rate: 10/s}]\n').read.diagnostics.map((d) => [d.code, d.location?.line])).toEqual([['unknown-key', 1]]);
  });

  it('refuses values that are one value in two units, naming both spellings where they are written', () => {
    const fromFile = (text: string) => {
      const { file, read } = sweepFile(text, 'sweep.yaml');
      if (!read.definition) throw new Error(formatDiagnostics(read.diagnostics));
      return { file, diagnostics: planFile(read.definition).diagnostics };
    };
    // A grid in a sweep file: at the later value's file:line:column, the earlier one's place in the message.
    const grid = fromFile('grid:\n  entrypoints.web.rate: [50/s, 100/s, 6000/m]\n');
    expect(grid.diagnostics.map((d) => [d.code, d.location?.file, d.location?.line, d.location?.column])).toEqual([['duplicate-value', grid.file, 2, 39]]);
    expect(formatDiagnostics(grid.diagnostics).replaceAll(grid.file, 'sweep.yaml')).toMatchInlineSnapshot(`
      "sweep.yaml:2:39: error[duplicate-value]: entrypoints.web.rate: 100/s (at sweep.yaml:2:32) and 6000/m are equal after unit conversion: the two would run the same point twice
          2 |   entrypoints.web.rate: [50/s, 100/s, 6000/m]
            |                                       ^
        hint: keep one of 100/s and 6000/m; each value runs once, whatever its unit

      1 error, 0 warnings"
    `);
    // Durations, in a --set: 1s and 1000ms, the column of each.
    const set = plan(['simulation.warmup=1s,1000ms,2s'], { duration: 5 });
    expect(set.plan).toBeUndefined();
    expect(set.diagnostics.map((d) => [d.code, d.location?.file, d.location?.column, d.message])).toEqual([
      ['duplicate-value', '--set', 22, '1s (at --set:1:19) and 1000ms are equal after unit conversion: the two would run the same point twice'],
    ]);
    expect(set.diagnostics[0].hint).toBe('keep one of 1s and 1000ms; each value runs once, whatever its unit');
    // Sizes: a bare whole number in a size field is bytes, so 1000 is 1000B (before, the point ran twice); 1000 alone is fine.
    expect(plan(['services.backend.responseSize=1000,1000B,2KB']).diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['duplicate-value', '1000 (at --set:1:31) and 1000B are equal after unit conversion: the two would run the same point twice'],
    ]);
    expect(plan(['services.backend.responseSize=1000,2KB']).plan).toBeDefined();
    expect(plan(['services.backend.workers=1,2']).plan).toBeDefined();
    // Inside a mapping too: a distribution whose mean is written in µs is the one written in ms.
    expect(plan(['services.backend.serviceTime={dist: exponential, mean: 8ms},{dist: exponential, mean: 8000us}']).diagnostics.map((d) => d.code))
      .toEqual(['duplicate-value']);
    // A bare duration is a constant distribution: 8ms and {dist: constant, value: 8000us} load as one (before, the point ran twice).
    expect(plan(['services.backend.serviceTime=8ms,{dist: constant, value: 8000us}']).diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['duplicate-value', '8ms (at --set:1:30) and {"dist":"constant","value":"8000us"} are equal after unit conversion: the two would run the same point twice'],
    ]);
    expect(plan(['mesh={profile: istio-sidecar, sidecar: {requestCost: 30us}},{profile: istio-sidecar, sidecar: {requestCost: {dist: constant, value: 30us}}}'])
      .diagnostics.map((d) => d.code)).toEqual(['duplicate-value']);
    expect(fromFile('points:\n  - {services.backend.serviceTime: 8ms}\n  - {services.backend.serviceTime: {dist: constant, value: 8ms}}\n')
      .diagnostics.map((d) => [d.code, d.location?.line])).toEqual([['duplicate-point', 3]]);
    // Another constant, or another distribution of the same mean, is another point.
    expect(plan(['services.backend.serviceTime=8ms,{dist: constant, value: 9ms},{dist: exponential, mean: 8ms}']).plan).toBeDefined();
    // Explicit points of a sweep file: the later point, with the first's place.
    const points = fromFile('points:\n  - {simulation.duration: 2s}\n  - {simulation.duration: 2000ms}\n');
    expect(points.diagnostics.map((d) => [d.code, d.location?.line, d.location?.column])).toEqual([['duplicate-point', 3, 6]]);
    expect(points.diagnostics[0].message).toBe(
      `the point simulation.duration="2000ms" is the point simulation.duration="2s" (at ${points.file}:2:6) in other units: equal after unit conversion, it would run twice`);
    // Different values are different points, whatever their units.
    expect(plan(['simulation.warmup=1s,1ms,1m'], { duration: 120 }).plan).toBeDefined();
    expect(plan(['entrypoints.web.rate=1/s,60/s,1/m']).plan).toBeDefined();
    expect(plan(['mesh=none,istio-sidecar']).plan).toBeDefined();
  });

  it('turns a mesh name into overrides for mesh.* paths', () => {
    const source = SOURCE.replace('simulation:', 'mesh: istio-sidecar\nsimulation:');
    const loaded = loadTopologySource(source, FILE, { patches: [{ path: ['mesh', 'sidecar', 'workers'], value: 4 }] });
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.topology?.mesh.name).toBe('istio-sidecar');
    expect(loaded.topology?.mesh.sidecar?.workers).toBe(4);
  });

  it('reads a sweep file: grid, range mapping, points and repeat, combined', () => {
    const read = readSweepFile('test/fixtures/sweep/grid.yaml');
    expect(read.diagnostics).toEqual([]);
    const r = planSweep(FILE, SOURCE, read.definition!);
    expect(r.plan?.points.length).toBe(12);
    expect(r.plan?.runs).toBe(24);
    expect(r.plan?.points[0].params).toEqual({ 'entrypoints.web.rate': '50/s', mesh: 'none', 'services.backend.replicas': 1 });
  });
});

describe('sweep file mistakes', () => {
  it('a misspelt key in a range mapping is named, with the key it probably meant', () => {
    const { file, read } = sweepFile('grid:\n  entrypoints.web.rate: {from: 100/s, to: 300/s, stp: 100/s}\n', 'typo.yaml');
    expect(read.definition).toBeUndefined();
    expect(formatDiagnostics(read.diagnostics)).toContain(`${file}:2:50: error[unknown-key]: grid["entrypoints.web.rate"].stp: unknown key "stp" in a range`);
    expect(formatDiagnostics(read.diagnostics)).toContain('hint: did you mean "step"?');
  });
});

describe('the knee', () => {
  it('is the last flat point before a hockey stick turns up', () => {
    const ys = [10, 10.5, 11, 11.5, 12, 40, 100];
    expect(findKnee(ys.map((y, i) => ({ x: (i + 1) * 100, y })))).toBe(500);
  });

  it('is absent on a flat or a straight curve', () => {
    expect(findKnee([1, 1.1, 1.2, 1.3].map((y, i) => ({ x: i, y })))).toBeNull();
    expect(findKnee([1, 2, 3, 4, 5].map((y, i) => ({ x: i, y })))).toBeNull();
  });
});

describe('what a sweep refuses before it runs', () => {
  it('counts a huge grid without building it: refused at once, not out of memory', () => {
    const r = plan(['services.frontend.workers=1..3000', 'services.backend.workers=1..3000']);
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['too-many-runs']);
    expect(r.diagnostics[0].message).toContain('9000000 runs');
  });

  it('refuses more runs than its results file could hold and still be read back (≈ 800 bytes a run)', () => {
    // 1,000 × 200 points: 200,000 runs. Accepted before (the cap was 1,000,000, where results of one entry point pass 512 MiB).
    const r = plan(['services.frontend.workers=1..1000', 'services.backend.workers=1..200']);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['too-many-runs']);
    expect(r.diagnostics[0].message).toBe('the sweep has 200000 runs, more than 100000');
  });

  it('refuses a run-wide flag that would replace a swept value at every point', () => {
    const refused = (sets: string[], options: SweepOptions) => plan(sets, options).diagnostics.map((d) => `${d.path[0]}: ${d.message}`);
    expect(refused(['simulation.warmup=1s,2s'], { warmup: 0.5 })).toEqual([
      '--warmup: --warmup and the swept simulation.warmup both set it: the flag would replace the swept value at every point',
    ]);
    expect(refused(['costs.vcpuHour=0.01,1'], { costs: { vcpuHour: 0.05 } })).toHaveLength(1);
    expect(refused(['mesh=istio-sidecar', 'mesh.mtls.enabled=true,false'], { mtls: true })).toHaveLength(1);
    // A profile named by the grid is adjusted by the flag, as on run: no conflict.
    expect(refused(['mesh=none,istio-sidecar'], { mtls: false })).toEqual([]);
  });

  it('refuses a length flag over a length that a sweep file\'s points set', () => {
    const { read } = sweepFile('points:\n  - {simulation.duration: 3s}\n  - {simulation.duration: 6s}\n', 'points.yaml');
    if (!read.definition) throw new Error(formatDiagnostics(read.diagnostics));
    const r = planSweep(FILE, SOURCE, read.definition, { duration: 4, warmup: 1 });
    expect(r.diagnostics.map((d) => d.message)).toContain("--duration and --set simulation.duration both set the run's length");
  });

  it('says a profile path a point names is relative to the topology\'s directory, not the --set or sweep file\'s', () => {
    const r = plan(['mesh=meshes/kuma.yaml']);
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.code}: ${d.hint}`)).toEqual([
      'file-not-found: check the path; it is relative to "test/fixtures/sweep", the topology file\'s directory',
    ]);
  });

  it('counts the mesh profile files its points use in the sweep\'s identity', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-prof-'));
    const profile = join(dir, 'p.yaml');
    const original = readFileSync('topologies/meshes/linkerd.yaml', 'utf8');
    writeFileSync(profile, original);
    const id = () => plan([`mesh=${profile}`]).plan!.id;
    const before = id();
    writeFileSync(profile, original.replace('responseCost: 14us', 'responseCost: 3ms'));
    // Before: the same id, so shards or a resume mixed runs of two different profiles.
    expect(id()).not.toBe(before);
  });
});

describe('the sweep report\'s series', () => {
  it('keeps a quantile band at least the histogram\'s ±0.5 % wide when the repeats agree exactly', async () => {
    const { sweepReportModel } = await import('../../reports/sweep/model.js');
    const { readSweepRecords } = await import('../../sim/sweep/store.js');
    const out = join(mkdtempSync(join(tmpdir(), 'meshtax-band-')), 'r.ndjson');
    const { spawnSync } = await import('node:child_process');
    // Constant 1 ms hops: every repeat's p99 is the same bucket, 5 ms.
    const r = spawnSync(process.execPath, ['dist/bin/meshtax.js', 'sweep', 'topologies/chain5.yaml', '--set', 'services.db.workers=8,16',
      '--repeat', '3', '--requests', '500', '-o', out, '-q', '--workers', '1'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const rows = sweepReportModel(readSweepRecords(out).records, {}).rows;
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const p99 = row.p99.value as number;
      expect(p99).toBeCloseTo(0.005, 4);
      expect(row.p99.lo).toBeCloseTo(p99 * 0.995, 12);
      expect(row.p99.hi).toBeCloseTo(p99 * 1.005, 12);
    }
  });

  it('keeps an aborted run on its mesh\'s curve, not a series called "aborted"', async () => {
    const { sweepReportModel } = await import('../../reports/sweep/model.js');
    const { readSweepRecords } = await import('../../sim/sweep/store.js');
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-aborted-'));
    const out = join(dir, 'r.ndjson');
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['dist/bin/meshtax.js', 'sweep', FILE, '--set', 'entrypoints.web.rate=50/s,100/s', '--duration', '3s', '-o', out, '-q', '--workers', '1'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const records = readSweepRecords(out).records;
    // The second point as if it had stopped itself, overloaded.
    const last = records[records.length - 1];
    delete last.summary;
    last.aborted = { message: 'queues grew without bound' };
    const model = sweepReportModel(records, {});
    expect(new Set(model.rows.map((row) => row.series))).toEqual(new Set(['none']));
  });

  it('finds an aborted run\'s mesh whatever order its record lists the mesh parameters in', async () => {
    const { sweepReportModel } = await import('../../reports/sweep/model.js');
    const { readSweepRecords } = await import('../../sim/sweep/store.js');
    const out = join(mkdtempSync(join(tmpdir(), 'meshtax-aborted-')), 'r.ndjson');
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['dist/bin/meshtax.js', 'sweep', FILE, '--set', 'mesh.profile=linkerd', '--set', 'mesh.mtls.enabled=false',
      '--set', 'entrypoints.web.rate=50/s,100/s', '--duration', '3s', '-o', out, '-q', '--workers', '1'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const records = readSweepRecords(out).records;
    // The second point stopped itself, and its record (built in code, say) lists its parameters in another order.
    const last = records[records.length - 1];
    delete last.summary;
    last.aborted = { message: 'queues grew without bound' };
    last.params = Object.fromEntries(Object.entries(last.params).reverse());
    // Before: its mesh parameters, in another order, matched no completed run's, and it was a series of its own,
    // "(file's value)", since no parameter is named mesh.
    expect(new Set(sweepReportModel(records, {}).rows.map((row) => row.series))).toEqual(new Set(['linkerd']));
  });

  const sweepOf = async (args: string[]) => {
    const { readSweepRecords } = await import('../../sim/sweep/store.js');
    const out = join(mkdtempSync(join(tmpdir(), 'meshtax-sweep-')), 'r.ndjson');
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['dist/bin/meshtax.js', 'sweep', ...args, '-o', out, '-q', '--workers', '1'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return readSweepRecords(out).records;
  };

  it('keeps every point of a sweep whose runs all stopped themselves, saturated, with the reason', async () => {
    const { sweepReportModel } = await import('../../reports/sweep/model.js');
    const { sweepModelCsv } = await import('../../reports/sweep/csv.js');
    const records = await sweepOf([FILE, '--set', 'entrypoints.web.rate=50/s,100/s', '--duration', '3s']);
    for (const r of records) {
      delete r.summary;
      r.aborted = { message: 'queues grew without bound' };
    }
    // Before: no rows, no charts, a CSV of its header alone.
    const model = sweepReportModel(records, {});
    expect(model.rows).toHaveLength(2);
    expect(model.rows.every((r) => r.saturated && r.abort === 'queues grew without bound')).toBe(true);
    const csv = sweepModelCsv(model).split('\n');
    expect(csv[0].endsWith(',saturated,knee,aborted_reason,warnings')).toBe(true);
    expect(csv.slice(1).filter((l) => l.endsWith(',queues grew without bound,'))).toHaveLength(2);
  });

  it('says why runs stopped as they did, and which points show the runs that finished, not "queues grew without bound" for all', async () => {
    const { renderSweepReport } = await import('../../reports/sweep/index.js');
    const records = await sweepOf([FILE, '--set', 'entrypoints.web.rate=50/s,100/s', '--duration', '2s', '--repeat', '2']);
    expect(records.map((r) => r.point)).toEqual([0, 0, 1, 1]);
    // Both runs of the first point, and one of the second, stopped: closed-loop users stuck at one instant, no queue at all.
    const loop = 'stopped at t=0.0s: the closed-loop users of "web" resend request after request at the same instant';
    for (const r of records.slice(0, 3)) {
      delete r.summary;
      r.aborted = { message: loop };
    }
    const warnings = /<div class="warnings"><strong>Read these numbers with care<\/strong><ul>(.*?)<\/ul><\/div>/.exec(renderSweepReport(records))?.[1] ?? '';
    expect(warnings.split('</li>')[0]).toBe(
      '<li>3 runs stopped before the end, each for the reason in its row\'s tooltip (and the CSV\'s aborted_reason): ' +
        '1 point whose every run stopped has no values; 1 point shows only the runs that finished.',
    );
    expect(warnings).not.toContain('grew without bound');
    // The point with no values is not counted again among the saturated points whose latencies are shown.
    expect(warnings).not.toContain('At 2 points');
  });

  it('does not call a point saturated whose runs stopped in a closed loop stuck at one instant (no queue grew)', async () => {
    const { sweepReportModel } = await import('../../reports/sweep/model.js');
    const { sweepModelCsv } = await import('../../reports/sweep/csv.js');
    const records = await sweepOf(['test/fixtures/sweep/loop.yaml', '--set', 'services.server.workers=1,2']);
    expect(records.map((r) => r.aborted?.reason)).toEqual(['zero-time-loop', 'zero-time-loop']);
    const model = sweepReportModel(records, {});
    expect(model.rows.map((r) => [r.saturated, r.aborted])).toEqual([[false, 1], [false, 1]]);
    // Before: saturated=true for both, and shaded as a queue that kept growing.
    expect(sweepModelCsv(model).split('\n').slice(1).filter((l) => l.includes(',false,false,"stopped at t=0.0s: the closed-loop users'))).toHaveLength(2);
    // A file written before the reason was kept reads as an overload, as it was.
    for (const r of records) delete r.aborted?.reason;
    expect(sweepReportModel(records, {}).rows.every((r) => r.saturated)).toBe(true);
  });

  it('keeps the ±0.5 % band for a single run a point too, and shows no null interval where there is none', async () => {
    const { sweepReportModel } = await import('../../reports/sweep/model.js');
    const { sweepCharts } = await import('../../reports/sweep/charts.js');
    const model = sweepReportModel(await sweepOf(['topologies/chain5.yaml', '--set', 'services.db.workers=8,16', '--requests', '500']), {});
    for (const row of model.rows) {
      const p99 = row.p99.value as number;
      // Before: [0.005, 0.005], every batch's p99 in one bucket.
      expect(row.p99.lo).toBeLessThanOrEqual(p99 * 0.995 + 1e-15);
      expect(row.p99.hi).toBeGreaterThanOrEqual(p99 * 1.005 - 1e-15);
    }
    const charts = JSON.stringify(sweepCharts(model));
    const errors = sweepCharts(model).find((c) => c.id.includes('error'));
    expect(errors).toBeDefined();
    // Error rate of single runs has no interval: its tooltip said "95 % low: null".
    expect(JSON.stringify(errors!.spec)).not.toContain('95 % low');
    expect(charts).toContain('"labelLimit":0');
    const { seriesScale } = await import('../../reports/sweep/charts.js');
    const many = { ...model, series: Array.from({ length: 20 }, (_, i) => `linkerd, k=${i}`), rows: [] };
    expect(new Set(seriesScale(many).range).size).toBe(20);
    // All-zero error rates labelled their one tick "0.000000": the metric's own format now.
    expect(JSON.stringify(errors!.spec)).toMatch(/"y":\{[^}]*"axis":\{"format"/);
  });

  it('labels an error rate of a few per million, and a proxy fleet of a thousandth of a vCPU, with digits, not "0"', async () => {
    const { sweepReportModel } = await import('../../reports/sweep/model.js');
    const { sweepCharts } = await import('../../reports/sweep/charts.js');
    const { renderChart } = await import('../../reports/charts/render.js');
    const model = sweepReportModel(await sweepOf(['topologies/chain5.yaml', '--set', 'services.db.workers=8,16,32', '--requests', '300']), {});
    // Rare failures and a nearly idle fleet: 0.0002 %-0.0006 % and 0.0001-0.0003 vCPU.
    model.rows.forEach((row, i) => {
      row.errorRate = { value: (i + 1) * 2e-6, lo: null, hi: null };
      row.proxyVcpu = { value: (i + 1) * 1e-4, lo: null, hi: null };
    });
    for (const id of ['error', 'vcpu']) {
      const chart = sweepCharts(model).find((c) => c.id.includes(id))!;
      const { svg } = await renderChart(chart.spec);
      const ticks = [...svg.matchAll(/<text[^>]*>(0[.\d]*)<\/text>/g)].map((m) => m[1]);
      // Before: ".3~f" wrote these axes' ticks as "0 0 0 0 0 0.001 0.001" and "0 0 0 0 0 0 0".
      expect(ticks.length, id).toBeGreaterThan(2);
      expect(new Set(ticks).size, id).toBe(ticks.length);
    }
  });

  it('plots an x swept in mixed units on one numeric axis, and says why a short series has no knee', async () => {
    const { sweepReportModel } = await import('../../reports/sweep/model.js');
    const { renderSweepReport } = await import('../../reports/sweep/index.js');
    const records = await sweepOf([FILE, '--set', 'services.backend.serviceTime=500us,1ms,2ms', '--duration', '2s']);
    const model = sweepReportModel(records, {});
    // Before: "not numeric", three evenly spaced categories.
    expect(model.rows.map((r) => r.x)).toEqual([0.0005, 0.001, 0.002]);
    // The header lists numeric values by size, as a shard (every n-th run of the grid) would otherwise meet them out of order.
    const shuffled = sweepReportModel(await sweepOf([FILE, '--set', 'entrypoints.web.rate=250/s,50/s,100/s', '--duration', '2s']), {});
    expect(shuffled.swept.find((p) => p.key === 'entrypoints.web.rate')!.values).toEqual(['50/s', '100/s', '250/s']);
    const two = await sweepOf([FILE, '--set', 'entrypoints.web.rate=50/s,250/s', '--duration', '2s']);
    expect(renderSweepReport(two)).toContain('no knee — fewer than 3 points with a p99 to find one in');
  });
});
