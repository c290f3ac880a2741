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
import {
  bandwidthSchema,
  distributionSchema,
  durationSchema,
  integer,
  labels,
  probabilitySchema,
  rateSchema,
  sizeSchema,
} from './valueSchemas.js';
import { meshSettingSchema } from '../mesh/profileSchema.js';

export {
  bandwidthSchema,
  distributionSchema,
  durationSchema,
  jsonOverride,
  labels,
  rateSchema,
  sizeSchema,
  type DistributionFile,
  type DistributionObjectFile,
} from './valueSchemas.js';

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
export const CPU_KINDS = ['dedicated', 'shared'] as const;
export const ENTRY_VIAS = ['gateway', 'direct', 'mesh'] as const;

const nodeSchema = z
  .strictObject({
    zone: z.string().meta({ description: 'The zone the node is in.' }),
    cores: integer(1, 'CPU cores (default 8).').optional(),
    cpu: z.enum(CPU_KINDS).optional().meta({
      description:
        'dedicated (default): every pod and proxy has CPU of its own; shared: all work placed on the node (apps, proxies, handshakes) competes for its cores.',
    }),
  })
  .meta({ description: 'A machine in a zone.' });

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
    ioTime: distributionSchema
      .optional()
      .meta({ description: 'Off-CPU time per request after its CPU work (sleep, disk, a database): holds a worker, not a core. Default 0.' }),
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
    nodes: z
      .array(z.string())
      .optional()
      .meta({ minItems: 1, uniqueItems: true, description: "Nodes the replicas are placed on, round robin (default: every node of the service's zones, alternating zones)." }),
    l7: z
      .boolean()
      .optional()
      .meta({ description: 'Needs L7 policy: in ambient mode its inbound traffic goes through a waypoint proxy, if the profile has one. Default false.' }),
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
    zone: z.string().optional().meta({ description: "Zone the clients are in (default: the node's zone, or else the first zone)." }),
    node: z.string().optional().meta({ description: 'Node the clients run on; it must be in the zone (default: the first node of the zone).' }),
    via: z.enum(ENTRY_VIAS).optional().meta({
      description:
        "gateway (default): through the mesh's ingress gateway, if it has one; direct: straight to the target's pod; mesh: the clients are a workload in the mesh, calling out through their own proxy.",
    }),
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
    nodes: z
      .record(z.string(), nodeSchema)
      .optional()
      .meta({ minProperties: 1, description: 'Machines, by name (default: one per zone, named <zone>-node, 8 dedicated cores).' }),
    mesh: meshSettingSchema.optional(),
    costs: z
      .strictObject({
        vcpuHour: z.number().optional().meta({ minimum: 0, description: 'Dollars per vCPU-hour (default 0.0416, about an on-demand general-purpose vCPU).' }),
        gbHour: z.number().optional().meta({ minimum: 0, description: 'Dollars per GB-hour of memory (default 0.0056).' }),
        projectPods: integer(1, 'Pod count the resource invoice is projected to (default 1000).').optional(),
      })
      .optional()
      .meta({ description: 'Prices for the resource invoice.' }),
    network: z
      .strictObject({
        sameNode: distributionSchema
          .optional()
          .meta({ description: 'One-way latency between pods on one node, e.g. into a node proxy (default: as sameZone).' }),
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
export type NodeFile = z.input<typeof nodeSchema>;
