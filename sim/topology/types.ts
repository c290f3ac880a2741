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
  /** Needs L7 policy: in ambient mode its inbound traffic goes through a waypoint proxy. */
  l7: boolean;
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
  sidecar: ProxySpec | null;
  /** ambient mode: the per-node proxy (Istio's ztunnel, Cilium's node Envoy). */
  nodeProxy: ProxySpec | null;
  /** ambient mode: the L7 proxy for services with `l7: true`, with its replica count. */
  waypoint: (ProxySpec & { replicas: number }) | null;
  /** The ingress gateway that entry-point traffic passes through, or null. */
  gateway: (ProxySpec & { replicas: number }) | null;
  mtls: MtlsSpec;
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

export interface Topology {
  name: string;
  description: string;
  zones: string[];
  nodes: Node[];
  mesh: MeshProfile;
  costs: Costs;
  network: Network;
  services: Service[];
  entrypoints: EntryPoint[];
  simulation: SimulationSettings;
}
