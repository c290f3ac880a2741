import { describe, expect, it } from 'vitest';
import { buildModel } from '../../sim/model/build.js';
import { simulate } from '../../sim/model/simulation.js';
import { runTopology } from '../../sim/run.js';
import { topo } from './helpers.js';

/**
 * One request at a time (a single closed-loop user) down a chain of four
 * hops, a → b → c → d: when the last call starts, every hop is in flight
 * at once, and the run's peak of frames in use (taken as a call's or a
 * try's frame is allocated) is what the request's hops hold then. A try at
 * its replica is handled on the try's own frame (see sim/model/README.md,
 * Anatomy of a hop), so a hop takes one frame, or two when its call has a
 * timeout (the call's, and its try's).
 */
const chain = (resilienceOfC: string, mesh = 'none') => topo(`
name: one-frame-a-hop
simulation: {seed: 5}
mesh: {profile: ${mesh}}
services:
  a: {replicas: 1, workers: 4, serviceTime: 1ms, calls: [b]}
  b: {replicas: 1, workers: 4, serviceTime: 1ms, calls: [c]}
  c: {replicas: 1, workers: 4, serviceTime: 1ms, calls: [d]${resilienceOfC}}
  d: {replicas: 1, workers: 4, serviceTime: 5ms}
entrypoints:
  web: {target: a, via: direct, arrivals: closed, users: 1, thinkTime: 1ms}
`);
const peak = (t: ReturnType<typeof topo>) => simulate(buildModel(t), { seed: 5, duration: undefined, requests: 200, warmup: 0 }).peakFramesInUse;

describe('a hop of the request path', () => {
  it('takes one frame: the call runs its try, and the replica handles it, on the call\'s frame', () => {
    // Two a hop before (the call's, and the replica's invoke; d's not yet there): 7.
    expect(peak(chain(''))).toBe(4);
    expect(peak(chain('', 'istio-sidecar'))).toBe(4);
  });

  it('takes two with a timeout: the call\'s, and its try\'s, which the replica handles it on', () => {
    // Before, the invokes besides (d's not yet there): 8.
    expect(peak(chain(', resilience: {timeout: 1s}'))).toBe(5);
  });
});

/**
 * b crashes again and again while requests are at it, most of them calling
 * c (200 ms there): each such try goes back failed at once (replica-crash)
 * while its invoke runs on for nobody on the frame it leaves behind, and
 * that frame is freed when the invoke's calls come back.
 */
const crashing = (crashes: number) => topo(`
name: crash-at-the-app
simulation: {duration: ${crashes * 2 + 2}s, warmup: 0s, seed: 9}
mesh: {profile: istio-sidecar, resilience: {retries: none}}
services:
  a: {replicas: 1, workers: 64, serviceTime: 1ms, calls: [b]}
  b: {replicas: 2, workers: 64, serviceTime: 1ms, calls: [c]}
  c: {replicas: 1, workers: 64, serviceTime: 1ms, ioTime: 200ms}
entrypoints:
  web: {target: a, via: direct, rate: 100/s}
timeline:
${Array.from({ length: crashes }, (_, k) => `  - {at: ${2 * k + 1}s, until: ${2 * k + 1.5}s, crash: {replica: b-0, readinessDelay: 0s}}`).join('\n')}
`);

describe('a replica crash while tries are at it', () => {
  it('fails those tries at once and frees the frames their invokes are left on', () => {
    const few = crashing(3);
    const many = crashing(12);
    const r = runTopology(many);
    const crashed = r.entrypoints[0].failures.find((f) => f.cause === 'replica-crash');
    // 12 crashes, each catching the ~10 requests at b-0 (100/s × half of them × 200 ms).
    expect(crashed?.count ?? 0).toBeGreaterThan(12 * 5);
    // The tries came back at the crash, not when c answered the invokes left behind.
    const failed = r.entrypoints[0].failed;
    expect(failed).toBeGreaterThan(0);
    // Frames in use follow the requests in flight, not the crashes: none is lost with its invoke.
    const peakOf = (t: ReturnType<typeof topo>, crashes: number) =>
      simulate(buildModel(t), { seed: 9, duration: crashes * 2 + 2, requests: undefined, warmup: 0 }).peakFramesInUse;
    expect(peakOf(many, 12)).toBeLessThanOrEqual(peakOf(few, 3) + 10);
  });
});
