/**
 * Resilience policies — timeouts, retries, circuit breaking, outlier
 * detection — in their three places: complete in a mesh profile (the
 * product's defaults), and partial in a topology's `mesh: {resilience: …}`
 * and in a service's own `resilience:`, each merged over the one before it
 * key by key, as a VirtualService and a DestinationRule refine the mesh's
 * defaults for one host.
 *
 * `none` turns a block off (`retries: none`) or lifts a limit (`timeout:
 * none`). A block given where the base has none is completed from the
 * products' own defaults below, so `retries: {attempts: 2}` means the same
 * under any profile.
 */
import { checkDuration, checkDurationOrNone, checkInteger, checkRange, show, type Scalar } from '../topology/checkScalars.js';
import type { Path } from '../topology/locate.js';
import * as msg from '../topology/messages.js';
import { seconds } from '../topology/normalize.js';
import { error, warning, type Problem } from '../topology/problem.js';
import type { CircuitBreaker, OutlierDetection, ResiliencePolicy, RetryCondition, RetryPolicy, TopologyTimeouts } from '../topology/types.js';
import type { ResilienceFile, ResilienceOverrideFile } from './profileSchema.js';

/**
 * Istio's retry defaults: what a retry block given over `retries: none`
 * starts from. istiod lifts Envoy's limit of 3 concurrent retries (none).
 */
export const DEFAULT_RETRIES: Readonly<RetryPolicy> = Object.freeze({
  attempts: 3,
  perTryTimeout: Infinity,
  backoffBase: 0.025,
  backoffMax: 0.25,
  // Istio 1.24's default retry_on for an HTTP service: 503 left out since 1.24; unavailable and cancelled are gRPC statuses.
  retryOn: Object.freeze(['connect-failure', 'refused-stream']) as RetryCondition[],
  differentHost: true,
  budget: null,
  maxConcurrentRetries: Infinity,
});

/** Linkerd's retry budget: 20 % of the calls, plus 10 retries a second, over 10 s. */
export const DEFAULT_BUDGET: Readonly<NonNullable<RetryPolicy['budget']>> = Object.freeze({ ratio: 0.2, minPerSecond: 10, window: 10 });

/**
 * A threshold a circuit breaker block leaves out is no limit, as in an Istio
 * DestinationRule's connectionPool (2^32−1), not Envoy's bare 1024.
 */
export const DEFAULT_CIRCUIT_BREAKER: Readonly<CircuitBreaker> = Object.freeze({ maxConnections: Infinity, maxPending: Infinity, maxRequests: Infinity });

/** Envoy's and Istio's outlier detection defaults, once it is on. */
export const DEFAULT_OUTLIER_DETECTION: Readonly<OutlierDetection> = Object.freeze({ consecutive5xx: 5, baseEjectionTime: 30, maxEjectionPercent: 10, maxEjectionTime: 300, interval: 10, minHealthPercent: 0 });

/**
 * Linkerd's failure accrual defaults (balancer.linkerd.io/failure-accrual:
 * consecutive): 7 failures, a back-off from 1 s to 60 s. It ejects any
 * share of the hosts and has no sweep, so those two keys are unused.
 */
export const LINKERD_FAILURE_ACCRUAL: Readonly<OutlierDetection> = Object.freeze({ consecutive5xx: 7, baseEjectionTime: 1, maxEjectionPercent: 100, maxEjectionTime: 60, interval: 10, minHealthPercent: 0 });

/** `none` → Infinity, anything else a duration in seconds. */
export function secondsOrNone(value: string | number): number {
  return value === 'none' ? Infinity : seconds(value);
}

function countOrNone(value: number | 'none'): number {
  return value === 'none' ? Infinity : value;
}

/**
 * A profile's complete block; the checks have passed. Every key is present,
 * so merging it over an empty policy sets them all.
 */
