/**
 * Review fixes: a sweep's outputs checked before it runs (a results file that
 * is a directory, a pipe or a device; a --report or --csv that cannot be
 * written), and a swept mapping not changed by a longer path set after it.
 * The end-to-end cases spawn the compiled CLI (`npm run build` first).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';
import { buildDefinition } from '../../sim/sweep/definition.js';
import { planSweep } from '../../sim/sweep/plan.js';

const CLI = 'dist/bin/meshtax.js';
const TOPOLOGY = 'test/fixtures/sweep/small.yaml';
const GRID = ['--set', 'services.backend.workers=2,3', '--duration', '2s'];

function meshtax(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  // A timeout: a results file that is a FIFO used to block the sweep forever on reading it.
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('sweep outputs are checked before anything runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshtax-review-'));

  it('-o naming a directory is bad input with a message, not an internal error', () => {
    const target = join(dir, 'results.ndjson');
    mkdirSync(target);
    const r = meshtax('sweep', TOPOLOGY, ...GRID, '-o', target, '-q');
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toContain('is a directory, not a results file');
    expect(r.code).toBe(2);
    // merge and sweep-report read results files the same way.
    const m = meshtax('merge', target, '-o', join(dir, 'all.ndjson'));
    expect(m.stderr).toContain('is a directory, not a results file');
    expect(m.code).toBe(2);
  });

  it('-o naming a FIFO (or /dev/stdout) is refused at once instead of hanging on reading it', () => {
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = meshtax('sweep', TOPOLOGY, ...GRID, '-o', fifo, '-q');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a regular file');
  });

  it('a --csv or --report that cannot be written is refused before the runs, leaving no results behind', () => {
    const blocked = join(dir, 'blocked.csv');
    mkdirSync(blocked);
    const out = join(dir, 'csv.ndjson');
    const r = meshtax('sweep', TOPOLOGY, ...GRID, '-o', out, '--csv', blocked, '-q');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write ${JSON.stringify(blocked)}: it is a directory`);
    expect(existsSync(out)).toBe(false);
    const report = join(dir, 'no-such-dir-file');
    // `--report x/` names a directory to come: not a file that can be written.
    const r2 = meshtax('sweep', TOPOLOGY, ...GRID, '-o', out, '--report', `${report}/`, '-q');
    expect(r2.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('merge checks its --csv before writing the merged file', () => {
    const shards = [0, 1].map((i) => join(dir, `shard-${i}.ndjson`));
    shards.forEach((s, i) => expect(meshtax('sweep', TOPOLOGY, ...GRID, '--shard', `${i}/2`, '--workers', '1', '-o', s, '-q').code).toBe(0));
    const blocked = join(dir, 'merge-blocked.csv');
    mkdirSync(blocked);
    const all = join(dir, 'merged.ndjson');
    const r = meshtax('merge', ...shards, '-o', all, '--csv', blocked);
    expect(r.code).toBe(2);
    expect(existsSync(all)).toBe(false);
    expect(meshtax('merge', ...shards, '-o', all, '-q').code).toBe(0);
    expect(readFileSync(all, 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

describe('a swept mapping and a path inside it', () => {
  it('each point keeps the value it was given: a longer path set after it does not change the shared value', () => {
    const built = buildDefinition(['mesh={profile: linkerd},{profile: istio-sidecar}', 'mesh.mtls.enabled=true,false'], undefined, undefined);
    if (!built.definition) throw new Error(formatDiagnostics(built.diagnostics));
    const r = planSweep(TOPOLOGY, readFileSync(TOPOLOGY, 'utf8'), built.definition);
    expect(r.plan, formatDiagnostics(r.diagnostics)).toBeDefined();
    expect(r.plan!.points.map((p) => p.params)).toEqual([
      { mesh: { profile: 'linkerd' }, 'mesh.mtls.enabled': true },
      { mesh: { profile: 'linkerd' }, 'mesh.mtls.enabled': false },
      { mesh: { profile: 'istio-sidecar' }, 'mesh.mtls.enabled': true },
      { mesh: { profile: 'istio-sidecar' }, 'mesh.mtls.enabled': false },
    ]);
    // The definition itself (hashed into the sweep's identity) is as written.
    expect(built.definition.axes[0].values.map((v) => v.value)).toEqual([{ profile: 'linkerd' }, { profile: 'istio-sidecar' }]);
  });
});
