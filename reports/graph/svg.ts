/**
 * Draws the laid-out service graph as a standalone SVG: boxes for entry
 * points and services, arrows for calls, a legend. Static markup, so it shows
 * without script (in the page, in a design document, on a slide); every name
 * is escaped, and hovering a box or an arrow shows its details (SVG <title>).
 */
import type { ServiceGraph } from '../../sim/results/types.js';
import { formatCountOf } from '../format.js';
import { escapeHtml } from '../html/escape.js';
import { layoutGraph, PAD_X, serviceSize, textWidth, type LaidEdge, type LaidNode } from './layout.js';

/** Escaped, and without the characters XML 1.0 forbids even as references (control characters, U+FFFE/FFFF, lone surrogates): service-graph.svg must parse. */
const esc = (text: string): string => escapeHtml(text.replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd'));

const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';
const CALL = '#8a8a8a';
const PARALLEL = '#7b4fa0';
const LEGEND_HEIGHT = 30;

const VIA: Record<string, string> = {
  gateway: "through the mesh's ingress gateway, if it has one",
  direct: 'straight to the pods',
  mesh: 'clients inside the mesh',
};

/**
 * Shortens a name to what fits in the box, from the middle: names in one
 * graph often share a long prefix and differ at the end
 * (`payments-ledger-reconciliation-v1`, `…-v2`), which cutting the end made
 * into identical boxes. The full name is in the tooltip.
 */
export function fit(text: string, width: number, fontSize: number, bold: boolean): string {
  const room = width - 2 * PAD_X;
  if (textWidth(text, fontSize, bold) <= room) return text;
  // Whole code points, so an emoji or other astral character is never cut in half.
  const chars = Array.from(text);
  // The head keeps a character more than the tail when the count is odd: a name is read from its start.
  let head = Math.ceil((chars.length - 1) / 2), tail = chars.length - 1 - head;
  const shown = (): string => `${chars.slice(0, head).join('')}…${tail > 0 ? chars.slice(chars.length - tail).join('') : ''}`;
  while (head + tail > 1 && textWidth(shown(), fontSize, bold) > room) {
    if (head > tail) head--;
    else tail--;
  }
  return shown();
}

function nodeSvg(n: LaidNode, graph: ServiceGraph): string {
  const cx = n.x + n.width / 2;
  if (n.kind === 'entry') {
    const e = graph.entrypoints.find((x) => x.name === n.name);
    const via = e ? VIA[e.via] ?? e.via : '';
    return `<g class="node entry"><title>${esc(`Entry point ${n.name}: load enters here${via ? `, ${via}` : ''}, at ${e?.target ?? '?'}`)}</title>` +
      `<rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" rx="${n.height / 2}" fill="#fff4d6" stroke="#d9a520"/>` +
      `<text x="${cx}" y="${n.y + 22}" text-anchor="middle" font-size="13" font-weight="bold">${esc(fit(n.name, n.width, 13, true))}</text>` +
      `<text x="${cx}" y="${n.y + 39}" text-anchor="middle" font-size="11" fill="#6b5a2a">entry point</text></g>`;
  }
  const s = graph.services.find((x) => x.name === n.name);
  const size = s ? serviceSize(s) : '';
  const tip = s
    ? `${n.name}: ${s.replicas} ${s.replicas === 1 ? 'replica' : 'replicas'}, ${s.workers} concurrent ${s.workers === 1 ? 'request' : 'requests'} each${s.l7 ? '; needs L7 policy (a waypoint in ambient mode, for calls from pods)' : ''}`
    : n.name;
  return `<g class="node service"><title>${esc(tip)}</title>` +
    `<rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" rx="6" fill="#eef4fb" stroke="#4c78a8"/>` +
    `<text x="${cx}" y="${n.y + 22}" text-anchor="middle" font-size="13" font-weight="bold">${esc(fit(n.name, n.width, 13, true))}</text>` +
    `<text x="${cx}" y="${n.y + 39}" text-anchor="middle" font-size="11" fill="#555">${esc(fit(size, n.width, 11, false))}</text></g>`;
}

/** A call's probability as a reader writes it: 30%, 66.7%, 99.9%. */
function share(p: number): string {
  if (p > 0 && p < 0.001) return '<0.1%';
  if (p < 1 && p > 0.999) return '>99.9%';
  return `${Number((p * 100).toFixed(1))}%`;
}

/** Curves across each gap between columns, straight through the columns the arrow skips (between their boxes). */
function edgePath(e: LaidEdge): string {
  const pts = [{ x: e.x1, y: e.y1 }, ...e.via, { x: e.x2 - 2, y: e.y2 }];
  let d = `M${pts[0].x},${pts[0].y}`;
  for (let i = 1; i < pts.length; i += 2) {
    const a = pts[i - 1], b = pts[i], mx = (a.x + b.x) / 2;
    d += ` C${mx},${a.y} ${mx},${b.y} ${b.x},${b.y}`;
    if (i + 1 < pts.length) d += ` L${pts[i + 1].x},${pts[i + 1].y}`;
  }
  return d;
}

function edgeSvg(e: LaidEdge, names: Map<string, string>): string {
  const color = e.parallel ? PARALLEL : CALL;
  const optional = e.probability < 1;
  const from = names.get(e.from) ?? e.from, to = names.get(e.to) ?? e.to;
  // Several sites: the chance that a request makes the call at all depends on how the sites' steps nest, but the mean count does not.
  const how = [
    e.sites > 1 ? `at ${e.sites} steps, ${Number(e.perRequest.toFixed(3))} calls per request on average` : optional ? `on ${share(e.probability)} of its requests` : 'on every request',
    ...(e.parallel ? ['in parallel with other calls'] : []),
  ].join(', ');
  const tip = e.from.startsWith('entry:') ? `Requests at ${from} go to ${to}` : `${from} calls ${to} ${how}`;
  // Beside the arrowhead, where the curve runs level into its box: the middle of a curve is where curves cross.
  const label = optional
    ? `<text x="${e.x2 - 8}" y="${e.y2 - 6}" text-anchor="end" font-size="11" fill="${color}" stroke="#fff" stroke-width="3" paint-order="stroke">${esc(share(e.probability))}</text>`
    : '';
  return `<g class="edge"><title>${esc(tip)}</title>` +
    `<path d="${edgePath(e)}" fill="none" stroke="${color}" stroke-width="${e.parallel ? 2 : 1.5}"` +
    `${optional ? ' stroke-dasharray="5 4"' : ''} marker-end="url(#meshtax-arrow-${e.parallel ? 'parallel' : 'call'})"/>${label}</g>`;
}

function legendSvg(y: number): string {
  const item = (x: number, color: string, dash: boolean, text: string): string =>
    `<path d="M${x},${y} h28" stroke="${color}" stroke-width="1.5"${dash ? ' stroke-dasharray="5 4"' : ''} marker-end="url(#meshtax-arrow-${color === PARALLEL ? 'parallel' : 'call'})"/>` +
    `<text x="${x + 36}" y="${y + 4}" font-size="11" fill="#444">${text}</text>`;
  return `<g class="legend">${item(12, CALL, false, 'call on every request')}${item(190, CALL, true, 'optional call (share of requests)')}` +
    `${item(420, PARALLEL, false, 'parallel calls: the slowest sets the latency')}</g>`;
}

function marker(id: string, color: string): string {
  return `<marker id="meshtax-arrow-${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">` +
    `<path d="M0,0L10,5L0,10z" fill="${color}"/></marker>`;
}

/** The service graph as an SVG document fragment (also valid as a standalone .svg file). */
export function serviceGraphSvg(graph: ServiceGraph): string {
  const layout = layoutGraph(graph);
  const width = Math.max(layout.width, 720);
  const height = layout.height + LEGEND_HEIGHT;
  const names = new Map(layout.nodes.map((n) => [n.key, n.name]));
  const services = graph.services.length;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="service-graph" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    // In the page it shrinks to the column's width, but never below 3/4 of its size: a wider graph scrolls (div.graph).
    `style="min-width:${Math.round(width * 0.75)}px" ` +
    `font-family="${FONT}" role="img" aria-label="${esc(`Service graph: ${formatCountOf(graph.entrypoints.length, 'entry point', 'entry points')}, ${formatCountOf(services, 'service', 'services')}`)}">` +
    `<defs>${marker('call', CALL)}${marker('parallel', PARALLEL)}</defs>` +
    `<g class="edges">${layout.edges.map((e) => edgeSvg(e, names)).join('')}</g>` +
    `<g class="nodes">${layout.nodes.map((n) => nodeSvg(n, graph)).join('')}</g>` +
    `${legendSvg(layout.height + 12)}</svg>`;
}
