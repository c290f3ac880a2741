import { describe, expect, it } from 'vitest';
import { layoutGraph } from '../../reports/graph/layout.js';
import { serviceGraphSvg } from '../../reports/graph/svg.js';
import type { ServiceGraph } from '../../sim/results/types.js';
import { fixtureRun } from './fixture.js';

describe('service graph', () => {
  it('puts each service one column right of its deepest caller', () => {
    const graph: ServiceGraph = {
      services: ['a', 'b', 'c', 'd'].map((name) => ({ name, replicas: 1, workers: 1, l7: false })),
      calls: [
        { from: 'a', to: 'b', probability: 1, parallel: false },
        { from: 'b', to: 'c', probability: 1, parallel: false },
        { from: 'a', to: 'c', probability: 0.5, parallel: false },
        { from: 'a', to: 'd', probability: 1, parallel: true },
        { from: 'a', to: 'd', probability: 1, parallel: true },
      ],
      entrypoints: [{ name: 'in', target: 'a', via: 'gateway' }],
    };
    const layout = layoutGraph(graph);
    expect(layout.nodes.map((n) => [n.name, n.column])).toEqual([['in', 0], ['a', 1], ['b', 2], ['d', 2], ['c', 3]]);
    // Two call sites a → d are one arrow.
    expect(layout.edges.filter((e) => e.to === 'service:d')).toMatchObject([{ sites: 2, parallel: true }]);
    expect(layoutGraph(graph)).toEqual(layout);
  });

  it('draws boxes and arrows with details on hover, and escapes every name', () => {
    const graph = fixtureRun().graph;
    graph.services[0].name = '<script>x</script>';
    graph.calls[0].from = '<script>x</script>';
    graph.entrypoints[0].target = '<script>x</script>';
    const svg = serviceGraphSvg(graph);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(svg.match(/<g class="node /g)).toHaveLength(6);
    expect(svg.match(/<g class="edge">/g)).toHaveLength(5);
    expect(svg).toContain('<title>checkout calls payment on 50% of its requests, in parallel with other calls</title>');
    expect(serviceGraphSvg(graph)).toBe(svg);
  });

  it('routes an arrow that skips a column between that column\'s boxes, not under one', () => {
    const svc = (name: string) => ({ name, replicas: 1, workers: 1, l7: false });
    const graph: ServiceGraph = {
      services: ['front', 'auth', 'db'].map(svc),
      calls: [
        { from: 'front', to: 'auth', probability: 1, parallel: false },
        { from: 'front', to: 'db', probability: 1, parallel: false },
        { from: 'auth', to: 'db', probability: 1, parallel: false },
      ],
      entrypoints: [{ name: 'web', target: 'front', via: 'gateway' }],
    };
    const layout = layoutGraph(graph);
    const auth = layout.nodes.find((n) => n.name === 'auth')!;
    const skip = layout.edges.find((e) => e.from === 'service:front' && e.to === 'service:db')!;
    expect(skip.via).toHaveLength(2);
    for (const p of skip.via) expect(p.y < auth.y || p.y > auth.y + auth.height).toBe(true);
    // Two arrows into db meet its side at two points, not one.
    const into = layout.edges.filter((e) => e.to === 'service:db');
    expect(new Set(into.map((e) => e.y2)).size).toBe(2);
  });

  it('leaves out characters XML forbids, and never cuts a character in half', () => {
    const graph = fixtureRun().graph;
    graph.services[0].name = `ctl\u0001\u000b${'x'.repeat(29)}${'\u{1F600}'.repeat(10)}`;
    const svg = serviceGraphSvg(graph);
    expect(svg).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(svg).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});
