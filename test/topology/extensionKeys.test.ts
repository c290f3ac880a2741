/**
 * Top-level `x-` keys (extension keys, as in Docker Compose): a topology or
 * mesh profile file may hold them as homes for YAML anchor templates, and
 * meshtax ignores them — only at the top level, and not as a --set path.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPath } from '../../sim/diagnostics/format.js';
import { resultJson } from '../../sim/cli/program.js';
import { loadMeshProfileFile, loadMeshProfileSource } from '../../sim/mesh/loadProfile.js';
import { runTopology } from '../../sim/run.js';
import { buildDefinition } from '../../sim/sweep/definition.js';
import { planSweep } from '../../sim/sweep/plan.js';
import { loadTopologySource, type LoadOptions } from '../../sim/topology/load.js';
import type { Topology } from '../../sim/topology/types.js';

const TEMPLATE = `name: xt
x-svc: &svc
  workers: 2
  serviceTime: {dist: exponential, mean: 10ms}
services:
  a: {<<: *svc, calls: [b]}
  b: *svc
entrypoints:
  e: {target: a, rate: 10/s}
`;

const WRITTEN_OUT = `name: xt
services:
  a: {workers: 2, serviceTime: {dist: exponential, mean: 10ms}, calls: [b]}
  b: {workers: 2, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  e: {target: a, rate: 10/s}
`;

function load(source: string, options: LoadOptions = {}): Topology {
  const { topology, diagnostics } = loadTopologySource(source, 't.yaml', options);
  expect(diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
  return topology!;
}

/** What each problem says, where, about which key. */
function problems(source: string, options: LoadOptions = {}): string[] {
  const result = loadTopologySource(source, 't.yaml', options);
  expect(result.topology).toBeUndefined();
  return result.diagnostics.map((d) => `${d.location?.line}:${d.location?.column} ${d.code} ${formatPath(d.path)}: ${d.message}`);
}

