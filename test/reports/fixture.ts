/**
 * Small, fixed results for the report tests: three modes, two entry points,
 * a handful of latencies each, failures in one mode. Hand-built rather than
 * simulated, so that the chart snapshots change only when the charts do, not
 * when the model does. Built as plain data and cast, as a results file read
 * back from disk would be.
 */
import { LogHistogram } from '../../sim/stats/histogram.js';
import type { CompareResult, Delta, ModeRow } from '../../sim/compare.js';
import type { RunResult } from '../../sim/results/types.js';

type Mode = { profile: string; mode: 'none' | 'sidecar' | 'ambient'; slow: number; failed: number };

const MODES: Mode[] = [
  { profile: 'none', mode: 'none', slow: 0, failed: 0 },
  { profile: 'istio-sidecar', mode: 'sidecar', slow: 0.0008, failed: 12 },
  { profile: 'istio-ambient', mode: 'ambient', slow: 0.0003, failed: 0 },
];

const ENTRIES = [
  { name: 'web', target: 'frontend', base: [0.004, 0.005, 0.005, 0.006, 0.006, 0.006, 0.007, 0.008, 0.012, 0.03] },
  { name: 'api', target: 'checkout', base: [0.002, 0.0021, 0.0022, 0.0025, 0.003, 0.0031, 0.004, 0.009] },
];

function histogram(values: number[]): LogHistogram {
  const h = new LogHistogram();
  for (const v of values) h.record(v);
  return h;
}

function components(app: number, proxy: number, network: number): Record<string, number> {
  return { appWork: app, appQueue: app / 10, proxyWork: proxy * 0.8, proxyQueue: proxy * 0.15, mtls: proxy * 0.05, network, retryBackoff: 0 };
}

