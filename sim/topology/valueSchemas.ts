/**
 * The value types the file formats share — durations, rates, sizes,
 * bandwidths, integers, distributions — as zod schemas. The topology schema
 * (schema.ts) and the mesh profile schema (sim/mesh/profileSchema.ts) are
 * built from them, so a duration means the same thing, reads the same in
 * "expected …" messages and gets the same JSON Schema in both files.
 */
import * as z from 'zod';
import { UNIT_PATTERNS } from '../units/parse.js';

/**
 * How a value is named in "expected …" messages, for schemas whose zod type
 * (a union, say) does not say it well. Kept out of the global registry so it
 * does not leak into the JSON Schema.
 */
export const labels = z.registry<{ expected: string }>();

/** JSON Schema that replaces the generated one (see jsonSchema.ts). */
export const jsonOverride = z.registry<{ json: Record<string, unknown> }>();

/** A scalar with a unit. At runtime any string or number passes; checkValues parses it. */
function unitScalar(id: string, description: string, expected: string, json: Record<string, unknown>) {
  return z
    .union([z.string(), z.number()])
    .meta({ id, description })
    .register(labels, { expected })
    .register(jsonOverride, { json });
}

export const durationSchema = unitScalar(
  'duration',
  'A duration with a unit: ns, us (or µs), ms, s, m, h; e.g. 250us, 2ms, 1.5s. A bare number is allowed only for 0.',
  'a duration like 2ms',
  { anyOf: [{ type: 'string', pattern: UNIT_PATTERNS.duration }, { const: 0 }, { type: 'string', pattern: UNIT_PATTERNS.zero }] },
);

export const rateSchema = unitScalar(
  'rate',
  'Events per unit of time: 500/s, 30000/m, 10/h or 500rps.',
  'a rate like 100/s',
  { type: 'string', pattern: UNIT_PATTERNS.rate },
);

export const sizeSchema = unitScalar(
  'size',
  'A size in bytes: 512B, 1KB (1000 B), 1KiB (1024 B), 2MB, 2MiB, 1GB, 1GiB; a bare integer is bytes.',
  'a size like 1KB',
  { anyOf: [{ type: 'string', pattern: UNIT_PATTERNS.size }, { type: 'integer', minimum: 0 }, { type: 'string', pattern: UNIT_PATTERNS.wholeNumber }] },
);

export const bandwidthSchema = unitScalar(
  'bandwidth',
  'Throughput of a link: bits per second (100Mbps, 10Gbps, 10Gbit/s) or bytes per second (125MB/s, 1GB/s).',
  'a bandwidth like 10Gbps',
  { type: 'string', pattern: UNIT_PATTERNS.bandwidth },
);

/** Dollars as the CLI's --vcpu-hour takes them: a number, or a string with a leading $. */
export const priceSchema = unitScalar(
  'price',
  'Dollars: a number from 0 to 1000000, or a string of one with a leading $, e.g. 0.0416 or "$0.0416".',
  'a price like 0.0416',
  { anyOf: [{ type: 'number', minimum: 0, maximum: 1e6 }, { type: 'string', pattern: UNIT_PATTERNS.price }] },
);

/** Plain numbers whose range checkValues enforces; the JSON Schema states it for editors. */
export function integer(minimum: number, description: string) {
  return z.number().meta({ type: 'integer', minimum, description }).register(labels, { expected: 'an integer' });
}

export const probabilitySchema = z
  .number()
  .meta({ minimum: 0, maximum: 1, description: 'Chance that the step runs, from 0 to 1 (default 1).' });

export const distributionObjectSchema = z
  .discriminatedUnion('dist', [
    z.strictObject({
      dist: z.literal('constant'),
      value: durationSchema.meta({ description: 'The one value every draw returns.' }),
    }),
    z.strictObject({
      dist: z.literal('exponential'),
      mean: durationSchema.meta({ description: 'Mean of the exponential distribution (> 0).' }),
    }),
    z
      .strictObject({
        dist: z.literal('lognormal'),
        median: durationSchema.optional().meta({ description: 'Median (50th percentile); give it with p99.' }),
        p99: durationSchema.optional().meta({ description: '99th percentile, greater than the median.' }),
        mu: z.number().optional().meta({ description: 'Mean of ln(seconds); give it with sigma instead of median/p99.' }),
        sigma: z.number().optional().meta({ minimum: 0, description: 'Standard deviation of ln(seconds), ≥ 0.' }),
      })
      .meta({ oneOf: [{ required: ['median', 'p99'] }, { required: ['mu', 'sigma'] }] }),
    z.strictObject({
      dist: z.literal('normal'),
      mean: durationSchema.meta({ description: 'Mean; draws below 0 are redrawn.' }),
      stddev: durationSchema.meta({ description: 'Standard deviation (≥ 0).' }),
    }),
    z.strictObject({
      dist: z.literal('uniform'),
      min: durationSchema.meta({ description: 'Smallest value.' }),
      max: durationSchema.meta({ description: 'Largest value, ≥ min.' }),
    }),
    z
      .strictObject({
        dist: z.literal('empirical'),
        samples: z
          .array(durationSchema)
          .optional()
          .meta({ minItems: 1, description: 'Observed values; each draw picks one uniformly.' }),
        percentiles: z
          .record(z.string().meta({ pattern: String.raw`^p\d+(\.\d+)?$` }), durationSchema)
          .optional()
          .meta({ description: 'Percentile points such as {p0: 1ms, p50: 2ms, p99: 10ms, p100: 20ms}; must include p0 and p100.' }),
      })
      .meta({ oneOf: [{ required: ['samples'] }, { required: ['percentiles'] }] }),
  ])
  .register(labels, { expected: 'a distribution' });

export const distributionSchema = z
  .union([durationSchema, distributionObjectSchema])
  .meta({
    id: 'distribution',
    description:
      'A duration (a constant) or a distribution: {dist: constant, value}, {dist: exponential, mean}, {dist: lognormal, median, p99} or {dist: lognormal, mu, sigma}, {dist: normal, mean, stddev}, {dist: uniform, min, max}, {dist: empirical, samples} or {dist: empirical, percentiles}.',
  })
  .register(labels, { expected: 'a duration like 2ms or a distribution like {dist: exponential, mean: 2ms}' });

export type DistributionFile = z.input<typeof distributionSchema>;
export type DistributionObjectFile = z.input<typeof distributionObjectSchema>;
