/**
 * The README says everything the CLI does is a function; the table and CSV
 * that run and compare print, the JSON as the CLI writes it, and reading a
 * results file back (`meshtax report`, `sweep-report`) were not exported,
 * and a sweep report given records parsed in code checked none of what a
 * results file is checked for: a record lacking its summary was a TypeError
 * from inside the model, a run given twice counted as one more repeat, two
 * sweeps' records were averaged together.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadTopologyFile, runTopology, compareMeshes, runTable, compareTable, runCsv, compareCsv, resultJson, readResultsFile,
  buildDefinition, planSweep, runSweep, readSweepRecords, renderSweepReport, sweepCsv, formatDiagnostics, DiagnosticError, type SweepRecord,
} from '../../sim/index.js';
import { cli } from './inProcess.js';

const MM1 = 'topologies/mm1.yaml';

describe('the library gives what the CLI prints, byte for byte', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshtax-library-'));

  it('run: the table, --csv and --json', async () => {
    const result = runTopology(loadTopologyFile(MM1).topology!, { seed: 3, requests: 2000 });
    const args = [MM1, '--seed', '3', '--requests', '2000', '-q'];
    expect((await cli('run', ...args, '--json')).out).toBe(resultJson(result));
    expect((await cli('run', ...args, '--csv')).out).toBe(runCsv(result));
    expect((await cli('run', MM1, '--seed', '3', '--requests', '2000')).out).toBe(runTable(result));
  }, 60_000);

  it('compare: the table, --csv and --json, and reading the JSON back as `meshtax report` does', async () => {
    const meshes = ['none', 'linkerd'].map((mesh) => loadTopologyFile(MM1, { mesh }).topology!);
    const result = compareMeshes(meshes, { seed: 3, requests: 2000 });
    const args = [MM1, '--mesh', 'none,linkerd', '--seed', '3', '--requests', '2000', '--workers', '1'];
    expect((await cli('compare', ...args, '-q', '--json')).out).toBe(resultJson(result));
    expect((await cli('compare', ...args, '-q', '--csv')).out).toBe(compareCsv(result));
    expect((await cli('compare', ...args)).out).toBe(compareTable(result));
    const file = join(dir, 'compare.json');
    writeFileSync(file, resultJson(result));
    const read = readResultsFile(file);
    expect(read.diagnostics).toEqual([]);
    expect(resultJson(read.input as typeof result)).toBe(resultJson(result));
  }, 60_000);

  it('sweep: reads a results file as sweep-report does, and its CSV is the CLI\'s', async () => {
    const FILE = 'test/fixtures/sweep/small.yaml';
    const plan = planSweep(FILE, readFileSync(FILE, 'utf8'), buildDefinition(['entrypoints.web.rate=20/s,40/s'], undefined, undefined).definition!, { duration: 2 }).plan!;
    const output = join(dir, 'sweep.ndjson');
    await runSweep(plan, { output, workers: 1 });
    const { records, diagnostics } = readSweepRecords(output);
    expect(diagnostics).toEqual([]);
    const csv = join(dir, 'sweep.csv');
    expect((await cli('sweep-report', output, '-o', join(dir, 'sweep.html'), '--csv', csv, '-q')).code).toBe(0);
    expect(sweepCsv(records)).toBe(readFileSync(csv, 'utf8'));

    const refusal = (given: unknown[]): string => {
      try {
        renderSweepReport(given as SweepRecord[]);
        return 'rendered';
      } catch (e) {
        if (e instanceof DiagnosticError) return formatDiagnostics(e.diagnostics);
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    };
    expect(refusal(records)).toBe('rendered');
    expect(refusal([])).toContain('error[no-results]: records: a sweep report needs at least one record');
    expect(refusal([{}])).toContain('error[bad-record]: records[0]: not a sweep result: it has no sweep identity');
    expect(refusal([records[0], { ...records[1], summary: undefined }])).toContain('error[bad-record]: records[1]: not a sweep result: it has no parameters or no results');
    const edited = JSON.parse(JSON.stringify(records[1])) as SweepRecord;
    edited.summary!.entrypoints[0].p99 = -1;
    expect(refusal([records[0], edited])).toContain('error[bad-summary]: records[1]: its summary is not as meshtax writes it: entry point "web": p99 is -1');
    // Counted as one more repeat of point 0: a narrower band from a copied record.
    expect(refusal([...records, records[0]])).toContain('error[duplicate-run]: records[2]: run 0 is also at records[0]');
    expect(refusal([records[0], { ...records[1], sweep: { ...records[1].sweep, id: 'another' } }])).toContain(`error[mixed-sweeps]: records[1]: results of two different sweeps: ${records[0].sweep.id} and another`);
    expect(() => sweepCsv([{}] as SweepRecord[])).toThrow(DiagnosticError);
  }, 60_000);
});
