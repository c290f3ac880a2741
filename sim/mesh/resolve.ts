/**
 * The mesh a topology runs under: the profile it names (or "none"), or the
 * one a caller substitutes (`meshtax compare --mesh a,b,c`), with the
 * topology's overrides merged in when they are meant for that profile, and
 * mTLS forced on or off when asked.
 */
import { dirname, join, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/types.js';
import type { Path } from '../topology/locate.js';
import { error, warning, type Problem } from '../topology/problem.js';
import * as msg from '../topology/messages.js';
import type { MeshProfile } from '../topology/types.js';
import { findMeshProfile, listMeshProfiles, loadMeshProfileFile, meshProfilesDir, profileIdentity } from './loadProfile.js';
import { applyOverrides, checkOverridesFit, meshOverrides } from './overrides.js';
import type { MeshSettingFile } from './profileSchema.js';

export const DEFAULT_MESH = 'none';

export interface MeshOptions {
  /**
   * Run under this profile instead of the topology's: a bundled name, or a
   * path relative to the current directory. The topology's overrides apply
   * only if it is the profile the topology names.
   */
  mesh?: string;
  /** Force mTLS on or off, whatever the profile and overrides say. */
  mtls?: boolean;
}

export interface ResolvedMesh {
  /** Absent when the profile could not be loaded, or its overrides do not fit it. */
  profile?: MeshProfile;
  /** Problems of the topology's `mesh` key, for the caller to place in the topology file. */
  problems: Problem[];
  /** Diagnostics of the profile file, placed in it; or, for `options.mesh`, without a location. */
  diagnostics: Diagnostic[];
  /** The profile file read (bundled or the user's), so a command can refuse to write over it. */
  file?: string;
}

/**
 * `setting` is the topology's `mesh` value (already structurally valid);
 * `applyTopologyOverrides` is false when the override values had errors, so
 * they are not merged (their problems are already reported).
 */
export function resolveMesh(
  setting: MeshSettingFile | undefined,
  topologyFile: string,
  options: MeshOptions = {},
  applyTopologyOverrides = true,
): ResolvedMesh {
  const baseDir = dirname(topologyFile);
  const named = setting === undefined ? DEFAULT_MESH : typeof setting === 'string' ? setting : setting.profile;
  const namedAt: Path = setting === undefined ? [] : typeof setting === 'string' ? ['mesh'] : ['mesh', 'profile'];
  const substituted = options.mesh !== undefined;
  const ref = options.mesh ?? named;
  const refDir = substituted ? '.' : baseDir;

  const found = findMeshProfile(ref, refDir);
  if (!found.ok) {
    if (substituted) {
      const { anchor, at, ...diagnostic } = found.problem;
      return { problems: [], diagnostics: [diagnostic] };
    }
    return { problems: [{ ...found.problem, path: namedAt }], diagnostics: [] };
  }
  const loaded = loadMeshProfileFile(found.file);
  // A profile file that cannot be read at all (a directory, no permission) is placed where the topology names it.
  const unread = loaded.diagnostics.length === 1 && loaded.diagnostics[0].location === undefined ? loaded.diagnostics[0] : undefined;
  if (unread && !substituted) return { problems: [error(unread.code, namedAt, unread.message, unread.hint)], diagnostics: [], file: found.file };
  if (loaded.profile === undefined) return { problems: [], diagnostics: loaded.diagnostics, file: found.file };

  let profile = withCopyDifferences(loaded.profile, found.file);
  const overrides = meshOverrides(setting);
  // The same profile however it is named: `linkerd` and the path of topologies/meshes/linkerd.yaml are one file.
  const namedFile = substituted ? findMeshProfile(named, baseDir) : found;
  const sameProfile = !substituted
    || profileIdentity(ref, refDir) === profileIdentity(named, baseDir)
    || (namedFile.ok && resolve(namedFile.file) === resolve(found.file));
  const problems: Problem[] = [];
  if (overrides !== undefined && sameProfile) {
    const misfits = checkOverridesFit(overrides, profile, applyTopologyOverrides);
    if (misfits.some((p) => p.severity === 'error')) return { problems: misfits, diagnostics: loaded.diagnostics, file: found.file };
    problems.push(...misfits);
    if (applyTopologyOverrides) profile = applyOverrides(profile, overrides);
  } else if (overrides !== undefined && Object.keys(overrides).some((k) => k !== 'profile')) {
    // Said, not silent: a policy the file sets (retries off, a push delay) is not in this run.
    const keys = Object.keys(overrides).filter((k) => k !== 'profile').sort();
    problems.push(warning('overrides-not-applied', ['mesh'], msg.overridesNotApplied(keys, named, profile.name), msg.overridesNotAppliedHint(profile.name), 'key'));
  }
  if (options.mtls !== undefined) profile = { ...profile, mtls: { ...profile.mtls, enabled: options.mtls } };
  return { profile, problems, diagnostics: loaded.diagnostics, file: found.file };
}

/**
 * A profile file of the user's under a bundled profile's name (a copy,
 * edited) would read in every result as the product's own: its fields that
 * differ from the bundled profile are listed as tuned, as the topology's
 * overrides are, so run's header, compare and the report say so.
 */
function withCopyDifferences(profile: MeshProfile, file: string): MeshProfile {
  if (!listMeshProfiles().includes(profile.name)) return profile;
  const bundledFile = join(meshProfilesDir(), `${profile.name}.yaml`);
  if (resolve(file) === resolve(bundledFile)) return profile;
  const bundled = loadMeshProfileFile(bundledFile).profile;
  if (bundled === undefined) return profile;
  const changed = profileDifferences(bundled, profile);
  if (changed.length === 0) return profile;
  return { ...profile, tuned: [...new Set([...(profile.tuned ?? []), ...changed])].sort() };
}

/** The fields (`sidecar.requestCost`, `mode`) in which two profiles differ; what describes them (name, description, sources) aside. */
export function profileDifferences(a: MeshProfile, b: MeshProfile): string[] {
  const out: string[] = [];
  const same = (x: unknown, y: unknown): boolean => JSON.stringify(x, finite) === JSON.stringify(y, finite);
  for (const key of Object.keys({ ...a, ...b }).sort()) {
    if (key === 'name' || key === 'description' || key === 'sources' || key === 'tuned') continue;
    // MeshProfile is an interface, with no index signature to read a key named at run time by.
    const x = (a as unknown as Record<string, unknown>)[key];
    const y = (b as unknown as Record<string, unknown>)[key];
    if (isBlock(x) && isBlock(y)) {
      for (const field of Object.keys({ ...x, ...y }).sort()) if (!same(x[field], y[field])) out.push(`${key}.${field}`);
    } else if (!same(x, y)) out.push(key);
  }
  return out;
}

const isBlock = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** JSON.stringify writes Infinity as null: keep them apart. */
const finite = (_key: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
