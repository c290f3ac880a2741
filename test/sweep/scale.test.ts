/**
 * Sweeps as they are run at scale: shards of a few hundred thousand runs,
 * a shard given twice, a range of thousands of rates in the report, and the
 * dry run of one shard of a batch job.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';
import { buildDefinition } from '../../sim/sweep/definition.js';
import { dryRunListing } from '../../sim/sweep/engine.js';
import { mergeResults } from '../../sim/sweep/merge.js';
import { planSweep } from '../../sim/sweep/plan.js';
import type { RunSummary, SweepIdentity, SweepRecord } from '../../sim/sweep/record.js';
import { readSweepRecords } from '../../sim/sweep/store.js';
import { expandRange } from '../../sim/sweep/values.js';
import { sweepReportModel } from '../../reports/sweep/model.js';

const TOPOLOGY = 'test/fixtures/sweep/small.yaml';
const CLI = 'dist/bin/meshtax.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'meshtax-scale-'));
}

/** A short line of a sweep of `runs` runs (an aborted run has no summary, so a line stays small). */
function abortedLine(run: number, runs: number): string {
  const record = { sweep: { id: 'scale', name: 'scale', topologyHash: 't', definitionHash: 'd', meshtax: '0', runs, repeat: 1 }, run, point: run, repeat: 0, params: { x: run }, seed: 1, aborted: { message: 'stopped', reason: 'overload' } };
  return JSON.stringify(record) + '\n';
}

function writeRuns(file: string, runs: number[], total: number): void {
  writeFileSync(file, runs.map((r) => abortedLine(r, total)).join(''));
}

describe('merge at scale', () => {
  it('merges a shard of 150,000 runs (its lines were spread as arguments and overflowed the stack)', () => {
    const dir = tmp();
    const total = 150_001;
    const big = join(dir, 'shard-0.ndjson'), small = join(dir, 'shard-1.ndjson');
    writeRuns(big, Array.from({ length: total - 1 }, (_, i) => i), total);
    writeRuns(small, [total - 1], total);
    const merged = mergeResults([big, small]);
    expect(merged.diagnostics).toEqual([]);
    expect(merged.runs).toBe(total);
    expect(merged.text?.length).toBe(readFileSync(big, 'utf8').length + readFileSync(small, 'utf8').length);
  });

  it('shards that together pass what meshtax can read back are refused with the sizes, not an internal error', () => {
    const dir = tmp();
    const a = join(dir, 'shard-0.ndjson'), b = join(dir, 'shard-1.ndjson');
    writeRuns(a, [0, 2], 4);
    writeRuns(b, [1, 3], 4);
    const bytes = readFileSync(a).length + readFileSync(b).length;
    expect(mergeResults([a, b], bytes).text).toBeDefined();
    const refused = mergeResults([a, b], bytes - 1);
    expect(refused.text).toBeUndefined();
    expect(refused.diagnostics.map((d) => d.code)).toEqual(['file-too-large']);
    expect(refused.diagnostics[0].message).toBe(`the 4 runs would make a results file of ${bytes} bytes, more than meshtax can read back (${bytes - 1} bytes)`);
  });

  it('a shard given twice under two names is told in a few lines and a count, not a diagnostic a run', () => {
    const dir = tmp();
    const a = join(dir, 'shard-0.ndjson'), copy = join(dir, 'copy-of-shard-0.ndjson'), b = join(dir, 'shard-1.ndjson');
    writeRuns(a, Array.from({ length: 25 }, (_, i) => 2 * i), 50);
    writeRuns(b, Array.from({ length: 25 }, (_, i) => 2 * i + 1), 50);
    copyFileSync(a, copy);
    const merged = mergeResults([a, b, copy]);
    expect(merged.text).toBeUndefined();
    const duplicates = merged.diagnostics.filter((d) => d.code === 'duplicate-run');
    expect(duplicates).toHaveLength(11);
    expect(duplicates[0].message).toBe(`run 0 is also at ${a}:1`);
    expect(duplicates[10].message).toBe('15 more runs appear twice as well, up to this line');
    expect(duplicates[10].location?.file).toBe(copy);
    expect(duplicates[10].location?.line).toBe(25);
  });

  it('a results file joined to itself is reported the same way by sweep-report', () => {
    const file = join(tmp(), 'twice.ndjson');
    const once = Array.from({ length: 12 }, (_, i) => abortedLine(i, 12)).join('');
    writeFileSync(file, once + once);
    const read = readSweepRecords(file);
    const duplicates = read.diagnostics.filter((d) => d.code === 'duplicate-run');
    expect(duplicates).toHaveLength(11);
    expect(duplicates[10].message).toBe('2 more runs appear twice as well, up to this line');
    expect(duplicates[10].location?.line).toBe(24);
  });
});

