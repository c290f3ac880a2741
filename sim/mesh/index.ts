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
export { normalizeProfile } from './normalizeProfile.js';
export { profileFileSchema, meshSettingSchema, MESH_MODES, type ProfileFile, type MeshSettingFile } from './profileSchema.js';
export type { MeshProfile, MeshMode, ProxySpec, MtlsSpec } from '../topology/types.js';
