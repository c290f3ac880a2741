import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = 'dist/bin/meshtax.js';

function meshtax(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('HTML reports from the CLI', () => {
  it('compare --report --charts writes the page and each chart; report re-renders it byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-report-'));
    const json = join(dir, 'b.json'), html = join(dir, 'b.html'), charts = join(dir, 'charts');
    const r = meshtax('compare', 'topologies/bookinfo.yaml', '--duration', '15s', '--mesh', 'none,istio-sidecar,istio-ambient',
      '-o', json, '--report', html, '--charts', charts);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${json}\n`);
    expect(r.stdout).toContain(`wrote ${html} — open it in a browser: file://${html}\n`);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain('<h1>bookinfo</h1>');

    const files = readdirSync(charts).sort();
    expect(files).toContain('latency-cdf.vl.json');
    expect(files).toContain('latency-cdf.svg');
    expect(files).toContain('service-graph.svg');
    for (const f of files.filter((f) => f.endsWith('.vl.json'))) {
      expect(JSON.parse(readFileSync(join(charts, f), 'utf8')).$schema).toMatch(/vega-lite\/v6/);
      expect(readFileSync(join(charts, f.replace('.vl.json', '.svg')), 'utf8')).toMatch(/^<svg/);
    }

    const again = join(dir, 'again.html'), charts2 = join(dir, 'charts2');
    const re = meshtax('report', json, '-o', again, '--charts', charts2, '-q');
    expect(re).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(again, 'utf8')).toBe(page);
    for (const f of files) expect(readFileSync(join(charts2, f), 'utf8')).toBe(readFileSync(join(charts, f), 'utf8'));
  });

  it('run --report works beside JSON on stdout, saying where the report went on stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-report-'));
    const html = join(dir, 'run.html');
    const r = meshtax('run', 'topologies/mm1.yaml', '--duration', '100s', '--json', '--report', html);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).topology.name).toBe('mm1');
    expect(r.stderr).toContain(`wrote ${html}`);
    expect(readFileSync(html, 'utf8')).toContain('meshtax run report');
  });

  it('report defaults the output name, and rejects what is not a results file with exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-report-'));
    const json = join(dir, 'mm1.json');
    expect(meshtax('run', 'topologies/mm1.yaml', '--duration', '60s', '-q', '-o', json).code).toBe(0);
    expect(meshtax('report', json, '-q').code).toBe(0);
    expect(existsSync(join(dir, 'mm1.html'))).toBe(true);
    const csv = meshtax('report', json, '--csv', join(dir, 'mm1.csv'));
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain('--csv applies only to sweep results');
    expect(csv.stderr).toContain('hint: ' + json + ' holds run results; for their CSV, run `meshtax run … --csv`');

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"meshtax": {"version": "0.0.1", "format": 99}}');
    const r = meshtax('report', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('results format 99, but this meshtax reads format 1');
    const notJson = meshtax('report', 'topologies/mm1.yaml');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('error[wrong-kind-of-file]: topologies/mm1.yaml: this is a topology');
    const yaml = join(dir, 'notes.yaml');
    writeFileSync(yaml, '# notes\nnot: [a, topology]\n');
    expect(meshtax('report', yaml).stderr).toContain('not valid JSON');
    const missing = meshtax('report', join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    // Worded as a topology that cannot be read: the file named as the one that cannot be read.
    expect(missing.stderr).toContain(`error[file-not-found]: cannot read ${JSON.stringify(join(dir, 'nope.json'))}: no such file`);
    // A sweep's NDJSON named to report: fixing the path alone would be refused next, so the hint names sweep-report.
    const sweepFile = meshtax('report', join(dir, 'nope.ndjson'));
    expect(sweepFile.stderr).toContain('hint: check the path; sweep results (NDJSON) are rendered by meshtax sweep-report');
    // A comma dropped: the place, as line:column before the code, and the line with a caret, as a topology's syntax error.
    const text = readFileSync(json, 'utf8');
    const comma = text.indexOf('"target"') - 1;
    const cut = text.slice(0, text.lastIndexOf(',', comma)) + text.slice(text.lastIndexOf(',', comma) + 1);
    const syntax = join(dir, 'syntax.json');
    writeFileSync(syntax, cut);
    const line = cut.slice(0, cut.indexOf('"target"')).split('\n').length;
    const at = meshtax('report', syntax);
    expect(at.code).toBe(2);
    expect(at.stderr).toMatch(new RegExp(`^${syntax.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+: error\\[bad-results\\]: not valid JSON`));
    expect(at.stderr).toContain(`\n ${String(line).padStart(4)} |         "target"`);
    // A value deep inside gone: a bad-input error, not an internal one.
    const doc = JSON.parse(text);
    delete doc.entrypoints[0].latency;
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, JSON.stringify(doc));
    const e = meshtax('report', edited);
    expect(e.code).toBe(2);
    // The latency a report shows is checked by name, as its numbers are; a value deeper still is found missing when it is read.
    expect(e.stderr).toContain(`error[bad-results]: ${edited}: entrypoints[0] ("clients").latency is not an object`);
    expect(e.stderr).not.toContain('internal error');
    const deeper = JSON.parse(text);
    delete deeper.entrypoints[0].decomposition;
    writeFileSync(edited, JSON.stringify(deeper));
    const d = meshtax('report', edited);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain(`error[bad-results]: ${edited}: the results lack a value the report reads`);
    expect(d.stderr).not.toContain('internal error');
  });
});
