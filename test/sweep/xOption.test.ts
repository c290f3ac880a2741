/**
 * `--x PATH` names a swept parameter as `--set` names it: the results key
 * it by its canonical path, and the other spellings `--set` takes
 * (`timeline.0.at`, `services["backend"].workers`) must find it too. In process.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/inProcess.js';

describe('sweep-report --x', () => {
  it('takes a parameter in any spelling --set takes, and draws the report its canonical spelling draws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-x-'));
    const results = join(dir, 'r.ndjson');
    const swept = await cli('sweep', 'test/fixtures/sweep/small.yaml', '--set', 'services.backend.workers=2,3', '--set', 'entrypoints.web.rate=50/s,100/s',
      '--duration', '2s', '-o', results, '--workers', '1', '-q');
    expect(swept.code, swept.err).toBe(0);
    const page = async (x: string, name: string): Promise<string> => {
      const r = await cli('sweep-report', results, '-o', join(dir, name), '--x', x, '-q');
      // Before: exit 2, `--x "services[\"backend\"].workers": not a parameter of this sweep`, its hint listing services.backend.workers.
      expect(r.code, r.err).toBe(0);
      return readFileSync(join(dir, name), 'utf8');
    };
    const canonical = await page('services.backend.workers', 'a.html');
    expect(await page('services["backend"].workers', 'b.html')).toBe(canonical);
    expect(await page('services.backend["workers"]', 'c.html')).toBe(canonical);
    // A path that names nothing swept is still refused, with the parameters.
    const bad = await cli('sweep-report', results, '-o', join(dir, 'd.html'), '--x', 'services.frontend.workers');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('the parameters are: entrypoints.web.rate, services.backend.workers');
  });
});
