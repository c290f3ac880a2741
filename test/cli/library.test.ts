import { compareTable } from '../../reports/compareTable.js';
import { buildInvoice, invoiceText } from '../../reports/invoice.js';
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadTopologyFile, loadTopologySource, runTopology, compareMeshes, compareMeshesParallel, compareRuns, formatDiagnostics, listMeshProfiles,
  reportModel, renderHtmlReport, buildCharts, chartList, buildDefinition, planSweep, SimulationAbort, writeChartFiles, type ReportModel, type Component,
} from '../../sim/index.js';
import { DiagnosticError } from '../../sim/diagnostics/types.js';

describe('library API (the README example)', () => {
  it('refuses run options that would measure nothing, naming where each value came from', () => {
    const { topology } = loadTopologyFile('topologies/bookinfo.yaml');
    if (!topology) throw new Error('bookinfo');
    const problems = (options: Parameters<typeof runTopology>[1]) => {
      try {
        runTopology(topology, options);
        return 'ran';
      } catch (e) {
        if (!(e instanceof DiagnosticError)) throw e;
        return formatDiagnostics(e.diagnostics);
      }
    };
    // bookinfo warms up for 10 s.
    expect(problems({ duration: 10 })).toContain("the warm-up (10s, the topology's) must be shorter than the duration (10s, given)");
    expect(problems({ duration: 20, warmup: 30 })).toContain('the warm-up (30s, given) must be shorter than the duration (20s, given)');
    expect(problems({ duration: -1 })).toContain('--duration -1s: the run must last longer than 0');
    expect(problems({ duration: 20, warmup: -2 })).toContain('--warmup -2s: the warm-up cannot be negative');
    expect(problems({ duration: 1, warmup: 0, requests: undefined })).toBe('ran');
    // What the CLI's parser would refuse is refused here too: no hang on an
    // endless run, no TypeError deep inside, no silent rounding.
    expect(problems({ requests: NaN })).toContain('--requests NaN: the measured requests to complete must be a whole number, at least 1');
    expect(problems({ requests: Infinity })).toContain('--requests Infinity');
    expect(problems({ requests: 0 })).toContain('--requests 0');
    expect(problems({ requests: 1.5 })).toContain('--requests 1.5');
    expect(problems({ duration: Infinity })).toContain('--duration Infinity: the run must last longer than 0, and end');
    expect(problems({ duration: 20, replications: 2.5 })).toContain('--replications 2.5: replications must be a whole number, at least 1');
    expect(problems({ duration: 20, replications: NaN })).toContain('--replications NaN');
    expect(problems({ duration: 20, seed: -1 })).toContain('--seed -1: the seed must be a whole number, 0 or more');
    expect(problems({ duration: 20, seed: 2 ** 60 })).toContain('--seed 1152921504606847000: too large, at most 9007199254740991');
    expect(problems({ duration: 20, maxFramesInFlight: 0 })).toContain('maxFramesInFlight 0');
  });

  it('says an option written as the CLI or a file would ("10s") takes a number, and which', () => {
    const { topology } = loadTopologyFile('topologies/mm1.yaml');
    if (!topology) throw new Error('mm1');
    const said = (options: Record<string, unknown>): string => {
      try {
        runTopology(topology, options as Parameters<typeof runTopology>[1]);
        return 'ran';
      } catch (e) {
        if (!(e instanceof DiagnosticError)) throw e;
        return formatDiagnostics(e.diagnostics);
      }
    };
    // Before: "--duration 10s: the run must last longer than 0, and end", hint "for example --duration 60s".
    expect(said({ duration: '10s' })).toBe(
      'error[bad-option]: duration: got the string "10s"; RunOptions.duration is a number of seconds\n  hint: pass { duration: 10 }, the seconds in "10s"\n\n1 error, 0 warnings',
    );
    expect(said({ duration: 3, warmup: '250ms' })).toContain('warmup: got the string "250ms"; RunOptions.warmup is a number of seconds\n  hint: pass { warmup: 0.25 }');
    expect(said({ requests: '500' })).toContain('requests: got the string "500"; RunOptions.requests is a number\n  hint: pass the number itself: { requests: 500 }');
    expect(said({ duration: 3, seed: true })).toContain('seed: got a boolean; RunOptions.seed is a number\n  hint: for example { seed: 7 }');
    expect(said({ duration: 3, warmup: 1 })).toBe('ran');
  });

  it('runs and compares through the public entry point', () => {
    const { topology, diagnostics } = loadTopologyFile('topologies/bookinfo.yaml');
    if (!topology) throw new Error(formatDiagnostics(diagnostics));
    const result = runTopology(topology, { seed: 7, duration: 20, warmup: 2 });
    expect(result.entrypoints[0].latency.p99).toBeGreaterThan(0);
    expect(result.resources.proxyVcpu).toBe(0);
    const meshes = ['none', 'istio-sidecar', 'linkerd'].map((mesh) => {
      const t = loadTopologyFile('topologies/bookinfo.yaml', { mesh }).topology;
      if (!t) throw new Error(mesh);
      return t;
    });
    const invoice = compareMeshes(meshes, { duration: 20 });
    expect(invoice.invoice[0].rows.map((r) => r.mesh)).toEqual(['none', 'istio-sidecar', 'linkerd']);
    expect(invoice.invoice[0].rows[1].p50.delta).toBeGreaterThan(0);
    expect(listMeshProfiles()).toEqual(['cilium', 'istio-ambient', 'istio-ambient-waypoint', 'istio-sidecar', 'linkerd', 'none']);
    // One mode has nothing to share its random numbers with, and the header does not claim it.
    const alone = compareTable(compareMeshes([meshes[0]], { duration: 12 })).split('\n')[0];
    expect(alone).toBe('bookinfo — none alone, seed 42');
    // Replications are named, as run's header names them.
    expect(compareTable(compareMeshes(meshes.slice(0, 2), { duration: 12, replications: 2 })).split('\n')[0])
      .toBe('bookinfo — istio-sidecar against none, mTLS on, seed 42, 2 replications, same random numbers in every mode');
    const one = compareMeshes([meshes[1]], { duration: 12 });
    expect(compareTable(one)).not.toContain('change against');
    expect(invoiceText(buildInvoice(reportModel(one)))).toMatch(/^bookinfo under istio-sidecar alone; meshtax compare --mesh none,istio-sidecar,… with more than one mode/);
    expect(compareTable(invoice).split('\n')[0]).toBe('bookinfo — istio-sidecar, linkerd against none, mTLS on, seed 42, same random numbers in every mode');
  });

  it('takes hooks and worker counts that cannot change the result, hang or share state with it', async () => {
    const { topology } = loadTopologyFile('topologies/bookinfo.yaml');
    if (!topology) throw new Error('bookinfo');
    const plain = JSON.stringify(runTopology(topology, { duration: 12 }));
    // A NaN progress interval made every chunk zero events: 0 requests, no error.
    const watched = runTopology(topology, { duration: 12 }, { onProgress: () => {}, progressEvery: NaN });
    expect(JSON.stringify(watched)).toBe(plain);
    // NaN workers started no thread, and the promise never settled.
    await expect(compareMeshesParallel([topology], { duration: 12 }, { workers: NaN })).rejects.toThrow(/--workers NaN: the worker threads must be a whole number/);
    // A result's profile sources were the topology's own array: editing one edited the next run's.
    const first = runTopology(topology, { duration: 12 });
    first.mesh.sources.push('edited');
    expect(topology.mesh.sources).not.toContain('edited');
    expect(JSON.stringify(runTopology(topology, { duration: 12 }))).toBe(plain);
  });

  it('refuses what a caller could build in code that a file could not say', () => {
    const load = (file: string) => {
      const t = loadTopologyFile(file).topology;
      if (!t) throw new Error(file);
      return t;
    };
    const refused = (f: () => unknown): string => {
      try {
        f();
        return 'ran';
      } catch (e) {
        if (!(e instanceof DiagnosticError)) throw e;
        return formatDiagnostics(e.diagnostics);
      }
    };
    // Different topologies were paired by entry-point position: bookinfo's web reported as mm1's clients.
    expect(refused(() => compareMeshes([load('topologies/mm1.yaml'), load('topologies/bookinfo.yaml')], { duration: 12 })))
      .toContain('compareMeshes compares one topology under several meshes');
    // Nothing to compare: was a plain Error, not a diagnostic.
    expect(refused(() => compareMeshes([]))).toContain('error[bad-option]: compareMeshes was given no topology');
    expect(refused(() => compareRuns([]))).toContain('compareMeshes was given no topology');
    // Edited in code: workers 0 ran and completed nothing, silently.
    const edited = load('topologies/mm1.yaml');
    edited.services[0].workers = 0;
    expect(refused(() => runTopology(edited, { duration: 12 }))).toContain('services.server.workers 0: must be a whole number, at least 1');
    // A rollout's limits edited in code: NaN never ended the planner, a missing one failed inside it.
    const rolled = loadTopologySource('name: r\nservices: {a: {serviceTime: 1ms, replicas: 2}}\nentrypoints: {w: {target: a, rate: 1/s}}\ntimeline: [{at: 1s, rollout: {service: a}}]\n', 'r.yaml').topology!;
    const ev = rolled.timeline[0] as Extract<(typeof rolled.timeline)[number], { kind: 'rollout' }>;
    ev.maxUnavailable = { value: NaN, percent: false };
    expect(refused(() => runTopology(rolled, { duration: 12 }))).toContain('timeline[0].rollout.maxUnavailable');
    // yaml failed deep inside on a non-string source.
    expect(formatDiagnostics(loadTopologySource(null as unknown as string, 'x.yaml').diagnostics)).toContain('the source must be the file\'s text');
    // A sweep of repeat 0 planned no runs and reported itself complete.
    const built = buildDefinition(['entrypoints.web.rate=50/s,100/s'], undefined, 0);
    const plan = planSweep('test/fixtures/sweep/small.yaml', readFileSync('test/fixtures/sweep/small.yaml', 'utf8'), built.definition!);
    expect(plan.plan).toBeUndefined();
    expect(formatDiagnostics(plan.diagnostics)).toContain('--repeat 0: the repeats must be a whole number, at least 1');
    // A NaN seed was hashed into every run's; a negative price priced the proxies below nothing.
    const once = buildDefinition(['entrypoints.web.rate=50/s,100/s'], undefined, 1).definition!;
    const bad = planSweep('test/fixtures/sweep/small.yaml', readFileSync('test/fixtures/sweep/small.yaml', 'utf8'), once, { seed: NaN, costs: { vcpuHour: -1 } });
    expect(bad.plan).toBeUndefined();
    expect(formatDiagnostics(bad.diagnostics)).toContain('--seed NaN');
    expect(formatDiagnostics(bad.diagnostics)).toContain('--vcpu-hour -1: a price must be from 0');
  });

  it('exports what its functions take, return and throw', () => {
    const t = loadTopologyFile('topologies/mm1.yaml').topology!;
    const model: ReportModel = reportModel(runTopology(t, { duration: 12, warmup: 1 }));
    expect(chartList(buildCharts(model)).length).toBeGreaterThan(0);
    const app: Component = 'appWork';
    expect(model.runs[0].entrypoints[0].decomposition[app]).toBeGreaterThan(0);
    expect(new SimulationAbort('stopped', 'a hint').hint).toBe('a hint');
  });

  it('says what is wrong with results a JavaScript caller hands the report, not a TypeError', () => {
    const refusal = (input: unknown): string => {
      try {
        renderHtmlReport(input as Parameters<typeof renderHtmlReport>[0]);
        return 'rendered';
      } catch (e) {
        return e instanceof DiagnosticError ? formatDiagnostics(e.diagnostics) : `${(e as Error).name}: ${(e as Error).message}`;
      }
    };
    expect(refusal({})).toContain('not a meshtax results document');
    const run = runTopology(loadTopologyFile('topologies/mm1.yaml').topology!, { duration: 12, warmup: 1 });
    expect(refusal({ ...run, services: undefined })).toContain('neither a run nor a compare results document');
    // A run that measured nothing (NaN in memory, null in a file) is still a run.
    expect(refusal(run)).toBe('rendered');
    // The latency the report shows is checked by name, as its numbers are.
    const saved = JSON.parse(JSON.stringify(run));
    saved.entrypoints[0].latency = null;
    expect(refusal(saved)).toContain('error[bad-results]: the results given to the report: entrypoints[0] ("clients").latency is not an object');
    // Deeper than those checks: a value a chart reads is missing.
    const deeper = JSON.parse(JSON.stringify(run));
    delete deeper.entrypoints[0].decomposition;
    expect(refusal(deeper)).toContain('error[bad-results]: the results given to the report: the results lack a value the report reads');
  });

  it('writes no chart files from results lacking a value a chart reads, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-charts-'));
    try {
      const run = JSON.parse(JSON.stringify(runTopology(loadTopologyFile('topologies/mm1.yaml').topology!, { duration: 12, warmup: 1 })));
      run.entrypoints[0].latency = null;
      const thrown = await writeChartFiles(join(dir, 'charts'), run).then(() => undefined, (e: unknown) => e);
      expect(thrown).toBeInstanceOf(DiagnosticError);
      expect(existsSync(join(dir, 'charts'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
