import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The pool's threads run compiled modules: test the dist/ the suite's setup built.
const dist = (await import(new URL('../../dist/sim/index.js', import.meta.url).href)) as typeof import('../../sim/index.js');

const FILE = 'test/fixtures/sweep/small.yaml';

describe('sweep progress from the worker threads', () => {
  it('reports the runs in progress by their shares, and leaves the results as they were', async () => {
    const built = dist.buildDefinition(['entrypoints.web.rate=50/s,100/s,150/s'], undefined, undefined);
    const { plan } = dist.planSweep(FILE, readFileSync(FILE, 'utf8'), built.definition!, { duration: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-sweep-progress-'));
    const states: Array<{ done: number; running: number }> = [];
    const watched = join(dir, 'watched.ndjson');
    const outcome = await dist.runSweep(plan!, {
      output: watched, workers: 2, onProgress: (s) => states.push({ done: s.done, running: s.running ?? 0 }),
    });
    expect(outcome.status).toBe('complete');
    // Each run's last share (1) arrives before its result: it shows as running, then as done.
    expect(states.some((s) => s.running > 0 && s.done < 3)).toBe(true);
    expect(states.every((s) => s.running >= 0 && s.running <= 2 && s.done + s.running <= 3)).toBe(true);
    expect(states.at(-1)).toEqual({ done: 3, running: 0 });
    const plain = join(dir, 'plain.ndjson');
    await dist.runSweep(plan!, { output: plain, workers: 2 });
    expect(readFileSync(watched, 'utf8')).toBe(readFileSync(plain, 'utf8'));
  });
});
