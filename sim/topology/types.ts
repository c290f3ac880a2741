/**
 * The normalized topology: what the loader hands to the model builder once a
 * file has parsed and validated. Every duration is in seconds, every rate in
 * events per second, every size in bytes, every probability in [0, 1].
 * Maps keep the file's key order; the model sorts names itself where order
 * could leak into the simulation.
 */

export type Dist =
  | { kind: 'constant'; value: number }
  | { kind: 'exponential'; mean: number }
  /** ln(seconds) parameters; the loader converts median/p99 to these. */
  | { kind: 'lognormal'; mu: number; sigma: number }
  /** Truncated at 0 by resampling. */
  | { kind: 'normal'; mean: number; stddev: number }
  | { kind: 'uniform'; min: number; max: number }
  /** Draw one of the samples uniformly. Sorted ascending. */
  | { kind: 'empirical'; samples: number[] }
  /**
   * Inverse CDF through the points, linear in between. Points sorted by p,
   * first p = 0, last p = 1, values non-decreasing.
   */
  | { kind: 'percentiles'; points: Array<[p: number, value: number]> };

export type LoadBalancer = 'round_robin' | 'least_request' | 'random';

export type Step =
  | { kind: 'call'; service: string; probability: number; requestSize: number }
  | { kind: 'sequence'; steps: Step[]; probability: number }
  | { kind: 'parallel'; steps: Step[]; probability: number };

export interface Service {
  name: string;
  /** Nodes the replicas may be placed on, spread round robin in this order (resolved from zones when not pinned). */
  nodes: string[];
  /** Off-CPU time per request (sleeping, waiting on disk or a database) after its CPU work; holds the worker, not a core. */
  ioTime: Dist;
  /** Needs L7 policy: in ambient mode calls from pods go through a waypoint proxy (from the gateway only with ingressUseWaypoint). */
  l7: boolean;
  /** Calls from the ingress gateway go through the waypoint too (Istio's istio.io/ingress-use-waypoint); else the gateway bypasses it. */
  ingressUseWaypoint: boolean;
  /**
   * How callers call this service: timeouts, retries, circuit breaking,
   * outlier detection — the profile's defaults merged with the service's
   * own `resilience:` (like a VirtualService + DestinationRule for its host).
   */
  resilience: ResiliencePolicy;
  /**
   * Which of `resilience`'s timeouts the topology file wrote (this
   * service's own `resilience:`, or the `mesh:` block's overrides) rather
   * than took from the mesh profile's defaults: a timeout the user set
   * cutting a slow application is the application's, one the mesh imposed
   * is the mesh's (see Simulation.plainTimeoutIsMesh). Absent (a topology
   * built in code): a timeout that differs from the mesh profile's is taken
   * as the topology's.
   */
  topologyTimeouts?: TopologyTimeouts;
  replicas: number;
  /** Requests a replica works on at once. */
  workers: number;
  /** Waiting room per replica; Infinity when unbounded. */
  queue: number;
  serviceTime: Dist;
  /** true: a worker stays busy while the downstream calls run (thread per request). */
  holdWorkerDuringCalls: boolean;
  loadBalancer: LoadBalancer;
  /** Zones the replicas are spread over, round robin, in this order. */
  zones: string[];
  responseSize: number;
  /** Run after the service's own work, in order. */
  calls: Step[];
}

export type Arrivals =
  | { kind: 'poisson'; schedule: RateSegment[] }
  | { kind: 'constant'; schedule: RateSegment[] }
  | { kind: 'closed'; users: number; thinkTime: Dist };

/** A rate that holds from `at` until the next segment's `at`. First at = 0. */
export interface RateSegment {
  at: number;
  rate: number;
}

/**
 * How entry-point traffic reaches its target:
 * - `gateway`: through the mesh's ingress gateway (as `direct` when the profile has none);
 * - `direct`: straight to the target's pod (its inbound proxy, if it has one);
 * - `mesh`: the client is itself a workload in the mesh, so its calls leave
 *   through its own outbound proxy, like any service-to-service call. Load
 *   generators inside the cluster (fortio in the published benchmarks) are this.
 */
