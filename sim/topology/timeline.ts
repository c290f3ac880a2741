/**
 * The timeline: rollouts, scaling, policy changes and faults at simulated
 * times. Checks (one event per entry, windows that end after they start,
 * targets that exist — a replica among those its service has at that time)
 * and normalization to TimelineEvent, sorted by time with ties in file order.
 */
import { parseDuration } from '../units/parse.js';
import { checkDistribution, checkDuration, checkInteger, checkRange, show } from './checkScalars.js';
import { DEFAULT_DURATION_S, DEFAULT_ZONE, EVENT_DEFAULTS } from './defaults.js';
import type { Path } from './locate.js';
import * as msg from './messages.js';
import { normalizeDist, seconds } from './normalize.js';
import { error, warning, type Problem } from './problem.js';
import { EVENT_KEYS, ONE_SHOT_EVENTS, type EventKey, type TimelineEntryFile, type TopologyFile } from './schema.js';
import { closest } from './suggest.js';
import type { PodBudget, Target, TimelineEvent } from './types.js';

interface TargetFile {
  service?: string;
  replica?: string;
}

/** `reviews-1` → reviews, 1; undefined when the name has no `-<ordinal>` suffix. */
export function parseReplica(name: string): { service: string; ordinal: number } | undefined {
  // Pods are api-0 … api-9, api-10: no leading zeros, so api-01 names no pod (it read as api-1).
  const m = /^(.+)-(0|[1-9]\d*)$/.exec(name);
  return m ? { service: m[1], ordinal: Number(m[2]) } : undefined;
}

/** The one event key an entry has, or every one it has when that is not one. */
function eventKeys(entry: TimelineEntryFile): EventKey[] {
  return EVENT_KEYS.filter((key) => entry[key] !== undefined);
}

// ---- checks ------------------------------------------------------------------------------------

/** What the checks of one entry need to know about the rest of the file. */
interface Context {
  services: string[];
  known: Map<string, number>;
  zones: string[];
  zonesDeclared: boolean;
  /** The run's length, when it is set by time; for "after the run" warnings. */
  runLength: RunLength;
  /** Scale events with valid times, in timeline order. */
  scales: Array<{ service: string; at: number; text: string; index: number; replicas: number }>;
}

/** The run's length when time sets it (not a request count), and how the file gave it. */
export type RunLength = { seconds: number; text: string } | undefined;

/**
 * The run's length and warm-up given beside the file (the command line's
 * --duration, --requests and --warmup, in seconds), which replace the
 * file's: the checks that depend on them use these instead.
 */
export interface GivenLimits {
  duration?: number;
  requests?: number;
  warmup?: number;
}

export function checkTimeline(file: TopologyFile, given: GivenLimits = {}): Problem[] {
  const entries = file.timeline ?? [];
  const out: Problem[] = [];
  const times = entries.map((entry, i) => checkDuration(out, entry.at, ['timeline', i, 'at'], 'at', 'nonnegative'));
  const services = Object.keys(file.services);
  const ctx: Context = {
    services: [...services].sort(),
    known: new Map(Object.entries(file.services).map(([name, s]) => [name, s.replicas ?? 1])),
    zones: [...new Set(file.zones ?? [DEFAULT_ZONE])],
    zonesDeclared: file.zones !== undefined,
    runLength: runLength(file.simulation, given),
    scales: [],
  };
  entries.forEach((entry, index) => {
    const at = times[index];
    const scale = entry.scale;
    if (at !== undefined && scale != null && eventKeys(entry).length === 1 && Number.isSafeInteger(scale.replicas) && scale.replicas >= 0) {
      ctx.scales.push({ service: scale.service, at, text: show(entry.at), index, replicas: scale.replicas });
    }
  });
  entries.forEach((entry, i) => checkEntry(out, entry, i, times[i], ctx));
  return out;
}

