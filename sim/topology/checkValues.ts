/**
 * Value checks on a structurally valid file: units parse, numbers are in
 * range, distributions make sense, arrivals have what their kind needs.
 * Each check looks at one entity; cross references are in checks.ts.
 */
import { checkResilienceValues } from '../mesh/resilience.js';
import { MAX_RATE, MIN_RATE, parseBandwidth, parsePrice, parseRate } from '../units/parse.js';
import { DEFAULT_ZONE, MAX_PROJECT_PODS } from './defaults.js';
import {
  checkDistribution as distribution,
  checkDuration as duration,
  checkInteger as integer,
  checkNonNegative,
  checkRange,
  checkSize as size,
  checkUnit as unit,
  MAX_DURATION_S,
  show,
  type Scalar,
} from './checkScalars.js';
import type { Path } from './locate.js';
import * as msg from './messages.js';
import { error, warning, type Problem } from './problem.js';
import type { EntryPointFile, NodeFile, ServiceFile, StepFile, TopologyFile } from './schema.js';
import { runLength, type GivenLimits, type RunLength } from './timeline.js';

export function checkValues(file: TopologyFile, given: GivenLimits = {}): Problem[] {
  const out: Problem[] = [];
  if (file.name.trim() === '') out.push(error('empty', ['name'], msg.emptyName(), msg.emptyNameHint()));
  if (file.zones !== undefined) checkZoneList(out, file.zones, ['zones'], msg.emptyZonesHint());
  if (file.nodes !== undefined) {
    if (Object.keys(file.nodes).length === 0) out.push(error('empty', ['nodes'], msg.emptyCollection('nodes'), msg.emptyNodesHint(file.zones?.[0] ?? DEFAULT_ZONE)));
    for (const [name, node] of Object.entries(file.nodes)) checkNode(out, node, ['nodes', name]);
  }
  if (file.costs !== undefined) checkCosts(out, file.costs);
  let bytesPerSecond: number | undefined;
  if (file.network !== undefined) {
    const { sameNode, sameZone, crossZone, bandwidth } = file.network;
    if (sameNode !== undefined) distribution(out, sameNode, ['network', 'sameNode'], 'network.sameNode');
    if (sameZone !== undefined) distribution(out, sameZone, ['network', 'sameZone'], 'network.sameZone');
    if (crossZone !== undefined) distribution(out, crossZone, ['network', 'crossZone'], 'network.crossZone');
    if (bandwidth !== undefined) {
      bytesPerSecond = unit(out, parseBandwidth, 'bad-bandwidth', bandwidth, ['network', 'bandwidth'], 'bandwidth', 'positive', msg.bandwidthHint());
      // Below 1 bit/s a 1 KB payload takes over two hours a hop: the results would be the payload's, in days.
      if (bytesPerSecond !== undefined && bytesPerSecond < 1 / 8) {
        out.push(error('out-of-range', ['network', 'bandwidth'], msg.bandwidthTooLow(String(bandwidth)), msg.bandwidthHint()));
        bytesPerSecond = undefined;
      }
    }
  }
  checkSimulation(out, file.simulation ?? {}, given);
  if (Object.keys(file.services).length === 0) out.push(error('empty', ['services'], msg.emptyCollection('services'), msg.emptyServicesHint()));
  const bandwidthText = file.network?.bandwidth === undefined ? '' : show(file.network.bandwidth);
  const payload: Payload = (value, path, what) => checkPayload(out, value, path, what, bytesPerSecond, bandwidthText);
  for (const [name, service] of Object.entries(file.services)) checkService(out, service, ['services', name], payload);
  if (Object.keys(file.entrypoints).length === 0) out.push(error('empty', ['entrypoints'], msg.emptyCollection('entrypoints'), msg.emptyEntrypointsHint()));
  const length = runLength(file.simulation, given);
  for (const [name, entry] of Object.entries(file.entrypoints)) checkEntryPoint(out, entry, ['entrypoints', name], length, payload);
  checkScale(out, file);
  // A blank name cannot be referred to, and shows as nothing in every table and chart.
  for (const [section, kind] of [['services', 'service'], ['entrypoints', 'entry point'], ['nodes', 'node']] as const) {
    for (const name of Object.keys(file[section] ?? {})) {
      if (name.trim() === '') out.push(error('empty', [section, name], msg.blankName(kind, name), msg.blankNameHint(kind, name), 'key'));
    }
  }
  (file.zones ?? []).forEach((zone, i) => {
    if (zone.trim() === '') out.push(error('empty', ['zones', i], msg.blankName('zone', zone), msg.blankNameHint('zone')));
  });
  return out;
}

