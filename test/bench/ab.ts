/**
 * `npm run bench:ab -- [options] <topology>`: is this checkout faster than
 * another commit, and does it still give the same outputs?
 *
 * Builds the other commit (default HEAD, i.e. the change not yet committed)
 * in a temporary git worktree, then runs the topology with each build,
 * alternately, pinned to this machine's fastest core, and prints each
 * pair's ratio and their median. Pinned and paired, ratios agree within
 * about ±5 % on the VM this was written on, where unpinned runs of one build
 * spread over 40 % (see README, Performance).
 *
 * --outputs also runs `meshtax compare` on every bundled topology and
 * scenario with both builds and compares the JSON byte for byte: a change
 * meant to be only faster must leave them identical.
 *
 * --instructions counts instructions instead of timing (valgrind's
 * callgrind, `apt-get install -y valgrind`): each build runs the topology at
 * the request count and at a fifth of it, and the difference, per request,
 * is what the simulation costs with start-up and reporting taken out. The
 * counts repeat within ±0.2–1 % (README, Performance) where wall times on a shared VM spread ±25 %,
 * so a change of a few per cent shows. ~10 s per 10k requests per run.
 *
 * Options: --base <commit> (HEAD), --pairs <n> (8), --requests <n> (300000,
 * 50000 with --instructions), --mesh <profile>, --outputs, --instructions.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { Command } from 'commander';
import { canPin, fastestCpu, medianBy, node, onCpu, runJson } from './lib.js';

interface Timed { cpuSeconds: number; events: number; meanLatency: number | null }

const program = new Command('bench:ab')
  .argument('<topology>', 'topology file to time')
  .option('--base <commit>', 'the commit to compare with', 'HEAD')
  .option('--pairs <n>', 'alternating runs of each build', '8')
  .option('--requests <n>', 'requests a run (default 300000, 50000 with --instructions)')
  .option('--mesh <profile>', 'mesh profile for the timed runs')
  .option('--outputs', 'also compare every bundled topology\'s compare JSON between the builds')
  .option('--instructions', 'count instructions per request under callgrind instead of timing')
  .parse();
const file = program.args[0];
const opts = program.opts<{ base: string; pairs: string; requests?: string; mesh?: string; outputs?: boolean; instructions?: boolean }>();
const requests = opts.requests ?? (opts.instructions ? '50000' : '300000');
if (opts.instructions && !hasValgrind()) {
  console.error('bench:ab --instructions needs valgrind: apt-get install -y valgrind');
  process.exit(2);
}

const here = process.cwd();
const git = (...args: string[]): string => execFileSync('git', args, { cwd: here, encoding: 'utf8' }).trim();
const base = mkdtempSync(join(tmpdir(), 'meshtax-ab-'));
const commit = git('rev-parse', '--short', opts.base);
console.log(`building ${opts.base} (${commit}) in ${base} and this checkout …`);
git('worktree', 'add', '--detach', '--force', base, opts.base);
try {
  symlinkSync(join(here, 'node_modules'), join(base, 'node_modules'));
  const tsc = join(here, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(node, [tsc, '-p', 'tsconfig.build.json'], { cwd: base, stdio: 'inherit' });
  execFileSync(node, [tsc, '-p', 'tsconfig.build.json'], { cwd: here, stdio: 'inherit' });
  if (opts.instructions) countInstructions();
  else timePairs();
  if (opts.outputs) compareOutputs();
} finally {
  git('worktree', 'remove', '--force', base);
}

function timePairs(): void {
  const cpu = canPin() ? fastestCpu(10_000_000).cpu : null;
  console.log(`${file}${opts.mesh ? ` under ${opts.mesh}` : ''}, ${requests} requests, ${cpu === null ? 'unpinned' : `pinned to CPU ${cpu}`}:`);
  const run = (root: string): Timed => runJson<Timed>(...onCpu(cpu, node,
    ['--import', 'tsx', 'test/bench/timeBuild.ts', root, file, requests, ...(opts.mesh ? [opts.mesh] : [])]));
  const ratios: number[] = [];
  for (let i = 0; i < Number(opts.pairs); i++) {
    const b = run(base);
    const n = run(here);
    ratios.push(b.cpuSeconds / n.cpuSeconds);
    const same = b.events === n.events && b.meanLatency === n.meanLatency ? '' : ' (events or mean latency differ)';
    console.log(`  pair ${i + 1}: ${commit} ${b.cpuSeconds.toFixed(3)} s, this checkout ${n.cpuSeconds.toFixed(3)} s: ${ratios[i].toFixed(3)}×${same}`);
  }
  console.log(`median speed-up of this checkout over ${commit}: ${medianBy(ratios, (x) => x).toFixed(3)}×`);
}

function hasValgrind(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Instructions (callgrind's Ir) of one `meshtax run` of the topology with the build under `root`. */
function instructions(root: string, n: number): number {
  const args = [
    '--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file',
    // One thread: no concurrent compiler, so the tiers' timing and the count repeat.
    node, '--single-threaded', resolve(root, 'dist/bin/meshtax.js'), 'run', file,
    '--requests', String(n), '--warmup', '0', '--json', ...(opts.mesh ? ['--mesh', opts.mesh] : []),
  ];
  const res = spawnSync('valgrind', args, { cwd: here, encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /I\s+refs:\s+([\d,]+)/.exec(res.stderr);
  if (res.status !== 0 || !m) throw new Error(`valgrind run failed (${res.status}): ${res.stderr.slice(-500)}`);
  return Number(m[1].replaceAll(',', ''));
}

function countInstructions(): void {
  const n = Number(requests);
  const small = Math.round(n / 5);
  console.log(`${file}${opts.mesh ? ` under ${opts.mesh}` : ''}: instructions per request, from runs of ${n} and ${small} requests (callgrind):`);
  const perRequest = (root: string): number => (instructions(root, n) - instructions(root, small)) / (n - small);
  const b = perRequest(base);
  const h = perRequest(here);
  console.log(`  ${commit}: ${Math.round(b).toLocaleString('en-US')}, this checkout: ${Math.round(h).toLocaleString('en-US')}`);
  console.log(`this checkout runs ${(100 * (h / b - 1)).toFixed(1)} % instructions per request against ${commit} (${(b / h).toFixed(3)}× fewer)`);
}

/** Every topology under topologies/ but the mesh profiles. */
function bundledTopologies(dir = 'topologies'): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'meshes' ? [] : bundledTopologies(path);
    return name.endsWith('.yaml') ? [path] : [];
  });
}

function compareOutputs(): void {
  const out = mkdtempSync(join(tmpdir(), 'meshtax-ab-out-'));
  const differ: string[] = [];
  const files = bundledTopologies();
  for (const f of files) {
    const json = (root: string, side: string): Buffer => {
      const target = join(out, `${side}-${f.replaceAll('/', '_')}.json`);
      execFileSync(node, [resolve(root, 'dist/bin/meshtax.js'), 'compare', f, '--workers', '1', '-q', '-o', target], { cwd: here, stdio: 'ignore' });
      return readFileSync(target);
    };
    if (!json(base, 'base').equals(json(here, 'new'))) differ.push(f);
  }
  rmSync(out, { recursive: true, force: true });
  console.log(differ.length === 0
    ? `outputs: compare JSON byte-identical on all ${files.length} bundled topologies`
    : `outputs: compare JSON DIFFERS on ${differ.length} of ${files.length}: ${differ.join(', ')}`);
}
