/**
 * A worker thread of a sweep: receives runs, answers with their NDJSON
 * lines. It does not write files; the main thread does, one line at a time.
 */
import { workerData } from 'node:worker_threads';
import { serveTasks } from '../parallel/serve.js';
import { RunExecutor, type RunContext, type RunTask } from './execute.js';

const executor = new RunExecutor(workerData as RunContext);
serveTasks((task: RunTask, progress) => executor.execute(task, progress));
