import { describe, expect, it } from 'vitest';
import { runTopology, resolveLimits } from '../../sim/run.js';
import { buildModel } from '../../sim/model/build.js';
import { simulate } from '../../sim/model/simulation.js';
import { topo, topoFile } from './helpers.js';
import { loadTopologySource } from '../../sim/topology/load.js';

const rel = (x: number, y: number): number => Math.abs(x - y) / y;

describe('request paths with constant times', () => {
  it("the essays' 5-hop chain of 1 ms hops takes exactly 5 ms without a mesh", () => {
    const r = runTopology(topoFile('topologies/chain5.yaml'));
    const e = r.entrypoints[0];
    expect(e.completed).toBe(20000);
    expect(e.failed).toBe(0);
    expect(e.latency.min).toBeCloseTo(0.005, 12);
    expect(e.latency.max).toBeCloseTo(0.005, 12);
    expect(e.latency.mean).toBeCloseTo(0.005, 12);
    expect(e.decomposition).toEqual({ appWork: expect.closeTo(0.005, 12), appQueue: 0, proxyWork: 0, proxyQueue: 0, mtls: 0, network: 0, retryBackoff: 0 });
    // The run stops at the 20,000th completion; a request or two may be on its way in.
    for (const s of r.services) expect(s.arrivals - 20000).toBeGreaterThanOrEqual(0);
    for (const s of r.services) expect(s.arrivals - 20000).toBeLessThanOrEqual(2);
  });

  it('a parallel group costs its slowest branch; network and payload add per direction', () => {
    const r = runTopology(topo(`
name: fan
zones: [a, b]
network: {sameZone: 100us, crossZone: 1ms, bandwidth: 1MB/s}
simulation: {requests: 100}
services:
  front:
    zones: [a]
    workers: 100
    serviceTime: 2ms
    calls:
      - parallel:
          - slow
          - fast
          - {call: fast, requestSize: 1KB}
  slow: {zones: [b], workers: 100, serviceTime: 10ms}
  fast: {zones: [a], workers: 100, serviceTime: 1ms}
entrypoints:
  in: {target: front, arrivals: constant, rate: 10/s, zone: a}
`));
    // in→front 0.1 ms each way; front 2 ms; slow branch: 1 ms each way + 10 ms.
    // The 1 KB fast branch: 0.1 + 1 (1 KB at 1 MB/s) + 1 + 0.1 = 2.2 ms < 12 ms.
    const e = r.entrypoints[0];
    expect(e.latency.max).toBeCloseTo(0.0002 + 0.002 + 0.012, 12);
    expect(e.latency.min).toBeCloseTo(0.0142, 12);
    expect(e.decomposition.network).toBeCloseTo(0.0022, 12);
    expect(e.decomposition.appWork).toBeCloseTo(0.012, 12);
  });

  it('a parallel branch that fails the moment it starts still completes its request', () => {
    // b admits one request at a time; arrivals every 20 ms while b takes
    // 100 ms, so 4 in 5 calls to b overflow its circuit breaker at once,
    // before c's branch has even started. Each request must still end.
    const r = runTopology(topo(`
name: parfail
simulation: {seed: 1, duration: 10s}
services:
  a: {workers: 100, serviceTime: 1ms, calls: [{parallel: [b, c]}]}
  b: {workers: 100, serviceTime: 100ms, resilience: {circuitBreaker: {maxRequests: 1}}}
  c: {workers: 100, serviceTime: 10ms}
entrypoints:
  e: {target: a, rate: 50/s, arrivals: constant}
`));
    const e = r.entrypoints[0];
    expect(e.completed).toBe(500);
    expect(e.failed).toBe(410);
    expect(r.services.find((s) => s.name === 'b')?.arrivals).toBe(90);
    // The group ends with its slowest branch: c (10 ms) when b overflowed.
    expect(e.latency.count).toBe(90);
    expect(e.latency.max).toBeCloseTo(0.101, 12);
  });

  it('optional calls are taken with their probability', () => {
    const r = runTopology(topo(`
name: optional
simulation: {requests: 20000}
services:
  a: {workers: 1000, serviceTime: 1ms, calls: [{call: b, probability: 0.25}]}
  b: {workers: 1000, serviceTime: 1ms}
entrypoints:
  in: {target: a, rate: 100/s}
`));
    const b = r.services[1].arrivals / 20000;
    // Binomial(20000, 0.25): standard deviation 0.003; allow 4 of them.
    expect(Math.abs(b - 0.25)).toBeLessThan(0.012);
  });
});

