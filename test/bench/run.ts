/**
 * `npm run bench`: the performance figures quoted in the README, and the
 * performance issue's targets checked against them. Each workload runs in
 * its own process (peak RSS is per process); cheap timed figures are the
 * median of 3 runs, the long ones (10M requests, compare) single runs.
 * Every ratio compares figures measured in this same run. Writes
 * test/bench/results.json. Not a test: nothing here fails on speed.
 *
 * `npm run bench -- --quick`: everything scaled down (mostly ÷10), one run
 * each — for working on the bench, not for quoting; writes out/bench-quick.json.
 *
 * `npm run bench -- --peers`: only the core probe and the peers (the
 * reference chain, the sidecar chain5 and M/M/1 beside the floor and SimPy)
 * and their four targets, about 3 minutes instead of 12 — for checking an
 * engine change against the targets; writes out/bench-peers.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cpus, tmpdir, totalmem } from 'node:os';
import type * as Api from '../../sim/index.js';
import {
  canPin, count, fastestCpu, hasSimpy, idealMakespan, insideInterval, interval, measure, medianBy, mib, millions, node,
  perSecond, pinned, pinTo, python, rate, repeat, runJson, runJsonAsync, runText, secs, timeProcess, times,
  type Measurement, type PeerRun,
} from './lib.js';

const quick = process.argv.includes('--quick');
const peersOnly = process.argv.includes('--peers');
const repeats = quick ? 1 : 3;
/** Request counts are the issue's; --quick divides them by 10. */
const scaled = (n: number): number => (quick ? n / 10 : n);
const simpy = hasSimpy();
const SIMPY_MISSING = 'skipped: install Debian\'s python3-simpy3 (apt-get install python3-simpy3)';

// --------------------------------------------------------------------- cores

/**
 * The cores of a VM need not be alike (see lib.ts, fastestCpu): single-process
 * figures (the throughput table, the peers, memory) run pinned to the fastest,
 * so the engines of a ratio share a core and the figures do not depend on
 * where the scheduler put each process.
 */
function probeCores(requests: number) {
  if (!canPin()) {
    console.log('Cores: not pinned (no /usr/bin/taskset, or one CPU): single-process figures run wherever the scheduler puts them.\n');
    return { pinnedCpu: null, probe: [] as Array<{ cpu: number; seconds: number[] }> };
  }
  const { cpu, probe } = fastestCpu(requests);
  pinTo(cpu);
  const median = (xs: number[]): number => medianBy(xs, (x) => x);
  console.log(`Cores: the M/M/1 floor (${count(requests)} requests) on each CPU, 3 runs each:`);
  console.table(probe.map((p) => ({ cpu: p.cpu, 'median seconds': median(p.seconds).toFixed(2), runs: p.seconds.map((x) => x.toFixed(2)).join(' ') })));
  console.log(`single-process figures run pinned to CPU ${cpu}\n`);
  return { pinnedCpu: cpu, probe };
}

// ---------------------------------------------------------------- throughput

interface ThroughputRow extends Measurement { name: string }

/** chain5.yaml under the istio-sidecar profile, mTLS on: a throughput row and a target. */
const SIDECAR_FILE = 'topologies/chain5.yaml';

const THROUGHPUT: Array<{ name: string; file: string; mesh?: string }> = [
  { name: 'M/M/1', file: 'topologies/mm1.yaml' },
  { name: 'chain5 (5 hops, no mesh)', file: 'topologies/chain5.yaml' },
  { name: 'chain5, istio-sidecar, mTLS', file: SIDECAR_FILE, mesh: 'istio-sidecar' },
  { name: 'checkout (11 services)', file: 'topologies/checkout.yaml' },
  { name: 'checkout, istio-ambient', file: 'topologies/checkout.yaml', mesh: 'istio-ambient' },
  { name: 'checkout with failures, retries and timeouts', file: 'topologies/bench/checkout-failures.yaml' },
];

