/**
 * Retries that multiply across layers: each hop of a call path retries by
 * its callee's merged policy, and a hop that retries what its callee passes
 * up repeats everything below it. meshtax models that faithfully (see
 * topologies/scenarios/retry-amplification.yaml), so it is a warning, not a
 * refusal: a valid file whose worst case is thousands of tries a request
 * runs for hours on a failing leaf with nothing said up front.
 */
import { mergeResilience } from '../mesh/resilience.js';
import type { Path } from './locate.js';
import * as msg from './messages.js';
import { warning, type Problem } from './problem.js';
import type { StepFile, TopologyFile } from './schema.js';
import type { MeshProfile, RetryCondition, RetryPolicy } from './types.js';

/**
 * Tries one request may make at one hop, past which `validate`, `run`,
 * `compare` and `sweep` warn. Real policies stay far below it: three layers
 * of Istio's 3 attempts make 27, and Cilium's defaults (4 attempts on 5xx
 * at every hop) make 1,024 from a meshed client five services down — the
 * most of any bundled topology under any bundled profile, a product's
 * default, so no warning (it comes at seven: 16,384). Past it a failing
 * leaf costs over 10,000 simulated tries for every request: ~2 million for
 * 200 requests, seconds; 60 million for a minute at 100 requests/s; and
 * back-off and the queues the failures build slow each try further.
 */
export const MAX_TRIES_PER_REQUEST = 10_000;

/**
 * Conditions under which a retried try may have reached the callee's
 * application, so that its own calls (and their retries) run again: a
 * failure passed up (5xx, a retriable status) or one that cuts a try the
 * callee is working on (a reset, a per-try timeout). A connect failure or a
 * refused stream ends before the callee does anything: it repeats one hop.
 */
const REPEATS_BELOW: readonly RetryCondition[] = ['5xx', 'retriable-status', 'reset', 'timeout'];

/** Who sends the hop: where its policy runs (sim/model/simulation.ts, startCall). */
type Caller = 'pod' | 'gateway' | 'outside';

/** One hop's retries as the model applies them (1 and 1 where none run). */
interface Hop {
  /** Tries in all at this hop. */
  attempts: number;
  /** How many times the callee's own calls may run per call to it: attempts, or 1. */
  repeats: number;
}

/** The worst path below a service: tries at its deepest hop, and the services called on the way. */
interface Worst {
  tries: number;
  chain: string[];
  hops: Hop[];
}

/**
 * The most tries one request can make at any one hop: over every call path,
 * the product of the attempts of the layers above that hop that repeat what
 * is below them, times the hop's own attempts (each service's policy merged
 * over the profile's, placed as the model places it: the caller's proxy or
 * client library, the gateway, the waypoint, or none where only an L4 node
 * proxy carries the call or the client is outside the mesh). Every optional
 * call is taken. Left out, as they can only lower it: maxConcurrentRetries
 * and circuit breakers (they depend on what else is in flight), timeouts
 * that end a call before its tries run out, and outlier detection. A layer
 * with a retry budget counts as one try: the budget bounds its retries by
 * the rate of calls (20 % more, plus a floor), not per request. Paths are
 * followed in file order; the graph is acyclic (checkTopology passed).
 */
export function checkRetryAmplification(file: TopologyFile, profile: MeshProfile, max = MAX_TRIES_PER_REQUEST): Problem[] {
  const memo = new Map<string, Worst>();
  let worst: { entry: string; path: Worst } | undefined;
  for (const [entry, e] of Object.entries(file.entrypoints)) {
    const caller: Caller = e.via === 'mesh' ? 'pod' : (e.via ?? 'gateway') === 'gateway' && profile.gateway !== null && profile.mode !== 'none' ? 'gateway' : 'outside';
    const first = hopRetries(file, e.target, caller, profile);
    const below = worstBelow(file, e.target, profile, memo);
    const path = deeper(e.target, first, below);
    if (path.tries > max && (worst === undefined || path.tries > worst.path.tries)) worst = { entry, path };
  }
  if (worst === undefined) return [];
  const { entry, path } = worst;
  const { chain, hops, tries } = path;
  // Each layer's factor: the tries it repeats what is below it, and the last hop's own attempts.
  const factors = hops.flatMap((h, i) => {
    const n = i === hops.length - 1 ? h.attempts : h.repeats;
    return n > 1 ? [{ tries: n, from: i === 0 ? null : chain[i - 1], to: chain[i] }] : [];
  });
  const at = retriesAt(file, chain, hops, profile, entry);
  return [warning('retry-amplification', at, msg.retryAmplification(entry, tries, chain[chain.length - 1], factors, profile.name, max), msg.retryAmplificationHint(), 'key')];
}

