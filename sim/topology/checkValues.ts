/**
 * Value checks on a structurally valid file: units parse, numbers are in
 * range, distributions make sense, arrivals have what their kind needs.
 * Each check looks at one entity; cross references are in checks.ts.
 */
import { parseBandwidth, parseDuration, parseRate, parseSize, type UnitResult } from '../units/parse.js';
import type { Path } from './locate.js';
import * as msg from './messages.js';
import { error, type Problem } from './problem.js';
import type { DistributionFile, EntryPointFile, ServiceFile, StepFile, TopologyFile } from './schema.js';

type Scalar = string | number;
type Sign = 'positive' | 'nonnegative';

export function checkValues(file: TopologyFile): Problem[] {
  const out: Problem[] = [];
  if (file.name.trim() === '') out.push(error('empty', ['name'], msg.emptyName(), msg.emptyNameHint()));
  if (file.zones !== undefined) checkZoneList(out, file.zones, ['zones'], msg.emptyZonesHint());
  if (file.network !== undefined) {
    const { sameZone, crossZone, bandwidth } = file.network;
    if (sameZone !== undefined) distribution(out, sameZone, ['network', 'sameZone'], 'network.sameZone');
    if (crossZone !== undefined) distribution(out, crossZone, ['network', 'crossZone'], 'network.crossZone');
    if (bandwidth !== undefined) unit(out, parseBandwidth, 'bad-bandwidth', bandwidth, ['network', 'bandwidth'], 'bandwidth', 'positive', msg.bandwidthHint());
  }
  checkSimulation(out, file.simulation ?? {});
  if (Object.keys(file.services).length === 0) out.push(error('empty', ['services'], msg.emptyCollection('services'), msg.emptyServicesHint()));
  for (const [name, service] of Object.entries(file.services)) checkService(out, service, ['services', name]);
  if (Object.keys(file.entrypoints).length === 0) out.push(error('empty', ['entrypoints'], msg.emptyCollection('entrypoints'), msg.emptyEntrypointsHint()));
  for (const [name, entry] of Object.entries(file.entrypoints)) checkEntryPoint(out, entry, ['entrypoints', name]);
  return out;
}

function checkSimulation(out: Problem[], sim: NonNullable<TopologyFile['simulation']>): void {
  const at = (key: string): Path => ['simulation', key];
  if (sim.seed !== undefined) integer(out, sim.seed, at('seed'), 'seed', 0, msg.seedHint());
  if (sim.requests !== undefined) integer(out, sim.requests, at('requests'), 'requests', 1, msg.requestsHint());
  const runLength = sim.duration === undefined ? undefined : duration(out, sim.duration, at('duration'), 'duration', 'positive');
  const warmup = sim.warmup === undefined ? undefined : duration(out, sim.warmup, at('warmup'), 'warmup', 'nonnegative');
  // The run length the normalizer will use: 60s by default unless a request count rules.
  const effective = sim.duration === undefined ? (sim.requests === undefined ? 60 : undefined) : runLength;
  if (warmup !== undefined && effective !== undefined && warmup >= effective) {
    const durationText = sim.duration === undefined ? '60s, the default' : show(sim.duration);
    out.push(error('out-of-range', at('warmup'), msg.warmupTooLong(show(sim.warmup as Scalar), durationText), msg.warmupHint()));
  }
}

function checkService(out: Problem[], s: ServiceFile, path: Path): void {
  if (s.replicas !== undefined) integer(out, s.replicas, [...path, 'replicas'], 'replicas', 1, msg.replicasHint());
  if (s.workers !== undefined) integer(out, s.workers, [...path, 'workers'], 'workers', 1, msg.workersHint());
  if (typeof s.queue === 'number') integer(out, s.queue, [...path, 'queue'], 'queue', 0, msg.queueHint());
  distribution(out, s.serviceTime, [...path, 'serviceTime'], 'serviceTime');
  if (s.zones !== undefined) checkZoneList(out, s.zones, [...path, 'zones'], msg.emptyZonesHint());
  if (s.responseSize !== undefined) size(out, s.responseSize, [...path, 'responseSize'], 'responseSize');
  s.calls?.forEach((step, i) => checkStep(out, step, [...path, 'calls', i]));
}

function checkStep(out: Problem[], step: StepFile, path: Path): void {
  if (typeof step === 'string') return;
  if (step.probability !== undefined && !(step.probability >= 0 && step.probability <= 1)) {
    out.push(error('out-of-range', [...path, 'probability'], msg.probabilityRange(step.probability), msg.probabilityHint()));
  }
  if ('call' in step) {
    if (step.requestSize !== undefined) size(out, step.requestSize, [...path, 'requestSize'], 'requestSize');
    return;
  }
  const [kind, steps] = 'parallel' in step ? ['parallel', step.parallel] : ['sequence', step.sequence];
  if (steps.length === 0) out.push(error('empty', [...path, kind], msg.emptyCollection(kind), msg.emptyStepsHint(kind)));
  steps.forEach((inner, i) => checkStep(out, inner, [...path, kind, i]));
}

