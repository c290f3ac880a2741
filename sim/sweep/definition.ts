/**
 * What a sweep runs: a grid (paths, each with a list of values; every
 * combination runs), explicit points (each a set of path = value), or both
 * (every point combined with every combination of the grid), each run
 * `repeat` times with different seeds. Built from `--set` arguments and a
 * sweep file:
 *
 *   grid:
 *     mesh: [none, istio-sidecar]
 *     entrypoints.web.rate: 100/s..1000/s:100/s     # or {from: 100/s, to: 1000/s, step: 100/s}
 *   points:
 *     - {mesh.sidecar.workers: 2}
 *     - {mesh.sidecar.workers: 4}
 *   repeat: 3
 *   seed: 7
 */
import type { Diagnostic, SourceLocation } from '../diagnostics/types.js';
import { formatPath } from '../diagnostics/format.js';
import { located, parseSource, readSource } from '../topology/document.js';
import { locate, type Path, type SourceIndex } from '../topology/locate.js';
import { error } from '../topology/problem.js';
import { closest } from '../topology/suggest.js';
import * as msg from './messages.js';
import * as topologyMsg from '../topology/messages.js';
import { kindOfDocument } from '../topology/fileKind.js';
import { isExtensionKey } from '../topology/extensionKeys.js';
import { expandRange, looksLikeRange, parsePath, parseSetArgument, type SweepAxis, type SweepValue } from './values.js';

export interface PointSetting {
  key: string;
  path: Path;
  value: unknown;
  origin?: SourceLocation;
  /** Where the path was written. */
  pathOrigin?: SourceLocation;
}

export interface SweepDefinition {
  axes: SweepAxis[];
  /** Explicit points; empty means the grid alone. */
  points: PointSetting[][];
  repeat: number;
  /** The sweep file's seed, if it gives one (--seed overrides it). */
  seed?: number;
  /** Where a sweep file that sweeps nothing (`grid: {}`) says so, for "nothing to sweep" to point at. */
  emptyAt?: SourceLocation;
}

const FILE_KEYS = ['grid', 'points', 'repeat', 'seed'];

/** Reads a sweep file; its problems point at its own lines. */
export function readSweepFile(file: string): { definition?: SweepDefinition; diagnostics: Diagnostic[] } {
  const read = readSource(file);
  if (!read.ok) return { diagnostics: [read.diagnostic] };
  // Empty, shapeless or many documents: said at the file's place, with a sweep file's hint, as for a topology.
  const parsed = parseSource(read.source, file, 'sweep');
  if (parsed.value === undefined) return { diagnostics: parsed.diagnostics };
  const { index, value } = parsed;
  // Another kind of meshtax file given as --sweep: say so, not a list of its keys a sweep file does not know.
  const kind = 'grid' in value || 'points' in value ? undefined : kindOfDocument(value);
  const other = kind === 'topology' ? [topologyMsg.topologyNotSweep(), topologyMsg.topologyNotSweepHint(file)]
    : kind === 'profile' ? [topologyMsg.profileNotSweep(), topologyMsg.profileNotSweepHint()]
      : kind === 'results' ? [topologyMsg.resultsNotSweep(), topologyMsg.resultsNotSweepHint(file)]
        : undefined;
  if (other) return { diagnostics: [located(index, error('wrong-kind-of-file', [], other[0], other[1]))] };
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const fail = (path: Path, code: string, message: string, hint?: string, anchor?: 'key') => diagnostics.push(located(index, error(code, path, message, hint, anchor)));
  const definition: SweepDefinition = { axes: [], points: [], repeat: 1 };

  for (const key of Object.keys(value)) {
    // A home for anchors the points merge (x-base: &base {...}), as in a topology: its aliases are filled in already.
    if (!FILE_KEYS.includes(key) && !isExtensionKey(key)) fail([key], 'unknown-key', msg.sweepFileKey(key), `allowed keys: ${FILE_KEYS.join(', ')}`, 'key');
  }
  const grid = value.grid;
  if (grid !== undefined && grid !== null) {
    if (typeof grid !== 'object' || Array.isArray(grid)) fail(['grid'], 'wrong-type', msg.sweepFileGrid(), msg.sweepFileGridHint());
    else {
      for (const [pathText, raw] of Object.entries(grid as Record<string, unknown>)) {
        const at: Path = ['grid', pathText];
        const path = parsePath(pathText);
        if (!path.ok) {
          fail(at, 'bad-path', path.message, path.hint, 'key');
          continue;
        }
        const values = gridValues(index, at, raw, diagnostics);
        if (values) definition.axes.push({ key: formatPath(path.value), path: path.value, values, origin: locate(index, at, 'key') });
      }
    }
  }
  const points = value.points;
  if (points !== undefined && points !== null) {
    if (!Array.isArray(points)) fail(['points'], 'wrong-type', msg.sweepFilePoints(), msg.sweepFilePointsHint());
    else {
      points.forEach((point, i) => {
        if (typeof point !== 'object' || point === null || Array.isArray(point)) {
          fail(['points', i], 'wrong-type', msg.sweepFilePoints(), msg.sweepFilePointsHint());
          return;
        }
        const settings: PointSetting[] = [];
        for (const [pathText, v] of Object.entries(point as Record<string, unknown>)) {
          const path = parsePath(pathText);
          if (!path.ok) fail(['points', i, pathText], 'bad-path', path.message, path.hint, 'key');
          else settings.push({ key: formatPath(path.value), path: path.value, value: v, origin: locate(index, ['points', i, pathText]), pathOrigin: locate(index, ['points', i, pathText], 'key') });
        }
        definition.points.push(settings);
      });
    }
  }
  if (definition.axes.length === 0 && definition.points.length === 0) {
    // A sweep file of only repeat and seed is fine beside --set; alone, the error is in it.
    const emptyKey = isEmpty(grid) ? 'grid' : isEmpty(points) ? 'points' : undefined;
    definition.emptyAt = locate(index, emptyKey === undefined ? [] : [emptyKey], emptyKey === undefined ? 'value' : 'key');
  }
  if (value.repeat !== undefined) {
    if (!Number.isSafeInteger(value.repeat) || (value.repeat as number) < 1) fail(['repeat'], 'invalid-value', msg.sweepFileRepeat(), msg.sweepFileRepeatHint());
    else definition.repeat = value.repeat as number;
  }
  if (value.seed !== undefined) {
    if (!Number.isSafeInteger(value.seed) || (value.seed as number) < 0) fail(['seed'], 'invalid-value', msg.sweepFileSeed(), msg.sweepFileSeedHint());
    else definition.seed = value.seed as number;
  }
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { definition, diagnostics };
}

