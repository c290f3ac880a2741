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
  /** Calls from `from` to `to` per request to `from`, on average: the sum over call sites (exact, whatever ties the sites). */
  perRequest: number;
  /**
   * Where the arrow runs through the columns it skips, left to right: a pair of
   * points (entering and leaving the column) per column, in a slot of its own
   * so that it passes between boxes, never under one.
   */
  via: Array<{ x: number; y: number }>;
  /** Start and end points, on the right and left sides of the boxes (spread along the side when several arrows meet there). */
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
/**
 * Estimated width of text, in px: text is not measured in Node, so each character is
 * counted at the width it has in the widest common UI fallback font (DejaVu Sans
 * Bold on Linux): wide East Asian characters and emoji a full em, capitals and
 * wide letters more than the rest, narrow punctuation less.
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x1100 && (c <= 0x115f || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || c >= 0x1f000)) em += 1.05;
    else if (/[MWmw@%]/.test(ch)) em += 0.95;
    else if (/[A-Z0-9]/.test(ch) || c >= 0x400) em += 0.74;
    else if (/[il.,:;'|!\s()\[\]-]/.test(ch)) em += 0.36;
    else em += 0.66;
  }
  return em * fontSize * (bold ? 1.08 : 1);
}
/** The second line of a service's box. */
export function serviceSize(s: { replicas: number; workers: number; l7: boolean }): string {
  return `${s.replicas} ${s.replicas === 1 ? 'replica' : 'replicas'} × ${s.workers} ${s.workers === 1 ? 'worker' : 'workers'}${s.l7 ? ' · L7' : ''}`;
}
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
type Merged = { from: string; to: string; probability: number; parallel: boolean; sites: number; perRequest: number };
function mergedCalls(graph: ServiceGraph): Merged[] {
  const out: Merged[] = [];
  const byPair = new Map<string, Merged>();
  for (const c of graph.calls) {
    const pair = JSON.stringify([c.from, c.to]);
    const f = byPair.get(pair);
    if (f) {
      f.probability = Math.max(f.probability, c.probability);
      f.parallel = f.parallel || c.parallel;
      f.sites++;
      f.perRequest += c.probability;
    } else {
      const m = { from: c.from, to: c.to, probability: c.probability, parallel: c.parallel, sites: 1, perRequest: c.probability };
      byPair.set(pair, m);
      out.push(m);
    }
  }
  return out;
}

const PITCH = NODE_HEIGHT + GAP_Y;
/** Room either side of a box's text. */
export const PAD_X = 10;

/** One width for every box: the widest name (13px bold) or second line (11px), within MIN_WIDTH..MAX_WIDTH. */
function boxWidth(graph: ServiceGraph): number {
  const widest = Math.max(0, ...graph.services.map((s) => Math.max(textWidth(s.name, 13, true), textWidth(serviceSize(s), 11))),
    ...graph.entrypoints.map((e) => textWidth(e.name, 13, true)));
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.ceil(widest + 2 * PAD_X + 4)));
}

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

const DUMMY = 'via:';

export function layoutGraph(graph: ServiceGraph): GraphLayout {
  const col = columns(graph);
  const calls = mergedCalls(graph);
  const width = boxWidth(graph);

  // Columns in appearance order, then two sweeps placing each node at the mean row of its callers.
  const layers: string[][] = [graph.entrypoints.map((e) => entryKey(e.name))];
  const colOf = new Map<string, number>();
  for (const e of graph.entrypoints) colOf.set(entryKey(e.name), 0);
  for (const s of graph.services) {
    const c = col.get(s.name) ?? 1;
    while (layers.length <= c) layers.push([]);
    layers[c].push(serviceKey(s.name));
    colOf.set(serviceKey(s.name), c);
  }
  // Every edge, and for one that skips columns a chain of slots (one per skipped column) it runs through.
  const wanted: Array<Merged & { slots: string[] }> = [];
  const addEdge = (from: string, to: string, probability: number, parallel: boolean, sites: number, perRequest: number): void => {
    const a = colOf.get(from), b = colOf.get(to);
    if (a === undefined || b === undefined) return;
    const slots: string[] = [];
    for (let c = a + 1; c < b; c++) {
      const key = `${DUMMY}${wanted.length}:${c}`;
      layers[c].push(key);
      slots.push(key);
    }
    wanted.push({ from, to, probability, parallel, sites, perRequest, slots });
  };
  for (const e of graph.entrypoints) addEdge(entryKey(e.name), serviceKey(e.target), 1, false, 1, 1);
  for (const c of calls) addEdge(serviceKey(c.from), serviceKey(c.to), c.probability, c.parallel, c.sites, c.perRequest);

  const parents = new Map<string, string[]>();
  const addParent = (child: string, parent: string): void => {
    parents.set(child, [...(parents.get(child) ?? []), parent]);
  };
  for (const w of wanted) {
    const chain = [w.from, ...w.slots, w.to];
    for (let i = 1; i < chain.length; i++) addParent(chain[i], chain[i - 1]);
  }
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
  const slotAt = new Map<string, { x: number; y: number }>();
  layers.forEach((layer, l) => {
    layer.forEach((key) => {
      const x = MARGIN + l * (width + GAP_X), top = Math.round(MARGIN + (y.get(key) ?? 0));
      if (key.startsWith(DUMMY)) {
        slotAt.set(key, { x, y: top + NODE_HEIGHT / 2 });
        return;
      }
      const kind = key.startsWith('entry:') ? 'entry' : 'service';
      const node: LaidNode = { key, kind, name: key.slice(kind === 'entry' ? 6 : 8), column: l, x, y: top, width, height: NODE_HEIGHT };
      nodes.push(node);
      byKey.set(key, node);
    });
  });

  // Ports: the arrows leaving (entering) a box are spread down its right (left) side in the order of where they go (come from).
  const outs = new Map<string, number[]>(), ins = new Map<string, number[]>();
  const firstY = (w: (typeof wanted)[number]): number => (w.slots.length ? slotAt.get(w.slots[0])!.y : byKey.get(w.to)!.y);
  const lastY = (w: (typeof wanted)[number]): number => (w.slots.length ? slotAt.get(w.slots[w.slots.length - 1])!.y : byKey.get(w.from)!.y);
  wanted.forEach((w, i) => {
    outs.set(w.from, [...(outs.get(w.from) ?? []), i]);
    ins.set(w.to, [...(ins.get(w.to) ?? []), i]);
  });
  const portY = (node: LaidNode, list: number[], i: number, key: (j: number) => number): number => {
    const order = [...list].sort((a, b) => key(a) - key(b) || a - b);
    const k = order.indexOf(i), n = order.length;
    return node.y + node.height / 2 + (n > 1 ? (k - (n - 1) / 2) * Math.min(12, (node.height - 12) / (n - 1)) : 0);
  };
  const edges: LaidEdge[] = wanted.map((w, i) => {
    const a = byKey.get(w.from)!, b = byKey.get(w.to)!;
    const via = w.slots.flatMap((k) => {
      const p = slotAt.get(k)!;
      return [{ x: p.x, y: p.y }, { x: p.x + width, y: p.y }];
    });
    return {
      from: w.from, to: w.to, probability: w.probability, parallel: w.parallel, sites: w.sites, perRequest: w.perRequest, via,
      x1: a.x + a.width, y1: portY(a, outs.get(w.from)!, i, (j) => firstY(wanted[j])),
      x2: b.x, y2: portY(b, ins.get(w.to)!, i, (j) => lastY(wanted[j])),
    };
  });

  return { width: MARGIN * 2 + layers.length * width + (layers.length - 1) * GAP_X, height, nodes, edges };
}
