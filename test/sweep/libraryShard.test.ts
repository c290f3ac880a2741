/**
 * A shard built in code, not parsed from --shard i/n: { index: 3, count: 2 }
 * ran no run and resolved "complete, 0 of 0 saved"; { index: 0, count: 0 }
 * looped until V8 aborted the process (invalid array size); a fraction
 * failed with a RangeError from inside the planner.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildDefinition, planSweep, runSweep, shardRuns, DiagnosticError, formatDiagnostics, type Shard } from '../../sim/index.js';

const FILE = 'test/fixtures/sweep/small.yaml';
const plan = planSweep(FILE, readFileSync(FILE, 'utf8'), buildDefinition(['entrypoints.web.rate=20/s,30/s,40/s'], undefined, undefined).definition!, { duration: 2 }).plan!;

async function refusal(shard: Shard, output: string): Promise<string> {
  try {
    const outcome = await runSweep(plan, { output, workers: 1, shard });
    return `${outcome.status}, ${outcome.saved} of ${outcome.total} saved`;
  } catch (e) {
    if (e instanceof DiagnosticError) return formatDiagnostics(e.diagnostics);
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

describe('a shard given to the library', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshtax-shard-'));

  it.each([
    [{ index: 3, count: 2 }, '3/2'],
    [{ index: 0, count: 0 }, '0/0'],
    [{ index: -1, count: 2 }, '-1/2'],
    [{ index: 0.5, count: 2 }, '0.5/2'],
    [{ index: 0, count: NaN }, '0/NaN'],
  ])('refuses %o as --shard %s would be refused, before writing anything', async (shard, shown) => {
    const output = join(dir, `new-${shown.replace('/', '-')}`, 's.ndjson');
    expect(await refusal(shard, output)).toContain(`error[bad-option]: --shard "${shown}": expected i/n with 0 ≤ i < n`);
    expect(existsSync(output)).toBe(false);
    // Before, the output's directory was made before the shard was checked.
    expect(existsSync(dirname(output))).toBe(false);
    expect(() => shardRuns(plan, shard)).toThrow(DiagnosticError);
  }, 30_000);

  it('runs a valid shard', async () => {
    expect(await refusal({ index: 1, count: 2 }, join(dir, 'ok.ndjson'))).toBe('complete, 1 of 1 saved');
    expect(shardRuns(plan, { index: 0, count: 2 })).toEqual([0, 2]);
  }, 30_000);
});