function isEmpty(v: unknown): boolean {
  return v === null || (typeof v === 'object' && Object.keys(v as object).length === 0);
}

/** A grid entry: a list of values, a range (text or {from, to, step}), or one value. */
function gridValues(index: SourceIndex, at: Path, raw: unknown, diagnostics: Diagnostic[]): SweepValue[] | undefined {
  const where = (path: Path): SourceLocation => locate(index, path);
  const rangeFail = (message: string, hint: string) => {
    diagnostics.push(located(index, error('bad-range', at, message, hint)));
    return undefined;
  };
  if (Array.isArray(raw)) {
    if (raw.length === 0) return rangeFail(msg.emptyList(String(at[1])), msg.emptyListHint());
    return raw.map((value, i) => ({ value, origin: where([...at, i]) }));
  }
  if (typeof raw === 'string' && looksLikeRange(raw)) {
    const r = expandRange(raw);
    if (!r.ok) return rangeFail(r.message, r.hint);
    return r.value.map((value) => ({ value, origin: where(at) }));
  }
  const typo = rangeTypo(raw);
  if (typo !== undefined) {
    const suggestion = closest(typo, RANGE_KEYS);
    diagnostics.push(located(index, error('unknown-key', [...at, typo], msg.unknownRangeKey(typo), msg.unknownRangeKeyHint(suggestion), 'key')));
    return undefined;
  }
  if (isRangeMapping(raw)) {
    const text = `${raw.from}..${raw.to}${raw.step === undefined ? '' : `:${raw.step}`}`;
    const r = expandRange(text);
    if (!r.ok) return rangeFail(r.message, r.hint);
    return r.value.map((value) => ({ value, origin: where(at) }));
  }
  return [{ value: raw, origin: where(at) }];
}

const RANGE_KEYS = ['from', 'to', 'step'];

/** A key beside `from` and `to` that a range does not have (`stp`): a range was meant, misspelt. */
function rangeTypo(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  if (!keys.includes('from') || !keys.includes('to')) return undefined;
  return keys.find((k) => !RANGE_KEYS.includes(k));
}

function isRangeMapping(v: unknown): v is { from: string | number; to: string | number; step?: string | number } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.includes('from') && keys.includes('to') && keys.every((k) => k === 'from' || k === 'to' || k === 'step');
}

/**
 * The definition from `--set` arguments and an optional sweep file: the
 * file's grid first, then the `--set` axes; `repeat` from --repeat, else the
 * file, else 1.
 */
export function buildDefinition(
  sets: readonly string[],
  file: SweepDefinition | undefined,
  repeat: number | undefined,
): { definition?: SweepDefinition; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const definition: SweepDefinition = {
    axes: [...(file?.axes ?? [])],
    points: [...(file?.points ?? [])],
    repeat: repeat ?? file?.repeat ?? 1,
  };
  if (file?.seed !== undefined) definition.seed = file.seed;
  for (const arg of sets) {
    const r = parseSetArgument(arg);
    diagnostics.push(...r.diagnostics);
    if (r.axis) definition.axes.push(r.axis);
  }
  const seen = new Map<string, SweepAxis>();
  for (const axis of definition.axes) {
    if (seen.has(axis.key)) diagnostics.push(problemAt(axis.origin, axis.path, 'duplicate-path', msg.duplicateAxis(axis.key), msg.duplicateAxisHint()));
    seen.set(axis.key, axis);
  }
  for (const point of definition.points) {
    for (const s of point) {
      if (seen.has(s.key)) diagnostics.push(problemAt(s.origin, s.path, 'duplicate-path', msg.pathInGridAndPoints(s.key), msg.pathInGridAndPointsHint()));
    }
  }
  // With a --set or a file in error there was something to sweep: its error says what is wrong.
  if (definition.axes.length === 0 && definition.points.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    const inFile = file?.emptyAt;
    diagnostics.push(problemAt(inFile, [], 'nothing-to-sweep', msg.nothingToSweep(), inFile ? msg.nothingInSweepFileHint() : msg.nothingToSweepHint()));
  }
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { definition, diagnostics };
}

function problemAt(origin: SourceLocation | undefined, path: Path, code: string, message: string, hint: string): Diagnostic {
  const d: Diagnostic = { severity: 'error', code, path, message, hint };
  if (origin) d.location = origin;
  return d;
}

/** The definition as data for the sweep's identity: no positions, only what changes the results. */
export function canonicalDefinition(definition: SweepDefinition): unknown {
  return {
    grid: definition.axes.map((a) => [a.key, a.values.map((v) => v.value)]),
    points: definition.points.map((p) => p.map((s) => [s.key, s.value])),
    repeat: definition.repeat,
    seed: definition.seed ?? null,
  };
}
