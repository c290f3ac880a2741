/**
 * From a definition to the runs of a sweep, checked before anything runs:
 *
 *   definition → points (explicit points × grid combinations, in canonical
 *   order) → each point loaded with its patches (every bad path or value is a
 *   diagnostic) → runs (point × repeat) with their seeds → the sweep's identity
 *
 * A run's seed is a hash of the base seed, the point's parameters and the
 * repeat index — never of its position — so a point gives the same results
 * whatever the worker count, the order, the shard, or the other points.
 * The mesh's parameters are left out of the hash: points that differ only
 * in the mesh share their random numbers, as compare's modes do, so the
 * difference between them is the mesh's and not noise (with seeds of their
 * own, ambient's p99 came out below no mesh's at some rates).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DiagnosticError, type Diagnostic, type SourceLocation } from '../diagnostics/types.js';
import { formatDiagnostic } from '../diagnostics/format.js';
import { parseSource } from '../topology/document.js';
import { loadParsedTopology } from '../topology/load.js';
import { MAX_PROJECT_PODS } from '../topology/defaults.js';
import { resolveLimits } from '../run.js';
import type { Patch } from '../topology/patch.js';
import { VERSION } from '../version.js';
import { canonicalDefinition, type PointSetting, type SweepDefinition } from './definition.js';
import * as msg from './messages.js';
import { inBaseUnits, inBaseUnitsOnAxis, isSize, spelled } from './values.js';

/** What applies to every point, as on `meshtax run`. */
export interface SweepOptions {
  /** Base seed; overrides the sweep file's and the topology's. */
  seed?: number;
  duration?: number;
  requests?: number;
  warmup?: number;
  mtls?: boolean;
  /** Prices from $0 to $1e6 an hour and projectPods from 1 to 1,000,000 (MAX_PROJECT_PODS), as the file's `costs:` takes them. */
  costs?: { vcpuHour?: number; gbHour?: number; projectPods?: number };
}

export interface SweepPoint {
  index: number;
  /** path → value, keys sorted: the point's identity. */
  params: Record<string, unknown>;
  /** The settings as patches, shorter paths first (so `mesh` comes before `mesh.sidecar.workers`). */
  patches: Patch[];
  /** The seed the point's runs derive theirs from. */
  baseSeed: number;
}

export interface SweepPlan {
  /** Identity of the sweep: topology text + definition + options + meshtax version. */
  id: string;
  topologyHash: string;
  definitionHash: string;
  version: string;
  /** The topology's name, for reports. */
  name: string;
  file: string;
  source: string;
  options: SweepOptions;
  repeat: number;
  points: SweepPoint[];
  /** points × repeat. */
  runs: number;
  /** The mesh profile files the points resolve with, sorted: inputs no output may overwrite. */
  meshFiles: string[];
}

/** A unit of work: one point, one seed. */
export interface SweepRun {
  run: number;
  point: number;
  repeat: number;
  seed: number;
}

/**
 * No sweep beyond this many runs: a mistake in a range should not queue a
 * week of work, and the results must stay readable. A results line takes
 * about 800 bytes an entry point, and a file past 512 MiB (MAX_RESULTS_BYTES)
 * cannot be read back to resume, merge or report the sweep: at 1,000,000
 * runs a sweep of one entry point ran to the end and then could not sort its
 * own file. 100,000 keeps topologies of up to six entry points within it.
 */
export const MAX_RUNS = 100_000;

/** JSON with object keys sorted, so equal values give equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The point's parameters as one line of text: `path=value` sorted by path. */
export function canonicalParams(params: Record<string, unknown>): string {
  return Object.keys(params).sort().map((k) => `${k}=${stableJson(params[k])}`).join('\n');
}

/** How runs are seeded, in the sweep's identity: a file seeded otherwise is not resumed or merged with this one. */
const SEEDING = 'seeds-without-mesh';

