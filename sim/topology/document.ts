/**
 * The first phase of loading any meshtax file — a topology or a mesh
 * profile: read the text, parse it as YAML (JSON is YAML 1.2) keeping
 * positions, report syntax errors and duplicate keys, and check that the top
 * level is a mapping. Later phases work on the plain value and report key
 * paths; `located` turns those back into file:line:column.
 */
import { MAX_SOURCE_BYTES, readCapped, sizeText } from '../readCapped.js';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { Diagnostic } from '../diagnostics/types.js';
import { createSourceIndex, locate, locationAtOffset, pathAtOffset, type SourceIndex } from './locate.js';
import * as msg from './messages.js';
import { error, type Problem } from './problem.js';
import { isHtmlPage, notText } from './fileKind.js';

/** What the file is meant to hold; it changes the hints for an empty, shapeless or many-document file. */
export type DocumentKind = msg.FileKind;

export type ReadResult = { ok: true; source: string } | { ok: false; diagnostic: Diagnostic };

/** The file's text, or a diagnostic (without a location) saying why it cannot be read. */
export function readSource(path: string, notFoundHint: string = msg.fileNotFoundHint()): ReadResult {
  try {
    // Capped: a device or a pipe (a symlink to /dev/zero) would be read until memory runs out.
    const { bytes, tooLarge } = readCapped(path, MAX_SOURCE_BYTES);
    if (tooLarge !== undefined) {
      return { ok: false, diagnostic: { severity: 'error', code: 'file-too-large', path: [], message: msg.fileUnreadable(path, msg.tooLarge(sizeText(tooLarge))), hint: msg.tooLargeHint() } };
    }
    // Windows tools write UTF-16 (PowerShell 5's `>` and Out-File): read as UTF-8 it is NULs between letters.
    if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
      return { ok: false, diagnostic: { severity: 'error', code: 'file-unreadable', path: [], message: msg.fileUnreadable(path, msg.utf16()), hint: msg.utf16Hint() } };
    }
    const binary = notText(bytes);
    if (binary) {
      const { reason, hint } = msg.notTextProblem(binary, path, 'YAML and JSON');
      return { ok: false, diagnostic: { severity: 'error', code: 'not-text', path: [], message: msg.fileUnreadable(path, reason), hint } };
    }
    return { ok: true, source: bytes.toString('utf8') };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const unreadable = (reason: string, hint: string): Diagnostic =>
      ({ severity: 'error', code: 'file-unreadable', path: [], message: msg.fileUnreadable(path, reason), hint });
    const diagnostic: Diagnostic =
      err.code === 'ENOENT' ? { severity: 'error', code: 'file-not-found', path: [], message: msg.fileNotFound(path), hint: notFoundHint }
        : err.code === 'EISDIR' ? unreadable('it is a directory', msg.directoryHint(path))
          : err.code === 'EACCES' || err.code === 'EPERM' ? unreadable('permission denied', msg.permissionHint())
            : unreadable(err.message, msg.permissionHint());
    return { ok: false, diagnostic };
  }
}

export interface ParsedSource {
  index: SourceIndex;
  /** The document as a plain value; absent when the file has syntax errors or is not a mapping. */
  value?: Record<string, unknown>;
  /** Syntax errors and warnings, or the reason there is no value. */
  diagnostics: Diagnostic[];
}

