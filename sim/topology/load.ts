/**
 * Loading a topology, as a pipeline with visible phases:
 *
 *   read → parse YAML (syntax, duplicate keys) → schema (shape)
 *        → checks (units, ranges, references, timeline) → mesh profile
 *        → checks against the profile → normalize
 *
 * Each phase runs only when the one before it found no errors, because its
 * input would not be trustworthy (a file with the wrong shape cannot be
 * checked for references). The mesh profile the topology names is loaded
 * even when the checks failed, so its own problems are reported in the same
 * pass. Problems carry key paths; this module turns them into diagnostics
 * with a file position. JSON is parsed by the same YAML parser (JSON is
 * YAML 1.2), which gives positions for JSON files too. Top-level `x-` keys
 * (templates) are dropped before the schema phase: see extensionKeys.ts.
 */
import type { Diagnostic } from '../diagnostics/types.js';
import { DiagnosticError } from '../diagnostics/types.js';
import { resolveMesh, type MeshOptions } from '../mesh/resolve.js';
import { checkAgainstProfile, checkTopology } from './checks.js';
import { checkZeroTimeLoops } from './zeroTimeLoop.js';
import { hasErrors, located, parseSource, readSource, sortByPosition, type ParsedSource } from './document.js';
import * as msg from './messages.js';
import { normalizeTopology } from './normalize.js';
import { applyPatches, patchFor, type Patch } from './patch.js';
import { error, type Problem } from './problem.js';
import { topologyFileSchema } from './schema.js';
import { kindOfDocument } from './fileKind.js';
import { withoutExtensionKeys } from './extensionKeys.js';
import { schemaProblems } from './schemaIssues.js';
import type { NoEffectSetting, Topology } from './types.js';
import { formatPath, quoted } from '../diagnostics/format.js';
import type { GivenLimits } from './timeline.js';

export interface LoadResult {
  /** Present only when there are no errors; warnings may accompany it. */
  topology?: Topology;
  /** The topology file's, sorted by position, then the mesh profile file's. */
  diagnostics: Diagnostic[];
  /** The mesh profile file the topology was resolved with, when one was found. */
  meshFile?: string;
}

/**
 * `mesh`: run under this profile instead of the topology's (a bundled name,
 * or a path relative to the current directory); `mtls`: force mTLS on or off;
 * `patches`: values set on the file before it is validated (see patch.ts),
 * whose problems point at where each value was written.
 */
export interface LoadOptions extends MeshOptions {
  patches?: readonly Patch[];
  /** The run's length and warm-up the caller will run with instead of the file's (seconds), for the checks that depend on them. */
  limits?: GivenLimits;
}

export function loadTopologyFile(path: string, options: LoadOptions = {}): LoadResult {
  const read = readSource(path);
  if (!read.ok) return { diagnostics: [read.diagnostic] };
  return loadTopologySource(read.source, path, options);
}

/** `file` names the source in diagnostics; it is not read. Profile paths are relative to its directory. */
export function loadTopologySource(source: string, file: string, options: LoadOptions = {}): LoadResult {
  // From JavaScript anything can come; yaml would fail deep inside on a non-string.
  if (typeof source !== 'string') {
    return { diagnostics: [{ severity: 'error', code: 'bad-option', path: [], message: `loadTopologySource: the source must be the file's text (a string), got ${source === null ? 'null' : typeof source}`, hint: 'read the file first, or use loadTopologyFile(path)' }] };
  }
  const parsed = parseSource(source, file, 'topology');
  if (parsed.value === undefined) return { diagnostics: parsed.diagnostics };
  return loadParsedTopology(parsed, file, options);
}

/**
 * The phases after parsing, for a caller that parses a file once and loads it
 * many times with different patches (a sweep).
 */
export function loadParsedTopology(parsed: ParsedSource, file: string, options: LoadOptions = {}): LoadResult {
  if (parsed.value === undefined) return { diagnostics: parsed.diagnostics };
  const { index } = parsed;
  const patches = options.patches ?? [];
  let value = parsed.value;
  let locate = (p: Problem): Diagnostic => located(index, p);
  let patchProblems: Diagnostic[] = [];
  if (patches.length > 0) {
    const patched = applyPatches(parsed.value, patches);
    patchProblems = patched.diagnostics;
    const original = parsed.value;
    value = patched.value;
    locate = (p) => {
      const patch = patchFor(p.path, patches, original);
      const origin = p.anchor === 'key' ? (patch?.pathOrigin ?? patch?.origin) : patch?.origin;
      if (origin === undefined) return located(index, p);
      const { anchor, at, ...rest } = p;
      return { ...rest, location: origin };
    };
  }

  // x- keys hold templates whose aliases parsing already filled in: nothing to check or simulate.
  value = withoutExtensionKeys(value);
  const result = topologyFileSchema.safeParse(value);
  if (!result.success) {
    // Another kind of meshtax file given as the topology: say so, not a list of its keys a topology does not know.
    const kind = kindOfDocument(value);
    const other = kind === 'profile' ? [msg.profileNotTopology(), msg.profileNotTopologyHint(file)]
      : kind === 'results' ? [msg.resultsNotTopology(), msg.resultsNotTopologyHint(file)]
        : kind === 'sweep' ? [msg.sweepNotTopology(), msg.sweepNotTopologyHint(file)]
          : undefined;
    if (other) return { diagnostics: [located(index, error('wrong-kind-of-file', [], other[0], other[1]))] };
    const problems = schemaProblems(result.error.issues, topologyFileSchema, value);
    return { diagnostics: [...patchProblems, ...sortByPosition([...parsed.diagnostics, ...problems.map(locate)])] };
  }

  const problems = checkTopology(result.data, options.limits);
  const checked = !problems.some((p) => p.severity === 'error');
  const mesh = resolveMesh(result.data.mesh, file, { mesh: options.mesh, mtls: options.mtls }, checked);
  const fit = checked && mesh.profile !== undefined ? checkAgainstProfile(result.data, mesh.profile) : [];
  const diagnostics = [
    ...patchProblems,
    ...sortByPosition([...parsed.diagnostics, ...[...problems, ...mesh.problems, ...fit].map(locate)]),
    ...mesh.diagnostics,
  ];
  if (hasErrors(diagnostics) || mesh.profile === undefined) return { diagnostics, meshFile: mesh.file };
  const topology = normalizeTopology(result.data, mesh.profile);
  const entries = result.data.entrypoints;
  const loops = checkZeroTimeLoops(topology, (name) => entries[name]?.thinkTime !== undefined).map(locate);
  if (loops.length > 0) return { diagnostics: [...diagnostics, ...loops], meshFile: mesh.file };
  // What did nothing goes with the topology into its results, so a report says so too, not only validate.
  const fromProfile = new Set(mesh.diagnostics);
  const noEffect = diagnostics.filter((d) => d.severity === 'warning' && d.code === 'no-effect').map((d): NoEffectSetting => ({
    path: fromProfile.has(d) ? `mesh profile ${quoted(mesh.profile!.name)}: ${formatPath(d.path)}` : formatPath(d.path),
    message: d.message,
  }));
  if (noEffect.length > 0) topology.noEffect = noEffect;
  return { topology, diagnostics, meshFile: mesh.file };
}

/** The topology of a result, or a DiagnosticError carrying every diagnostic. */
export function topologyOrThrow(result: LoadResult): Topology {
  if (result.topology === undefined) throw new DiagnosticError(result.diagnostics);
  return result.topology;
}