/** Whether a parameter belongs to the mesh (`mesh`, `mesh.sidecar.workers`, …), which the seed leaves out. */
function isMeshParam(key: string): boolean {
  return key === 'mesh' || key.startsWith('mesh.');
}

/** The seed of one run: a 31-bit hash of the base seed, the point's parameters but the mesh's, and the repeat index. */
export function runSeed(baseSeed: number, params: Record<string, unknown>, repeat: number): number {
  const seeded = Object.fromEntries(Object.entries(params).filter(([key]) => !isMeshParam(key)));
  const digest = createHash('sha256').update(`meshtax-sweep\n${baseSeed}\n${canonicalParams(seeded)}\n${repeat}`, 'utf8').digest();
  return digest.readUInt32BE(0) >>> 1;
}

/** Explicit points × grid combinations, first point and first axis outermost. */
function expand(definition: SweepDefinition): PointSetting[][] {
  let combos: PointSetting[][] = [[]];
  for (const axis of definition.axes) {
    const next: PointSetting[][] = [];
    for (const combo of combos) {
      for (const v of axis.values) next.push([...combo, { key: axis.key, path: axis.path, value: v.value, origin: v.origin, pathOrigin: axis.origin }]);
    }
    combos = next;
  }
  const explicit = definition.points.length > 0 ? definition.points : [[]];
  return explicit.flatMap((point) => combos.map((combo) => [...point, ...combo]));
}

/** Where a grid axis lists one of this point's values a second time, if it does. */
function repeatedValue(definition: SweepDefinition, point: PointSetting[]): SourceLocation | undefined {
  for (const axis of definition.axes) {
    const mine = point.find((s) => s.key === axis.key);
    if (!mine) continue;
    const same = axis.values.filter((v) => stableJson(v.value) === stableJson(mine.value));
    if (same.length > 1) return same[1].origin;
  }
  return undefined;
}

/** `file:line:column` of a place, for a message that names a second place beside its own. */
function where(origin: SourceLocation | undefined): string {
  return origin ? `${origin.file}:${origin.line}:${origin.column}` : '';
}

/**
 * Values of one axis that are one value in different units (`[1s, 1000ms]`,
 * `100/s,6000/m`): each pair refused at the later one, naming both spellings,
 * since they would run one point twice (and a report would draw it twice).
 * The same value written the same way twice is a duplicate point, said as such.
 */
function sameAfterConversion(definition: SweepDefinition): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const axis of definition.axes) {
    const first = new Map<string, (typeof axis.values)[number]>();
    const sizes = axis.values.some((v) => isSize(v.value));
    for (const v of axis.values) {
      const key = stableJson(inBaseUnitsOnAxis(v.value, sizes));
      const had = first.get(key);
      if (had === undefined) {
        first.set(key, v);
        continue;
      }
      if (stableJson(had.value) === stableJson(v.value)) continue;
      const [a, b] = [spelled(had.value), spelled(v.value)];
      // Two values of one --set or one flow list share a line: the column tells them apart.
      const d: Diagnostic = { severity: 'error', code: 'duplicate-value', path: axis.path, message: msg.sameAfterConversion(a, b, where(had.origin)), hint: msg.sameAfterConversionHint(a, b) };
      if (v.origin) d.location = v.origin;
      out.push(d);
    }
  }
  return out;
}

function toPatches(settings: PointSetting[]): Patch[] {
  return settings
    .map((s): Patch => {
      const patch: Patch = { path: s.path, value: s.value };
      if (s.origin) patch.origin = s.origin;
      if (s.pathOrigin) patch.pathOrigin = s.pathOrigin;
      return patch;
    })
    .sort((a, b) => a.path.length - b.path.length);
}

export interface PlanResult {
  plan?: SweepPlan;
  /** Every problem of every point, each once; warnings too. */
  diagnostics: Diagnostic[];
}

/**
 * Checks every point (each is loaded as the topology it will run) and lays
 * out the runs. `file` names the topology in diagnostics and resolves its
 * profile paths; `source` is its text.
 */