/** `file` names the source in diagnostics; it is not read. */
export function parseSource(text: string, file: string, kind: DocumentKind): ParsedSource {
  // A byte-order mark (Notepad, PowerShell's UTF8 encoding) is no part of the text: JSON.parse refuses it, editors hide it.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    // merge: YAML's `<<: *defaults` merge keys, which hand-written files use to share settings.
    // uniqueKeys off: yaml looks for each key among all before it in its map,
    // which took 2 s for 10,000 services; duplicateKeys does it with a set.
    doc = parseDocument(source, { lineCounter, uniqueKeys: false, prettyErrors: false, merge: true });
  } catch (e) {
    // yaml's parser recurses per level of nesting; hundreds of levels of block collections overflow the stack.
    if (!(e instanceof RangeError)) throw e;
    return tooDeep(source, file);
  }
  const index = createSourceIndex(file, source, doc, lineCounter);

  const syntax = firstAtEachPosition([
    ...onlyFirstTooDeep(doc.errors).map((e) => yamlDiagnostic(index, e, 'error', kind)),
    ...doc.warnings.map((w) => yamlDiagnostic(index, w, 'warning', kind)),
    ...duplicateKeys(doc, index),
  ]);
  // A file meshtax writes: say what it is, not where the YAML parser lost its way in it (or, for one line of results, which keys it lacks).
  const written = writtenByMeshtax(source, index, file, kind);
  if (written) return { index, diagnostics: [written] };
  if (hasErrors(syntax)) {
    // JSON is parsed as YAML; a broken .json file gets JSON's own words for what is wrong.
    const json = /\.json$/i.test(file) ? jsonSyntax(index, source, sortByPosition(syntax)[0]) : undefined;
    return { index, diagnostics: json ? [json] : capSyntaxErrors(sortByPosition(syntax)) };
  }
  // YAML takes what JSON does not (a trailing comma, a comment): a .json file is held to JSON, which other tools reading it expect.
  if (/\.json$/i.test(file)) {
    const json = jsonSyntax(index, source, locatedAtStart(index));
    if (json) return { index, diagnostics: [json] };
  }

  const structure = structureProblems(doc, index);
  if (structure.length > 0) return { index, diagnostics: [...syntax, ...structure] };

  let value: unknown;
  try {
    value = doc.toJS();
  } catch (e) {
    // yaml refuses documents whose aliases expand exponentially ("billion laughs").
    const problem = error('yaml-syntax', [], msg.yamlMessage((e as Error).message), msg.aliasHint());
    return { index, diagnostics: [...syntax, located(index, problem)] };
  }
  const shapeless = checkRoot(value, kind);
  if (shapeless) return { index, diagnostics: [...syntax, located(index, shapeless)] };
  return { index, value: value as Record<string, unknown>, diagnostics: syntax };
}

/**
 * An HTML report or a sweep's NDJSON results given where a YAML file
 * belongs (`meshtax validate out/report.html`, `--sweep out/s.ndjson`),
 * told by their first line: a diagnostic naming it, or undefined.
 */
function writtenByMeshtax(source: string, index: SourceIndex, file: string, kind: DocumentKind): Diagnostic | undefined {
  const first = source.slice(0, source.indexOf('\n') === -1 ? undefined : source.indexOf('\n')).trim();
  const at = (message: string, hint: string): Diagnostic => ({ severity: 'error', code: 'wrong-kind-of-file', path: [], message, hint, location: locationAtOffset(index, 0) });
  if (isHtmlPage(first)) return at(msg.htmlNotKind(kind), msg.htmlNotKindHint());
  if (!first.startsWith('{')) return undefined;
  try {
    const line: unknown = JSON.parse(first);
    if (typeof line === 'object' && line !== null && 'sweep' in line && 'run' in line) return at(msg.sweepResultsNotKind(kind), msg.sweepResultsNotKindHint(file));
  } catch {
    // Not one JSON value a line: a YAML or JSON file with a syntax error, reported as such.
  }
  return undefined;
}

/** The parser's stack overflowed: one error, at the most deeply indented line (a location without the parsed document). */
function tooDeep(source: string, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  const lines = source.split(/\r?\n/);
  let offset = 0;
  let deepest = 0;
  let depth = -1;
  for (const line of lines) {
    lineCounter.addNewLine(offset);
    const indent = /^[\s\-[{]*/.exec(line)?.[0].length ?? 0;
    if (indent > depth && line.trim() !== '') { depth = indent; deepest = offset + indent; }
    offset += line.length + 1;
  }
  const index = createSourceIndex(file, source, parseDocument(''), lineCounter);
  return { index, diagnostics: [{ severity: 'error', code: 'too-deep', path: [], message: msg.tooDeep(), hint: msg.tooDeepHint(), location: locationAtOffset(index, deepest) }] };
}

/** yaml reports a stack overflow in flow collections ([[[…]]]) once per level it unwinds: keep the first. */
function onlyFirstTooDeep(errors: readonly YAMLError[]): YAMLError[] {
  const first = errors.find(isStackOverflow);
  return errors.filter((e) => !isStackOverflow(e) || e === first);
}

function isStackOverflow(e: YAMLError): boolean {
  return e.code === 'RESOURCE_EXHAUSTION' && /call stack/i.test(e.message);
}

/** A key written twice in one mapping, at its second place (merge keys may repeat; complex keys are not compared). */
function duplicateKeys(doc: Document, index: SourceIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || typeof pair.key.value === 'symbol') continue;
        const v = pair.key.value;
        const id = `${v === null ? 'null' : typeof v}:${String(v)}`;
        if (!seen.has(id)) { seen.add(id); continue; }
        const offset = pair.key.range?.[0] ?? 0;
        out.push({
          severity: 'error', code: 'duplicate-key', path: pathAtOffset(doc, offset),
          message: msg.duplicateKey(String(v)), hint: msg.duplicateKeyHint(), location: locationAtOffset(index, offset),
        });
      }
    },
  });
  return out;
}

