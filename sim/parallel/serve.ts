/**
 * The worker thread's side of the pool (pool.ts): answer each task with its
 * result or its error. A worker module is one call: `serveTasks(handler)`.
 */
import { parentPort } from 'node:worker_threads';
import { serializeError, type SerializedError } from './errors.js';

/** Main thread → worker: the task at `index` of the pool's list. */
export interface TaskMessage<T> {
  index: number;
  task: T;
}

/** Worker → main thread: the result or the error, and before them any word of progress. */
export type TaskReply<R> =
  | { index: number; ok: true; value: R }
  | { index: number; ok: false; error: SerializedError }
  | { index: number; progress: number };

/** `handle` may report the share of its task done (0–1) as it goes; the pool hands it on. */
export function serveTasks<T, R>(handle: (task: T, progress: (fraction: number) => void) => R): void {
  const port = parentPort;
  if (port === null) throw new Error('a pool worker module runs only as a worker thread');
  port.on('message', (message: TaskMessage<T>) => {
    let reply: TaskReply<R>;
    const progress = (fraction: number): void => port.postMessage({ index: message.index, progress: fraction } satisfies TaskReply<R>);
    try {
      reply = { index: message.index, ok: true, value: handle(message.task, progress) };
    } catch (e) {
      reply = { index: message.index, ok: false, error: serializeError(e) };
    }
    port.postMessage(reply);
  });
}