describe('the sweep report of a long range', () => {
  it('places 20,000 points over 10,000 rates in about linear time, as before', () => {
    const sweep: SweepIdentity = { id: 'long', name: 'long', topologyHash: 't', definitionHash: 'd', meshtax: '0', runs: 20_000, repeat: 1 };
    const summary: RunSummary = {
      mesh: { profile: 'none', mode: 'none', mtls: false }, measuredTime: 10,
      entrypoints: [{ name: 'web', completed: 100, failed: 0, errorRate: 0, throughput: 10, mean: 0.01, p50: 0.01, p99: 0.02, ci: { mean: [0.009, 0.011], p50: [0.009, 0.011], p99: [0.018, 0.022] }, meshCaused: 0 }],
      resources: { appVcpu: 0.1, proxyVcpu: 0, proxyMemoryGB: 0, proxyCostPerMonth: 0 }, saturated: [],
    };
    const records = Array.from({ length: 20_000 }, (_, i): SweepRecord => ({
      sweep, summary, run: i, point: i, repeat: 0, seed: i,
      params: { 'entrypoints.web.rate': `${Math.floor(i / 2) + 1}/s`, mesh: i % 2 === 0 ? 'none' : 'istio-sidecar' },
    }));
    const started = performance.now();
    const model = sweepReportModel(records);
    const seconds = (performance.now() - started) / 1000;
    expect(model.x.key).toBe('entrypoints.web.rate');
    expect(model.rows[0].x).toBe(1);
    expect(model.rows[19_999].x).toBe(10_000);
    // The list searched at every point took 10–40 s here; a lookup takes well under one.
    expect(seconds).toBeLessThan(5);
  });
});

describe('ranges', () => {
  it('a step of 0 or less is told about the step, not about units', () => {
    for (const text of ['1..3:0', '100/s..200/s:-10/s']) {
      const r = expandRange(text);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.message).toContain('must be greater than 0');
        expect(r.hint).not.toContain('unit');
      }
    }
  });
});

describe('--dry-run with --shard', () => {
  const built = buildDefinition(['mesh=none,istio-sidecar,linkerd'], undefined, 2);
  if (!built.definition) throw new Error(formatDiagnostics(built.diagnostics));
  const planned = planSweep(TOPOLOGY, readFileSync(TOPOLOGY, 'utf8'), built.definition, { duration: 2 });
  if (!planned.plan) throw new Error(formatDiagnostics(planned.diagnostics));
  const plan = planned.plan;

  it('lists only the points the shard runs, and how many runs it has', () => {
    // 6 runs, numbered point by point: shard 1/4 runs 1 (point 0) and 5 (point 2).
    const text = dryRunListing(plan, '6 runs (3 points × 2 repeats)', { shard: { index: 1, count: 4 } });
    expect(text).toBe(`sweep ${plan.id}: 6 runs (3 points × 2 repeats); shard 1/4 runs 2 of them, at these points; nothing was run (--dry-run)\n`
      + '    0  mesh="none"\n    2  mesh="linkerd"\n');
  });

  it('says so when the shard has no runs', () => {
    const text = dryRunListing(plan, '6 runs', { shard: { index: 6, count: 7 } });
    expect(text).toBe(`sweep ${plan.id}: 6 runs; shard 6/7 runs 0 of them (more shards than runs); nothing was run (--dry-run)\n`);
  });

  it('without --shard lists every point, as before', () => {
    expect(dryRunListing(plan, '6 runs', {}).split('\n').filter((l) => l !== '')).toHaveLength(4);
  });

  it('the CLI prints the shard\'s points (it listed every point of the sweep)', () => {
    const r = spawnSync(process.execPath, [CLI, 'sweep', TOPOLOGY, '--set', 'mesh=none,istio-sidecar,linkerd', '--duration', '2s', '--shard', '1/3', '--dry-run'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^sweep [0-9a-f]{16}: 3 runs \(3 points\); shard 1\/3 runs 1 of them, at these points; nothing was run \(--dry-run\)\n {4}1 {2}mesh="istio-sidecar"\n$/);
  });
});