function run(m: Mode): RunResult {
  const entrypoints = ENTRIES.map((e) => {
    const values = e.base.map((v) => v + m.slow);
    const h = histogram(values);
    const q = (p: number): number => h.quantile(p);
    const ci = (x: number): [number, number] => [x * 0.97, x * 1.03];
    const failed = e.name === 'web' ? m.failed : 0;
    return {
      name: e.name, target: e.target, completed: values.length * 100 + failed, succeeded: values.length * 100, failed,
      errorRate: failed / (values.length * 100 + failed), throughput: 50, meanInSystem: 0.4,
      latency: {
        count: values.length, mean: h.mean, min: h.min, max: h.max, p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999),
        ci: { mean: ci(h.mean), p50: ci(q(0.5)), p90: ci(q(0.9)), p99: ci(q(0.99)), p999: ci(q(0.999)) }, ciParts: 20,
      },
      decomposition: components(0.005, m.slow, 0.001 + m.slow / 4),
      composition: { p50: components(0.004, m.slow, 0.001), p99: components(0.02, m.slow * 2, 0.002) },
      failures: failed ? [
        { cause: 'queue-full', component: 'overload', flag: '-', mesh: false, service: 'frontend', count: 8 },
        { cause: 'proxy-overflow', component: 'sidecar', flag: 'UO', mesh: true, service: 'cart', count: 4 },
      ] : [],
      meshCaused: failed ? 4 : 0, appCaused: failed ? 8 : 0,
      histogram: h.toJSON(),
    };
  });
  const proxies = m.mode === 'none' ? [] : m.mode === 'sidecar'
    ? [{ kind: 'sidecar', count: 5, vcpu: 0.25, vcpuPerProxy: 0.05, memoryGB: 0.3, memoryMBPerProxy: 60, meanConnectionsPerProxy: 4, requestsPerSecondPerProxy: 100, handshakes: 10, resumptions: 2, workerUtilization: 0.02 }]
    : [{ kind: 'node-proxy', count: 2, vcpu: 0.1, vcpuPerProxy: 0.05, memoryGB: 0.024, memoryMBPerProxy: 12, meanConnectionsPerProxy: 6, requestsPerSecondPerProxy: 250, handshakes: 4, resumptions: 0, workerUtilization: 0.01 }];
  const proxyVcpu = proxies.reduce((a, p) => a + p.vcpu, 0), proxyMemoryGB = proxies.reduce((a, p) => a + p.memoryGB, 0);
  const cost = (proxyVcpu * 0.0416 + proxyMemoryGB * 0.0056) * 730;
  return {
    meshtax: { version: '0.1.0', format: 1 },
    topology: { name: 'shop', description: 'A fixed fixture for report tests' },
    mesh: { profile: m.profile, mode: m.mode, mtls: m.mode !== 'none', description: `${m.profile} profile`, sources: m.mode === 'none' ? [] : [`${m.profile} docs`] },
    graph: {
      services: [
        { name: 'frontend', replicas: 2, workers: 8, l7: false }, { name: 'cart', replicas: 1, workers: 4, l7: false },
        { name: 'checkout', replicas: 2, workers: 4, l7: true }, { name: 'payment', replicas: 1, workers: 2, l7: false },
      ],
      calls: [
        { from: 'frontend', to: 'cart', probability: 1, parallel: false },
        { from: 'checkout', to: 'cart', probability: 1, parallel: true },
        { from: 'checkout', to: 'payment', probability: 0.5, parallel: true },
      ],
      entrypoints: [{ name: 'web', target: 'frontend', via: 'gateway' }, { name: 'api', target: 'checkout', via: 'direct' }],
    },
    settings: { seed: 7, duration: 60, requests: null, warmup: 5, replications: 1, intervals: 'batch-means' },
    run: { measuredTime: 55, simulatedTime: 60.1, events: 123456 },
    entrypoints,
    services: ['frontend', 'cart', 'checkout', 'payment'].map((name, i) => ({
      name, replicas: 2, workersPerReplica: 4, arrivals: 1000 * (i + 1), rejected: name === 'frontend' ? m.failed : 0,
      calls: 1000 * (i + 1), retries: 0, throughput: 18 * (i + 1), utilization: 0.1 * (i + 1), waitProbability: 0.05, meanQueueWait: 0.0001,
      meanInSystem: 0.2, latency: entrypoints[0].latency,
    })),
    resources: {
      prices: { vcpuHour: 0.0416, gbHour: 0.0056 }, proxies, appVcpu: 1.2, proxyVcpu, proxyMemoryGB, proxyCostPerMonth: cost, sharedNodes: [],
      projection: { pods: 1000, proxyVcpu: proxyVcpu * 100, proxyMemoryGB: proxyMemoryGB * 100, proxyCostPerMonth: cost * 100 },
    },
    attemptFailures: [],
    timeline: {
      interval: 10,
      points: [0, 10, 20, 30, 40, 50, 60].map((t) => ({ t, completed: 500, failed: t === 30 ? m.failed : 0, meshFailed: 0, p99: 0.03 + m.slow })),
      markers: m.mode === 'none' ? [] : [{ at: 30, kind: 'rollout', subject: 'frontend' }],
    },
    warnings: [],
  } as unknown as RunResult;
}

function delta(value: number, base: number, significant: boolean): Delta {
  return { value, delta: value - base, relative: base > 0 ? (value - base) / base : NaN, significant };
}

/** The fixed three-mode comparison. */
export function fixtureCompare(): CompareResult {
  const runs = MODES.map(run);
  const invoice = runs[0].entrypoints.map((be, i) => ({
    entrypoint: be.name,
    rows: runs.map((r): ModeRow => {
      const l = r.entrypoints[i].latency, bl = be.latency;
      // The sidecar's shift is larger than the noise, the ambient's is not: both kinds of cell get rendered.
      const sig = r.mesh.profile === 'istio-sidecar';
      return {
        mesh: r.mesh.profile,
        mean: delta(l.mean, bl.mean, sig), p50: delta(l.p50, bl.p50, sig), p90: delta(l.p90, bl.p90, sig),
        p99: delta(l.p99, bl.p99, sig), p999: delta(l.p999, bl.p999, false),
        errorRate: r.entrypoints[i].errorRate, meshCausedShare: r.entrypoints[i].failed ? 4 / 12 : 0,
        decomposition: r.entrypoints[i].decomposition,
      };
    }),
  }));
  return {
    meshtax: { version: '0.1.0', format: 1 }, kind: 'compare', topology: runs[0].topology, baseline: 'none',
    meshes: runs.map((r) => r.mesh.profile), invoice, runs,
  };
}

/** One mode alone, as `meshtax run` writes it. */
export function fixtureRun(): RunResult {
  return run(MODES[1]);
}