export function normalizeResilience(file: ResilienceFile): ResiliencePolicy {
  const none: ResiliencePolicy = {
    placement: file.placement,
    timeout: Infinity,
    retries: null,
    circuitBreaker: null,
    outlierDetection: null,
    outlierStyle: file.outlierDetectionStyle ?? 'envoy',
    pickFrom: file.pickFrom ?? 'listed',
    failFastAfter: file.failFastAfter === undefined ? 0 : seconds(file.failFastAfter),
    connectTimeout: 0,
  };
  return mergeResilience(none, file);
}

/** `o` over `base`, key by key; new objects throughout, so neither input is shared with the result. */
export function mergeResilience(base: ResiliencePolicy, o: ResilienceOverrideFile): ResiliencePolicy {
  return {
    placement: o.placement ?? base.placement,
    timeout: o.timeout === undefined ? base.timeout : secondsOrNone(o.timeout),
    retries: o.retries === undefined ? copyRetries(base.retries) : o.retries === 'none' ? null : mergeRetries(base.retries ?? DEFAULT_RETRIES, o.retries),
    circuitBreaker:
      o.circuitBreaker === undefined
        ? copy(base.circuitBreaker)
        : o.circuitBreaker === 'none'
          ? null
          : { ...(base.circuitBreaker ?? DEFAULT_CIRCUIT_BREAKER), ...definedOnly(o.circuitBreaker) },
    outlierDetection:
      o.outlierDetection === undefined
        ? copy(base.outlierDetection)
        : o.outlierDetection === 'none'
          ? null
          : mergeOutlier(base.outlierDetection ?? (base.outlierStyle === 'linkerd' ? LINKERD_FAILURE_ACCRUAL : DEFAULT_OUTLIER_DETECTION), o.outlierDetection),
    outlierStyle: base.outlierStyle,
    pickFrom: base.pickFrom,
    failFastAfter: base.failFastAfter,
    connectTimeout: o.connectTimeout === undefined ? base.connectTimeout : seconds(o.connectTimeout),
  };
}

/**
 * Which timeouts a resilience block as written sets (a duration or `none`),
 * over `base`: what the block underneath it had set. `retries: none` sets
 * no per-try timeout (there is none left to run out).
 */
export function writtenTimeouts(o: ResilienceOverrideFile, base: TopologyTimeouts | undefined): TopologyTimeouts {
  const retries = o.retries;
  return {
    timeout: o.timeout !== undefined || (base?.timeout ?? false),
    perTryTimeout: retries === 'none' ? false : retries?.perTryTimeout !== undefined || (base?.perTryTimeout ?? false),
    connectTimeout: o.connectTimeout !== undefined || (base?.connectTimeout ?? false),
  };
}

type RetriesOverride = Exclude<NonNullable<ResilienceOverrideFile['retries']>, 'none'>;

function mergeRetries(base: Readonly<RetryPolicy>, o: RetriesOverride): RetryPolicy {
  return {
    attempts: o.attempts ?? base.attempts,
    perTryTimeout: o.perTryTimeout === undefined ? base.perTryTimeout : secondsOrNone(o.perTryTimeout),
    backoffBase: o.backoff?.base === undefined ? base.backoffBase : seconds(o.backoff.base),
    backoffMax: o.backoff?.max === undefined ? base.backoffMax : seconds(o.backoff.max),
    retryOn: [...(o.retryOn ?? base.retryOn)],
    differentHost: o.differentHost ?? base.differentHost,
    budget:
      o.budget === undefined
        ? copy(base.budget)
        : o.budget === 'none'
          ? null
          : {
              ratio: o.budget.ratio ?? (base.budget ?? DEFAULT_BUDGET).ratio,
              minPerSecond: o.budget.minPerSecond ?? (base.budget ?? DEFAULT_BUDGET).minPerSecond,
              window: o.budget.window === undefined ? (base.budget ?? DEFAULT_BUDGET).window : seconds(o.budget.window),
            },
    maxConcurrentRetries: o.maxConcurrentRetries === undefined ? base.maxConcurrentRetries : countOrNone(o.maxConcurrentRetries),
  };
}

