/**
 * Patches: values set on a topology *file* before it is validated (a sweep's
 * `--set services.api.replicas=3`, or a sweep file's grid). A patch is
 * applied to the parsed document, so a bad value goes through the same
 * schema and checks as a value written in the file and gets the same
 * diagnostics; only their location changes, to where the value was written
 * (the `--set` argument, or the sweep file).
 *
 * Paths address the file format: `services.reviews.replicas`,
 * `entrypoints.web.rate`, `simulation.duration`, `mesh` (replaces the
 * topology's `mesh:` whole, its overrides too), `mesh.sidecar.workers` (a
 * field of the mesh: `mesh: istio-sidecar` becomes `{profile: istio-sidecar,
 * sidecar: {workers: …}}`). Mappings on the way that the file leaves out are
 * created; a service, entry point or node that does not exist, an index past
 * the end of a list, a step through a plain value, and a path into a
 * top-level `x-` key (ignored: extensionKeys.ts) are errors here.
 */
import type { Diagnostic, SourceLocation } from '../diagnostics/types.js';
import { formatPath } from '../diagnostics/format.js';
import type { Path } from './locate.js';
import { DEFAULT_MESH } from '../mesh/resolve.js';
import { closest } from './suggest.js';
import { isExtensionKey } from './extensionKeys.js';
import * as msg from './messages.js';

export interface Patch {
  /** A path in the topology file format. */
  path: Path;
  /** The value, as it would be written in the file (a rate as "100/s", a count as 3). */
  value: unknown;
  /** Where the value was written; diagnostics about it point there. */
  origin?: SourceLocation;
  /** Where the path was written, for a path that does not exist (default: origin). */
  pathOrigin?: SourceLocation;
}

/** Mappings whose keys are names the user chose: a missing one is a typo, not a key to create. */
const NAMED_COLLECTIONS = new Set(['services', 'entrypoints', 'nodes']);

const WHAT: Record<string, string> = { services: 'service', entrypoints: 'entry point', nodes: 'node' };

export interface Patched {
  /** A copy of the document with every patch applied; the input is not changed. */
  value: Record<string, unknown>;
  /** Paths that cannot be set, at the patch's origin; those patches are left out of `value`. */
  diagnostics: Diagnostic[];
}

/** Applies the patches in order; a longer path after a shorter one changes what the shorter one set. */
export function applyPatches(document: Record<string, unknown>, patches: readonly Patch[]): Patched {
  const value = unshared(document);
  const diagnostics: Diagnostic[] = [];
  for (const patch of patches) {
    const problem = applyOne(value, patch);
    if (problem) diagnostics.push(problem);
  }
  return { value, diagnostics };
}

/**
 * A deep copy in which no two places share an object. Aliases parse to one
 * object shared by every place that names the anchor (`b: *svc`, `c: *svc`),
 * and structuredClone keeps that sharing: setting services.b.workers set c's
 * and the template's too.
 */
