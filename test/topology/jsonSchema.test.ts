import { parseDuration, parseSize } from '../../sim/units/parse.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listMeshProfiles } from '../../sim/mesh/loadProfile.js';
import { JSON_SCHEMA_FILE, topologyJsonSchema, topologyJsonSchemaText } from '../../sim/topology/jsonSchema.js';

type Json = Record<string, unknown>;

describe('topology JSON Schema', () => {
  it('is committed up to date (run `npm run schema` after changing sim/topology/schema.ts)', () => {
    expect(readFileSync(JSON_SCHEMA_FILE, 'utf8')).toBe(topologyJsonSchemaText());
  });

  const schema = topologyJsonSchema();
  const defs = schema.$defs as Record<string, Json>;
  const properties = schema.properties as Record<string, Json>;

  it('is a draft 2020-12 schema with a title and description', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('meshtax topology');
    expect(schema.description).toEqual(expect.any(String));
  });

  it('requires the top-level keys and rejects unknown ones', () => {
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['name', 'services', 'entrypoints']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(properties)).toEqual([
      '$schema',
      'name',
      'description',
      'zones',
      'nodes',
      'mesh',
      'costs',
      'network',
      'simulation',
      'services',
      'entrypoints',
      'timeline',
    ]);
  });

  it('describes services, with serviceTime required and unknown keys rejected', () => {
    const service = (properties.services as Json).additionalProperties as Json;
    expect(service.required).toEqual(['serviceTime']);
    expect(service.additionalProperties).toBe(false);
    expect((service.properties as Json).calls).toMatchObject({ type: 'array', items: { $ref: '#/$defs/step' } });
    expect((service.properties as Json).replicas).toMatchObject({ type: 'integer', minimum: 1 });
  });

  it('gives editors the exact unit syntax', () => {
    const durationPattern = ((defs.duration.anyOf as Json[])[0].pattern) as string;
    const matches = (pattern: string, text: string) => new RegExp(pattern, 'u').test(text);
    expect(['250us', '250µs', '2ms', '1.5s', '1m'].every((t) => matches(durationPattern, t))).toBe(true);
    expect(matches(durationPattern, '2sec')).toBe(false);
    // What meshtax accepts, the schema accepts: an explicit + too; a negative time is meshtax's to explain.
    expect(matches(durationPattern, '+5ms')).toBe(true);
    expect(parseDuration('+5ms')).toEqual({ ok: true, value: 0.005 });
    expect(matches(durationPattern, '-5ms')).toBe(false);
    expect(matches(defs.rate.pattern as string, '500/s')).toBe(true);
    expect(matches(defs.bandwidth.pattern as string, '10Gbps')).toBe(true);
    // A quoted bare zero is a duration, and a quoted whole number a size, to meshtax and to the schema alike.
    const anyMatch = (def: Json, text: string) => (def.anyOf as Json[]).some((a) => typeof a.pattern === 'string' && matches(a.pattern, text));
    for (const text of ['0', '0.0', ' 0 ']) {
      expect(parseDuration(text).ok, text).toBe(true);
      expect(anyMatch(defs.duration, text), text).toBe(true);
    }
    expect(parseDuration('5').ok).toBe(false);
    expect(anyMatch(defs.duration, '5')).toBe(false);
    for (const text of ['512', '+512']) {
      expect(parseSize(text).ok, text).toBe(true);
      expect(anyMatch(defs.size, text), text).toBe(true);
    }
    expect(parseSize('1.5').ok).toBe(false);
    expect(anyMatch(defs.size, '1.5')).toBe(false);
  });

  it('defines the shared pieces once', () => {
    expect(Object.keys(defs).sort()).toEqual([
      'bandwidth',
      'controlPlaneOverride',
      'controlPlaneResourcesOverride',
      'distribution',
      'duration',
      'durationOrNone',
      'meshProfileRef',
      'mtlsOverride',
      'price',
      'proxyOverride',
      'rate',
      'replicatedProxyOverride',
      'resilienceOverride',
      'sidecarOverride',
      'size',
      'step',
      'timelineEntry',
    ]);
    expect(defs.step.anyOf).toHaveLength(4);
    const distributions = ((defs.distribution.anyOf as Json[])[1].oneOf as Json[]).map((d) => ((d.properties as Json).dist as Json).const);
    expect(distributions).toEqual(['constant', 'exponential', 'lognormal', 'normal', 'uniform', 'empirical']);
  });

  it('offers the bundled mesh profiles, or a path, for `mesh`', () => {
    expect(properties.mesh.anyOf).toEqual([{ $ref: '#/$defs/meshProfileRef' }, expect.objectContaining({ type: 'object', required: ['profile'] })]);
    const ref = defs.meshProfileRef.anyOf as Json[];
    expect(ref[0]).toEqual({ enum: listMeshProfiles() });
    expect(new RegExp(ref[1].pattern as string).test('meshes/mine.yaml')).toBe(true);
    expect(new RegExp(ref[1].pattern as string).test('istio-sidecar')).toBe(false);
  });

  it('describes nodes, costs and the new service and entry-point keys', () => {
    const node = (properties.nodes as Json).additionalProperties as Json;
    expect(node.required).toEqual(['zone']);
    expect((node.properties as Json).cpu).toMatchObject({ enum: ['dedicated', 'shared'] });
    expect(((properties.costs as Json).properties as Json).projectPods).toMatchObject({ type: 'integer', minimum: 1 });
    const service = ((properties.services as Json).additionalProperties as Json).properties as Json;
    expect(service.ioTime).toMatchObject({ $ref: '#/$defs/distribution' });
    expect(service.l7).toMatchObject({ type: 'boolean' });
    const entry = ((properties.entrypoints as Json).additionalProperties as Json).properties as Json;
    expect(entry.via).toMatchObject({ enum: ['gateway', 'direct', 'mesh'] });
  });

  it('gives services and the mesh the same resilience overrides', () => {
    const service = ((properties.services as Json).additionalProperties as Json).properties as Record<string, Json>;
    expect(service.resilience).toMatchObject({ $ref: '#/$defs/resilienceOverride' });
    const overrides = (properties.mesh.anyOf as Json[])[1].properties as Record<string, Json>;
    expect(overrides.resilience).toMatchObject({ $ref: '#/$defs/resilienceOverride' });
    expect(overrides.controlPlane).toMatchObject({ $ref: '#/$defs/controlPlaneOverride' });
    expect(defs.resilienceOverride.required).toBeUndefined();
    expect(defs.resilienceOverride.additionalProperties).toBe(false);
  });

  it('describes timeline entries: one event each, one-shot events without until, targets by service or replica', () => {
    expect(properties.timeline).toMatchObject({ type: 'array', items: { $ref: '#/$defs/timelineEntry' } });
    const entry = defs.timelineEntry;
    expect(entry.required).toEqual(['at']);
    const events = (entry.oneOf as Json[]).map((rule) => (rule.required as string[])[0]);
    expect(events).toEqual([
      'rollout',
      'scale',
      'policyChange',
      'abort',
      'delay',
      'crash',
      'proxyCrash',
      'cpuSlowdown',
      'partition',
      'connectFailure',
      'controlPlaneOutage',
      'certificateExpiry',
    ]);
    expect(Object.keys(entry.properties as Json)).toEqual(['at', 'until', ...events]);
    expect(entry.allOf).toEqual([
      { if: { anyOf: [{ required: ['rollout'] }, { required: ['scale'] }, { required: ['policyChange'] }] }, then: { not: { required: ['until'] } } },
    ]);
    const abort = (entry.properties as Record<string, Json>).abort;
    expect(abort.oneOf).toEqual([{ required: ['service'] }, { required: ['replica'] }]);
    expect((abort.properties as Record<string, Json>).status).toMatchObject({ type: 'integer', minimum: 400, maximum: 599 });
  });
});
