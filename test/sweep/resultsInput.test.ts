/**
 * Results files as hands and editors leave them: a number edited into a
 * summary (a string, a negative, an absurd magnitude) is refused at its
 * file:line instead of passing into the report without a word; a byte-order
 * mark before the first line is no part of it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';
import { mergeResults } from '../../sim/sweep/merge.js';
import { readSweepRecords } from '../../sim/sweep/store.js';
import { readSweepFile } from '../../sim/sweep/definition.js';
import { cli } from '../cli/inProcess.js';

const dir = mkdtempSync(join(tmpdir(), 'meshtax-results-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A line as meshtax sweep writes it, with `edit` applied to its entry point's summary. */
function line(run: number, edit: Record<string, unknown> = {}): string {
  const entry = {
    name: 'web', completed: 113, failed: 0, errorRate: 0, throughput: 112, mean: 0.0105, p50: 0.0081, p99: 0.0349,
    ci: { mean: [0.0082, 0.0129], p50: [0.0053, 0.0101], p99: [0.0199, 0.066] }, meshCaused: 0, ...edit,
  };
  return JSON.stringify({
    sweep: { id: 'd18f90ea2d261611', name: 'sweep-small', topologyHash: 'f3b92d174eba', definitionHash: 'b18fb716ffb0', meshtax: '0.1.0', runs: 2, repeat: 1 },
    run, point: run, repeat: 0, params: { 'services.backend.workers': 2 + run }, seed: 1208959720 + run,
    summary: {
      mesh: { profile: 'none', mode: 'none', mtls: false }, measuredTime: 1, entrypoints: [entry],
      resources: { appVcpu: 1.07, proxyVcpu: 0, proxyMemoryGB: 0, proxyCostPerMonth: 0 }, saturated: [],
    },
  }) + '\n';
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('the numbers of a summary are checked', () => {
  it('a string, a negative or an absurd number is refused at its line, by sweep-report and by merge', () => {
    for (const [edit, says] of [
      [{ p99: 'NaN' }, 'entry point "web": p99 is "NaN", not a number (or null)'],
      [{ p99: -5 }, 'entry point "web": p99 is -5, not a number ≥ 0'],
      [{ mean: 1e308 }, 'entry point "web": mean is 1.00e+308, more than any run gives'],
      [{ completed: 1.5 }, 'entry point "web": completed is 1.5, not a whole number'],
      [{ ci: { mean: [0.1, 'x'], p50: null, p99: null } }, 'entry point "web": ci.mean[1] is "x"'],
    ] as const) {
      const file = write('edited.ndjson', line(0) + line(1, edit));
      const read = readSweepRecords(file);
      expect(read.diagnostics).toHaveLength(1);
      expect(read.diagnostics[0]).toMatchObject({ severity: 'error', code: 'bad-summary', location: { file, line: 2 } });
      expect(read.diagnostics[0].message).toContain(says);
      expect(read.diagnostics[0].hint).toMatch(/edited/);
      const merged = mergeResults([file]);
      expect(merged.text).toBeUndefined();
      expect(formatDiagnostics(merged.diagnostics)).toContain(`${file}:2:1: error[bad-summary]`);
    }
  });

  it('null, which a run saves for a rate or a latency of nothing measured, is no problem', () => {
    const file = write('nulls.ndjson', line(0, { errorRate: null, mean: null, p50: null, p99: null, ci: { mean: null, p50: null, p99: [null, null] } }) + line(1));
    const read = readSweepRecords(file);
    expect(read.diagnostics).toEqual([]);
    expect(read.records).toHaveLength(2);
  });
});

describe('a byte-order mark before the first line', () => {
  it('is no part of the line: the file reads as without it', () => {
    const file = write('bom.ndjson', '\uFEFF' + line(0) + line(1));
    const read = readSweepRecords(file);
    expect(read.diagnostics).toEqual([]);
    expect(read.records.map((r) => r.run)).toEqual([0, 1]);
    const merged = mergeResults([file]);
    expect(merged.diagnostics).toEqual([]);
    // The merged file is as one process would have written it: without the mark.
    expect(merged.text).toBe(line(0) + line(1));
  });
});

describe('a genuine summary of extreme but valid inputs is not refused', () => {
  it('passes a proxy cost beyond 1e15 that a valid profile and price give (a sweep read back its own line as bad-summary)', () => {
    // What `sweep topologies/mm1.yaml --set mesh=istio-sidecar --set mesh.sidecar.memory.base=2000000TB --gb-hour 1000000` writes.
    const text = line(0).replace('"proxyMemoryGB":0,"proxyCostPerMonth":0', '"proxyMemoryGB":2000000000.1134024,"proxyCostPerMonth":1460000000082783700');
    expect(text).toContain('1460000000082783700');
    const file = write('huge-cost.ndjson', text);
    const r = readSweepRecords(file);
    expect(r.diagnostics.filter((d) => d.severity === 'error'), formatDiagnostics(r.diagnostics)).toEqual([]);
    expect(r.records).toHaveLength(1);
  });

  it('passes latencies past warm-up + duration: a drain after the window, a p99 interval reaching past the largest latency', () => {
    // What `sweep topologies/mm1.yaml --set services.server.serviceTime.mean=100000000s --set services.server.workers=1000
    // --set entrypoints.clients.rate=0.000001/s --duration 100000000s --warmup 1s` writes (seed 3).
    const file = write('long-run.ndjson', line(0, {
      completed: 94, mean: 98479034.3410562, p50: 999592.1517988326, p99: 999592.1517988326,
      ci: { mean: [74871160.56298657, 122086908.11912583], p50: [994619.0565162514, 1004615.2279385253], p99: [994619.0565162514, 506494302.2485025] },
    }).replace('"measuredTime":1,', '"measuredTime":99999999,'));
    const r = readSweepRecords(file);
    expect(r.diagnostics.filter((d) => d.severity === 'error'), formatDiagnostics(r.diagnostics)).toEqual([]);
    expect(r.records).toHaveLength(1);
  });
});

describe("a line's point number", () => {
  it("is refused when it is not its run's: the report averaged the run into another point's results", () => {
    // Before: run 1 saying point 0 was grouped with run 0 as one more repeat of point 0 (workers=2 and 3
    // averaged into one row), and point 1 vanished; a line without one was a row of point "undefined".
    const moved = line(1).replace('"point":1', '"point":0');
    const missing = line(1).replace('"point":1,', '');
    expect(moved).not.toBe(line(1));
    expect(missing).not.toBe(line(1));
    const wrong = formatDiagnostics(readSweepRecords(write('moved.ndjson', line(0) + moved)).diagnostics);
    expect(wrong).toContain("moved.ndjson:2:1: error[bad-line]: not a sweep result: its point number (0) is not its run's (run 1 is point 1)");
    const none = formatDiagnostics(readSweepRecords(write('missing.ndjson', line(0) + missing)).diagnostics);
    expect(none).toContain("missing.ndjson:2:1: error[bad-line]: not a sweep result: its point number (missing) is not its run's (run 1 is point 1)");
    expect(readSweepRecords(write('fine.ndjson', line(0) + line(1))).diagnostics).toEqual([]);
  });
});

describe('a results file that does not exist', () => {
  it('is said not to exist, not to hold no results (sweep-report, and readSweepRecords from code)', () => {
    // Before: '"…/misspelt.ndjson" holds no results', as for an empty file, though merge said "does not exist".
    const missing = formatDiagnostics(readSweepRecords(join(dir, 'misspelt.ndjson')).diagnostics);
    expect(missing).toContain('error[no-such-file]: "');
    expect(missing).toContain('misspelt.ndjson" does not exist');
    // Its hint was about shards, to someone who ran one sweep: it says what the file is.
    expect(missing).toContain('hint: check the path: sweep results are the NDJSON file that meshtax sweep -o writes');
    expect(formatDiagnostics(readSweepRecords(write('empty.ndjson', '')).diagnostics)).toContain('empty.ndjson" holds no results');
  });
});

describe('problems that came without a hint', () => {
  it('an empty results file, and a sweep file\'s bad seed, say what to do', () => {
    // Before: "holds no results" and "seed must be a whole number ≥ 0" alone, with no hint line.
    const empty = write('empty-hint.ndjson', '');
    for (const diagnostics of [readSweepRecords(empty).diagnostics, mergeResults([empty]).diagnostics]) {
      expect(diagnostics.map((d) => d.code)).toEqual(['no-results']);
      expect(diagnostics[0].hint).toMatch(/^it is empty: a sweep stopped before its first run finished, or a shard with no runs/);
    }
    const seed = readSweepFile(write('seed.yaml', 'seed: -1\ngrid: {mesh: [none]}\n')).diagnostics;
    expect(seed.map((d) => d.code)).toEqual(['invalid-value']);
    expect(seed[0].hint).toMatch(/^the base seed each run's own seed is derived from/);
  });
});

/** line(run) with `edit` applied to the whole parsed record (its identity, summary, params). */
function edited(run: number, edit: (r: Record<string, any>) => void): string {
  const r = JSON.parse(line(run)) as Record<string, any>;
  edit(r);
  const text = JSON.stringify(r) + '\n';
  expect(text).not.toBe(line(run));
  return text;
}

describe('the labels a report prints, not only its numbers, are checked (fuzzed results files)', () => {
  it('an identity field or a summary label of the wrong type is refused at its line: the report stopped with an internal error', async () => {
    // Before: `sweep-report` exited 1, "internal error: text.replace is not a function" (a name of 5, escaped
    // for the page's title) or "Cannot read properties of null (reading 'profile')" (a mesh of null).
    for (const [edit, says] of [
      [(r) => { r.sweep.name = 5; }, "bad-line]: not a sweep result: its sweep identity's name is 5, not a string"],
      [(r) => { r.sweep.meshtax = null; }, "bad-line]: not a sweep result: its sweep identity's meshtax is null, not a string"],
      [(r) => { r.sweep.repeat = 'x'; }, "bad-line]: not a sweep result: its sweep identity's repeat is \"x\", not a whole number ≥ 1"],
      [(r) => { r.summary.mesh = null; }, 'bad-summary]: its summary is not as meshtax writes it: mesh is not {profile, mode, mtls}'],
      [(r) => { r.summary.mesh.profile = []; }, 'bad-summary]: its summary is not as meshtax writes it: mesh is not {profile, mode, mtls}'],
      [(r) => { r.aborted = { message: 5 }; delete r.summary; }, 'bad-line]: not a sweep result: its "aborted" has no message'],
    ] as Array<[(r: Record<string, any>) => void, string]>) {
      const file = write('label.ndjson', line(0) + edited(1, edit));
      const report = await cli('sweep-report', file, '-o', join(dir, 'label.html'), '-q');
      expect(report.err).not.toContain('internal error');
      expect(report.code).toBe(2);
      expect(report.err).toContain(`${file}:2:1: error[${says}`);
      expect(formatDiagnostics(mergeResults([file]).diagnostics)).toContain(`${file}:2:1: error[${says}`);
    }
  });

  it('a saturated list or warnings that are no list are refused: the point was shown unmarked without a word', () => {
    for (const [edit, says] of [
      [(r) => { r.summary.saturated = 5; }, 'saturated is not a list of names'],
      [(r) => { r.summary.saturated = [3]; }, 'saturated is not a list of names'],
      [(r) => { r.summary.warnings = [{ code: 'short-run', subject: 3 }]; }, 'warnings is not a list of {code, subject}'],
    ] as Array<[(r: Record<string, any>) => void, string]>) {
      const read = readSweepRecords(write('saturated.ndjson', line(0) + edited(1, edit)));
      expect(read.diagnostics.map((d) => [d.code, d.location?.line])).toEqual([['bad-summary', 2]]);
      expect(read.diagnostics[0].message).toContain(says);
    }
    // What a sweep writes for a saturated point with a short-run warning passes.
    const genuine = edited(1, (r) => { r.summary.saturated = ['backend']; r.summary.warnings = [{ code: 'short-run', subject: 'web' }]; });
    expect(readSweepRecords(write('saturated-ok.ndjson', line(0) + genuine)).diagnostics).toEqual([]);
  });

  it("a line carrying the sweep's id with another identity (edited) is refused, by sweep-report and by merge", () => {
    // Before: the report took the first line's identity and showed the file as fine; merge checked the run count only.
    for (const [edit, says] of [
      [(r) => { r.sweep.name = 'other'; }, 'they differ in the topology ("sweep-small" against "other")'],
      [(r) => { r.sweep.meshtax = '9.9.9'; }, 'they differ in the meshtax version (0.1.0 against 9.9.9)'],
      [(r) => { r.sweep.runs = 3; }, 'they differ in the number of runs (2 against 3)'],
    ] as Array<[(r: Record<string, any>) => void, string]>) {
      const file = write('identity.ndjson', line(0) + edited(1, edit));
      const expected = `${file}:2:1: error[bad-line]: its sweep identity is not the one at ${file}:1, though both carry the id d18f90ea2d261611: ${says}`;
      expect(formatDiagnostics(readSweepRecords(file).diagnostics)).toContain(expected);
      const merged = mergeResults([file]);
      expect(merged.text).toBeUndefined();
      expect(formatDiagnostics(merged.diagnostics)).toContain(expected);
    }
  });
});
