import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import { topo } from './helpers.js';

const tries = (r: ReturnType<typeof runTopology>) => r.attemptFailures.reduce((n, f) => n + f.count, 0);
const failed = (r: ReturnType<typeof runTopology>) => r.entrypoints.reduce((n, e) => n + e.failed, 0);

describe('failed tries cover failures that begin outside any try', () => {
  it('a partition on the clients\' leg to the gateway: with no retries, failed tries equal failed requests', () => {
    // The clients in zb reach gateway-0 on za's node across the partition: those requests
    // fail on the call's own leg, before any try starts, and were missing from attemptFailures.
    const r = runTopology(topo(`
name: gw-partition
zones: [za, zb]
mesh: {profile: istio-sidecar, resilience: {retries: none, connectTimeout: 1s}}
network: {sameNode: 20us, sameZone: 100us, crossZone: 500us}
simulation: {seed: 5, duration: 20s, warmup: 1s}
services:
  a: {replicas: 2, workers: 10, serviceTime: 1ms}
entrypoints:
  w: {target: a, rate: 100/s, zone: zb}
timeline:
  - {at: 5s, until: 10s, partition: {zones: [za, zb]}}
`));
    expect(failed(r)).toBeGreaterThan(100);
    expect(r.attemptFailures.map((f) => f.cause)).toEqual(['partition']);
    expect(tries(r)).toBe(failed(r));
  });

  it('the clients\' own node proxy down (ambient): the request fails before a try, and is counted as one', () => {
    const r = runTopology(topo(`
name: np-crash
mesh: istio-ambient
simulation: {seed: 3, duration: 20s, warmup: 1s}
services:
  a: {replicas: 2, workers: 10, serviceTime: 1ms}
entrypoints:
  w: {target: a, rate: 100/s, via: mesh}
timeline:
  - {at: 5s, until: 8s, proxyCrash: {replica: a-0}}
`));
    const web = r.entrypoints[0];
    expect(web.failures.map((f) => f.cause)).toContain('outbound-proxy-down');
    expect(tries(r)).toBe(failed(r));
    const byCause = (list: Array<{ cause: string; count: number }>) =>
      Object.fromEntries(list.map((f) => [f.cause, f.count]));
    expect(byCause(r.attemptFailures)).toEqual(byCause(web.failures));
  });
});
