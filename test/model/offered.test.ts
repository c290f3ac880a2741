import { describe, expect, it } from 'vitest';
import { loadTopologySource } from '../../sim/topology/load.js';
import { offeredRequests, resolveLimits } from '../../sim/run.js';

const FILE = `name: o
services:
  a: {serviceTime: 1ms}
entrypoints:
  steady: {target: a, rate: 10/s}
  surge: {target: a, schedule: [{at: 0s, rate: 100/s}, {at: 30s, rate: 500/s}]}
  users: {target: a, arrivals: closed, users: 50, thinkTime: 1s}
`;

describe('offered requests (for the long-run note)', () => {
  const topology = loadTopologySource(FILE, 'o.yaml').topology!;

  it('integrates each open entry point\'s schedule over the duration; closed loops count nothing', () => {
    // 10/s × 60 s + 100/s × 30 s + 500/s × 30 s.
    expect(offeredRequests(topology, resolveLimits(topology))).toBe(600 + 3_000 + 15_000);
    // Cut before the surge.
    expect(offeredRequests(topology, resolveLimits(topology, { duration: 20 }))).toBe(200 + 2_000);
  });

  it('counts the warm-up\'s load and the requests asked for when a request count ends the run', () => {
    // A long warm-up at a high rate is simulated in full before the first measured request:
    // 10/s × 40 s + 100/s × 30 s + 500/s × 10 s, then the 1,000.
    expect(offeredRequests(topology, resolveLimits(topology, { requests: 1000, warmup: 40 }))).toBe(400 + 3_000 + 5_000 + 1_000);
    expect(offeredRequests(topology, resolveLimits(topology, { requests: 1000, warmup: 0 }))).toBe(1_000);
  });
});
