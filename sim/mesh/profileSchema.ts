/**
 * Mesh profile files (topologies/meshes/*.yaml) and the `mesh:` key of a
 * topology, as zod schemas: one source for their TypeScript types, their
 * structural validation and their JSON Schemas.
 *
 * A profile is complete: every key of every proxy it has, of its control
 * plane and of its default resilience policy is written down, so the file is
 * the readable record of what the numbers are and where they come from. A
 * topology names a profile and may override it field by field, so the
 * override schemas are the same shapes with every key optional.
 *
 * As in the topology schema, shape is checked here; units, ranges and what
 * each mode requires are checked in checkProfile.ts, where the messages can
 * say why.
 */
import * as z from 'zod';
import { distributionSchema, durationSchema, integer, labels, sizeSchema } from '../topology/valueSchemas.js';
import { EXTENSION_KEY_DESCRIPTION, EXTENSION_KEY_PATTERN } from '../topology/extensionKeys.js';

export const MESH_MODES = ['none', 'sidecar', 'ambient'] as const;

/** Bundled profiles are named by their file name; anything ending like this is a path. */
// Any case (x.YAML is a file too), spelled out: JSON Schema patterns take no flags.
export const PROFILE_PATH_PATTERN = String.raw`\.([yY][aA]?[mM][lL]|[jJ][sS][oO][nN])$`;

const memorySchema = z
  .strictObject({
    base: sizeSchema.meta({ description: 'Memory of the proxy with no connections and an empty configuration.' }),
    perConnection: sizeSchema.meta({ description: 'Memory per open connection (buffers, TLS state).' }),
    perEndpoint: sizeSchema.meta({ description: "Memory per endpoint in the proxy's configuration: grows with the mesh, not with the load." }),
  })
  .meta({ description: 'Memory: base + per open connection + per endpoint in its configuration.' });

const proxyShape = {
  workers: integer(1, 'Worker threads: requests the proxy processes at once.'),
  requestCost: distributionSchema.meta({
    description: 'CPU to process a request on its way through (routing, policy, headers): a duration or a distribution.',
  }),
  responseCost: distributionSchema.meta({ description: 'CPU to process the response on its way back: a duration or a distribution.' }),
  perKB: durationSchema.meta({ description: 'CPU per 1000 bytes of payload passing through, in either direction.' }),
  telemetryCost: distributionSchema.meta({
    description: 'CPU after the response is sent (access log, metrics, traces): keeps the worker busy and delays the next request.',
  }),
  idleCpu: z.number().meta({ minimum: 0, description: 'Background CPU of an idle proxy (stats flush, xDS keep-alive), in vCPU.' }),
  memory: memorySchema,
};

const replicasSchema = integer(1, 'Pods running this proxy.');

export const proxySchema = z
  .strictObject(proxyShape)
  .meta({ id: 'proxy', description: 'A proxy of the data plane as a queueing resource: its workers, CPU costs and memory.' });

/**
 * How long the sidecar keeps serving after its pod is told to stop. Only a
 * pod's own sidecar has it: a gateway, waypoint or node proxy does not stop
 * with a pod of the topology.
 */
const terminationDrainSchema = durationSchema.meta({
  description:
    "How long the sidecar keeps accepting connections once its pod is deleted, whatever the app's preStop (Istio's terminationDrainDuration: 5s; Linkerd: 0s). Meanwhile it answers 503 for an app that has exited; after it, connections are refused.",
});

export const sidecarSchema = z
  .strictObject({ ...proxyShape, terminationDrain: terminationDrainSchema })
  .meta({ id: 'sidecar', description: "The proxy in every pod: a proxy's keys, plus how long it drains when its pod terminates." });

export const replicatedProxySchema = z
  .strictObject({ replicas: replicasSchema, ...proxyShape })
  .meta({ id: 'replicatedProxy', description: 'A proxy that runs as its own deployment, with its replica count.' });