describe('overload', () => {
  const r = runTopology(topo(`
name: overload
simulation: {duration: 200s, warmup: 10s}
services:
  api:
    workers: 2
    queue: 5
    serviceTime: {dist: exponential, mean: 10ms}
entrypoints:
  in: {target: api, rate: 400/s}
`));
  const e = r.entrypoints[0];
  const s = r.services[0];

  it('a full queue rejects with its own root cause, attributed to the application', () => {
    expect(e.failed).toBeGreaterThan(0);
    expect(e.failures).toEqual([
      { cause: 'queue-full', component: 'overload: queue full', flag: '-', mesh: false, service: 'api', count: e.failed },
    ]);
    expect(s.rejected).toBe(e.failed);
    expect(e.succeeded + e.failed).toBe(e.completed);
  });

  it('matches the M/M/2/7 loss probability', () => {
    // Birth–death chain with states 0..7 (2 in service + 5 waiting): λ = 400, μ = 100.
    const p: number[] = [1];
    for (let n = 1; n <= 7; n++) p.push((p[n - 1] * 400) / (100 * Math.min(n, 2)));
    const total = p.reduce((a, b) => a + b, 0);
    const loss = p[7] / total;
    expect(rel(e.errorRate, loss)).toBeLessThan(0.02);
  });
});

