/**
 * An option where an output file name belongs (`-o --json`, `-o -q`): the
 * parser takes the flag as the file, so the run wrote a file called
 * "--json" and dropped the flag without a word. In process.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './inProcess.js';

describe('output names', () => {
  // Without the check these runs leave files called "--json" and "-q" in the checkout.
  afterAll(() => { for (const f of ['--json', '-q']) rmSync(f, { force: true }); });

  it('refuses an option given where an output file name belongs, and writes nothing', async () => {
    const before = readdirSync('.');
    for (const argv of [
      ['run', 'topologies/mm1.yaml', '--requests', '200', '-o', '--json'],
      ['run', 'topologies/mm1.yaml', '--requests', '200', '-o', '-q'],
      ['compare', 'topologies/mm1.yaml', '--requests', '200', '--mesh', 'none', '--report', '--json'],
    ]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/: looks like an option, not a file name/);
      expect(r.out).toBe('');
    }
    expect(readdirSync('.')).toEqual(before);
    expect(existsSync('--json')).toBe(false);
  });

  it('refuses to write an HTML page under a data file\'s name (a later report would read it as results)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-html-names-'));
    const results = join(dir, 'r.json');
    expect((await cli('run', 'topologies/mm1.yaml', '--requests', '200', '-o', results, '-q')).code).toBe(0);
    for (const [argv, flag, kind] of [
      [['run', 'topologies/mm1.yaml', '--requests', '200', '--report', join(dir, 'page.json')], '--report', 'JSON'],
      [['compare', 'topologies/mm1.yaml', '--requests', '200', '--mesh', 'none', '--report', join(dir, 'page.CSV')], '--report', 'CSV'],
      [['report', results, '-o', join(dir, 'page.csv')], '-o', 'CSV'],
      [['report', results, '-o', join(dir, 'page.yaml')], '-o', 'YAML'],
    ] as const) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain(`writes an HTML page, not ${kind}`);
      expect(r.err).toContain(`${flag} `);
    }
    expect(readdirSync(dir)).toEqual(['r.json']);
    // An .html page, or a name with no extension, is written.
    expect((await cli('report', results, '-o', join(dir, 'page.html'), '-q')).code).toBe(0);
    expect((await cli('report', results, '-o', join(dir, 'page'), '-q')).code).toBe(0);
  });

  it('refuses an empty output name (an unset shell variable) rather than skip the output, or start a sweep it cannot save', async () => {
    // Before: --charts "" and --csv "" were taken for "not given" and silently wrote nothing (exit 0),
    // and sweep -o "" started its runs and only then failed to write them.
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-empty-names-'));
    const results = join(dir, 's.ndjson');
    expect((await cli('sweep', 'test/fixtures/sweep/small.yaml', '--set', 'services.backend.workers=2', '--duration', '2s', '-o', results, '--workers', '1', '-q')).code).toBe(0);
    for (const [argv, flag] of [
      [['run', 'topologies/mm1.yaml', '--requests', '200', '--charts', ''], '--charts'],
      [['compare', 'topologies/mm1.yaml', '--requests', '200', '--mesh', 'none', '--report', ''], '--report'],
      [['sweep', 'test/fixtures/sweep/small.yaml', '--set', 'services.backend.workers=2', '-o', ''], '-o'],
      [['sweep-report', results, '-o', join(dir, 'page.html'), '--csv', ''], '--csv'],
      [['merge', results, '-o', ''], '-o'],
    ] as const) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toContain(`error[bad-option]: ${flag} "": an empty name where a ${flag === '--charts' ? 'directory' : 'file'} belongs`);
      expect(r.out, argv.join(' ')).toBe('');
    }
    expect(readdirSync(dir)).toEqual(['s.ndjson']);
  });

  it('sweep-report checks its --csv before it writes the page, as run and compare check every output first', async () => {
    // Before: the page was written, then the --csv (a directory) failed with exit 2, leaving the page behind.
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-sweep-outputs-'));
    const results = join(dir, 's.ndjson');
    expect((await cli('sweep', 'test/fixtures/sweep/small.yaml', '--set', 'services.backend.workers=2', '--duration', '2s', '-o', results, '--workers', '1', '-q')).code).toBe(0);
    for (const command of ['sweep-report', 'report']) {
      const r = await cli(command, results, '-o', join(dir, 'page.html'), '--csv', dir);
      expect(r.code, command).toBe(2);
      expect(r.err, command).toContain('it is a directory');
      expect(readdirSync(dir).sort(), command).toEqual(['s.ndjson']);
    }
  });

  it('a page named as the data file it would overwrite: every hint names a page that works', async () => {
    // Before: a second error, same-path, hinted "--report s-2.ndjson" (or "-o r-2.json"),
    // which the first error refuses in turn for its data extension.
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-page-clash-'));
    const results = join(dir, 'r.json');
    expect((await cli('run', 'topologies/mm1.yaml', '--requests', '200', '-o', results, '-q')).code).toBe(0);
    const sweepResults = join(dir, 's.ndjson');
    const sweep = ['sweep', 'test/fixtures/sweep/small.yaml', '--set', 'services.backend.workers=2', '--duration', '2s', '-o', sweepResults, '--workers', '1', '-q'];
    for (const [argv, flag, clashing] of [
      [sweep, '--report', sweepResults],
      [['report', results, '-q'], '-o', results],
    ] as const) {
      const r = await cli(...argv, flag, clashing);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toContain('error[same-path]');
      const hinted = [...r.err.matchAll(/for example (\S+?)(?:;|\n|$)/g)].map((m) => m[1] ?? '');
      const page = join(dir, clashing.endsWith('.json') ? 'r.html' : 's.html');
      expect(hinted, argv.join(' ')).toEqual([page, page]);
      for (const name of new Set(hinted)) expect((await cli(...argv, flag, name)).code, `${argv.join(' ')} ${flag} ${name}`).toBe(0);
    }
  });

  it('suggests a directory, not a file, when --charts names another input or output', async () => {
    // Before: "give --charts a file of its own, for example topologies/mm1-2.yaml": --charts takes a directory.
    const r = await cli('run', 'topologies/mm1.yaml', '--requests', '200', '--charts', 'topologies/mm1.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toContain('error[same-path]: --charts "topologies/mm1.yaml" is the topology file');
    expect(r.err).toContain('hint: give --charts a directory of its own, for example topologies/mm1-charts\n');
  });
});