function unshared<T>(value: T): T {
  if (Array.isArray(value)) return value.map(unshared) as T;
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unshared(v)])) as T;
  return value;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function applyOne(root: Record<string, unknown>, patch: Patch): Diagnostic | undefined {
  const { path } = patch;
  if (path.length === 0) return unknownPath(patch, 'a path is empty', 'write a path such as services.api.replicas');
  // As in a file: `__proto__` would reach Object.prototype (every object of the process) or silently set nothing.
  if (path.some((segment) => segment === '__proto__')) {
    return patchProblem(patch, 'reserved-key', msg.reservedPathKey(), msg.reservedPathKeyHint());
  }
  // Ignored like the file's own x- keys: the value would go nowhere, and what uses the template has its values already.
  if (isExtensionKey(path[0])) return unknownPath(patch, msg.extensionPath(String(path[0])), msg.extensionPathHint());
  let container: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    const here = path.slice(0, i);
    if (Array.isArray(container)) {
      const index = typeof segment === 'number' ? segment : /^\d+$/.test(segment) ? Number(segment) : NaN;
      if (!Number.isInteger(index) || index >= container.length) {
        return unknownPath(patch, `${formatPath(here)} has ${container.length} ${container.length === 1 ? 'entry' : 'entries'}; there is no [${segment}]`,
          container.length > 0 ? `indices run from 0 to ${container.length - 1}` : `${formatPath(here)} is empty in the topology`);
      }
      if (last) {
        container[index] = structuredClone(patch.value);
        return undefined;
      }
      const next: unknown = container[index];
      if (typeof next !== 'object' || next === null) return notAMapping(patch, path.slice(0, i + 1), next);
      container = next as Record<string, unknown> | unknown[];
      continue;
    }
    const key = String(segment);
    const collection = here.length === 1 && NAMED_COLLECTIONS.has(String(here[0]));
    // Own keys only: `in` also finds what every object inherits (constructor, toString).
    if (collection && !Object.hasOwn(container, key)) {
      const known = Object.keys(container);
      const what = WHAT[String(here[0])];
      return unknownPath(patch, `there is no ${what} ${JSON.stringify(key)}`, msg.didYouMean(closest(key, known), `${what === 'entry point' ? 'entry points' : `${what}s`}`, known));
    }
    if (last) {
      // A copy: a longer patch after this one (mesh={profile: linkerd}, then mesh.mtls.enabled=false) changes
      // what this one set, and must not change the sweep's value itself, which every point shares.
      container[key] = structuredClone(patch.value);
      return undefined;
    }
    let next: unknown = Object.hasOwn(container, key) ? container[key] : undefined;
    const into = path[i + 1];
    if ((next === undefined || next === null) && typeof into === 'number') {
      // A list cannot be made up entry by entry: [3] of nothing has no [0] to [2].
      return unknownPath(patch, `the topology has no ${formatPath([...here, key])}, so there is no [${into}] to set`,
        `write ${formatPath([...here, key])} in the topology file first; --set changes what is in a list, it does not create entries`);
    }
    if (next === undefined || next === null) {
      // The mesh left out is "none"; any other mapping left out is created.
      next = key === 'mesh' && here.length === 0 ? { profile: DEFAULT_MESH } : {};
      container[key] = next;
    } else if (key === 'mesh' && here.length === 0 && typeof next === 'string') {
      next = { profile: next };
      container[key] = next;
    }
    if (!isMapping(next) && !Array.isArray(next)) return notAMapping(patch, path.slice(0, i + 1), next);
    container = next;
  }
  return undefined;
}

/** A patch that cannot be applied, told at the patch's path, where it was written (the --set or the sweep file's key). */
function patchProblem(patch: Patch, code: string, message: string, hint: string): Diagnostic {
  const d: Diagnostic = { severity: 'error', code, path: patch.path, message, hint };
  const location = patch.pathOrigin ?? patch.origin;
  if (location) d.location = location;
  return d;
}

function unknownPath(patch: Patch, message: string, hint: string): Diagnostic {
  return patchProblem(patch, 'unknown-path', message, hint);
}

function notAMapping(patch: Patch, at: Path, value: unknown): Diagnostic {
  return unknownPath(
    patch,
    `cannot set ${formatPath(patch.path)}: ${formatPath(at)} is ${msg.describeValue(value)}, not a mapping`,
    `set ${formatPath(at)} itself, e.g. ${formatPath(at)}=…`,
  );
}

/**
 * The patch a diagnostic is about: one whose path the diagnostic's path
 * starts with (the value or something inside it), or one whose path starts
 * with the diagnostic's when that part of the document was not in the file
 * (it was created for the patch, as `mesh.sidecar` for `mesh.sidecar.workers`).
 * The longest match wins.
 */
export function patchFor(path: Path, patches: readonly Patch[], original: unknown): Patch | undefined {
  let best: Patch | undefined;
  for (const patch of patches) {
    const inside = startsWith(path, patch.path);
    const created = !inside && startsWith(patch.path, path) && !existsIn(original, path);
    if ((inside || created) && (best === undefined || patch.path.length > best.path.length)) best = patch;
  }
  return best;
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));
}

function existsIn(value: unknown, path: Path): boolean {
  let node = value;
  for (const segment of path) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isMapping(node)) node = Object.hasOwn(node, String(segment)) ? node[String(segment)] : undefined;
    else return false;
    if (node === undefined) return false;
  }
  return true;
}
