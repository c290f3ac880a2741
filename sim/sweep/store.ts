/**
 * Sweep results files (NDJSON): reading them back line by line with
 * positions for diagnostics, and rewriting them in canonical order (by run)
 * atomically, through a temporary file and a rename, so a kill during the
 * rewrite leaves the old file whole.
 */
import { existsSync, statSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/types.js';
import { MAX_RESULTS_BYTES, MAX_SOURCE_BYTES, readCapped, sizeText, type CappedRead } from '../readCapped.js';
import * as msg from './messages.js';
import * as topologyMsg from '../topology/messages.js';
import { isHtmlPage, notText, isMeshtaxReport } from '../topology/fileKind.js';
import { parseRecord, recordProblem, type SweepIdentity, type SweepRecord } from './record.js';
import { quoted } from '../diagnostics/format.js';
import { MAX_DURATION_S } from '../topology/checkScalars.js';

export interface StoredLine {
  file: string;
  /** 1-based. */
  line: number;
  /** The line with its newline, exactly as stored. */
  text: string;
  record: SweepRecord;
}

export interface ReadResults {
  lines: StoredLine[];
  /** Bytes of complete lines; past it is a torn last line (or nothing). */
  completeBytes: number;
  /** The file ends in a line without its newline: the writer was killed while writing it. */
  torn: boolean;
  /** The number the torn line has (or would have): one past the last complete line. */
  tornLine: number;
  diagnostics: Diagnostic[];
}

/** Bad lines (or runs given twice) reported one by one; past these, one diagnostic counts the rest. */
export const MAX_BAD_LINES = 10;

export function lineDiagnostic(file: string, line: number, code: string, message: string, hint?: string): Diagnostic {
  const d: Diagnostic = { severity: 'error', code, path: [], message, location: { file, line, column: 1, lineText: '' } };
  if (hint !== undefined) d.hint = hint;
  return d;
}

/**
 * Every complete line of the file; a missing file reads as empty. `preread`:
 * the file's bytes when the caller has read them already (a pipe can be read
 * only once).
 */
export function readResultsFile(file: string, preread?: CappedRead): ReadResults {
  if (!existsSync(file)) return { lines: [], completeBytes: 0, torn: false, tornLine: 1, diagnostics: [] };
  // A directory cannot be read as results (readFileSync's EISDIR names no path: it surfaced as an internal error).
  if (statSync(file).isDirectory()) {
    return { lines: [], completeBytes: 0, torn: false, tornLine: 1, diagnostics: [{ severity: 'error', code: 'not-a-file', path: [], message: msg.resultsIsDirectory(file), hint: msg.resultsIsDirectoryHint() }] };
  }
  // Capped: a device or a pipe (a symlink to /dev/zero) would be read until memory runs out.
  const { bytes: buffer, tooLarge } = preread ?? readCapped(file, MAX_RESULTS_BYTES, MAX_SOURCE_BYTES);
  if (tooLarge !== undefined) {
    return { lines: [], completeBytes: 0, torn: false, tornLine: 1, diagnostics: [{ severity: 'error', code: 'file-too-large', path: [], message: msg.resultsTooLarge(file, sizeText(tooLarge)), hint: msg.resultsTooLargeHint() }] };
  }
  const refused = (code: string, message: string, hint: string, location?: Diagnostic['location']): ReadResults =>
    ({ lines: [], completeBytes: 0, torn: false, tornLine: 1, diagnostics: [location ? { severity: 'error', code, path: [], message, hint, location } : { severity: 'error', code, path: [], message, hint }] });
  const lastNewline = buffer.lastIndexOf(0x0a);
  const completeBytes = lastNewline + 1;
  // Read line by line, a gzip file or a binary one was a bad line a stretch of bytes: what it is, once.
  // A torn last line of zeros only is not counted: a crash can leave them (a file system's unwritten tail), which --resume mends.
  const zeroTail = completeBytes < buffer.length && buffer.subarray(completeBytes).every((b) => b === 0);
  const binary = notText(buffer, zeroTail ? completeBytes : buffer.length);
  if (binary) {
    const { reason, hint } = topologyMsg.notTextProblem(binary, file, 'sweep results (NDJSON)');
    return refused('not-text', topologyMsg.fileUnreadable(file, reason), hint);
  }
  const torn = completeBytes < buffer.length;
  // A byte-order mark (Notepad, PowerShell's UTF8 encoding) is no part of the first line, as in a topology (document.ts).
  const start = hasByteOrderMark(buffer) ? 3 : 0;
  const text = buffer.subarray(Math.min(start, completeBytes), completeBytes).toString('utf8');
  // The report made from a sweep (or a run) given back in its results' place: named, not a hundred lines of HTML that are no JSON.
  if (isHtmlPage(text)) return refused('wrong-kind-of-file', msg.htmlNotSweepResults(isMeshtaxReport(text)), msg.htmlNotSweepResultsHint(resultsBeside(file)), { file, line: 1, column: 1, lineText: '' });
  const lines: StoredLine[] = [];
  const diagnostics: Diagnostic[] = [];
  let line = 0;
  let bad = 0, lastBad = 0;
  for (const ended of text.split('\n')) {
    line++;
    // A file passed through a Windows tool ends its lines in CRLF: kept, the \r went into a merged or resumed
    // file, which then differed from the single-process one (and from its own shard's LF copy) byte for byte.
    const raw = ended.endsWith('\r') ? ended.slice(0, -1) : ended;
    if (raw === '') continue;
    const parsed = parseRecord(raw);
    // A number edited into a summary ("NaN" as a string, -5, 1e308) would pass into the report without a word.
    const wrong = parsed.record?.summary !== undefined ? summaryProblem(parsed.record.summary) : undefined;
    if (parsed.record && wrong === undefined) {
      lines.push({ file, line, text: raw + '\n', record: parsed.record });
      continue;
    }
    // A few say what is wrong; a file of another kind would otherwise give a diagnostic a line.
    if (++bad <= MAX_BAD_LINES) {
      diagnostics.push(wrong !== undefined
        ? lineDiagnostic(file, line, 'bad-summary', msg.badSummary(wrong), msg.badSummaryHint())
        : lineDiagnostic(file, line, 'bad-line', msg.badLine(parsed.error ?? ''), msg.badLineHint()));
    }
    lastBad = line;
  }
  if (bad > MAX_BAD_LINES) {
    diagnostics.push(lineDiagnostic(file, lastBad, 'bad-line', msg.moreBadLines(bad - MAX_BAD_LINES, lastBad), msg.moreBadLinesHint()));
  }
  // One JSON document over many lines (run or compare results) is one mistake, not a bad line each.
  if (lines.length === 0 && bad > 1 && isJson(text)) {
    return { lines, completeBytes, torn, tornLine: line, diagnostics: [lineDiagnostic(file, 1, 'not-sweep-results', msg.wholeJsonDocument(), msg.wholeJsonDocumentHint())] };
  }
  return { lines, completeBytes, torn, tornLine: line, diagnostics };
}

/** Counts, latencies and other quantities no run gives beyond (sums of them over repeats stay finite). */
export const MAX_QUANTITY = 1e15;
/**
 * Resources (vCPU, GB, dollars) follow a profile's memory sizes, which have no upper bound, and
 * prices up to $10⁶ an hour: a genuine run can pass 1e15 (a 2 PB sidecar at $10⁶ a GB-hour).
 * Held only to what sums over repeats keep finite.
 */
export const MAX_RESOURCE = 1e300;
/** A measurement window is within a run, which lasts at most its warm-up and its duration. */
const MAX_SECONDS = 2 * MAX_DURATION_S;
/**
 * A latency is not: a request queued at the end is measured in the drain after it (service
 * times up to MAX_DURATION_S each), and a p99's interval reaches past the largest latency
 * (the tail extrapolated). Held only to what no run gives.
 */
export const MAX_LATENCY = MAX_QUANTITY;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** What reading a value as a number ≥ 0 of at most `max` finds wrong, or undefined; null is what NaN is saved as, where `nullable`. */
export function numberProblem(x: unknown, max: number, nullable: boolean, integer = false): string | undefined {
  if (x === null && nullable) return undefined;
  if (typeof x !== 'number') {
    const shown = typeof x === 'string' ? quoted(x.length > 40 ? `${x.slice(0, 40)}…` : x) : x === null ? 'null' : x === undefined ? 'missing' : Array.isArray(x) ? 'a list' : typeof x === 'object' ? 'an object' : `a ${typeof x}`;
    return `is ${shown}, not a number${nullable ? ' (or null)' : ''}`;
  }
  if (!Number.isFinite(x) || x < 0) return `is ${x}, not a number ≥ 0`;
  if (x > max) return `is ${x.toPrecision(3)}, more than any run gives (at most ${max.toPrecision(1)})`;
  if (integer && !Number.isInteger(x)) return `is ${x}, not a whole number`;
  return undefined;
}

/**
 * What is wrong with the numbers of a summary, as "field why", or undefined:
 * each a number ≥ 0 within what a run gives, and null only where a run
 * saves NaN (a rate or a latency of nothing measured).
 */
export function summaryProblem(summary: unknown): string | undefined {
  if (!isObject(summary)) return 'summary is not an object';
  const check = (field: string, x: unknown, max: number, nullable: boolean, integer = false): string | undefined => {
    const why = numberProblem(x, max, nullable, integer);
    return why === undefined ? undefined : `${field} ${why}`;
  };
  const first = (...problems: Array<() => string | undefined>): string | undefined => {
    for (const p of problems) {
      const why = p();
      if (why !== undefined) return why;
    }
    return undefined;
  };
  const timeProblem = check('measuredTime', summary.measuredTime, MAX_SECONDS, false);
  if (timeProblem) return timeProblem;
  // Not numbers, but read as surely: a mesh of null stopped the report with an internal error, and a
  // saturated list that is no list left a point unmarked without a word.
  const labels = labelsProblem(summary);
  if (labels) return labels;
  if (!Array.isArray(summary.entrypoints)) return 'entrypoints is not a list';
  for (const [i, e] of summary.entrypoints.entries()) {
    if (!isObject(e) || typeof e.name !== 'string') return `entrypoints[${i}] has no name`;
    const at = `entry point ${quoted(e.name)}:`;
    const ci = e.ci;
    const why = first(
      ...(['completed', 'failed', 'meshCaused'] as const).map((k) => () => check(`${at} ${k}`, e[k], MAX_QUANTITY, false, true)),
      () => check(`${at} errorRate`, e.errorRate, MAX_QUANTITY, true),
      () => check(`${at} throughput`, e.throughput, MAX_QUANTITY, true),
      ...(['mean', 'p50', 'p99'] as const).map((k) => () => check(`${at} ${k}`, e[k], MAX_LATENCY, true)),
      () => (isObject(ci) ? undefined : `${at} ci is not an object`),
      ...(['mean', 'p50', 'p99'] as const).map((k) => () => {
        const interval = isObject(ci) ? ci[k] : null;
        if (interval === null) return undefined;
        if (!Array.isArray(interval) || interval.length !== 2) return `${at} ci.${k} is not [low, high] or null`;
        return check(`${at} ci.${k}[0]`, interval[0], MAX_LATENCY, true) ?? check(`${at} ci.${k}[1]`, interval[1], MAX_LATENCY, true);
      }),
    );
    if (why) return why;
  }
  const r = summary.resources;
  if (!isObject(r)) return 'resources is not an object';
  return first(
    ...(['appVcpu', 'proxyVcpu', 'proxyMemoryGB', 'proxyCostPerMonth'] as const).map((k) => () => check(`resources.${k}`, r[k], MAX_RESOURCE, true)),
    () => (r.controlPlaneCostPerMonth === undefined ? undefined : check('resources.controlPlaneCostPerMonth', r.controlPlaneCostPerMonth, MAX_RESOURCE, true)),
  );
}

/** What is wrong with a summary's mesh, saturated list and warnings, as "field why", or undefined. */
function labelsProblem(summary: Record<string, unknown>): string | undefined {
  const mesh = summary.mesh;
  if (!isObject(mesh) || typeof mesh.profile !== 'string' || typeof mesh.mode !== 'string' || typeof mesh.mtls !== 'boolean') {
    return 'mesh is not {profile, mode, mtls}';
  }
  if (!Array.isArray(summary.saturated) || !summary.saturated.every((s) => typeof s === 'string')) return 'saturated is not a list of names';
  const warnings = summary.warnings;
  if (warnings !== undefined && (!Array.isArray(warnings) || !warnings.every((w) => isObject(w) && typeof w.code === 'string' && typeof w.subject === 'string'))) {
    return 'warnings is not a list of {code, subject}';
  }
  return undefined;
}

/**
 * The records of a results file, for a report: every line whole and of one
 * sweep, sorted by run. A torn last line (an interrupted sweep) is only a
 * warning: the report shows the runs that finished.
 */
export function readSweepRecords(file: string, preread?: CappedRead): { records: SweepRecord[]; diagnostics: Diagnostic[] } {
  const read = readResultsFile(file, preread);
  const diagnostics = [...read.diagnostics];
  if (read.torn) diagnostics.push({ ...lineDiagnostic(file, read.tornLine, 'torn-line', msg.tornLineReport(), msg.tornLineHint(false)), severity: 'warning' });
  // A misspelt path is not a file of no results (readResultsFile reads a missing file as empty, for a sweep to start in).
  if (read.lines.length === 0 && read.diagnostics.length === 0 && !existsSync(file)) diagnostics.push({ severity: 'error', code: 'no-such-file', path: [], message: msg.noSuchFile(file), hint: msg.noSuchFileHint() });
  else if (read.lines.length === 0 && read.diagnostics.length === 0) diagnostics.push({ severity: 'error', code: 'no-results', path: [], message: msg.noResults(file), hint: msg.noResultsHint() });
  const first = read.lines[0];
  const other = read.lines.find((l) => l.record.sweep.id !== first.record.sweep.id);
  if (other) {
    diagnostics.push(lineDiagnostic(file, other.line, 'mixed-sweeps', `${msg.mixedSweeps(first.record.sweep.id, other.record.sweep.id)}; ${msg.sweepsDiffer(sweepDifferences(first.record.sweep, other.record.sweep))}`, msg.mixedSweepsHint()));
  }
  // The report's title, run count and bands come from the first line: one line edited apart from it would go unseen.
  const edited = read.lines.find((l) => editedIdentity(first.record.sweep, l.record.sweep).length > 0);
  if (edited) {
    const what = editedIdentity(first.record.sweep, edited.record.sweep);
    diagnostics.push(lineDiagnostic(file, edited.line, 'bad-line', msg.editedIdentity(first.record.sweep.id, `${file}:${first.line}`, what), msg.editedIdentityHint()));
  }
  // A run twice would count as one more repeat of its point, and skew its mean and band.
  const lineOf = new Map<number, number>();
  // A file joined to itself (cat a b > all, a twice) repeats every run: a few are shown, the rest counted.
  let duplicates = 0, lastDuplicate = 0;
  for (const l of read.lines) {
    const before = lineOf.get(l.record.run);
    if (before === undefined) lineOf.set(l.record.run, l.line);
    else if (++duplicates <= MAX_BAD_LINES) diagnostics.push(lineDiagnostic(file, l.line, 'duplicate-run', msg.duplicateRun(l.record.run, `${file}:${before}`), msg.repeatedRunHint()));
    else lastDuplicate = l.line;
  }
  if (duplicates > MAX_BAD_LINES) diagnostics.push(lineDiagnostic(file, lastDuplicate, 'duplicate-run', msg.moreDuplicateRuns(duplicates - MAX_BAD_LINES), msg.repeatedRunHint()));
  return { records: read.lines.map((l) => l.record).sort((a, b) => a.run - b.run), diagnostics };
}

/**
 * What is wrong with records handed to a sweep report in code (parsed by the
 * caller, not read with readSweepRecords): the checks a results file gets,
 * each problem naming its record by index. Empty when they can be reported.
 * Without them a record lacking its summary surfaced as a TypeError from
 * inside the model, and a run given twice or two sweeps' records were
 * averaged together without a word.
 */
export function recordsProblems(records: readonly unknown[]): Diagnostic[] {
  const at = (i: number, code: string, message: string, hint?: string): Diagnostic => {
    const d: Diagnostic = { severity: 'error', code, path: ['records', i], message };
    if (hint !== undefined) d.hint = hint;
    return d;
  };
  if (!Array.isArray(records)) return [{ severity: 'error', code: 'bad-records', path: ['records'], message: 'the records must be a list of sweep results', hint: 'read a results file with readSweepRecords' }];
  if (records.length === 0) return [{ severity: 'error', code: 'no-results', path: ['records'], message: 'a sweep report needs at least one record' }];
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<number, number>();
  let sweep: SweepIdentity | undefined;
  for (const [i, value] of records.entries()) {
    if (diagnostics.length >= MAX_BAD_LINES) break;
    const shape = recordProblem(value);
    if (shape !== undefined) {
      diagnostics.push(at(i, 'bad-record', msg.badLine(shape), 'each record is one line of a results file, as meshtax sweep writes it'));
      continue;
    }
    const record = value as SweepRecord;
    const wrong = record.summary !== undefined ? summaryProblem(record.summary) : undefined;
    if (wrong !== undefined) diagnostics.push(at(i, 'bad-summary', msg.badSummary(wrong), msg.badSummaryHint()));
    sweep ??= record.sweep;
    if (record.sweep.id !== sweep.id) {
      diagnostics.push(at(i, 'mixed-sweeps', `${msg.mixedSweeps(sweep.id, record.sweep.id)}; ${msg.sweepsDiffer(sweepDifferences(sweep, record.sweep))}`, msg.mixedSweepsHint()));
    }
    const edited = editedIdentity(sweep, record.sweep);
    if (edited.length > 0) diagnostics.push(at(i, 'bad-record', msg.editedIdentity(sweep.id, 'the first record', edited), msg.editedIdentityHint()));
    const before = seen.get(record.run);
    if (before !== undefined) diagnostics.push(at(i, 'duplicate-run', msg.duplicateRun(record.run, `records[${before}]`), msg.repeatedRunHint()));
    else seen.set(record.run, i);
  }
  return diagnostics;
}

/**
 * Whether a file is meant as sweep results (NDJSON), by its content first:
 * a line holding a sweep record says so, a whole JSON document (run or
 * compare results) says not; failing both, a .ndjson or .jsonl name, or
 * several lines of which the first is a JSON value, say NDJSON — of
 * something else, which readSweepRecords then reports line by line.
 */
export function isSweepResultsFile(file: string, preread?: CappedRead): boolean {
  let text: string;
  try {
    // Too large to be results of any kind: reports/readResults.ts says so.
    const { bytes } = preread ?? readCapped(file, MAX_RESULTS_BYTES, MAX_SOURCE_BYTES);
    if (bytes === undefined) return false;
    text = bytes.subarray(hasByteOrderMark(bytes) ? 3 : 0).toString('utf8');
  } catch {
    return false;
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.some((l) => parseRecord(l).record !== undefined)) return true;
  if (isJson(text)) return false;
  return /\.(ndjson|jsonl)$/i.test(file) || (lines.length > 1 && isJson(lines[0]));
}

/** The sweep results a report beside them was likely made from (sweep writes out/s.ndjson's report as out/s.html), if there. */
function resultsBeside(page: string): string | undefined {
  const results = page.replace(/\.html?$/i, '.ndjson');
  return results !== page && existsSync(results) ? results : undefined;
}

/** UTF-8's byte-order mark, EF BB BF, at the start. */
export function hasByteOrderMark(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The lines sorted by run, each run once; the caller has checked that duplicates are identical. */
export function canonicalText(lines: readonly StoredLine[]): string {
  const byRun = new Map<number, string>();
  for (const l of lines) if (!byRun.has(l.record.run)) byRun.set(l.record.run, l.text);
  return [...byRun.keys()].sort((a, b) => a - b).map((run) => byRun.get(run)).join('');
}

/**
 * How a line's identity differs from `first`'s though its id is the same (a
 * hand-edited line: the id hashes the rest), worded as sweepDifferences does;
 * empty when they are alike, or of two sweeps (mixed-sweeps says that).
 */
export function editedIdentity(first: SweepIdentity, other: SweepIdentity): string[] {
  if (first.id !== other.id) return [];
  const what = sweepDifferences(first, other);
  if (first.repeat !== other.repeat) what.push(`the number of repeats (${first.repeat} against ${other.repeat})`);
  return what;
}

/** What tells two sweeps' identities apart, as a reader can act on it (the ids alone are hashes). */
export function sweepDifferences(a: SweepIdentity, b: SweepIdentity): string[] {
  const out: string[] = [];
  if (a.meshtax !== b.meshtax) out.push(`the meshtax version (${a.meshtax} against ${b.meshtax})`);
  if (a.name !== b.name) out.push(`the topology (${JSON.stringify(a.name)} against ${JSON.stringify(b.name)})`);
  // The topology's hash covers the profile files the points use, which the definition chooses: with the definitions
  // apart, a differing hash says nothing of its own (see otherSweepReason in engine.ts).
  else if (a.topologyHash !== b.topologyHash && a.definitionHash === b.definitionHash) out.push('the topology file, or a mesh profile file its points use');
  if (a.definitionHash !== b.definitionHash) out.push('the sweep definition (--set values, sweep file, --repeat, --seed, --duration or another option)');
  if (a.runs !== b.runs) out.push(`the number of runs (${a.runs} against ${b.runs})`);
  return out;
}
