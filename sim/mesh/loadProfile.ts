/**
 * Loading a mesh profile, with the same phases and diagnostics as a
 * topology (sim/topology/load.ts):
 *
 *   find (bundled name or path) → read → parse YAML → schema (shape)
 *        → checks (mode, units, ranges) → normalize
 *
 * Bundled profiles live in topologies/meshes/ of the package, found from
 * this module's own location so that it works from the source tree
 * (sim/mesh/*.ts) and from the compiled package (dist/sim/mesh/*.js) alike.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../diagnostics/types.js';
import { hasErrors, located, parseSource, readSource, sortByPosition } from '../topology/document.js';
import * as msg from '../topology/messages.js';
import { error, type Problem } from '../topology/problem.js';
import { kindOfDocument } from '../topology/fileKind.js';
import { schemaProblems } from '../topology/schemaIssues.js';
import { withoutExtensionKeys } from '../topology/extensionKeys.js';
import { closest } from '../topology/suggest.js';
import type { MeshProfile } from '../topology/types.js';
import { checkProfile } from './checkProfile.js';
import { normalizeProfile } from './normalizeProfile.js';
import { PROFILE_PATH_PATTERN, profileFileSchema } from './profileSchema.js';

export interface ProfileResult {
  /** Present only when there are no errors. */
  profile?: MeshProfile;
  /** Sorted by position in the profile file. */
  diagnostics: Diagnostic[];
}

/** Where the bundled profiles are, relative to the package root. */
export const BUNDLED_PROFILES_DIR = 'topologies/meshes';

let bundledDir: string | undefined;

/**
 * The directory of the bundled profiles: the first `topologies/meshes` on
 * the way up from this module (the package root is two levels up from
 * sim/mesh/ in the source tree, three from dist/sim/mesh/).
 */
export function meshProfilesDir(): string {
  if (bundledDir !== undefined) return bundledDir;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, BUNDLED_PROFILES_DIR);
    if (existsSync(candidate)) {
      bundledDir = candidate;
      return candidate;
    }
    if (dirname(dir) === dir) throw new Error(`internal error: no ${BUNDLED_PROFILES_DIR} directory above ${start}; the package is incomplete`);
  }
}

/** Names of the bundled profiles, sorted. */
export function listMeshProfiles(): string[] {
  // The bundled profiles are part of the installed package: listed once a process (a sweep asks once a point).
  bundledNames ??= readdirSync(meshProfilesDir())
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
  return [...bundledNames];
}
let bundledNames: string[] | undefined;

/** A reference ending in .yaml, .yml or .json is a path; anything else names a bundled profile. */
export function isProfilePath(ref: string): boolean {
  return new RegExp(PROFILE_PATH_PATTERN).test(ref);
}

/**
 * What a reference means, for telling whether two references are the same
 * profile: a bundled name as is, a path made absolute against `baseDir`.
 */
export function profileIdentity(ref: string, baseDir: string): string {
  return isProfilePath(ref) ? resolve(baseDir, ref) : ref;
}

export type ProfileLookup = { ok: true; file: string } | { ok: false; problem: Problem };

/**
 * The file a reference names, shown relative to the current directory when
 * it is below it; or why there is none (a problem with an empty path, for the
 * caller to place).
 */
export function findMeshProfile(ref: string, baseDir: string): ProfileLookup {
  if (isProfilePath(ref)) {
    const file = displayPath(resolve(baseDir, ref));
    if (!existsSync(file)) return { ok: false, problem: error('file-not-found', [], msg.fileNotFound(file), msg.profilePathHint(baseDir)) };
    return { ok: true, file };
  }
  const known = listMeshProfiles();
  if (!known.includes(ref)) {
    // `run --mesh none,linkerd`: a list is compare's.
    const hint = ref.includes(',') ? msg.meshListHint(ref) : msg.unknownMeshProfileHint(closest(ref, known), known);
    return { ok: false, problem: error('unknown-mesh-profile', [], msg.unknownMeshProfile(ref), hint) };
  }
  return { ok: true, file: displayPath(join(meshProfilesDir(), `${ref}.yaml`)) };
}

/**
 * A bundled profile by name (`istio-sidecar`), or a profile file by path
 * (ending in .yaml, .yml or .json) relative to `baseDir`.
 */
export function loadMeshProfile(nameOrPath: string, baseDir: string): ProfileResult {
  const found = findMeshProfile(nameOrPath, baseDir);
  if (!found.ok) {
    const { anchor, at, ...diagnostic } = found.problem;
    return { diagnostics: [diagnostic] };
  }
  return loadMeshProfileFile(found.file);
}

export function loadMeshProfileFile(path: string): ProfileResult {
  const read = readSource(path);
  if (!read.ok) return { diagnostics: [read.diagnostic] };
  return loadMeshProfileSource(read.source, path);
}

/**
 * Profiles already parsed and checked, by file name and text: a sweep loads
 * every point's topology, and each loaded its profile again — parsing and
 * checking the same YAML was 70 % of planning (10,000 points: 18 s). Keyed
 * by the text, so an edited file is parsed afresh; a few entries, as a run
 * uses a handful of profiles.
 */
const parsedProfiles = new Map<string, ProfileResult>();
const PARSED_PROFILES_KEPT = 32;

/** `file` names the source in diagnostics; it is not read. */
export function loadMeshProfileSource(source: string, file: string): ProfileResult {
  const key = `${file}\u0000${source}`;
  let result = parsedProfiles.get(key);
  if (result === undefined) {
    result = parseMeshProfileSource(source, file);
    if (parsedProfiles.size >= PARSED_PROFILES_KEPT) parsedProfiles.delete(parsedProfiles.keys().next().value as string);
    parsedProfiles.set(key, result);
  }
  // A copy: callers merge overrides into what they get, and must not change the next caller's.
  return structuredClone(result);
}

function parseMeshProfileSource(source: string, file: string): ProfileResult {
  const parsed = parseSource(source, file, 'profile');
  if (parsed.value === undefined) return { diagnostics: parsed.diagnostics };
  const { index } = parsed;
  // As in a topology: x- keys hold templates (a proxy's settings for sidecar and gateway), ignored.
  const value = withoutExtensionKeys(parsed.value);
  const result = profileFileSchema.safeParse(value);
  if (!result.success) {
    // A topology, results or a sweep file given as --mesh: say so, not a list of its keys a profile does not know.
    const kind = kindOfDocument(value);
    const other = kind === 'topology' ? [msg.topologyNotProfile(), msg.topologyNotProfileHint(listMeshProfiles())]
      : kind === 'results' ? [msg.resultsNotProfile(), msg.resultsNotProfileHint(file, listMeshProfiles())]
        : kind === 'sweep' ? [msg.sweepNotProfile(), msg.sweepNotProfileHint(file)]
          : undefined;
    if (other) return { diagnostics: [located(index, error('wrong-kind-of-file', [], other[0], other[1]))] };
    const problems = schemaProblems(result.error.issues, profileFileSchema, value);
    return { diagnostics: sortByPosition([...parsed.diagnostics, ...problems.map((p) => located(index, p))]) };
  }
  const diagnostics = sortByPosition([...parsed.diagnostics, ...checkProfile(result.data).map((p) => located(index, p))]);
  if (hasErrors(diagnostics)) return { diagnostics };
  return { profile: normalizeProfile(result.data), diagnostics };
}

/** Relative to the current directory when below it (as a user would type it), absolute otherwise. */
function displayPath(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}
