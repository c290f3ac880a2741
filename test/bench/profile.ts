/**
 * `npm run bench:profile -- [--requests N] [--mesh P] [--top K] <topology>`:
 * where a run's instructions go, per function, exactly.
 *
 * Runs the compiled dist/ (`npm run build` first) under valgrind's
 * callgrind with one thread and V8's perf map (`--perf-basic-prof`), then
 * maps every instruction address onto the JIT function that holds it.
 * Sampling profilers (`--cpu-prof`, `perf record -e cpu-clock`) give ticks
 * too coarse and too noisy on this VM to rank functions of a few per cent;
 * these counts repeat within ±0.2 %. Code V8 inlined counts in the function
 * it was inlined into; `*` marks optimized code, `^` baseline. Start-up,
 * loading and reporting are in the totals too: run enough requests (50,000
 * or more) for the simulation to dominate, or compare two request counts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { Command } from 'commander';
import { node } from './lib.js';

const program = new Command('bench:profile')
  .argument('<topology>', 'topology file to run')
  .option('--requests <n>', 'requests to run', '50000')
  .option('--mesh <profile>', 'mesh profile to run under')
  .option('--top <k>', 'functions to list', '40')
  .option('--callers <regex>', 'also list which functions call those named by regex (e.g. LoadIC), by inclusive instructions')
  .parse();
const file = program.args[0];
const opts = program.opts<{ requests: string; mesh?: string; top: string; callers?: string }>();

const dir = mkdtempSync(join(tmpdir(), 'meshtax-profile-'));
try {
  const out = join(dir, 'callgrind.out');
  const res = spawnSync('valgrind', [
    '--tool=callgrind', '--dump-instr=yes', `--callgrind-out-file=${out}`, '--smc-check=all-non-file',
    node, '--single-threaded', '--perf-basic-prof', resolve('dist/bin/meshtax.js'), 'run', resolve(file),
    '--requests', opts.requests, '--warmup', '0', '--json', ...(opts.mesh ? ['--mesh', opts.mesh] : []),
  ], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (res.error || res.status !== 0) {
    console.error(res.error ? `cannot run valgrind (apt-get install -y valgrind): ${res.error.message}` : res.stderr.slice(-1000));
    process.exit(2);
  }
  // V8 writes its map to /tmp/perf-<pid>.map, named by the node process (valgrind keeps the pid).
  const pid = /==(\d+)==/.exec(res.stderr)?.[1];
  const mapFile = `/tmp/perf-${pid}.map`;
  const ranges = readPerfMap(mapFile);
  const counts = selfCounts(readFileSync(out, 'utf8'), ranges);
  rmSync(mapFile, { force: true });
  let total = 0;
  for (const v of counts.values()) total += v;
  console.log(`${file}${opts.mesh ? ` under ${opts.mesh}` : ''}, ${opts.requests} requests: ${(total / 1e6).toFixed(0)} M instructions`);
  const rows = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, Number(opts.top));
  for (const [name, v] of rows) {
    console.log(`${(v / 1e6).toFixed(1).padStart(9)} M ${((100 * v) / total).toFixed(1).padStart(5)} %  ${name.replace('file://' + resolve('.') + '/', '')}`);
  }
  if (opts.callers) {
    const callers = callerCounts(readFileSync(out, 'utf8'), ranges, new RegExp(opts.callers));
    console.log(`\ncalls into /${opts.callers}/, inclusive, by caller:`);
    const byCaller = [...callers].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, Number(opts.top));
    for (const [name, v] of byCaller) {
      console.log(`${(v / 1e6).toFixed(1).padStart(9)} M ${((100 * v) / total).toFixed(1).padStart(5)} %  ${name.replace('file://' + resolve('.') + '/', '')}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  for (const f of readdirSync(process.cwd())) if (/^isolate-.*\.log$/.test(f)) rmSync(f);
}

interface Range { start: number; end: number; name: string }

function readPerfMap(path: string): Range[] {
  const ranges = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [start, size, ...name] = line.split(' ');
    const s = parseInt(start, 16);
    return { start: s, end: s + parseInt(size, 16), name: name.join(' ') };
  });
  return ranges.sort((a, b) => a.start - b.start);
}

function find(ranges: Range[], addr: number): string | null {
  let lo = 0, hi = ranges.length - 1, at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid].start <= addr) { at = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return at >= 0 && addr < ranges[at].end ? ranges[at].name : null;
}

/** One cost line of a callgrind file: where, how many instructions, and the function it is charged to. */
interface Cost {
  addr: number;
  ir: number;
  /** The object and function callgrind names for the address (native code; JIT code is named by the perf map). */
  ob: string;
  fn: string;
  /** For a call's inclusive cost (the line after `calls=`), the called function's name; else null (the line's own cost). */
  callee: string | null;
}

