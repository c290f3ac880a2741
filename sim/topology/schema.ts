/**
 * The topology *file* format (v1) as a zod schema: one source for the
 * TypeScript type of a parsed file, the structural validation, and the JSON
 * Schema that editors use.
 *
 * Division of labour: this schema checks shape only — which keys exist, which
 * are required, and the JSON type of each value. Units (`2ms`, `500/s`),
 * numeric ranges and cross references are checked afterwards (checkValues.ts,
 * checks.ts) so their messages can say what is wrong in the file's own terms
 * and carry a hint. The JSON Schema is nonetheless as strict as JSON Schema can
 * be (patterns, minimums), via `meta` and the `jsonOverride` registry, so an
 * editor flags most mistakes while typing.
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
  { anyOf: [{ type: 'string', pattern: UNIT_PATTERNS.duration }, { const: 0 }] },
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
  { anyOf: [{ type: 'string', pattern: UNIT_PATTERNS.size }, { type: 'integer', minimum: 0 }] },
);

export const bandwidthSchema = unitScalar(
  'bandwidth',
  'Throughput of a link: bits per second (100Mbps, 10Gbps, 10Gbit/s) or bytes per second (125MB/s, 1GB/s).',
  'a bandwidth like 10Gbps',
  { type: 'string', pattern: UNIT_PATTERNS.bandwidth },
);

/** Plain numbers whose range checkValues enforces; the JSON Schema states it for editors. */
function integer(minimum: number, description: string) {
  return z.number().meta({ type: 'integer', minimum, description }).register(labels, { expected: 'an integer' });
}

const probabilitySchema = z
  .number()
  .meta({ minimum: 0, maximum: 1, description: 'Chance that the step runs, from 0 to 1 (default 1).' });

const distributionObjectSchema = z
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

export type StepFile = string | CallStepFile | ParallelStepFile | SequenceStepFile;
export interface CallStepFile {
  call: string;
  probability?: number;
  requestSize?: string | number;
}
export interface ParallelStepFile {
  parallel: StepFile[];
  probability?: number;
}
export interface SequenceStepFile {
  sequence: StepFile[];
  probability?: number;
}

// Declared as a lazy union because steps nest (a parallel group holds steps).
export const stepSchema: z.ZodType<StepFile, StepFile> = z
  .lazy(() =>
    z.union([
      z.string().meta({ description: 'Shorthand for {call: <service>}.' }),
      z.strictObject({
        call: z.string().meta({ description: 'Name of the service to call.' }),
        probability: probabilitySchema.optional(),
        requestSize: sizeSchema.optional().meta({ description: 'Bytes sent with the request (default 0).' }),
      }),
      z.strictObject({
        parallel: z.array(stepSchema).meta({ description: 'Steps run at once; the group ends when the slowest ends.' }),
        probability: probabilitySchema.optional(),
      }),
      z.strictObject({
        sequence: z.array(stepSchema).meta({ description: 'Steps run one after the other.' }),
        probability: probabilitySchema.optional(),
      }),
    ]),
  )
  .meta({
    id: 'step',
    description: 'A downstream call: a service name, {call: name}, {parallel: [steps]} or {sequence: [steps]}.',
  })
  .register(labels, { expected: 'a service name or a step like {call: name}, {parallel: [...]} or {sequence: [...]}' });

export const LOAD_BALANCERS = ['round_robin', 'least_request', 'random'] as const;
export const ARRIVAL_KINDS = ['poisson', 'constant', 'closed'] as const;

const serviceSchema = z
  .strictObject({
    replicas: integer(1, 'Number of pods (default 1).').optional(),
    workers: integer(1, 'Requests one replica works on at once (default 1).').optional(),
    queue: z
      .union([integer(0, 'Requests that may wait per replica.'), z.literal('unbounded')])
      .optional()
      .meta({ description: 'Requests that may wait per replica when all workers are busy: an integer ≥ 0 or "unbounded" (default).' })
      .register(labels, { expected: 'an integer ≥ 0 or "unbounded"' }),
    serviceTime: distributionSchema.meta({
      description: "Time a worker spends on one request, not counting its calls: a duration (2ms) or a distribution.",
    }),
    holdWorkerDuringCalls: z
      .boolean()
      .optional()
      .meta({ description: 'true: the worker stays busy while downstream calls run (thread per request). Default false.' }),
    loadBalancer: z
      .enum(LOAD_BALANCERS)
      .optional()
      .meta({ description: 'How callers pick a replica (default round_robin).' }),
    zones: z
      .array(z.string())
      .optional()
      .meta({ description: 'Zones the replicas are spread over, round robin (default: all topology zones).' }),
    responseSize: sizeSchema.optional().meta({ description: 'Bytes in each response (default 0).' }),
    calls: z
      .array(stepSchema)
      .optional()
      .meta({ description: 'Downstream calls made after the own work, in order (default none).' }),
  })
  .meta({ description: 'A service: its replicas, capacity, work and downstream calls.' });

