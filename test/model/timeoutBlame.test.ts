// Who a timeout's failure is when nothing known made the try late (the
// callee is slow, or queueing): the counterfactual rule of
// Simulation.plainTimeoutIsMesh (README, Failure attribution).
//   - the policy in the client library: the application's;
//   - in the mesh proxy, a timeout the mesh profile imposed (a default the
//     topology did not set): the mesh's;
//   - in the mesh proxy, a timeout the topology set: the mesh's only if the
//     mesh's share M of the time the timeout cut (proxy passes and their
//     queueing, mTLS handshakes) exceeds the application's and the
//     network's R, i.e. the request would have made the deadline without it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTopology } from '../../sim/run.js';
import type { RunResult } from '../../sim/results/types.js';
import { topo } from './helpers.js';

/** istio-sidecar with a request timeout (and a per-try timeout) of the profile's own, as Cilium's 1 h is. */
function profileWith(timeout: string, perTryTimeout = 'none'): string {
  const original = readFileSync('topologies/meshes/istio-sidecar.yaml', 'utf8');
  const edited = original
    .replace('name: istio-sidecar', 'name: istio-deadline')
    .replace('  timeout: none              # Istio disables', `  timeout: ${timeout}              # Istio disables`)
    .replace('    perTryTimeout: none', `    perTryTimeout: ${perTryTimeout}`);
  expect(edited).toContain(`  timeout: ${timeout} `);
  expect(edited).toContain(`    perTryTimeout: ${perTryTimeout}`);
  const file = join(mkdtempSync(join(tmpdir(), 'meshtax-blame-')), 'istio-deadline.yaml');
  writeFileSync(file, edited);
  return file;
}

/**
 * w → a → b, 20 requests a second; `bPolicy` is b's own resilience (how a
 * calls it), `bExtra` more of b (its ioTime: how slow it is). a's own
 * policy has no timeout, so only the one on a's calls to b runs out.
 */
const SOURCE = (mesh: string, bPolicy: string, bExtra: string, seed: number) => `
name: blame
mesh: ${mesh}
simulation: {seed: ${seed}, duration: 10s, warmup: 1s}
services:
  a: {replicas: 1, workers: 50, serviceTime: 1ms, calls: [b], resilience: {timeout: none, retries: none}}
  b: {replicas: 1, workers: 50, serviceTime: 1ms${bExtra}, resilience: {${bPolicy}}}
entrypoints:
  w: {target: a, rate: 20/s}
`;
const run = (mesh: string, bPolicy: string, bExtra = '', seed = 3): RunResult => runTopology(topo(SOURCE(mesh, bPolicy, bExtra, seed)));

const key = (f: { cause: string; flag: string; mesh: boolean; service: string }) => `${f.cause}/${f.flag}/${f.mesh ? 'mesh' : 'app'}/${f.service}`;
const failures = (r: RunResult) => new Map(r.entrypoints[0].failures.map((f) => [key(f), f.count]));
const tries = (r: RunResult) => new Map(r.attemptFailures.map((f) => [key(f), f.count]));

function invariants(r: RunResult): void {
  const e = r.entrypoints[0];
  expect(e.failures.reduce((n, f) => n + f.count, 0)).toBe(e.failed);
  expect(e.meshCaused + e.appCaused).toBe(e.failed);
}

/** Every request fails, all under one key. */
function allFailAs(r: RunResult, k: string): void {
  const e = r.entrypoints[0];
  expect(e.completed).toBeGreaterThan(150);
  expect(e.failed).toBe(e.completed);
  expect([...failures(r)]).toEqual([[k, e.failed]]);
  invariants(r);
}

const SLOW = ', ioTime: 100ms';
/**
 * Sidecars whose every request pass costs 20 ms: a proxy far slower than the application behind it. mTLS
 * off, so the mesh's time is the proxies' passes alone: a timeout closes its HTTP/1.1 connection, and the
 * next request's resumption would queue on the sidecars' threads behind those 20 ms passes (the mesh's
 * too, but not what these cases weigh; the handshake case below has its own).
 */
const HEAVY_PROXY = '{profile: istio-sidecar, sidecar: {requestCost: 20ms}, mtls: {enabled: false}}';

