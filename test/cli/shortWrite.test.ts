import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// A disk filling up: write() takes at most `room` bytes in all, then fails with ENOSPC (no path, as the kernel's does).
const disk = vi.hoisted(() => ({ room: Infinity, perCall: Infinity }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = (fd: number, data: string | NodeJS.ArrayBufferView, offset?: number | null, length?: number): number => {
    const buf = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const start = typeof data === 'string' ? 0 : (offset ?? 0);
    const want = typeof data === 'string' ? buf.length : (length ?? buf.length - start);
    if (want > 0 && disk.room <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    const n = Math.min(want, disk.room, disk.perCall);
    disk.room -= n;
    return fs.writeSync(fd, buf, start, n);
  };
  return { ...fs, writeSync, default: { ...fs, writeSync } };
});

const { writeAtomically } = await import('../../sim/writeAtomically.js');
const { fileSystemProblem } = await import('../../sim/cli/io.js');
const { cli } = await import('./inProcess.js');

describe('an output written while the disk fills up', () => {
  let dir = '';
  afterEach(() => {
    disk.room = Infinity;
    disk.perCall = Infinity;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes every byte when write() takes the text in parts', () => {
    dir = mkdtempSync(join(tmpdir(), 'meshtax-short-'));
    const file = join(dir, 'r.json');
    const text = `${'x'.repeat(5000)}é\n`;
    disk.perCall = 1000;
    writeAtomically(file, text);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('keeps the old file and names the path when the disk is full', () => {
    dir = mkdtempSync(join(tmpdir(), 'meshtax-full-'));
    const file = join(dir, 'r.json');
    writeFileSync(file, 'old\n');
    disk.room = 1000;
    let thrown: unknown;
    try { writeAtomically(file, 'y'.repeat(5000)); } catch (e) { thrown = e; }
    expect(thrown).toBeInstanceOf(Error);
    expect(fileSystemProblem(thrown)?.message).toBe(`cannot write ${JSON.stringify(file)}: no space left on the device`);
    expect(readFileSync(file, 'utf8')).toBe('old\n');
  });

  it('run -o on a full disk is exit 2 with why, not a truncated file reported as written', async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshtax-full-cli-'));
    const file = join(dir, 'r.json');
    disk.room = 4096;
    const r = await cli('run', 'topologies/mm1.yaml', '--requests', '100', '-o', file, '-q');
    expect(r.err).toContain('no space left on the device');
    expect(r.err).not.toContain('internal error');
    expect(r.code).toBe(2);
  });
});