/** The run's length as the normalizer will set it; undefined when `requests` rules or the duration is bad (reported elsewhere). */
export function runLength(sim: TopologyFile['simulation'], given: GivenLimits = {}): RunLength {
  if (given.requests !== undefined) return undefined;
  if (given.duration !== undefined) {
    return given.duration > 0 ? { seconds: given.duration, text: `${Number(given.duration.toPrecision(6))}s, given` } : undefined;
  }
  // A request count ends the run, however long it takes (a duration beside it is unused).
  if (sim?.requests !== undefined) return undefined;
  if (sim?.duration === undefined) return sim?.requests === undefined ? { seconds: DEFAULT_DURATION_S, text: `${DEFAULT_DURATION_S}s, the default` } : undefined;
  const parsed = parseDuration(sim.duration);
  return parsed.ok && parsed.value > 0 ? { seconds: parsed.value, text: show(sim.duration) } : undefined;
}

function checkEntry(out: Problem[], entry: TimelineEntryFile, i: number, at: number | undefined, ctx: Context): void {
  const path: Path = ['timeline', i];
  const until = entry.until === undefined ? undefined : checkDuration(out, entry.until, [...path, 'until'], 'until', 'nonnegative');
  const keys = eventKeys(entry);
  if (keys.length === 0) {
    out.push(error('missing-key', path, msg.noEvent(), msg.noEventHint(EVENT_KEYS)));
    return;
  }
  if (keys.length > 1) {
    out.push(error('conflicting-keys', [...path, keys[1]], msg.severalEvents(keys), msg.severalEventsHint(EVENT_KEYS), 'key'));
    return;
  }
  const key = keys[0];
  if (ONE_SHOT_EVENTS.includes(key)) {
    if (entry.until !== undefined) out.push(error('not-applicable', [...path, 'until'], msg.untilNotApplicable(key), msg.untilNotApplicableHint(key), 'key'));
  } else if (at !== undefined && until !== undefined && until <= at) {
    out.push(error('bad-window', [...path, 'until'], msg.untilNotAfterAt(show(entry.until as string), show(entry.at)), msg.untilNotAfterAtHint()));
  }
  if (at !== undefined && ctx.runLength !== undefined && at >= ctx.runLength.seconds) {
    out.push(warning('after-run', [...path, 'at'], msg.eventAfterRun(key, show(entry.at), ctx.runLength.text), msg.eventAfterRunHint()));
  }
  checkBody(out, entry, key, [...path, key], { at, index: i }, ctx);
}

type When = { at: number | undefined; index: number };

/** Kubernetes' int-or-percent: a whole number of pods, or a whole percentage ("25%"); undefined when it is neither. */
function parsePodBudget(value: string | number): PodBudget | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? { value, percent: false } : undefined;
  const m = /^([0-9]+)%$/.exec(value);
  if (!m) return undefined;
  const percent = Number(m[1]);
  return Number.isSafeInteger(percent) ? { value: percent, percent: true } : undefined;
}

/** A rollout's maxSurge or maxUnavailable as written (the default when absent); undefined, with an error, when it is bad. */
function checkPodBudget(out: Problem[], value: string | number | undefined, path: Path, key: 'maxSurge' | 'maxUnavailable'): PodBudget | undefined {
  const parsed = parsePodBudget(value ?? EVENT_DEFAULTS[key]);
  // A Deployment refuses more than 100 % unavailable; a surge may be any size (it cannot add more pods than the replicas).
  if (!parsed) {
    out.push(error('out-of-range', path, msg.badPodBudget(key, String(value)), msg.podBudgetHint(key)));
    return undefined;
  }
  if (key === 'maxUnavailable' && parsed.percent && parsed.value > 100) {
    out.push(error('out-of-range', path, msg.unavailableOver100(String(value)), msg.podBudgetHint(key)));
    return undefined;
  }
  return parsed;
}