export const mtlsSchema = z
  .strictObject({
    enabled: z.boolean().meta({ description: 'Whether connections between proxies use mutual TLS.' }),
    handshakeCpu: distributionSchema.meta({
      description: 'CPU on each side for a full handshake (asymmetric crypto, certificate checks): a duration or a distribution.',
    }),
    resumeCpu: distributionSchema.meta({ description: 'CPU on each side for a resumed session: a duration or a distribution.' }),
    handshakeRoundTrips: integer(0, 'Network round trips before the first byte on a new connection (TCP + TLS).'),
    resumeRoundTrips: integer(0, 'Network round trips before the first byte on a resumed connection.'),
    resumption: z.boolean().meta({ description: 'Whether a reconnect to a peer seen before may resume its session.' }),
    perKB: durationSchema.meta({ description: 'Encryption CPU per 1000 bytes, on each side.' }),
    idleTimeout: durationSchema.meta({ description: 'A connection idle this long is closed; the next request pays a handshake again.' }),
    streamsPerConnection: integer(1, 'Requests one connection carries at once (1 for HTTP/1.1, many for HTTP/2).'),
    scope: z.enum(['workload', 'node']).optional().meta({
      description: "Who a secured connection belongs to: workload (default: a pair of pods' identities, as sidecars and ztunnel hold them) or node (one tunnel per pair of nodes, as WireGuard's; traffic within a node is not encrypted).",
    }),
  })
  .meta({ id: 'mtls', description: 'Mutual TLS between proxies: handshakes, resumption, encryption cost, connection pooling.' });

// ---- control plane ------------------------------------------------------------------------

const controlPlaneMemoryShape = {
  base: sizeSchema.meta({ description: 'Memory of the control plane with no proxy connected and no endpoint (its caches of the cluster, its own runtime).' }),
  perProxy: sizeSchema.meta({ description: 'Memory per connected proxy (its xDS stream, what was last pushed to it, its watches).' }),
  perEndpoint: sizeSchema.meta({ description: 'Memory per endpoint (pod) in its model of the mesh.' }),
};
const pushCpuShape = {
  perPush: durationSchema.meta({ description: 'CPU-seconds per push, whatever its fan-out (the change handled, the push context rebuilt).' }),
  perProxy: durationSchema.meta({ description: "CPU-seconds per proxy a push reaches: computing, serializing and sending that proxy's configuration." }),
};
const controlPlaneResourcesShape = {
  idleCpu: z.number().meta({ minimum: 0, description: 'vCPU of the control plane while nothing changes (watches, keep-alives, metrics).' }),
  memory: z
    .strictObject(controlPlaneMemoryShape)
    .meta({ description: 'Memory: base + perProxy × proxies connected + perEndpoint × endpoints.' }),
  pushCpu: z
    .strictObject(pushCpuShape)
    .meta({ description: 'CPU of config pushes: perPush for each push, plus perProxy for each proxy it reaches.' }),
  perCertificate: durationSchema.meta({ description: 'CPU-seconds per workload certificate issued or renewed (verifying and signing a CSR).' }),
};

export const controlPlaneResourcesSchema = z.strictObject(controlPlaneResourcesShape).meta({
  id: 'controlPlaneResources',
  description:
    "What the control plane itself costs, for the resource invoice: vCPU = idleCpu + (pushes × pushCpu.perPush + proxies reached × pushCpu.perProxy + certificates × perCertificate) / measured time, from what the run did; memory = base + perProxy × proxies + perEndpoint × endpoints. Optional: without it the control plane is not charged.",
});

const controlPlaneResourcesOverrideSchema = z
  .strictObject({
    idleCpu: controlPlaneResourcesShape.idleCpu.optional(),
    memory: z.strictObject(controlPlaneMemoryShape).partial().optional().meta({ description: 'Changes to the memory: base, perProxy, perEndpoint.' }),
    pushCpu: z.strictObject(pushCpuShape).partial().optional().meta({ description: 'Changes to the push CPU: perPush, perProxy.' }),
    perCertificate: controlPlaneResourcesShape.perCertificate.optional(),
  })
  .meta({
    id: 'controlPlaneResourcesOverride',
    description: "Changes to the control plane's resources, key by key (memory and pushCpu too); over a profile without them, the keys left out are 0.",
  });

