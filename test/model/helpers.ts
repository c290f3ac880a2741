import { loadTopologySource, loadTopologyFile } from '../../sim/topology/load.js';
import type { Topology } from '../../sim/topology/types.js';
import type { ProxyFleet, RunResult } from '../../sim/results/types.js';

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

/** Erlang C: the probability that an arrival waits in an M/M/c queue offered a = λ/μ Erlangs. */
export function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = ((term * a) / c) * (c / (c - a));
  return last / (sum + last);
}

/** The sidecar fleet of a run's resources (a test that reads it runs a sidecar mesh). */
export function sidecarFleet(r: RunResult): ProxyFleet {
  const f = r.resources.proxies.find((p) => p.kind === 'sidecar');
  if (f === undefined) throw new Error('no sidecar fleet');
  return f;
}
