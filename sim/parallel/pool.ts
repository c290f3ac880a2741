/**
 * A pool of worker threads that works through a list of tasks: each thread
 * takes the next task as soon as it is free, and each result is handed back
 * as it arrives (completion order; the index says which task it was). Used
 * by `sweep` (one task a run) and `compare` (one task a mesh mode); the
 * worker module calls `serveTasks` (serve.ts).
 *
 * When tasks fail, the error reported is that of the first failed task in
 * list order — what a plain loop over the tasks would have reported — not
 * whichever thread happened to fail first: the pool stops handing out tasks,
 * stops the threads working on later ones, and waits for the earlier ones
 * still running, since one of them may fail too.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { reviveError } from './errors.js';
import { DiagnosticError } from '../diagnostics/types.js';
import type { TaskMessage, TaskReply } from './serve.js';

export interface PoolOptions<T, R> {
  /** The compiled worker module, `new URL('./worker.js', import.meta.url)` beside its caller. */
  worker: URL;
  /** Given to every thread once, as its `workerData`. */
  workerData?: unknown;
  tasks: readonly T[];
  /**
   * The order to hand the tasks out in, as indices into `tasks` (default:
   * list order). Dearest first keeps one long task from running alone at the end.
   */
  order?: readonly number[];
  /** Threads to start (at most one a task). */
  threads: number;
  /** Each result, as it arrives. */
  onResult: (value: R, index: number) => void;
  /** Word of a running task's progress (the share done), when its worker sends any. */
  onProgress?: (index: number, fraction: number) => void;
  /** Names a task in an internal error's message (`run 12 failed: …`); known errors keep their own message. */
  name?: (index: number) => string;
  /** Aborting stops every thread; the results handed back so far stand. */
  signal?: AbortSignal;
}

export interface PoolOutcome {
  status: 'complete' | 'interrupted';
  /** Tasks that were running when the pool was interrupted; their results are lost. */
  inFlight: number;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * The threads for a `--workers N` given on the command line: at most one a
 * core. The work is all CPU, so more threads run no faster, and each holds a
 * copy of the simulation (about 25 MB): `--workers 1000` on a sweep of a
 * thousand runs took 25 GB before. Results do not depend on the count.
 */
export function workersFor(requested: number | undefined): number {
  return Math.min(requested ?? defaultWorkers(), defaultWorkers());
}

/**
 * The threads to start for `workers` as a library caller gave it: the
 * default when left out; anything but a whole number ≥ 1 is refused, as
 * `--workers` refuses it. NaN started no thread at all and the returned
 * promise never settled; 0, −3 or 2.5 ran as 1 or 2, so a caller's mistake
 * (a count computed as 0) passed unseen. At most one a core, as on the
 * command line (workersFor): each thread holds a copy of the simulation, so
 * `runSweep(plan, {workers: 1000})` took the 25 GB the CLI's cap was made
 * to prevent, and ran no faster.
 */
export function threadCount(workers: number | undefined): number {
  if (workers === undefined) return defaultWorkers();
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1) {
    throw new DiagnosticError([{
      severity: 'error', code: 'bad-option', path: ['--workers'],
      message: `--workers ${String(workers)}: the worker threads must be a whole number, at least 1`,
      hint: 'for example {workers: 2} (--workers 2), or leave it out for one per core',
    }]);
  }
  return Math.min(workers, defaultWorkers());
}

/**
 * How to start a worker: the compiled module under node; under tsx
 * (development), where this file and the workers are TypeScript, the .ts
 * module, registering tsx in the thread first (a worker's entry is loaded
 * before the loader the parent was started with applies to it).
 */
function startWorker(module: URL, workerData: unknown): Worker {
  if (fileURLToPath(import.meta.url).endsWith('.ts')) {
    const worker = module.href.replace(/\.js$/, '.ts');
    const tsx = import.meta.resolve('tsx/esm/api');
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); })`;
    return new Worker(boot, { eval: true, workerData });
  }
  return new Worker(module, { workerData });
}

/** Runs every task; resolves when all are done or the signal stopped them, rejects with the first failure. */
export function runPool<T, R>(options: PoolOptions<T, R>): Promise<PoolOutcome> {
  const { tasks } = options;
  return new Promise<PoolOutcome>((resolve, reject) => {
    if (options.signal?.aborted) return resolve({ status: 'interrupted', inFlight: 0 });
    if (tasks.length === 0) return resolve({ status: 'complete', inFlight: 0 });

    const workers: Worker[] = [];
    /** Thread → the index of the task it is working on. */
    const running = new Map<Worker, number>();
    const order = options.order ?? tasks.map((_, i) => i);
    /** Tasks not handed out yet, in `order`. */
    const waiting = [...order];
    let failure: { index: number; error: Error } | undefined;
    let settled = false;

    const settle = (result: PoolOutcome | Error): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onAbort = (): void => settle({ status: 'interrupted', inFlight: running.size });
    options.signal?.addEventListener('abort', onAbort);

    const settleIfDone = (): void => {
      if (failure) {
        const before = failure.index;
        for (const index of running.values()) if (index < before) return;
        if (waiting.some((index) => index < before)) return;
        settle(failure.error);
      } else if (running.size === 0 && waiting.length === 0) {
        settle({ status: 'complete', inFlight: 0 });
      }
    };
    const fail = (index: number, error: Error): void => {
      if (!failure || index < failure.index) failure = { index, error };
      // Later tasks cannot change what is reported: stop them now.
      for (const [w, i] of running) {
        if (i > failure.index) {
          running.delete(w);
          void w.terminate();
        }
      }
    };
    const dispatch = (w: Worker): void => {
      // After a failure only tasks earlier in the list still matter: one of them may fail too.
      const at = failure ? waiting.findIndex((i) => i < (failure as { index: number }).index) : 0;
      if (at < 0 || waiting.length === 0) return;
      const index = waiting.splice(at, 1)[0];
      running.set(w, index);
      const message: TaskMessage<T> = { index, task: tasks[index] };
      w.postMessage(message);
    };
    const onReply = (w: Worker, reply: TaskReply<R>): void => {
      // A reply from a thread stopped after a failure is of no use any more.
      if (settled || running.get(w) !== reply.index) return;
      if ('progress' in reply) {
        options.onProgress?.(reply.index, reply.progress);
        return;
      }
      running.delete(w);
      if (reply.ok) {
        try {
          options.onResult(reply.value, reply.index);
        } catch (e) {
          settle(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        dispatch(w);
      } else {
        const error = reviveError(reply.error);
        if (reply.error.kind === 'error' && options.name) error.message = `${options.name(reply.index)} failed: ${error.message}`;
        fail(reply.index, error);
        dispatch(w);
      }
      settleIfDone();
    };

    const size = Math.min(threadCount(options.threads), tasks.length);
    for (let i = 0; i < size; i++) {
      const w = startWorker(options.worker, options.workerData);
      workers.push(w);
      w.on('message', (reply: TaskReply<R>) => onReply(w, reply));
      w.on('error', (e) => settle(e instanceof Error ? e : new Error(String(e))));
      w.on('exit', (code) => {
        if (!settled && running.has(w)) settle(new Error(`a worker thread stopped unexpectedly (exit code ${code})`));
      });
      dispatch(w);
    }
  });
}