const controlPlaneShape = {
  debounce: durationSchema.meta({ description: 'A push starts this long after the last config change (Istio: PILOT_DEBOUNCE_AFTER, 100ms).' }),
  debounceMax: durationSchema.meta({
    description: 'A push starts at most this long after the first change not yet pushed, however busy (Istio: PILOT_DEBOUNCE_MAX, 10s).',
  }),
  pushDelay: distributionSchema.meta({
    description: 'How long a push takes to reach one proxy, drawn per proxy per push: a duration or a distribution.',
  }),
  pushDelayPerProxy: durationSchema.meta({
    description: "Added to every proxy's push delay per proxy in the mesh: a push fans out to all of them.",
  }),
  certificateTtl: durationSchema.meta({ description: 'Lifetime of a workload certificate (Istio: SECRET_TTL, 24h).' }),
  renewAt: z.number().meta({ exclusiveMinimum: 0, maximum: 1, description: 'Renewal starts at this fraction of the lifetime, e.g. 0.5.' }),
  renewJitter: z.number().meta({
    minimum: 0,
    exclusiveMaximum: 1,
    description: 'Plus a random fraction of the lifetime up to this, e.g. 0.1; renewAt + renewJitter is at most 1.',
  }),
  renewRetry: durationSchema.meta({ description: 'A renewal that fails (the control plane is down) is retried after this long.' }),
  resources: controlPlaneResourcesSchema.optional(),
};

export const controlPlaneSchema = z.strictObject(controlPlaneShape).meta({
  id: 'controlPlane',
  description:
    "The control plane (istiod or its equivalent; with no mesh, the clients' service discovery): how config changes reach the proxies, and how workload certificates are renewed.",
});

export const controlPlaneOverrideSchema = controlPlaneSchema
  .partial()
  .extend({ resources: controlPlaneResourcesOverrideSchema.optional() })
  .meta({ id: 'controlPlaneOverride', description: "Changes to the profile's control plane: any of its keys, e.g. {pushDelay: 10s}; resources key by key, e.g. {resources: {memory: {base: 1GB}}}." });

// ---- resilience policies ------------------------------------------------------------------

/** Envoy's names where they exist; `retriable-status` is Istio's retriable 503. */
export const RETRY_CONDITIONS = ['connect-failure', 'refused-stream', 'unavailable', 'retriable-status', '5xx', 'reset', 'timeout'] as const;
export const PLACEMENTS = ['mesh', 'client'] as const;

/** `none` turns a policy block off (or a limit: no timeout); at runtime any string passes the duration branch, so the checks see it. */
const none = () => z.literal('none');

export const durationOrNoneSchema = z
  .union([durationSchema, none()])
  .meta({ id: 'durationOrNone', description: 'A duration, or none for no limit.' })
  .register(labels, { expected: 'a duration like 2s, or none' });

function orNone<T extends z.ZodType>(schema: T, expected: string) {
  const union = z.union([none(), schema]);
  labels.add(union as z.ZodType, { expected });
  return union;
}

const backoffShape = {
  base: durationSchema.meta({ description: 'Back-off before the first retry is drawn uniformly up to this (Envoy: 25ms).' }),
  max: durationSchema.meta({ description: 'The bound doubles per retry up to this (Envoy: 10 × base).' }),
};
const backoffSchema = z
  .strictObject(backoffShape)
  .meta({ description: "Back-off before retry n: uniform in [0, min(max, base × 2^(n−1))] (Envoy's full jitter)." });

const budgetShape = {
  ratio: z.number().meta({ minimum: 0, description: 'Retries may add this fraction of the calls: 0.2 is 20 % (Linkerd).' }),
  minPerSecond: z.number().meta({ minimum: 0, description: 'Plus this many retries per second whatever the load (Linkerd: 10).' }),
  window: durationSchema.meta({ description: 'Calls and retries are counted over this window (Linkerd: 10s).' }),
};
const budgetSchema = z
  .strictObject(budgetShape)
  .meta({ description: "A retry budget as Linkerd's: retries may add ratio of the calls plus minPerSecond, over window." });

