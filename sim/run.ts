import type { Topology } from './topology/types.js';
import { buildModel } from './model/build.js';
import { SimulationAbort, simulate, type ProgressHook, type SimulationLimits } from './model/simulation.js';
import { summarize } from './results/summarize.js';
import type { RunResult } from './results/types.js';
import { DiagnosticError, type Diagnostic } from './diagnostics/types.js';
import { parseDuration } from './units/parse.js';

export interface RunOptions {
  /** Overrides the topology's seed. */
  seed?: number;
  /** Simulated seconds including warm-up; overrides the topology. */
  duration?: number;
  /** Measured requests to complete; overrides the topology (and its duration). */
  requests?: number;
  warmup?: number;
  /** Independent replications with seeds seed, seed+1, …; intervals then come from their spread. */
  replications?: number;
  /**
   * Call frames in flight at which a run stops itself as unboundedly
   * overloaded (a SimulationAbort); default 1,000,000, about 1 GB. Lower it
   * to fail sooner, or to bound memory.
   */
  maxFramesInFlight?: number;
}

/**
 * Resolves the run's limits: command-line options over the topology's
 * `simulation` block. Throws a DiagnosticError when the options make a run
 * that measures nothing (the file's own values were checked when it loaded).
 */
export function resolveLimits(topology: Topology, options: RunOptions = {}): SimulationLimits {
  const typed = checkOptionTypes(options);
  if (typed.length > 0) throw new DiagnosticError(typed);
  const sim = topology.simulation;
  const requests = options.requests ?? (options.duration !== undefined ? undefined : sim.requests);
  const duration = options.duration ?? (requests !== undefined ? undefined : sim.duration ?? 60);
  const limits: SimulationLimits = { seed: options.seed ?? sim.seed, duration, requests, warmup: options.warmup ?? sim.warmup };
  if (options.maxFramesInFlight !== undefined) limits.maxFramesInFlight = options.maxFramesInFlight;
  const problems = checkLimits(limits, options);
  if (problems.length > 0) throw new DiagnosticError(problems);
  return limits;
}

/** The numeric options, each with a value a hint may suggest. */
const NUMERIC_OPTIONS = [['seed', 7], ['duration', 60], ['requests', 100000], ['warmup', 10], ['replications', 10], ['maxFramesInFlight', 1000000]] as const;

/**
 * Options a JavaScript caller wrote as the CLI or a file would: `{ duration: '10s' }` was told
 * "--duration 10s: the run must last longer than 0" and to try "--duration 60s". Named by their
 * key, since no flag was given; a duration's hint gives its seconds.
 */
function checkOptionTypes(options: RunOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [key, example] of NUMERIC_OPTIONS) {
    const value: unknown = options[key];
    if (value === undefined || typeof value === 'number') continue;
    const seconds = key === 'duration' || key === 'warmup';
    const parsed = seconds && typeof value === 'string' ? parseDuration(value) : undefined;
    const bare = typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
    out.push({
      severity: 'error', code: 'bad-option', path: [key],
      message: `got ${typeof value === 'string' ? `the string ${JSON.stringify(value)}` : value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}; RunOptions.${key} is a number${seconds ? ' of seconds' : ''}`,
      hint: parsed?.ok ? `pass { ${key}: ${parsed.value} }, the seconds in ${JSON.stringify(value)}`
        : Number.isFinite(bare) ? `pass the number itself: { ${key}: ${bare} }` : `for example { ${key}: ${example} }`,
    });
  }
  return out;
}

/** Seconds as a person writes them: 20s, 0.5s. */
const secondsText = (s: number): string => (Number.isFinite(s) ? `${Number(s.toPrecision(6))}s` : String(s));

/**
 * Problems with the options alone, before any topology: the CLI asks first,
 * so a sweep is refused before its first point rather than at it.
 */
export function checkRunOptions(options: Pick<RunOptions, 'requests' | 'duration'>): Diagnostic[] {
  if (options.requests === undefined || options.duration === undefined) return [];
  return [{
    severity: 'error', code: 'bad-option', path: ['--requests'],
    message: '--requests and --duration both given: a run stops at one limit, and would claim the other',
    hint: 'give --requests N to stop after N measured requests, or --duration D to offer load for D',
  }];
}

