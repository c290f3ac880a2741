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
  jsonOverride,
  labels,
  priceSchema,
  probabilitySchema,
  rateSchema,
  sizeSchema,
} from './valueSchemas.js';
import { meshSettingSchema, resilienceOverrideSchema } from '../mesh/profileSchema.js';
import { MAX_PROJECT_PODS } from './defaults.js';
import { EXTENSION_KEY_DESCRIPTION, EXTENSION_KEY_PATTERN } from './extensionKeys.js';

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
      .meta({ description: 'Needs L7 policy: in ambient mode calls to it from other pods go through a waypoint proxy, if the profile has one (calls from the ingress gateway too with ingressUseWaypoint); under a profile with nodeProxyTraffic: l7 (Cilium with L7 policy only where it is asked for) only calls to such services pass the node proxies. Default false.' }),
    ingressUseWaypoint: z
      .boolean()
      .optional()
      .meta({
        description:
          "With l7: true under a profile with waypoints, calls from the ingress gateway go through the waypoint too (Istio's istio.io/ingress-use-waypoint label). Default false: the gateway sends them straight to the service's pods and applies the L7 policy itself, as Istio's gateways do unless the label is set.",
      }),
    responseSize: sizeSchema.optional().meta({ description: 'Bytes in each response (default 0).' }),
    resilience: resilienceOverrideSchema.optional().meta({
      description:
        "How callers call this service: timeouts, retries, circuit breaking, outlier detection, merged key by key over the mesh profile's resilience (`retries: none` turns them off).",
    }),
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
  .meta({
    description: 'Where load enters: an open-loop arrival process or closed-loop users.',
    // As checkEntryPoint: closed loops take users (and a think time), open ones a rate or a schedule, not both.
    if: { properties: { arrivals: { const: 'closed' } }, required: ['arrivals'] },
    then: { required: ['users'], not: { anyOf: [{ required: ['rate'] }, { required: ['schedule'] }] } },
    else: {
      oneOf: [{ required: ['rate'] }, { required: ['schedule'] }],
      not: { anyOf: [{ required: ['users'] }, { required: ['thinkTime'] }] },
    },
  });

// ---- the timeline ---------------------------------------------------------------------------

/** The event keys of a timeline entry, in the order the docs list them. */
export const EVENT_KEYS = [
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
] as const;
export type EventKey = (typeof EVENT_KEYS)[number];

/** Events that happen once, at `at`; the others are windows from `at` to `until`. */
export const ONE_SHOT_EVENTS: readonly EventKey[] = ['rollout', 'scale', 'policyChange'];

const targetShape = {
  service: z.string().optional().meta({ description: 'Every replica of this service; give service or replica.' }),
  replica: z.string().optional().meta({ description: 'One replica, <service>-<ordinal> counting from 0, e.g. reviews-1; give service or replica.' }),
};
const oneTarget = { oneOf: [{ required: ['service'] }, { required: ['replica'] }] };

/** The optional delay before failing readiness probes take a pod out of its endpoints (crash, proxyCrash). */
const readinessDelay = (description: string) => durationSchema.optional().meta({ description });

const faultProbability = z
  .number()
  .meta({ minimum: 0, maximum: 1, description: 'Chance that a request (a connection, for connectFailure) is affected, from 0 to 1 (default 1).' });

/** An event with nothing to say but that it happens: `{}`, or the key with no value. */
function bareEvent(description: string) {
  return z
    .union([z.strictObject({}), z.null()])
    .meta({ description })
    .register(labels, { expected: 'an empty mapping {}' });
}

const podLifecycle = {
  startup: durationSchema.optional().meta({ description: 'A new pod is ready this long after it is created (default 5s).' }),
  preStop: durationSchema
    .optional()
    .meta({ description: 'An old pod keeps serving this long after it is told to stop (a preStop sleep), then goes (default 0s).' }),
};