export type EntryVia = 'gateway' | 'direct' | 'mesh';

export interface EntryPoint {
  name: string;
  target: string;
  arrivals: Arrivals;
  zone: string;
  /** Node the clients run on (matters for `via: mesh` and shared CPU). */
  node: string;
  via: EntryVia;
  requestSize: number;
}

export interface Network {
  /** Between pods on one node (veth, loopback); the model uses sameZone when absent. */
  sameNode?: Dist;
  sameZone: Dist;
  crossZone: Dist;
  /** Bytes per second; Infinity means payloads cost no time. */
  bandwidth: number;
}

export interface SimulationSettings {
  seed: number;
  /** Simulated seconds to run, including warm-up; undefined when `requests` rules. */
  duration: number | undefined;
  /** Stop after this many measured requests complete at the entry points. */
  requests: number | undefined;
  warmup: number;
}

/**
 * A machine in a zone. With `cpu: shared` every piece of CPU work placed on
 * it — application work, proxy work, handshakes — competes for its cores
 * (processor sharing); with `dedicated` each pod and proxy has its own CPU.
 */
export interface Node {
  name: string;
  zone: string;
  cores: number;
  cpu: 'dedicated' | 'shared';
}

/** A proxy of the data plane as a queueing resource. CPU costs in seconds. */
export interface ProxySpec {
  /** Worker threads: requests the proxy processes at once. */
  workers: number;
  /** CPU to process a request on its way through (routing, policy, headers). */
  requestCost: Dist;
  /** CPU to process the response on its way back. */
  responseCost: Dist;
  /** CPU per 1000 bytes of payload passing through, in either direction. */
  perKB: number;
  /** CPU after the response is sent (access log, metrics, traces): keeps the worker busy, delays the next request. */
  telemetryCost: Dist;
  /** Background CPU of an idle proxy (stats flush, xDS keep-alive), in vCPU. */
  idleCpu: number;
  /** Memory: base + per open connection + per endpoint in its config, in bytes. */
  memory: { base: number; perConnection: number; perEndpoint: number };
}

/** A pod's own proxy: a proxy, plus how it stops with its pod. */
export interface SidecarSpec extends ProxySpec {
  /**
   * Seconds the sidecar keeps accepting connections after its pod is
   * deleted, whatever the app's preStop (Istio's terminationDrainDuration);
   * then it exits and the pod's connections are refused.
   */
  terminationDrain: number;
}

export interface MtlsSpec {
  enabled: boolean;
  /** CPU on each side for a full handshake (asymmetric crypto, certificate checks). */
  handshakeCpu: Dist;
  /** CPU on each side for a resumed session. */
  resumeCpu: Dist;
  /** Network round trips before the first byte on a new connection (TCP + TLS). */
  handshakeRoundTrips: number;
  resumeRoundTrips: number;
  /** Whether a reconnect to a peer seen before may resume its session. */
  resumption: boolean;
  /** Encryption CPU per 1000 bytes, on each side. */
  perKB: number;
  /** A connection idle this long is closed; the next request pays a handshake again. */
  idleTimeout: number;
  /** Requests one connection carries at once (1 for HTTP/1.1, many for HTTP/2). */
  streamsPerConnection: number;
  /** workload: a connection per pair of pod identities; node: one tunnel per pair of nodes (WireGuard), none within a node. */
  scope: 'workload' | 'node';
}

export type MeshMode = 'none' | 'sidecar' | 'ambient';

