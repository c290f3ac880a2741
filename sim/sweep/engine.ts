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
import { closeSync, openSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DiagnosticError, type Diagnostic } from '../diagnostics/types.js';
import { runContext, runTask, type RunContext } from './execute.js';
import * as msg from './messages.js';
import { runAt, shardRuns, type Shard, type SweepPlan } from './plan.js';
import { canonicalText, lineDiagnostic, readResultsFile, writeAtomically, type StoredLine } from './store.js';
import type { WorkerReply } from './worker.js';

export interface SweepProgress {
  /** Runs finished in this session. */
  done: number;
  /** Runs this session has to do. */
  todo: number;
  /** Runs of the shard already in the file when it began (--resume). */
  resumed: number;
}

export interface RunSweepOptions {
  /** The NDJSON results file. */
  output: string;
  /** Worker threads (default: the machine's available parallelism). */
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
  if (s.topologyHash !== plan.topologyHash) return msg.changedTopology(plan.name);
  return msg.changedDefinition();
}

/** The runs already done, after checking that the file belongs to this sweep. */
function existingRuns(plan: SweepPlan, options: RunSweepOptions): { done: Set<number>; torn: boolean } {
  const read = readResultsFile(options.output);
  if (read.diagnostics.length > 0) throw new DiagnosticError(read.diagnostics);
  if ((read.lines.length > 0 || read.torn) && !options.resume) {
    throw new DiagnosticError([{ severity: 'error', code: 'output-exists', path: [], message: msg.outputExists(options.output, read.lines.length), hint: msg.outputExistsHint() }]);
  }
  const foreign = read.lines.find((l) => l.record.sweep.id !== plan.id);
  if (foreign) {
    throw new DiagnosticError([lineDiagnostic(options.output, foreign.line, 'other-sweep', msg.otherSweep(options.output, otherSweepReason(plan, foreign)), msg.otherSweepHint())]);
  }
  if (read.torn) truncateSync(options.output, read.completeBytes);
  return { done: new Set(read.lines.map((l) => l.record.run)), torn: read.torn };
}

/**
 * How to start a worker: the compiled worker next to this module under
 * node; under tsx (development), the TypeScript one, registering tsx in the
 * thread first (a worker's entry is loaded before the loader the parent was
 * started with applies to it).
 */
function startWorker(context: RunContext): Worker {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const worker = new URL('./worker.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); })`;
    return new Worker(boot, { eval: true, workerData: context });
  }
  return new Worker(new URL('./worker.js', import.meta.url), { workerData: context });
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** Runs the shard's missing runs; resolves when all are saved or the signal stopped it. */
export async function runSweep(plan: SweepPlan, options: RunSweepOptions): Promise<SweepOutcome> {
  mkdirSync(dirname(options.output), { recursive: true });
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
  let closed = false;
  const close = (): void => {
    if (!closed) closeSync(fd);
    closed = true;
  };

  const status = await new Promise<{ status: SweepOutcome['status']; dropped: number }>((resolve, reject) => {
    const context = runContext(plan);
    const size = Math.min(Math.max(1, options.workers ?? defaultWorkers()), queue.length);
    const busy = new Map<Worker, number>();
    const workers: Worker[] = [];
    let settled = false;

    const stopAll = (): void => {
      for (const w of workers) void w.terminate();
    };
    const finish = (result: { status: SweepOutcome['status']; dropped: number } | Error): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      stopAll();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onAbort = (): void => finish({ status: 'interrupted', dropped: busy.size });
    options.signal?.addEventListener('abort', onAbort);

    const dispatch = (w: Worker): void => {
      const run = queue.shift();
      if (run === undefined) {
        busy.delete(w);
        if (busy.size === 0) finish({ status: 'complete', dropped: 0 });
        return;
      }
      busy.set(w, run);
      w.postMessage(runTask(plan, runAt(plan, run)));
    };

    if (queue.length === 0) {
      finish({ status: 'complete', dropped: 0 });
      return;
    }
    for (let i = 0; i < size; i++) {
      const w = startWorker(context);
      workers.push(w);
      w.on('message', (reply: WorkerReply) => {
        if (settled) return;
        if (reply.type === 'failed') {
          const err = new Error(`run ${reply.run} failed: ${reply.message}`);
          if (reply.stack) err.stack = reply.stack;
          finish(err);
          return;
        }
        // One write of one complete line: a kill leaves whole lines behind.
        writeSync(fd, reply.line);
        progress.done++;
        options.onProgress?.({ ...progress });
        dispatch(w);
      });
      w.on('error', (e) => finish(e instanceof Error ? e : new Error(String(e))));
      w.on('exit', (code) => {
        if (!settled && busy.has(w)) finish(new Error(`a sweep worker stopped unexpectedly (exit code ${code})`));
      });
      dispatch(w);
    }
  }).finally(close);

  if (status.status === 'complete') canonicalize(plan, options.output);
  return outcome(status.status, status.dropped);
}

/** Rewrites the file sorted by run; refuses if a run appears twice with different results. */
function canonicalize(plan: SweepPlan, file: string): void {
  const read = readResultsFile(file);
  const problems: Diagnostic[] = [...read.diagnostics];
  const byRun = new Map<number, StoredLine>();
  for (const l of read.lines) {
    const first = byRun.get(l.record.run);
    if (first && first.text !== l.text) {
      problems.push(lineDiagnostic(file, l.line, 'duplicate-run', msg.duplicateRun(l.record.run, `${file}:${first.line}`), msg.duplicateRunHint()));
    }
    if (!first) byRun.set(l.record.run, l);
  }
  if (problems.length > 0) throw new DiagnosticError(problems);
  if (read.lines.some((l) => l.record.sweep.id !== plan.id)) return;
  writeAtomically(file, canonicalText(read.lines));
}