function benchThroughput(requests: number): ThroughputRow[] {
  const rows = THROUGHPUT.map((w) => ({ name: w.name, ...medianBy(repeat(repeats, () => measure(w.file, requests, w.mesh)), (m) => m.seconds) }));
  console.log(`Throughput, ${count(requests)} requests each (median of ${repeats}):`);
  console.table(rows.map((m) => ({
    workload: m.name,
    requests: m.requests,
    'events/s': millions(m.eventsPerSecond),
    'requests/s': perSecond(m.requestsPerSecond),
    'ns/event': m.nsPerEvent.toFixed(0),
    'peak RSS': mib(m.peakRssMiB),
  })));
  return rows;
}

// -------------------------------------------------------------------- memory

/** Peak RSS of checkout at n and 10 n requests: does memory grow with the run's length? */
function benchMemory(small: number, large: number) {
  const file = 'topologies/checkout.yaml';
  const runs = [small, large].map((n) => {
    const m = measure(file, n);
    return { requests: n, peakRssMiB: m.peakRssMiB, seconds: m.seconds };
  });
  const ratio = runs[1].peakRssMiB / runs[0].peakRssMiB;
  console.log('\nMemory: peak RSS of checkout, one run each:');
  // The point of the issue's "within 10 %" is that memory does not grow with
  // the run: the longer run may peak up to 10 % higher. Lower is no failure —
  // peak RSS moves by ±20 % with the garbage collector's timing alone, on top
  // of the ~105 MiB that node and the loaded modules hold before any request.
  const within10Percent = ratio <= 1.1;
  console.table(runs.map((r) => ({ workload: 'checkout', requests: r.requests, 'peak RSS': mib(r.peakRssMiB), seconds: r.seconds.toFixed(1) })));
  console.log(`peak RSS at ${count(large)} / at ${count(small)} requests: ${ratio.toFixed(3)} (${within10Percent ? 'no growth beyond' : 'GREW more than'} 10 %)`);
  return { file, runs, ratio, within10Percent };
}

/**
 * A wide topology, generated: 2,000 services of 10 pods in chains of 20,
 * 100 entry points. Its memory is the model's own (pods, proxies, the
 * per-service histograms), which must follow the services and the pairs
 * that talk, not routers × services: 40,000 routers × 2,000 services once
 * took 1.6 GB here.
 */
function wideTopology(services: number, replicas: number, chain: number): string {
  const lines = ['name: wide', 'services:'];
  for (let i = 0; i < services; i++) {
    const next = (i + 1) % chain !== 0 && i + 1 < services ? `, calls: [s${i + 1}]` : '';
    lines.push(`  s${i}: {replicas: ${replicas}, workers: 4, serviceTime: 1ms${next}}`);
  }
  lines.push('entrypoints:');
  for (let i = 0; i < services; i += chain) lines.push(`  e${i}: {target: s${i}, rate: 10/s}`);
  return lines.join('\n') + '\n';
}

