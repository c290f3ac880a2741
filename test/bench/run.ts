/**
 * `npm run bench`: the performance figures quoted in the README. Each
 * workload runs in its own process (peak RSS is per process); each timed
 * figure is the median of several runs. Writes test/bench/results.json.
 * Not a test: nothing here passes or fails on speed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, tmpdir, totalmem } from 'node:os';

interface Measurement {
  file: string;
  requests: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  requestsPerSecond: number;
  nsPerEvent: number;
  peakRssMiB: number;
  meanLatency?: number | null;
  meanLatencyCi?: [number, number] | null;
}

function measure(file: string, requests: number, mesh?: string): Measurement {
  const args = ['--import', 'tsx', 'test/bench/workload.ts', file, String(requests), ...(mesh ? [mesh] : [])];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8' });
  return JSON.parse(out) as Measurement;
}

function median(ms: Measurement[]): Measurement {
  const sorted = [...ms].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor(sorted.length / 2)];
}

const quick = process.argv.includes('--quick');
const repeats = quick ? 1 : 3;
const throughput: Array<{ name: string; file: string; requests: number; mesh?: string }> = [
  { name: 'M/M/1', file: 'topologies/mm1.yaml', requests: 1_000_000 },
  { name: 'chain5 (5 hops, no mesh)', file: 'topologies/chain5.yaml', requests: 1_000_000 },
  { name: 'chain5, istio-sidecar, mTLS', file: 'topologies/chain5.yaml', requests: 1_000_000, mesh: 'istio-sidecar' },
  { name: 'checkout (11 services)', file: 'topologies/checkout.yaml', requests: 1_000_000 },
  { name: 'checkout, istio-ambient', file: 'topologies/checkout.yaml', requests: 1_000_000, mesh: 'istio-ambient' },
];
const rows: Array<Record<string, string | number>> = [];
const results: Record<string, unknown> = {
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  throughput: [] as unknown[],
  memory: [] as unknown[],
};

for (const w of throughput) {
  const runs = Array.from({ length: repeats }, () => measure(w.file, quick ? w.requests / 10 : w.requests, w.mesh));
  const m = median(runs);
  (results.throughput as unknown[]).push({ name: w.name, ...m });
  rows.push({
    workload: w.name,
    requests: m.requests,
    'events/s': `${(m.eventsPerSecond / 1e6).toFixed(2)} M`,
    'requests/s': `${(m.requestsPerSecond / 1e3).toFixed(0)} k`,
    'ns/event': m.nsPerEvent.toFixed(0),
    'peak RSS': `${m.peakRssMiB.toFixed(0)} MiB`,
  });
}
console.table(rows);

const memRows: Array<Record<string, string | number>> = [];
for (const n of quick ? [100_000, 500_000] : [1_000_000, 5_000_000]) {
  const m = measure('topologies/checkout.yaml', n);
  (results.memory as unknown[]).push({ requests: n, peakRssMiB: m.peakRssMiB, seconds: m.seconds });
  memRows.push({ workload: 'checkout', requests: n, 'peak RSS': `${m.peakRssMiB.toFixed(0)} MiB`, seconds: m.seconds.toFixed(1) });
}
console.table(memRows);
// Peers side by side, in this same run: the reference chain5 (5 hops of
// delay proxies, network and an M/M/4 station; analytic mean 9.047 s) in
// meshtax, in SimPy 3 and as a hand-written typed-array loop (the floor).
const peerN = quick ? 100_000 : 1_000_000;
const ours = median(Array.from({ length: repeats }, () => measure('topologies/bench/chain5-reference.yaml', peerN)));
interface PeerRun { requests: number; seconds: number; meanLatency: number }
const floorRuns: PeerRun[] = Array.from({ length: repeats }, () =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'test/bench/peers/floor.ts', String(peerN)], { encoding: 'utf8' })) as PeerRun);
const floor = floorRuns.sort((a, b) => a.seconds - b.seconds)[Math.floor(floorRuns.length / 2)];
// SimPy is ~20x slower: a tenth of the requests keeps the bench short.
const python = '/usr/bin/python3';
const hasSimpy = existsSync(python) && spawnSync(python, ['-c', 'import simpy']).status === 0;
const simpy = hasSimpy
  ? (JSON.parse(execFileSync(python, ['test/bench/peers/chain5_simpy.py', String(peerN / 10)], { encoding: 'utf8' })) as PeerRun)
  : null;
const rate = (r: { requests: number; seconds: number }) => r.requests / r.seconds;
const peerRows = [
  { engine: 'meshtax (all statistics on)', 'requests/s': `${(ours.requestsPerSecond / 1e3).toFixed(0)} k`, 'mean latency': `${ours.meanLatency?.toFixed(3)} s`, ratio: '1' },
  { engine: 'floor: hand-written loop', 'requests/s': `${(rate(floor) / 1e3).toFixed(0)} k`, 'mean latency': `${floor.meanLatency.toFixed(3)} s`, ratio: `meshtax = ${(ours.requestsPerSecond / rate(floor)).toFixed(2)}× the floor` },
  simpy
    ? { engine: 'SimPy 3', 'requests/s': `${(rate(simpy) / 1e3).toFixed(1)} k`, 'mean latency': `${simpy.meanLatency.toFixed(3)} s`, ratio: `meshtax = ${(ours.requestsPerSecond / rate(simpy)).toFixed(1)}× SimPy` }
    : { engine: 'SimPy 3', 'requests/s': 'skipped', 'mean latency': '', ratio: 'install it: apt-get install python3-simpy3' },
];
console.table(peerRows);
const ci = ours.meanLatencyCi;
console.log(`chain5 mean latency: meshtax ${ours.meanLatency?.toFixed(3)} s, 95 % interval ${ci ? `[${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}]` : 'n/a'}; analytic 9.047 s` +
  (ci && ci[0] <= 9.047 && 9.047 <= ci[1] ? ' — inside the interval' : ' — OUTSIDE the interval'));
results.peers = { requests: peerN, meshtax: ours, floor, simpy, analyticMeanLatency: 9.047 };

// Sweep throughput: one 16-point sweep (chain5 under 2 meshes × 8 rates) on
// 1 and 2 worker threads; the whole compiled CLI process is timed (start-up,
// checking every point, the runs, the final canonical rewrite). 1 and 2
// alternate so that noise from the shared machine falls on both.
function measureSweep(workers: number, duration: string): { workers: number; runs: number; seconds: number; runsPerSecond: number } {
  const dir = mkdtempSync(join(tmpdir(), 'meshtax-bench-'));
  const out = join(dir, 'sweep.ndjson');
  const start = performance.now();
  execFileSync(process.execPath, ['dist/bin/meshtax.js', 'sweep', 'topologies/chain5.yaml', '--set', 'mesh=none,istio-sidecar',
    '--set', 'entrypoints.api.rate=100/s..800/s:100/s', '--duration', duration, '--workers', String(workers), '-o', out, '-q']);
  const seconds = (performance.now() - start) / 1000;
  const runs = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').length;
  rmSync(dir, { recursive: true });
  return { workers, runs, seconds, runsPerSecond: runs / seconds };
}
const sweepDuration = quick ? '30s' : '120s';
const sweepRuns: Array<ReturnType<typeof measureSweep>> = [];
for (let i = 0; i < repeats; i++) for (const w of [1, 2]) sweepRuns.push(measureSweep(w, sweepDuration));
const sweepMedian = (w: number) => sweepRuns.filter((r) => r.workers === w).sort((a, b) => a.seconds - b.seconds)[Math.floor(repeats / 2)];
const sweep1 = sweepMedian(1), sweep2 = sweepMedian(2);
console.table([sweep1, sweep2].map((r) => ({ workers: r.workers, runs: r.runs, seconds: r.seconds.toFixed(2), 'points/s': r.runsPerSecond.toFixed(2) })));
console.log(`sweep speed-up with 2 workers: ${(sweep2.runsPerSecond / sweep1.runsPerSecond).toFixed(2)}x`);
results.sweep = { topology: 'topologies/chain5.yaml', duration: sweepDuration, oneWorker: sweep1, twoWorkers: sweep2, speedup: sweep2.runsPerSecond / sweep1.runsPerSecond, all: sweepRuns };

// What an idle process of the same kind (node + tsx loader + meshtax's compiled modules) holds, for scale.
const idle = measure('topologies/mm1.yaml', 1);
results.idleRssMiB = idle.peakRssMiB;
console.log(`idle process (same loader, 1 request): ${idle.peakRssMiB.toFixed(0)} MiB peak RSS`);
writeFileSync('test/bench/results.json', JSON.stringify(results, null, 2) + '\n');
console.log('wrote test/bench/results.json');