function mergeOutlier(base: Readonly<OutlierDetection>, o: Exclude<NonNullable<ResilienceOverrideFile['outlierDetection']>, 'none'>): OutlierDetection {
  return {
    consecutive5xx: o.consecutive5xx ?? base.consecutive5xx,
    baseEjectionTime: o.baseEjectionTime === undefined ? base.baseEjectionTime : seconds(o.baseEjectionTime),
    maxEjectionPercent: o.maxEjectionPercent ?? base.maxEjectionPercent,
    maxEjectionTime: o.maxEjectionTime === undefined ? base.maxEjectionTime : seconds(o.maxEjectionTime),
    interval: o.interval === undefined ? base.interval : seconds(o.interval),
    minHealthPercent: o.minHealthPercent ?? base.minHealthPercent,
  };
}

function copyRetries(r: RetryPolicy | null): RetryPolicy | null {
  return r === null ? null : { ...r, retryOn: [...r.retryOn], budget: copy(r.budget) };
}

function copy<T extends object>(value: T | null): T | null {
  return value === null ? null : { ...value };
}

function definedOnly<T extends object>(value: T): { [K in keyof T]-?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]-?: Exclude<T[K], undefined> };
}

// ---- checks ---------------------------------------------------------------------------------

/**
 * The values present in a resilience block, complete or partial: units,
 * ranges, and the back-off bounds when both are given here. Bounds split
 * between a file and the profile under it are checked once merged
 * (checkMergedResilience).
 */