function benchWide(requests: number) {
  const services = 2000, replicas = 10, chain = 20;
  const dir = mkdtempSync(join(tmpdir(), 'meshtax-bench-wide-'));
  const file = join(dir, 'wide.yaml');
  writeFileSync(file, wideTopology(services, replicas, chain));
  try {
    const runs = [undefined, 'istio-sidecar'].map((mesh) => {
      const m = measure(file, requests, mesh);
      return { mesh: mesh ?? 'none', requests: m.requests, peakRssMiB: m.peakRssMiB, seconds: m.seconds };
    });
    console.log(`\nWide topology: ${count(services)} services × ${replicas} pods in chains of ${chain}, ${count(requests)} requests, one run each:`);
    console.table(runs.map((r) => ({ mesh: r.mesh, 'peak RSS': mib(r.peakRssMiB), seconds: r.seconds.toFixed(1) })));
    return { services, pods: services * replicas, chain, runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --------------------------------------------------------------------- peers

/** One run of the floor (test/bench/peers/floor.ts). */
function runFloor(requests: number, workload: string[] = []): PeerRun {
  return runJson<PeerRun>(...pinned(node, ['--import', 'tsx', 'test/bench/peers/floor.ts', String(requests), ...workload]));
}

function runSimpy(script: string, args: Array<string | number>): PeerRun | null {
  return simpy ? runJson<PeerRun>(...pinned(python, [script, ...args.map(String)])) : null;
}

/**
 * Peers are measured in rounds — each engine once, back to back — and a
 * ratio is the median of the rounds' ratios, so that a slow spell of the VM
 * (they last minutes) hits both sides of a ratio alike.
 */
interface PeerRound { ours: Measurement; floor: PeerRun; simpy: PeerRun | null }

function peerRounds(round: () => PeerRound) {
  const rounds = repeat(repeats, round);
  const simpyRuns = rounds.flatMap((r) => (r.simpy ? [r.simpy] : []));
  return {
    rounds,
    ours: medianBy(rounds.map((r) => r.ours), (m) => m.seconds),
    floor: medianBy(rounds.map((r) => r.floor), (f) => f.seconds),
    simpy: simpyRuns.length > 0 ? medianBy(simpyRuns, (f) => f.seconds) : null,
    vsFloor: medianRatio(rounds.map((r) => [r.ours.requestsPerSecond, rate(r.floor)])),
    vsSimpy: simpyRuns.length > 0 ? medianRatio(rounds.map((r) => [r.ours.requestsPerSecond, r.simpy ? rate(r.simpy) : NaN])) : null,
  };
}

/** The median of a/b over the pairs. */
function medianRatio(pairs: Array<[number, number]>): number {
  const ratios = pairs.map(([a, b]) => a / b).filter((x) => Number.isFinite(x));
  return medianBy(ratios, (x) => x);
}

/** The peers table: meshtax, the floor and SimPy (medians of the rounds), with meshtax's ratio to each (median of the rounds' ratios). */
function printPeers(ours: Measurement, floor: PeerRun, sim: PeerRun | null, latencyDigits: number, vsFloor: number, vsSimpy: number | null): void {
  const latency = (x: number | null | undefined, n?: number) => `${x?.toFixed(latencyDigits)} s${n === undefined ? '' : ` (${count(n)} requests)`}`;
  console.table([
    { engine: 'meshtax (all statistics on)', 'requests/s': perSecond(ours.requestsPerSecond), 'mean latency': latency(ours.meanLatency, ours.requests), ratio: '1' },
    { engine: 'floor: hand-written loop', 'requests/s': perSecond(rate(floor)), 'mean latency': latency(floor.meanLatency, floor.requests), ratio: `meshtax = ${times(vsFloor)} the floor` },
    sim
      ? { engine: 'SimPy 3', 'requests/s': perSecond(rate(sim)), 'mean latency': latency(sim.meanLatency, sim.requests), ratio: `meshtax = ${times(vsSimpy ?? NaN, 1)} SimPy` }
      : { engine: 'SimPy 3', 'requests/s': '', 'mean latency': '', ratio: SIMPY_MISSING },
  ]);
}

/** meshtax's mean latency against the analytic value: is it inside meshtax's 95 % interval? */
function checkAnalytic(name: string, ours: Measurement, analytic: number, digits: number): boolean {
  const inside = insideInterval(analytic, ours.meanLatencyCi);
  console.log(`${name} mean latency: meshtax ${ours.meanLatency?.toFixed(digits)} s, 95 % interval ${interval(ours.meanLatencyCi, digits)}; ` +
    `analytic ${analytic.toFixed(digits)} s — ${inside ? 'inside' : 'OUTSIDE'} the interval`);
  return inside;
}

/**
 * The reference chain5 (5 hops of delay proxies, network and an M/M/4
 * station; analytic mean 9.047 s) in meshtax, SimPy 3 and the floor.
 */
function benchChain5Peers(requests: number) {
  const file = 'topologies/bench/chain5-reference.yaml';
  const analyticMeanLatency = 9.047; // Erlang C, derived in the topology's comments
  // chain5 under istio-sidecar runs in the same rounds: its target is a ratio to this floor.
  const sidecarRuns: Measurement[] = [];
  const peers = peerRounds(() => {
    const ours = measure(file, requests);
    sidecarRuns.push(measure(SIDECAR_FILE, requests, 'istio-sidecar'));
    // SimPy is ~20× slower: a tenth of the requests keeps the bench short.
    return { ours, floor: runFloor(requests), simpy: runSimpy('test/bench/peers/chain5_simpy.py', [requests / 10]) };
  });
  const { ours, floor, simpy: sim, vsFloor, vsSimpy } = peers;
  console.log(`\nPeers on the reference chain5 (${file}), ${repeats} round(s):`);
  printPeers(ours, floor, sim, 3, vsFloor, vsSimpy);
  const analyticInsideCi = checkAnalytic('chain5', ours, analyticMeanLatency, 3);
  const sidecar = medianBy(sidecarRuns, (m) => m.seconds);
  const sidecarVsFloor = medianRatio(peers.rounds.map((r, i) => [sidecarRuns[i].requestsPerSecond, rate(r.floor)]));
  console.log(`${SIDECAR_FILE} under istio-sidecar with mTLS, in the same rounds: ${perSecond(sidecar.requestsPerSecond)} requests/s, ${times(sidecarVsFloor)} the floor`);
  return { requests, meshtax: ours, floor, simpy: sim, analyticMeanLatency, analyticInsideCi, vsFloor, vsSimpy, sidecar, sidecarVsFloor };
}

/** λ and μ of topologies/mm1.yaml, read through meshtax's own loader so the peers cannot drift from it. */
async function mm1Rates(file: string): Promise<{ lambda: number; mu: number }> {
  const dist = '../../dist/sim/index.js'; // computed: the typecheck must not need dist/
  const { loadTopologyFile } = (await import(dist)) as typeof Api;
  const { topology } = loadTopologyFile(file);
  const service = topology?.services[0];
  const arrivals = topology?.entrypoints[0]?.arrivals;
  if (!service || service.workers !== 1 || service.replicas !== 1 || service.serviceTime.kind !== 'exponential' ||
      arrivals?.kind !== 'poisson' || arrivals.schedule.length !== 1) {
    throw new Error(`${file} is no longer one M/M/1 server: update the M/M/1 peers`);
  }
  return { lambda: arrivals.schedule[0].rate, mu: 1 / service.serviceTime.mean };
}

/**
 * M/M/1 in meshtax (the throughput table's row: topologies/mm1.yaml), SimPy 3
 * and the floor, with the same λ and μ; analytic mean time in system 1/(μ−λ).
 */
async function benchMm1Peers(requests: number) {
  const file = 'topologies/mm1.yaml';
  const { lambda, mu } = await mm1Rates(file);
  const analyticMeanLatency = 1 / (mu - lambda);
  const { ours, floor, simpy: sim, vsFloor, vsSimpy } = peerRounds(() => ({
    ours: measure(file, requests),
    // The floor does 1M requests in ~0.15 s: ten times as many make a steadier rate.
    floor: runFloor(requests * 10, ['mm1', String(lambda), String(mu)]),
    simpy: runSimpy('test/bench/peers/mm1_simpy.py', [requests / 10, lambda, mu]),
  }));
  console.log(`\nPeers on M/M/1 (${file}: λ = ${lambda}/s, μ = ${mu}/s), ${repeats} round(s):`);
  printPeers(ours, floor, sim, 4, vsFloor, vsSimpy);
  const analyticInsideCi = checkAnalytic('M/M/1', ours, analyticMeanLatency, 4);
  return { lambda, mu, meshtax: ours, floor, simpy: sim, analyticMeanLatency, analyticInsideCi, vsFloor, vsSimpy };
}

// ------------------------------------------------------------------- compare

const COMPARE_FILE = 'topologies/checkout.yaml';
const COMPARE_MODES = ['none', 'istio-sidecar', 'istio-ambient', 'linkerd', 'cilium'];

/** Whether this build's `compare` takes --workers (it is being added alongside this bench). */
function compareTakesWorkers(): boolean {
  const help = runText(node, ['dist/bin/meshtax.js', 'compare', '--help']);
  return /--workers\b/.test(help);
}

/** The whole compiled CLI process, start-up and summaries included. */
function timeCompare(requests: number, workers: number | null) {
  const args = ['dist/bin/meshtax.js', 'compare', COMPARE_FILE, '--mesh', COMPARE_MODES.join(','),
    '--requests', String(requests), ...(workers === null ? [] : ['--workers', String(workers)]), '-q'];
  const seconds = timeProcess(node, args);
  return { workers, seconds, requestsPerSecond: (COMPARE_MODES.length * requests) / seconds };
}

/**
 * A 5-mode compare of checkout: the CLI's wall time (1 and 2 workers when it
 * takes --workers) and, for the breakdown, each mode alone in its own process.
 * The per-mode runs use no warm-up (workload.ts) while compare keeps the
 * topology's 20 s: ~5k more requests per mode (~240/s), 0.5 % of 1M.
 */
function benchCompare(requests: number) {
  const workersFlag = compareTakesWorkers();
  const wall = workersFlag ? [timeCompare(requests, 1), timeCompare(requests, 2)] : [timeCompare(requests, null)];
  // Unpinned, as the compare runs they are set against.
  const perMode = COMPARE_MODES.map((mesh) => measure(COMPARE_FILE, requests, mesh, false));
  const sumOfModes = perMode.reduce((a, m) => a + m.seconds, 0);
  const idealTwoCores = idealMakespan(perMode.map((m) => m.seconds), 2);
  const speedup = workersFlag ? wall[0].seconds / wall[1].seconds : null;

  console.log(`\n5-mode compare of ${COMPARE_FILE}, ${count(requests)} requests per mode (whole CLI process):`);
  console.table(wall.map((w) => ({
    run: w.workers === null ? 'compare (no --workers)' : `compare --workers ${w.workers}`,
    'wall time': secs(w.seconds, 1),
    'requests/s (all modes)': perSecond(w.requestsPerSecond),
  })));
  if (!workersFlag) console.log('compare takes no --workers in this build: its modes run one after another; no 2-worker figure.');
  else console.log(`compare speed-up with 2 workers: ${times(speedup ?? 0)} (ideal from the per-mode times below: ${times(sumOfModes / idealTwoCores)})`);
  console.log('Per mode, each alone in its own process:');
  console.table(perMode.map((m) => ({
    mode: m.mesh, seconds: m.seconds.toFixed(2), events: m.events, 'events/s': millions(m.eventsPerSecond),
    'requests/s': perSecond(m.requestsPerSecond), 'peak RSS': mib(m.peakRssMiB),
  })));
  console.log(`sum of the modes alone: ${secs(sumOfModes, 1)}; longest-first on 2 cores: ${secs(idealTwoCores, 1)}`);
  return { file: COMPARE_FILE, modes: COMPARE_MODES, requestsPerMode: requests, workersFlag, wall, speedup, perMode, sumOfModesSeconds: sumOfModes, idealTwoCoreSeconds: idealTwoCores };
}

// ------------------------------------------------------- the parallel ceiling

const BUSY_CEILING = 1.5;
const BUSY_WARNING = `warning: two processes got less than ${BUSY_CEILING}× the work of one: another process was using a core. ` +
  'Figures that need both cores (compare --workers 2, the sweep\'s 2 workers) are not representative in this run.';

interface PairTrial { oneSeconds: number; twoSeconds: [number, number]; ratio: number }

/**
 * One process alone, then two copies at the same time, `repeats` times:
 * ratio = 2 × one's time / the slower of the two's (2.0 on two idle cores).
 * The processes report their own loop time, so start-up does not count;
 * the two copies start within milliseconds. The median trial by ratio.
 */
async function pairTrial(args: string[]): Promise<{ median: PairTrial; trials: PairTrial[] }> {
  const trials: PairTrial[] = [];
  for (let i = 0; i < repeats; i++) {
    const one = runJson<{ seconds: number }>(node, args);
    const [a, b] = await Promise.all([runJsonAsync<{ seconds: number }>(node, args), runJsonAsync<{ seconds: number }>(node, args)]);
    trials.push({ oneSeconds: one.seconds, twoSeconds: [a.seconds, b.seconds], ratio: (2 * one.seconds) / Math.max(a.seconds, b.seconds) });
  }
  return { median: medianBy(trials, (t) => t.ratio), trials };
}

const pairLine = (m: PairTrial): string =>
  `alone ${secs(m.oneSeconds)}, two at once ${secs(m.twoSeconds[0])} and ${secs(m.twoSeconds[1])}: two processes get ${times(m.ratio)} the work of one`;

/**
 * What this machine gives two processes at once: for the chain5 floor (a
 * tight loop over little memory) and for two meshtax runs (chain5 under
 * istio-sidecar, as a sweep point is). A simulation holds far more memory
 * than the floor's loop, and on this virtual machine two of them at once can
 * slow each other more than two floors do: the meshtax figure, not the
 * floor's, bounds what 2 sweep workers get.
 */
async function benchParallelCeiling(requests: number) {
  const floor = await pairTrial(['--import', 'tsx', 'test/bench/peers/floor.ts', String(requests)]);
  const m = floor.median;
  console.log(`\nParallel ceiling: the chain5 floor (${count(requests)} requests) ${pairLine(m)}`);
  // Two pure loops on two idle cores get ~2×; far less means something else held a core.
  const busy = m.ratio < BUSY_CEILING;
  if (busy) console.log(BUSY_WARNING);
  const meshtaxRequests = requests / 5;
  const pair = await pairTrial(['--import', 'tsx', 'test/bench/workload.ts', 'topologies/chain5.yaml', String(meshtaxRequests), 'istio-sidecar']);
  console.log(`Two meshtax runs (chain5, istio-sidecar, ${count(meshtaxRequests)} requests) ${pairLine(pair.median)}`);
  const meshtax = { requests: meshtaxRequests, ratio: pair.median.ratio, median: pair.median, trials: pair.trials };
  return { workload: 'floor chain5', requests, ratio: m.ratio, busy, median: m, trials: floor.trials, meshtax };
}

// --------------------------------------------------------------------- sweep

/**
 * One 16-point sweep (chain5 under 2 meshes × 8 rates), the whole compiled
 * CLI process timed (start-up, checking every point, the runs, the final
 * canonical rewrite).
 */
function measureSweep(workers: number, duration: string): { workers: number; runs: number; seconds: number; runsPerSecond: number } {
  const dir = mkdtempSync(join(tmpdir(), 'meshtax-bench-'));
  const out = join(dir, 'sweep.ndjson');
  const seconds = timeProcess(node, ['dist/bin/meshtax.js', 'sweep', 'topologies/chain5.yaml', '--set', 'mesh=none,istio-sidecar',
    '--set', 'entrypoints.api.rate=100/s..800/s:100/s', '--duration', duration, '--workers', String(workers), '-o', out, '-q']);
  const runs = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').length;
  rmSync(dir, { recursive: true });
  return { workers, runs, seconds, runsPerSecond: runs / seconds };
}

function benchSweep(duration: string, ceiling: number) {
  const all: Array<ReturnType<typeof measureSweep>> = [];
  // 1 and 2 workers alternate so that noise from the shared machine falls on both.
  for (let i = 0; i < repeats; i++) for (const w of [1, 2]) all.push(measureSweep(w, duration));
  const [one, two] = [1, 2].map((w) => medianBy(all.filter((r) => r.workers === w), (r) => r.seconds));
  const speedup = two.runsPerSecond / one.runsPerSecond;
  console.log(`\nSweep: chain5 × 2 meshes × 8 rates, ${duration} simulated each (whole CLI process):`);
  console.table([one, two].map((r) => ({ workers: r.workers, runs: r.runs, seconds: r.seconds.toFixed(2), 'points/s': r.runsPerSecond.toFixed(2) })));
  console.log(`sweep speed-up with 2 workers: ${times(speedup)}; two meshtax processes at once (above): ${times(ceiling)}, ` +
    `so the sweep reaches ${((100 * speedup) / ceiling).toFixed(0)} % of what two processes get`);
  // The same sweep with next to nothing to simulate: what start-up, checking
  // the points and each run's fixed cost (building, summarizing) take.
  const fixed = [1, 2].map((w) => measureSweep(w, '1s'));
  console.log(`fixed cost of the 16-point sweep (1 s simulated each): ${fixed.map((r) => `${r.workers} worker${r.workers > 1 ? 's' : ''} ${secs(r.seconds)}`).join(', ')}`);
  return { topology: 'topologies/chain5.yaml', duration, oneWorker: one, twoWorkers: two, speedup, all, fixed };
}

// ------------------------------------------------------------------- targets

interface Target {
  target: string;
  /** The condition on `value` for `met`. */
  threshold: string;
  measured: string;
  value: number | null;
  met: boolean | null; // null: not measured in this run
}

/** A ratio target: met when value ≥ threshold; null value = not measured. */
function atLeast(target: string, value: number | null, threshold: number, what: string, missing: string): Target {
  const condition = `≥ ${threshold}`;
  return value === null
    ? { target, threshold: condition, measured: missing, value, met: null }
    : { target, threshold: condition, measured: `${times(value, value >= 10 ? 1 : 2)} ${what}`, value, met: value >= threshold };
}

/**
 * The issue asks compare to run its modes "in parallel on both cores" without
 * a figure; we call it met when 2 workers are at least this much faster than
 * 1, beyond the run-to-run noise of this shared machine (up to ~30 %).
 */
const PARALLEL_SPEEDUP = 1.3;

/** The performance issue's targets, each against this run's figures. */
function evaluateTargets(r: {
  throughput: ThroughputRow[];
  chain5: ReturnType<typeof benchChain5Peers>;
  mm1: Awaited<ReturnType<typeof benchMm1Peers>>;
  memory: ReturnType<typeof benchMemory>;
  compare: ReturnType<typeof benchCompare>;
  sweep: ReturnType<typeof benchSweep>;
}): Target[] {
  const [small, large] = r.memory.runs;
  const c = r.compare;
  const parallel = c.speedup !== null && c.speedup >= PARALLEL_SPEEDUP;
  const wall = c.wall.map((w) => `${w.workers === null ? '' : `${w.workers}w `}${secs(w.seconds, 1)}`).join(', ');
  return [
    ...peerTargets(r.chain5, r.mm1),
    {
      target: `peak RSS at ${count(large.requests)} requests at most 10 % above ${count(small.requests)}`,
      threshold: 'ratio ≤ 1.1',
      measured: `${mib(large.peakRssMiB)} vs ${mib(small.peakRssMiB)}: ${r.memory.ratio.toFixed(3)}`,
      value: r.memory.ratio,
      met: r.memory.within10Percent,
    },
    {
      target: `5-mode compare of checkout, ${count(c.requestsPerMode)} requests per mode, in parallel on both cores`,
      threshold: `2-worker speed-up ≥ ${PARALLEL_SPEEDUP}`,
      measured: c.workersFlag ? `${wall}: ${times(c.speedup ?? 0)} with 2 workers` : `${wall}; compare takes no --workers`,
      value: c.speedup,
      met: parallel,
    },
    // The sweep issue's target, recorded here with the rest.
    atLeast(`sweep (16 points, ${r.sweep.duration} each): 2 workers ≥ 1.8× one`, r.sweep.speedup, 1.8, 'one worker', 'not measured'),
  ];
}

/** The targets the peers' rounds measure: speed against the floor and SimPy. */
function peerTargets(chain5: ReturnType<typeof benchChain5Peers>, mm1: Awaited<ReturnType<typeof benchMm1Peers>>): Target[] {
  return [
    atLeast('chain5 (reference), all statistics on: ≥ 0.6× the floor', chain5.vsFloor, 0.6, 'the floor', ''),
    atLeast('chain5 (reference): ≥ 12× SimPy', chain5.vsSimpy, 12, 'SimPy', 'SimPy absent'),
    atLeast('M/M/1: ≥ 25× SimPy', mm1.vsSimpy, 25, 'SimPy', 'SimPy absent'),
    // chain5.yaml under the real istio-sidecar profile (mTLS on) against the reference chain's floor, as the issue words it.
    atLeast('chain5, istio-sidecar, mTLS: ≥ 0.35× the floor', chain5.sidecarVsFloor, 0.35, 'the (reference chain5) floor', 'not measured'),
  ];
}

/** Writes the results where they belong: only a full-size, full run replaces the README's test/bench/results.json. */
function writeResults(file: string, results: object): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(`wrote ${file} (the bench took ${secs((performance.now() - started) / 1000, 0)})`);
}

function printTargets(targets: Target[]): void {
  console.log(`\nTargets (performance and sweep issues)${quick ? ' — --quick: scaled-down runs, not the issue\'s figures' : ''}:`);
  console.table(targets.map((t) => ({ target: t.target, measured: t.measured, status: t.met === null ? 'not measured' : t.met ? 'met' : 'NOT met' })));
}

// ---------------------------------------------------------------------- main

const started = performance.now();
const date = new Date().toISOString();
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
const cores = probeCores(scaled(10_000_000));
if (peersOnly) {
  const chain5 = benchChain5Peers(scaled(1_000_000));
  const mm1 = await benchMm1Peers(scaled(1_000_000));
  const targets = peerTargets(chain5, mm1);
  printTargets(targets);
  writeResults(quick ? 'out/bench-peers-quick.json' : 'out/bench-peers.json', {
    date, quick, peersOnly, machine, cores, peers: { chain5, mm1 }, targets, benchSeconds: (performance.now() - started) / 1000,
  });
  process.exit(0);
}
const throughput = benchThroughput(scaled(1_000_000));
const memory = benchMemory(scaled(1_000_000), scaled(10_000_000));
const wide = benchWide(quick ? 200 : 2000);
const chain5 = benchChain5Peers(scaled(1_000_000));
const mm1 = await benchMm1Peers(scaled(1_000_000));
const compare = benchCompare(scaled(1_000_000));
const ceiling = await benchParallelCeiling(scaled(1_000_000));
// Points of 600 simulated seconds (60k–480k requests each): a sweep's points
// are runs worth simulating; the fixed cost of each (start-up, checking,
// summarizing) is measured on its own below.
const sweep = benchSweep(quick ? '60s' : '600s', ceiling.meshtax.ratio);
// What an idle process of the same kind (node + tsx loader + meshtax's compiled modules) holds, for scale.
const idle = measure('topologies/mm1.yaml', 1);
console.log(`\nidle process (same loader, 1 request): ${mib(idle.peakRssMiB)} peak RSS`);
const targets = evaluateTargets({ throughput, chain5, mm1, memory, compare, sweep });
printTargets(targets);
if (ceiling.busy) console.log(BUSY_WARNING);

const results = {
  date, quick, machine, cores, throughput, memory, wide, peers: { chain5, mm1 }, compare, parallelCeiling: ceiling, sweep,
  idleRssMiB: idle.peakRssMiB, targets, benchSeconds: (performance.now() - started) / 1000,
};
// --quick figures are not for quoting: they go to the git-ignored out/, leaving results.json alone.
writeResults(quick ? 'out/bench-quick.json' : 'test/bench/results.json', results);
