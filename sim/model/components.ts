/**
 * Where a request's time goes on its critical path. Each frame of the call
 * tree carries one slot per component; a sequence adds its children's, a
 * parallel group keeps its slowest branch's. Together they add up to the
 * request's latency.
 */
export const COMPONENTS = ['appWork', 'appQueue', 'proxyWork', 'proxyQueue', 'mtls', 'network', 'retryBackoff'] as const;
export type Component = (typeof COMPONENTS)[number];

/** The application's own work: CPU (stretched when cores are contended) and off-CPU time. */
export const APP_WORK = 0;
/** Waiting for one of the application's workers. */
export const APP_QUEUE = 1;
/** Proxies processing the request and response (stretched when cores are contended). */
export const PROXY_WORK = 2;
/** Waiting for a proxy worker thread, including behind other requests' telemetry. */
export const PROXY_QUEUE = 3;
/** New mTLS connections: handshake CPU on both ends, its queueing, and its round trips. */
export const MTLS = 4;
export const NETWORK = 5;
/** Waiting between a failed try and the next one. */
export const RETRY_BACKOFF = 6;
export const COMPONENT_COUNT = COMPONENTS.length;

/**
 * Whose time each component is, for the counterfactual attribution of a
 * timeout the topology set (Simulation.plainTimeoutIsMesh): the mesh's
 * (proxy passes and their queueing, mTLS handshakes and the waits for
 * them), or the application's and the network's (its work and worker
 * queueing, every network leg, those a mesh adds included). A retry's
 * back-off is neither's: a policy's wait, of whichever ran it.
 */
export const SIDE_NONE = 0;
export const SIDE_MESH = 1;
export const SIDE_APP = 2;
export const COMPONENT_SIDE: readonly number[] = [SIDE_APP, SIDE_APP, SIDE_MESH, SIDE_MESH, SIDE_MESH, SIDE_APP, SIDE_NONE];

/**
 * to[k] += from[k] for every component, unrolled: it runs a few times per
 * hop, and the loop over a module binding was ~2 % of a chain's run.
 */
export function addComponents(to: Float64Array, from: Float64Array): void {
  to[0] += from[0]; to[1] += from[1]; to[2] += from[2]; to[3] += from[3];
  to[4] += from[4]; to[5] += from[5]; to[6] += from[6];
}
if (COMPONENT_COUNT !== 7) throw new Error('addComponents adds 7 components; update it with COMPONENTS');
if (COMPONENT_SIDE.length !== COMPONENT_COUNT) throw new Error('COMPONENT_SIDE needs a side for every component');
