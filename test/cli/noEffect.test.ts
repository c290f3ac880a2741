/**
 * A setting that did nothing, from the command line: validate and run warn of it on stderr as before, and the results file
 * (`-o x.json`) now carries it in `warnings`, so `meshtax report` of that file says it too.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './inProcess.js';

const TOPOLOGY = [
  'name: idle-retries',
  'simulation: {seed: 3, duration: 4s, warmup: 1s}',
  'services:',
  '  front: {replicas: 2, workers: 8, serviceTime: 1ms, calls: [api]}',
  '  api: {replicas: 2, workers: 8, serviceTime: 2ms, resilience: {retries: {attempts: 3}}}',
  'entrypoints:',
  '  web: {target: front, rate: 50/s}',
  '',
].join('\n');

describe('no-effect warnings in saved results', () => {
  it('compare -o writes them per mode; report renders them; the warning on stderr is as before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-no-effect-'));
    const file = join(dir, 'idle.yaml');
    writeFileSync(file, TOPOLOGY);
    const out = join(dir, 'idle.json');
    const r = await cli('compare', file, '--mesh', 'none,istio-ambient', '--workers', '1', '-o', out);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`${file}:5:65: warning[no-effect]: services.api.resilience.retries: resilience.retries of "api" has no effect`);
    const saved = JSON.parse(readFileSync(out, 'utf8')) as { runs: Array<{ warnings: Array<{ code: string; subject: string }> }> };
    expect(saved.runs.map((run) => run.warnings.map((w) => `${w.code} ${w.subject}`))).toEqual([[], ['no-effect services.api.resilience.retries']]);
    expect(r.out).toContain('\nWarnings\n  istio-ambient: services.api.resilience.retries did nothing: resilience.retries of "api" has no effect');
    const page = join(dir, 'idle.html');
    expect((await cli('report', out, '-o', page)).code).toBe(0);
    expect(readFileSync(page, 'utf8')).toContain('<p class="no-effect">Under <strong>istio-ambient</strong>, a setting did nothing: <strong>services.api.resilience.retries</strong>');
  });
});
