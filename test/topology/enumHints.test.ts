/**
 * A value outside a key's choices with nothing close to suggest (`via:
 * ingress`, `loadBalancer: p2c`, a profile's `pickFrom: ready`) was an
 * error without a hint line; it now says what the key means, as a wrong
 * type does. A close value still gets its did-you-mean.
 */
import { describe, expect, it } from 'vitest';
import { loadMeshProfileSource } from '../../sim/mesh/loadProfile.js';
import { readFileSync } from 'node:fs';
import { loadTopologySource } from '../../sim/topology/load.js';

const topology = (service: string, entry: string): string =>
  `name: t\nservices: {a: {serviceTime: 1ms${service}}}\nentrypoints: {web: {target: a, rate: 10/s${entry}}}\n`;

const only = (source: string) => {
  const { diagnostics } = loadTopologySource(source, 't.yaml');
  expect(diagnostics.map((d) => d.code)).toEqual(['invalid-value']);
  return diagnostics[0];
};

describe('a value that is none of the choices', () => {
  it('gets the key\'s meaning as its hint when nothing is close', () => {
    expect(only(topology('', ', via: ingress')).hint).toMatch(/^via: gateway \(default\): through the mesh's ingress gateway/);
    expect(only(topology(', loadBalancer: p2c', '')).hint).toBe('loadBalancer: how callers pick a replica (default round_robin)');
    const profile = readFileSync('topologies/meshes/linkerd.yaml', 'utf8').replace('pickFrom: connectable', 'pickFrom: ready');
    const { diagnostics } = loadMeshProfileSource(profile, 'p.yaml');
    expect(diagnostics.map((d) => d.code)).toEqual(['invalid-value']);
    expect(diagnostics[0].hint).toMatch(/^pickFrom: which endpoints of its \(possibly stale\) view the proxy's balancer picks among/);
  });

  it('still gets a did-you-mean when one is close', () => {
    expect(only(topology(', loadBalancer: round-robin', '')).hint).toBe('did you mean "round_robin"?');
  });
});