const retryConditionSchema = z.enum(RETRY_CONDITIONS).meta({
  description:
    'connect-failure (could not connect), refused-stream (refused before processing: overflow), unavailable (gRPC UNAVAILABLE: never an HTTP service\'s answer, so it matches nothing here), retriable-status (a 503, Istio\'s retriable status before 1.24), 5xx (any 5xx, timeouts of a try included), reset (reset mid-request), timeout (the per-try timeout fired).',
});

const retriesShape = {
  attempts: integer(1, "Tries in all, including the first (Istio's 2 retries are 3 attempts)."),
  perTryTimeout: durationOrNoneSchema.meta({ description: 'Deadline of each try, or none.' }),
  backoff: backoffSchema,
  retryOn: z.array(retryConditionSchema).meta({ minItems: 1, description: 'Which failures of a try are retried.' }),
  differentHost: z.boolean().meta({ description: 'Retry on a host the call has not tried yet, when one is left (Istio: previous_hosts).' }),
  budget: orNone(budgetSchema, 'none, or a mapping like {ratio: 0.2, minPerSecond: 10, window: 10s}').meta({
    description: "A retry budget as Linkerd's, or none.",
  }),
  maxConcurrentRetries: orNone(integer(1, 'Retries in flight at once.'), 'an integer ≥ 1, or none').meta({
    description:
      "Retries in flight at once from one router to the service, beyond which a failure is not retried (UO: Envoy's retry circuit breaker); or none (Envoy: 3; Istio: none).",
  }),
};
const retriesSchema = z.strictObject(retriesShape).meta({ description: 'Retries: how many, on which failures, with what back-off and limits.' });

const circuitBreakerShape = {
  maxConnections: integer(1, "Open connections from one router to the service's hosts; beyond it requests wait."),
  maxPending: integer(0, 'Requests waiting for a connection; beyond it a call fails at once (UO).'),
  maxRequests: integer(1, 'Requests in flight from one router to the service; beyond it a call fails at once (UO).'),
};
const circuitBreakerSchema = z
  .strictObject(circuitBreakerShape)
  .meta({ description: "Circuit breaker thresholds, per calling proxy or client (Envoy's are 1024 each; Istio lifts them to 2^32−1: none)." });

const outlierDetectionShape = {
  consecutive5xx: integer(1, 'Consecutive 5xx from a host before it is ejected (Envoy: 5).'),
  baseEjectionTime: durationSchema.meta({
    description: "An ejection lasts this long times the host's multiplier: one more each time it is ejected, one less each interval it is healthy (Envoy: 30s).",
  }),
  maxEjectionPercent: z.number().meta({ minimum: 0, maximum: 100, description: "At most this percentage of the service's hosts ejected at once (Envoy: 10)." }),
  maxEjectionTime: durationSchema.optional().meta({
    description: 'The longest an ejection lasts, however often the host was ejected (Envoy: 300s, or baseEjectionTime when that is longer).',
  }),
  interval: durationSchema.optional().meta({
    description: "The sweep of the router's outlier detection: an ejected host comes back at the first sweep after its ejection time, and a healthy one's multiplier drops by one at each (Envoy: 10s).",
  }),
  minHealthPercent: z.number().optional().meta({
    minimum: 0,
    maximum: 100,
    description: "Panic mode: with fewer of the router's hosts than this percentage not ejected, it sends to them all (Istio's minHealthPercent: 0, off, so with every host ejected a request fails, UH; Envoy's own default: 50).",
  }),
};
const outlierDetectionSchema = z
  .strictObject(outlierDetectionShape)
  .meta({ description: 'Outlier detection: eject a host after consecutive 5xx, for a while.' });

const placementSchema = z.enum(PLACEMENTS).meta({
  description: "Where the policy runs: mesh (in the caller's proxy) or client (in the caller's client library).",
});
const timeoutSchema = durationOrNoneSchema.meta({ description: 'Deadline of the whole call, retries included, or none (Istio: none).' });
const connectTimeoutSchema = durationSchema.meta({
  description: "A connection attempt to an unreachable host gives up after this long (Envoy's connect_timeout: 10s).",
});

