/**
 * The text of a sweep: paths (`services.api.replicas`, `timeline[0].at`),
 * value lists (`none,istio-sidecar`, `1,2,3`, `{dist: exponential, mean:
 * 2ms},5ms`) and ranges (`100/s..2000/s:100/s`, `1..8:1`), from `--set`
 * arguments and sweep files alike. Values are read as YAML, as in a topology
 * file, so `3` is a number, `100/s` a string and `{…}` a mapping.
 */
import { parse as parseYaml } from 'yaml';
import type { Diagnostic, SourceLocation } from '../diagnostics/types.js';
import { formatPath } from '../diagnostics/format.js';
import type { Path } from '../topology/locate.js';
import { NUMBER, parseBandwidth, parseDuration, parseRate, parseSize, type UnitResult } from '../units/parse.js';
import * as msg from './messages.js';

/** One value of a swept path, with where it was written. */
export interface SweepValue {
  value: unknown;
  origin?: SourceLocation;
}

/** A path swept over a list of values: one axis of the grid. */
export interface SweepAxis {
  /** The path in canonical form (formatPath), the name of the parameter in results. */
  key: string;
  path: Path;
  values: SweepValue[];
  /** Where the path was written. */
  origin?: SourceLocation;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; hint: string; column?: number };

/** At most this many values from one range: a typo in a step should not schedule a million runs. */
export const MAX_RANGE_VALUES = 10_000;

/**
 * `a.b.c`, `a["b.c"].d`, `timeline[0].at` or `timeline.0.at`; a segment of
 * digits is an index.
 */
export function parsePath(text: string): Parsed<Path> {
  const path: Path = [];
  let i = 0;
  const fail = (why: string): Parsed<Path> => ({ ok: false, message: msg.badPath(text, why), hint: msg.badPathHint(), column: i + 1 });
  if (text.trim() === '') return fail('it is empty');
  while (i < text.length) {
    if (text[i] === '[') {
      const close = closingBracket(text, i);
      if (close < 0) return fail('a [ is not closed');
      const inner = text.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) path.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) path.push(JSON.parse(inner) as string);
      else return fail(`[${inner}] is neither an index nor a quoted key`);
      i = close + 1;
      if (i < text.length && text[i] === '.') {
        i++;
        if (i >= text.length) return fail('it ends with a dot');
      }
      continue;
    }
    let j = i;
    while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
    const segment = text.slice(i, j);
    if (segment === '') return fail(i === 0 ? 'it starts with a dot' : 'two dots in a row');
    path.push(/^\d+$/.test(segment) ? Number(segment) : segment);
    i = j;
    if (text[i] === '.') {
      i++;
      if (i >= text.length) return fail('it ends with a dot');
    }
  }
  return { ok: true, value: path };
}

/** The `]` that closes the `[` at `open`, skipping any inside a quoted key (`["c[0]"]`); -1 when none does. */
function closingBracket(text: string, open: number): number {
  let quote = false;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === ']') return i;
  }
  return -1;
}

/** The `=` that ends a `--set` path: the first outside brackets, so `services["a=b"].replicas=1,2` names service a=b. */
function pathEnd(arg: string): number {
  let quote = false;
  let depth = 0;
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
    } else if (c === '"' && depth > 0) quote = true;
    else if (c === '[') depth++;
    else if (c === ']' && depth > 0) depth--;
    else if (c === '=' && depth === 0) return i;
  }
  return -1;
}

/** Splits at commas outside brackets, braces and quotes; returns each item with its offset. */
export function splitItems(text: string): Array<{ text: string; offset: number }> {
  const items: Array<{ text: string; offset: number }> = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if ((c === ']' || c === '}') && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      items.push({ text: text.slice(start, i), offset: start });
      start = i + 1;
    }
  }
  items.push({ text: text.slice(start), offset: start });
  return items;
}

/** One value as YAML would read it in a topology file. */
export function parseValue(text: string): Parsed<unknown> {
  if (text.trim() === '') return { ok: false, message: msg.emptyValue(), hint: msg.emptyValueHint() };
  try {
    return { ok: true, value: parseYaml(text) as unknown };
  } catch (e) {
    const why = (e as Error).message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
    return { ok: false, message: msg.badValue(text.trim(), why), hint: msg.badValueHint() };
  }
}

