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
    expect(schema.required).toEqual(['name', 'description', 'mode', 'controlPlane', 'resilience']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('requires every key of a proxy and of mtls', () => {
    expect(defs.proxy.required).toEqual(['workers', 'requestCost', 'responseCost', 'perKB', 'telemetryCost', 'idleCpu', 'memory']);
    expect(defs.replicatedProxy.required).toEqual(['replicas', 'workers', 'requestCost', 'responseCost', 'perKB', 'telemetryCost', 'idleCpu', 'memory']);
    expect(defs.mtls.required).toHaveLength(9);
    expect(properties.mode).toMatchObject({ enum: ['none', 'sidecar', 'ambient'] });
  });

  it('requires every key of the control plane and of the resilience policy, with none where a block may be off', () => {
    expect(defs.controlPlane.required).toEqual([
      'debounce',
      'debounceMax',
      'pushDelay',
      'pushDelayPerProxy',
      'certificateTtl',
      'renewAt',
      'renewJitter',
      'renewRetry',
    ]);
    expect(defs.resilience.required).toEqual(['placement', 'timeout', 'connectTimeout', 'retries', 'circuitBreaker', 'outlierDetection']);
    const policy = defs.resilience.properties as Record<string, Json>;
    expect(policy.timeout).toMatchObject({ $ref: '#/$defs/durationOrNone' });
    expect((policy.retries.anyOf as Json[])[0]).toEqual({ type: 'string', const: 'none' });
    const retries = (policy.retries.anyOf as Json[])[1];
    expect(retries.required).toEqual(['attempts', 'perTryTimeout', 'backoff', 'retryOn', 'differentHost', 'budget', 'maxConcurrentRetries']);
    expect(((retries.properties as Record<string, Json>).retryOn.items as Json).enum).toEqual([
      'connect-failure',
      'refused-stream',
      'unavailable',
      'retriable-status',
      '5xx',
      'reset',
      'timeout',
    ]);
  });

  it('states what each mode requires and forbids, for editors', () => {
    const rules = schema.allOf as Json[];
    expect(rules.map((r) => ((r.if as Json).properties as Record<string, Json>).mode.const)).toEqual(['none', 'sidecar', 'ambient']);
    expect((rules[1].then as Json).required).toEqual(['sidecar', 'mtls', 'sources']);
  });
});