export const resilienceSchema = z
  .strictObject({
    placement: placementSchema,
    timeout: timeoutSchema,
    connectTimeout: connectTimeoutSchema,
    retries: orNone(retriesSchema, 'none, or a mapping like {attempts: 3, retryOn: [connect-failure], …}').meta({ description: 'Retries, or none.' }),
    circuitBreaker: orNone(circuitBreakerSchema, 'none, or a mapping like {maxConnections: 1024, maxPending: 1024, maxRequests: 1024}').meta({
      description: 'Circuit breaking, or none.',
    }),
    outlierDetection: orNone(outlierDetectionSchema, 'none, or a mapping like {consecutive5xx: 5, baseEjectionTime: 30s, maxEjectionPercent: 10}').meta({
      description: 'Outlier detection, or none.',
    }),
    outlierDetectionStyle: z.enum(['envoy', 'linkerd']).optional().meta({
      description:
        "How the proxy takes failing hosts out, whoever turns it on: envoy (default; ejections within maxEjectionPercent, for baseEjectionTime × a multiplier, ended by the interval's sweep) or linkerd (failure accrual: after consecutive5xx failures the host is shut for a back-off from baseEjectionTime doubling up to maxEjectionTime, then one probe request decides; maxEjectionPercent and interval unused; defaults 7, 1s, 60s).",
    }),
    pickFrom: z.enum(['listed', 'connectable']).optional().meta({
      description:
        "Which endpoints of its (possibly stale) view the proxy's balancer picks among: listed (default, Envoy: every one; a pod that is gone refuses the try, UF) or connectable (linkerd2-proxy: only those it holds a connection to, as its balancer dispatches to ready endpoints only and reconnects a refused one in the background; an endpoint whose pod is gone or whose proxy is down is skipped, unless none takes connections).",
    }),
    failFastAfter: durationSchema.optional().meta({
      description:
        "With no endpoint ready to pick (none listed, none taking connections under pickFrom: connectable, or every one shut by failure accrual), how long the proxy holds a request for one before failing it (504), failing every new one at once (503) until an endpoint is ready again: linkerd2-proxy's fail-fast timeout, 3s. 0 (default, Envoy): it fails at once.",
    }),
  })
  .meta({
    id: 'resilience',
    description: "Resilience policy of every call: where it runs, timeouts, retries, circuit breaking, outlier detection.",
  });

/** Every key optional, block by block; a block given over a profile's `none` is completed from Envoy's and Istio's defaults. */
export const resilienceOverrideSchema = z
  .strictObject({
    placement: placementSchema.optional(),
    timeout: timeoutSchema.optional(),
    connectTimeout: connectTimeoutSchema.optional(),
    retries: orNone(
      z
        .strictObject({
          ...retriesShape,
          backoff: z.strictObject(backoffShape).partial().meta({ description: 'Changes to the back-off: base, max.' }),
          budget: orNone(z.strictObject(budgetShape).partial(), 'none, or a mapping like {ratio: 0.2}').meta({
            description: 'A retry budget, or none; given over none, the keys left out are Linkerd\'s (0.2, 10 per second, 10s).',
          }),
        })
        .partial(),
      'none, or a mapping like {attempts: 3, perTryTimeout: 300ms}',
    )
      .optional()
      .meta({ description: 'Retries off (none), or changes to them key by key; given where the profile has none, the keys left out are Istio\'s defaults.' }),
    circuitBreaker: orNone(z.strictObject(circuitBreakerShape).partial(), 'none, or a mapping like {maxRequests: 100}')
      .optional()
      .meta({ description: 'Circuit breaking off (none), or changes to it; given where the profile has none, the thresholds left out are no limit.' }),
    outlierDetection: orNone(z.strictObject(outlierDetectionShape).partial(), 'none, or a mapping like {consecutive5xx: 5}')
      .optional()
      .meta({
        description: "Outlier detection off (none), or changes to it; given where the profile has none, the keys left out are Envoy's defaults (5, 30s, 10 %).",
      }),
  })
  .meta({
    id: 'resilienceOverride',
    description:
      "Changes to the resilience policy, key by key: e.g. {timeout: 2s, retries: {attempts: 2}} or {retries: none}. `none` turns a block off.",
  });