const BOUND = new RegExp(String.raw`^\s*(${NUMBER})\s*([^\s\d.:+-][^:]*?)?\s*$`);
const RANGE = /^([^:]*?)\.\.([^:]*?)(?::(.*))?$/s;

/** Whether the text is written as a range `FROM..TO[:STEP]` (and not, say, a path or a version). */
export function looksLikeRange(text: string): boolean {
  const m = RANGE.exec(text.trim());
  return m !== null && BOUND.test(m[1]) && BOUND.test(m[2]) && (m[3] === undefined || BOUND.test(m[3]));
}

/** The decimal places of a number as written: `0.25` 2, `2.5e-3` 4, `1.5e3` 0. */
function decimals(text: string): number {
  const [mantissa, exponent] = text.split(/[eE]/);
  const dot = mantissa.indexOf('.');
  const places = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, places - Number(exponent ?? 0));
}

/**
 * `100/s..2000/s:100/s` → 100/s, 200/s, …, 2000/s (strings, in the unit
 * written); `1..4` or `1..4:1` → 1, 2, 3, 4 (numbers). The step defaults to 1
 * only without a unit. Values are computed in integers of the finest decimal
 * written, so 0.1..0.3:0.1 gives 0.1, 0.2, 0.3 exactly.
 */
export function expandRange(text: string): Parsed<unknown[]> {
  const shown = text.trim();
  const m = RANGE.exec(shown);
  const bounds = m ? [m[1], m[2], m[3]].map((part) => (part === undefined ? undefined : BOUND.exec(part))) : [];
  if (!m || !bounds[0] || !bounds[1] || (m[3] !== undefined && !bounds[2])) {
    return { ok: false, message: msg.badValue(shown, 'expected a range FROM..TO:STEP'), hint: msg.rangeUnitsHint() };
  }
  const [from, to, step] = bounds as Array<RegExpExecArray | undefined>;
  const unit = (from![2] ?? '').trim();
  const units = [from![2], to![2], step?.[2]].filter((u): u is string => u !== undefined).map((u) => u.trim());
  if (units.some((u) => u !== unit) || ((to![2] ?? '') === '') !== (unit === '')) {
    return { ok: false, message: msg.rangeUnits(shown), hint: msg.rangeUnitsHint() };
  }
  if (step === undefined && unit !== '') return { ok: false, message: msg.rangeNoStep(shown), hint: msg.rangeNoStepHint(unit) };
  const stepText = step?.[1] ?? '1';
  const places = Math.max(decimals(from![1]), decimals(to![1]), decimals(stepText));
  const scale = 10 ** places;
  const a = Math.round(Number(from![1]) * scale);
  const b = Math.round(Number(to![1]) * scale);
  const s = Math.round(Number(stepText) * scale);
  if (!(s > 0)) return { ok: false, message: msg.rangeStep(shown), hint: msg.rangeStepHint() };
  if (b < a) return { ok: false, message: msg.rangeOrder(shown), hint: msg.rangeOrderHint() };
  const count = Math.floor((b - a) / s) + 1;
  if (count > MAX_RANGE_VALUES) return { ok: false, message: msg.rangeTooLong(shown, count, MAX_RANGE_VALUES), hint: msg.rangeTooLongHint() };
  // Counted in whole units of the finest place written: past 2^53 (a step of 1e-300) they are no longer exact, or not numbers at all.
  if (![a, b, s].every(Number.isSafeInteger)) return { ok: false, message: msg.rangePrecision(shown), hint: msg.rangePrecisionHint() };
  const values: unknown[] = [];
  for (let k = 0; k < count; k++) {
    const n = (a + k * s) / scale;
    values.push(unit === '' ? n : `${n}${unit}`);
  }
  return { ok: true, value: values };
}

/** A `--set` argument as a pseudo-source: diagnostics point into it with a caret. */
export function setLocation(arg: string, offset: number): SourceLocation {
  return { file: '--set', line: 1, column: offset + 1, lineText: arg };
}

function located(arg: string, offset: number, path: Path, code: string, message: string, hint: string): Diagnostic {
  return { severity: 'error', code, path, message, hint, location: setLocation(arg, offset) };
}

/**
 * `PATH=VALUES`: the values a comma-separated list, or one range. Returns the
 * axis or every problem found in the argument.
 */
