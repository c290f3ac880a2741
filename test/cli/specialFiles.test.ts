/**
 * Input files that never end: a symlink to /dev/zero given as a topology, a
 * mesh profile or a results file used to be read until memory ran out. Each
 * is refused as too large, at once, with exit 2. Spawns the compiled CLI
 * (`npm run build` first) under a memory limit and a timeout, so a regression
 * fails the test instead of eating the machine.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, symlinkSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = 'dist/bin/meshtax.js';

function meshtax(...args: string[]): { code: number | null; signal: string | null; stderr: string } {
  // 3 GB of address space: the unfixed read of /dev/zero died of it within seconds rather than taking the machine's memory.
  const r = spawnSync('sh', ['-c', 'ulimit -v 3000000; exec "$0" "$@"', process.execPath, CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'meshtax-special-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function zero(name: string): string {
  const file = join(dir, name);
  symlinkSync('/dev/zero', file);
  return file;
}

describe('a file that never ends is refused as too large', () => {
  it('as a topology, and as a --mesh profile', () => {
    const z = zero('z.yaml');
    for (const args of [['validate', z], ['validate', 'topologies/mm1.yaml', '--mesh', z]]) {
      const r = meshtax(...args);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error[file-too-large]: cannot read ${JSON.stringify(z)}: it holds more than 64 MiB`);
      expect(r.stderr).toContain('hint: is it the file you meant?');
    }
  });

  it('as results given to report, sweep-report and merge', () => {
    const json = zero('z.json');
    const ndjson = zero('z.ndjson');
    for (const args of [['report', json], ['sweep-report', ndjson], ['merge', ndjson, '-o', join(dir, 'all.ndjson')]]) {
      const r = meshtax(...args);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('error[file-too-large]');
      expect(r.stderr).toContain('it holds more than 64 MiB, too large for a results file');
      expect(r.stderr).not.toContain('internal error');
    }
  });

  it('a regular file over the cap is refused by its size, without reading it', () => {
    const file = join(dir, 'huge.yaml');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 65 * 1024 * 1024);
    closeSync(fd);
    const r = meshtax('validate', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('it holds more than 64 MiB');
  });
});
