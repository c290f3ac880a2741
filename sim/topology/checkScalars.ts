/**
 * Checks of single values shared by every file format: unit-bearing scalars
 * (durations, sizes, …) parse and have the right sign, integers and plain
 * numbers are in range, distributions make sense. Each pushes problems onto
 * `out` and returns the parsed value when it is usable, so a caller can go on
 * to compare values (a warm-up shorter than the duration, say).
 */
import { parseDuration, parseSize, type UnitResult } from '../units/parse.js';
import type { Path } from './locate.js';
import * as msg from './messages.js';
import { error, type Problem } from './problem.js';
import type { DistributionFile } from './valueSchemas.js';

export type Scalar = string | number;
export type Sign = 'positive' | 'nonnegative';

// ---- distributions ------------------------------------------------------------------------

export function checkDistribution(out: Problem[], d: DistributionFile, path: Path, what: string): void {
  if (typeof d === 'string' || typeof d === 'number') {
    checkDuration(out, d, path, what, 'nonnegative');
    return;
  }
  const at = (key: string): Path => [...path, key];
  switch (d.dist) {
    case 'constant':
      checkDuration(out, d.value, at('value'), 'value', 'nonnegative');
      return;
    case 'exponential':
      checkDuration(out, d.mean, at('mean'), 'exponential mean', 'positive', msg.exponentialMeanHint());
      return;
    case 'lognormal':
      lognormal(out, d, path);
      return;
    case 'normal':
      checkDuration(out, d.mean, at('mean'), 'normal mean', 'nonnegative');
      checkDuration(out, d.stddev, at('stddev'), 'normal stddev', 'nonnegative');
      return;
    case 'uniform': {
      const min = checkDuration(out, d.min, at('min'), 'uniform min', 'nonnegative');
      const max = checkDuration(out, d.max, at('max'), 'uniform max', 'nonnegative');
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
    const median = checkDuration(out, d.median, [...path, 'median'], 'lognormal median', 'positive');
    const p99 = checkDuration(out, d.p99, [...path, 'p99'], 'lognormal p99', 'positive');
    if (median !== undefined && p99 !== undefined && p99 <= median) {
      out.push(error('bad-distribution', [...path, 'p99'], msg.lognormalP99(show(d.p99), show(d.median)), msg.lognormalP99Hint()));
    } else if (median !== undefined && p99 !== undefined) {
      // The same reach as {mu, sigma} below: a p99 far above the median makes sigma large, and the tail goes past the clock.
      const sigma = Math.log(p99 / median) / Z99;
      if (!(median * Math.exp(6 * sigma) <= MAX_DURATION_S)) {
        out.push(error('out-of-range', [...path, 'p99'], msg.lognormalTailOutOfClock(show(d.median), show(d.p99), median * Math.exp(6 * sigma)), msg.lognormalTailHint()));
      }
    }
    return;
  }
  if (d.mu !== undefined && !Number.isFinite(d.mu)) {
    out.push(error('out-of-range', [...path, 'mu'], msg.wrongType('a finite number', String(d.mu)), msg.lognormalFormHint()));
    return;
  }
  if (d.sigma !== undefined && !(d.sigma >= 0 && Number.isFinite(d.sigma))) {
    out.push(error('out-of-range', [...path, 'sigma'], msg.mustNotBeNegative('lognormal sigma', String(d.sigma)), msg.sigmaHint()));
    return;
  }
  // Draws reach exp(mu + ~6 sigma); keep the distribution's p99.9999999 and its median within the clock's range.
  if (d.mu !== undefined && d.sigma !== undefined) {
    const top = Math.exp(d.mu + 6 * d.sigma);
    // A mu below about −745 underflows the median to exactly 0: every draw is (nearly) 0, still below the clock's 1ns.
    const median = Math.exp(d.mu);
    if (!(top <= MAX_DURATION_S)) {
      out.push(error('out-of-range', path, msg.lognormalOutOfClock(d.mu, d.sigma), msg.durationTooLongHint()));
    } else if (median < MIN_DURATION_S) {
      out.push(error('out-of-range', path, msg.lognormalOutOfClock(d.mu, d.sigma), msg.lognormalTooShortHint()));
    }
  }
}

function empirical(out: Problem[], d: Extract<DistributionFile, { dist: 'empirical' }>, path: Path): void {
  if ((d.samples === undefined) === (d.percentiles === undefined)) {
    out.push(error('bad-distribution', path, msg.empiricalForm(d.samples !== undefined), msg.empiricalFormHint()));
    return;
  }
  if (d.samples !== undefined) {
    if (d.samples.length === 0) out.push(error('bad-distribution', [...path, 'samples'], msg.noSamples(), msg.noSamplesHint()));
    d.samples.forEach((sample, i) => checkDuration(out, sample, [...path, 'samples', i], 'a sample', 'nonnegative'));
    return;
  }
  const points: Array<{ key: string; p: number; value: number | undefined; text: string }> = [];
  for (const [key, raw] of Object.entries(d.percentiles ?? {})) {
    const at: Path = [...path, 'percentiles', key];
    const value = checkDuration(out, raw, at, key, 'nonnegative');
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

/**
 * The durations the clock can follow. Time is a double in seconds: beyond
 * MAX_DURATION_S a run's drain (and the control plane's periodic events in
 * it) would go on for ever, and sums of draws reach Infinity; below
 * MIN_DURATION_S (the smallest unit, 1ns) a positive duration no longer moves
 * the clock once it has left 0, so closed loops and renewals spin in place.
 */
export const MAX_DURATION_S = 1e8; // ~3 years

/** z(0.99), the standard normal quantile: a lognormal's p99 = exp(mu + Z99 · sigma). */
export const Z99 = 2.3263478740408408;
export const MIN_DURATION_S = 1e-9;

export function checkDuration(out: Problem[], value: Scalar, path: Path, what: string, sign: Sign, hint?: string): number | undefined {
  const signHint = hint ?? (sign === 'positive' ? msg.positiveDurationHint() : msg.negativeDurationHint(show(value)));
  const seconds = checkUnit(out, parseDuration, 'bad-duration', value, path, what, sign, signHint);
  if (seconds === undefined) return undefined;
  if (seconds > MAX_DURATION_S) {
    out.push(error('out-of-range', path, msg.durationTooLong(what, show(value)), msg.durationTooLongHint()));
    return undefined;
  }
  if (seconds > 0 && seconds < MIN_DURATION_S) {
    out.push(error('out-of-range', path, msg.durationTooShort(what, show(value)), msg.durationTooShortHint(sign === 'nonnegative')));
    return undefined;
  }
  return seconds;
}

export function checkSize(out: Problem[], value: Scalar, path: Path, what: string): number | undefined {
  return checkUnit(out, parseSize, 'bad-size', value, path, what, 'nonnegative', msg.sizeNegativeHint());
}

/**
 * The most memory a proxy's or a control plane's memory model charges per
 * term (base, per connection, per proxy, per endpoint): a large machine's.
 * Each term is multiplied by endpoints, connections, proxies and the fleet
 * projected to; past this the invoice read 1e21 GB and
 * $16,352,008,176,000,…/month, or ∞ GB and $∞ once a product overflowed.
 */
export const MAX_MEMORY_BYTES = 1024 ** 4; // 1TiB

/** A term of a memory model: a size, 0 or more, at most MAX_MEMORY_BYTES. */
export function checkMemory(out: Problem[], value: Scalar, path: Path, what: string): number | undefined {
  const bytes = checkSize(out, value, path, what);
  if (bytes !== undefined && bytes > MAX_MEMORY_BYTES) {
    out.push(error('out-of-range', path, msg.memoryTooLarge(what, show(value)), msg.memoryTooLargeHint()));
    return undefined;
  }
  return bytes;
}

/** Parse a unit-bearing scalar and check its sign; the value when it is usable. */
export function checkUnit(
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

export function checkInteger(out: Problem[], value: number, path: Path, key: string, min: number, hint: string): void {
  if (Number.isSafeInteger(value) && value >= min) return;
  // 1e308 is a whole number ≥ 1: what is wrong with it is its size.
  const tooLarge = Number.isInteger(value) && value > Number.MAX_SAFE_INTEGER;
  out.push(error('out-of-range', path, tooLarge ? msg.integerTooLarge(key, value) : msg.mustBeInteger(key, min, value), hint));
}

export function show(value: Scalar): string {
  return String(value);
}

/** A plain number (a price, a CPU fraction) that must not be negative; the schema has already refused .inf and .nan. */
export function checkNonNegative(out: Problem[], value: number, path: Path, key: string, hint: string): number | undefined {
  if (value < 0) {
    out.push(error('out-of-range', path, msg.mustNotBeNegative(key, String(value)), hint));
    return undefined;
  }
  return value;
}

/** A duration or `none` (no limit); a duration must be positive. Infinity for none. */
export function checkDurationOrNone(out: Problem[], value: Scalar, path: Path, what: string, hint?: string): number | undefined {
  if (value === 'none') return Infinity;
  const parsed = parseDuration(value);
  if (!parsed.ok) {
    out.push(error('bad-duration', path, parsed.message, msg.orNoneHint(parsed.hint)));
    return undefined;
  }
  return checkDuration(out, value, path, what, 'positive', hint);
}

export interface Range {
  min?: number;
  max?: number;
  /** The bound itself is outside the range. */
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/** A plain number within bounds, e.g. a fraction in (0, 1]; the value when it is. */
export function checkRange(out: Problem[], value: number, path: Path, key: string, range: Range, hint: string): number | undefined {
  const { min, max, minExclusive = false, maxExclusive = false } = range;
  const low = min === undefined || (minExclusive ? value > min : value >= min);
  const high = max === undefined || (maxExclusive ? value < max : value <= max);
  if (low && high) return value;
  let message: string;
  if (max === undefined && min === 0) message = minExclusive ? msg.mustBePositive(key, String(value)) : msg.mustNotBeNegative(key, String(value));
  else message = msg.outsideRange(key, value, `${minExclusive ? '(' : '['}${min ?? '−∞'}, ${max ?? '∞'}${maxExclusive || max === undefined ? ')' : ']'}`);
  out.push(error('out-of-range', path, message, hint));
  return undefined;
}

/**
 * Control characters and what XML forbids: a name goes to the terminal (an
 * escape sequence would drive it), into CSV and into the report's SVG, which
 * would no longer parse. Bidirectional controls (U+202E …) show the rest of a line reversed, so one
 * name can pass for another. Lone surrogates cannot be written as UTF-8 at all.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

/**
 * Characters that print as nothing (a zero-width space, a soft hyphen, a
 * word joiner, a byte-order mark, the Hangul fillers): `auth\u200b` is
 * another service than `auth`, shown exactly like it. The joiners and
 * variation selectors emoji and some scripts need are not among them.
 */
const INVISIBLE = /[\u00ad\u115f\u1160\u180e\u200b\u2060-\u2064\u3164\ufeff\uffa0]/gu;

/**
 * A name that reaches tables, CSV and charts (of the topology, its parts, a
 * mesh profile) holds only printable characters, and none that would make it
 * print the same as another name.
 */
export function checkPrintable(out: Problem[], name: string, path: Path, what: string, at: 'key' | 'value'): void {
  const m = UNPRINTABLE.exec(name);
  if (m) {
    out.push(error('bad-name', path, msg.unprintableName(what, name, m[0]), msg.unprintableNameHint(), at));
    return;
  }
  const invisible = name.match(INVISIBLE);
  if (invisible) {
    out.push(error('bad-name', path, msg.invisibleInName(what, name, invisible[0], name.replace(INVISIBLE, '')), msg.invisibleInNameHint(), at));
    return;
  }
  // A blank name has its own error (checkValues).
  if (name.trim() !== '' && name.trim() !== name) out.push(error('bad-name', path, msg.spaceAroundName(what, name), msg.spaceAroundNameHint(), at));
}