describe('load', () => {
  it('closed-loop users: throughput N/(Z+R) by the interactive response-time law', () => {
    const r = runTopology(topo(`
name: closed
simulation: {duration: 2000s, warmup: 100s}
services:
  s: {workers: 1, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  users: {target: s, arrivals: closed, users: 30, thinkTime: {dist: exponential, mean: 200ms}}
`));
    const e = r.entrypoints[0];
    // X = N / (Z + R): holds for any closed system in steady state.
    expect(rel(e.throughput, 30 / (0.2 + e.latency.mean))).toBeLessThan(0.01);
    expect(rel(e.meanInSystem, e.throughput * e.latency.mean)).toBeLessThan(0.02);
    // 30 users is beyond the saturation point N* = (Z + S)/S = 21: the server is nearly always busy.
    expect(r.services[0].utilization).toBeGreaterThan(0.95);
  });

  it('closed-loop users whose requests and think time take no time stop with an error, not a hang', () => {
    const instant = `
name: instant
simulation: {duration: 1s}
services: {api: {serviceTime: 0s, calls: [db]}, db: {serviceTime: {dist: empirical, samples: [0, 0]}}}
entrypoints: {web: {target: api, arrivals: closed, users: 10, thinkTime: 0s}}
`;
    // Refused as it loads, where validate sees it too (before: validate said ok, and run stopped after a million starts).
    const loaded = loadTopologySource(instant, 'instant.yaml');
    expect(loaded.topology).toBeUndefined();
    expect(loaded.diagnostics.map((d) => [d.code, d.location?.line, d.message])).toEqual([[
      'zero-time-loop', 5,
      'the closed-loop users of "web" would start request after request at one instant: their think time, the service time of "api", "db" and the network all take no time, so the clock cannot move on',
    ]]);
    // Any time anywhere lets it run: a service, the think time, the network.
    for (const change of [['samples: [0, 0]', 'samples: [0, 1ms]'], ['thinkTime: 0s', 'thinkTime: {dist: exponential, mean: 1ms}'], ['duration: 1s}', 'duration: 1s}\nnetwork: {crossZone: 1ms}']]) {
      expect(loadTopologySource(instant.replace(change[0], change[1]), 'x.yaml').topology, change[1]).toBeDefined();
    }
    // A topology built in code skips the loader: the simulation stops it, not hangs.
    const built = topo(instant.replace('serviceTime: 0s', 'serviceTime: 1ms'));
    built.services[0].serviceTime = { kind: 'constant', value: 0 };
    expect(() => runTopology(built)).toThrow(/^stopped at t=0\.0s: the closed-loop users of "web" start request after request at the same instant/);
    // Requests that take time but fail at once (a full queue) with no think time: named as such, not blamed on serviceTime.
    const rejected = topo(`
name: zqueue
simulation: {seed: 1, duration: 60s, warmup: 5s}
services: {server: {workers: 1, queue: 2, serviceTime: {dist: exponential, mean: 10ms}}}
entrypoints: {users: {target: server, arrivals: closed, users: 5}}
`);
    expect(() => runTopology(rejected)).toThrow(/because their requests fail at once \(queue-full at "server"\) and their think time is 0/);
    // Many users starting together, again and again, is no loop: 10,000 users with a constant 1 s think time.
    const crowd = runTopology(topo(`
name: crowd
simulation: {duration: 5s}
services: {api: {serviceTime: 0s, workers: 1000000}}
entrypoints: {web: {target: api, arrivals: closed, users: 10000, thinkTime: 1s}}
`));
    expect(crowd.entrypoints[0].completed).toBeGreaterThan(30_000);
  });

  it('a rate schedule changes the offered load at the given times', () => {
    const r = runTopology(topo(`
name: steps
simulation: {duration: 100s}
services:
  s: {workers: 100, serviceTime: 1ms}
entrypoints:
  in:
    target: s
    arrivals: constant
    schedule: [{at: 0s, rate: 10/s}, {at: 50s, rate: 0/s}, {at: 80s, rate: 100/s}]
`));
    // 10/s for 50 s, nothing for 30 s, 100/s for 20 s: 500 + 2000, give or
    // take the arrival that lands on a boundary in floating point.
    const n = r.entrypoints[0].completed;
    expect(n).toBeGreaterThanOrEqual(2498);
    expect(n).toBeLessThanOrEqual(2500);
  });

  it('counting requests, a schedule that runs out of load ends the run and says it fell short, under a mesh too', () => {
    // Certificate renewals go on for ever: before, a mesh run waited on them for requests that never came.
    // A progress hook that gives up after a few million events turns such a hang into a failure.
    let chunks = 0;
    const bounded = { progressEvery: 100_000, onProgress: () => { if (++chunks > 50) throw new Error('the run did not end'); } };
    const short = (mesh: string, schedule: string) => runTopology(topo(`
name: ends
mesh: ${mesh}
simulation: {seed: 1, requests: 100000}
services: {server: {serviceTime: {dist: exponential, mean: 1ms}}}
entrypoints: {clients: {target: server, schedule: ${schedule}}}
`), {}, bounded);
    for (const mesh of ['none', 'istio-sidecar', 'linkerd']) {
      chunks = 0;
      const r = short(mesh, '[{at: 0s, rate: 100/s}, {at: 5s, rate: 0/s}]');
      const e = r.entrypoints[0];
      expect(e.completed, mesh).toBeGreaterThan(400);
      expect(e.completed, mesh).toBeLessThan(600);
      expect(r.run.measuredTime, mesh).toBeLessThan(6);
      expect(r.warnings.filter((w) => w.code === 'short-run').map((w) => w.message), mesh).toEqual([
        `the load ran out before 100,000 measured requests completed: ${e.completed.toLocaleString('en-US')} did (the arrival schedule offers no more), ` +
          'so the run stopped there; give the schedule a last rate above 0, or set a duration instead of a request count',
      ]);
    }
    // A schedule that offers nothing at all: no request, and a resource invoice of idle proxies, not NaN.
    chunks = 0;
    const none = short('linkerd', '[{at: 0s, rate: 0/s}]');
    expect(none.entrypoints[0].completed).toBe(0);
    expect(none.warnings.map((w) => w.code)).toEqual(['short-run']);
    expect(Number.isFinite(none.resources.proxyMemoryGB) && none.resources.proxyMemoryGB > 0).toBe(true);
    expect(Number.isFinite(none.resources.proxyCostPerMonth)).toBe(true);
    // A load that does not run out is not flagged.
    expect(runTopology(topoFile('topologies/mm1.yaml'), { requests: 2000 }).warnings).toEqual([]);
  });

  it('counting requests, a load too slow for the count stops at 1e8 s of simulated time, where the clock still resolves the service times', () => {
    // Before: the run went on to 3e12 s (a duration that long is refused), and a constant 1 ms service time
    // came out as a mean of 979 µs and a p50 of 977 µs, with no word of why.
    const slow = (entry: string) => runTopology(topo(`
name: slow
simulation: {seed: 1}
services: {s: {serviceTime: 1ms}}
entrypoints: {e: ${entry}}
`), { requests: 3_000_000 });
    for (const entry of ['{target: s, rate: 1e-6/s}', '{target: s, arrivals: closed, users: 1, thinkTime: 1e7s}']) {
      const r = slow(entry);
      const e = r.entrypoints[0];
      expect(e.completed, entry).toBeGreaterThan(0);
      expect(e.completed, entry).toBeLessThan(200);
      expect(e.latency.mean, entry).toBeCloseTo(0.001, 7);
      expect(e.latency.max, entry).toBeCloseTo(0.001, 7);
      expect(r.warnings.map((w) => w.code), entry).toEqual(['short-run']);
      expect(r.warnings[0].message, entry).toMatch(/^the run reached 1e8s of simulated time .* before 3,000,000 measured requests completed/);
    }
  });

  it('timed by a duration, an entry point that measured no request is named in a warning, one that did is not', () => {
    // Before: a table of dashes and no word of why.
    const r = runTopology(topo(`
name: brief
simulation: {seed: 1, duration: 2s, warmup: 1s}
services:
  s: {serviceTime: 1ms}
entrypoints:
  busy: {target: s, rate: 100/s}
  rare: {target: s, rate: 1/h}
`));
    expect(r.entrypoints.map((e) => e.completed > 0)).toEqual([true, false]);
    expect(r.warnings.map((w) => [w.code, w.subject, w.message])).toEqual([[
      'nothing-measured', 'rare',
      'entry point "rare" completed no request in the measured window (1s after the warm-up), so its latency and throughput are blank; ' +
        'lengthen the duration (or shorten the warm-up), or raise the rate',
    ]]);
    // Counting requests, a run that runs dry says so as short-run instead (above), not twice.
    expect(runTopology(topoFile('topologies/mm1.yaml'), { duration: 100 }).warnings).toEqual([]);
  });

  it('round robin spreads evenly; least request avoids the busy replica', () => {
    const mk = (lb: string) => runTopology(topo(`
name: lb
simulation: {duration: 100s}
services:
  s: {replicas: 4, workers: 1, loadBalancer: ${lb}, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  in: {target: s, rate: 300/s}
`));
    const rr = mk('round_robin').entrypoints[0].latency.mean;
    const lr = mk('least_request').entrypoints[0].latency.mean;
    const rnd = mk('random').entrypoints[0].latency.mean;
    // Random splitting makes four M/M/1 queues at ρ = 0.75: W = 40 ms.
    expect(rel(rnd, 0.04)).toBeLessThan(0.06);
    expect(rr).toBeLessThan(rnd);
    expect(lr).toBeLessThan(rr);
  });
});