/** Kubernetes' int-or-percent: 2 or "25%". At runtime any string or number passes; the timeline check reads it. */
function podBudget(description: string) {
  return z
    .union([z.number(), z.string()])
    .meta({ description })
    .register(labels, { expected: 'a number of pods or a percentage like 25%' })
    .register(jsonOverride, { json: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^[0-9]+%$' }], description } });
}

const eventSchemas = {
  rollout: z
    .strictObject({
      service: z.string().meta({ description: 'The service whose pods are replaced.' }),
      startup: podLifecycle.startup,
      minReadySeconds: durationSchema
        .optional()
        .meta({ description: 'A ready pod counts as available only after this long, before the next is replaced (default 0s).' }),
      preStop: podLifecycle.preStop,
      maxSurge: podBudget('Pods the rollout may run above the replicas: a number, or a percentage of the replicas rounded up (default 25%).').optional(),
      maxUnavailable: podBudget(
        'Pods the rollout may take below the replicas: a number, or a percentage of the replicas rounded down (default 25%). maxSurge 1, maxUnavailable 0 replaces one pod at a time.',
      ).optional(),
    })
    .meta({ description: "Replace every replica of a service in a rolling update, as a Deployment does; a config change for the control plane." }),
  scale: z
    .strictObject({
      service: z.string().meta({ description: 'The service to scale.' }),
      replicas: integer(0, 'The new number of replicas.'),
      ...podLifecycle,
    })
    .meta({ description: 'Scale a service up or down; a config change for the control plane.' }),
  policyChange: bareEvent('A config change that touches every proxy (an AuthorizationPolicy, a VirtualService): {}.'),
  abort: z
    .strictObject({
      ...targetShape,
      status: integer(400, 'HTTP error status returned instead of the work, 400–599 (default 503).').meta({ maximum: 599 }).optional(),
      probability: faultProbability.optional(),
    })
    .meta({ description: 'The application returns a status instead of doing its work.', ...oneTarget }),
  delay: z
    .strictObject({
      ...targetShape,
      delay: distributionSchema.meta({ description: 'Time added to the work: a duration or a distribution.' }),
      probability: faultProbability.optional(),
    })
    .meta({ description: 'The application takes longer.', ...oneTarget }),
  crash: z
    .strictObject({
      ...targetShape,
      readinessDelay: readinessDelay('How long after the crash failing readiness probes take the pod out of its endpoints (default 10s); it is back in when it restarts at `until`.'),
    })
    .meta({ description: 'Replicas are down: requests in flight are reset, new ones refused; they restart at `until`.', ...oneTarget }),
  proxyCrash: z
    .strictObject({
      ...targetShape,
      readinessDelay: readinessDelay("With sidecars: how long after the crash the pod's failing readiness (its sidecar's) takes it out of its endpoints (default 10s); back in when the sidecar restarts. A node proxy's crash leaves readiness alone."),
    })
    .meta({ description: "The pods' sidecars (or their node's proxy) crash and restart at `until`: requests in flight are reset, the pods unreachable meanwhile.", ...oneTarget }),
  cpuSlowdown: z
    .strictObject({
      ...targetShape,
      factor: z.number().meta({ minimum: 0.001, maximum: 1e6, description: 'CPU work takes this many times as long: 2 is twice as slow.' }),
    })
    .meta({ description: "The target's CPU work is slower (a noisy neighbour, throttling).", ...oneTarget }),
  partition: z
    .strictObject({
      zones: z.array(z.string()).optional().meta({ minItems: 2, maxItems: 2, description: 'The two zones cut off from each other.' }),
      services: z.array(z.string()).optional().meta({ minItems: 2, maxItems: 2, description: 'The two services cut off from each other.' }),
    })
    .meta({ description: 'No packets between two zones, or between two services.', oneOf: [{ required: ['zones'] }, { required: ['services'] }] }),
  connectFailure: z
    .strictObject({ ...targetShape, probability: faultProbability.optional() })
    .meta({ description: 'New connections to the target fail.', ...oneTarget }),
  controlPlaneOutage: bareEvent('The control plane is down: no pushes, no certificate renewals: {}.'),
  certificateExpiry: z
    .strictObject({
      root: z.boolean().optional().meta({ description: "true: the mesh's root CA expires, until `until` when it is replaced (default false)." }),
      ...targetShape,
    })
    .meta({ description: "Workload certificates expire (a failed rotation): the target's, or with root: true everyone's." }),
};

const timelineEntrySchema = z
  .strictObject({
    at: durationSchema.meta({ description: 'When the event happens, or its window starts.' }),
    until: durationSchema
      .optional()
      .meta({ description: 'When a fault window ends, after `at` (default: never). Rollouts, scales and policy changes happen once and take none.' }),
    rollout: eventSchemas.rollout.optional(),
    scale: eventSchemas.scale.optional(),
    policyChange: eventSchemas.policyChange.optional(),
    abort: eventSchemas.abort.optional(),
    delay: eventSchemas.delay.optional(),
    crash: eventSchemas.crash.optional(),
    proxyCrash: eventSchemas.proxyCrash.optional(),
    cpuSlowdown: eventSchemas.cpuSlowdown.optional(),
    partition: eventSchemas.partition.optional(),
    connectFailure: eventSchemas.connectFailure.optional(),
    controlPlaneOutage: eventSchemas.controlPlaneOutage.optional(),
    certificateExpiry: eventSchemas.certificateExpiry.optional(),
  })
  .meta({
    id: 'timelineEntry',
    description: 'One event at `at` (a fault: from `at` until `until`): an entry holds exactly one of the event keys.',
    oneOf: EVENT_KEYS.map((key) => ({ required: [key] })),
    allOf: [{ if: { anyOf: ONE_SHOT_EVENTS.map((key) => ({ required: [key] })) }, then: { not: { required: ['until'] } } }],
  });

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
        vcpuHour: priceSchema.optional().meta({ description: 'Dollars per vCPU-hour (default 0.0416, about an on-demand general-purpose vCPU).' }),
        gbHour: priceSchema.optional().meta({ description: 'Dollars per GB-hour of memory (default 0.0056).' }),
        projectPods: integer(1, `Pod count the resource invoice is projected to, at most ${MAX_PROJECT_PODS.toLocaleString('en-US')} (default 1000).`).meta({ maximum: MAX_PROJECT_PODS }).optional(),
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
    timeline: z
      .array(timelineEntrySchema)
      .optional()
      .meta({ description: 'Things that happen during the run: rollouts, scaling, policy changes and faults, each at a simulated time (any order).' }),
  })
  .meta({
    title: 'meshtax topology',
    description: 'A service graph and its load, for the meshtax simulator (file format v1).',
    // The loader drops these before this schema sees the file (extensionKeys.ts); editors must let them be too.
    patternProperties: { [EXTENSION_KEY_PATTERN]: { description: EXTENSION_KEY_DESCRIPTION } },
  });

/** A topology file as written, after the structural check. */
export type TopologyFile = z.input<typeof topologyFileSchema>;
export type ServiceFile = z.input<typeof serviceSchema>;
export type EntryPointFile = z.input<typeof entryPointSchema>;
export type NodeFile = z.input<typeof nodeSchema>;
export type TimelineEntryFile = z.input<typeof timelineEntrySchema>;