function checkBody(out: Problem[], entry: TimelineEntryFile, key: EventKey, path: Path, when: When, ctx: Context): void {
  const at = (k: string): Path => [...path, k];
  const lifecycle = (body: { startup?: string | number; preStop?: string | number }) => {
    if (body.startup !== undefined) checkDuration(out, body.startup, at('startup'), 'startup', 'nonnegative');
    if (body.preStop !== undefined) checkDuration(out, body.preStop, at('preStop'), 'preStop', 'nonnegative');
  };
  const probability = (p: number | undefined) => {
    if (p !== undefined) checkRange(out, p, at('probability'), 'probability', { min: 0, max: 1 }, msg.faultProbabilityHint());
  };
  switch (key) {
    case 'rollout': {
      const r = entry.rollout as NonNullable<TimelineEntryFile['rollout']>;
      checkService(out, r.service, at('service'), ctx);
      lifecycle(r);
      if (r.minReadySeconds !== undefined) checkDuration(out, r.minReadySeconds, at('minReadySeconds'), 'minReadySeconds', 'nonnegative');
      const surge = checkPodBudget(out, r.maxSurge, at('maxSurge'), 'maxSurge');
      const unavailable = checkPodBudget(out, r.maxUnavailable, at('maxUnavailable'), 'maxUnavailable');
      if (surge?.value === 0 && unavailable?.value === 0) {
        out.push(error('out-of-range', at(r.maxUnavailable !== undefined ? 'maxUnavailable' : 'maxSurge'), msg.bothBudgetsZero(), msg.bothBudgetsZeroHint()));
      }
      return;
    }
    case 'scale': {
      const s = entry.scale as NonNullable<TimelineEntryFile['scale']>;
      checkService(out, s.service, at('service'), ctx);
      checkInteger(out, s.replicas, at('replicas'), 'replicas', 0, msg.scaleReplicasHint());
      lifecycle(s);
      return;
    }
    case 'policyChange':
    case 'controlPlaneOutage':
      return;
    case 'abort': {
      const a = entry.abort as NonNullable<TimelineEntryFile['abort']>;
      checkTarget(out, a, path, key, when, ctx);
      // An abort fails the request: it is counted and attributed as a failure, so a 2xx or 3xx would be a contradiction.
      if (a.status !== undefined && !(Number.isSafeInteger(a.status) && a.status >= 400 && a.status <= 599)) {
        out.push(error('out-of-range', at('status'), msg.statusRange(a.status), msg.statusHint()));
      }
      probability(a.probability);
      return;
    }
    case 'delay': {
      const d = entry.delay as NonNullable<TimelineEntryFile['delay']>;
      checkTarget(out, d, path, key, when, ctx);
      checkDistribution(out, d.delay, at('delay'), 'delay');
      probability(d.probability);
      return;
    }
    case 'crash': {
      const c = entry.crash as NonNullable<TimelineEntryFile['crash']>;
      checkTarget(out, c, path, key, when, ctx);
      if (c.readinessDelay !== undefined) checkDuration(out, c.readinessDelay, at('readinessDelay'), 'readinessDelay', 'nonnegative');
      return;
    }
    case 'proxyCrash': {
      const c = entry.proxyCrash as NonNullable<TimelineEntryFile['proxyCrash']>;
      checkTarget(out, c, path, key, when, ctx);
      if (c.readinessDelay !== undefined) checkDuration(out, c.readinessDelay, at('readinessDelay'), 'readinessDelay', 'nonnegative');
      return;
    }
    case 'cpuSlowdown': {
      const c = entry.cpuSlowdown as NonNullable<TimelineEntryFile['cpuSlowdown']>;
      checkTarget(out, c, path, key, when, ctx);
      checkRange(out, c.factor, at('factor'), 'factor', { min: 0.001, max: 1e6 }, msg.slowdownFactorHint());
      return;
    }
    case 'partition':
      checkPartition(out, entry.partition as NonNullable<TimelineEntryFile['partition']>, path, ctx);
      return;
    case 'connectFailure': {
      const c = entry.connectFailure as NonNullable<TimelineEntryFile['connectFailure']>;
      checkTarget(out, c, path, key, when, ctx);
      probability(c.probability);
      return;
    }
    case 'certificateExpiry': {
      const c = entry.certificateExpiry as NonNullable<TimelineEntryFile['certificateExpiry']>;
      const targetKey = c.service !== undefined ? 'service' : c.replica !== undefined ? 'replica' : undefined;
      if (c.root === true && targetKey !== undefined) {
        out.push(error('conflicting-keys', at(targetKey), msg.rootAndTarget(targetKey), msg.rootAndTargetHint(targetKey), 'key'));
      } else if (c.root !== true && targetKey === undefined) {
        out.push(error('missing-key', path, msg.missingExpiryTarget(), msg.missingExpiryTargetHint(exampleReplica(ctx))));
      } else if (c.root !== true) {
        checkTarget(out, c, path, key, when, ctx);
      }
      return;
    }
  }
}

function exampleReplica(ctx: Context): string {
  return `${ctx.services[0] ?? 'reviews'}-0`;
}