function checkEntryPoint(out: Problem[], e: EntryPointFile, path: Path): void {
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
    if (e.rate !== undefined) unit(out, parseRate, 'bad-rate', e.rate, [...path, 'rate'], 'rate', 'positive', msg.positiveRateHint());
    if (e.schedule !== undefined) checkSchedule(out, e.schedule, [...path, 'schedule']);
    notApplicable('users');
    notApplicable('thinkTime');
  }
  if (e.requestSize !== undefined) size(out, e.requestSize, [...path, 'requestSize'], 'requestSize');
}

function checkSchedule(out: Problem[], schedule: NonNullable<EntryPointFile['schedule']>, path: Path): void {
  if (schedule.length === 0) {
    out.push(error('empty', path, msg.emptySchedule(), msg.missingRateHint()));
    return;
  }
  let prev: { at: number; text: string } | undefined;
  schedule.forEach((segment, i) => {
    unit(out, parseRate, 'bad-rate', segment.rate, [...path, i, 'rate'], 'rate', 'nonnegative', msg.scheduleRateHint());
    const at = duration(out, segment.at, [...path, i, 'at'], 'at', 'nonnegative');
    if (at === undefined) return;
    if (i === 0 && at !== 0) out.push(error('bad-schedule', [...path, 0, 'at'], msg.scheduleStart(show(segment.at)), msg.scheduleStartHint()));
    if (prev !== undefined && at <= prev.at) {
      out.push(error('bad-schedule', [...path, i, 'at'], msg.scheduleOrder(show(segment.at), prev.text), msg.scheduleOrderHint()));
    }
    prev = { at, text: show(segment.at) };
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

// ---- distributions ------------------------------------------------------------------------

function distribution(out: Problem[], d: DistributionFile, path: Path, what: string): void {
  if (typeof d === 'string' || typeof d === 'number') {
    duration(out, d, path, what, 'nonnegative');
    return;
  }
  const at = (key: string): Path => [...path, key];
  switch (d.dist) {
    case 'constant':
      duration(out, d.value, at('value'), 'value', 'nonnegative');
      return;
    case 'exponential':
      duration(out, d.mean, at('mean'), 'exponential mean', 'positive', msg.exponentialMeanHint());
      return;
    case 'lognormal':
      lognormal(out, d, path);
      return;
    case 'normal':
      duration(out, d.mean, at('mean'), 'normal mean', 'nonnegative');
      duration(out, d.stddev, at('stddev'), 'normal stddev', 'nonnegative');
      return;
    case 'uniform': {
      const min = duration(out, d.min, at('min'), 'uniform min', 'nonnegative');
      const max = duration(out, d.max, at('max'), 'uniform max', 'nonnegative');
      if (min !== undefined && max !== undefined && max < min) {
        out.push(error('bad-distribution', at('max'), msg.uniformBounds(show(d.min), show(d.max)), msg.uniformBoundsHint()));
      }
      return;
    }
    case 'empirical':
      empirical(out, d, path);
      return;
  }
}

function lognormal(out: Problem[], d: Extract<DistributionFile, { dist: 'lognormal' }>, path: Path): void {
  const quantiles = d.median !== undefined && d.p99 !== undefined;
  const logParams = d.mu !== undefined && d.sigma !== undefined;
  const anyQuantile = d.median !== undefined || d.p99 !== undefined;
  const anyLogParam = d.mu !== undefined || d.sigma !== undefined;
  if (quantiles === logParams || (quantiles && anyLogParam) || (logParams && anyQuantile)) {
    out.push(error('bad-distribution', path, msg.lognormalForm(), msg.lognormalFormHint()));
    return;
  }
  if (d.median !== undefined && d.p99 !== undefined) {
    const median = duration(out, d.median, [...path, 'median'], 'lognormal median', 'positive');
    const p99 = duration(out, d.p99, [...path, 'p99'], 'lognormal p99', 'positive');
    if (median !== undefined && p99 !== undefined && p99 <= median) {
      out.push(error('bad-distribution', [...path, 'p99'], msg.lognormalP99(show(d.p99), show(d.median)), msg.lognormalP99Hint()));
    }
    return;
  }
  if (d.mu !== undefined && !Number.isFinite(d.mu)) {
    out.push(error('out-of-range', [...path, 'mu'], msg.wrongType('a finite number', String(d.mu)), msg.lognormalFormHint()));
  }
  if (d.sigma !== undefined && !(d.sigma >= 0 && Number.isFinite(d.sigma))) {
    out.push(error('out-of-range', [...path, 'sigma'], msg.mustNotBeNegative('lognormal sigma', String(d.sigma)), msg.sigmaHint()));
  }
}

function empirical(out: Problem[], d: Extract<DistributionFile, { dist: 'empirical' }>, path: Path): void {
  if ((d.samples === undefined) === (d.percentiles === undefined)) {
    out.push(error('bad-distribution', path, msg.empiricalForm(), msg.empiricalFormHint()));
    return;
  }
  if (d.samples !== undefined) {
    if (d.samples.length === 0) out.push(error('bad-distribution', [...path, 'samples'], msg.noSamples(), msg.noSamplesHint()));
    d.samples.forEach((sample, i) => duration(out, sample, [...path, 'samples', i], 'a sample', 'nonnegative'));
    return;
  }
  const points: Array<{ key: string; p: number; value: number | undefined; text: string }> = [];
  for (const [key, raw] of Object.entries(d.percentiles ?? {})) {
    const at: Path = [...path, 'percentiles', key];
    const value = duration(out, raw, at, key, 'nonnegative');
    const p = percentileOf(key);
    if (p === undefined) {
      out.push(error('bad-distribution', at, msg.badPercentileKey(key), msg.badPercentileKeyHint(), 'key'));
      continue;
    }
    const twin = points.find((point) => point.p === p);
    if (twin !== undefined) {
      out.push(error('bad-distribution', at, msg.duplicatePercentile(key, twin.key), msg.badPercentileKeyHint(), 'key'));
      continue;
    }
    points.push({ key, p, value, text: show(raw) });
  }
  const missing = [0, 1].filter((p) => !points.some((point) => point.p === p)).map((p) => `p${p * 100}`);
  if (missing.length > 0) {
    out.push(error('bad-distribution', [...path, 'percentiles'], msg.missingPercentileEnds(missing), msg.missingPercentileEndsHint()));
  }
  points.sort((a, b) => a.p - b.p);
  for (let i = 1; i < points.length; i++) {
    const [prev, cur] = [points[i - 1], points[i]];
    if (prev.value !== undefined && cur.value !== undefined && cur.value < prev.value) {
      out.push(error('bad-distribution', [...path, 'percentiles', cur.key], msg.decreasingPercentile(cur.key, cur.text, prev.key, prev.text), msg.decreasingPercentileHint()));
    }
  }
}

/**
 * `p99.9` → 0.999, computed by moving the decimal point in the text so the
 * result is the double nearest the written fraction (99.9 / 100 is not).
 */
export function percentileOf(key: string): number | undefined {
  const m = /^p(\d+)(?:\.(\d+))?$/.exec(key);
  if (!m) return undefined;
  const whole = m[1].replace(/^0+(?=\d)/, '');
  const padded = whole.padStart(3, '0');
  const p = Number(`${padded.slice(0, -2)}.${padded.slice(-2)}${m[2] ?? ''}`);
  return p >= 0 && p <= 1 ? p : undefined;
}

// ---- scalars --------------------------------------------------------------------------------

function duration(out: Problem[], value: Scalar, path: Path, what: string, sign: Sign, hint?: string): number | undefined {
  const signHint = hint ?? (sign === 'positive' ? msg.positiveDurationHint() : msg.negativeDurationHint(show(value)));
  return unit(out, parseDuration, 'bad-duration', value, path, what, sign, signHint);
}

function size(out: Problem[], value: Scalar, path: Path, what: string): number | undefined {
  return unit(out, parseSize, 'bad-size', value, path, what, 'nonnegative', msg.sizeNegativeHint());
}

/** Parse a unit-bearing scalar and check its sign; the value when it is usable. */
function unit(
  out: Problem[],
  parse: (input: Scalar) => UnitResult,
  code: string,
  value: Scalar,
  path: Path,
  what: string,
  sign: Sign,
  signHint?: string,
): number | undefined {
  const result = parse(value);
  if (!result.ok) {
    out.push(error(code, path, result.message, result.hint));
    return undefined;
  }
  const bad = sign === 'positive' ? !(result.value > 0) : !(result.value >= 0);
  if (bad) {
    const message = sign === 'positive' ? msg.mustBePositive(what, show(value)) : msg.mustNotBeNegative(what, show(value));
    out.push(error('out-of-range', path, message, signHint));
    return undefined;
  }
  return result.value;
}

function integer(out: Problem[], value: number, path: Path, key: string, min: number, hint: string): void {
  if (!Number.isSafeInteger(value) || value < min) out.push(error('out-of-range', path, msg.mustBeInteger(key, min, value), hint));
}

function show(value: Scalar): string {
  return String(value);
}