const entryPointSchema = z
  .strictObject({
    target: z.string().meta({ description: 'The service that receives the requests.' }),
    arrivals: z
      .enum(ARRIVAL_KINDS)
      .optional()
      .meta({ description: 'poisson (default) or constant: open loop at `rate`; closed: `users` each waiting `thinkTime` between requests.' }),
    rate: rateSchema.optional().meta({ description: 'Arrival rate for poisson/constant arrivals, e.g. 100/s.' }),
    schedule: z
      .array(
        z.strictObject({
          at: durationSchema.meta({ description: 'When this rate starts; the first must be 0s.' }),
          rate: rateSchema.meta({ description: 'Arrival rate from `at` until the next entry.' }),
        }),
      )
      .optional()
      .meta({ minItems: 1, description: 'Piecewise constant rate over time, instead of `rate`; `at` strictly increasing from 0s.' }),
    users: integer(1, 'Closed loop: number of users, each with one request in flight.').optional(),
    thinkTime: distributionSchema
      .optional()
      .meta({ description: 'Closed loop: pause between a response and the next request (default 0).' }),
    zone: z.string().optional().meta({ description: 'Zone the clients are in (default: the first zone).' }),
    requestSize: sizeSchema.optional().meta({ description: 'Bytes in each request (default 0).' }),
  })
  .meta({ description: 'Where load enters: an open-loop arrival process or closed-loop users.' });

export const topologyFileSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'JSON Schema reference for editors; ignored.' }),
    name: z.string().meta({ description: 'Name of the topology.' }),
    description: z.string().optional().meta({ description: 'Free text (default "").' }),
    zones: z
      .array(z.string())
      .optional()
      .meta({ minItems: 1, uniqueItems: true, description: 'Zone names (default ["default"]).' }),
    network: z
      .strictObject({
        sameZone: distributionSchema.optional().meta({ description: 'One-way latency of a hop within a zone (default 0).' }),
        crossZone: distributionSchema.optional().meta({ description: 'One-way latency of a hop between zones (default 0).' }),
        bandwidth: bandwidthSchema
          .optional()
          .meta({ description: 'Link bandwidth that payloads travel at (default: infinite, payloads cost no time).' }),
      })
      .optional()
      .meta({ description: 'Network latency and bandwidth.' }),
    simulation: z
      .strictObject({
        seed: integer(0, 'Random seed (default 1).').optional(),
        duration: durationSchema
          .optional()
          .meta({ description: 'Simulated time, including warm-up (default 60s unless `requests` is given).' }),
        requests: integer(1, 'Stop after this many measured requests.').optional(),
        warmup: durationSchema.optional().meta({ description: 'Initial time whose requests are not measured (default 0).' }),
      })
      .optional()
      .meta({ description: 'Run settings.' }),
    services: z
      .record(z.string(), serviceSchema)
      .meta({ minProperties: 1, description: 'The services, by name.' }),
    entrypoints: z
      .record(z.string(), entryPointSchema)
      .meta({ minProperties: 1, description: 'Where load enters, by name.' }),
  })
  .meta({
    title: 'meshtax topology',
    description: 'A service graph and its load, for the meshtax simulator (file format v1).',
  });

/** A topology file as written, after the structural check. */
export type TopologyFile = z.input<typeof topologyFileSchema>;
export type ServiceFile = z.input<typeof serviceSchema>;
export type EntryPointFile = z.input<typeof entryPointSchema>;
export type DistributionFile = z.input<typeof distributionSchema>;
export type DistributionObjectFile = z.input<typeof distributionObjectSchema>;
