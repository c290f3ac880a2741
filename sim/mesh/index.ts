/** Mesh profiles: bundled and user profile files in, a normalized MeshProfile (or diagnostics) out. */
export {
  listMeshProfiles,
  loadMeshProfile,
  loadMeshProfileFile,
  loadMeshProfileSource,
  meshProfilesDir,
  isProfilePath,
  type ProfileResult,
} from './loadProfile.js';
export { resolveMesh, DEFAULT_MESH, type MeshOptions, type ResolvedMesh } from './resolve.js';
export { applyOverrides } from './overrides.js';
export { mergeResilience, DEFAULT_RETRIES, DEFAULT_BUDGET, DEFAULT_CIRCUIT_BREAKER, DEFAULT_OUTLIER_DETECTION } from './resilience.js';
export { normalizeProfile } from './normalizeProfile.js';
export { profileFileSchema, meshSettingSchema, MESH_MODES, RETRY_CONDITIONS, PLACEMENTS, type ProfileFile, type MeshSettingFile } from './profileSchema.js';
export type {
  MeshProfile,
  MeshMode,
  ProxySpec,
  MtlsSpec,
  ControlPlane,
  ResiliencePolicy,
  RetryPolicy,
  RetryCondition,
  CircuitBreaker,
  OutlierDetection,
} from '../topology/types.js';
