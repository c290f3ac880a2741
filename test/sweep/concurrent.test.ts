/**
 * Two sweeps writing one results file at once (two shards given the same
 * -o, or a sweep started twice): each appended its lines, the first to
 * finish rewrote the file in canonical order (a new file renamed over the
 * old), and the other went on appending to the file it had open, which no
 * name reached any more. Both said "complete" and exited 0; the file held
 * another shard's runs and lacked some of its own, found only at merge.
 * A sweep now checks the file when it finishes and says what happened.
 */
import { describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';
import { DiagnosticError } from '../../sim/diagnostics/types.js';
import { buildDefinition } from '../../sim/sweep/definition.js';
import { planSweep, runAt, type Shard } from '../../sim/sweep/plan.js';
import { runSweep, type SweepProgress } from '../../sim/sweep/engine.js';
import { RunExecutor, runContext, runTask } from '../../sim/sweep/execute.js';

const FILE = 'test/fixtures/sweep/small.yaml';

function plan(sets: string[]) {
  const built = buildDefinition(sets, undefined, undefined);
  if (!built.definition) throw new Error(formatDiagnostics(built.diagnostics));
  const r = planSweep(FILE, readFileSync(FILE, 'utf8'), built.definition, { duration: 2 });
  if (!r.plan) throw new Error(formatDiagnostics(r.diagnostics));
  return r.plan;
}

const p = plan(['entrypoints.web.rate=20/s,30/s,40/s,50/s,60/s,70/s']);
const line = (pl: ReturnType<typeof plan>, run: number): string => new RunExecutor(runContext(pl)).execute(runTask(pl, runAt(pl, run)));

/** Runs the sweep; `meanwhile` acts as the other process after this one's first result. */
async function refusal(output: string, shard: Shard | undefined, meanwhile: () => void): Promise<string> {
  let acted = false;
  const onProgress = (s: SweepProgress): void => {
    if (s.done === 1 && !acted) {
      acted = true;
      meanwhile();
    }
  };
  try {
    const outcome = await runSweep(p, { output, workers: 1, shard, onProgress });
    return `${outcome.status}, ${outcome.saved} of ${outcome.total} saved`;
  } catch (e) {
    if (e instanceof DiagnosticError) return formatDiagnostics(e.diagnostics);
    throw e;
  }
}

describe('two sweeps writing one results file at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshtax-concurrent-'));

  it('refuses to call a shard complete when another shard wrote into its file', async () => {
    const output = join(dir, 'shards.ndjson');
    // Shard 1/2's process, appending its first run to the same file.
    const said = await refusal(output, { index: 0, count: 2 }, () => appendFileSync(output, line(p, 1)));
    expect(said).toContain('error[concurrent-write]');
    expect(said).toContain('holds run 1, which shard 0/2 does not run');
    expect(said).toContain('another meshtax sweep wrote');
    expect(said).toContain('the same command without --shard, with --resume, finishes the whole sweep in it');
  }, 30_000);

  it('refuses to call a sweep complete when another sweep wrote into its file', async () => {
    const output = join(dir, 'sweeps.ndjson');
    const other = plan(['entrypoints.web.rate=25/s,35/s']);
    // Before, the rewrite was skipped without a word and the sweep said complete: two sweeps' results in one file.
    const said = await refusal(output, undefined, () => appendFileSync(output, line(other, 0)));
    expect(said).toContain('error[concurrent-write]');
    expect(said).toContain('holds results of another sweep');
    expect(said).toContain('this one now mixes the results of two sweeps');
  }, 30_000);

  it('refuses to call a sweep complete when its runs were lost to another process rewriting the file', async () => {
    const output = join(dir, 'replaced.ndjson');
    // The other process finished first and renamed its canonical file over this one: the lines written after that went nowhere.
    const said = await refusal(output, undefined, () => {
      writeFileSync(`${output}.other`, line(p, 0));
      renameSync(`${output}.other`, output);
    });
    expect(said).toContain('error[concurrent-write]');
    expect(said).toMatch(/runs 1–5 of this sweep are missing from ".*replaced.ndjson", though they were written to it/);
    expect(said).toContain('the same command with --resume runs the missing runs again');
  }, 30_000);

  it('still completes when the other process was the same sweep and saved every run', async () => {
    const output = join(dir, 'same.ndjson');
    const reference = join(dir, 'reference.ndjson');
    await runSweep(p, { output: reference, workers: 1 });
    const said = await refusal(output, undefined, () => {
      writeFileSync(`${output}.other`, readFileSync(reference, 'utf8'));
      renameSync(`${output}.other`, output);
    });
    expect(said).toBe('complete, 6 of 6 saved');
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(reference, 'utf8'));
  }, 30_000);
});

describe('a results file holding only a torn line', () => {
  it('is refused without --resume as holding one, not as holding "0 results"', async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'meshtax-torn-')), 'torn.ndjson');
    writeFileSync(output, line(p, 0).slice(0, 200));
    const said = await runSweep(p, { output, workers: 1 }).then(() => 'ran', (e: unknown) => (e instanceof DiagnosticError ? formatDiagnostics(e.diagnostics) : String(e)));
    expect(said).toContain('already holds 0 results and the torn start of another (a sweep killed while writing it)');
    expect(said).toContain('pass --resume');
  });
});

describe('a sweep locks its results file while it runs', () => {
  const small = plan(['entrypoints.web.rate=20/s,30/s']);
  const said = (output: string) =>
    runSweep(small, { output, workers: 1 }).then((o) => o.status, (e: unknown) => (e instanceof DiagnosticError ? formatDiagnostics(e.diagnostics) : String(e)));

  it('refuses to start while another sweep of this host holds the lock, before running anything', async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'meshtax-lock-')), 'r.ndjson');
    // This very process stands for the other sweep: alive, on this host.
    writeFileSync(`${output}.lock`, JSON.stringify({ pid: process.pid, host: hostname() }));
    const text = await said(output);
    expect(text).toContain(`error[sweep-locked]: another meshtax sweep (process ${process.pid} on ${hostname()}) is writing`);
    expect(text).toContain('r.ndjson.lock');
    // Before: it ran every run and found the interleaving only at its end.
    expect(existsSync(output)).toBe(false);
    expect(existsSync(`${output}.lock`)).toBe(true);
  });

  it('takes over a lock whose process is gone (a killed sweep), and leaves none behind', async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'meshtax-lock-')), 'r.ndjson');
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    writeFileSync(`${output}.lock`, JSON.stringify({ pid: gone, host: hostname() }));
    expect(await said(output)).toBe('complete');
    expect(readFileSync(output, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(existsSync(`${output}.lock`)).toBe(false);
  });

  it('a lock from another host is the user\'s to remove', async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'meshtax-lock-')), 'r.ndjson');
    writeFileSync(`${output}.lock`, JSON.stringify({ pid: 1, host: 'elsewhere.example' }));
    expect(await said(output)).toContain('if no sweep is running (it was killed on another machine), delete');
  });
});
