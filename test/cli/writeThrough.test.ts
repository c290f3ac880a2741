import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeAtomically } from '../../sim/writeAtomically.js';
import { checkWritableFile } from '../../sim/cli/io.js';
import { cli } from './inProcess.js';

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

  it('writes through a symlink whose file is not there yet, making that file', () => {
    dir = mkdtempSync(join(tmpdir(), 'meshtax-link-'));
    const link = join(dir, 'latest.json');
    // Relative, as `ln -s runs/7.json latest.json` makes it: resolved from the link's directory.
    symlinkSync(join('runs', '7.json'), link);
    writeAtomically(link, 'new\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'runs', '7.json'), 'utf8')).toBe('new\n');
  });

  it('-o through such a symlink: the check before the run leaves the link, and the results land where it points', async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshtax-link-'));
    const topology = join(dir, 'mm1.yaml'), link = join(dir, 'latest.json'), real = join(dir, 'run-7.json');
    writeFileSync(topology, 'name: mm1\nservices:\n  api: {serviceTime: 1ms}\nentrypoints:\n  web: {target: api, rate: 10/s}\n');
    symlinkSync('run-7.json', link);
    const run = await cli('run', topology, '--duration', '2s', '-q', '-o', link);
    expect(run.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('run-7.json');
    expect(JSON.parse(readFileSync(real, 'utf8')).topology.name).toBe('mm1');

    // The check alone (a run refused after it, or killed before it writes): the link stays, and no empty file where it points.
    const next = join(dir, 'next.json');
    symlinkSync('run-8.json', next);
    checkWritableFile(next);
    expect(lstatSync(next).isSymbolicLink()).toBe(true);
    expect(existsSync(join(dir, 'run-8.json'))).toBe(false);
  });

  it('sweep -o and --report through symlinks to files not made yet, in a directory not made yet', () => {
    dir = mkdtempSync(join(tmpdir(), 'meshtax-link-'));
    const topology = join(dir, 'mm1.yaml'), results = join(dir, 'latest.ndjson'), page = join(dir, 'latest.html');
    writeFileSync(topology, 'name: mm1\nservices:\n  api: {serviceTime: 1ms}\nentrypoints:\n  web: {target: api, rate: 10/s}\n');
    symlinkSync(join('runs', 's.ndjson'), results);
    symlinkSync(join('runs', 's.html'), page);
    // The compiled CLI, as the sweep's tests run it: its runs go to worker threads.
    const r = spawnSync(process.execPath, ['dist/bin/meshtax.js', 'sweep', topology, '--set', 'services.api.workers=1,2',
      '--duration', '2s', '-o', results, '--report', page, '-q'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(lstatSync(results).isSymbolicLink()).toBe(true);
    expect(lstatSync(page).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'runs', 's.ndjson'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readFileSync(join(dir, 'runs', 's.html'), 'utf8')).toMatch(/^<!doctype html>/i);
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
