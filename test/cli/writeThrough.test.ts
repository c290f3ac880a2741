import { spawn, execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeAtomically } from '../../sim/writeAtomically.js';

describe('writing an output (-o, --report) that is not a plain file', () => {
  let dir = '';
  afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('writes through a symlink, keeping the link', () => {
    dir = mkdtempSync(join(tmpdir(), 'meshtax-link-'));
    const real = join(dir, 'real.json'), link = join(dir, 'link.json');
    writeFileSync(real, 'old\n');
    symlinkSync(real, link);
    writeAtomically(link, 'new\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('new\n');
  });

  it.skipIf(process.platform === 'win32')('writes into a FIFO for its reader rather than renaming a file over it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshtax-fifo-'));
    const fifo = join(dir, 'out.json');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (b: Buffer) => { got += b.toString(); });
    const done = new Promise<void>((resolve) => reader.on('close', () => resolve()));
    writeAtomically(fifo, '{"ok": true}\n');
    const stillFifo = lstatSync(fifo).isFIFO();
    // Replaced by a file, the FIFO's reader would wait for a writer for ever.
    if (!stillFifo) reader.kill();
    await done;
    expect(stillFifo).toBe(true);
    expect(got).toBe('{"ok": true}\n');
  });
});
