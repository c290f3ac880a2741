/**
 * Sweep results files (NDJSON): reading them back line by line with
 * positions for diagnostics, and rewriting them in canonical order (by run)
 * atomically, through a temporary file and a rename, so a kill during the
 * rewrite leaves the old file whole.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/types.js';
import * as msg from './messages.js';
import { parseRecord, type SweepIdentity, type SweepRecord } from './record.js';

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

/** Bad lines reported one by one; past these, one diagnostic counts the rest. */
const MAX_BAD_LINES = 10;

export function lineDiagnostic(file: string, line: number, code: string, message: string, hint?: string): Diagnostic {
  const d: Diagnostic = { severity: 'error', code, path: [], message, location: { file, line, column: 1, lineText: '' } };
  if (hint !== undefined) d.hint = hint;
  return d;
}

/** Every complete line of the file; a missing file reads as empty. */
export function readResultsFile(file: string): ReadResults {
  if (!existsSync(file)) return { lines: [], completeBytes: 0, torn: false, tornLine: 1, diagnostics: [] };
  // A directory cannot be read as results (readFileSync's EISDIR names no path: it surfaced as an internal error).
  if (statSync(file).isDirectory()) {
    return { lines: [], completeBytes: 0, torn: false, tornLine: 1, diagnostics: [{ severity: 'error', code: 'not-a-file', path: [], message: msg.resultsIsDirectory(file), hint: msg.resultsIsDirectoryHint() }] };
  }
  const buffer = readFileSync(file);
  const lastNewline = buffer.lastIndexOf(0x0a);
  const completeBytes = lastNewline + 1;
  const torn = completeBytes < buffer.length;
  const text = buffer.subarray(0, completeBytes).toString('utf8');
  const lines: StoredLine[] = [];
  const diagnostics: Diagnostic[] = [];
  let line = 0;
  let bad = 0, lastBad = 0;
  for (const raw of text.split('\n')) {
    line++;
    if (raw === '') continue;
    const parsed = parseRecord(raw);
    if (parsed.record) {
      lines.push({ file, line, text: raw + '\n', record: parsed.record });
      continue;
    }
    // A few say what is wrong; a file of another kind would otherwise give a diagnostic a line.
    if (++bad <= MAX_BAD_LINES) diagnostics.push(lineDiagnostic(file, line, 'bad-line', msg.badLine(parsed.error ?? ''), msg.badLineHint()));
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

/**
 * The records of a results file, for a report: every line whole and of one
 * sweep, sorted by run. A torn last line (an interrupted sweep) is only a
 * warning: the report shows the runs that finished.
 */
export function readSweepRecords(file: string): { records: SweepRecord[]; diagnostics: Diagnostic[] } {
  const read = readResultsFile(file);
  const diagnostics = [...read.diagnostics];
  if (read.torn) diagnostics.push({ ...lineDiagnostic(file, read.tornLine, 'torn-line', msg.tornLineReport(), msg.tornLineHint(false)), severity: 'warning' });
  if (read.lines.length === 0 && read.diagnostics.length === 0) diagnostics.push({ severity: 'error', code: 'no-results', path: [], message: msg.noResults(file) });
  const first = read.lines[0];
  const other = read.lines.find((l) => l.record.sweep.id !== first.record.sweep.id);
  if (other) {
    diagnostics.push(lineDiagnostic(file, other.line, 'mixed-sweeps', `${msg.mixedSweeps(first.record.sweep.id, other.record.sweep.id)}; ${msg.sweepsDiffer(sweepDifferences(first.record.sweep, other.record.sweep))}`, msg.mixedSweepsHint()));
  }
  // A run twice would count as one more repeat of its point, and skew its mean and band.
  const lineOf = new Map<number, number>();
  for (const l of read.lines) {
    const before = lineOf.get(l.record.run);
    if (before === undefined) lineOf.set(l.record.run, l.line);
    else diagnostics.push(lineDiagnostic(file, l.line, 'duplicate-run', msg.duplicateRun(l.record.run, `${file}:${before}`), msg.repeatedRunHint()));
  }
  return { records: read.lines.map((l) => l.record).sort((a, b) => a.run - b.run), diagnostics };
}

/**
 * Whether a file is meant as sweep results (NDJSON), by its content first:
 * a line holding a sweep record says so, a whole JSON document (run or
 * compare results) says not; failing both, a .ndjson or .jsonl name, or
 * several lines of which the first is a JSON value, say NDJSON — of
 * something else, which readSweepRecords then reports line by line.
 */
export function isSweepResultsFile(file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.some((l) => parseRecord(l).record !== undefined)) return true;
  if (isJson(text)) return false;
  return /\.(ndjson|jsonl)$/i.test(file) || (lines.length > 1 && isJson(lines[0]));
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
