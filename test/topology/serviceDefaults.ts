import type { Service } from '../../sim/topology/types.js';

/**
 * A normalized service as the loader makes it from a file that gives only
 * what differs: the defaults every expected topology in these tests shares.
 * The caller gives the service's name, nodes, resilience and anything else
 * its file sets.
 */
export function expectedService(
  name: string,
  given: Pick<Service, 'nodes' | 'resilience'> & Partial<Service>,
): Service {
  return {
    name,
    ioTime: { kind: 'constant', value: 0 },
    l7: false,
    ingressUseWaypoint: false,
    replicas: 1,
    workers: 1,
    queue: Infinity,
    serviceTime: { kind: 'constant', value: 0 },
    holdWorkerDuringCalls: false,
    loadBalancer: 'round_robin',
    zones: ['zone-a', 'zone-b'],
    responseSize: 0,
    calls: [],
    // Neither timeout written in the topology: the profile's, whatever they are.
    topologyTimeouts: { timeout: false, perTryTimeout: false, connectTimeout: false },
    ...given,
  };
}
