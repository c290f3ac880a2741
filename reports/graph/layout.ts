/**
 * A deterministic layered layout of the service graph: entry points in the
 * first column, each service one column right of its deepest caller (calls
 * form a DAG: the loader rejects cycles), rows ordered to keep edges short.
 * Pure geometry; `svg.ts` draws it. The same graph always gives the same
 * coordinates: no randomness, ties broken by the order in the results.
 */
import type { ServiceGraph } from '../../sim/results/types.js';

export interface LaidNode {
  key: string;
  kind: 'entry' | 'service';
  name: string;
  column: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidEdge {
  from: string;
  to: string;
  /** Probability that one request to the caller makes this call; the largest over call sites. */
  probability: number;
  parallel: boolean;
  /** Call sites from `from` to `to` (a service may call another at several steps). */
  sites: number;
  /** Start and end points, on the right and left sides of the boxes. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: LaidNode[];
  edges: LaidEdge[];
}

export const NODE_HEIGHT = 52;
const GAP_X = 90;
const GAP_Y = 22;
const MARGIN = 12;
/** Estimated width of a character of the 13px bold name: text is not measured in Node, so the box is sized generously. */
export const CHAR_WIDTH = 7.6;
export const MIN_WIDTH = 150;
export const MAX_WIDTH = 260;

export const entryKey = (name: string): string => `entry:${name}`;
export const serviceKey = (name: string): string => `service:${name}`;

/** Column of every service: one right of its deepest caller (longest path from the entry points). */
function columns(graph: ServiceGraph): Map<string, number> {
  const col = new Map<string, number>();
  for (const s of graph.services) col.set(s.name, 1);
  // Relaxation terminates on a DAG within |services| rounds; the bound also guards a malformed file with a cycle.
  for (let round = 0; round < graph.services.length; round++) {
    let changed = false;
    for (const c of graph.calls) {
      const want = (col.get(c.from) ?? 1) + 1;
      if (col.has(c.to) && want > (col.get(c.to) ?? 1)) {
        col.set(c.to, want);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return col;
}

/** One edge per caller–callee pair: several call sites become one arrow. */
function mergedCalls(graph: ServiceGraph): Array<{ from: string; to: string; probability: number; parallel: boolean; sites: number }> {
  const out: Array<{ from: string; to: string; probability: number; parallel: boolean; sites: number }> = [];
  for (const c of graph.calls) {
    const f = out.find((e) => e.from === c.from && e.to === c.to);
    if (f) {
      f.probability = Math.max(f.probability, c.probability);
      f.parallel = f.parallel || c.parallel;
      f.sites++;
    } else {
      out.push({ from: c.from, to: c.to, probability: c.probability, parallel: c.parallel, sites: 1 });
    }
  }
  return out;
}

const PITCH = NODE_HEIGHT + GAP_Y;

/**
 * Tops of the boxes, relative to the margin. The tallest column is stacked
 * from the top; every other node moves toward the mean height of its
 * neighbours in the columns beside it (so a service sits level with what it
 * calls and what calls it), keeping its column's order and a box's pitch
 * between boxes. A few sweeps left to right and back settle it.
 */
function verticalPositions(layers: string[][], parents: Map<string, string[]>, tallest: number): Map<string, number> {
  const y = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const [child, ps] of parents) for (const p of ps) children.set(p, [...(children.get(p) ?? []), child]);
  const anchor = layers.findIndex((l) => l.length === tallest);
  for (const layer of layers) layer.forEach((k, i) => y.set(k, i * PITCH));
  const bottom = (tallest - 1) * PITCH;
  const place = (layer: string[]): void => {
    const want = layer.map((k) => {
      const near = [...(parents.get(k) ?? []), ...(children.get(k) ?? [])].map((n) => y.get(n)).filter((v): v is number => v !== undefined);
      return near.length ? near.reduce((a, b) => a + b, 0) / near.length : (y.get(k) ?? 0);
    });
    // Top-down keeps the pitch; bottom-up keeps the column inside the drawing.
    const pos = want.map((w) => Math.max(0, w));
    for (let i = 1; i < pos.length; i++) pos[i] = Math.max(pos[i], pos[i - 1] + PITCH);
    for (let i = pos.length - 1; i >= 0; i--) pos[i] = Math.min(pos[i], i === pos.length - 1 ? bottom : pos[i + 1] - PITCH);
    layer.forEach((k, i) => y.set(k, pos[i]));
  };
  for (let sweep = 0; sweep < 3; sweep++) {
    for (let l = 0; l < layers.length; l++) if (l !== anchor) place(layers[l]);
    for (let l = layers.length - 1; l >= 0; l--) if (l !== anchor) place(layers[l]);
  }
  return y;
}

export function layoutGraph(graph: ServiceGraph): GraphLayout {
  const col = columns(graph);
  const calls = mergedCalls(graph);
  const longest = Math.max(0, ...graph.services.map((s) => s.name.length), ...graph.entrypoints.map((e) => e.name.length));
  const width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.round(longest * CHAR_WIDTH + 24)));

  // Columns in appearance order, then two sweeps placing each node at the mean row of its callers.
  const layers: string[][] = [graph.entrypoints.map((e) => entryKey(e.name))];
  for (const s of graph.services) {
    const c = col.get(s.name) ?? 1;
    while (layers.length <= c) layers.push([]);
    layers[c].push(serviceKey(s.name));
  }
  const parents = new Map<string, string[]>();
  const addParent = (child: string, parent: string): void => {
    parents.set(child, [...(parents.get(child) ?? []), parent]);
  };
  for (const e of graph.entrypoints) addParent(serviceKey(e.target), entryKey(e.name));
  for (const c of calls) addParent(serviceKey(c.to), serviceKey(c.from));
  for (let sweep = 0; sweep < 2; sweep++) {
    const row = new Map<string, number>();
    for (const layer of layers) layer.forEach((k, i) => row.set(k, i));
    for (let l = 1; l < layers.length; l++) {
      const score = (k: string): number => {
        const ps = (parents.get(k) ?? []).map((p) => row.get(p)).filter((r): r is number => r !== undefined);
        return ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : (row.get(k) ?? 0);
      };
      // Array.prototype.sort is stable: equal scores keep appearance order.
      layers[l] = layers[l].map((k) => ({ k, s: score(k) })).sort((a, b) => a.s - b.s).map((x) => x.k);
      layers[l].forEach((k, i) => row.set(k, i));
    }
  }

  const tallest = Math.max(1, ...layers.map((l) => l.length));
  const height = MARGIN * 2 + tallest * NODE_HEIGHT + (tallest - 1) * GAP_Y;
  const y = verticalPositions(layers, parents, tallest);
  const nodes: LaidNode[] = [];
  const byKey = new Map<string, LaidNode>();
  layers.forEach((layer, l) => {
    layer.forEach((key) => {
      const kind = key.startsWith('entry:') ? 'entry' : 'service';
      const node: LaidNode = {
        key, kind, name: key.slice(kind === 'entry' ? 6 : 8), column: l,
        x: MARGIN + l * (width + GAP_X), y: Math.round(MARGIN + (y.get(key) ?? 0)), width, height: NODE_HEIGHT,
      };
      nodes.push(node);
      byKey.set(key, node);
    });
  });

  const edges: LaidEdge[] = [];
  const link = (from: string, to: string, probability: number, parallel: boolean, sites: number): void => {
    const a = byKey.get(from), b = byKey.get(to);
    if (!a || !b) return;
    edges.push({ from, to, probability, parallel, sites, x1: a.x + a.width, y1: a.y + a.height / 2, x2: b.x, y2: b.y + b.height / 2 });
  };
  for (const e of graph.entrypoints) link(entryKey(e.name), serviceKey(e.target), 1, false, 1);
  for (const c of calls) link(serviceKey(c.from), serviceKey(c.to), c.probability, c.parallel, c.sites);

  return { width: MARGIN * 2 + layers.length * width + (layers.length - 1) * GAP_X, height, nodes, edges };
}