/** What each mode requires and forbids, for editors; checkProfile.ts says the same with hints. */
const modeRules = [
  { mode: 'none', required: [], forbidden: ['sidecar', 'nodeProxy', 'waypoint', 'gateway'] },
  { mode: 'sidecar', required: ['sidecar', 'mtls', 'sources'], forbidden: ['nodeProxy', 'waypoint'] },
  { mode: 'ambient', required: ['nodeProxy', 'mtls', 'sources'], forbidden: ['sidecar'] },
].map(({ mode, required, forbidden }) => ({
  if: { properties: { mode: { const: mode } }, required: ['mode'] },
  then: { required, not: { anyOf: forbidden.map((key) => ({ required: [key] })) } },
}));


/** Which calls an L7 node proxy (Cilium's Envoy) carries: a profile key, and a topology's override. */
export const nodeProxyTrafficSchema = z.enum(['all', 'l7']).meta({
  description:
    "Mode ambient with nodeProxyLayer l7: which calls pass the node proxies. all (default): every call, through the caller's node proxy and the callee's (Cilium with L7 policy on every service). l7: only calls to services with `l7: true` (an L7 policy selects them); every other call takes the kernel's path (eBPF), with no proxy, no request policy and only the tunnel's encryption between nodes.",
});

export const profileFileSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'JSON Schema reference for editors; ignored.' }),
    name: z.string().meta({ description: 'Name of the profile; reports show it.' }),
    description: z.string().meta({ description: 'What the profile models: product, version, settings.' }),
    sources: z
      .array(z.string())
      .optional()
      .meta({ description: 'Where the numbers come from, one citation each; at least one unless the mode is none.' }),
    mode: z.enum(MESH_MODES).meta({
      description: 'none: no proxies; sidecar: a proxy in every pod; ambient: a proxy on every node, plus optional L7 waypoints.',
    }),
    sidecar: sidecarSchema.optional().meta({ description: 'Mode sidecar: the proxy in every pod, outbound for its app\'s calls and inbound for calls to it.' }),
    nodeProxy: proxySchema.optional().meta({ description: "Mode ambient: the per-node proxy (Istio's ztunnel, Cilium's node Envoy)." }),
    nodeProxyLayer: z.enum(['l4', 'l7']).optional().meta({
      description:
        "Mode ambient: what the node proxy handles. l4 (default): connections only, like Istio's ztunnel, so request policy (timeouts, retries, circuit breakers, outlier detection) runs only in waypoints and the gateway. l7: it parses requests and applies the policy itself, like Cilium's node Envoy.",
    }),
    nodeProxyTraffic: nodeProxyTrafficSchema.optional(),
    waypoint: replicatedProxySchema.optional().meta({ description: 'Mode ambient, optional: the L7 proxy for services with `l7: true`.' }),
    gateway: replicatedProxySchema.optional().meta({ description: 'Optional, any mode but none: the ingress gateway entry-point traffic passes through.' }),
    mtls: mtlsSchema.optional().meta({ description: 'Mutual TLS between proxies; required unless the mode is none (then disabled by default).' }),
    controlPlane: controlPlaneSchema,
    resilience: resilienceSchema.meta({ description: "The product's default resilience policy for every call; services may change it." }),
  })
  .meta({
    title: 'meshtax mesh profile',
    description:
      "A service mesh for the meshtax simulator: its data plane (proxies, their costs, mTLS), its control plane, its default resilience policy, and where the numbers come from.",
    allOf: modeRules,
    // As in a topology: the loader drops these before this schema sees the file (extensionKeys.ts).
    patternProperties: { [EXTENSION_KEY_PATTERN]: { description: EXTENSION_KEY_DESCRIPTION } },
  });