export function planSweep(file: string, source: string, definition: SweepDefinition, options: SweepOptions = {}): PlanResult {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const add = (d: Diagnostic): void => {
    const key = formatDiagnostic(d);
    if (seen.has(key)) return;
    seen.add(key);
    diagnostics.push(d);
  };

  // Every path the sweep sets, in the grid or in explicit points: a run-wide flag that would
  // silently replace it makes the point's params lie about what ran.
  const swept = new Set([...definition.axes.map((a) => a.key), ...definition.points.flatMap((p) => p.map((s) => s.key))]);
  // `mesh=NAME` names a profile, which the flags adjust as on `run`: only a field inside it conflicts.
  const within = (key: string, field: string): boolean =>
    key === field || key.startsWith(`${field}.`) || (key !== 'mesh' && field.startsWith(`${key}.`));
  const flags: Array<[string, boolean, string[]]> = [
    // Either length flag replaces the file's run length, duration and request count both (see resolveLimits).
    ['--duration', options.duration !== undefined, ['simulation.duration', 'simulation.requests']],
    ['--requests', options.requests !== undefined, ['simulation.duration', 'simulation.requests']],
    ['--warmup', options.warmup !== undefined, ['simulation.warmup']],
    ['--seed', options.seed !== undefined, ['simulation.seed']],
    ['--mtls', options.mtls !== undefined, ['mesh.mtls']],
    ['--vcpu-hour', options.costs?.vcpuHour !== undefined, ['costs.vcpuHour']],
    ['--gb-hour', options.costs?.gbHour !== undefined, ['costs.gbHour']],
    ['--pods', options.costs?.projectPods !== undefined, ['costs.projectPods']],
  ];
  for (const key of swept) {
    for (const [flag, given, fields] of flags) {
      if (given && fields.some((f) => within(key, f))) {
        add({ severity: 'error', code: 'bad-option', path: [flag], message: flag === '--duration' || flag === '--requests' ? msg.setsDuration(flag, key) : msg.setsSameField(flag, key), hint: msg.setsDurationHint(flag) });
      }
    }
  }
  // A definition built in code (buildDefinition's `repeat`, or a SweepDefinition of one's own) is not checked
  // as a sweep file's is: 0 or −1 would make a sweep of no runs that reports itself complete, 1.5 runs numbered 0.5.
  if (!(Number.isSafeInteger(definition.repeat) && definition.repeat >= 1)) {
    add({ severity: 'error', code: 'bad-option', path: ['--repeat'], message: `--repeat ${String(definition.repeat)}: the repeats must be a whole number, at least 1`, hint: 'for example --repeat 3' });
    return { diagnostics };
  }
  // The options as a library caller gives them (the CLI parses its own): a NaN seed would be hashed into every run's.
  if (options.seed !== undefined && !(Number.isSafeInteger(options.seed) && options.seed >= 0)) {
    add({ severity: 'error', code: 'bad-option', path: ['--seed'], message: `--seed ${String(options.seed)}: the seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`, hint: 'for example --seed 7' });
  }
  for (const [flag, value, max] of [['--vcpu-hour', options.costs?.vcpuHour, 1e6], ['--gb-hour', options.costs?.gbHour, 1e6]] as const) {
    if (value !== undefined && !(value >= 0 && value <= max)) {
      add({ severity: 'error', code: 'bad-option', path: [flag], message: `${flag} ${String(value)}: a price must be from 0 to $${max} an hour`, hint: 'for example 0.0416' });
    }
  }
  const pods = options.costs?.projectPods;
  // The limit the file's costs.projectPods and the CLI's --pods keep.
  if (pods !== undefined && !(Number.isSafeInteger(pods) && pods >= 1 && pods <= MAX_PROJECT_PODS)) {
    add({ severity: 'error', code: 'bad-option', path: ['--pods'], message: `--pods ${String(pods)}: the pods to project to must be a whole number from 1 to ${MAX_PROJECT_PODS.toLocaleString('en-US')}`, hint: 'for example --pods 1000' });
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  // Count before expanding: a grid of 3,000 × 3,000 would otherwise fill the heap before it is refused.
  const explicitCount = Math.max(1, definition.points.length);
  const runs = definition.axes.reduce((n, a) => n * a.values.length, explicitCount) * definition.repeat;
  if (runs > MAX_RUNS) add({ severity: 'error', code: 'too-many-runs', path: [], message: msg.tooManyRuns(runs, MAX_RUNS), hint: msg.tooManyRunsHint() });
  for (const d of sameAfterConversion(definition)) add(d);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const settings = expand(definition);

  const parsed = parseSource(source, file, 'topology');
  if (parsed.value === undefined) return { diagnostics: parsed.diagnostics };
  // A point's problem at one place — the values of a range share their --set's or the sweep file's
  // position — is said once, with how many more points have it: `rate=100..500` (no unit) gave
  // 401 errors, one a value, and a range of 10,000 values 50,000 lines.
  const atPlace = new Map<string, { index: number; more: number }>();
  const addAtPoint = (d: Diagnostic): void => {
    const key = formatDiagnostic(d);
    if (seen.has(key)) return;
    const place = d.location ? JSON.stringify([d.severity, d.code, d.path, d.location.file, d.location.line, d.location.column]) : undefined;
    const first = place === undefined ? undefined : atPlace.get(place);
    if (first) {
      seen.add(key);
      first.more++;
      return;
    }
    add(d);
    if (place !== undefined) atPlace.set(place, { index: diagnostics.length - 1, more: 0 });
  };
  const points: SweepPoint[] = [];
  // Points by their parameters in base units (1000ms is 1s): the first point of each, as written and where.
  const canonical = new Map<string, { text: string; shown: string; at?: SourceLocation }>();
  const meshFiles = new Set<string>();
  let name = '';
  for (const point of settings) {
    const params: Record<string, unknown> = {};
    for (const s of [...point].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) params[s.key] = s.value;
    const text = canonicalParams(params);
    const converted = canonicalParams(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, inBaseUnits(v)])));
    const shown = Object.entries(params).map(([k, v]) => `${k}=${stableJson(v)}`).join(', ');
    // At the sweep file's point (its first path), or at the grid value listed twice.
    const explicitAt = point.find((s) => s.pathOrigin !== undefined && definition.points.some((p) => p.includes(s)))?.pathOrigin;
    const earlier = canonical.get(converted);
    if (earlier !== undefined) {
      const repeated = explicitAt ?? repeatedValue(definition, point);
      const d: Diagnostic = earlier.text === text
        ? { severity: 'error', code: 'duplicate-point', path: [], message: msg.duplicatePoint(shown || '(no settings)'), hint: msg.duplicatePointHint() }
        : { severity: 'error', code: 'duplicate-point', path: [], message: msg.samePointAfterConversion(shown, earlier.shown, where(earlier.at)), hint: msg.duplicatePointHint() };
      if (repeated) d.location = repeated;
      add(d);
      continue;
    }
    canonical.set(converted, { text, shown, at: explicitAt });
    const patches = toPatches(point);
    const limits = { duration: options.duration, requests: options.requests, warmup: options.warmup };
    const loaded = loadParsedTopology(parsed, file, { patches, mtls: options.mtls, limits });
    for (const d of loaded.diagnostics) addAtPoint(d);
    if (loaded.meshFile !== undefined) meshFiles.add(loaded.meshFile);
    if (!loaded.topology) continue;
    // The run options against this point's own simulation block (its warm-up may be swept, or the file's).
    try {
      resolveLimits(loaded.topology, { duration: options.duration, requests: options.requests, warmup: options.warmup });
    } catch (e) {
      if (!(e instanceof DiagnosticError)) throw e;
      // A warm-up or duration the point sets (simulation.warmup=20s) is the point's, not the topology's: say which point.
      const sets = (key: string) => 'simulation' in params || `simulation.${key}` in params;
      const at = Object.entries(params).map(([k, v]) => `${k}=${stableJson(v)}`).join(', ');
      for (const d of e.diagnostics) {
        let message = d.message;
        if (sets('warmup')) message = message.replace(/warm-up \(([^,]*), the topology's\)/, "warm-up ($1, the sweep point's)");
        if (sets('duration')) message = message.replace(/duration \(([^,]*), the topology's\)/, "duration ($1, the sweep point's)");
        addAtPoint(message === d.message ? d : { ...d, message: `${message} (at the point ${at})` });
      }
      continue;
    }
    name = loaded.topology.name;
    const baseSeed = options.seed ?? definition.seed ?? loaded.topology.simulation.seed;
    points.push({ index: points.length, params, patches, baseSeed });
  }
  for (const { index, more } of atPlace.values()) {
    if (more > 0) diagnostics[index] = { ...diagnostics[index], message: `${diagnostics[index].message}${msg.morePoints(more)}` };
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  // The profile files the points run with are inputs too: a profile edited between shards, or
  // before a --resume, must not pass for the same sweep. Contents only, so paths may differ by machine.
  const profiles = [...meshFiles].map((f) => sha256(readFileSync(f, 'utf8'))).sort();
  const topologyHash = sha256(profiles.length === 0 ? source : `${source}\n${profiles.join('\n')}`).slice(0, 12);
  const definitionHash = sha256(stableJson({ definition: canonicalDefinition(definition), options })).slice(0, 12);
  const id = sha256(`meshtax ${VERSION} ${SEEDING}\n${topologyHash}\n${definitionHash}`).slice(0, 16);
  return {
    plan: {
      id, topologyHash, definitionHash, version: VERSION, name, file, source, options,
      repeat: definition.repeat, points, runs: points.length * definition.repeat,
      meshFiles: [...meshFiles].sort(),
    },
    diagnostics,
  };
}

/** The run with this index: runs are numbered point by point, repeats together. */
export function runAt(plan: SweepPlan, run: number): SweepRun {
  if (!(Number.isSafeInteger(run) && run >= 0 && run < plan.points.length * plan.repeat)) {
    throw new RangeError(`runAt: run ${run} is not one of the sweep's runs 0–${plan.points.length * plan.repeat - 1}`);
  }
  const point = Math.floor(run / plan.repeat);
  const repeat = run % plan.repeat;
  const p = plan.points[point];
  return { run, point, repeat, seed: runSeed(p.baseSeed, p.params, repeat) };
}

export interface Shard {
  index: number;
  count: number;
}

/** `i/n` with 0 ≤ i < n. */
export function parseShard(text: string): Shard | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const index = Number(m[1]), count = Number(m[2]);
  return count >= 1 && index < count ? { index, count } : undefined;
}

/**
 * Throws (a DiagnosticError) for a shard no `--shard i/n` can say: whole
 * numbers with 0 ≤ i < n. Built in code, { index: 3, count: 2 } ran nothing
 * and called the sweep complete, and a count of 0 looped until the heap
 * ran out.
 */
export function checkShard(shard: Shard | undefined): void {
  if (shard === undefined) return;
  const { index, count } = (shard ?? {}) as Partial<Shard>;
  const whole = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n);
  if (whole(index) && whole(count) && count >= 1 && index >= 0 && index < count) return;
  throw new DiagnosticError([{ severity: 'error', code: 'bad-option', path: ['--shard'], message: msg.badShard(`${String(index)}/${String(count)}`), hint: msg.badShardHint() }]);
}

/** The runs a shard owns, in canonical order: every n-th, so each shard gets a share of cheap and dear points. */
export function shardRuns(plan: SweepPlan, shard: Shard = { index: 0, count: 1 }): number[] {
  checkShard(shard);
  const out: number[] = [];
  for (let r = shard.index; r < plan.runs; r += shard.count) out.push(r);
  return out;
}
