import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadTopologySource, runTopology } from '../../sim/index.js';

/** bookinfo.yaml with its services listed last first: the same architecture. */
function reversedServices(text: string): string {
  const start = text.indexOf('services:\n');
  const end = text.indexOf('\nentrypoints:');
  const blocks = text.slice(start + 'services:\n'.length, end).replace(/\n+$/, '').split(/\n(?= {2}[a-z]+:\n)/);
  return `${text.slice(0, start)}services:\n${blocks.reverse().join('\n')}\n${text.slice(end)}`;
}

describe('the order services are listed in', () => {
  it('changes no total of the resource tax', () => {
    const text = readFileSync('topologies/bookinfo.yaml', 'utf8');
    const reversed = reversedServices(text);
    expect(reversed).not.toBe(text);
    const run = (source: string) => {
      const { topology, diagnostics } = loadTopologySource(source, 'topologies/bookinfo.yaml', { mesh: 'istio-sidecar' });
      if (!topology) throw new Error(JSON.stringify(diagnostics));
      return runTopology(topology, { duration: 20 });
    };
    const a = run(text);
    const b = run(reversed);
    expect(b.services.map((s) => s.name)).toEqual(['ratings', 'reviews', 'details', 'productpage']);
    // The simulation is the same (each component has its own random stream); the sums were in file order.
    expect(b.entrypoints).toEqual(a.entrypoints);
    expect(b.resources).toEqual(a.resources);
  });
});