export function parseSetArgument(arg: string): { axis?: SweepAxis; diagnostics: Diagnostic[] } {
  const eq = pathEnd(arg);
  if (eq < 0) return { diagnostics: [located(arg, 0, [], 'bad-set', msg.setWithoutEquals(arg), msg.setWithoutEqualsHint())] };
  const pathText = arg.slice(0, eq).trim();
  const path = parsePath(pathText);
  if (!path.ok) return { diagnostics: [located(arg, (path.column ?? 1) - 1, [], 'bad-path', path.message, path.hint)] };
  const valuesText = arg.slice(eq + 1);
  const origin = setLocation(arg, 0);
  const axis: SweepAxis = { key: formatPath(path.value), path: path.value, values: [], origin };
  const diagnostics: Diagnostic[] = [];
  if (looksLikeRange(valuesText)) {
    const r = expandRange(valuesText);
    const at = eq + 1 + (valuesText.length - valuesText.trimStart().length);
    if (!r.ok) return { diagnostics: [located(arg, at, path.value, 'bad-range', r.message, r.hint)] };
    axis.values = r.value.map((value) => ({ value, origin: setLocation(arg, at) }));
    return { axis, diagnostics };
  }
  for (const item of splitItems(valuesText)) {
    const at = eq + 1 + item.offset + (item.text.length - item.text.trimStart().length);
    const v = parseValue(item.text);
    if (!v.ok) diagnostics.push(located(arg, at, path.value, 'bad-value', v.message, v.hint));
    else axis.values.push({ value: v.value, origin: setLocation(arg, at) });
  }
  return diagnostics.length > 0 ? { diagnostics } : { axis, diagnostics };
}

/** A string that is a number and a unit (`1s`, `100/s`, `2KiB`), not a bare number. */
const WITH_UNIT = new RegExp(String.raw`^\s*${NUMBER}\s*[^\s\d.+-]`);

const QUANTITIES: Array<[string, (text: string) => UnitResult]> = [
  ['duration', parseDuration], ['rate', parseRate], ['size', parseSize], ['bandwidth', parseBandwidth],
];

/**
 * A value with every quantity in it in base units, tagged with its kind
 * (`1000ms` and `1s` are both {duration: 1}; `1/s` is a rate, not the same),
 * to 12 significant digits so `1.1m` is `66s`. Mappings and lists are
 * converted inside (`{dist: exponential, mean: 2000us}` is `{…, mean: 2ms}`).
 * A constant distribution is its value: a bare duration is one (`1ms` and
 * `{dist: constant, value: 1ms}` load as the same distribution).
 * Two values with the same conversion configure the same run.
 */
export function inBaseUnits(value: unknown): unknown {
  const constant = constantValue(value);
  if (constant !== undefined) return inBaseUnits(constant.value);
  if (typeof value === 'string') {
    if (!WITH_UNIT.test(value)) return value;
    for (const [kind, parse] of QUANTITIES) {
      const r = parse(value);
      if (r.ok) return { [`\u0000${kind}`]: Number(r.value.toPrecision(12)) };
    }
    return value;
  }
  if (Array.isArray(value)) return value.map(inBaseUnits);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, inBaseUnits(v)]));
  }
  return value;
}

/** The value of `{dist: constant, value}`, exactly those two keys (anything more is refused when the point loads). */
function constantValue(value: unknown): { value: unknown } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const d = value as Record<string, unknown>;
  return keys.length === 2 && d.dist === 'constant' && 'value' in d ? { value: d.value } : undefined;
}

/**
 * A value of an axis in base units, as inBaseUnits, where `sizes` says the
 * axis holds sizes (one of its values is written as one, `1000B`): there a
 * bare whole number is bytes, as a size field reads it, so `1000` and
 * `1000B` configure the same run.
 */
export function inBaseUnitsOnAxis(value: unknown, sizes: boolean): unknown {
  const bare = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : null) : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? value.trim() : null;
  return inBaseUnits(sizes && bare !== null ? `${bare}B` : value);
}

/** Whether a value is a size written with its unit (`1000B`, `1KiB`). */
export function isSize(value: unknown): boolean {
  const c = inBaseUnits(value);
  return c !== null && typeof c === 'object' && !Array.isArray(c) && '\u0000size' in c;
}

/** A value as a person wrote it, for a message: `1000ms`, `{dist: exponential, mean: 2ms}` (as JSON), `3`. */
export function spelled(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