describe('load-balancing state is each caller\'s own', () => {
  // 300/s over 4 single-worker replicas of 10 ms (ρ = 0.75), reached through
  // `callers` front pods, each of which picks with its own state.
  const backLatency = (lb: string, callers: number) => {
    const r = runTopology(topo(`
name: callers
simulation: {duration: 200s, warmup: 10s}
services:
  front: {replicas: ${callers}, workers: 1000, serviceTime: 0, calls: [back]}
  back: {replicas: 4, workers: 1, loadBalancer: ${lb}, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  in: {target: front, rate: 300/s}
`));
    return r.services.find((s) => s.name === 'back')?.latency.mean ?? NaN;
  };

  it('least request with many callers sees only its own requests and tends to random', () => {
    const one = backLatency('least_request', 1);
    const many = backLatency('least_request', 16);
    const random = backLatency('random', 16);
    // Random splitting: four M/M/1 queues at ρ = 0.75, W = 40 ms.
    expect(rel(random, 0.04)).toBeLessThan(0.06);
    // One caller sees every request in flight: ~22 ms. Sixteen see ~1 each: ~33 ms.
    expect(many).toBeGreaterThan(one * 1.3);
    expect(many).toBeLessThan(random * 0.95);
  });

  it('round robin runs per caller from a random start, so many callers smooth less than one', () => {
    const one = backLatency('round_robin', 1);
    const many = backLatency('round_robin', 16);
    expect(many).toBeGreaterThan(one * 1.1);
    expect(many).toBeLessThan(backLatency('random', 16));
  });
});