/**
 * Walks a callgrind file with --dump-instr: cost lines are `address line
 * Ir` (addresses absolute, or relative with +/-, or * for the same); the
 * line after `calls=` is a call's inclusive cost, named by the `cfn=` before
 * it, and is not the caller's own.
 */
function eachCost(text: string, visit: (cost: Cost) => void): void {
  const names = new Map<string, string>();
  let addr = 0, ob = '?', fn = '?', cfn = '', inCall = false;
  for (const line of text.split('\n')) {
    const named = /^(ob|fn|fl|fi|fe|cfn|cob|cfi|cfl)=\((\d+)\)(?: (.*))?$/.exec(line);
    if (named) {
      // Callee names share the ids of the names they stand for (cfn with fn, cob with ob).
      const kind = named[1] === 'cfn' || named[1] === 'fn' ? 'fn' : named[1] === 'cob' || named[1] === 'ob' ? 'ob' : 'fl';
      const key = `${kind}${named[2]}`;
      if (named[3] !== undefined) names.set(key, named[3].trim());
      if (named[1] === 'ob') ob = names.get(key) ?? '?';
      if (named[1] === 'fn') fn = names.get(key) ?? '?';
      if (named[1] === 'cfn') cfn = names.get(key) ?? '';
      continue;
    }
    if (line.startsWith('calls=')) { inCall = true; continue; }
    const c = line.charCodeAt(0);
    if (!((c >= 48 && c <= 57) || line[0] === '+' || line[0] === '-' || line[0] === '*')) continue;
    const parts = line.split(' ');
    if (parts.length < 3) { inCall = false; continue; }
    const a = parts[0];
    if (a.startsWith('0x')) addr = parseInt(a, 16);
    else if (a[0] === '+') addr += Number(a.slice(1));
    else if (a[0] === '-') addr -= Number(a.slice(1));
    visit({ addr, ir: Number(parts[2]), ob, fn, callee: inCall ? cfn : null });
    inCall = false;
  }
}

function add(counts: Map<string, number>, name: string, ir: number): void {
  counts.set(name, (counts.get(name) ?? 0) + ir);
}

/** Self instructions per function; native code goes under its object and function name as callgrind gives them. */
function selfCounts(text: string, ranges: Range[]): Map<string, number> {
  const counts = new Map<string, number>();
  eachCost(text, (k) => {
    if (k.callee === null) add(counts, find(ranges, k.addr) ?? `(native) ${k.ob.split('/').pop()} ${k.fn}`, k.ir);
  });
  return counts;
}

/**
 * Inclusive instructions of calls into native functions whose callgrind
 * name matches `callee` (V8's builtins are named in node's binary, e.g.
 * Builtins_LoadIC), by the JIT function holding the call site: which
 * property loads miss their inline caches.
 */
function callerCounts(text: string, ranges: Range[], callee: RegExp): Map<string, number> {
  const counts = new Map<string, number>();
  eachCost(text, (k) => {
    if (k.callee !== null && callee.test(k.callee)) add(counts, find(ranges, k.addr) ?? '(native)', k.ir);
  });
  return counts;
}
