import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { threadCount } from '../../sim/parallel/pool.js';

describe('threads for a library caller (runSweep, compareMeshesParallel)', () => {
  it('starts at most one a core, as the CLI does', () => {
    // Each thread holds a copy of the simulation (~25 MB): {workers: 1000} started a thousand.
    expect(threadCount(1000)).toBe(Math.max(1, availableParallelism()));
    expect(threadCount(1)).toBe(1);
    expect(threadCount(undefined)).toBe(Math.max(1, availableParallelism()));
    // Below one thread is one thread; NaN is refused (it started none and never settled).
    expect(threadCount(0)).toBe(1);
    expect(() => threadCount(NaN)).toThrow(/--workers NaN/);
  });
});
