/**
 * Parsers for the unit-bearing scalars of a topology file. Each returns a
 * result instead of throwing so the validator can turn a failure into a
 * diagnostic with the right path; the message says what is wrong with the
 * text, the hint says how to write it.
 *
 * Values come out in base units: seconds, events per second, bytes, bytes
 * per second. Sub-unit scales divide by an exact power of ten rather than
 * multiply by a fraction, so `250us` is exactly the double nearest 0.00025.
 */

export type UnitResult = { ok: true; value: number } | { ok: false; message: string; hint: string };

/** value = number × factor ÷ divisor; both are exact integers (see the header). */
type Scale = { factor: number; divisor: number };

/**
 * A decimal number as the file formats write it, exponent included (a sweep's
 * `1..1e300` read without it as the unit "e300"). One pattern for the
 * parsers, the JSON Schema's unit patterns, and the sweep's reading of its
 * values, so that what one of them takes for a number the others do too.
 */
const UNSIGNED_NUMBER = String.raw`(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`;
export const NUMBER = String.raw`[+-]?${UNSIGNED_NUMBER}`;
/** A number, optional blanks, then whatever follows (the unit). */
const QUANTITY = new RegExp(String.raw`^\s*(${NUMBER})\s*(.*?)\s*$`, 's');

const DURATION_UNITS: Record<string, Scale> = {
  ns: { factor: 1, divisor: 1e9 },
  us: { factor: 1, divisor: 1e6 },
  'µs': { factor: 1, divisor: 1e6 }, // U+00B5 micro sign
  'μs': { factor: 1, divisor: 1e6 }, // U+03BC Greek mu, what most keyboards produce
  ms: { factor: 1, divisor: 1e3 },
  s: { factor: 1, divisor: 1 },
  m: { factor: 60, divisor: 1 },
  h: { factor: 3600, divisor: 1 },
};

const RATE_UNITS: Record<string, Scale> = {
  '/s': { factor: 1, divisor: 1 },
  rps: { factor: 1, divisor: 1 },
  '/m': { factor: 1, divisor: 60 },
  '/h': { factor: 1, divisor: 3600 },
};

const SIZE_UNITS: Record<string, Scale> = {
  B: { factor: 1, divisor: 1 },
  KB: { factor: 1e3, divisor: 1 },
  kB: { factor: 1e3, divisor: 1 },
  MB: { factor: 1e6, divisor: 1 },
  GB: { factor: 1e9, divisor: 1 },
  TB: { factor: 1e12, divisor: 1 },
  KiB: { factor: 1024, divisor: 1 },
  MiB: { factor: 1024 ** 2, divisor: 1 },
  GiB: { factor: 1024 ** 3, divisor: 1 },
  TiB: { factor: 1024 ** 4, divisor: 1 },
};

/** Bandwidth in bytes per second: byte sizes over a second, or bits per second / 8. */
const BANDWIDTH_UNITS: Record<string, Scale> = {
  ...Object.fromEntries(Object.entries(SIZE_UNITS).map(([unit, scale]) => [`${unit}/s`, scale])),
  ...bitUnits('bps'),
  ...bitUnits('bit/s'),
};

function bitUnits(suffix: string): Record<string, Scale> {
  // Prefixes are decimal for bit rates (network convention); 1 bit = 1/8 byte.
  const prefixes: Array<[string, number]> = [['', 1], ['K', 1e3], ['k', 1e3], ['M', 1e6], ['G', 1e9], ['T', 1e12]];
  return Object.fromEntries(prefixes.map(([p, f]): [string, Scale] => [`${p}${suffix}`, { factor: f, divisor: 8 }]));
}

export const DURATION_UNIT_NAMES = ['ns', 'us', 'µs', 'ms', 's', 'm', 'h'] as const;

/** `250us`, `2ms`, `1.5s`, `1m`, `2h`, `100ns`; a bare number only when it is exactly 0. */
export function parseDuration(input: string | number): UnitResult {
  if (typeof input === 'number' || isBareNumber(input)) {
    const n = Number(input);
    if (n === 0) return { ok: true, value: 0 };
    return fail(
      `duration ${show(input)} has no unit`,
      Number.isFinite(n) ? `add a unit, e.g. ${n}ms or ${n}s (units: ${DURATION_UNIT_NAMES.join(', ')})` : 'write a finite duration such as 2ms',
    );
  }
  return parseWithUnits(input, DURATION_UNITS, 'duration', '2ms, 250us or 1.5s', 'units: ns, us (or µs), ms, s, m, h');
}

