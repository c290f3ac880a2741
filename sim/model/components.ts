/**
 * Where a request's time goes on its critical path. Each frame of the call
 * tree carries one slot per component; a sequence adds its children's, a
 * parallel group keeps its slowest branch's. The mesh issue adds proxy,
 * mTLS and retry components here.
 */
export const COMPONENTS = ['appWork', 'appQueue', 'network'] as const;
export type Component = (typeof COMPONENTS)[number];

export const APP_WORK = 0;
export const APP_QUEUE = 1;
export const NETWORK = 2;
export const COMPONENT_COUNT = COMPONENTS.length;