describe('threads held during calls', () => {
  it('a caller that blocks on downstream calls is busier and queues more', () => {
    const mk = (hold: boolean) => runTopology(topo(`
name: hold
simulation: {duration: 300s, warmup: 10s}
services:
  front: {workers: 2, holdWorkerDuringCalls: ${hold}, serviceTime: {dist: exponential, mean: 2ms}, calls: [back]}
  back: {workers: 50, serviceTime: 10ms}
entrypoints:
  in: {target: front, rate: 100/s}
`));
    const free = mk(false), held = mk(true);
    // Released: 100/s × 2 ms over 2 workers = 10 %. Held: 100/s × 12 ms / 2 = 60 %.
    expect(rel(free.services[0].utilization, 0.1)).toBeLessThan(0.05);
    expect(rel(held.services[0].utilization, 0.6)).toBeLessThan(0.05);
    expect(held.entrypoints[0].latency.mean).toBeGreaterThan(free.entrypoints[0].latency.mean);
  });
});

describe('unbounded overload', () => {
  const over = topo(`
name: over
simulation: {duration: 10000s}
services:
  api: {serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  in: {target: api, rate: 150/s}
`);

  it('stops with a clear error instead of filling memory', () => {
    const limits = { ...resolveLimits(over), maxFramesInFlight: 30_000 };
    expect(() => simulate(buildModel(over), limits)).toThrow(
      /^stopped at t=\d+\.\ds with \d{1,3},\d{3} requests waiting at one replica of "api": its queue is unbounded and keeps growing$/,
    );
  });

  it('says the requests pile up on their way, not in a queue, when none is waiting anywhere', () => {
    // A day of network latency a hop at 100/s: nothing queues, the calls are all in transit. Before, this
    // said "0 requests waiting at one replica of "api": its queue is unbounded" and advised a queue limit.
    const slow = topo(`
name: slow-network
network: {sameNode: 1e5s}
services:
  api: {serviceTime: 1ms}
entrypoints:
  in: {target: api, rate: 100/s, via: mesh}
`);
    const limits = { ...resolveLimits(slow, { requests: 10 }), maxFramesInFlight: 30_000 };
    expect(() => simulate(buildModel(slow), limits)).toThrow(
      /^stopped at t=\d+\.\ds with \d{1,3},\d{3} calls in flight and none waiting in a queue: requests arrive faster than they complete, and pile up on their way$/,
    );
  });

  it('a saturated service is flagged in the results', () => {
    const r = runTopology(over, { duration: 30 });
    expect(r.warnings).toEqual([
      expect.objectContaining({ code: 'saturated', subject: 'api', message: expect.stringMatching(/^service "api" is saturated \(workers busy 100\.0 % of the time\)/) }),
    ]);
    expect(runTopology(topo(`
name: fine
services:
  api: {serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  in: {target: api, rate: 50/s}
`)).warnings).toEqual([]);
  });

  it('reports what an overloaded service served in the window, not what it was offered', () => {
    // 150/s offered to a 100/s server for 30 s: ~1,500 requests are still queued when the load stops and drain for ~15 s.
    const r = runTopology(over, { duration: 30 });
    expect(rel(r.entrypoints[0].throughput, 100)).toBeLessThan(0.05);
    expect(rel(r.services[0].throughput, 100)).toBeLessThan(0.05);
    // Every request offered is still answered, in the drain.
    expect(r.entrypoints[0].completed).toBeGreaterThan(4000);
  });
});

