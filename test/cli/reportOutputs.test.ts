/**
 * `meshtax report` checks every output before writing any, as run and
 * compare do; a --charts that is a file is named as the user wrote it.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './inProcess.js';

describe('report outputs', () => {
  it('refuses a --charts that cannot be a directory before writing the page, and names it, not a probe file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-report-out-'));
    const results = join(dir, 'mm1.json');
    expect((await cli('run', 'topologies/mm1.yaml', '--requests', '200', '-o', results, '-q')).code).toBe(0);
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'a file, not a directory\n');
    const page = join(dir, 'mm1.html');
    const r = await cli('report', results, '-o', page, '--charts', file);
    expect(r.code).toBe(2);
    // As a topology that cannot be read is told (error[file-unreadable]: cannot read …), not "meshtax: error: …".
    expect(r.err).toBe(`error[file-unwritable]: cannot write ${JSON.stringify(file)}: a part of the path is a file, not a directory\n` +
      '  hint: check the path\n\n1 error, 0 warnings\n');
    expect(r.err).not.toContain('.meshtax-write-check');
    expect(existsSync(page)).toBe(false);
  });
});
