/**
 * The editor schemas agree with meshtax: every bundled topology and profile
 * passes its JSON Schema (checked with Ajv, a real draft 2020-12
 * validator), and entry points that meshtax refuses for a combination of
 * keys fail the schema too.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { loadTopologySource } from '../../sim/topology/load.js';
import { loadMeshProfileSource } from '../../sim/mesh/loadProfile.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
const topologySchema = ajv.compile(JSON.parse(readFileSync('topologies/meshtax.schema.json', 'utf8')));
const profileSchema = ajv.compile(JSON.parse(readFileSync('topologies/meshes/profile.schema.json', 'utf8')));

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []);
}

describe('the JSON Schemas agree with meshtax', () => {
  it('every bundled topology and profile passes its schema', () => {
    const files = yamlFiles('topologies');
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const validate = file.startsWith(join('topologies', 'meshes')) ? profileSchema : topologySchema;
      const ok = validate(parse(readFileSync(file, 'utf8'), { merge: true }));
      expect(ok, `${file}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it('an entry point meshtax refuses for its combination of keys fails the schema', () => {
    const base = (entry: string) => `name: t\nservices: {s: {serviceTime: 1ms}}\nentrypoints: {e: ${entry}}\n`;
    const cases: Array<[string, boolean]> = [
      ['{target: s, rate: 10/s}', true],
      ['{target: s, schedule: [{at: 0s, rate: 10/s}]}', true],
      ['{target: s, arrivals: closed, users: 3, thinkTime: 1ms}', true],
      ['{target: s, arrivals: closed, users: 3, rate: 10/s}', false],
      ['{target: s, rate: 10/s, schedule: [{at: 0s, rate: 10/s}]}', false],
      ['{target: s, rate: 10/s, users: 3}', false],
      ['{target: s, rate: 10/s, thinkTime: 1ms}', false],
      ['{target: s, arrivals: closed}', false],
      ['{target: s}', false],
    ];
    for (const [entry, valid] of cases) {
      const text = base(entry);
      const meshtax = loadTopologySource(text, 't.yaml').topology !== undefined;
      expect(meshtax, entry).toBe(valid);
      expect(topologySchema(parse(text)), entry).toBe(valid);
    }
  });

  it('a top-level x- key (a template) both take; one nested, or a misspelt real key, both refuse', () => {
    const base = 'name: t\nx-svc: &svc {serviceTime: 1ms, workers: 2}\nservices: {s: *svc}\nentrypoints: {e: {target: s, rate: 10/s}}\n';
    const cases: Array<[string, boolean]> = [
      [base, true],
      [`x-empty:\nx-list: [1, {a: b}]\n${base}`, true],
      [base.replace('services: {s: *svc}', 'services: {s: {<<: *svc, x-note: 1}}'), false],
      [`${base}simulation: {x-seed: 1}\n`, false],
      [base.replace('services:', 'service:'), false],
      [`X-svc: 1\n${base}`, false],
    ];
    for (const [text, valid] of cases) {
      expect(loadTopologySource(text, 't.yaml').topology !== undefined, text).toBe(valid);
      expect(topologySchema(parse(text, { merge: true })), text).toBe(valid);
    }
    const profile = readFileSync('topologies/meshes/linkerd.yaml', 'utf8');
    const profileCases: Array<[string, boolean]> = [
      [`x-notes: {by: me}\n${profile}`, true],
      [profile.replace(/^sidecar:\n/m, 'sidecar:\n  x-note: 1\n'), false],
    ];
    for (const [text, valid] of profileCases) {
      expect(loadMeshProfileSource(text, 'p.yaml').profile !== undefined, text.slice(0, 40)).toBe(valid);
      expect(profileSchema(parse(text, { merge: true })), text.slice(0, 40)).toBe(valid);
    }
  });

  it('a price meshtax takes, as a number or "$0.04", the schema takes, and one it refuses the schema refuses', () => {
    const cases: Array<[string, boolean]> = [
      ['0.04', true], ['"$0.04"', true], ['$0.04', true], ['"0.04"', true], ['"$1e6"', true], ['0', true],
      ['-1', false], ['"$-1"', false], ['"$abc"', false], ['"$$1"', false], ['2000000', false],
    ];
    for (const [price, valid] of cases) {
      const text = `name: t\nservices: {s: {serviceTime: 1ms}}\nentrypoints: {e: {target: s, rate: 10/s}}\ncosts: {vcpuHour: ${price}}\n`;
      expect(loadTopologySource(text, 't.yaml').topology !== undefined, price).toBe(valid);
      expect(topologySchema(parse(text)), price).toBe(valid);
    }
  });
});