describe('top-level x- keys', () => {
  it('hold a template: the file validates and runs byte-identically to the same file written out', () => {
    const templated = load(TEMPLATE);
    const plain = load(WRITTEN_OUT);
    expect(templated).toEqual(plain);
    for (const mesh of ['none', 'istio-sidecar']) {
      const run = (source: string) => resultJson(runTopology(load(source, { mesh }), { duration: 20 }));
      const a = run(TEMPLATE);
      expect(JSON.parse(a).entrypoints[0].completed, mesh).toBeGreaterThan(100);
      expect(a, mesh).toBe(run(WRITTEN_OUT));
    }
  });

  it('an unused one changes nothing in the results of a bundled topology', () => {
    const source = readFileSync('topologies/checkout.yaml', 'utf8');
    const extended = `x-notes: {owner: payments, "also ignored": [1, {deep: true}]}\n${source}\nx-later: 3\n`;
    const run = (text: string) => resultJson(runTopology(load(text, { mesh: 'istio-sidecar' }), { duration: 25 }));
    expect(run(extended)).toBe(run(source));
  });

  it('are taken at the top level only: nested, and misspelt real keys, are still refused', () => {
    expect(problems(TEMPLATE.replace('a: {<<: *svc,', 'a: {<<: *svc, x-note: hi,'))).toEqual([
      '6:17 unknown-key services.a.x-note: unknown key "x-note"',
    ]);
    expect(problems(`${WRITTEN_OUT}simulation: {x-seed: 3}\n`)).toEqual([
      '7:14 unknown-key simulation.x-seed: unknown key "x-seed"',
    ]);
    // Not a prefix that merely looks alike.
    expect(problems(`X-svc: 1\nx_svc: 2\n${WRITTEN_OUT}`)).toEqual([
      '1:1 unknown-key X-svc: unknown key "X-svc"',
      '2:1 unknown-key x_svc: unknown key "x_svc"',
    ]);
    // Names are no keys of the format: a service may be called x-api.
    expect(load(WRITTEN_OUT.replaceAll(/\bb\b/g, 'x-b')).services.map((s) => s.name)).toEqual(['a', 'x-b']);
    const typo = loadTopologySource(TEMPLATE.replace('services:', 'service:'), 't.yaml');
    expect(typo.topology).toBeUndefined();
    expect(typo.diagnostics.map((d) => `${d.location?.line} ${d.code} ${d.message}`)).toEqual(['5 unknown-key unknown key "service"']);
    expect(typo.diagnostics[0].hint).toMatch(/^did you mean "services"\? allowed keys here: .*; a key starting with x- is ignored \(a place for anchor templates\)$/);
    // Deeper down the hint does not offer x- keys: they would be refused there.
    const deep = loadTopologySource(TEMPLATE.replace('calls: [b]', 'cals: [b]'), 't.yaml').diagnostics;
    expect(deep.map((d) => d.code)).toEqual(['unknown-key']);
    expect(deep[0].hint).not.toContain('x-');
  });

  it('cannot be set by --set or a sweep file: it would change nothing', () => {
    const at = { file: '--set', line: 1, column: 1, lineText: 'x-svc.workers=8' };
    const result = loadTopologySource(TEMPLATE, 't.yaml', { patches: [{ path: ['x-svc', 'workers'], value: 8, origin: at }] });
    expect(result.topology).toBeUndefined();
    expect(result.diagnostics.map((d) => `${d.location?.file}:${d.location?.line} ${d.code} ${formatPath(d.path)}: ${d.message}`)).toEqual([
      '--set:1 unknown-path x-svc.workers: "x-svc" is an extension key, which meshtax ignores: setting it would change nothing',
    ]);
    expect(result.diagnostics[0].hint).toContain('set the keys that use the template instead');
    const built = buildDefinition(['x-svc={workers: 8}'], undefined, undefined);
    const planned = planSweep('t.yaml', TEMPLATE, built.definition!, {});
    expect(planned.plan).toBeUndefined();
    expect(planned.diagnostics.map((d) => `${d.location?.file} ${d.code}`)).toEqual(['--set unknown-path']);
  });

  it('a --set on one alias of a template changes that service alone', () => {
    const source = TEMPLATE.replace('calls: [b]', 'calls: [b, c]').replace('  b: *svc\n', '  b: *svc\n  c: *svc\n');
    const set = load(source, { patches: [{ path: ['services', 'b', 'workers'], value: 7 }] });
    const workers = Object.fromEntries(set.services.map((s) => [s.name, s.workers]));
    expect(workers).toEqual({ a: 2, b: 7, c: 2 });
  });
});

describe('top-level x- keys in a mesh profile', () => {
  const bundled = readFileSync('topologies/meshes/istio-sidecar.yaml', 'utf8');
  const telemetry = 'telemetryCost: {dist: exponential, mean: 140us}';

  it('hold a template, given as --mesh file, and the profile is the bundled one', () => {
    expect(bundled).toContain(telemetry);
    const templated = `x-telemetry: &telemetry {dist: exponential, mean: 140us}\n${bundled.replace(telemetry, 'telemetryCost: *telemetry')}`;
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-xkeys-'));
    writeFileSync(join(dir, 'mine.yaml'), templated);
    const loaded = loadMeshProfileFile(join(dir, 'mine.yaml'));
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.profile).toEqual(loadMeshProfileSource(bundled, 'istio-sidecar.yaml').profile);
    const run = (mesh: string) => resultJson(runTopology(load(WRITTEN_OUT, { mesh }), { duration: 10 }));
    expect(run(join(dir, 'mine.yaml'))).toBe(run('istio-sidecar'));
  });

  it('are refused nested, as in a topology', () => {
    const nested = loadMeshProfileSource(bundled.replace('sidecar:\n', 'sidecar:\n  x-note: hi\n'), 'p.yaml');
    expect(nested.profile).toBeUndefined();
    expect(nested.diagnostics.map((d) => `${d.code} ${formatPath(d.path)}`)).toEqual(['unknown-key sidecar.x-note']);
  });
});
