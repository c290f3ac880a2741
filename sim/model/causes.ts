import type { RetryCondition } from '../topology/types.js';

/**
 * Root causes of failed attempts and requests. A failure keeps its origin
 * as it travels up the call tree and through retries, so the entry point
 * reports where it began; the response flag says how it ended (UT, URX, …).
 */
export interface CauseInfo {
  /** Stable id used in results. */
  id: string;
  /** Which part of the system failed. */
  component: string;
  /** Envoy-style response flag of the failure where it began. */
  flag: Flag;
  /**
   * Whether the mesh caused it: true/false, or 'placement' for policy
   * failures, which are the mesh's when the policy ran in the mesh proxy.
   */
  mesh: boolean | 'placement' | 'mode';
  /** HTTP status the caller sees. */
  status: number;
  /** Which retryOn conditions cover it. */
  retryOn: readonly RetryCondition[];
  description: string;
}

export const FLAGS = ['-', 'UF', 'UH', 'NR', 'UO', 'UT', 'URX', 'UC', 'DC', 'FI', 'DI'] as const;
export type Flag = (typeof FLAGS)[number];
export const flagIndex = (f: Flag): number => FLAGS.indexOf(f);

// Envoy's `reset` retries every reset but an overflow, a connection failure or timeout included
// (RetryStateImpl::wouldRetryFromReset), as `5xx` does.
const CONNECT: readonly RetryCondition[] = ['connect-failure', 'reset', '5xx'];

export const CAUSES: readonly CauseInfo[] = [
  { id: 'queue-full', component: 'overload: queue full', flag: '-', mesh: false, status: 503,
    // Refused before any processing, for overflow: what an HTTP/2 server's REFUSED_STREAM says.
    retryOn: ['refused-stream', 'retriable-status', 'reset', '5xx'], description: 'the replica queue was full; the application rejected the request (503)' },
  { id: 'injected-abort', component: 'injected fault', flag: 'FI', mesh: false, status: 503,
    retryOn: ['retriable-status', '5xx'], description: 'an injected fault made the application answer with an error status' },
  { id: 'replica-crash', component: 'application (crash)', flag: 'UC', mesh: false, status: 503,
    retryOn: ['reset', '5xx'], description: 'the replica crashed with the request in flight; the connection was reset' },
  { id: 'replica-down', component: 'application (crash)', flag: 'UF', mesh: false, status: 503,
    retryOn: CONNECT, description: 'the replica was down (crashed, not yet marked unready): connection refused' },
  { id: 'stale-endpoint', component: 'control plane (stale config)', flag: 'UF', mesh: 'mode', status: 503,
    retryOn: CONNECT, description: 'the router still had an endpoint whose pod was gone: connection refused' },
  { id: 'no-healthy-upstream', component: 'control plane (stale config)', flag: 'UH', mesh: 'mode', status: 503,
    retryOn: ['5xx'], description: 'the router knew no ready endpoint of the service, though the service had some' },
  { id: 'no-endpoints', component: 'application (no ready replicas)', flag: 'UH', mesh: false, status: 503,
    retryOn: ['5xx'], description: 'the service had no ready replica' },
  { id: 'inbound-proxy-down', component: 'inbound proxy', flag: 'UF', mesh: true, status: 503,
    retryOn: CONNECT, description: "the callee's proxy was down: connection refused" },
  { id: 'outbound-proxy-down', component: 'outbound proxy', flag: 'UF', mesh: true, status: 503,
    retryOn: [], description: "the caller's own proxy was down: the app could not send" },
  { id: 'certificate', component: 'mTLS (certificate)', flag: 'UF', mesh: true, status: 503,
    retryOn: CONNECT, description: 'the mTLS handshake failed: a certificate had expired' },
  { id: 'partition', component: 'network (partition)', flag: 'UF', mesh: false, status: 503,
    retryOn: CONNECT, description: 'no route between the two ends: the connection attempt timed out' },
  { id: 'connect-failure', component: 'network (connect failure)', flag: 'UF', mesh: false, status: 503,
    retryOn: CONNECT, description: 'an injected connection failure' },
  { id: 'timeout', component: 'policy: timeout', flag: 'UT', mesh: 'placement', status: 504,
    // A per-try timeout resets the upstream stream: Envoy retries it under reset as under 5xx.
    retryOn: ['timeout', 'reset', '5xx'], description: 'the call or the try ran past its timeout' },
  { id: 'circuit-open', component: 'policy: circuit breaker', flag: 'UO', mesh: 'placement', status: 503,
    retryOn: [], description: 'too many requests in flight to the service: the circuit breaker failed it at once' },
  { id: 'proxy-reset', component: 'inbound proxy', flag: 'UC', mesh: true, status: 503,
    retryOn: ['reset', '5xx'], description: "the callee's proxy crashed with the request in flight; the connection was reset" },
  // Envoy routes to every host when all are ejected (panic mode); Linkerd's balancer has none ready, and fails the request.
  { id: 'all-endpoints-shut', component: 'policy: failure accrual', flag: 'UH', mesh: 'placement', status: 503,
    retryOn: ['5xx'], description: "the caller's failure accrual had shut every endpoint of the service: no endpoint to send to" },
  // Istio sets Envoy's panic threshold to its minHealthPercent, 0 by default: with every host ejected there is none to send to.
  { id: 'all-endpoints-ejected', component: 'policy: outlier detection', flag: 'UH', mesh: 'placement', status: 503,
    retryOn: ['5xx'], description: "the caller's outlier detection had ejected every endpoint of the service, and panic mode was off: no healthy upstream" },
  // TCP gave up resending on an open connection (tcp_retries2, 924.6 s) and reset it: the router sees a reset, not a connect failure.
  { id: 'partition-reset', component: 'network (partition)', flag: 'UC', mesh: false, status: 503,
    retryOn: ['reset', '5xx'], description: 'no route between the two ends for 15 minutes: TCP gave up resending and reset the open connection' },
  // The caller's own proxy (its sidecar, or its node's proxy) died holding the request: every stream it held is
  // reset, the app's to it included, whichever hop the request had reached. A reset to the app (UC), which a client
  // library may retry under `reset`; never the dead proxy's retry.
  { id: 'outbound-proxy-reset', component: 'outbound proxy', flag: 'UC', mesh: true, status: 503,
    retryOn: ['reset', '5xx'], description: "the caller's own proxy crashed with the request in flight; the connection was reset" },
];