describe('latencies past the histograms\' top', () => {
  it('are counted and flagged, since the quantiles among them read as the top (10⁶ s)', () => {
    // 2 s of work slowed 10⁶-fold in 5–10 s: the ~50 requests started then take 2×10⁶ s.
    const r = runTopology(topo(`
name: slow
simulation: {duration: 20s}
services:
  a: {serviceTime: 2s, workers: 100}
timeline:
  - {at: 5s, until: 10s, cpuSlowdown: {service: a, factor: 1000000}}
entrypoints: {web: {target: a, rate: 10/s}}
`));
    const e = r.entrypoints[0];
    expect(e.histogram.overflow).toBeGreaterThan(40);
    expect(e.latency.max).toBeCloseTo(2e6, 0);
    expect(r.warnings.map((w) => [w.code, w.subject])).toEqual([['beyond-range', 'web'], ['beyond-range', 'a']]);
    expect(r.warnings[0].message).toBe(
      `entry point "web": ${e.histogram.overflow} of ${e.succeeded} latencies are above 10⁶ s (11.6 days), the top of the histograms: ` +
      'a quantile among them reads 10⁶ s (11.6 days) (the mean and max are exact); shorten the service times or the slowdowns',
    );
  });

  it('are not flagged when none is recorded', () => {
    const r = runTopology(topoFile('topologies/chain5.yaml'));
    expect(r.warnings).toEqual([]);
  });
});

describe('utilisation as replicas come and go', () => {
  const scaled = (timeline: string) => runTopology(topo(`
name: scale
simulation: {seed: 5, duration: 60s, warmup: 0s}
mesh: {profile: none, controlPlane: {pushDelay: 100ms}}
services:
  s: {replicas: REPLICAS, workers: 1, queue: 10, serviceTime: {dist: exponential, mean: 10ms}}
entrypoints:
  c: {target: s, rate: 300/s}
timeline:
${timeline}
`.replace('REPLICAS', timeline.includes('replicas: 4') ? '1' : '4')));

  it('is busy workers over the workers there were: scaled from 1 to 4 replicas at 300/s × 10 ms, about 3/4', () => {
    const r = scaled('  - {at: 1s, scale: {service: s, replicas: 4, startup: 0s}}');
    const s = r.services[0];
    // 59 s of 4 replicas at ρ = 0.75, and the first second of one saturated replica.
    expect(s.utilization).toBeGreaterThan(0.72);
    expect(s.utilization).toBeLessThan(0.8);
    expect(r.warnings.filter((w) => w.code === 'saturated')).toEqual([]);
  });

  it('a pod scaled away while it is still starting never starts: the service stays at one replica', () => {
    // Scale to 2 (5 s startup) at 10 s, back to 1 at 12 s: the second pod is
    // deleted before it is ready, so b stays an M/M/1 at ρ = 0.5, W = 10 ms.
    const r = runTopology(topo(`
name: zombie
mesh: {profile: none, controlPlane: {pushDelay: 1s, pushDelayPerProxy: 0s, debounce: 0s, debounceMax: 0s}}
simulation: {seed: 1, duration: 400s}
services:
  b: {replicas: 1, workers: 1, serviceTime: {dist: exponential, mean: 5ms}}
entrypoints:
  web: {target: b, rate: 100/s}
timeline:
  - {at: 10s, scale: {service: b, replicas: 2, startup: 5s}}
  - {at: 12s, scale: {service: b, replicas: 1, preStop: 0s}}
`));
    expect(rel(r.entrypoints[0].latency.mean, 0.01)).toBeLessThan(0.1);
    // Busy half the time over one replica's workers: the second never served (it would read 0.25).
    expect(r.services[0].utilization).toBeCloseTo(0.5, 1);
  });

  it("a push fans out to the proxies that exist when it goes, not to pods the timeline adds later", () => {
    const run = (later: string) => runTopology(topo(`
name: fan
mesh: {profile: istio-sidecar, controlPlane: {pushDelay: 1s, pushDelayPerProxy: 100ms}, resilience: {retries: none}}
simulation: {seed: 1, duration: 60s}
services:
  b: {replicas: 2, workers: 100, serviceTime: 1ms}
entrypoints:
  web: {target: b, arrivals: constant, rate: 1000/s}
timeline:
  - {at: 10s, scale: {service: b, replicas: 1, preStop: 0s}}
${later}`));
    const converged = (r: ReturnType<typeof run>) => r.timeline.markers.find((m) => m.kind === 'push-converged' && m.subject === 'version 1')?.at;
    // 100 ms debounce, 1 s push, 0.1 s for each of the 4 proxies then alive (b-0's sidecar, b-1's, which
    // drains until 15 s — istio-proxy's terminationDrainDuration — and 2 gateways).
    expect(converged(run(''))).toBeCloseTo(10.1 + 1 + 0.4, 9);
    // 48 pods started at 50 s change nothing about a push at 10 s.
    expect(converged(run('  - {at: 50s, scale: {service: b, replicas: 50, startup: 5s}}'))).toBeCloseTo(11.5, 9);
  });

  it('a replica crashed for half the run leaves three to share the load, counted over the time each served', () => {
    const r = scaled('  - {at: 0s, until: 30s, crash: {replica: s-0, readinessDelay: 0s}}');
    // Busy: 300/s × 10 ms = 3 workers' worth throughout; capacity: 3 replicas for 30 s, then 4.
    expect(r.services[0].utilization).toBeGreaterThan((3 / 3.5) * 0.93);
    expect(r.services[0].utilization).toBeLessThan((3 / 3.5) * 1.07);
  });
});

