/**
 * Running a planned sweep on worker threads:
 *
 *   results file → what is done (--resume) → the shard's missing runs →
 *   workers (each a thread with its own copy of the topology) → one appended
 *   line per finished run → the file rewritten in canonical order
 *
 * The main thread only dispatches and writes: each finished run is one
 * write() of one complete line to a file opened for appending, so a kill at
 * any moment leaves whole lines (at worst a torn last one, which a resume
 * drops and runs again). Lines arrive in completion order while the sweep
 * runs; once every run of the shard is in, the file is rewritten sorted by
 * run, so equal sweeps give equal bytes however they were run.
 */
import { closeSync, openSync, statSync, truncateSync } from 'node:fs';
import { linkTarget, writeAll } from '../writeAtomically.js';
import { dirname } from 'node:path';
import { makeDirs } from '../makeDirs.js';
import { DiagnosticError, type Diagnostic } from '../diagnostics/types.js';
import { runPool, threadCount, type PoolOutcome } from '../parallel/pool.js';
import { runContext, runTask, type RunTask } from './execute.js';
import * as msg from './messages.js';
import { checkShard, runAt, shardRuns, type Shard, type SweepPlan } from './plan.js';
import { canonicalText, lineDiagnostic, readResultsFile, type StoredLine } from './store.js';
import { runList } from './merge.js';
import { checkUnlocked, lockResults } from './lock.js';
import { writeAtomically } from '../writeAtomically.js';

export { defaultWorkers } from '../parallel/pool.js';

export interface SweepProgress {
  /** Runs finished in this session. */
  done: number;
  /** Runs this session has to do. */
  todo: number;
  /** Runs of the shard already in the file when it began (--resume). */
  resumed: number;
  /** The shares done of the runs in progress, summed (0 to the number of workers): a long run moves the bar before it ends. */
  running?: number;
}

export interface RunSweepOptions {
  /** The NDJSON results file. */
  output: string;
  /** Worker threads (default, and at most: the machine's available parallelism). */
  workers?: number;
  /** Keep the results already in `output` (of this same sweep) and run only the missing ones. */
  resume?: boolean;
  shard?: Shard;
  onProgress?: (progress: SweepProgress) => void;
  /** Aborting stops the sweep: workers are stopped, finished runs stay saved. */
  signal?: AbortSignal;
}

export interface SweepOutcome {
  status: 'complete' | 'interrupted';
  /** Runs of the shard (all runs, without a shard). */
  total: number;
  /** Runs of the shard in the file now. */
  saved: number;
  /** Found in the file at the start. */
  resumed: number;
  /** Runs in progress when interrupted, not saved. */
  dropped: number;
  /** A torn last line (from a killed sweep) was dropped at the start. */
  droppedTornLine: boolean;
}

/** Why the file's lines cannot be resumed: what differs from this sweep. */
function otherSweepReason(plan: SweepPlan, line: StoredLine): string {
  const s = line.record.sweep;
  if (s.meshtax !== plan.version) return msg.changedVersion(s.meshtax, plan.version);
  // The topology's hash covers the profile files the points use, which the definition chooses
  // (--set mesh=…): when the definition changed, the hash may have changed with it, file untouched.
  if (s.definitionHash !== plan.definitionHash) return msg.changedDefinition();
  if (s.topologyHash !== plan.topologyHash) return msg.changedTopology(plan.name);
  return msg.changedDefinition();
}

/**
 * Throws (a DiagnosticError) when the output file cannot take this sweep's
 * results: another sweep is writing it, or it holds not a sweep's, another
 * sweep's, or this one's without resume.
 * Changes nothing; the command calls it before saying what it will run.
 */
export function checkSweepOutput(plan: SweepPlan, options: Pick<RunSweepOptions, 'output' | 'resume' | 'shard'>): void {
  // A sweep running into this file first: its lines say "exists, pass --resume", which the lock would then refuse.
  checkUnlocked(options.output);
  existingRuns(plan, options, false);
}

/** The runs of the shard still to run (for --dry-run with --resume), after the checks a resume makes; the file is left as it is. */
export function remainingRuns(plan: SweepPlan, options: Pick<RunSweepOptions, 'output' | 'resume' | 'shard'>): number[] {
  // While another sweep writes the file, what is left shrinks as it runs: a count now would mislead, and the resume would be refused.
  checkUnlocked(options.output);
  const { done } = existingRuns(plan, options, false);
  return shardRuns(plan, options.shard).filter((r) => !done.has(r));
}

