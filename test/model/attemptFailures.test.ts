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

// A try a timeout cuts is counted then, as failed (UT), and runs on detached:
// its request still reaches the callee, which works on it for nobody. What
// that try meets after the cut (an abort, a crash, a refusal) ended it for no
// caller: counted again, each such try was two failed tries. The callee's own
// arrivals and failures still count it: it did arrive there, and failed.
describe('a try cut by a timeout is one failed try, whatever it meets after the cut', () => {
  const byCause = (list: Array<{ cause: string; count: number }>) => {
    const m: Record<string, number> = {};
    for (const f of list) m[f.cause] = (m[f.cause] ?? 0) + f.count;
    return m;
  };
  const leaf = (r: ReturnType<typeof runTopology>) => {
    const s = r.services.find((x) => x.name === 'leaf');
    if (!s) throw new Error('no leaf');
    return s;
  };
  // front -> leaf; leaf's service time (100 ms) is past any timeout here (20 ms), so no try succeeds.
  const run = (policy: string, leafExtra: string, network: string, timeline: string) => runTopology(topo(`
name: cut-then-failed
mesh: {profile: istio-sidecar, resilience: ${policy}}
${network}
simulation: {seed: 1, duration: 10s, warmup: 1s}
services:
  front: {replicas: 1, workers: 100, serviceTime: 1ms, calls: [leaf]}
  leaf: {replicas: 2, workers: 100, serviceTime: ${leafExtra}}
entrypoints:
  w: {target: front, rate: 20/s, via: direct}
timeline:
${timeline}
`));
  const PER_TRY = '{timeout: none, retries: {attempts: 2, perTryTimeout: 20ms, retryOn: [5xx], backoff: {base: 1ms, max: 1ms}}}';

  it('an abort at the callee after the per-try timeout: each try counted once, as the timeout', () => {
    // Every leg takes 30 ms, so each try's 20 ms runs out before its request reaches leaf: half of them are
    // then aborted there. Before, those 194 were counted again (injected-abort/FI): 564 failed tries for 370.
    const r = run(PER_TRY, '1ms', 'network: {sameNode: 30ms, sameZone: 30ms, crossZone: 30ms}',
      '  - {at: 0s, abort: {service: leaf, status: 503, probability: 0.5}}');
    const e = r.entrypoints[0];
    expect(e.completed).toBe(185);
    expect(byCause(r.attemptFailures)).toEqual({ timeout: 2 * 185 });
    // leaf's own counts are of what reached it: the abandoned tries' arrivals and their aborts (two were still
    // on their way, one's abort on its way back, when the run ended).
    expect(leaf(r).arrivals).toBe(368);
    expect(leaf(r).failed).toBe(195);
  });

  it('a crash of the callee while abandoned tries run there: only the live try it resets is a crash\'s', () => {
    // Each crash resets the requests in progress at its pod: the one live try, the rest abandoned
    // by their timeout already (counted, UT). Before, those 4 were counted again (replica-crash/UC: 5).
    const r = run(PER_TRY, '100ms', '', [
      '  - {at: 3s, until: 3.5s, crash: {replica: leaf-0}}',
      '  - {at: 6s, until: 6.5s, crash: {replica: leaf-1}}',
    ].join('\n'));
    const e = r.entrypoints[0];
    expect(e.completed).toBe(185);
    expect(byCause(e.failures)).toEqual({ timeout: 184, 'replica-crash': 1 });
    expect(byCause(r.attemptFailures)).toEqual({ timeout: 350, 'replica-down': 19, 'replica-crash': 1 });
    expect(leaf(r).calls + leaf(r).retries).toBe(370);
    // leaf still counts all 5 requests the crashes reset among its failures.
    expect(leaf(r).failed).toBe(5);
  });

  it('a call timeout, no retries: failed tries equal failed requests, cause by cause', () => {
    // The two requests the crashes reset at leaf were both of tries the call's timeout had cut: before,
    // they were counted again (replica-crash/UC: 187 failed tries for 185 failed requests).
    const r = run('{timeout: 20ms, retries: none}', '100ms', '', [
      '  - {at: 3s, until: 3.5s, crash: {replica: leaf-0}}',
      '  - {at: 6s, until: 6.5s, crash: {replica: leaf-1}}',
    ].join('\n'));
    const e = r.entrypoints[0];
    expect(e.failed).toBe(185);
    expect(byCause(e.failures)).toEqual({ timeout: 175, 'replica-down': 10 });
    expect(byCause(r.attemptFailures)).toEqual(byCause(e.failures));
    expect(tries(r)).toBe(failed(r));
    expect(leaf(r).failed).toBe(2);
  });
});