function checkLimits(limits: SimulationLimits, options: RunOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  const bad = (option: string, message: string, hint: string) =>
    out.push({ severity: 'error', code: 'bad-option', path: [option], message, hint });
  const { duration, warmup } = limits;
  out.push(...checkRunOptions(options));
  // The CLI parses these already; a library caller's NaN, Infinity or
  // fraction would otherwise hang the run or fail deep inside it.
  const whole = (option: string, value: number | undefined, min: number, what: string, hint: string) => {
    if (value === undefined || (Number.isSafeInteger(value) && value >= min)) return;
    // 2^60 is a whole number ≥ 0: what is wrong with it is its size.
    const tooLarge = Number.isInteger(value) && value > Number.MAX_SAFE_INTEGER;
    bad(option, tooLarge ? `${option} ${value}: too large, at most ${Number.MAX_SAFE_INTEGER} (2^53 − 1)` : `${option} ${value}: ${what}`, hint);
  };
  whole('--requests', options.requests, 1, 'the measured requests to complete must be a whole number, at least 1', 'for example --requests 100000');
  whole('--seed', options.seed, 0, 'the seed must be a whole number, 0 or more', 'for example --seed 7');
  whole('--replications', options.replications, 1, 'replications must be a whole number, at least 1', 'for example --replications 10');
  // Replications run with seeds seed … seed+N−1: past 2^53 those round onto each other, and two replications
  // would be one run counted twice (intervals narrower than the data allow). Compared without adding:
  // seed + N − 1 is itself rounded (2^53 − 1 + 2 − 1 comes out as 2^53 − 1), so it would pass one seed too many.
  const firstSeed = options.seed ?? limits.seed;
  const reps = options.replications ?? 1;
  if (out.length === 0 && !(Number.isSafeInteger(firstSeed) && firstSeed <= Number.MAX_SAFE_INTEGER - (reps - 1))) {
    bad('--seed', `--seed ${firstSeed} with ${reps} replications: the last seed would be past ${Number.MAX_SAFE_INTEGER} (2^53 − 1), where seeds are no longer distinct`,
      `with ${reps} replications the seed can be at most ${Number.MAX_SAFE_INTEGER - reps + 1}; for example --seed 7`);
  }
  whole('maxFramesInFlight', options.maxFramesInFlight, 1, 'the frames in flight at which a run stops must be a whole number, at least 1', 'leave it out for the default, 1,000,000');
  if (duration !== undefined && !(duration > 0 && Number.isFinite(duration))) {
    bad('--duration', `--duration ${secondsText(duration)}: the run must last longer than 0, and end`, 'for example --duration 60s');
  }
  if (!(warmup >= 0 && Number.isFinite(warmup))) {
    bad('--warmup', `--warmup ${secondsText(warmup)}: the warm-up cannot be negative`, 'for example --warmup 10s, or 0s to measure from the start');
  }
  if (out.length === 0 && duration !== undefined && warmup >= duration) {
    const from = (given: boolean) => (given ? 'given' : "the topology's");
    bad(
      options.warmup !== undefined ? '--warmup' : '--duration',
      `the warm-up (${secondsText(warmup)}, ${from(options.warmup !== undefined)}) must be shorter than the duration ` +
        `(${secondsText(duration)}, ${from(options.duration !== undefined)}): nothing would be measured`,
      options.warmup !== undefined
        ? 'duration includes the warm-up; lower --warmup or raise --duration'
        : `duration includes the warm-up; raise --duration above ${secondsText(warmup)}, or pass a shorter --warmup`,
    );
  }
  return out;
}

/**
 * Requests the open-loop entry points offer over the run (their rate
 * schedules integrated; closed loops, whose rate follows their latency,
 * count nothing): up to the duration, or, when a request count ends the
 * run, those offered during the warm-up plus the count. For telling a user
 * before a long run that it will be one. NaN when neither bounds the run.
 */
export function offeredRequests(topology: Topology, limits: SimulationLimits): number {
  if (limits.requests !== undefined) return offeredUntil(topology, limits.warmup) + limits.requests;
  if (limits.duration === undefined) return NaN;
  return offeredUntil(topology, limits.duration);
}

function offeredUntil(topology: Topology, end: number): number {
  let total = 0;
  for (const e of topology.entrypoints) {
    if (e.arrivals.kind === 'closed') continue;
    const segments = e.arrivals.schedule;
    segments.forEach((s, i) => {
      const until = Math.min(end, i + 1 < segments.length ? segments[i + 1].at : end);
      if (until > s.at) total += s.rate * (until - s.at);
    });
  }
  return total;
}

/**
 * What a caller may watch of a run without changing it (kept apart from
 * RunOptions, which are plain data that travels to worker threads).
 */
export interface RunHooks {
  /** The share of the run done, 0 to 1, now and then (replications together); the last call is 1. */
  onProgress?: (fraction: number) => void;
  /** Events between calls (default PROGRESS_EVERY, about 0.1–1 s). */
  progressEvery?: number;
}

/**
 * The invariants of a loaded topology that the model relies on, for one a
 * caller edited or built in code (a loaded file already satisfies them):
 * without this, workers 0 runs and reports 0 requests completed, replicas 0
 * fails every request, a NaN rate offers nothing, and an unknown target is
 * an internal error from the model builder.
 */
