/**
 * Helpers for test/bench/run.ts: running one measurement in a fresh process,
 * medians, and formatting. Nothing here knows which workloads the bench runs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync } from 'node:fs';

/** What test/bench/workload.ts prints: one meshtax run in its own process. */
export interface Measurement {
  file: string;
  mesh?: string;
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

/** What a peer (floor.ts, the SimPy scripts) prints. */
export interface PeerRun {
  requests: number;
  seconds: number;
  meanLatency: number;
  events?: number;
}

export const node = process.execPath;
export const python = '/usr/bin/python3';

export function runText(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8' });
}

/** Runs a command that prints one JSON line and parses it. */
export function runJson<T>(command: string, args: string[]): T {
  return JSON.parse(runText(command, args)) as T;
}

/** As runJson, without blocking: for processes that must run at the same time. */
export function runJsonAsync<T>(command: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as T);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}`));
    });
  });
}

/** Wall time of a whole process, start-up included, in seconds. */
export function timeProcess(command: string, args: string[]): number {
  const start = performance.now();
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return (performance.now() - start) / 1000;
}

const TASKSET = '/usr/bin/taskset';

/**
 * The CPU that single-process measurements are pinned to, or null (no
 * taskset, or one CPU). On this VM the cores are not alike: CPU 0, which
 * takes the device interrupts, ran the same loop ~40 % slower than CPU 1,
 * and a process the scheduler happened to put there made a ratio between
 * two engines off by that much. Pinned, every engine of a ratio runs on the
 * same core. Set by pinTo().
 */
let pinnedCpu: number | null = null;

export function canPin(): boolean {
  return existsSync(TASKSET) && availableCpus() > 1;
}

export function availableCpus(): number {
  return cpus().length;
}

export function pinTo(cpu: number | null): void {
  pinnedCpu = cpu;
}

/** `command args` as run on `cpu` (taskset), or unpinned when cpu is null. */
export function onCpu(cpu: number | null, command: string, args: string[]): [string, string[]] {
  return cpu === null ? [command, args] : [TASKSET, ['-c', String(cpu), command, ...args]];
}

/**
 * Each CPU runs the M/M/1 floor (test/bench/peers/floor.ts) three times,
 * alternately; the CPU with the lowest median is the fastest. On the VM
 * this was written on, CPU 0 (which takes the device interrupts) was ~40 %
 * slower than CPU 1 in some runs and alike in others.
 */
export function fastestCpu(requests: number): { cpu: number; probe: Array<{ cpu: number; seconds: number[] }> } {
  const probe = Array.from({ length: availableCpus() }, (_, cpu) => ({ cpu, seconds: [] as number[] }));
  for (let round = 0; round < 3; round++) {
    for (const p of probe) {
      const run = runJson<PeerRun>(...onCpu(p.cpu, node, ['--import', 'tsx', 'test/bench/peers/floor.ts', String(requests), 'mm1', '80', '100']));
      p.seconds.push(run.seconds);
    }
  }
  const median = (xs: number[]): number => medianBy(xs, (x) => x);
  const fastest = probe.reduce((a, b) => (median(b.seconds) < median(a.seconds) ? b : a));
  return { cpu: fastest.cpu, probe };
}

/** `command args` on the pinned CPU, when there is one. */
export function pinned(command: string, args: string[]): [string, string[]] {
  return onCpu(pinnedCpu, command, args);
}

/**
 * One meshtax run of `file` to `requests` completed requests, in a fresh
 * process, on the pinned CPU unless `pin` is false (runs compared with
 * processes that use both cores).
 */
export function measure(file: string, requests: number, mesh?: string, pin = true): Measurement {
  const args = ['--import', 'tsx', 'test/bench/workload.ts', file, String(requests), ...(mesh ? [mesh] : [])];
  const m = runJson<Measurement>(...(pin ? pinned(node, args) : [node, args] as [string, string[]]));
  return mesh ? { ...m, mesh } : m;
}

export function repeat<T>(times: number, run: () => T): T[] {
  return Array.from({ length: times }, run);
}

/** The middle element by `key` (the upper middle for an even count). */
export function medianBy<T>(xs: readonly T[], key: (x: T) => number): T {
  if (xs.length === 0) throw new Error('median of nothing');
  return [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)];
}

export const rate = (r: { requests: number; seconds: number }): number => r.requests / r.seconds;

/** Is SimPy importable by Debian's python3 (package python3-simpy3)? */
export function hasSimpy(): boolean {
  try {
    execFileSync(python, ['-c', 'import simpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function insideInterval(value: number, ci: readonly [number, number] | null | undefined): boolean {
  return !!ci && ci[0] <= value && value <= ci[1];
}

// Formatting for the printed tables.
export const perSecond = (x: number): string => (x >= 1e5 ? `${(x / 1e3).toFixed(0)} k` : `${(x / 1e3).toFixed(1)} k`);
export const millions = (x: number): string => `${(x / 1e6).toFixed(2)} M`;
export const mib = (x: number): string => `${x.toFixed(0)} MiB`;
export const secs = (x: number, digits = 2): string => `${x.toFixed(digits)} s`;
export const times = (x: number, digits = 2): string => `${x.toFixed(digits)}×`;
export const count = (n: number): string => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
export function interval(ci: readonly [number, number] | null | undefined, digits: number): string {
  return ci ? `[${ci[0].toFixed(digits)}, ${ci[1].toFixed(digits)}]` : 'n/a';
}

/** Longest-first onto `cores`: the wall time an ideal scheduler could reach running these jobs in parallel. */
export function idealMakespan(jobSeconds: readonly number[], cores: number): number {
  const load = new Array<number>(cores).fill(0);
  for (const s of [...jobSeconds].sort((a, b) => b - a)) {
    const i = load.indexOf(Math.min(...load));
    load[i] += s;
  }
  return Math.max(...load);
}
