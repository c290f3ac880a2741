/** Topology loading: files in, a normalized Topology (or diagnostics) out. */
export { loadTopologyFile, loadTopologySource, topologyOrThrow, type LoadResult, type LoadOptions } from './load.js';
export { normalizeTopology } from './normalize.js';
export { checkTopology } from './checks.js';
export { topologyFileSchema, EVENT_KEYS, type TopologyFile } from './schema.js';
export { parseReplica } from './timeline.js';
export {
  topologyJsonSchema,
  topologyJsonSchemaText,
  profileJsonSchema,
  profileJsonSchemaText,
  JSON_SCHEMA_FILE,
  PROFILE_JSON_SCHEMA_FILE,
} from './jsonSchema.js';
export type * from './types.js';