export function checkTopologyObject(topology: Topology): Diagnostic[] {
  const out: Diagnostic[] = [];
  const bad = (path: Array<string | number>, message: string) =>
    out.push({ severity: 'error', code: 'invalid-value', path: path.map(String), message, hint: 'a topology edited in code must keep the values a topology file allows' });
  const whole = (v: unknown, min: number) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
  const names = new Set(topology.services.map((s) => s.name));
  for (const s of topology.services) {
    if (!whole(s.replicas, 1)) bad(['services', s.name, 'replicas'], `services.${s.name}.replicas ${String(s.replicas)}: must be a whole number, at least 1`);
    if (!whole(s.workers, 1)) bad(['services', s.name, 'workers'], `services.${s.name}.workers ${String(s.workers)}: must be a whole number, at least 1`);
    if (!(whole(s.queue, 0) || s.queue === Infinity)) bad(['services', s.name, 'queue'], `services.${s.name}.queue ${String(s.queue)}: must be a whole number ≥ 0, or Infinity`);
  }
  if (topology.entrypoints.length === 0) bad(['entrypoints'], 'entrypoints: a topology needs at least one entry point');
  for (const e of topology.entrypoints) {
    if (!names.has(e.target)) bad(['entrypoints', e.name, 'target'], `entrypoints.${e.name}.target ${JSON.stringify(e.target)}: no such service`);
    if (e.arrivals.kind === 'closed') {
      if (!whole(e.arrivals.users, 1)) bad(['entrypoints', e.name, 'users'], `entrypoints.${e.name}.users ${String(e.arrivals.users)}: must be a whole number, at least 1`);
    } else {
      for (const seg of e.arrivals.schedule) {
        if (!(seg.rate >= 0 && Number.isFinite(seg.rate))) bad(['entrypoints', e.name, 'rate'], `entrypoints.${e.name}.rate ${String(seg.rate)}/s: must be finite and 0 or more`);
      }
    }
  }
  // A rollout's limits as a file gives them (int-or-percent, defaulted): undefined fails inside the planner, NaN never ends it.
  topology.timeline.forEach((ev, i) => {
    if (ev.kind !== 'rollout') return;
    for (const key of ['maxSurge', 'maxUnavailable'] as const) {
      const b = ev[key] as { value?: unknown; percent?: unknown } | undefined;
      if (!b || !whole(b.value, 0) || typeof b.percent !== 'boolean' || (key === 'maxUnavailable' && b.percent && (b.value as number) > 100)) {
        bad(['timeline', i, 'rollout', key], `timeline[${i}].rollout.${key} ${JSON.stringify(b)}: must be {value: a whole number ≥ 0, percent: true or false}`);
      }
    }
    if (ev.maxSurge?.value === 0 && ev.maxUnavailable?.value === 0) bad(['timeline', i, 'rollout'], `timeline[${i}].rollout: maxSurge and maxUnavailable are both 0`);
  });
  if (typeof topology.mesh.mtls.enabled !== 'boolean') bad(['mesh', 'mtls'], `mesh.mtls.enabled ${JSON.stringify(topology.mesh.mtls.enabled)}: must be true or false`);
  return out;
}

/** Simulates a topology and returns the results document. */
export function runTopology(topology: Topology, options: RunOptions = {}, hooks: RunHooks = {}): RunResult {
  const shape = checkTopologyObject(topology);
  if (shape.length > 0) throw new DiagnosticError(shape);
  const limits = resolveLimits(topology, options);
  const model = buildModel(topology);
  const replications = options.replications ?? 1;
  const outcomes = [];
  const { onProgress } = hooks;
  for (let r = 0; r < replications; r++) {
    const progress: ProgressHook | undefined = onProgress && {
      onProgress: (f) => onProgress((r + f) / replications),
      every: hooks.progressEvery,
    };
    try {
      outcomes.push(simulate(model, { ...limits, seed: limits.seed + r }, progress));
    } catch (e) {
      // One replication's seed can overload where the others did not: say which, so it can be run alone.
      if (e instanceof SimulationAbort && replications > 1) {
        throw new SimulationAbort(`replication ${r + 1} of ${replications} (seed ${limits.seed + r}): ${e.message}`, e.hint, e.reason);
      }
      throw e;
    }
  }
  const result = summarize(model, outcomes);
  // A --duration or --requests replaces the file's run length: what the file's `simulation` block did not do no longer applies.
  const lengthGiven = options.duration !== undefined || options.requests !== undefined;
  for (const s of topology.noEffect ?? []) {
    if (lengthGiven && s.path.startsWith('simulation.')) continue;
    result.warnings.push({ code: 'no-effect', subject: s.path, message: s.message });
  }
  return result;
}
