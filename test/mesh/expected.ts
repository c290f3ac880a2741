/** Normalized profiles as the tests expect them, written out by hand from the YAML files. */
import type { ControlPlane, Dist, MeshProfile, ProxySpec, ResiliencePolicy } from '../../sim/topology/types.js';

const Z99 = 2.3263478740408408;
export const lognormal = (median: number, p99: number): Dist => ({ kind: 'lognormal', mu: Math.log(median), sigma: Math.log(p99 / median) / Z99 });
export const constant = (value: number): Dist => ({ kind: 'constant', value });

const exponential = (mean: number): Dist => ({ kind: 'exponential', mean });

/** Envoy as topologies/meshes/istio-sidecar.yaml describes it, as a sidecar … */
export const envoy: ProxySpec = {
  workers: 2,
  requestCost: lognormal(0.00003, 0.00012),
  responseCost: constant(0.000018),
  perKB: 0.000002,
  telemetryCost: exponential(0.00014),
  idleCpu: 0.003,
  memory: { base: 56e6, perConnection: 40e3, perEndpoint: 12e3 },
};

/** … and as the ingress gateway. */
const gateway: ProxySpec = {
  ...envoy,
  requestCost: lognormal(0.000045, 0.00018),
  responseCost: constant(0.000025),
  telemetryCost: exponential(0.00011),
};

/** istiod, as the Istio profiles describe it. */
export const ISTIOD: ControlPlane = {
  debounce: 0.1,
  debounceMax: 10,
  pushDelay: lognormal(0.3, 3),
  pushDelayPerProxy: 0.002,
  certificateTtl: 86400,
  renewAt: 0.49,
  renewJitter: 0.02,
  renewRetry: 10,
  resources: {
    idleCpu: 0.008,
    memory: { base: 500e6, perProxy: 450e3, perEndpoint: 50e3 },
    pushCpu: { perPush: 0.001, perProxy: 0.0005 },
    perCertificate: 0.0015,
  },
};

/** Istio's default policy for every call, in the caller's sidecar. */
export const ISTIO_RESILIENCE: ResiliencePolicy = {
  placement: 'mesh',
  timeout: Infinity,
  retries: {
    attempts: 3,
    perTryTimeout: Infinity,
    backoffBase: 0.025,
    backoffMax: 0.25,
    retryOn: ['connect-failure', 'refused-stream'],
    differentHost: true,
    budget: null,
    maxConcurrentRetries: Infinity,
  },
  circuitBreaker: null,
  outlierDetection: null,
  outlierStyle: 'envoy',
  pickFrom: 'listed',
  failFastAfter: 0,
  connectTimeout: 10,
};

export const ISTIO_SIDECAR: MeshProfile = {
  name: 'istio-sidecar',
  description: 'Istio 1.24 with Envoy sidecars, STRICT mTLS',
  sources: [
    'Istio 1.24 docs, Performance and scalability: 0.20 vCPU and 60 MB per sidecar at 1000 RPS, 1 KB payloads, 2 worker threads',
    'Istio 1.20 docs, Performance and scalability: a client and server sidecar add 0.228 ms at p90 and 0.298 ms at p99 at 1000 RPS',
    'Bremler-Barr, Lavi, Naor, Rampal, Tavori, Performance Comparison of Service Mesh Frameworks: the MTLS Test Case (arXiv 2411.02267): enforcing mTLS adds 166 % latency with Istio sidecars; +0.81 cores and +255/+169 MB (client/server) at 3200 RPS',
    'Istio 1.24 pilot-discovery and pilot-agent environment: PILOT_DEBOUNCE_AFTER 100ms, PILOT_DEBOUNCE_MAX 10s, SECRET_TTL 24h, SECRET_GRACE_PERIOD_RATIO 0.5, SECRET_GRACE_PERIOD_RATIO_JITTER 0.01',
    'Istio docs, Traffic Management: the default retry policy is 2 retries on connect-failure, refused-stream, unavailable and cancelled, each on a different host; no default route timeout',
    'Istio 1.24 release notes: the default retry policy no longer retries 503 (issue 50506; EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY=false restores it)',
    'Istio ProxyConfig reference: terminationDrainDuration, the time pilot-agent drains the sidecar after SIGTERM before Envoy exits, default 5s (annotation proxy.istio.io/config); during it Envoy still accepts new inbound connections (istio/istio#26528, istio/api#2047)',
    "istio/istio pilot, getDefaultCircuitBreakerThresholds: max retries, requests, connections and pending requests set to 2^32-1 (Envoy's defaults of 3 concurrent retries caused 503s during rollouts)",
    'Istio 1.20 docs, Performance and scalability: with namespace isolation one istiod supports 1000 services and 2000 sidecars with 1 vCPU and 1.5 GB of memory; its CPU scales with the rate of deployment changes, the rate of configuration changes and the number of proxies connected',
    "Linkerd vs Istio benchmark, 2021 (Istio 1.12.0 minimal, Kinvolk harness, 60 emojivoto instances): Istio's control plane averaged 597 MB, Linkerd's 365 MB; control plane CPU time 5 s vs 212 ms",
    'istio/istio XDS benchmarks (#27676, #25116, 2020): endpoint (EDS) generation with tlsMode 0.41 ms per proxy for 10 services × 10 endpoints, 0.67 ms for 100 × 1; push context initialisation 0.3 µs (no config) to 6.5 ms (1000 gateways)',
  ],
  mode: 'sidecar',
  // istio-proxy drains 5 s after SIGTERM (terminationDrainDuration), whatever the app's preStop.
  sidecar: { ...envoy, terminationDrain: 5 },
  nodeProxy: null,
  nodeProxyLayer: 'l4',
  nodeProxyTraffic: 'all',
  waypoint: null,
  gateway: { replicas: 2, ...gateway },
  mtls: {
    enabled: true,
    handshakeCpu: constant(0.001),
    resumeCpu: constant(0.00015),
    handshakeRoundTrips: 2,
    resumeRoundTrips: 2,
    resumption: true,
    perKB: 5e-7,
    idleTimeout: 3600,
    scope: 'workload',
    streamsPerConnection: 1,
  },
  controlPlane: ISTIOD,
  resilience: ISTIO_RESILIENCE,
};