/** A mesh product's data plane, resolved from its profile file and the topology's overrides. */
export interface MeshProfile {
  name: string;
  description: string;
  /** Where the numbers come from: citations, one per line. */
  sources: string[];
  mode: MeshMode;
  /** sidecar mode: the proxy in every pod, outbound for its app's calls and inbound for calls to it. */
  sidecar: SidecarSpec | null;
  /** ambient mode: the per-node proxy (Istio's ztunnel, Cilium's node Envoy). */
  nodeProxy: ProxySpec | null;
  /** ambient mode: l4 when the node proxy carries connections only (ztunnel: request policy needs a waypoint), l7 when it applies request policy itself (Cilium's Envoy). */
  nodeProxyLayer: 'l4' | 'l7';
  /** ambient mode with an l7 node proxy: whether every call passes the node proxies (all), or only calls to services with `l7: true` (l7; the rest take the kernel's path). */
  nodeProxyTraffic: 'all' | 'l7';
  /** ambient mode: the L7 proxy for services with `l7: true`, with its replica count. */
  waypoint: (ProxySpec & { replicas: number }) | null;
  /** The ingress gateway that entry-point traffic passes through, or null. */
  gateway: (ProxySpec & { replicas: number }) | null;
  mtls: MtlsSpec;
  controlPlane: ControlPlane;
  /** The product's default resilience policy for every call (services may override it). */
  resilience: ResiliencePolicy;
  /** What the topology's `mesh:` overrides changed (`sidecar.workers`, `resilience.retries`), sorted; absent or empty: the profile as written. */
  tuned?: string[];
  /** Which of `resilience`'s timeouts the topology's `mesh:` overrides wrote; absent: none (the profile's own). */
  topologyTimeouts?: TopologyTimeouts;
}

/** Which timeouts of a resilience policy a topology file wrote, rather than left to the mesh profile's defaults. */
export interface TopologyTimeouts {
  /** The call's overall `timeout`. */
  timeout: boolean;
  /** `retries.perTryTimeout`. */
  perTryTimeout: boolean;
  /**
   * `connectTimeout`. Under `placement: client` a written one is the client
   * library's dial timeout, which a client outside the mesh keeps; otherwise
   * such a client dials with its own (RuntimeService.outsideResilience).
   */
  connectTimeout: boolean;
}

/** What a failed attempt was, for `retryOn` (Envoy's names where they exist). */
export type RetryCondition =
  | 'connect-failure'   // could not connect: refused, partitioned, handshake failed
  | 'refused-stream'    // the upstream refused the request before processing (overflow)
  | 'unavailable'       // gRPC's UNAVAILABLE (14): never an HTTP service's answer, so it matches nothing here
  | 'retriable-status'  // a status in retryOn's statuses (Istio's default: 503)
  | '5xx'               // any 5xx, including timeouts of the attempt
  | 'reset'             // the connection was reset mid-request (crash)
  | 'timeout';          // the per-try timeout fired

export interface RetryPolicy {
  /** Tries in all, including the first (Istio's default 2 retries = 3). */
  attempts: number;
  /** Deadline of each try; Infinity for none. */
  perTryTimeout: number;
  /** Back-off before retry n: uniform in [0, min(max, base × 2^(n−1))] (Envoy's full jitter). */
  backoffBase: number;
  backoffMax: number;
  retryOn: RetryCondition[];
  /** Try a host the call has not tried yet when one is left (Istio: previous_hosts). */
  differentHost: boolean;
  /** Linkerd's budget: retries may add `ratio` of the calls plus `minPerSecond`, over `window` seconds; null for none. */
  budget: { ratio: number; minPerSecond: number; window: number } | null;
  /** Envoy's retry circuit breaker: concurrent retries per upstream cluster from one router; beyond it no retry (UO). */
  maxConcurrentRetries: number;
}

export interface CircuitBreaker {
  /** Open connections from one router to the service's hosts; beyond it requests wait (pending). */
  maxConnections: number;
  /** Requests waiting for a connection; beyond it the call fails at once (UO). */
  maxPending: number;
  /** Requests in flight from one router to the service; beyond it the call fails at once (UO). */
  maxRequests: number;
}

