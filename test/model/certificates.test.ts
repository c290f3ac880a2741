import { describe, expect, it } from 'vitest';
import { Engine } from '../../sim/engine/engine.js';
import { RandomStreams } from '../../sim/engine/rng.js';
import { ControlPlaneRuntime } from '../../sim/model/controlPlane.js';
import { EndpointVersions } from '../../sim/model/endpoints.js';
import { NO_RESOURCES } from '../../sim/mesh/controlPlane.js';
import type { ControlPlane } from '../../sim/topology/types.js';

// 100 s certificates renewed at 80 % of their life, no jitter: every expiry is exact.
const SPEC: ControlPlane = {
  debounce: 0, debounceMax: 0, pushDelay: { kind: 'constant', value: 1 }, pushDelayPerProxy: 0,
  certificateTtl: 100, renewAt: 0.8, renewJitter: 0, renewRetry: 10, resources: NO_RESOURCES,
};

/** Holder 0 exists from the start; holder 1 is a pod that starts at 50 s; holder 2 never starts. */
function runtime(): { engine: Engine; cp: ControlPlaneRuntime } {
  const engine = new Engine();
  const streams = new RandomStreams(1);
  const cp = new ControlPlaneRuntime(
    engine, SPEC, new EndpointVersions([], 0), [], 3, () => 3, [0, 1, 2],
    streams.stream('cp'), () => {}, streams.stream('ids'), Infinity,
    (holder) => [0, 50, Infinity][holder],
  );
  return { engine, cp };
}

describe('workload certificates of pods created later', () => {
  it('are issued when the pod starts, not at t = 0, and renewed on their own clock', () => {
    const { engine, cp } = runtime();
    engine.run(40);
    expect(cp.certValid(0)).toBe(true);
    // Before its pod exists a later holder has no certificate (before: one issued at t = 0).
    expect(cp.certValid(1)).toBe(false);
    engine.run(60);
    expect(cp.certExpiry[0]).toBe(100);
    expect(cp.certExpiry[1]).toBe(150); // issued at 50 (before: at 0, so 100)
    engine.run(135);
    expect(cp.certExpiry[0]).toBe(180); // renewed at 80
    expect(cp.certExpiry[1]).toBe(230); // renewed at 50 + 80 = 130 (before: at 80, so 180)
    expect(cp.certValid(2)).toBe(false);
  });

  it('a pod started while the control plane is down gets its first certificate when it is back', () => {
    const { engine, cp } = runtime();
    engine.run(45);
    cp.setDown(true);
    engine.run(70);
    expect(cp.certValid(1)).toBe(false);
    cp.setDown(false);
    expect(cp.certExpiry[1]).toBe(170);
    // The one issued at the start could not renew at 80 while down; it retries on its own (every 10 s).
    expect(cp.certExpiry[0]).toBe(100);
  });

  it('a failed rotation over a pod not yet started holds its first certificate back to the window\'s end', () => {
    const { engine, cp } = runtime();
    engine.run(20);
    cp.expire([0, 1], 65);
    expect(cp.certValid(0)).toBe(false);
    engine.run(60);
    expect(cp.certValid(1)).toBe(false);
    engine.run(65);
    cp.renewNow([0, 1]);
    engine.run(65);
    expect(cp.certExpiry[0]).toBe(165);
    expect(cp.certExpiry[1]).toBe(165);
  });
});
