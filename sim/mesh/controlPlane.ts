/**
 * The control plane block of a profile — push debouncing and delay,
 * certificate lifetime and renewal — and a topology's changes to it.
 */
import { checkDistribution, checkDuration, checkMemory, checkNonNegative, checkRange, show, type Scalar } from '../topology/checkScalars.js';
import type { Path } from '../topology/locate.js';
import * as msg from '../topology/messages.js';
import { bytes, normalizeDist, seconds } from '../topology/normalize.js';
import { error, type Problem } from '../topology/problem.js';
import type { ControlPlane, ControlPlaneResources } from '../topology/types.js';
import type { ControlPlaneFile, ControlPlaneOverrideFile, ControlPlaneResourcesOverrideFile } from './profileSchema.js';

export function normalizeControlPlane(c: ControlPlaneFile): ControlPlane {
  return {
    debounce: seconds(c.debounce),
    debounceMax: seconds(c.debounceMax),
    pushDelay: normalizeDist(c.pushDelay),
    pushDelayPerProxy: seconds(c.pushDelayPerProxy),
    certificateTtl: seconds(c.certificateTtl),
    renewAt: c.renewAt,
    renewJitter: c.renewJitter,
    renewRetry: seconds(c.renewRetry),
    resources: mergeResources(NO_RESOURCES, c.resources),
  };
}

/** A control plane that costs nothing: a profile without `resources` (none's, and the clients' own discovery). */
export const NO_RESOURCES: ControlPlaneResources = Object.freeze({
  idleCpu: 0,
  memory: Object.freeze({ base: 0, perProxy: 0, perEndpoint: 0 }),
  pushCpu: Object.freeze({ perPush: 0, perProxy: 0 }),
  perCertificate: 0,
}) as ControlPlaneResources;

/** `o` over `base` key by key (memory and pushCpu too); a complete block from a profile file is `o` over zeros. */
function mergeResources(base: ControlPlaneResources, o: ControlPlaneResourcesOverrideFile | undefined): ControlPlaneResources {
  const time = (value: Scalar | undefined, fallback: number) => (value === undefined ? fallback : seconds(value));
  const size = (value: Scalar | undefined, fallback: number) => (value === undefined ? fallback : bytes(value));
  return {
    idleCpu: o?.idleCpu ?? base.idleCpu,
    memory: {
      base: size(o?.memory?.base, base.memory.base),
      perProxy: size(o?.memory?.perProxy, base.memory.perProxy),
      perEndpoint: size(o?.memory?.perEndpoint, base.memory.perEndpoint),
    },
    pushCpu: {
      perPush: time(o?.pushCpu?.perPush, base.pushCpu.perPush),
      perProxy: time(o?.pushCpu?.perProxy, base.pushCpu.perProxy),
    },
    perCertificate: time(o?.perCertificate, base.perCertificate),
  };
}

export function mergeControlPlane(base: ControlPlane, o: ControlPlaneOverrideFile): ControlPlane {
  const time = (value: Scalar | undefined, fallback: number) => (value === undefined ? fallback : seconds(value));
  return {
    debounce: time(o.debounce, base.debounce),
    debounceMax: time(o.debounceMax, base.debounceMax),
    pushDelay: o.pushDelay === undefined ? base.pushDelay : normalizeDist(o.pushDelay),
    pushDelayPerProxy: time(o.pushDelayPerProxy, base.pushDelayPerProxy),
    certificateTtl: time(o.certificateTtl, base.certificateTtl),
    renewAt: o.renewAt ?? base.renewAt,
    renewJitter: o.renewJitter ?? base.renewJitter,
    renewRetry: time(o.renewRetry, base.renewRetry),
    resources: o.resources === undefined ? base.resources : mergeResources(base.resources, o.resources),
  };
}

/** Shortest certificate lifetime and renewal retry: Istio's own minimum workload certificate TTL is far longer (its default is 24h). */
export const MIN_CERTIFICATE_TTL = 1;
export const MIN_RENEW_RETRY = 0.001;