export interface OutlierDetection {
  /** Consecutive 5xx from a host before it is ejected. */
  consecutive5xx: number;
  /** An ejection lasts this long × the host's ejection multiplier (one more each ejection, one less each healthy interval). */
  baseEjectionTime: number;
  /** At most this share of the service's hosts ejected at once. */
  maxEjectionPercent: number;
  /** The longest an ejection lasts (at least baseEjectionTime, as Envoy's max_ejection_time). */
  maxEjectionTime: number;
  /** Envoy's sweep: hosts come back, and multipliers decay, only at its ticks this far apart. */
  interval: number;
  /**
   * Envoy's healthy_panic_threshold, as Istio's minHealthPercent sets it: with
   * fewer of the router's hosts than this percentage not ejected, it sends to
   * them all, ejected or not (panic mode). Istio's default, 0, turns panic
   * mode off: with every host ejected a request fails at once (UH).
   */
  minHealthPercent: number;
}

export type OutlierStyle = 'envoy' | 'linkerd';
/** Which endpoints of its view a proxy's balancer picks among: every one listed (Envoy), or those that take connections (linkerd2-proxy). */
export type PickFrom = 'listed' | 'connectable';

export interface ResiliencePolicy {
  /** Where the policy runs: in the caller's mesh proxy, or in the caller's client library. */
  placement: 'mesh' | 'client';
  /** Deadline of the whole call including retries; Infinity for none. */
  timeout: number;
  retries: RetryPolicy | null;
  circuitBreaker: CircuitBreaker | null;
  outlierDetection: OutlierDetection | null;
  /**
   * How the proxy takes failing hosts out, a property of the proxy, not of a
   * service's policy: `envoy` (outlier detection: ejections within
   * maxEjectionPercent, for baseEjectionTime × a multiplier, ended by the
   * sweep) or `linkerd` (failure accrual: the host is shut for a back-off
   * from baseEjectionTime doubling to maxEjectionTime, then admits one
   * probe request, whose success opens it again).
   */
  outlierStyle: OutlierStyle;
  /**
   * Which endpoints of its view a proxy's balancer picks among, a property
   * of the proxy like outlierStyle: `listed` (every endpoint it was told of;
   * one whose pod is gone is found out by the try, refused) or
   * `connectable` (linkerd2-proxy: only those whose pod takes connections;
   * the others reconnect in the background and get no tries meanwhile).
   */
  pickFrom: PickFrom;
  /**
   * With no endpoint ready to pick, how long the proxy holds a try for one
   * before failing it (linkerd2-proxy's fail-fast timeout, 3 s), a property
   * of the proxy like pickFrom; 0 (Envoy): it fails at once. See
   * FailFastQueues.
   */
  failFastAfter: number;
  /** A connection attempt to an unreachable host gives up after this long (Envoy's connect_timeout). */
  connectTimeout: number;
}

/**
 * The mesh's control plane (istiod or its equivalent); with no mesh, the
 * client libraries' service discovery (DNS, Kubernetes endpoint watches).
 */
export interface ControlPlane {
  /** A push starts this long after the last config change … */
  debounce: number;
  /** … but no later than this after the first unpushed change. */
  debounceMax: number;
  /** How long a push takes to reach one proxy (or client): a draw per proxy per push. */
  pushDelay: Dist;
  /** Added to every proxy's push delay per proxy in the mesh: pushes fan out to all of them. */
  pushDelayPerProxy: number;
  /** Workload certificate lifetime. */
  certificateTtl: number;
  /** Renewal starts at this fraction of the lifetime … */
  renewAt: number;
  /** … plus up to this fraction of the lifetime at random. */
  renewJitter: number;
  /** A renewal that fails (control plane down) is retried after this long. */
  renewRetry: number;
  /** What the control plane itself uses, for the resource invoice (all zero: not charged). */
  resources: ControlPlaneResources;
}

/**
 * The control plane's own CPU and memory (istiod; Linkerd's destination,
 * identity and proxy-injector): vCPU = idleCpu + the CPU-seconds of the
 * pushes and certificates it made in the measured window over the window;
 * memory = base + perProxy × proxies connected + perEndpoint × endpoints.
 */
export interface ControlPlaneResources {
  /** vCPU while nothing changes (watches, xDS keep-alives, metrics). */
  idleCpu: number;
  /** Bytes. */
  memory: { base: number; perProxy: number; perEndpoint: number };
  /** CPU-seconds per push, and per proxy a push reaches (computing and sending its config). */
  pushCpu: { perPush: number; perProxy: number };
  /** CPU-seconds per workload certificate issued or renewed (signing a CSR). */
  perCertificate: number;
}