describe('a timeout with nothing known below it: whose failure it is', () => {
  it('(1) the policy in the client library, a slow application: the application\'s', () => {
    const r = run('istio-sidecar', 'placement: client, timeout: 50ms, retries: none', SLOW);
    allFailAs(r, 'timeout/UT/app/b');
    expect(r.entrypoints[0].meshCaused).toBe(0);
  });

  it('(2) a timeout the mesh profile imposes, cutting a slow application: the mesh\'s', () => {
    const profile = profileWith('50ms');
    const r = run(`{profile: ${profile}}`, 'retries: none', SLOW);
    allFailAs(r, 'timeout/UT/mesh/b');
    expect(r.entrypoints[0].appCaused).toBe(0);
    // The topology's own overrides that leave the timeout alone do not make it the topology's.
    const tuned = run(`{profile: ${profile}, resilience: {retries: none}}`, 'circuitBreaker: none', SLOW);
    allFailAs(tuned, 'timeout/UT/mesh/b');
    // The same deadline written in the topology is its user's: a slow application is the application's.
    const written = run(`{profile: ${profile}}`, 'timeout: 50ms, retries: none', SLOW);
    allFailAs(written, 'timeout/UT/app/b');
  });

  it('records which timeouts the topology wrote, per service, over the profile\'s', () => {
    const profile = profileWith('50ms', '30ms');
    const t = topo(`
name: written
mesh: {profile: ${profile}, resilience: {retries: {attempts: 2}}}
services:
  a: {serviceTime: 1ms, calls: [b, c, d]}
  b: {serviceTime: 1ms, resilience: {timeout: 1s}}
  c: {serviceTime: 1ms, resilience: {retries: {perTryTimeout: 10ms}}}
  d: {serviceTime: 1ms, resilience: {retries: none}}
entrypoints:
  w: {target: a, rate: 1/s}
`);
    expect(t.services.map((s) => [s.name, s.topologyTimeouts])).toEqual([
      ['a', { timeout: false, perTryTimeout: false, connectTimeout: false }],
      ['b', { timeout: true, perTryTimeout: false, connectTimeout: false }],
      ['c', { timeout: false, perTryTimeout: true, connectTimeout: false }],
      ['d', { timeout: false, perTryTimeout: false, connectTimeout: false }],
    ]);
    expect(t.services.map((s) => [s.resilience.timeout, s.resilience.retries?.perTryTimeout ?? null])).toEqual([
      [0.05, 0.03], [1, 0.03], [0.05, 0.01], [0.05, null],
    ]);
    // The `mesh:` block's overrides are the topology's too.
    const over = topo(`
name: written
mesh: {profile: ${profile}, resilience: {timeout: 2s, retries: {perTryTimeout: 1s}}}
services:
  a: {serviceTime: 1ms}
entrypoints:
  w: {target: a, rate: 1/s}
`);
    expect(over.services[0].topologyTimeouts).toEqual({ timeout: true, perTryTimeout: true, connectTimeout: false });
  });

  it('(3) a timeout the topology set, cutting a slow application: the application\'s (before: the mesh\'s)', () => {
    // 100 ms of I/O at b against a 50 ms deadline: all but ~0.1 ms of the cut try is b's (and the network's).
    allFailAs(run('istio-sidecar', 'timeout: 50ms, retries: none', SLOW), 'timeout/UT/app/b');
    // Set in the topology's `mesh:` overrides for every call: the topology's all the same.
    allFailAs(run('{profile: istio-sidecar, resilience: {timeout: 50ms, retries: none}}', 'placement: mesh', SLOW), 'timeout/UT/app/b');
  });

  it('(4) a timeout the topology set where the mesh\'s time dominates: the mesh\'s', () => {
    // b's sidecar takes 20 ms a request pass, b answers in 1 ms: a 15 ms deadline is cut inside the proxy's
    // work (M = 15 ms, R = 0), and without the mesh the request would have made it.
    allFailAs(run(HEAVY_PROXY, 'timeout: 15ms, retries: none'), 'timeout/UT/mesh/b');
    // Slow as well (100 ms of I/O), it is still the mesh's at 30 ms: 20 ms of proxy against 10 of the application…
    allFailAs(run(HEAVY_PROXY, 'timeout: 30ms, retries: none', SLOW), 'timeout/UT/mesh/b');
    // … and the application's at 60 ms: 20 ms of proxy against 40 of the application.
    allFailAs(run(HEAVY_PROXY, 'timeout: 60ms, retries: none', SLOW), 'timeout/UT/app/b');
    // mTLS handshakes of 30 ms at each end on every request (connections never kept: resumption off, 1 ms idle
    // timeout), b fast: a 50 ms deadline runs out in the handshake.
    const handshakes = run('{profile: istio-sidecar, mtls: {handshakeCpu: 30ms, resumption: false, idleTimeout: 1ms}}', 'timeout: 50ms, retries: none');
    const e = handshakes.entrypoints[0];
    expect(e.failed).toBeGreaterThan(0.8 * e.completed);
    expect([...failures(handshakes).keys()]).toEqual(['timeout/UT/mesh/b']);
    invariants(handshakes);
  });

  it('(5) per-try timeouts: each try judged on its own time, profile default or topology set', () => {
    const perTry = (t: string) => `timeout: none, retries: {attempts: 2, perTryTimeout: ${t}, retryOn: [timeout], backoff: {base: 1ms, max: 1ms}}`;
    // The proxy's 20 ms against a 30 ms per-try deadline: both tries the mesh's, and the call (URX) too.
    const heavy = run(HEAVY_PROXY, perTry('30ms'), SLOW);
    allFailAs(heavy, 'timeout/URX/mesh/b');
    expect([...tries(heavy)]).toEqual([['timeout/UT/mesh/b', 2 * heavy.entrypoints[0].failed]]);
    // At 60 ms the application's 40 ms dominate: the application's, but for tries that queued behind
    // b's sidecar (its two threads busy with other tries' 20 ms passes) long enough for M to pass R.
    const slow = run(HEAVY_PROXY, perTry('60ms'), SLOW);
    const e = slow.entrypoints[0];
    expect(e.failed).toBe(e.completed);
    expect(failures(slow).get('timeout/URX/app/b') ?? 0).toBeGreaterThan(0.8 * e.failed);
    expect(failures(slow).get('timeout/URX/mesh/b') ?? 0).toBeGreaterThan(0);
    expect([...failures(slow).keys()].sort()).toEqual(['timeout/URX/app/b', 'timeout/URX/mesh/b']);
    const slowTries = tries(slow);
    expect((slowTries.get('timeout/UT/app/b') ?? 0) + (slowTries.get('timeout/UT/mesh/b') ?? 0)).toBe(2 * e.failed);
    expect(slowTries.get('timeout/UT/app/b') ?? 0).toBeGreaterThan(0.8 * 2 * e.failed);
    invariants(slow);
    // A per-try timeout of the profile's own (no retry on timeouts there: the call ends UT): the mesh's …
    const profile = profileWith('none', '30ms');
    allFailAs(run(`{profile: ${profile}}`, 'placement: mesh', SLOW), 'timeout/UT/mesh/b');
    // … and the same one written in the topology, the application's.
    allFailAs(run(`{profile: ${profile}}`, 'retries: {perTryTimeout: 30ms}', SLOW), 'timeout/UT/app/b');
  });

  it('a parallel group still running counts its branch with the most application time, whichever starts first', () => {
    // Every sidecar pass costs 5 ms. b's 60 ms deadline (the topology's) cuts b's parallel group: c is slow
    // (100 ms of I/O: ~10 ms of mesh, the rest its own), d a chain of six hops (~10 ms of mesh a hop, 1 ms of
    // application). Without the mesh, c alone would still be late: the application's, with d listed first or
    // last. (Adding the branches up, or taking d's, would make it the mesh's.) d alone: the mesh's.
    const run = (steps: string) => runTopology(topo(`
name: parallel
mesh: {profile: istio-sidecar, sidecar: {requestCost: 5ms, workers: 8}}
simulation: {seed: 5, duration: 10s, warmup: 1s}
services:
  a: {workers: 50, serviceTime: 1ms, calls: [b], resilience: {timeout: none, retries: none}}
  b: {workers: 50, serviceTime: 1ms, calls: [{parallel: [${steps}]}], resilience: {timeout: 60ms, retries: none}}
  c: {workers: 50, serviceTime: 1ms, ioTime: 100ms}
  d: {workers: 50, serviceTime: 1ms, calls: [e]}
  e: {workers: 50, serviceTime: 1ms, calls: [f]}
  f: {workers: 50, serviceTime: 1ms, calls: [g]}
  g: {workers: 50, serviceTime: 1ms, calls: [h]}
  h: {workers: 50, serviceTime: 1ms, calls: [i]}
  i: {workers: 50, serviceTime: 1ms}
entrypoints:
  w: {target: a, rate: 20/s}
`));
    allFailAs(run('c, d'), 'timeout/UT/app/b');
    allFailAs(run('d, c'), 'timeout/UT/app/b');
    allFailAs(run('d'), 'timeout/UT/mesh/b');
  });

  it('(6) is deterministic: the same seed gives the same results, byte for byte', () => {
    // The mixed case: most tries the application's, those that queued at the proxy the mesh's.
    const policy = 'timeout: 150ms, retries: {attempts: 3, perTryTimeout: 60ms, retryOn: [timeout], backoff: {base: 1ms, max: 5ms}}';
    const a = run(HEAVY_PROXY, policy, SLOW, 11);
    const b = run(HEAVY_PROXY, policy, SLOW, 11);
    expect(a.entrypoints[0].meshCaused).toBeGreaterThan(0);
    expect(a.entrypoints[0].appCaused).toBeGreaterThan(0);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    invariants(a);
  });
});