/** The values present, complete in a profile or partial in an override; the renewal window when both ends are given here. */
export function checkControlPlaneValues(out: Problem[], c: ControlPlaneOverrideFile, path: Path): void {
  const at = (key: string): Path => [...path, key];
  const debounce = c.debounce === undefined ? undefined : checkDuration(out, c.debounce, at('debounce'), 'debounce', 'nonnegative');
  const debounceMax = c.debounceMax === undefined ? undefined : checkDuration(out, c.debounceMax, at('debounceMax'), 'debounceMax', 'nonnegative');
  if (debounce !== undefined && debounceMax !== undefined && debounceMax < debounce) {
    out.push(error('out-of-range', at('debounceMax'), msg.debounceOrder(msg.formatSeconds(debounceMax), msg.formatSeconds(debounce)), msg.debounceOrderHint()));
  }
  if (c.pushDelay !== undefined) checkDistribution(out, c.pushDelay, at('pushDelay'), 'pushDelay');
  if (c.pushDelayPerProxy !== undefined) checkDuration(out, c.pushDelayPerProxy, at('pushDelayPerProxy'), 'pushDelayPerProxy', 'nonnegative');
  // Each renewal is an event for every certificate holder: a nanosecond lifetime (or retry) would never let the clock move on.
  const atLeast = (key: 'certificateTtl' | 'renewRetry', min: number, hint: string): void => {
    const v = c[key];
    if (v === undefined) return;
    const seconds = checkDuration(out, v, at(key), key, 'positive', hint);
    if (seconds !== undefined && seconds < min) out.push(error('out-of-range', at(key), msg.durationBelow(key, show(v), msg.formatSeconds(min)), hint));
  };
  atLeast('certificateTtl', MIN_CERTIFICATE_TTL, msg.certificateTtlHint());
  atLeast('renewRetry', MIN_RENEW_RETRY, msg.renewRetryHint());
  const renewAt = c.renewAt === undefined ? undefined : checkRange(out, c.renewAt, at('renewAt'), 'renewAt', { min: 0, minExclusive: true, max: 1 }, msg.renewHint());
  const jitter =
    c.renewJitter === undefined ? undefined : checkRange(out, c.renewJitter, at('renewJitter'), 'renewJitter', { min: 0, max: 1, maxExclusive: true }, msg.renewHint());
  if (renewAt !== undefined && jitter !== undefined) out.push(...renewalWindow(renewAt, jitter, at('renewJitter')));
  if (c.resources !== undefined) checkResourceValues(out, c.resources, at('resources'));
}

/** The control plane's resources, complete in a profile or partial in an override: vCPU, sizes and CPU-seconds, none negative. */
function checkResourceValues(out: Problem[], r: ControlPlaneResourcesOverrideFile, path: Path): void {
  const at = (...keys: string[]): Path => [...path, ...keys];
  // At most a large machine's cores, as a proxy's idleCpu: beyond, the tax reads ∞ vCPU and $∞ a month.
  if (r.idleCpu !== undefined && checkNonNegative(out, r.idleCpu, at('idleCpu'), 'idleCpu', msg.controlPlaneIdleCpuHint()) !== undefined) {
    checkRange(out, r.idleCpu, at('idleCpu'), 'idleCpu', { max: 1024 }, msg.controlPlaneIdleCpuHint());
  }
  for (const key of ['base', 'perProxy', 'perEndpoint'] as const) {
    const value = r.memory?.[key];
    if (value !== undefined) checkMemory(out, value, at('memory', key), key);
  }
  for (const key of ['perPush', 'perProxy'] as const) {
    const value = r.pushCpu?.[key];
    if (value !== undefined) checkDuration(out, value, at('pushCpu', key), key, 'nonnegative', msg.controlPlaneCpuHint());
  }
  if (r.perCertificate !== undefined) checkDuration(out, r.perCertificate, at('perCertificate'), 'perCertificate', 'nonnegative', msg.controlPlaneCpuHint());
}

/**
 * Renewal must be able to start before the certificate expires: renewAt +
 * renewJitter ≤ 1. For an override, on the merged values, at the key it set
 * (when it set one of them and both are in range).
 */
export function checkMergedControlPlane(merged: ControlPlane, o: ControlPlaneOverrideFile, path: Path): Problem[] {
  const out: Problem[] = [];
  // One end of the debounce window set here, the other inherited: a debounce past debounceMax would never be waited for.
  if ((o.debounce === undefined) !== (o.debounceMax === undefined) && merged.debounceMax < merged.debounce) {
    const key = o.debounce !== undefined ? 'debounce' : 'debounceMax';
    const show = (k: 'debounce' | 'debounceMax') => (o[k] !== undefined ? msg.formatSeconds(merged[k]) : msg.inherited(msg.formatSeconds(merged[k])));
    out.push(error('out-of-range', [...path, key], msg.debounceOrder(show('debounceMax'), show('debounce')), msg.debounceOrderHint()));
  }
  return [...out, ...checkMergedRenewal(merged, o, path)];
}

function checkMergedRenewal(merged: ControlPlane, o: ControlPlaneOverrideFile, path: Path): Problem[] {
  if (o.renewAt === undefined && o.renewJitter === undefined) return [];
  if (o.renewAt !== undefined && o.renewJitter !== undefined) return []; // checked with the values
  const inRange = merged.renewAt > 0 && merged.renewAt <= 1 && merged.renewJitter >= 0 && merged.renewJitter < 1;
  if (!inRange) return [];
  return renewalWindow(merged.renewAt, merged.renewJitter, [...path, o.renewAt !== undefined ? 'renewAt' : 'renewJitter']);
}

function renewalWindow(renewAt: number, jitter: number, path: Path): Problem[] {
  // Compared in millionths, so that 0.7 + 0.3 (0.9999999999999999 or 1.0000000000000002 in doubles) is 1.
  if (Math.round((renewAt + jitter) * 1e6) <= 1e6) return [];
  return [error('out-of-range', path, msg.renewalTooLate(renewAt, jitter), msg.renewHint())];
}