function checkService(out: Problem[], name: string, path: Path, ctx: Context): boolean {
  if (ctx.known.has(name)) return true;
  out.push(error('unknown-service', path, msg.unknownService(name), msg.unknownServiceHint(closest(name, ctx.services), ctx.services)));
  return false;
}

function checkTarget(out: Problem[], t: TargetFile, path: Path, event: EventKey, when: When, ctx: Context): void {
  if (t.service !== undefined && t.replica !== undefined) {
    out.push(error('conflicting-keys', [...path, 'replica'], msg.serviceAndReplica(), msg.serviceAndReplicaHint(), 'key'));
    return;
  }
  if (t.service === undefined && t.replica === undefined) {
    out.push(error('missing-key', path, msg.missingTarget(event), msg.missingTargetHint(exampleReplica(ctx))));
    return;
  }
  if (t.service !== undefined) {
    checkService(out, t.service, [...path, 'service'], ctx);
    return;
  }
  checkReplica(out, t.replica as string, [...path, 'replica'], when, ctx);
}

function checkReplica(out: Problem[], name: string, path: Path, when: When, ctx: Context): void {
  const parsed = parseReplica(name);
  if (parsed === undefined || (!ctx.known.has(parsed.service) && ctx.known.has(name))) {
    out.push(error('bad-replica', path, msg.notAReplica(name), msg.notAReplicaHint(name, ctx.known.has(name))));
    return;
  }
  const { service, ordinal } = parsed;
  if (!ctx.known.has(service)) {
    out.push(error('unknown-service', path, msg.unknownReplicaService(service, name), msg.unknownServiceHint(closest(service, ctx.services), ctx.services)));
    return;
  }
  const scale = when.at === undefined ? undefined : scaleBefore(ctx, service, when.at, when.index);
  const count = scale?.replicas ?? (ctx.known.get(service) as number);
  if (ordinal < count) return;
  out.push(error('unknown-replica', path, msg.noSuchReplica(name, service, count, scale && { at: scale.text }), msg.noSuchReplicaHint(service, count)));
}

/** The last scale of `service` that comes before the entry at `index` on the timeline (sorted by time, ties in file order). */
function scaleBefore(ctx: Context, service: string, at: number, index: number): Context['scales'][number] | undefined {
  let last: Context['scales'][number] | undefined;
  for (const s of ctx.scales) {
    if (s.service !== service || s.index === index) continue;
    if (s.at > at || (s.at === at && s.index > index)) continue;
    if (last === undefined || s.at > last.at || (s.at === last.at && s.index > last.index)) last = s;
  }
  return last;
}

function checkPartition(out: Problem[], p: NonNullable<TimelineEntryFile['partition']>, path: Path, ctx: Context): void {
  if (p.zones !== undefined && p.services !== undefined) {
    out.push(error('conflicting-keys', [...path, 'services'], msg.zonesAndServices(), msg.zonesAndServicesHint(), 'key'));
    return;
  }
  if (p.zones === undefined && p.services === undefined) {
    out.push(error('missing-key', path, msg.missingPartition(), msg.missingPartitionHint()));
    return;
  }
  const kind = p.zones !== undefined ? 'zones' : 'services';
  const names = (p.zones ?? p.services) as string[];
  if (names.length !== 2) {
    out.push(error('bad-partition', [...path, kind], msg.partitionCount(kind, names.length), msg.partitionCountHint(kind)));
  } else if (names[0] === names[1]) {
    out.push(error('bad-partition', [...path, kind, 1], msg.partitionSelf(names[0]), msg.partitionCountHint(kind)));
  }
  names.forEach((name, j) => {
    const at: Path = [...path, kind, j];
    if (kind === 'services') checkService(out, name, at, ctx);
    else if (!ctx.zones.includes(name)) {
      out.push(error('unknown-zone', at, msg.unknownZone(name), msg.unknownZoneHint(closest(name, ctx.zones), ctx.zones, ctx.zonesDeclared)));
    }
  });
}

// ---- normalization ------------------------------------------------------------------------------

/** Sorted by `at`; ties keep file order (Array.prototype.sort is stable). */
export function normalizeTimeline(entries: readonly TimelineEntryFile[] | undefined): TimelineEvent[] {
  return (entries ?? []).map(normalizeEvent).sort((a, b) => a.at - b.at);
}

