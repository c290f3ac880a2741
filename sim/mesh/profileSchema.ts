/**
 * Mesh profile files (topologies/meshes/*.yaml) and the `mesh:` key of a
 * topology, as zod schemas: one source for their TypeScript types, their
 * structural validation and their JSON Schemas.
 *
 * A profile is complete: every key of every proxy it has is written down, so
 * the file is the readable record of what the numbers are and where they come
 * from. A topology names a profile and may override it field by field, so the
 * override schemas are the same shapes with every key optional.
 *
 * As in the topology schema, shape is checked here; units, ranges and what
 * each mode requires are checked in checkProfile.ts, where the messages can
 * say why.
 */
import * as z from 'zod';
import { distributionSchema, durationSchema, integer, labels, sizeSchema } from '../topology/valueSchemas.js';

export const MESH_MODES = ['none', 'sidecar', 'ambient'] as const;

/** Bundled profiles are named by their file name; anything ending like this is a path. */
export const PROFILE_PATH_PATTERN = String.raw`\.(ya?ml|json)$`;

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
  })
  .meta({ id: 'mtls', description: 'Mutual TLS between proxies: handshakes, resumption, encryption cost, connection pooling.' });

/** What each mode requires and forbids, for editors; checkProfile.ts says the same with hints. */
const modeRules = [
  { mode: 'none', required: [], forbidden: ['sidecar', 'nodeProxy', 'waypoint', 'gateway'] },
  { mode: 'sidecar', required: ['sidecar', 'mtls', 'sources'], forbidden: ['nodeProxy', 'waypoint'] },
  { mode: 'ambient', required: ['nodeProxy', 'mtls', 'sources'], forbidden: ['sidecar'] },
].map(({ mode, required, forbidden }) => ({
  if: { properties: { mode: { const: mode } }, required: ['mode'] },
  then: { required, not: { anyOf: forbidden.map((key) => ({ required: [key] })) } },
}));

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
    sidecar: proxySchema.optional().meta({ description: 'Mode sidecar: the proxy in every pod, outbound for its app\'s calls and inbound for calls to it.' }),
    nodeProxy: proxySchema.optional().meta({ description: "Mode ambient: the per-node proxy (Istio's ztunnel, Cilium's node Envoy)." }),
    waypoint: replicatedProxySchema.optional().meta({ description: 'Mode ambient, optional: the L7 proxy for services with `l7: true`.' }),
    gateway: replicatedProxySchema.optional().meta({ description: 'Optional, any mode but none: the ingress gateway entry-point traffic passes through.' }),
    mtls: mtlsSchema.optional().meta({ description: 'Mutual TLS between proxies; required unless the mode is none (then disabled by default).' }),
  })
  .meta({
    title: 'meshtax mesh profile',
    description: "A service mesh's data plane for the meshtax simulator: its proxies, their costs, mTLS, and where the numbers come from.",
    allOf: modeRules,
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

export const replicatedProxyOverrideSchema = proxyOverrideSchema
  .extend({ replicas: replicasSchema.optional() })
  .meta({ id: 'replicatedProxyOverride', description: "Changes to the profile's proxy: any of its keys, replicas too; memory key by key." });

export const mtlsOverrideSchema = mtlsSchema
  .partial()
  .meta({ id: 'mtlsOverride', description: "Changes to the profile's mTLS settings: any of its keys, e.g. {enabled: false}." });

export const meshOverridesSchema = z.strictObject({
  profile: profileRefSchema,
  sidecar: proxyOverrideSchema.optional(),
  nodeProxy: proxyOverrideSchema.optional(),
  waypoint: replicatedProxyOverrideSchema.optional(),
  gateway: replicatedProxyOverrideSchema.optional(),
  mtls: mtlsOverrideSchema.optional(),
});

export const meshSettingSchema = z
  .union([profileRefSchema, meshOverridesSchema])
  .meta({
    description:
      'The mesh: a profile name or path (default "none"), or {profile, …} with field-by-field changes to its sidecar, nodeProxy, waypoint, gateway or mtls.',
  })
  .register(labels, { expected: 'a profile name like istio-sidecar, or a mapping like {profile: istio-sidecar, mtls: {enabled: false}}' });

export type ProfileFile = z.input<typeof profileFileSchema>;
export type ProxyFile = z.input<typeof proxySchema>;
export type ReplicatedProxyFile = z.input<typeof replicatedProxySchema>;
export type MtlsFile = z.input<typeof mtlsSchema>;
export type ProxyOverrideFile = z.input<typeof replicatedProxyOverrideSchema>;
export type MtlsOverrideFile = z.input<typeof mtlsOverrideSchema>;
export type MeshOverridesFile = z.input<typeof meshOverridesSchema>;
export type MeshSettingFile = z.input<typeof meshSettingSchema>;
