/**
 * Options as the README's table documents them, checked against the CLI a
 * new user runs (found by a review that followed the README top to bottom).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './inProcess.js';

const dir = mkdtempSync(join(tmpdir(), 'meshtax-readme-options-'));

describe('options the README documents', () => {
  it('validate takes -q, as the table says every command does: nothing but errors', async () => {
    // Valid, with a warning (sameNode left to default under a mesh).
    const warned = join(dir, 'warned.yaml');
    writeFileSync(warned, `name: warned
mesh: istio-sidecar
network: {sameZone: 80us}
services:
  api: {serviceTime: 1ms}
entrypoints:
  web: {target: api, rate: 10/s}
`);
    const loud = await cli('validate', warned);
    expect(loud.code).toBe(0);
    expect(loud.err).toContain('warning[default-same-node]');
    expect(loud.out).toContain('ok');
    const quiet = await cli('validate', warned, '-q');
    expect(quiet.code).toBe(0);
    expect(quiet.out).toBe('');
    expect(quiet.err).toBe('');
    const long = await cli('validate', warned, '--quiet', '--mesh', 'none,linkerd');
    expect(long.code).toBe(0);
    expect(long.out + long.err).toBe('');

    // Invalid: the error still shows, and the exit code says so.
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `name: bad
services:
  api: {serviceTime: 1ms, calls: [pyments]}
  payments: {serviceTime: 1ms}
entrypoints:
  web: {target: api, rate: 10/s}
`);
    const failed = await cli('validate', bad, '-q');
    expect(failed.code).toBe(2);
    expect(failed.err).toContain('error[unknown-service]');
    expect(failed.out).toBe('');
  });

  it("compare's --help says what the baseline is when none is not in the list, as the README does", async () => {
    const help = await cli('compare', '--help');
    expect(help.code).toBe(0);
    const text = help.out.replace(/\s+/g, ' ');
    expect(text).toContain('the baseline is "none", or the first profile when "none" is not listed');
  });
});
