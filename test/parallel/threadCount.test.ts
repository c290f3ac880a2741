import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadCount } from '../../sim/parallel/pool.js';
import {
  buildDefinition, compareMeshesParallel, DiagnosticError, formatDiagnostics, loadTopologyFile, planSweep, runModes, runSweep,
} from '../../sim/index.js';

/** What a library call said: its diagnostics when it refused, else that it ran. */
async function said(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'ran';
  } catch (e) {
    if (e instanceof DiagnosticError) return formatDiagnostics(e.diagnostics);
    throw e;
  }
}

describe('threads for a library caller (runSweep, compareMeshesParallel)', () => {
  it('starts at most one a core, as the CLI does', () => {
    // Each thread holds a copy of the simulation (~25 MB): {workers: 1000} started a thousand.
    expect(threadCount(1000)).toBe(Math.max(1, availableParallelism()));
    expect(threadCount(1)).toBe(1);
    expect(threadCount(undefined)).toBe(Math.max(1, availableParallelism()));
  });

  it.each([0, -3, 2.5, NaN, Infinity])('refuses workers %s, as --workers does, instead of running on one thread', (workers) => {
    // 0, −3 and 2.5 ran as 1 or 2 threads, silently; NaN started none and never settled.
    expect(() => threadCount(workers)).toThrow(DiagnosticError);
    expect(() => threadCount(workers)).toThrow(`--workers ${String(workers)}: the worker threads must be a whole number, at least 1`);
  });

  it('refuses them in runSweep, compareMeshesParallel and runModes before anything runs or is written', async () => {
    const { topology } = loadTopologyFile('topologies/mm1.yaml');
    if (!topology) throw new Error('mm1');
    expect(await said(() => compareMeshesParallel([topology], { duration: 60 }, { workers: 0 }))).toBe(
      'error[bad-option]: --workers 0: the worker threads must be a whole number, at least 1\n' +
      '  hint: for example {workers: 2} (--workers 2), or leave it out for one per core\n\n1 error, 0 warnings',
    );
    expect(await said(() => runModes([topology], { duration: 60 }, { workers: -1 }))).toContain('error[bad-option]: --workers -1');
    const file = 'test/fixtures/sweep/small.yaml';
    const plan = planSweep(file, readFileSync(file, 'utf8'), buildDefinition(['entrypoints.web.rate=20/s,30/s'], undefined, undefined).definition!, { duration: 2 }).plan!;
    const output = join(mkdtempSync(join(tmpdir(), 'meshtax-threads-')), 'out.ndjson');
    expect(await said(() => runSweep(plan, { output, workers: 1.5 }))).toContain('error[bad-option]: --workers 1.5: the worker threads must be a whole number');
    expect(existsSync(output)).toBe(false);
  });
});
