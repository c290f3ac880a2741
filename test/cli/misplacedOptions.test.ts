/**
 * An option of one command given to another: commander guessed from the
 * command's own options, and `run --repeat 2` was told "Did you mean
 * --report?" — which wrote an HTML page called "2". In process.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './inProcess.js';

describe('an option that belongs to another command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshtax-misplaced-'));
  const results = join(dir, 's.ndjson');
  const sweep = ['sweep', 'test/fixtures/sweep/small.yaml', '--duration', '2s', '--workers', '1', '-q'];

  it.each([
    [['run', 'topologies/mm1.yaml', '--requests', '200', '--repeat', '2'], 'run', '--repeat', ['run', 'topologies/mm1.yaml', '--requests', '200', '--replications', '2']],
    [['compare', 'topologies/mm1.yaml', '--requests', '200', '--mesh', 'none,linkerd', '--repeat=2'], 'compare', '--repeat', ['compare', 'topologies/mm1.yaml', '--requests', '200', '--mesh', 'none,linkerd', '--replications', '2']],
    [[...sweep, '--set', 'services.backend.workers=1,2', '--replications', '2', '--dry-run'], 'sweep', '--replications', [...sweep, '--set', 'services.backend.workers=1,2', '--repeat', '2', '--dry-run']],
    [[...sweep, '--set', 'services.backend.workers=1,2', '--mesh', 'none', '--dry-run'], 'sweep', '--mesh', [...sweep, '--set', 'services.backend.workers=1,2', '--set', 'mesh=none', '--dry-run']],
  ])('%j names the option that does it', async (argv, command, flag, fixed) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`error[bad-option]: ${command} has no ${flag} option`);
    expect(r.err).not.toContain('Did you mean');
    expect(r.out).toBe('');
    // The option the hint names does what was asked.
    const hinted = /--replications N|--repeat N|--set mesh=/.exec(r.err)?.[0] ?? '';
    expect(fixed.join(' ')).toContain(hinted.replace(' N', ''));
    expect((await cli(...fixed)).code).toBe(0);
  }, 30_000);

  it.each(['run', 'compare', 'validate'])('%s --set is told to edit the file or sweep one point, not "Did you mean --seed?"', async (command) => {
    const r = await cli(command, 'topologies/mm1.yaml', '--set', 'services.server.workers=2');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`error[bad-option]: ${command} has no --set option`);
    expect(r.err).toContain('meshtax sweep FILE --set PATH=VALUE -o out.ndjson');
    expect(r.err).not.toContain('Did you mean');
    expect(r.out).toBe('');
  }, 30_000);

  it('points sweep --x and sweep-report --report at the options that do it, and writes nothing', async () => {
    expect((await cli(...sweep, '--set', 'services.backend.workers=1,2', '-o', results)).code).toBe(0);
    const x = await cli(...sweep, '--set', 'services.backend.workers=1,2', '-o', join(dir, 'x.ndjson'), '--x', 'services.backend.workers');
    expect(x.code).toBe(2);
    expect(x.err).toContain('meshtax sweep-report RESULTS.ndjson --x PATH');
    const page = await cli('sweep-report', results, '--report', join(dir, 'page.html'));
    expect(page.code).toBe(2);
    expect(page.err).toContain('sweep-report writes its page to -o FILE.html');
    expect(readdirSync(dir)).toEqual(['s.ndjson']);
    expect((await cli('sweep-report', results, '--x', 'services.backend.workers', '-o', join(dir, 'page.html'))).code).toBe(0);
  }, 30_000);
});