/**
 * What `--dry-run` prints: the sweep and the points it would run. With
 * `--shard`, the shard's points only (a shard's dry run listing every point
 * told a batch job's author nothing of what that job would run); with
 * `--resume -o FILE`, the points with runs missing from the file, after the
 * checks a resume makes. `what` describes the whole sweep (`12 runs (6 points × 2 repeats)`).
 */
export function dryRunListing(plan: SweepPlan, what: string, options: { output?: string; resume?: boolean; shard?: Shard }): string {
  const { output, shard } = options;
  const mine = shardRuns(plan, shard);
  const left = options.resume === true && output !== undefined ? remainingRuns(plan, { output, resume: true, shard }) : null;
  const runs = left ?? (shard ? mine : null);
  const atPoints = runs === null ? null : new Set(runs.map((r) => Math.floor(r / plan.repeat)));
  const points = atPoints === null ? plan.points : plan.points.filter((pt) => atPoints.has(pt.index));
  const lines = points.map((pt) => `${String(pt.index).padStart(5)}  ${Object.entries(pt.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('  ')}`);
  const part = shard ? `shard ${shard.index}/${shard.count}: ` : '';
  const note = left !== null
    ? `; ${part}${left.length} of ${mine.length} runs left to run in ${output}${left.length > 0 ? ', at these points' : ''}`
    : shard ? `; shard ${shard.index}/${shard.count} runs ${mine.length} of them${mine.length > 0 ? ', at these points' : ' (more shards than runs)'}` : '';
  return `sweep ${plan.id}: ${what}${note}; nothing was run (--dry-run)\n${lines.length > 0 ? `${lines.join('\n')}\n` : ''}`;
}

/** The runs already done, after checking that the file belongs to this sweep; a torn last line is cut off when `repair`. */
function existingRuns(plan: SweepPlan, options: Pick<RunSweepOptions, 'output' | 'resume' | 'shard'>, repair = true): { done: Set<number>; torn: boolean } {
  checkShard(options.shard);
  // A FIFO or a device (-o /dev/stdout) would be read as results before anything runs: the read waits
  // for a writer that never comes (or, from /dev/zero, never ends). The results file must be a file.
  const st = statSync(options.output, { throwIfNoEntry: false });
  if (st && !st.isFile() && !st.isDirectory()) {
    throw new DiagnosticError([{ severity: 'error', code: 'bad-option', path: ['-o'], message: msg.outputNotAFile(options.output), hint: msg.outputNotAFileHint() }]);
  }
  const read = readResultsFile(options.output);
  if (read.diagnostics.length > 0) throw new DiagnosticError(read.diagnostics);
  if ((read.lines.length > 0 || read.torn) && !options.resume) {
    throw new DiagnosticError([{ severity: 'error', code: 'output-exists', path: [], message: msg.outputExists(options.output, read.lines.length, read.torn), hint: msg.outputExistsHint() }]);
  }
  const foreign = read.lines.find((l) => l.record.sweep.id !== plan.id);
  if (foreign) {
    throw new DiagnosticError([lineDiagnostic(options.output, foreign.line, 'other-sweep', msg.otherSweep(options.output, otherSweepReason(plan, foreign)), msg.otherSweepHint())]);
  }
  // Another shard's runs in this file would be merged twice: resumed with a different --shard by mistake.
  const shard = options.shard ?? { index: 0, count: 1 };
  const stray = read.lines.find((l) => l.record.run % shard.count !== shard.index);
  if (stray) {
    throw new DiagnosticError([lineDiagnostic(options.output, stray.line, 'other-shard',
      msg.otherShard(options.output, stray.record.run, shard), msg.otherShardHint(stray.record.run, shard.count))]);
  }
  if (read.torn && repair) truncateSync(options.output, read.completeBytes);
  return { done: new Set(read.lines.map((l) => l.record.run)), torn: read.torn };
}

/** Runs the shard's missing runs; resolves when all are saved or the signal stopped it. */
export async function runSweep(plan: SweepPlan, options: RunSweepOptions): Promise<SweepOutcome> {
  const threads = threadCount(options.workers);
  // A refused shard leaves no trace: not even the output's directory.
  checkShard(options.shard);
  // Through a symlink to a file not made yet, the directories are those of the file it points at.
  makeDirs(dirname(linkTarget(options.output)));
  const lock = lockResults(options.output);
  try {
    return await runLocked(plan, options, threads);
  } finally {
    lock.release();
  }
}

