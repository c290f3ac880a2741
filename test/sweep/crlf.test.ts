/**
 * A results file whose lines end in CRLF (a shard copied through a Windows
 * share or a tool that rewrites line ends) was accepted, but each line's
 * `\r` was copied into the merged or resumed file: the merge of the shards
 * then differed byte for byte from the single-process file it promises.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDefinition, mergeResults, planSweep, runSweep } from '../../sim/index.js';

const FILE = 'test/fixtures/sweep/small.yaml';
const plan = planSweep(FILE, readFileSync(FILE, 'utf8'), buildDefinition(['entrypoints.web.rate=20/s,30/s,40/s'], undefined, undefined).definition!, { duration: 2 }).plan!;
const crlf = (text: string) => text.replace(/\n/g, '\r\n');

describe('results files with CRLF line ends', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshtax-crlf-'));
  const whole = join(dir, 'whole.ndjson');

  it('merge to the single-process file byte for byte', async () => {
    expect((await runSweep(plan, { output: whole, workers: 1 })).status).toBe('complete');
    const shards = [0, 1].map((index) => join(dir, `shard-${index}.ndjson`));
    for (const [index, output] of shards.entries()) {
      expect((await runSweep(plan, { output, workers: 1, shard: { index, count: 2 } })).status).toBe('complete');
    }
    writeFileSync(shards[1], crlf(readFileSync(shards[1], 'utf8')));
    const merged = mergeResults(shards);
    expect(merged.diagnostics).toEqual([]);
    expect(merged.text).toBe(readFileSync(whole, 'utf8'));
  }, 60_000);

  it('resume to the canonical file, as the sweep wrote it', async () => {
    const copy = join(dir, 'copy.ndjson');
    const canonical = readFileSync(whole, 'utf8');
    writeFileSync(copy, crlf(canonical));
    const outcome = await runSweep(plan, { output: copy, workers: 1, resume: true });
    expect([outcome.status, outcome.saved]).toEqual(['complete', 3]);
    expect(readFileSync(copy, 'utf8')).toBe(canonical);
  }, 60_000);
});