/**
 * Every pod and every closed-loop user is simulated, with state of its own:
 * beyond these counts the run would exhaust the process's memory (and die
 * with V8's heap dump) long before it said anything useful.
 */
export const MAX_PODS = 100_000;
export const MAX_USERS = 1_000_000;

function checkScale(out: Problem[], file: TopologyFile): void {
  const services = Object.entries(file.services);
  // A count that is no safe whole number (1e308) is out-of-range already, at its place: counted here, it would be a second error there.
  const replicasOf = (s: ServiceFile | undefined): number => (s !== undefined && Number.isSafeInteger(s.replicas) && (s.replicas as number) > 0 ? s.replicas as number : 1);
  const pods = services.reduce((n, [, s]) => n + replicasOf(s), 0);
  if (pods > MAX_PODS) {
    // Point at the service with the most: the one to change.
    const [name, most] = services.reduce((a, b) => (replicasOf(b[1]) > replicasOf(a[1]) ? b : a));
    out.push(error('too-large', ['services', name, 'replicas'], msg.tooManyPods(pods, MAX_PODS, replicasOf(most)), msg.tooManyPodsHint()));
  }
  (file.timeline ?? []).forEach((entry, i) => {
    const scale = entry.scale;
    if (scale === undefined || !Number.isSafeInteger(scale.replicas)) return;
    // The other services as they start, this one scaled (a bound: earlier scale events are not replayed).
    const after = pods - replicasOf(file.services[scale.service]) + scale.replicas;
    if (after > MAX_PODS) out.push(error('too-large', ['timeline', i, 'scale', 'replicas'], msg.tooManyPods(after, MAX_PODS, scale.replicas), msg.tooManyPodsHint()));
  });
  for (const [name, e] of Object.entries(file.entrypoints)) {
    if (Number.isSafeInteger(e.users) && (e.users as number) > MAX_USERS) {
      out.push(error('too-large', ['entrypoints', name, 'users'], msg.tooManyUsers(e.users as number, MAX_USERS), msg.tooManyUsersHint()));
    }
  }
}

function checkNode(out: Problem[], node: NodeFile, path: Path): void {
  if (node.cores !== undefined) integer(out, node.cores, [...path, 'cores'], 'cores', 1, msg.coresHint());
}

function checkCosts(out: Problem[], costs: NonNullable<TopologyFile['costs']>): void {
  for (const key of ['vcpuHour', 'gbHour'] as const) {
    if (costs[key] === undefined) continue;
    // "$0.04" as --vcpu-hour takes it: the same parser, so the file and the flag agree.
    const parsed = parsePrice(costs[key]);
    if (!parsed.ok) {
      out.push(error('bad-price', ['costs', key], parsed.message, msg.priceTextHint(key)));
      continue;
    }
    const value = parsed.value;
    // The bound --vcpu-hour and --gb-hour keep too: a price beyond it makes every cost $∞.
    if (checkNonNegative(out, value, ['costs', key], key, msg.priceHint(key)) !== undefined) {
      checkRange(out, value, ['costs', key], key, { min: 0, max: 1e6 }, msg.priceHint(key));
    }
  }
  const pods = costs.projectPods;
  if (pods === undefined) return;
  // 1e308 is also past 2^53, but the limit a reader can use is this one.
  if (Number.isInteger(pods) && pods > MAX_PROJECT_PODS) {
    out.push(error('out-of-range', ['costs', 'projectPods'], msg.projectPodsTooLarge(pods, MAX_PROJECT_PODS), msg.projectPodsHint(MAX_PROJECT_PODS)));
  } else {
    integer(out, pods, ['costs', 'projectPods'], 'projectPods', 1, msg.projectPodsHint(MAX_PROJECT_PODS));
  }
}