async function runLocked(plan: SweepPlan, options: RunSweepOptions, threads: number): Promise<SweepOutcome> {
  const { done, torn } = existingRuns(plan, options);
  const mine = shardRuns(plan, options.shard);
  const resumed = mine.filter((r) => done.has(r)).length;
  // Dearest first: grids usually raise the load towards their end, and a long
  // run started last would leave the other workers idle while it finishes.
  const queue = mine.filter((r) => !done.has(r)).reverse();
  const progress: SweepProgress = { done: 0, todo: queue.length, resumed };
  options.onProgress?.({ ...progress });
  const outcome = (status: SweepOutcome['status'], dropped: number): SweepOutcome => ({
    status, total: mine.length, saved: resumed + progress.done, resumed, dropped, droppedTornLine: torn,
  });

  if (options.signal?.aborted) return outcome('interrupted', 0);
  const fd = openSync(options.output, 'a');

  const tasks = queue.map((run) => runTask(plan, runAt(plan, run)));
  // The shares done of the runs in progress, by task.
  const shares = new Map<number, number>();
  const report = (): void => {
    let running = 0;
    for (const share of shares.values()) running += share;
    options.onProgress?.({ ...progress, running });
  };
  let pool: PoolOutcome;
  try {
    pool = await runPool<RunTask, string>({
      worker: new URL('./worker.js', import.meta.url),
      workerData: runContext(plan),
      tasks,
      threads,
      name: (i) => `run ${tasks[i].run}`,
      signal: options.signal,
      onResult: (line, index) => {
        // One complete line (written whole, however many write() calls a filling disk takes): a kill leaves whole lines behind, a torn last one at worst, which --resume cuts off.
        try {
          writeAll(fd, line);
        } catch (e) {
          // A failed write() names no path: name the results file, so the CLI can say what went wrong where.
          if (e instanceof Error && (e as NodeJS.ErrnoException).code !== undefined && (e as NodeJS.ErrnoException).path === undefined) (e as NodeJS.ErrnoException).path = options.output;
          throw e;
        }
        progress.done++;
        shares.delete(index);
        report();
      },
      onProgress: options.onProgress && ((index, share) => {
        shares.set(index, share);
        report();
      }),
    });
  } finally {
    closeSync(fd);
  }

  if (pool.status === 'complete') canonicalize(plan, options.output, options.shard);
  return outcome(pool.status, pool.inFlight);
}

/**
 * Rewrites the file sorted by run; refuses if a run appears twice with
 * different results, or if the file is not this shard's runs, every one:
 * another process wrote it meanwhile (another shard or sweep given the same
 * -o appends its runs; one that finished first renamed its rewrite over the
 * file, and the lines appended since went to the old one, which no name
 * reaches). Calling that complete would lose runs without a word.
 */
function canonicalize(plan: SweepPlan, file: string, shard: Shard | undefined): void {
  const read = readResultsFile(file);
  if (read.diagnostics.length > 0) throw new DiagnosticError(read.diagnostics);
  const foreign = read.lines.find((l) => l.record.sweep.id !== plan.id);
  if (foreign) {
    throw new DiagnosticError([lineDiagnostic(file, foreign.line, 'concurrent-write', msg.concurrentWrite(msg.otherSweep(file, otherSweepReason(plan, foreign))), msg.concurrentWriteHint('other-sweep'))]);
  }
  const problems: Diagnostic[] = [];
  const byRun = new Map<number, StoredLine>();
  for (const l of read.lines) {
    const first = byRun.get(l.record.run);
    if (first && first.text !== l.text) {
      problems.push(lineDiagnostic(file, l.line, 'duplicate-run', msg.duplicateRun(l.record.run, `${file}:${first.line}`), msg.duplicateRunHint()));
    }
    if (!first) byRun.set(l.record.run, l);
  }
  if (problems.length > 0) throw new DiagnosticError(problems);
  const own = shard ?? { index: 0, count: 1 };
  const stray = read.lines.find((l) => l.record.run % own.count !== own.index);
  if (stray) {
    throw new DiagnosticError([lineDiagnostic(file, stray.line, 'concurrent-write', msg.concurrentWrite(msg.otherShard(file, stray.record.run, own)), msg.concurrentWriteHint('other-shard'))]);
  }
  const missing = shardRuns(plan, shard).filter((r) => !byRun.has(r));
  if (missing.length > 0) {
    throw new DiagnosticError([{
      severity: 'error', code: 'concurrent-write', path: [],
      message: msg.concurrentWrite(msg.lostRuns(file, missing.length, runList(missing), shard)), hint: msg.concurrentWriteHint('lost-runs'),
    }]);
  }
  writeAtomically(file, canonicalText(read.lines));
}
