/** Work done on a CPU on a request's behalf: app work, a proxy traversal, telemetry, a handshake. */
export const TASK_APP = 0;
export const TASK_PROXY = 1;
export const TASK_TELEMETRY = 2;
export const TASK_HANDSHAKE = 3;

export class Task {
  kind = TASK_APP;
  /** The frame it works for (-1 for telemetry once the frame has moved on). */
  frame = -1;
  /** The frame's generation when the task was made, to recognise a frame reused since. */
  frameGen = 0;
  proxy = -1;
  service = -1;
  work = 0;
  telemetry = 0;
  enqueued = 0;
  started = 0;
}

/** Pooled tasks, so a busy run allocates none once warmed up. */
export class TaskPool {
  readonly items: Task[] = [];
  private readonly free: number[] = [];

  alloc(): number {
    if (this.free.length > 0) return this.free.pop() as number;
    this.items.push(new Task());
    return this.items.length - 1;
  }

  release(i: number): void {
    const t = this.items[i];
    t.frame = -1;
    t.proxy = -1;
    t.service = -1;
    t.telemetry = 0;
    this.free.push(i);
  }
}