/** `500/s`, `30000/m`, `10/h`, `500rps`; in events per second. */
export function parseRate(input: string | number): UnitResult {
  if (typeof input === 'number' || isBareNumber(input)) {
    const n = Number(input);
    return fail(
      `rate ${show(input)} has no unit`,
      Number.isFinite(n) ? `write it per unit of time, e.g. ${n}/s (units: /s, /m, /h, rps)` : 'write a finite rate such as 100/s',
    );
  }
  const asDuration = durationForRate(input);
  if (asDuration !== undefined) return asDuration;
  return parseWithUnits(input, RATE_UNITS, 'rate', '500/s', 'units: /s, /m, /h, rps');
}

/**
 * A duration written where a rate belongs (`rate: 5ms`): most likely the time
 * between arrivals. Refused as any bad rate is, with the rate that period
 * makes — 5ms between arrivals is 200/s — so the fix is one copy away.
 */
function durationForRate(input: string): UnitResult | undefined {
  const match = QUANTITY.exec(input);
  if (!match || !(match[2] in DURATION_UNITS)) return undefined;
  const period = parseDuration(input);
  if (!period.ok) return undefined;
  const text = input.trim();
  const message = `rate ${show(input)} is a duration, not a rate`;
  if (period.value === 0) return fail(message, 'a rate of 0 (no arrivals, a pause in a schedule) is written 0/s');
  const rate = rateInWords(1 / period.value);
  // A period of centuries or of attoseconds gives a rate the checks would refuse: no use suggesting it.
  if (rate === undefined || 1 / period.value < MIN_RATE || 1 / period.value > MAX_RATE) return fail(message, `a rate is requests per unit of time, e.g. 200/s`);
  return fail(message, `did you mean a period? ${text} between arrivals is ${rate.shown} — write \`rate: ${rate.written}\``);
}

/**
 * Rates the clock can follow: at 1e-6/s a run of a few requests spans
 * years and the clock (a double, in seconds) no longer resolves a
 * microsecond; above 1e9/s arrivals come closer together than it resolves
 * even at the start. The topology's checks refuse rates outside; a hint
 * does not suggest one.
 */
export const MIN_RATE = 1e-6;
export const MAX_RATE = 1e9;

/**
 * A rate for a hint, in the unit that gives it a whole part (per second,
 * else per minute, else per hour), to 4 significant digits: exact when
 * those say it all ("200/s"), else "about 333.3/s".
 */
function rateInWords(perSecond: number): { shown: string; written: string } | undefined {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return undefined;
  const [value, unit] = perSecond >= 1 ? [perSecond, '/s'] : perSecond * 60 >= 1 ? [perSecond * 60, '/m'] : [perSecond * 3600, '/h'];
  const rounded = Number(value.toPrecision(4));
  // Exact when the 4 digits hold the value to a part in 10¹² (200, not 199.99999999999997).
  const exact = Math.abs(rounded - value) <= value * 1e-12;
  const written = `${rounded}${unit}`;
  return { shown: exact ? written : `about ${written}`, written };
}

/** `512B`, `1KB` (1000), `1KiB` (1024), `2MB`, `1GiB`; a bare integer is bytes. */
export function parseSize(input: string | number): UnitResult {
  if (typeof input === 'number' || isBareNumber(input)) {
    const n = Number(input);
    if (Number.isInteger(n)) return { ok: true, value: n };
    return fail(`size ${show(input)} is not a whole number of bytes`, 'write whole bytes (512) or use a unit, e.g. 1.5KB');
  }
  const bits = /^\s*[\d.]+\s*[KkMGT]?b\s*$/.exec(input);
  if (bits) {
    return fail(`size ${show(input)} is in bits`, 'sizes are in bytes: use B, KB (1000), KiB (1024), MB, MiB, GB, GiB');
  }
  return parseWithUnits(input, SIZE_UNITS, 'size', '512B, 1KB or 1KiB', 'units: B, KB (1000), KiB (1024), MB, MiB, GB, GiB, TB, TiB');
}