describe('saturation warnings say what saturation means for the load', () => {
  const run = (entry: string, queue = '') => runTopology(topo(`
name: sat
simulation: {duration: 30s, warmup: 5s}
services: {s: {serviceTime: {dist: exponential, mean: 10ms}${queue}}}
entrypoints: {e: ${entry}}
`));
  const warning = (r: ReturnType<typeof runTopology>) => r.warnings.find((w) => w.code === 'saturated')?.message ?? '';

  it('open load: the queue grows with the run; a bounded one overflows', () => {
    expect(warning(run('{target: s, rate: 150/s}'))).toMatch(/its queue keeps growing, so its latency depends on how long the run is/);
    expect(warning(run('{target: s, rate: 300/s}', ', queue: 5'))).toMatch(/its queue is full and overflows, so requests beyond what it can serve are rejected \(503\)$/);
  });

  it('closed-loop users behind a timeout leave work behind: the queue can grow with the run, and the warning says so', () => {
    // 5 users, a 30 ms timeout on 10 ms work: the server goes on with abandoned requests and its queue grows.
    const r = runTopology(topo(`
name: cto
simulation: {seed: 1, duration: 200s, warmup: 10s}
services:
  s: {workers: 1, serviceTime: {dist: exponential, mean: 10ms}, resilience: {timeout: 30ms}}
entrypoints:
  e: {target: s, arrivals: closed, users: 5, thinkTime: {dist: exponential, mean: 20ms}}
`));
    // Before: "the closed-loop users queue at it", though 5 users left ~37 requests in the server on average.
    expect(r.services[0].meanInSystem).toBeGreaterThan(5);
    expect(warning(r)).toMatch(/its queue keeps growing, so its latency depends on how long the run is/);
  });

  it('closed-loop users: the queue holds at most the users, so it does not blame the run length', () => {
    const r = run('{target: s, arrivals: closed, users: 20, thinkTime: 10ms}');
    expect(warning(r)).toMatch(/the closed-loop users queue at it, so their latency grows with how many there are$/);
    // Little's law: 20 users cycle through 10 ms of think and R of response at X = 100/s.
    expect(Math.abs(r.entrypoints[0].latency.mean - (20 / 100 - 0.01)) / 0.19).toBeLessThan(0.05);
  });
});
