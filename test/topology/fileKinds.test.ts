/**
 * A meshtax file of one kind given where another belongs — results or a
 * sweep file as --mesh, a topology, profile or results as --sweep — is named
 * as what it is, at the file's place, rather than as a list of keys the
 * expected kind lacks or does not know; and the hints for an empty,
 * shapeless or many-document file speak of the kind of file that was
 * expected, a sweep file's with its position like a topology's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';
import { loadMeshProfileSource } from '../../sim/mesh/loadProfile.js';
import { readSweepFile } from '../../sim/sweep/definition.js';
import { loadTopologySource } from '../../sim/topology/load.js';
import { parseResults } from '../../reports/readResults.js';

const dir = mkdtempSync(join(tmpdir(), 'meshtax-file-kinds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const TOPOLOGY = 'name: t\nservices: {a: {serviceTime: 1ms}}\nentrypoints: {web: {target: a, rate: 10/s}}\n';
/** The head of what `run -o r.json` writes: it has entrypoints, as a topology does. */
const RESULTS = '{"meshtax": {"version": "0.1.0", "format": 1}, "topology": {"name": "t"}, "entrypoints": []}\n';
const SWEEP = 'grid: {services.a.workers: [1, 2]}\n';
const PROFILE = readFileSync('topologies/meshes/linkerd.yaml', 'utf8');

describe('a file of another kind given as a mesh profile', () => {
  it('names results as results, not as a topology', () => {
    const { diagnostics } = loadMeshProfileSource(RESULTS, 'r.json');
    expect(diagnostics.map((d) => d.code)).toEqual(['wrong-kind-of-file']);
    expect(diagnostics[0].message).toMatch(/^this is a results file written by meshtax run or compare .*, not a mesh profile$/);
    expect(diagnostics[0].hint).toMatch(/^render it with meshtax report r\.json; give --mesh a bundled name/);
  });

  it('names a sweep file as one, not as the keys a profile misses', () => {
    const { diagnostics } = loadMeshProfileSource(SWEEP, 's.yaml');
    expect(diagnostics.map((d) => d.code)).toEqual(['wrong-kind-of-file']);
    expect(diagnostics[0].message).toBe('this is a sweep file (it has grid or points and no services), not a mesh profile');
    expect(diagnostics[0].hint).toBe('give it to a sweep: meshtax sweep TOPOLOGY.yaml --sweep s.yaml');
  });

  it('says a profile file holds one document, not a topology file', () => {
    const { diagnostics } = loadMeshProfileSource('name: x\n---\nname: y\n', 'p.yaml');
    expect(diagnostics[0].hint).toBe('a mesh profile file holds one YAML document; remove the `---` separators');
  });
});

describe('a file of another kind given as a sweep file', () => {
  it.each([
    ['topology', 't.yaml', TOPOLOGY, 'this is a topology (it has services or entry points), not a sweep file', /^the topology is sweep's first argument: meshtax sweep .*t\.yaml --sweep SWEEP\.yaml/],
    ['mesh profile', 'p.yaml', PROFILE, 'this is a mesh profile (it has mode and no services), not a sweep file', /^sweep over it as a mesh: grid: \{mesh: \[none, PROFILE\.yaml\]\}/],
    ['results file', 'r.json', RESULTS, /^this is a results file written by meshtax run or compare .*, not a sweep file$/, /^render it with meshtax report .*r\.json/],
  ])('names a %s as such, once, at its place', (_, name, text, message, hint) => {
    const { definition, diagnostics } = readSweepFile(write(name, text));
    expect(definition).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(['wrong-kind-of-file']);
    expect(diagnostics[0].message).toMatch(message);
    expect(diagnostics[0].hint).toMatch(hint);
    expect(diagnostics[0].location?.line).toBeGreaterThan(0);
  });

  it('still reads a sweep file whose keys are a sweep file\'s', () => {
    const { definition, diagnostics } = readSweepFile(write('ok.yaml', SWEEP));
    expect(diagnostics).toEqual([]);
    expect(definition?.axes.map((a) => a.key)).toEqual(['services.a.workers']);
  });

  it.each([
    ['empty', ''],
    ['only a comment', '# nothing yet\n'],
    ['null', 'null\n'],
  ])('places an empty sweep file (%s) at 1:1 with a sweep file\'s hint', (_, text) => {
    const file = write('empty.yaml', text);
    const { diagnostics } = readSweepFile(file);
    expect(diagnostics.map((d) => d.code)).toEqual(['empty-file']);
    expect(formatDiagnostics(diagnostics)).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:1: error\\[empty-file\\]`));
    expect(diagnostics[0].hint).toMatch(/^a sweep file holds grid:/);
  });

  it('says a sweep file holds one document, not a topology file', () => {
    const { diagnostics } = readSweepFile(write('two.yaml', `${SWEEP}---\n${SWEEP}`));
    expect(diagnostics[0].hint).toBe('a sweep file holds one YAML document; remove the `---` separators');
  });
});

describe('a file meshtax writes given where a YAML file belongs', () => {
  const record = (run: number): string => `${JSON.stringify({ sweep: { id: 'd18f90ea2d261611', name: 't' }, run, point: run, repeat: 0, params: {}, seed: 1, summary: {} })}\n`;
  const page = '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>t</title></head>\n<body></body>\n</html>\n';

  it('names an HTML report, not the YAML syntax it breaks', () => {
    // Before: "Implicit keys need to be on a single line", with a hint about indentation.
    const { diagnostics } = loadTopologySource(page, 'report.html');
    expect(diagnostics.map((d) => d.code)).toEqual(['wrong-kind-of-file']);
    expect(diagnostics[0].message).toBe('this is an HTML page (a meshtax report?), not a topology');
    expect(readSweepFile(write('report.html', page)).diagnostics[0].message).toBe('this is an HTML page (a meshtax report?), not a sweep file');
    // `meshtax report out/x.html`, the page given back as results: before, "not valid JSON (Unexpected token '<' …)".
    const results = parseResults(page, 'report.html').diagnostics;
    expect(results.map((d) => d.code)).toEqual(['wrong-kind-of-file']);
    expect(results[0].message).toBe('report.html: this is an HTML page (a meshtax report?), not results');
  });

  it('names a sweep\'s results, of one line or many, not their keys or their syntax', () => {
    // Before: many lines were "Unexpected flow-map-start at node end"; one line, the keys a topology lacks.
    for (const text of [record(0) + record(1), record(0)]) {
      const { diagnostics } = loadTopologySource(text, 's.ndjson');
      expect(diagnostics.map((d) => d.code)).toEqual(['wrong-kind-of-file']);
      expect(diagnostics[0].message).toBe('this is a sweep\'s results (NDJSON, one run a line, as meshtax sweep writes them), not a topology');
      expect(diagnostics[0].hint).toBe('render them with meshtax sweep-report s.ndjson');
      expect(diagnostics[0].location?.line).toBe(1);
    }
  });
});
