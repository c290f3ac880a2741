/**
 * `meshtax merge`: the shards of one sweep into one results file, in
 * canonical order (by run). Refuses shards of different sweeps, a run that
 * appears twice, a run that appears nowhere, and torn or foreign lines. The
 * merged file is byte for byte the file one process would have written.
 *
 * An empty shard is no error: with more shards than runs (an Indexed Job of
 * 8 on a grid of 6) some have nothing to do, and write an empty file. A
 * shard that should have had runs and wrote none still shows, as missing runs.
 */
import { existsSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/types.js';
import { fileIdentity } from '../fileIdentity.js';
import { MAX_RESULTS_BYTES, sizeText } from '../readCapped.js';
import * as msg from './messages.js';
import { MAX_BAD_LINES, canonicalText, editedIdentity, lineDiagnostic, readResultsFile, sweepDifferences, type StoredLine } from './store.js';

export interface MergeResult {
  /** The merged NDJSON; absent when there are problems. */
  text?: string;
  runs: number;
  sweep?: string;
  diagnostics: Diagnostic[];
}

/** `1, 2, 5–9, 12` for a sorted list; long lists are cut. */
export function runList(runs: readonly number[], max = 12): string {
  const parts: string[] = [];
  for (let i = 0; i < runs.length; i++) {
    let j = i;
    while (j + 1 < runs.length && runs[j + 1] === runs[j] + 1) j++;
    parts.push(j > i ? `${runs[i]}–${runs[j]}` : String(runs[i]));
    i = j;
  }
  return parts.length <= max ? parts.join(', ') : `${parts.slice(0, max).join(', ')}, … (${parts.length - max} more)`;
}

/**
 * `maxBytes`: the most the merged file may hold, what meshtax can read back
 * (to report or resume it); past it the merged text cannot be made at all.
 */
export function mergeResults(files: readonly string[], maxBytes: number = MAX_RESULTS_BYTES): MergeResult {
  const diagnostics: Diagnostic[] = [];
  const lines: StoredLine[] = [];
  const given = new Set<string>();
  for (const file of files) {
    // The same file by another spelling (./a, a symlink) would be every run twice.
    const id = fileIdentity(file);
    if (given.has(id)) {
      diagnostics.push({ severity: 'error', code: 'bad-option', path: [], message: msg.fileGivenTwice(file), hint: msg.fileGivenTwiceHint() });
      continue;
    }
    given.add(id);
    // A misspelt shard path would otherwise read as an empty shard.
    if (!existsSync(file)) {
      diagnostics.push({ severity: 'error', code: 'no-such-file', path: [], message: msg.noSuchFile(file), hint: msg.noSuchFileHint() });
      continue;
    }
    const read = readResultsFile(file);
    diagnostics.push(...read.diagnostics);
    if (read.torn) diagnostics.push(lineDiagnostic(file, read.tornLine, 'torn-line', msg.tornLine(), msg.tornLineHint(false)));
    // One at a time: spread as arguments, a shard of more than about 125,000 lines overflowed the stack.
    for (const l of read.lines) lines.push(l);
  }
  if (lines.length === 0) {
    if (diagnostics.length === 0) diagnostics.push({ severity: 'error', code: 'no-results', path: [], message: files.length === 1 ? msg.noResults(files[0]) : msg.noResultsAnywhere(files.length), hint: msg.noResultsHint() });
    return { runs: 0, diagnostics };
  }

  const first = lines[0];
  const sweep = first.record.sweep;
  const describe = (l: StoredLine) => `${l.record.sweep.id} (topology ${JSON.stringify(l.record.sweep.name)}, meshtax ${l.record.sweep.meshtax}) at ${l.file}:${l.line}`;
  // A line with this sweep's id and another identity was edited: the merged file would carry both.
  const foreign = lines.filter((l) => l.record.sweep.id !== sweep.id || editedIdentity(sweep, l.record.sweep).length > 0);
  const reported = new Set<string>();
  for (const l of foreign) {
    if (reported.has(l.file)) continue;
    reported.add(l.file);
    const edited = editedIdentity(sweep, l.record.sweep);
    diagnostics.push(edited.length > 0
      ? lineDiagnostic(l.file, l.line, 'bad-line', msg.editedIdentity(sweep.id, `${first.file}:${first.line}`, edited), msg.editedIdentityHint())
      : lineDiagnostic(l.file, l.line, 'mixed-sweeps', `${msg.mixedSweeps(describe(first), describe(l))}; ${msg.sweepsDiffer(sweepDifferences(sweep, l.record.sweep))}`, msg.mixedSweepsHint()));
  }
  if (foreign.length > 0) return { runs: sweep.runs, sweep: sweep.id, diagnostics };

  const seen = new Map<number, StoredLine>();
  // A shard given twice under two names repeats every run: a few are shown, the rest counted, not a screenful each.
  let duplicates = 0;
  let lastDuplicate: StoredLine | undefined;
  for (const l of lines) {
    const before = seen.get(l.record.run);
    if (!before) seen.set(l.record.run, l);
    else if (++duplicates <= MAX_BAD_LINES) diagnostics.push(lineDiagnostic(l.file, l.line, 'duplicate-run', msg.duplicateRun(l.record.run, `${before.file}:${before.line}`), msg.duplicateRunHint()));
    else lastDuplicate = l;
  }
  if (lastDuplicate) {
    diagnostics.push(lineDiagnostic(lastDuplicate.file, lastDuplicate.line, 'duplicate-run', msg.moreDuplicateRuns(duplicates - MAX_BAD_LINES), msg.duplicateRunHint()));
  }
  const missing: number[] = [];
  for (let r = 0; r < sweep.runs; r++) if (!seen.has(r)) missing.push(r);
  if (missing.length > 0) {
    diagnostics.push({ severity: 'error', code: 'missing-runs', path: [], message: msg.missingRuns(missing.length, sweep.runs, runList(missing)), hint: msg.missingRunsHint() });
  }
  if (diagnostics.length > 0) return { runs: sweep.runs, sweep: sweep.id, diagnostics };
  // Shards each within the limit can add up past it: joining them threw "Invalid string length" (an internal error).
  let bytes = 0;
  for (const l of seen.values()) bytes += Buffer.byteLength(l.text, 'utf8');
  if (bytes > maxBytes) {
    diagnostics.push({ severity: 'error', code: 'file-too-large', path: [], message: msg.mergedTooLarge(sweep.runs, sizeText(bytes), sizeText(maxBytes)), hint: msg.mergedTooLargeHint() });
    return { runs: sweep.runs, sweep: sweep.id, diagnostics };
  }
  return { text: canonicalText(lines), runs: sweep.runs, sweep: sweep.id, diagnostics };
}