function normalizeEvent(entry: TimelineEntryFile): TimelineEvent {
  const at = seconds(entry.at);
  const until = entry.until === undefined ? Infinity : seconds(entry.until);
  const time = (value: string | number | undefined, fallback: number) => (value === undefined ? fallback : seconds(value));
  const key = eventKeys(entry)[0];
  switch (key) {
    case 'rollout': {
      const r = entry.rollout as NonNullable<TimelineEntryFile['rollout']>;
      return {
        kind: 'rollout',
        at,
        service: r.service,
        startup: time(r.startup, EVENT_DEFAULTS.startup),
        minReadySeconds: time(r.minReadySeconds, EVENT_DEFAULTS.minReadySeconds),
        preStop: time(r.preStop, EVENT_DEFAULTS.preStop),
        maxSurge: parsePodBudget(r.maxSurge ?? EVENT_DEFAULTS.maxSurge) as PodBudget,
        maxUnavailable: parsePodBudget(r.maxUnavailable ?? EVENT_DEFAULTS.maxUnavailable) as PodBudget,
      };
    }
    case 'scale': {
      const s = entry.scale as NonNullable<TimelineEntryFile['scale']>;
      return {
        kind: 'scale',
        at,
        service: s.service,
        replicas: s.replicas,
        startup: time(s.startup, EVENT_DEFAULTS.startup),
        preStop: time(s.preStop, EVENT_DEFAULTS.preStop),
      };
    }
    case 'policyChange':
      return { kind: 'policy-change', at };
    case 'abort': {
      const a = entry.abort as NonNullable<TimelineEntryFile['abort']>;
      return {
        kind: 'abort',
        at,
        until,
        target: target(a),
        status: a.status ?? EVENT_DEFAULTS.status,
        probability: a.probability ?? EVENT_DEFAULTS.probability,
      };
    }
    case 'delay': {
      const d = entry.delay as NonNullable<TimelineEntryFile['delay']>;
      return { kind: 'delay', at, until, target: target(d), delay: normalizeDist(d.delay), probability: d.probability ?? EVENT_DEFAULTS.probability };
    }
    case 'crash': {
      const c = entry.crash as NonNullable<TimelineEntryFile['crash']>;
      return { kind: 'crash', at, until, target: target(c), readinessDelay: time(c.readinessDelay, EVENT_DEFAULTS.readinessDelay) };
    }
    case 'proxyCrash': {
      const c = entry.proxyCrash as NonNullable<TimelineEntryFile['proxyCrash']>;
      return { kind: 'proxy-crash', at, until, target: target(c), readinessDelay: time(c.readinessDelay, EVENT_DEFAULTS.readinessDelay) };
    }
    case 'cpuSlowdown': {
      const c = entry.cpuSlowdown as NonNullable<TimelineEntryFile['cpuSlowdown']>;
      return { kind: 'cpu-slowdown', at, until, target: target(c), factor: c.factor };
    }
    case 'partition': {
      const p = entry.partition as NonNullable<TimelineEntryFile['partition']>;
      const pair = (names: string[] | undefined): [string, string] | null => (names === undefined ? null : [names[0], names[1]]);
      return { kind: 'partition', at, until, zones: pair(p.zones), services: pair(p.services) };
    }
    case 'connectFailure': {
      const c = entry.connectFailure as NonNullable<TimelineEntryFile['connectFailure']>;
      return { kind: 'connect-failure', at, until, target: target(c), probability: c.probability ?? EVENT_DEFAULTS.probability };
    }
    case 'controlPlaneOutage':
      return { kind: 'control-plane-outage', at, until };
    case 'certificateExpiry': {
      const c = entry.certificateExpiry as NonNullable<TimelineEntryFile['certificateExpiry']>;
      const root = c.root ?? false;
      return { kind: 'certificate-expiry', at, until, target: root ? null : target(c), root };
    }
  }
}

function target(t: TargetFile): Target {
  if (t.service !== undefined) return { service: t.service };
  const replica = parseReplica(t.replica as string);
  if (replica === undefined) throw new Error(`internal error: normalizing an unchecked replica name (${String(t.replica)})`);
  return { replica };
}