/** `1GB/s`, `125MB/s`, `10Gbps`, `10Gbit/s`, `100Mbps`; in bytes per second. */
export function parseBandwidth(input: string | number): UnitResult {
  if (typeof input === 'number' || isBareNumber(input)) {
    const n = Number(input);
    return fail(
      `bandwidth ${show(input)} has no unit`,
      Number.isFinite(n) ? `write bits or bytes per second, e.g. ${n}Mbps or ${n}MB/s` : 'write a finite bandwidth such as 10Gbps',
    );
  }
  return parseWithUnits(input, BANDWIDTH_UNITS, 'bandwidth', '10Gbps or 125MB/s', 'units: bps, Kbps, Mbps, Gbps (or bit/s forms), B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s');
}

/**
 * Dollars, as `--vcpu-hour` and a file's costs take them: a number, or text
 * of one with an optional leading $ ("$0.0416"). Decimals as YAML writes them
 * (.5, 5., 1e-3); not signs, hex or Infinity, which Number() also reads. The
 * range (0 to $1e6) is the caller's, as for the other units.
 */
export function parsePrice(input: string | number): UnitResult {
  if (typeof input === 'number') return { ok: true, value: input };
  const text = input.trim().replace(/^\$/, '');
  const value = Number(text);
  const decimal = /^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text);
  if (decimal && Number.isFinite(value)) return { ok: true, value };
  const what = decimal ? 'is too large' : /^-\s*(\d|\.\d)/.test(text) ? 'is negative' : 'is not a number of dollars';
  return fail(`price ${show(input)} ${what}`, 'write dollars as a number, 0 or more, e.g. 0.0416 or "$0.0416"');
}

function parseWithUnits(input: string, units: Record<string, Scale>, kind: string, example: string, unitList: string): UnitResult {
  const match = QUANTITY.exec(input);
  if (!match) return fail(`${kind} ${show(input)} does not start with a number`, `write a number and a unit, e.g. ${example}`);
  const [, digits, unit] = match;
  if (unit === '') return fail(`${kind} ${show(input)} has no unit`, `write a number and a unit, e.g. ${example} (${unitList})`);
  const scale = units[unit];
  if (!scale) {
    // A decimal comma (1,5ms) reads as the unit ",5ms": say what it is rather than list the units.
    const comma = /^,(\d+)\s*(.*)$/.exec(unit);
    if (comma && units[comma[2]]) {
      return fail(`${kind} ${show(input)} has a decimal comma`, `write a decimal point: ${digits}.${comma[1]}${comma[2]}`);
    }
    return fail(`unknown ${kind} unit "${unit}" in ${show(input)}`, `use one of the ${unitList}, e.g. ${example}`);
  }
  const n = Number(digits);
  const value = (n * scale.factor) / scale.divisor;
  // Huge exponents overflow to Infinity; that is never a meaningful setting.
  if (!Number.isFinite(value)) return fail(`${kind} ${show(input)} is too large`, `write a finite ${kind}, e.g. ${example}`);
  return { ok: true, value };
}

function isBareNumber(text: string): boolean {
  return new RegExp(String.raw`^\s*${NUMBER}\s*$`).test(text);
}

function show(input: string | number): string {
  return typeof input === 'number' ? String(input) : JSON.stringify(input);
}

function fail(message: string, hint: string): UnitResult {
  return { ok: false, message, hint };
}

/**
 * Regular expressions (as source text) that accept exactly the non-negative
 * quantities the parsers accept with a unit; the JSON Schema uses them so
 * editors flag a bad unit while typing.
 */
export const UNIT_PATTERNS = {
  duration: unitPattern(DURATION_UNITS),
  rate: unitPattern(RATE_UNITS),
  size: unitPattern(SIZE_UNITS),
  bandwidth: unitPattern(BANDWIDTH_UNITS),
  /** A number without a unit that is zero, as a string ("0", "0.0"): a duration meshtax accepts. */
  zero: String.raw`^\s*[+-]?(?:0+(?:\.0*)?|\.0+)(?:[eE][+-]?\d+)?\s*$`,
  /** Dollars as a string, a leading $ allowed ("$0.0416"): a price meshtax accepts. */
  price: String.raw`^\s*\$?${UNSIGNED_NUMBER}\s*$`,
  /** A whole number of bytes as a string ("512"): a size meshtax accepts. */
  wholeNumber: String.raw`^\s*\+?\d+(?:\.0*)?\s*$`,
} as const;

function unitPattern(units: Record<string, Scale>): string {
  const escaped = Object.keys(units).map((u) => u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // An explicit + is accepted as meshtax accepts it; a minus is left to meshtax's own message (a negative time or size).
  return String.raw`^\s*\+?${UNSIGNED_NUMBER}\s*(?:${escaped.join('|')})\s*$`;
}
