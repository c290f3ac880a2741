import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const CLI = 'dist/bin/meshtax.js';
const TOPOLOGY = 'test/fixtures/sweep/small.yaml';
/** 2 meshes × 6 rates = 12 points; 3 s each keeps a run in the tens of milliseconds. */
const GRID = ['--set', 'mesh=none,istio-sidecar', '--set', 'entrypoints.web.rate=50/s..300/s:50/s', '--duration', '3s'];

function meshtax(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'meshtax-sweep-'));
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

function runs(file: string): number[] {
  return lines(file).map((l) => (JSON.parse(l) as { run: number }).run);
}

describe('meshtax sweep, end to end (compiled CLI)', () => {
  const dir = tmp();
  const single = join(dir, 'single.ndjson');

  it('runs a grid on 1 and 2 workers to byte-identical NDJSON, in canonical order', () => {
    const two = join(dir, 'two.ndjson');
    const a = meshtax('sweep', TOPOLOGY, ...GRID, '--repeat', '2', '--workers', '1', '-o', single);
    expect(a.stderr).toContain('24 runs (12 points × 2 repeats) on 1 worker');
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^sweep [0-9a-f]{16}: 24 of 24 runs saved in /);
    expect(meshtax('sweep', TOPOLOGY, ...GRID, '--repeat', '2', '--workers', '2', '-o', two, '-q')).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(two, 'utf8')).toBe(readFileSync(single, 'utf8'));
    expect(runs(single)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    const first = JSON.parse(lines(single)[0]);
    expect(first.params).toEqual({ 'entrypoints.web.rate': '50/s', mesh: 'none' });
    expect(first.summary.entrypoints[0]).toMatchObject({ name: 'web' });
    expect(first.summary.entrypoints[0].ci.p99).toHaveLength(2);
    expect(Object.keys(first.summary.resources)).toEqual(['appVcpu', 'proxyVcpu', 'proxyMemoryGB', 'proxyCostPerMonth']);
    // Repeats of one point ran with different seeds.
    expect(JSON.parse(lines(single)[1]).seed).not.toBe(first.seed);
  });

  it('--dry-run lists the points and runs nothing, with no results file; without it, -o is required', () => {
    const dry = meshtax('sweep', TOPOLOGY, ...GRID, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^sweep [0-9a-f]{16}: .*nothing was run \(--dry-run\)\n/);
    expect(dry.stdout.trim().split('\n')).toHaveLength(1 + 12);
    expect(dry.stdout).toContain('entrypoints.web.rate="300/s"  mesh="istio-sidecar"');
    const missing = meshtax('sweep', TOPOLOGY, ...GRID);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('error[missing-option]: no results file: -o (--output) names where each finished run is saved');
  });

  it('refuses a grid that lists one value in two units (1s and 1000ms), before anything runs', () => {
    const file = join(dir, 'units.yaml');
    writeFileSync(file, 'grid:\n  simulation.warmup: [1s, 2s, 1000ms]\n');
    const r = meshtax('sweep', TOPOLOGY, '--sweep', file, '--duration', '3s', '-o', join(dir, 'units.ndjson'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2:31: error[duplicate-value]: simulation.warmup: 1s (at ${file}:2:23) and 1000ms are equal after unit conversion`);
    expect(existsSync(join(dir, 'units.ndjson'))).toBe(false);
  });

  it('--resume --dry-run lists the points a resume would run, after checking the file as a resume does', () => {
    const part = join(dir, 'part.ndjson');
    writeFileSync(part, lines(single).slice(0, 5).join('\n') + '\n');
    const dry = meshtax('sweep', TOPOLOGY, ...GRID, '--repeat', '2', '-o', part, '--resume', '--dry-run');
    expect(dry.code).toBe(0);
    // Runs 0–4 are there (points 0, 1 and half of 2): 19 of 24 left, at points 2–11.
    expect(dry.stdout).toMatch(new RegExp(`^sweep [0-9a-f]{16}: .*; 19 of 24 runs left to run in ${part}, at these points; nothing was run \\(--dry-run\\)\n`));
    expect(dry.stdout.trim().split('\n').slice(1).map((l) => Number(l.trim().split(' ')[0]))).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(lines(part)).toHaveLength(5);
    // Another sweep's file is refused as a resume refuses it.
    const other = meshtax('sweep', TOPOLOGY, ...GRID, '--repeat', '3', '-o', part, '--resume', '--dry-run');
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('error[other-sweep]');
  });

  it('4 shards merged equal the single-process run byte for byte', () => {
    const shards = [0, 1, 2, 3].map((i) => join(dir, `shard-${i}.ndjson`));
    shards.forEach((file, i) => {
      expect(meshtax('sweep', TOPOLOGY, ...GRID, '--repeat', '2', '--shard', `${i}/4`, '--workers', '1', '-o', file, '-q').code).toBe(0);
    });
    expect(runs(shards[1])).toEqual([1, 5, 9, 13, 17, 21]);
    const merged = join(dir, 'merged.ndjson');
    const m = meshtax('merge', ...[...shards].reverse(), '-o', merged);
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    expect(m.stdout).toContain('merged 4 files: 24 runs of sweep');
    expect(readFileSync(merged, 'utf8')).toBe(readFileSync(single, 'utf8'));
    // More shards than runs: a shard with nothing to do writes an empty file, which merges.
    const idle = join(dir, 'shard-idle.ndjson');
    expect(meshtax('sweep', TOPOLOGY, ...GRID, '--repeat', '2', '--shard', '30/32', '--workers', '1', '-o', idle, '-q').code).toBe(0);
    expect(readFileSync(idle, 'utf8')).toBe('');
    const withIdle = meshtax('merge', ...shards, idle, '-o', merged);
    expect(withIdle.stderr).toBe('');
    expect(withIdle.code).toBe(0);
    expect(readFileSync(merged, 'utf8')).toBe(readFileSync(single, 'utf8'));
    expect(meshtax('merge', idle, '-o', merged).stderr).toContain('shard-idle.ndjson" holds no results');
    // A misspelt shard is not an empty one: before, this merged (the others cover every run) and exited 0.
    const typo = meshtax('merge', ...shards, join(dir, 'shard-9.ndjson'), '-o', join(dir, 'typo.ndjson'));
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('error[no-such-file]');

    // Gaps, duplicates and mixed sweeps are refused, and nothing is written.
    const out = join(dir, 'bad.ndjson');
    const gap = meshtax('merge', shards[0], shards[1], shards[3], '-o', out);
    expect(gap.code).toBe(2);
    expect(gap.stderr).toContain('error[missing-runs]: 6 of 24 runs are missing: 2, 6, 10, 14, 18, 22');
    const twice = meshtax('merge', ...shards, shards[2], '-o', out);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/error\[bad-option\]: ".*shard-2\.ndjson" is given twice/);
    // The same file spelt another way is the same file.
    const respelt = meshtax('merge', ...shards, relative(process.cwd(), shards[2]), '-o', out);
    expect(respelt.code).toBe(2);
    expect(respelt.stderr).toMatch(/error\[bad-option\]: ".*shard-2\.ndjson" is given twice/);
    expect(respelt.stderr).not.toContain('duplicate-run');
    const copy = join(dir, 'shard-2-copy.ndjson');
    writeFileSync(copy, readFileSync(shards[2]));
    const dup = meshtax('merge', ...shards, copy, '-o', out);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/shard-2-copy\.ndjson:1:1: error\[duplicate-run\]: run 2 is also at .*shard-2\.ndjson:1/);
    const other = join(dir, 'other.ndjson');
    expect(meshtax('sweep', TOPOLOGY, '--set', 'mesh=none,linkerd', '--duration', '3s', '-o', other, '-q').code).toBe(0);
    const mixed = meshtax('merge', ...shards, other, '-o', out);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('error[mixed-sweeps]: results of two different sweeps');
    // The ids are hashes: what differs is said in words.
    expect(mixed.stderr).toContain('; they differ in the sweep definition (--set values, sweep file, --repeat, --seed, --duration or another option), and in the number of runs (');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to resume a shard\'s file as another shard (its runs would be merged twice), but lets the whole sweep finish it', () => {
    const file = join(dir, 'shard-0-of-3.ndjson');
    expect(meshtax('sweep', TOPOLOGY, ...GRID, '--shard', '0/3', '--workers', '1', '-o', file, '-q').code).toBe(0);
    const before = readFileSync(file, 'utf8');
    const wrong = meshtax('sweep', TOPOLOGY, ...GRID, '--shard', '1/3', '--workers', '1', '-o', file, '--resume', '-q');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/shard-0-of-3\.ndjson:1:1: error\[other-shard\]: ".*" holds run 0, which shard 1\/3 does not run/);
    expect(wrong.stderr).toContain("this one looks like --shard 0/3's");
    expect(readFileSync(file, 'utf8')).toBe(before);
    // Without --shard the sweep is every run: shard 0's are done, the rest run.
    const all = meshtax('sweep', TOPOLOGY, ...GRID, '--workers', '1', '-o', file, '--resume', '-q');
    expect(all.code).toBe(0);
    expect(runs(file)).toEqual([...Array(12).keys()]);
  });

  it('a shard with no runs asked for --report and --csv succeeds (an Indexed Job pod must not fail), writing no report', () => {
    const idle = join(dir, 'idle-report.ndjson'), html = join(dir, 'idle-report.html'), csv = join(dir, 'idle-report.csv');
    const r = meshtax('sweep', TOPOLOGY, ...GRID, '--shard', '13/16', '--workers', '1', '-o', idle, '--report', html, '--csv', csv);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 of 0 runs saved');
    expect(r.stdout).toContain('this shard has no runs (more shards than runs): no report or CSV written');
    expect(readFileSync(idle, 'utf8')).toBe('');
    expect(existsSync(html)).toBe(false);
    expect(existsSync(csv)).toBe(false);
    // A pod restarted with --resume finds it done, and succeeds again.
    expect(meshtax('sweep', TOPOLOGY, ...GRID, '--shard', '13/16', '--workers', '1', '-o', idle, '--report', html, '--resume', '-q')).toMatchObject({ code: 0, stderr: '' });
  });

  it('after a real SIGKILL mid-sweep, --resume runs exactly the missing runs', async () => {
    const args = [CLI, 'sweep', TOPOLOGY, '--set', 'mesh=none,istio-sidecar', '--set', 'entrypoints.web.rate=20/s..400/s:20/s', '--duration', '20s', '--workers', '1'];
    const whole = join(dir, 'whole.ndjson');
    expect(spawnSync(process.execPath, [...args, '-o', whole, '-q']).status).toBe(0);
    expect(lines(whole)).toHaveLength(40);

    const killed = join(dir, 'killed.ndjson');
    const child = spawn(process.execPath, [...args, '-o', killed, '-q'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    for (let i = 0; i < 600 && !(existsSync(killed) && lines(killed).length >= 4); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const before = runs(killed);
    expect(before.length).toBeGreaterThanOrEqual(4);
    expect(before.length).toBeLessThan(40);
    // A torn last line, as a kill in the middle of a write would leave, is dropped and run again.
    appendFileSync(killed, '{"sweep":{"id":"');

    const resumed = spawnSync(process.execPath, [...args, '-o', killed, '--resume'], { encoding: 'utf8' });
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toContain('the last line is incomplete');
    expect(resumed.stdout).toContain(`(${before.length} were already there)`);
    expect(readFileSync(killed, 'utf8')).toBe(readFileSync(whole, 'utf8'));
    expect(new Set(runs(killed)).size).toBe(40);
  });

  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s stops cleanly, says what was saved and exits %i (128 + the signal)', async (signal, code) => {
    const file = join(dir, `interrupted-${signal}.ndjson`);
    const child = spawn(process.execPath, [CLI, 'sweep', TOPOLOGY, '--set', 'entrypoints.web.rate=20/s..400/s:20/s', '--duration', '20s', '--workers', '1', '-o', file, '-q']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 600 && !(existsSync(file) && lines(file).length >= 2); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill(signal);
    expect(await exited).toBe(code);
    const saved = lines(file).length;
    expect(stderr).toContain(`interrupted: ${saved} of 20 runs are saved in ${file}`);
    expect(stderr).toContain('hint: run the same command with --resume');
    // Said at the signal, before the summary: the way out of a save that takes its time is the default of a second one.
    expect(stderr.indexOf('a second Ctrl-C (or SIGTERM) stops at once')).toBeGreaterThanOrEqual(0);
    expect(stderr.indexOf('a second Ctrl-C')).toBeLessThan(stderr.indexOf('interrupted: '));
  });

  it('a file another sweep is writing is refused as locked, with or without --resume, and by a dry run of the resume: not "pass --resume", then locked', () => {
    const file = join(dir, 'busy.ndjson');
    expect(meshtax('sweep', TOPOLOGY, ...GRID, '--shard', '0/3', '-o', file, '-q').code).toBe(0);
    const before = readFileSync(file, 'utf8');
    // The lock as a running sweep holds it: its process (this one stands for it: alive, on this host) and host.
    writeFileSync(`${file}.lock`, `${JSON.stringify({ pid: process.pid, host: hostname() })}\n`);
    // A dry run of the resume is refused as the resume would be: what is left shrinks while the other sweep runs.
    for (const resume of [[], ['--resume'], ['--resume', '--dry-run']]) {
      const r = meshtax('sweep', TOPOLOGY, ...GRID, '--shard', '0/3', '-o', file, ...resume);
      expect(r.code, resume.join(' ')).toBe(2);
      expect(r.stderr).toContain(`error[sweep-locked]: another meshtax sweep (process ${process.pid} on ${hostname()}) is writing`);
      expect(r.stderr).toContain('hint: wait for it to finish, or stop it');
      expect(r.stderr).not.toContain('output-exists');
      // Refused before it says what it would run.
      expect(r.stderr).not.toContain('runs (');
    }
    expect(readFileSync(file, 'utf8')).toBe(before);
    // Once it is gone, the file's own refusal is back.
    unlinkSync(`${file}.lock`);
    expect(meshtax('sweep', TOPOLOGY, ...GRID, '--shard', '0/3', '-o', file).stderr).toContain('error[output-exists]');
  });

  it('refuses to resume a sweep whose topology changed, and to overwrite results without --resume', () => {
    const topology = join(dir, 'topology.yaml');
    copyFileSync(TOPOLOGY, topology);
    const file = join(dir, 'changing.ndjson');
    expect(meshtax('sweep', topology, ...GRID, '--shard', '0/3', '-o', file, '-q').code).toBe(0);
    const again = meshtax('sweep', topology, ...GRID, '-o', file);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already holds 4 results');
    // Refused before it says what it would run: no header, no progress.
    expect(again.stderr).not.toContain('runs (');
    expect(again.stderr).not.toContain('sweep: 0/');
    writeFileSync(topology, readFileSync(topology, 'utf8').replace('mean: 8ms', 'mean: 9ms'));
    const r = meshtax('sweep', topology, ...GRID, '-o', file, '--resume');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds results of another sweep: the topology "sweep-small" changed since they were written');
    expect(lines(file)).toHaveLength(4);
  });

  it('bad --set paths and values exit 2 with diagnostics and run nothing', () => {
    const file = join(dir, 'never.ndjson');
    const r = meshtax('sweep', TOPOLOGY, '--set', 'services.backnd.replicas=1,2', '--set', 'entrypoints.web.rate=100/s,0/s', '-o', file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatchInlineSnapshot(`
      "--set:1:1: error[unknown-path]: services.backnd.replicas: there is no service "backnd"
          1 | services.backnd.replicas=1,2
            | ^
        hint: did you mean "backend"? services: frontend, backend

      --set:1:28: error[out-of-range]: entrypoints.web.rate: rate must be greater than 0, got 0/s
          1 | entrypoints.web.rate=100/s,0/s
            |                            ^
        hint: write how many requests per second arrive, e.g. 100/s

      2 errors, 0 warnings
      "
    `);
    expect(existsSync(file)).toBe(false);
    const range = meshtax('sweep', TOPOLOGY, '--set', 'entrypoints.web.rate=100/s..1s:10/s', '--shard', '4/4', '-o', file);
    expect(range.code).toBe(2);
    expect(range.stderr).toContain('--shard "4/4": expected i/n with 0 ≤ i < n');
    const sweepFile = join(dir, 'bad-sweep.yaml');
    writeFileSync(sweepFile, 'grid:\n  services.backend.workers: [2, -1]\nrepeats: 3\n');
    const f = meshtax('sweep', TOPOLOGY, '--sweep', sweepFile, '-o', file);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain(`${sweepFile}:3:1: error[unknown-key]: repeats: unknown key "repeats" in a sweep file`);
    expect(existsSync(file)).toBe(false);
  });

  it('a warm-up no shorter than the duration fails --dry-run as it fails the sweep, and leaves no file', () => {
    const file = join(dir, 'warm.ndjson');
    for (const extra of [['--dry-run'], ['-o', file]]) {
      const r = meshtax('sweep', TOPOLOGY, '--set', 'mesh=none', '--duration', '3s', '--warmup', '3s', ...extra);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('error[bad-option]: the warm-up (3s, given) must be shorter than the duration (3s, given)');
      expect(r.stdout).toBe('');
    }
    expect(existsSync(file)).toBe(false);
    expect(meshtax('sweep', TOPOLOGY, '--set', 'mesh=none', '--duration', '3s', '--dry-run').stdout).toMatch(/^sweep [0-9a-f]{16}: 1 run \(1 point\); nothing was run/);
  });

  it('refuses outputs over the inputs or each other, and a results file with a run twice', () => {
    const copy = join(dir, 'clash.ndjson');
    copyFileSync(single, copy);
    const before = readFileSync(copy, 'utf8');
    for (const args of [
      ['sweep-report', copy, '--csv', copy],
      ['report', copy, '-o', copy],
      ['merge', copy, '-o', copy],
      ['merge', copy, '-o', join(dir, 'merged.ndjson'), '--csv', join(dir, 'merged.ndjson')],
      ['sweep', TOPOLOGY, ...GRID, '-o', join(dir, 'new.ndjson'), '--report', TOPOLOGY],
    ]) {
      const r = meshtax(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain('error[same-path]');
    }
    expect(readFileSync(copy, 'utf8')).toBe(before);
    expect(existsSync(join(dir, 'new.ndjson'))).toBe(false);
    const html = meshtax('sweep', TOPOLOGY, ...GRID, '-o', join(dir, 'results.html'));
    expect(html.code).toBe(2);
    expect(html.stderr).toContain('-o is the results file (NDJSON, one line a run), not an HTML page');
    expect(existsSync(join(dir, 'results.html'))).toBe(false);
    // A line copied: it would count as one more repeat of its point.
    const doubled = join(dir, 'doubled.ndjson');
    const all = lines(single);
    writeFileSync(doubled, [...all, all[0]].join('\n') + '\n');
    for (const command of ['sweep-report', 'report']) {
      const r = meshtax(command, doubled, '-o', join(dir, 'doubled.html'));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${doubled}:${all.length + 1}:1: error[duplicate-run]: run 0 is also at ${doubled}:1`);
    }
    expect(existsSync(join(dir, 'doubled.html'))).toBe(false);
  });

  it('writes the sweep report and CSV, and re-renders them from the NDJSON byte for byte', () => {
    const html = join(dir, 'report.html'), csv = join(dir, 'report.csv');
    const r = meshtax('sweep-report', single, '-o', html, '--csv', csv);
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('meshtax sweep report');
    expect(page).toContain('Where the tax bites');
    expect(page).toContain('chart-sweep-p99');
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe(
      'point,entrypoints.web.rate,mesh,mesh_profile,entrypoint,repeats,aborted,p50_s,p50_ci_low_s,p50_ci_high_s,p99_s,p99_ci_low_s,p99_ci_high_s,mean_s,error_rate,throughput_per_s,mesh_caused_failures,proxy_vcpu,proxy_memory_gb,proxy_cost_per_month,mesh_cost_per_month,saturated,knee,aborted_reason,warnings');
    expect(readFileSync(csv, 'utf8').split('\n')).toHaveLength(14);
    const again = join(dir, 'again.html');
    expect(meshtax('sweep-report', single, '-o', again, '-q').code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(page);
  });

  it('a run that falls short of its request count says so in its record, the CSV and the report', () => {
    const out = join(dir, 'ends.ndjson'), html = join(dir, 'ends.html'), csv = join(dir, 'ends.csv');
    const r = meshtax('sweep', 'test/fixtures/sweep/ends.yaml', '--set', 'mesh=none,linkerd', '--workers', '1', '-o', out, '--report', html, '--csv', csv, '-q');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const records = lines(out).map((l) => JSON.parse(l));
    expect(records.map((x) => x.summary.warnings)).toEqual([[{ code: 'short-run', subject: 'clients' }], [{ code: 'short-run', subject: 'clients' }]]);
    expect(records.every((x) => x.summary.entrypoints[0].completed < 600)).toBe(true);
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0].endsWith(',warnings')).toBe(true);
    expect(rows.slice(1).map((row) => row.split(',').at(-1))).toEqual(['short-run', 'short-run']);
    expect(readFileSync(html, 'utf8')).toContain('<li>At 2 points the load ran out before the requests asked for had completed');
    // A run that reaches its count writes no warnings at all: lines as before.
    expect(lines(single).every((l) => !l.includes('"warnings"'))).toBe(true);
  });

  it('a point whose run measured nothing is in the report\'s read-with-care list, as every code of the CSV\'s warnings column is', () => {
    const out = join(dir, 'idle.ndjson'), html = join(dir, 'idle.html'), csv = join(dir, 'idle.csv');
    // 0.001/s offers about no request in 2 s: that point measures nothing; 80/s measures plenty.
    const r = meshtax('sweep', 'topologies/mm1.yaml', '--set', 'entrypoints.clients.rate=0.001/s,80/s', '--duration', '2s', '--warmup', '0s', '--workers', '1', '-o', out, '--report', html, '--csv', csv, '-q');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const codes = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((row) => row.split(',').at(-1));
    expect(codes).toEqual(['nothing-measured', '']);
    const care = /<div class="warnings"><strong>Read these numbers with care<\/strong><ul>(.*?)<\/ul><\/div>/.exec(readFileSync(html, 'utf8'))?.[1] ?? '';
    // Before: no list at all, though the CSV said nothing-measured.
    expect(care).toBe("<li>At 1 point an entry point completed no request in the measured window, so its latency and throughput are blank: " +
      "lengthen the duration (or shorten the warm-up), or raise the rate (the CSV's warnings column says nothing-measured).</li>");
  });

  it('meshtax report on a sweep\'s NDJSON writes what sweep-report writes, telling the file by its content', () => {
    const expected = join(dir, 'expected.html'), expectedCsv = join(dir, 'expected.csv');
    expect(meshtax('sweep-report', single, '-o', expected, '--csv', expectedCsv, '-q').code).toBe(0);
    const html = join(dir, 'via-report.html'), csv = join(dir, 'via-report.csv');
    const r = meshtax('report', single, '-o', html, '--csv', csv);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${html} — open it in a browser: file://${html}\nwrote ${csv}\n`);
    expect(readFileSync(html, 'utf8')).toBe(readFileSync(expected, 'utf8'));
    expect(readFileSync(csv, 'utf8')).toBe(readFileSync(expectedCsv, 'utf8'));
    // Named like run or compare results, and with the default output name.
    const renamed = join(dir, 'sweep-results.json');
    copyFileSync(single, renamed);
    expect(meshtax('report', renamed, '-q')).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(dir, 'sweep-results.html'), 'utf8')).toBe(readFileSync(expected, 'utf8'));
    const charts = meshtax('report', single, '--charts', join(dir, 'charts'));
    expect(charts.code).toBe(2);
    expect(charts.stderr).toContain('--charts applies only to run and compare results');
  });

  it('meshtax report on garbage or mixed NDJSON: file:line diagnostics with hints, exit 2, nothing written', () => {
    const garbage = join(dir, 'garbage.ndjson');
    writeFileSync(garbage, 'hello\n{"a": 1}\n');
    const g = meshtax('report', garbage);
    expect(g.code).toBe(2);
    expect(g.stdout).toBe('');
    expect(g.stderr).toBe(
      `${garbage}:1:1: error[bad-line]: not a sweep result: invalid JSON (Unexpected token 'h', "hello" is not valid JSON)\n` +
      '  hint: each line of a sweep results file is one JSON object written by meshtax sweep\n\n' +
      `${garbage}:2:1: error[bad-line]: not a sweep result: it has no sweep identity\n` +
      '  hint: each line of a sweep results file is one JSON object written by meshtax sweep\n\n' +
      '2 errors, 0 warnings\n');
    expect(existsSync(join(dir, 'garbage.html'))).toBe(false);

    // A file of another kind (CSV) named .ndjson: ten lines told, the rest counted.
    const csv = join(dir, 'table.ndjson');
    writeFileSync(csv, Array.from({ length: 30 }, (_, i) => `${i},a,b`).join('\n') + '\n');
    const c = meshtax('report', csv);
    expect(c.code).toBe(2);
    expect(c.stderr.match(/error\[bad-line\]/g)).toHaveLength(11);
    expect(c.stderr).toContain(`${csv}:30:1: error[bad-line]: 20 more lines, up to line 30, are not sweep results either`);

    // A compare result given to sweep-report: one mistake, said once.
    const compared = join(dir, 'compared.json');
    writeFileSync(compared, JSON.stringify({ meshtax: { format: 1 }, runs: [{ a: 1 }, { b: 2 }] }, null, 2) + '\n');
    const j = meshtax('sweep-report', compared);
    expect(j.code).toBe(2);
    expect(j.stderr).toBe(
      `${compared}:1:1: error[not-sweep-results]: not sweep results: the file is one JSON document, such as the results of meshtax run or compare, not lines of a sweep\n` +
      '  hint: `meshtax report FILE.json` renders run and compare results; sweep-report and merge read the NDJSON that `meshtax sweep -o` writes\n\n' +
      '1 error, 0 warnings\n');

    // Results of two sweeps in one file, and a line that is not a result among them.
    const other = join(dir, 'other-sweep.ndjson');
    expect(meshtax('sweep', TOPOLOGY, '--set', 'mesh=none,linkerd', '--duration', '3s', '-o', other, '-q').code).toBe(0);
    const mixed = join(dir, 'mixed.ndjson');
    writeFileSync(mixed, lines(single).slice(0, 3).join('\n') + '\nnot json\n' + lines(other)[0] + '\n');
    const m = meshtax('report', mixed);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain(`${mixed}:4:1: error[bad-line]: not a sweep result: invalid JSON`);
    expect(m.stderr).toMatch(new RegExp(`${mixed}:5:1: error\\[mixed-sweeps\\]: results of two different sweeps: [0-9a-f]{16} and [0-9a-f]{16}; they differ in the sweep definition [^\\n]*\\n  hint: merge only the shards of one sweep`));
    expect(m.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(existsSync(join(dir, 'mixed.html'))).toBe(false);
  });

  it('reports points that set different parameters, and tells apart every no-mesh series', () => {
    // Each point sets a parameter the other does not: neither has a value for the other's.
    const file = join(dir, 'points.yaml');
    writeFileSync(file, 'grid:\n  mesh: [none, linkerd]\npoints:\n  - {services.backend.workers: 3}\n  - {services.frontend.workers: 2}\n');
    const out = join(dir, 'points.ndjson'), html = join(dir, 'points.html'), csv = join(dir, 'points.csv');
    const r = meshtax('sweep', TOPOLOGY, '--sweep', file, '--duration', '3s', '-o', out, '--report', html, '--csv', csv, '-q');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    // The page's own text and data, without the inlined libraries.
    expect(page.replace(/<script data-library=[^>]*>[\s\S]*?<\/script>/g, '').includes('undefined')).toBe(false);
    // Two no-mesh series (frontend.workers 2 or the file's): two greys, not one.
    const chips = [...page.matchAll(/<span class="chip"><i style="background:(#[0-9a-f]{6})"><\/i>([^<]*)/g)].map((m) => [m[1], m[2]]);
    const none = chips.filter(([, label]) => label.startsWith('none'));
    expect(none.map(([, label]) => label)).toEqual(['none, services.frontend.workers=(file&#39;s value)', 'none, services.frontend.workers=2']);
    expect(none[0][0]).not.toBe(none[1][0]);
    expect(new Set(chips.map(([c]) => c)).size).toBe(chips.length);
    // CSV: a parameter a point does not set is empty.
    expect(readFileSync(csv, 'utf8')).not.toContain('undefined');
  });
});