function checkSimulation(out: Problem[], sim: NonNullable<TopologyFile['simulation']>, given: GivenLimits): void {
  const at = (key: string): Path => ['simulation', key];
  if (sim.seed !== undefined) integer(out, sim.seed, at('seed'), 'seed', 0, msg.seedHint());
  if (sim.requests !== undefined) integer(out, sim.requests, at('requests'), 'requests', 1, msg.requestsHint());
  const runLength = sim.duration === undefined ? undefined : duration(out, sim.duration, at('duration'), 'duration', 'positive');
  const warmup = sim.warmup === undefined ? undefined : duration(out, sim.warmup, at('warmup'), 'warmup', 'nonnegative');
  // The run's length or warm-up given beside the file replaces the file's:
  // the command checks those (resolveLimits), and the file's are not used.
  const lengthGiven = given.duration !== undefined || given.requests !== undefined;
  // A request count ends the run; a duration beside it is never used (unless --duration replaces the count).
  if (sim.requests !== undefined && sim.duration !== undefined && !lengthGiven) {
    out.push(warning('no-effect', at('duration'), msg.durationBesideRequests(show(sim.duration), show(sim.requests)), msg.durationBesideRequestsHint(), 'key'));
  }
  // The run length the normalizer will use: 60s by default unless a request count rules.
  const effective = sim.requests !== undefined ? undefined : sim.duration === undefined ? 60 : runLength;
  if (warmup !== undefined && effective !== undefined && warmup >= effective && !lengthGiven && given.warmup === undefined) {
    const durationText = sim.duration === undefined ? '60s, the default' : show(sim.duration);
    out.push(error('out-of-range', at('warmup'), msg.warmupTooLong(show(sim.warmup as Scalar), durationText), msg.warmupHint()));
  }
}

/** Checks a payload size: a request's or a response's. */
type Payload = (value: Scalar, path: Path, what: string) => void;

/**
 * A payload is bytes the simulator counts and sends: past 2^53 − 1 it is no
 * longer a whole number of them, and one that takes longer than the clock
 * can follow to cross the network (1TB at 1bps) left a run draining, a
 * mesh's renewals ticking, for ever.
 */
function checkPayload(out: Problem[], value: Scalar, path: Path, what: string, bytesPerSecond: number | undefined, bandwidthText: string): void {
  const bytes = size(out, value, path, what);
  if (bytes === undefined) return;
  if (bytes > Number.MAX_SAFE_INTEGER) {
    out.push(error('out-of-range', path, msg.payloadTooLarge(what, show(value)), msg.payloadHint()));
  } else if (bytesPerSecond !== undefined && bytes / bytesPerSecond > MAX_DURATION_S) {
    out.push(error('out-of-range', path, msg.payloadTooSlow(what, show(value), bandwidthText), msg.payloadHint()));
  }
}

function checkService(out: Problem[], s: ServiceFile, path: Path, payload: Payload): void {
  if (s.replicas !== undefined) integer(out, s.replicas, [...path, 'replicas'], 'replicas', 1, msg.replicasHint());
  if (s.workers !== undefined) integer(out, s.workers, [...path, 'workers'], 'workers', 1, msg.workersHint());
  if (typeof s.queue === 'number') integer(out, s.queue, [...path, 'queue'], 'queue', 0, msg.queueHint());
  distribution(out, s.serviceTime, [...path, 'serviceTime'], 'serviceTime');
  if (s.ioTime !== undefined) distribution(out, s.ioTime, [...path, 'ioTime'], 'ioTime');
  if (s.zones !== undefined) checkZoneList(out, s.zones, [...path, 'zones'], msg.emptyZonesHint());
  if (s.nodes !== undefined) checkNodeList(out, s.nodes, [...path, 'nodes']);
  if (s.responseSize !== undefined) payload(s.responseSize, [...path, 'responseSize'], 'responseSize');
  if (s.resilience !== undefined) checkResilienceValues(out, s.resilience, [...path, 'resilience']);
  s.calls?.forEach((step, i) => checkStep(out, step, [...path, 'calls', i], payload));
}

function checkStep(out: Problem[], step: StepFile, path: Path, payload: Payload): void {
  if (typeof step === 'string') return;
  if (step.probability !== undefined && !(step.probability >= 0 && step.probability <= 1)) {
    out.push(error('out-of-range', [...path, 'probability'], msg.probabilityRange(step.probability), msg.probabilityHint()));
  }
  if ('call' in step) {
    if (step.requestSize !== undefined) payload(step.requestSize, [...path, 'requestSize'], 'requestSize');
    return;
  }
  const [kind, steps] = 'parallel' in step ? ['parallel', step.parallel] : ['sequence', step.sequence];
  if (steps.length === 0) out.push(error('empty', [...path, kind], msg.emptyCollection(kind), msg.emptyStepsHint(kind)));
  steps.forEach((inner, i) => checkStep(out, inner, [...path, kind, i], payload));
}