/**
 * What the parser accepts but cannot turn into a value, each at its place:
 * an alias of no anchor and a merge key (<<) over something not a mapping,
 * which yaml only throws about, without a position, when the value is made;
 * and a `__proto__` key, which a JavaScript object swallows (the service
 * would vanish and its callers report it unknown).
 */
function structureProblems(doc: Document, index: SourceIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (offset: number, code: string, message: string, hint: string, parent = false): void => {
    const path = pathAtOffset(doc, offset);
    // A complex key has no name to show: the path stops at the mapping holding it.
    out.push({ severity: 'error', code, path: parent ? path.slice(0, -1) : path, message, hint, location: locationAtOffset(index, offset) });
  };
  const isMapping = (node: unknown): boolean => isMap(node) || (isAlias(node) && isMap(node.resolve(doc)));
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) === undefined) at(node.range?.[0] ?? 0, 'unknown-anchor', msg.unknownAnchor(node.source), msg.unknownAnchorHint(node.source));
    },
    Pair(_, pair) {
      if (isMap(pair.key) || isSeq(pair.key)) {
        // `? [a, b]`: JavaScript would turn it into the text "[ a, b ]" (and warn on stderr).
        at((pair.key as { range?: [number, number, number] | null }).range?.[0] ?? 0, 'complex-key', msg.complexKey(), msg.complexKeyHint(), true);
        return;
      }
      if (!isScalar(pair.key)) return;
      const offset = pair.key.range?.[0] ?? 0;
      if (pair.key.value === '__proto__') at(offset, 'reserved-key', msg.reservedKey(), msg.reservedKeyHint());
      // With `merge: true`, yaml gives a merge key the value Symbol(<<); a quoted '<<' is a plain key.
      if (typeof pair.key.value !== 'symbol') return;
      const v = pair.value;
      const ok = isMapping(v) || (isSeq(v) && v.items.every(isMapping));
      // An unknown anchor under it is reported as such already.
      const unresolved = isAlias(v) && v.resolve(doc) === undefined;
      if (!ok && !unresolved) at(offset, 'bad-merge', msg.badMerge(), msg.badMergeHint());
    },
  });
  return out;
}

/** A diagnostic placed at the start of the file, for jsonSyntax to fall back on. */
function locatedAtStart(index: SourceIndex): Diagnostic {
  return { severity: 'error', code: 'json-syntax', path: [], message: '', location: locationAtOffset(index, 0) };
}

function jsonSyntax(index: SourceIndex, source: string, firstYamlError: Diagnostic): Diagnostic | undefined {
  try {
    JSON.parse(source);
    return undefined;
  } catch (e) {
    const raw = (e as Error).message;
    const at = /at position (\d+)/.exec(raw);
    const end = source.trimEnd().length;
    // Past the last character: the text stopped before the document closed.
    const early = /^Unexpected end of JSON input/.test(raw) || (at !== null && Number(at[1]) >= end);
    const offset = early ? Math.max(0, end - 1) : at ? Number(at[1]) : undefined;
    const message = early ? msg.jsonMessage('Unexpected end of JSON input') : msg.jsonMessage(raw);
    const d: Diagnostic = { severity: 'error', code: 'json-syntax', path: [], message, hint: msg.jsonSyntaxHint() };
    const location = offset !== undefined ? locationAtOffset(index, offset) : firstYamlError.location;
    if (location) d.location = location;
    return d;
  }
}

