/**
 * `--workers N` past the number of cores: every thread holds a copy of the
 * simulation (about 25 MB compiled, far more from source), and the work is
 * all CPU, so `--workers 1000` on a sweep of a thousand runs started a
 * thousand threads and ran out of memory. In process.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as pool from '../../sim/parallel/pool.js';
import { cli } from '../cli/inProcess.js';

describe('--workers beyond the cores', () => {
  it('runs on one thread a core at most, with the same results', async () => {
    const cores = Math.max(1, availableParallelism());
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-workers-'));
    const sweep = (workers: string, out: string) => cli('sweep', 'test/fixtures/sweep/small.yaml', '--set', 'services.backend.workers=2,3,4',
      '--duration', '2s', '-o', join(dir, out), '--workers', workers);
    const many = await sweep('1000', 'many.ndjson');
    expect(many.code, many.err).toBe(0);
    // Before: "on 1000 workers", and a thread started for each of the runs.
    expect(many.err).toContain(`3 runs (3 points) on ${cores} worker${cores === 1 ? '' : 's'} →`);
    expect((await sweep('1', 'one.ndjson')).code).toBe(0);
    expect(readFileSync(join(dir, 'many.ndjson'), 'utf8')).toBe(readFileSync(join(dir, 'one.ndjson'), 'utf8'));
    // compare takes its threads the same way.
    expect(pool.workersFor(1000)).toBe(cores);
    expect(pool.workersFor(undefined)).toBe(cores);
    expect(pool.workersFor(1)).toBe(1);
  });
});