/** A call to `callee` by `hop`, then the worst path below it: or the hop alone, when its own attempts are more. */
function deeper(callee: string, hop: Hop, below: Worst): Worst {
  const repeated = hop.repeats * below.tries;
  if (hop.attempts >= repeated) return { tries: hop.attempts, chain: [callee], hops: [hop] };
  return { tries: repeated, chain: [callee, ...below.chain], hops: [hop, ...below.hops] };
}

/** Below `service`: the path whose deepest hop gets the most tries for one call to it. */
function worstBelow(file: TopologyFile, service: string, profile: MeshProfile, memo: Map<string, Worst>): Worst {
  const known = memo.get(service);
  if (known) return known;
  let best: Worst = { tries: 0, chain: [], hops: [] };
  for (const callee of callees(file.services[service]?.calls ?? [])) {
    const path = deeper(callee, hopRetries(file, callee, 'pod', profile), worstBelow(file, callee, profile, memo));
    if (path.tries > best.tries) best = path;
  }
  memo.set(service, best);
  return best;
}

function callees(steps: readonly StepFile[]): string[] {
  return steps.flatMap((step) =>
    typeof step === 'string' ? [step] : 'call' in step ? [step.call] : callees('parallel' in step ? step.parallel : step.sequence));
}

/**
 * The retries of a call to `service` from `caller`, as the model picks its
 * policy: the client library runs a `placement: client` policy everywhere
 * (and every policy under mode none); a mesh policy runs in the caller's
 * proxy, the gateway or the waypoint, and not at all for a client outside
 * the mesh or a call only an L4 node proxy (or the kernel) carries.
 */
function hopRetries(file: TopologyFile, service: string, caller: Caller, profile: MeshProfile): Hop {
  const own = file.services[service]?.resilience;
  const merged = own === undefined ? profile.resilience : mergeResilience(profile.resilience, own);
  const runs = profile.mode === 'none' || merged.placement === 'client' || (caller !== 'outside' && meshPolicyRuns(file, service, caller, profile));
  return asHop(runs ? merged.retries : null);
}

function meshPolicyRuns(file: TopologyFile, service: string, caller: 'pod' | 'gateway', profile: MeshProfile): boolean {
  if (profile.mode !== 'ambient' || caller === 'gateway') return true;
  const l7 = file.services[service]?.l7 === true;
  if (profile.nodeProxyLayer === 'l7') return profile.nodeProxyTraffic !== 'l7' || l7;
  return l7 && profile.waypoint !== null;
}

function asHop(r: RetryPolicy | null): Hop {
  if (r === null || r.budget !== null || r.attempts < 2) return { attempts: 1, repeats: 1 };
  return { attempts: r.attempts, repeats: r.retryOn.some((c) => REPEATS_BELOW.includes(c)) ? r.attempts : 1 };
}

/**
 * Where to point: the innermost retries on the worst path that the file
 * writes on a service (the first to set to none), else its `mesh:`
 * override of the retries, else the entry point (the profile's own retries).
 */
function retriesAt(file: TopologyFile, chain: readonly string[], hops: readonly Hop[], profile: MeshProfile, entry: string): Path {
  for (let i = chain.length - 1; i >= 0; i--) {
    const written = file.services[chain[i]]?.resilience?.retries;
    if (hops[i].attempts > 1 && written !== undefined && written !== 'none') return ['services', chain[i], 'resilience', 'retries'];
  }
  if (profile.tuned?.includes('resilience.retries')) return ['mesh', 'resilience', 'retries'];
  return ['entrypoints', entry];
}