function checkRoot(value: unknown, kind: DocumentKind): Problem | undefined {
  if (value === null || value === undefined) return error('empty-file', [], msg.emptyFile(), msg.emptyFileHint(kind));
  if (typeof value !== 'object' || Array.isArray(value)) {
    return error('not-a-mapping', [], msg.notAMapping(msg.describeValue(value)), msg.notAMappingHint(kind));
  }
  return undefined;
}

function yamlDiagnostic(index: SourceIndex, e: YAMLError, severity: Diagnostic['severity'], kind: DocumentKind): Diagnostic {
  let location = locationAtOffset(index, e.pos[0]);
  // The parser notices an unclosed bracket at the end of the file, past its last line: point at the end of that line.
  if (location.lineText.trim() === '' && index.lines.slice(location.line - 1).every((l) => l.trim() === '')) {
    let last = location.line - 2;
    while (last >= 0 && index.lines[last].trim() === '') last--;
    if (last >= 0) {
      const lineText = index.lines[last];
      location = { ...location, line: last + 1, column: lineText.trimEnd().length + 1, lineText };
    }
  }
  if (isStackOverflow(e)) return { severity: 'error', code: 'too-deep', path: [], message: msg.tooDeep(), hint: msg.tooDeepHint(), location };
  const code = severity === 'error' ? 'yaml-syntax' : 'yaml-warning';
  const message = e.code === 'MULTIPLE_DOCS' ? msg.multipleDocuments() : msg.yamlMessage(e.message);
  return { severity, code, path: [], message, hint: bareItemHint(index, e, location.line, kind) ?? msg.yamlSyntaxHint(e.code, kind), location };
}

/**
 * `- pricing` and, under it, `probability: 0.5`: a call written as a bare
 * name given the keys of a call step, which YAML reads as one key running
 * over two lines. Said in the file's terms: the item needs `call:`.
 */
function bareItemHint(index: SourceIndex, e: YAMLError, line: number, kind: DocumentKind): string | undefined {
  if (kind !== 'topology' || e.code !== 'MULTILINE_IMPLICIT_KEY') return undefined;
  const item = /^(\s*)-\s+([^\s:#{}[\],]+)\s*(#.*)?$/.exec(index.lines[line - 1] ?? '');
  // Only a call step's own keys: under `zones: [- a]` or elsewhere the generic hint is the right one.
  const key = /^(\s*)(probability|requestSize)\s*:/.exec(index.lines[line] ?? '');
  if (item === null || key === null || key[1].length <= item[1].length) return undefined;
  return msg.bareItemWithKeysHint(item[2], key[2]);
}

/** Syntax problems shown at most; after them, one line says how many more there were. */
export const MAX_SYNTAX_PROBLEMS = 10;

/**
 * After a syntax error the parser often loses its way and reports every
 * line after it (a stray `{` at the top, or an NDJSON or HTML file given as
 * the topology: thousands of errors, megabytes on the terminal). The first
 * ones say what is wrong; the rest are counted.
 */
function capSyntaxErrors(sorted: Diagnostic[]): Diagnostic[] {
  if (sorted.length <= MAX_SYNTAX_PROBLEMS) return sorted;
  const shown = sorted.slice(0, MAX_SYNTAX_PROBLEMS);
  const after = shown[shown.length - 1].location?.line ?? 1;
  return [...shown, {
    severity: 'error', code: 'yaml-syntax', path: [],
    message: msg.moreSyntaxProblems(sorted.length - shown.length, after),
    hint: msg.moreSyntaxProblemsHint(),
  }];
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

/** A problem with the position of its path (or anchor) in the file. */
export function located(index: SourceIndex, problem: Problem): Diagnostic {
  const { anchor, at, ...rest } = problem;
  return { ...rest, location: locate(index, at ?? problem.path, anchor) };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable, so problems at one position keep the order the checks found them in. */
export function sortByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic) => (d.location ? d.location.line * 1e6 + d.location.column : 0);
  return [...diagnostics].sort((a, b) => key(a) - key(b));
}
