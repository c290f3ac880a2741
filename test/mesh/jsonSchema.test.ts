import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROFILE_JSON_SCHEMA_FILE, profileJsonSchema, profileJsonSchemaText } from '../../sim/topology/jsonSchema.js';

type Json = Record<string, unknown>;

describe('mesh profile JSON Schema', () => {
  it('is committed up to date (run `npm run schema` after changing sim/mesh/profileSchema.ts)', () => {
    expect(readFileSync(PROFILE_JSON_SCHEMA_FILE, 'utf8')).toBe(profileJsonSchemaText());
  });

  const schema = profileJsonSchema();
  const defs = schema.$defs as Record<string, Json>;
  const properties = schema.properties as Record<string, Json>;

  it('is a draft 2020-12 schema with a title', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('meshtax mesh profile');
    expect(schema.required).toEqual(['name', 'description', 'mode']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('requires every key of a proxy and of mtls', () => {
    expect(defs.proxy.required).toEqual(['workers', 'requestCost', 'responseCost', 'perKB', 'telemetryCost', 'idleCpu', 'memory']);
    expect(defs.replicatedProxy.required).toEqual(['replicas', 'workers', 'requestCost', 'responseCost', 'perKB', 'telemetryCost', 'idleCpu', 'memory']);
    expect(defs.mtls.required).toHaveLength(9);
    expect(properties.mode).toMatchObject({ enum: ['none', 'sidecar', 'ambient'] });
  });

  it('states what each mode requires and forbids, for editors', () => {
    const rules = schema.allOf as Json[];
    expect(rules.map((r) => ((r.if as Json).properties as Record<string, Json>).mode.const)).toEqual(['none', 'sidecar', 'ambient']);
    expect((rules[1].then as Json).required).toEqual(['sidecar', 'mtls', 'sources']);
  });
});
