/** Defaults of the topology format that both the checks and the normalizer need to know. */
import type { Costs } from './types.js';

/** The one zone of a topology that declares none. */
export const DEFAULT_ZONE = 'default';

export const DEFAULT_CORES = 8;

/** With no `nodes:` declared, each zone has one node of this name. */
export function defaultNodeName(zone: string): string {
  return `${zone}-node`;
}

/** Roughly the on-demand list price of a general-purpose vCPU and of a GB of memory; a starting point, not a quote. */
export const DEFAULT_COSTS: Readonly<Costs> = Object.freeze({ vcpuHour: 0.0416, gbHour: 0.0056, projectPods: 1000 });

/**
 * The largest fleet the invoice is projected to (costs.projectPods, --pods).
 * Kubernetes supports 150,000 pods in a cluster, a multicluster mesh a few
 * such clusters; this leaves room for those. Beyond it the projection — every
 * proxy knowing every endpoint, so the fleet's memory grows with its square —
 * describes no mesh that runs, and at 2^53 pods its dollars were rounding
 * noise. Not tied to MAX_PODS: projecting is how a fleet too large to
 * simulate is priced.
 */
export const MAX_PROJECT_PODS = 1_000_000;

/** Simulated seconds a topology runs when it sets neither `duration` nor `requests`. */
export const DEFAULT_DURATION_S = 60;

/** Defaults of the timeline's events; times in seconds. */
export const EVENT_DEFAULTS = Object.freeze({
  /** A new pod is ready this long after it is created. */
  startup: 5,
  minReadySeconds: 0,
  /** A rolling update's limits, as a Deployment's default (25 % each). */
  maxSurge: '25%',
  maxUnavailable: '25%',
  preStop: 0,
  /** An abort returns 503 Service Unavailable … */
  status: 503,
  /** … to every request, unless told otherwise (also delays and connection failures). */
  probability: 1,
  /** A crashed replica (or, with sidecars, a pod whose sidecar crashed) leaves its endpoints this long after the crash. */
  readinessDelay: 10,
});