/** Prices for the resource invoice. */
export interface Costs {
  /** Dollars per vCPU-hour. */
  vcpuHour: number;
  /** Dollars per GB-hour of memory. */
  gbHour: number;
  /** Pod count for the "what if we had N pods" projection. */
  projectPods: number;
}

/** Where a fault or event applies. Exactly one of these is set. */
export interface Target {
  /** Every replica of a service (or its pods' sidecars, for proxy faults). */
  service?: string;
  /** One replica: service and ordinal (`reviews-1` in the file). */
  replica?: { service: string; ordinal: number };
}

/**
 * Things that happen at given simulated times. Windows run from `at` to
 * `until` (Infinity when open-ended).
 */
/** A rolling update's maxSurge or maxUnavailable: pods, or a percentage of the replicas (Kubernetes' int-or-percent). */
export interface PodBudget {
  value: number;
  percent: boolean;
}

export type TimelineEvent =
  /** Replace every replica in a rolling update: at most `maxSurge` pods above the replicas, `maxUnavailable` below. */
  | {
      kind: 'rollout'; at: number; service: string; startup: number; minReadySeconds: number; preStop: number;
      maxSurge: PodBudget; maxUnavailable: PodBudget;
    }
  | { kind: 'scale'; at: number; service: string; replicas: number; startup: number; preStop: number }
  /** A config change that touches every proxy (an AuthorizationPolicy, a VirtualService). */
  | { kind: 'policy-change'; at: number }
  /** The application returns `status` with `probability` instead of doing its work. */
  | { kind: 'abort'; at: number; until: number; target: Target; status: number; probability: number }
  /** The application takes `delay` longer with `probability`. */
  | { kind: 'delay'; at: number; until: number; target: Target; delay: Dist; probability: number }
  /** Replicas are down: requests in flight are reset, new ones refused; they restart at `until`. */
  | { kind: 'crash'; at: number; until: number; target: Target; readinessDelay: number }
  /** The pods' sidecars (or their node's proxy) crash and restart at `until`: the pod is unreachable. */
  | { kind: 'proxy-crash'; at: number; until: number; target: Target; readinessDelay: number }
  /** CPU work of the target takes `factor` times as long. */
  | { kind: 'cpu-slowdown'; at: number; until: number; target: Target; factor: number }
  /** No packets between the two zones, or between the two services. */
  | { kind: 'partition'; at: number; until: number; zones: [string, string] | null; services: [string, string] | null }
  /** New connections to the target fail with `probability`. */
  | { kind: 'connect-failure'; at: number; until: number; target: Target; probability: number }
  /** The control plane is down: no pushes, no certificate renewals. */
  | { kind: 'control-plane-outage'; at: number; until: number }
  /** The target's workload certificates expire at `at` (a failed rotation); root: the mesh's root CA expires, until `until` when it is replaced. */
  | { kind: 'certificate-expiry'; at: number; until: number; target: Target | null; root: boolean };

/** A setting the loader found to do nothing in this run: a `no-effect` warning, carried into the results. */
export interface NoEffectSetting {
  /** Where it is written, as a diagnostic prints it (`services.api.resilience.retries`); a mesh profile file's own keys are prefixed with the profile. */
  path: string;
  message: string;
}

export interface Topology {
  name: string;
  description: string;
  zones: string[];
  nodes: Node[];
  mesh: MeshProfile;
  costs: Costs;
  /** Sorted by `at`, ties in file order. */
  timeline: TimelineEvent[];
  network: Network;
  services: Service[];
  entrypoints: EntryPoint[];
  simulation: SimulationSettings;
  /**
   * The settings that do nothing under this profile (validate's `no-effect` warnings), in the order they were
   * reported: the topology file's by position, then the profile file's. A run lists them among its warnings.
   * Absent when there are none, and in a topology built in code.
   */
  noEffect?: NoEffectSetting[];
}
