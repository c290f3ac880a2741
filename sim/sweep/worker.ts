/**
 * A worker thread of a sweep: receives runs, answers with their NDJSON
 * lines. It does not write files; the main thread does, one line at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RunExecutor, type RunContext, type RunTask } from './execute.js';

export type WorkerReply =
  | { type: 'done'; run: number; line: string }
  | { type: 'failed'; run: number; message: string; stack?: string };

const port = parentPort;
if (port === null) throw new Error('sim/sweep/worker runs only as a worker thread');
const executor = new RunExecutor(workerData as RunContext);
port.on('message', (task: RunTask) => {
  let reply: WorkerReply;
  try {
    reply = { type: 'done', run: task.run, line: executor.execute(task) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { type: 'failed', run: task.run, message: err.message, stack: err.stack };
  }
  port.postMessage(reply);
});