// ---- the `mesh:` key of a topology -----------------------------------------------------------

export const profileRefSchema = z
  .string()
  .meta({
    id: 'meshProfileRef',
    description: 'A bundled profile (none, istio-sidecar, istio-ambient, …) or the path of a profile file ending in .yaml, .yml or .json, relative to the topology file.',
  });

/** Every key optional; memory key by key. */
export const proxyOverrideSchema = z
  .strictObject({
    workers: proxyShape.workers.optional(),
    requestCost: proxyShape.requestCost.optional(),
    responseCost: proxyShape.responseCost.optional(),
    perKB: proxyShape.perKB.optional(),
    telemetryCost: proxyShape.telemetryCost.optional(),
    idleCpu: proxyShape.idleCpu.optional(),
    memory: memorySchema.partial().optional(),
  })
  .meta({ id: 'proxyOverride', description: "Changes to the profile's proxy: any of its keys; memory key by key." });

export const sidecarOverrideSchema = proxyOverrideSchema
  .extend({ terminationDrain: terminationDrainSchema.optional() })
  .meta({ id: 'sidecarOverride', description: "Changes to the profile's sidecar: any of its keys, terminationDrain too; memory key by key." });

export const replicatedProxyOverrideSchema = proxyOverrideSchema
  .extend({ replicas: replicasSchema.optional() })
  .meta({ id: 'replicatedProxyOverride', description: "Changes to the profile's proxy: any of its keys, replicas too; memory key by key." });

export const mtlsOverrideSchema = mtlsSchema
  .partial()
  .meta({ id: 'mtlsOverride', description: "Changes to the profile's mTLS settings: any of its keys, e.g. {enabled: false}." });

export const meshOverridesSchema = z.strictObject({
  profile: profileRefSchema,
  nodeProxyTraffic: nodeProxyTrafficSchema.optional(),
  sidecar: sidecarOverrideSchema.optional(),
  nodeProxy: proxyOverrideSchema.optional(),
  waypoint: replicatedProxyOverrideSchema.optional(),
  gateway: replicatedProxyOverrideSchema.optional(),
  mtls: mtlsOverrideSchema.optional(),
  controlPlane: controlPlaneOverrideSchema.optional(),
  resilience: resilienceOverrideSchema
    .optional()
    .meta({ description: "Changes to the profile's default resilience policy, for every call; a service's own `resilience:` applies over it." }),
});

export const meshSettingSchema = z
  .union([profileRefSchema, meshOverridesSchema])
  .meta({
    description:
      'The mesh: a profile name or path (default "none"), or {profile, …} with field-by-field changes to its sidecar, nodeProxy, waypoint, gateway, mtls, controlPlane or resilience, and its nodeProxyTraffic.',
  })
  .register(labels, { expected: 'a profile name like istio-sidecar, or a mapping like {profile: istio-sidecar, mtls: {enabled: false}}' });

export type ProfileFile = z.input<typeof profileFileSchema>;
export type ProxyFile = z.input<typeof proxySchema>;
export type SidecarFile = z.input<typeof sidecarSchema>;
export type ReplicatedProxyFile = z.input<typeof replicatedProxySchema>;
export type MtlsFile = z.input<typeof mtlsSchema>;
export type ProxyOverrideFile = z.input<typeof replicatedProxyOverrideSchema>;
export type MtlsOverrideFile = z.input<typeof mtlsOverrideSchema>;
export type MeshOverridesFile = z.input<typeof meshOverridesSchema>;
export type MeshSettingFile = z.input<typeof meshSettingSchema>;
export type ControlPlaneFile = z.input<typeof controlPlaneSchema>;
export type ControlPlaneOverrideFile = z.input<typeof controlPlaneOverrideSchema>;
export type ControlPlaneResourcesOverrideFile = z.input<typeof controlPlaneResourcesOverrideSchema>;
export type ResilienceFile = z.input<typeof resilienceSchema>;
export type ResilienceOverrideFile = z.input<typeof resilienceOverrideSchema>;