function checkEntryPoint(out: Problem[], e: EntryPointFile, path: Path, length: RunLength, payload: Payload): void {
  const kind = e.arrivals ?? 'poisson';
  const notApplicable = (key: keyof EntryPointFile) => {
    if (e[key] !== undefined) out.push(error('not-applicable', [...path, key], msg.notApplicable(key, kind), msg.notApplicableHint(key), 'key'));
  };
  if (kind === 'closed') {
    if (e.users === undefined) out.push(error('missing-key', [...path, 'users'], msg.missingUsers(), msg.missingUsersHint()));
    else integer(out, e.users, [...path, 'users'], 'users', 1, msg.usersHint());
    notApplicable('rate');
    notApplicable('schedule');
    if (e.thinkTime !== undefined) distribution(out, e.thinkTime, [...path, 'thinkTime'], 'thinkTime');
  } else {
    if (e.rate === undefined && e.schedule === undefined) {
      out.push(error('missing-key', [...path, 'rate'], msg.missingRate(kind), msg.missingRateHint()));
    }
    if (e.rate !== undefined && e.schedule !== undefined) {
      out.push(error('conflicting-keys', [...path, 'schedule'], msg.rateAndSchedule(), msg.rateAndScheduleHint(), 'key'));
    }
    if (e.rate !== undefined) rateBounds(out, unit(out, parseRate, 'bad-rate', e.rate, [...path, 'rate'], 'rate', 'positive', msg.positiveRateHint()), e.rate, [...path, 'rate']);
    if (e.schedule !== undefined) checkSchedule(out, e.schedule, [...path, 'schedule'], length);
    notApplicable('users');
    notApplicable('thinkTime');
  }
  if (e.requestSize !== undefined) payload(e.requestSize, [...path, 'requestSize'], 'requestSize');
}

/** Rates the clock can follow (see sim/units/parse.ts): outside, results would be noise, so they are refused. */
export { MIN_RATE, MAX_RATE };

function rateBounds(out: Problem[], value: number | undefined, text: Scalar, path: Path): void {
  if (value === undefined || value === 0) return;
  if (value < MIN_RATE) out.push(error('out-of-range', path, msg.rateTooLow(show(text)), msg.rateTooLowHint()));
  else if (value > MAX_RATE) out.push(error('out-of-range', path, msg.rateTooHigh(show(text)), msg.rateTooHighHint()));
}

function checkSchedule(out: Problem[], schedule: NonNullable<EntryPointFile['schedule']>, path: Path, length: RunLength): void {
  if (schedule.length === 0) {
    out.push(error('empty', path, msg.emptySchedule(), msg.missingRateHint()));
    return;
  }
  let prev: { at: number; text: string } | undefined;
  schedule.forEach((segment, i) => {
    rateBounds(out, unit(out, parseRate, 'bad-rate', segment.rate, [...path, i, 'rate'], 'rate', 'nonnegative', msg.scheduleRateHint()), segment.rate, [...path, i, 'rate']);
    const at = duration(out, segment.at, [...path, i, 'at'], 'at', 'nonnegative');
    if (at === undefined) return;
    if (i === 0 && at !== 0) out.push(error('bad-schedule', [...path, 0, 'at'], msg.scheduleStart(show(segment.at)), msg.scheduleStartHint()));
    if (prev !== undefined && at <= prev.at) {
      out.push(error('bad-schedule', [...path, i, 'at'], msg.scheduleOrder(show(segment.at), prev.text), msg.scheduleOrderHint()));
    }
    prev = { at, text: show(segment.at) };
    if (i > 0 && length !== undefined && at >= length.seconds) {
      out.push(warning('after-run', [...path, i, 'at'], msg.eventAfterRun('this rate', show(segment.at), length.text), msg.scheduleAfterRunHint()));
    }
  });
}

function checkZoneList(out: Problem[], zones: string[], path: Path, emptyHint: string): void {
  if (zones.length === 0) out.push(error('empty', path, msg.emptyCollection('zones'), emptyHint));
  const seen = new Set<string>();
  zones.forEach((zone, i) => {
    if (seen.has(zone)) out.push(error('duplicate-zone', [...path, i], msg.duplicateZone(zone), msg.duplicateZoneHint()));
    seen.add(zone);
  });
}

function checkNodeList(out: Problem[], nodes: string[], path: Path): void {
  if (nodes.length === 0) out.push(error('empty', path, msg.emptyCollection('nodes'), msg.emptyNodeListHint()));
  const seen = new Set<string>();
  nodes.forEach((node, i) => {
    if (seen.has(node)) out.push(error('duplicate-node', [...path, i], msg.duplicateNode(node), msg.duplicateNodeHint()));
    seen.add(node);
  });
}
