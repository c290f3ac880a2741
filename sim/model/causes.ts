/**
 * Root causes of failed requests. A failure keeps its origin as it travels
 * up the call tree, so the entry point reports where it began. Later issues
 * add mesh and policy causes (proxy, mTLS, stale config, timeouts, …).
 */
export interface CauseInfo {
  /** Stable id used in results. */
  id: string;
  /** Which part of the system failed. */
  component: string;
  /** Envoy-style response flag where one fits, else '-'. */
  flag: string;
  /** Whether the mesh (true) or the application (false) caused it. */
  mesh: boolean;
  description: string;
}

export const CAUSES: readonly CauseInfo[] = [
  {
    id: 'queue-full',
    component: 'overload',
    flag: '-',
    mesh: false,
    description: 'the replica queue was full; the application rejected the request (503)',
  },
];

export const CAUSE_QUEUE_FULL = 0;