const byId = new Map(CAUSES.map((c, i) => [c.id, i]));
function id(name: string): number {
  const i = byId.get(name);
  if (i === undefined) throw new Error(`unknown cause ${name}`);
  return i;
}

export const CAUSE_QUEUE_FULL = id('queue-full');
export const CAUSE_INJECTED_ABORT = id('injected-abort');
export const CAUSE_REPLICA_CRASH = id('replica-crash');
export const CAUSE_REPLICA_DOWN = id('replica-down');
export const CAUSE_STALE_ENDPOINT = id('stale-endpoint');
export const CAUSE_NO_HEALTHY_UPSTREAM = id('no-healthy-upstream');
export const CAUSE_NO_ENDPOINTS = id('no-endpoints');
export const CAUSE_ALL_ENDPOINTS_SHUT = id('all-endpoints-shut');
export const CAUSE_ALL_ENDPOINTS_EJECTED = id('all-endpoints-ejected');
export const CAUSE_INBOUND_PROXY_DOWN = id('inbound-proxy-down');
export const CAUSE_OUTBOUND_PROXY_DOWN = id('outbound-proxy-down');
export const CAUSE_CERTIFICATE = id('certificate');
export const CAUSE_PARTITION = id('partition');
export const CAUSE_PARTITION_RESET = id('partition-reset');
export const CAUSE_CONNECT_FAILURE = id('connect-failure');
export const CAUSE_TIMEOUT = id('timeout');
export const CAUSE_CIRCUIT_OPEN = id('circuit-open');
export const CAUSE_PROXY_RESET = id('proxy-reset');
export const CAUSE_OUTBOUND_PROXY_RESET = id('outbound-proxy-reset');

/** Whether a failed attempt with this cause (and status) is retried under `retryOn`. */
export function retryable(cause: number, status: number, retryOn: readonly RetryCondition[], retriableStatus = 503, passedUp = false, flag: Flag = CAUSES[cause].flag): boolean {
  // Envoy never retries its own local replies: an overflow (a circuit breaker's UO), or no healthy
  // upstream to send to (UH) — no upstream request was made, so no retry policy applies. Known by the
  // try's flag, not its cause: Linkerd's fail-fast answers UH for a cause that elsewhere is a refused
  // connection (every listed pod's sidecar down), and no request went upstream for it either.
  const c = CAUSES[cause];
  if (!passedUp && (cause === CAUSE_CIRCUIT_OPEN || flag === 'UH')) return false;
  for (const r of retryOn) {
    // Envoy matches retriable status codes on response headers only: a connection failure or a reset is no 503 answered.
    if (r === 'retriable-status' && status === retriableStatus && (passedUp || c.retryOn.includes('retriable-status'))) return true;
    if (passedUp) {
      // The callee answered with an error it got from further down: the
      // caller sees a response and its status, not the connection failure,
      // reset or timeout that began deeper.
      if (r === '5xx' && status >= 500) return true;
      continue;
    }
    // `unavailable` is gRPC's UNAVAILABLE (grpc-status 14), as in Envoy's retry_on: an HTTP 503 never meets it, and
    // meshtax's services answer HTTP. It is accepted (Istio's retry_on lists it) and matches nothing.
    if (r === '5xx' && status >= 500 && c.retryOn.includes('5xx')) return true;
    if (r === '5xx' && status >= 500 && cause === CAUSE_INJECTED_ABORT) return true;
    if (r !== '5xx' && r !== 'retriable-status' && r !== 'unavailable' && c.retryOn.includes(r)) return true;
  }
  return false;
}
