/**
 * From key paths back to the source: validation works on plain values and
 * reports paths; this module finds where a path is written in the file, so a
 * diagnostic can point at a line and column.
 */
import { isCollection, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourceLocation } from '../diagnostics/types.js';

export type Path = Array<string | number>;

/** A parsed file with what it takes to turn offsets into lines. */
export interface SourceIndex {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  lines: string[];
}

/**
 * What a diagnostic points at. `value`: the value at the path (or, for a
 * path that does not exist, the nearest thing that does). `key`: the key
 * itself, for a key that should not be there.
 */
export type Anchor = 'value' | 'key';

interface Step {
  node: Node | null;
  key: Node | null;
}

export function createSourceIndex(file: string, source: string, doc: Document, lineCounter: LineCounter): SourceIndex {
  return { file, doc, lineCounter, lines: source.split(/\r?\n/) };
}

export function locate(index: SourceIndex, path: Path, anchor: Anchor = 'value'): SourceLocation {
  const chain = walk(index.doc, path);
  const last = chain[chain.length - 1];
  const found = chain.length === path.length + 1;
  return atOffset(index, offsetOf(last, found ? anchor : 'parent'));
}

export function locationAtOffset(index: SourceIndex, offset: number): SourceLocation {
  return atOffset(index, offset);
}

/**
 * The key path of the node written at `offset` (a key resolves to its own
 * path); used for errors the YAML parser reports by offset only.
 */
export function pathAtOffset(doc: Document, offset: number): Path {
  const path: Path = [];
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => contains(p.key, offset) || contains(p.value, offset));
      if (!pair) return path;
      path.push(keyName(pair.key));
      if (contains(pair.key, offset)) return path;
      node = pair.value;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((item) => contains(item, offset));
      if (i < 0) return path;
      path.push(i);
      node = node.items[i];
    } else {
      return path;
    }
  }
}

/** The nodes along `path`, starting with the document's root, for as long as the path exists. */
function walk(doc: Document, path: Path): Step[] {
  const chain: Step[] = [{ node: doc.contents as Node | null, key: null }];
  let node: unknown = doc.contents;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyName(p.key) === String(segment));
      if (!pair) break;
      node = pair.value;
      chain.push({ node: (pair.value ?? null) as Node | null, key: (pair.key ?? null) as Node | null });
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
      chain.push({ node: (node ?? null) as Node | null, key: null });
    } else {
      break;
    }
  }
  return chain;
}

/**
 * Where to point for one step of the chain. A block collection starts at
 * its first child, a line below its key, so for it (and for an empty value,
 * and for a missing child: mode `parent`) the key reads better.
 */
function offsetOf(step: Step, mode: Anchor | 'parent'): number {
  const { node, key } = step;
  const keyStart = key?.range?.[0];
  const nodeStart = node?.range?.[0];
  const flow = isCollection(node) && node.flow === true;
  const empty = node === null || (isScalar(node) && node.value === null && rangeLength(node) === 0);
  const preferKey = mode === 'key' || (mode === 'parent' && !flow) || (isCollection(node) && !flow) || empty;
  return (preferKey ? (keyStart ?? nodeStart) : (nodeStart ?? keyStart)) ?? 0;
}

function atOffset(index: SourceIndex, offset: number): SourceLocation {
  const { line, col } = index.lineCounter.linePos(offset);
  return { file: index.file, line, column: col, lineText: index.lines[line - 1] ?? '' };
}

function keyName(key: unknown): string {
  // A merge key's value is Symbol(<<) (see parseSource): name it as written.
  if (isScalar(key) && typeof key.value === 'symbol') return '<<';
  // A null key (`~:`, `null:`, or `: x`) is the empty string in the value the checks see.
  if (isScalar(key) && key.value === null) return '';
  return isScalar(key) ? String(key.value) : String(key);
}

function contains(node: unknown, offset: number): boolean {
  const range = (node as Node | null | undefined)?.range;
  return !!range && range[0] <= offset && offset < Math.max(range[2], range[0] + 1);
}

function rangeLength(node: Node): number {
  return node.range ? node.range[1] - node.range[0] : 0;
}
