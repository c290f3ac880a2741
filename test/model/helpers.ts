import { loadTopologySource, loadTopologyFile } from '../../sim/topology/load.js';
import type { Topology } from '../../sim/topology/types.js';

/** Parses an inline YAML topology for a test; any error diagnostic fails the test loudly. */
export function topo(yaml: string): Topology {
  const { topology, diagnostics } = loadTopologySource(yaml, 'inline.yaml');
  if (!topology) throw new Error(diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return topology;
}

export function topoFile(path: string, mesh?: string): Topology {
  const { topology, diagnostics } = loadTopologyFile(path, mesh === undefined ? {} : { mesh });
  if (!topology) throw new Error(diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return topology;
}