export function checkResilienceValues(out: Problem[], r: ResilienceOverrideFile, path: Path): void {
  const at = (...keys: string[]): Path => [...path, ...keys];
  if (r.timeout !== undefined) checkDurationOrNone(out, r.timeout, at('timeout'), 'timeout', msg.timeoutHint('timeout'));
  if (r.connectTimeout !== undefined) checkDuration(out, r.connectTimeout, at('connectTimeout'), 'connectTimeout', 'positive', msg.connectTimeoutHint());
  const retries = r.retries;
  if (retries !== undefined && retries !== 'none') {
    const rp = (...keys: string[]) => at('retries', ...keys);
    // Each try is simulated: a billion tries of a failing call never end (Envoy's own num_retries is a uint32).
    if (retries.attempts !== undefined) {
      if (!Number.isSafeInteger(retries.attempts) || retries.attempts < 1) checkInteger(out, retries.attempts, rp('attempts'), 'attempts', 1, msg.attemptsHint());
      else checkRange(out, retries.attempts, rp('attempts'), 'attempts', { min: 1, max: 1000 }, msg.attemptsHint());
    }
    if (retries.perTryTimeout !== undefined) checkDurationOrNone(out, retries.perTryTimeout, rp('perTryTimeout'), 'perTryTimeout', msg.timeoutHint('perTryTimeout'));
    const backoff = retries.backoff;
    if (backoff !== undefined) {
      const base = backoff.base === undefined ? undefined : checkDuration(out, backoff.base, rp('backoff', 'base'), 'backoff base', 'nonnegative');
      const max = backoff.max === undefined ? undefined : checkDuration(out, backoff.max, rp('backoff', 'max'), 'backoff max', 'nonnegative');
      if (base !== undefined && max !== undefined && max < base) {
        out.push(error('out-of-range', rp('backoff', 'max'), msg.backoffOrder(show(backoff.max as Scalar), show(backoff.base as Scalar)), msg.backoffOrderHint()));
      }
    }
    // Written for a 503, it would silently retry nothing: Envoy's `unavailable` is gRPC's status 14.
    const grpc = retries.retryOn?.indexOf('unavailable') ?? -1;
    if (grpc >= 0) out.push(warning('grpc-condition', [...rp('retryOn'), grpc], msg.grpcRetryCondition(), msg.grpcRetryConditionHint()));
    if (retries.retryOn !== undefined && retries.retryOn.length === 0) {
      out.push(error('empty', rp('retryOn'), msg.emptyCollection('retryOn'), msg.emptyRetryOnHint()));
    }
    const budget = retries.budget;
    if (budget !== undefined && budget !== 'none') {
      if (budget.ratio !== undefined && checkRange(out, budget.ratio, rp('budget', 'ratio'), 'ratio', { min: 0 }, msg.budgetRatioHint()) !== undefined && budget.ratio > 1) {
        out.push(warning('unlikely-value', rp('budget', 'ratio'), msg.largeBudgetRatio(budget.ratio), msg.budgetRatioHint()));
      }
      if (budget.minPerSecond !== undefined) checkRange(out, budget.minPerSecond, rp('budget', 'minPerSecond'), 'minPerSecond', { min: 0 }, msg.minPerSecondHint());
      if (budget.window !== undefined) checkDuration(out, budget.window, rp('budget', 'window'), 'budget window', 'positive');
    }
    const limit = retries.maxConcurrentRetries;
    if (typeof limit === 'number') checkInteger(out, limit, rp('maxConcurrentRetries'), 'maxConcurrentRetries', 1, msg.maxConcurrentRetriesHint());
  }
  const cb = r.circuitBreaker;
  if (cb !== undefined && cb !== 'none') {
    if (cb.maxConnections !== undefined) checkInteger(out, cb.maxConnections, at('circuitBreaker', 'maxConnections'), 'maxConnections', 1, msg.circuitBreakerHint());
    if (cb.maxPending !== undefined) checkInteger(out, cb.maxPending, at('circuitBreaker', 'maxPending'), 'maxPending', 0, msg.circuitBreakerHint());
    if (cb.maxRequests !== undefined) checkInteger(out, cb.maxRequests, at('circuitBreaker', 'maxRequests'), 'maxRequests', 1, msg.circuitBreakerHint());
  }
  const od = r.outlierDetection;
  if (od !== undefined && od !== 'none') {
    if (od.consecutive5xx !== undefined) checkInteger(out, od.consecutive5xx, at('outlierDetection', 'consecutive5xx'), 'consecutive5xx', 1, msg.consecutive5xxHint());
    if (od.baseEjectionTime !== undefined) checkDuration(out, od.baseEjectionTime, at('outlierDetection', 'baseEjectionTime'), 'baseEjectionTime', 'positive');
    if (od.maxEjectionTime !== undefined) checkDuration(out, od.maxEjectionTime, at('outlierDetection', 'maxEjectionTime'), 'maxEjectionTime', 'positive');
    if (od.interval !== undefined) checkDuration(out, od.interval, at('outlierDetection', 'interval'), 'interval', 'positive');
    if (od.maxEjectionPercent !== undefined) {
      checkRange(out, od.maxEjectionPercent, at('outlierDetection', 'maxEjectionPercent'), 'maxEjectionPercent', { min: 0, max: 100 }, msg.maxEjectionPercentHint());
    }
    if (od.minHealthPercent !== undefined) {
      checkRange(out, od.minHealthPercent, at('outlierDetection', 'minHealthPercent'), 'minHealthPercent', { min: 0, max: 100 }, msg.minHealthPercentHint());
    }
  }
}

/**
 * What only the merged policy shows: back-off bounds in the wrong order when
 * one of them comes from the policy underneath. `o` is the block as written
 * at `path`; values it did not set are shown as merged.
 */
export function checkMergedResilience(merged: ResiliencePolicy, o: ResilienceOverrideFile, path: Path, profileName?: string): Problem[] {
  const r = merged.retries;
  if (r === null || typeof o.retries !== 'object' || r.backoffMax >= r.backoffBase) return [];
  const given = o.retries.backoff ?? {};
  if (given.base !== undefined && given.max !== undefined) return []; // reported with the values
  const maxText = given.max !== undefined ? show(given.max) : msg.inherited(msg.formatSeconds(r.backoffMax), profileName);
  const baseText = given.base !== undefined ? show(given.base) : msg.inherited(msg.formatSeconds(r.backoffBase), profileName);
  const key = given.max !== undefined ? 'max' : given.base !== undefined ? 'base' : undefined;
  const at: Path = key === undefined ? [...path, 'retries'] : [...path, 'retries', 'backoff', key];
  return [error('out-of-range', at, msg.backoffOrder(maxText, baseText), msg.backoffOrderHint())];
}
