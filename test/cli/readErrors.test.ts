import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSystemProblem } from '../../sim/cli/io.js';
import { readCapped } from '../../sim/readCapped.js';

const dir = mkdtempSync(join(tmpdir(), 'meshtax-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a results file that cannot be read is reported as read, not written', () => {
  it('an open that fails in readCapped says "cannot read"', () => {
    const file = join(dir, 'missing', 'sweep.ndjson');
    let problem: ReturnType<typeof fileSystemProblem> = null;
    try {
      readCapped(file, 1024);
    } catch (e) {
      problem = fileSystemProblem(e);
    }
    // Before: "cannot write …" for a file sweep-report, merge and --resume only read.
    expect(problem?.message).toBe(`cannot read ${JSON.stringify(file)}: a directory on the way does not exist or cannot hold files`);
  });

  it('permission denied on a read names the file\'s permissions, not a place to write to', () => {
    // (Tests run as root here, which no permission stops: the error is made as Node makes it.)
    const e = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', syscall: 'read', path: '/data/sweep.ndjson' });
    expect(fileSystemProblem(e)).toEqual({
      message: 'cannot read "/data/sweep.ndjson": permission denied',
      hint: 'check the file\'s permissions, or copy it somewhere you can read it',
    });
    writeFileSync(join(dir, 'ok.ndjson'), '{}\n');
    expect(readCapped(join(dir, 'ok.ndjson'), 1024).bytes?.toString()).toBe('{}\n');
  });
});
