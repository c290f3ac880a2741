/**
 * Loading a topology, as a pipeline with visible phases:
 *
 *   read → parse YAML (syntax, duplicate keys) → schema (shape)
 *        → checks (units, ranges, references) → normalize
 *
 * Each phase runs only when the one before it found no errors, because its
 * input would not be trustworthy (a file with the wrong shape cannot be
 * checked for references). Problems carry key paths; this module turns them
 * into diagnostics with a file position. JSON is parsed by the same YAML
 * parser (JSON is YAML 1.2), which gives positions for JSON files too.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import type { Diagnostic } from '../diagnostics/types.js';
import { DiagnosticError } from '../diagnostics/types.js';
import { checkTopology } from './checks.js';
import { createSourceIndex, locate, locationAtOffset, pathAtOffset, type SourceIndex } from './locate.js';
import * as msg from './messages.js';
import { normalizeTopology } from './normalize.js';
import { error, type Problem } from './problem.js';
import { topologyFileSchema } from './schema.js';
import { schemaProblems } from './schemaIssues.js';
import type { Topology } from './types.js';

export interface LoadResult {
  /** Present only when there are no errors; warnings may accompany it. */
  topology?: Topology;
  /** Sorted by position in the file. */
  diagnostics: Diagnostic[];
}

export function loadTopologyFile(path: string): LoadResult {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const diagnostic: Diagnostic =
      err.code === 'ENOENT'
        ? { severity: 'error', code: 'file-not-found', path: [], message: msg.fileNotFound(path), hint: msg.fileNotFoundHint() }
        : { severity: 'error', code: 'file-unreadable', path: [], message: msg.fileUnreadable(path, err.message) };
    return { diagnostics: [diagnostic] };
  }
  return loadTopologySource(source, path);
}

/** `file` names the source in diagnostics; it is not read. */
export function loadTopologySource(source: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const index = createSourceIndex(file, source, doc, lineCounter);

  const syntax = firstAtEachPosition([
    ...doc.errors.map((e) => yamlDiagnostic(index, e, 'error')),
    ...doc.warnings.map((w) => yamlDiagnostic(index, w, 'warning')),
  ]);
  if (hasErrors(syntax)) return { diagnostics: sortByPosition(syntax) };

  let value: unknown;
  try {
    value = doc.toJS();
  } catch (e) {
    // yaml refuses documents whose aliases expand exponentially ("billion laughs").
    const problem = error('yaml-syntax', [], msg.yamlMessage((e as Error).message), msg.aliasHint());
    return { diagnostics: [...syntax, located(index, problem)] };
  }
  const shapeless = checkRoot(value);
  if (shapeless) return { diagnostics: [...syntax, located(index, shapeless)] };

  const parsed = topologyFileSchema.safeParse(value);
  if (!parsed.success) {
    return { diagnostics: sortByPosition([...syntax, ...schemaProblems(parsed.error.issues, topologyFileSchema, value).map((p) => located(index, p))]) };
  }

  const diagnostics = sortByPosition([...syntax, ...checkTopology(parsed.data).map((p) => located(index, p))]);
  if (hasErrors(diagnostics)) return { diagnostics };
  return { topology: normalizeTopology(parsed.data), diagnostics };
}

/** The topology of a result, or a DiagnosticError carrying every diagnostic. */
export function topologyOrThrow(result: LoadResult): Topology {
  if (result.topology === undefined) throw new DiagnosticError(result.diagnostics);
  return result.topology;
}

function checkRoot(value: unknown): Problem | undefined {
  if (value === null || value === undefined) return error('empty-file', [], msg.emptyFile(), msg.emptyFileHint());
  if (typeof value !== 'object' || Array.isArray(value)) {
    return error('not-a-mapping', [], msg.notAMapping(msg.describeValue(value)), msg.notAMappingHint());
  }
  return undefined;
}

function yamlDiagnostic(index: SourceIndex, e: YAMLError, severity: Diagnostic['severity']): Diagnostic {
  const location = locationAtOffset(index, e.pos[0]);
  if (e.code === 'DUPLICATE_KEY') {
    const path = pathAtOffset(index.doc, e.pos[0]);
    const key = String(path[path.length - 1] ?? '');
    return { severity, code: 'duplicate-key', path, message: msg.duplicateKey(key), hint: msg.duplicateKeyHint(), location };
  }
  const code = severity === 'error' ? 'yaml-syntax' : 'yaml-warning';
  return { severity, code, path: [], message: msg.yamlMessage(e.message), hint: msg.yamlSyntaxHint(e.code), location };
}

/** One mistake often trips several parser rules at the same spot; the first says it best. */
function firstAtEachPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const at = `${d.location?.line}:${d.location?.column}`;
    if (seen.has(at)) return false;
    seen.add(at);
    return true;
  });
}

function located(index: SourceIndex, problem: Problem): Diagnostic {
  const { anchor, ...rest } = problem;
  return { ...rest, location: locate(index, problem.path, anchor) };
}

function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable, so problems at one position keep the order the checks found them in. */
function sortByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic) => (d.location ? d.location.line * 1e6 + d.location.column : 0);
  return [...diagnostics].sort((a, b) => key(a) - key(b));
}
