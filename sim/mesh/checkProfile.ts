/**
 * Checks on a structurally valid profile file: what its mode requires and
 * forbids, and the value of every field (units, ranges), the control plane's
 * and the resilience policy's included (their checks are in controlPlane.ts
 * and resilience.ts). The value checks
 * also serve the topology's overrides, where any field may be left out.
 */
import {
  checkDistribution,
  checkDuration,
  checkInteger,
  checkMemory,
  checkNonNegative,
  checkPrintable,
  checkRange,
} from '../topology/checkScalars.js';
import { MAX_PODS } from '../topology/checkValues.js';
import type { Path } from '../topology/locate.js';
import * as msg from '../topology/messages.js';
import { error, warning, type Problem } from '../topology/problem.js';
import { checkControlPlaneValues } from './controlPlane.js';
import type { MtlsOverrideFile, ProfileFile, ProxyOverrideFile } from './profileSchema.js';
import { checkResilienceValues } from './resilience.js';

/** The proxy blocks of a profile, in file order. */
export const PROXY_KEYS = ['sidecar', 'nodeProxy', 'waypoint', 'gateway'] as const;
export type ProxyKey = (typeof PROXY_KEYS)[number];

/** Which blocks each mode needs and which it cannot have. */
const MODE_RULES: Record<ProfileFile['mode'], { required: ReadonlyArray<ProxyKey | 'mtls'>; forbidden: readonly ProxyKey[] }> = {
  none: { required: [], forbidden: ['sidecar', 'nodeProxy', 'waypoint', 'gateway'] },
  sidecar: { required: ['sidecar', 'mtls'], forbidden: ['nodeProxy', 'waypoint'] },
  ambient: { required: ['nodeProxy', 'mtls'], forbidden: ['sidecar'] },
};

export function checkProfile(file: ProfileFile): Problem[] {
  const out: Problem[] = [];
  if (file.name.trim() === '') out.push(error('empty', ['name'], msg.emptyName(), msg.emptyProfileNameHint()));
  // The name heads the profile's column in every table, CSV row and chart, as a topology's names do.
  checkPrintable(out, file.name, ['name'], "the profile's name", 'value');
  const rules = MODE_RULES[file.mode];
  for (const key of rules.required) {
    if (file[key] === undefined) out.push(atMode(error('missing-key', [key], msg.modeNeeds(file.mode, key), msg.modeNeedsHint(key))));
  }
  for (const key of rules.forbidden) {
    if (file[key] !== undefined) out.push(error('not-applicable', [key], msg.blockNotApplicable(key, file.mode), msg.blockNotApplicableHint(key, file.mode), 'key'));
  }
  if (file.nodeProxyLayer !== undefined && file.mode !== 'ambient') {
    out.push(error('not-applicable', ['nodeProxyLayer'], msg.blockNotApplicable('nodeProxyLayer', file.mode), msg.blockNotApplicableHint('nodeProxyLayer', file.mode), 'key'));
  }
  if (file.nodeProxyTraffic !== undefined && file.mode !== 'ambient') {
    out.push(error('not-applicable', ['nodeProxyTraffic'], msg.blockNotApplicable('nodeProxyTraffic', file.mode), msg.blockNotApplicableHint('nodeProxyTraffic', file.mode), 'key'));
  } else if (file.nodeProxyTraffic === 'l7' && (file.nodeProxyLayer ?? 'l4') !== 'l7') {
    out.push(error('not-applicable', ['nodeProxyTraffic'], msg.nodeProxyTrafficNeedsL7(file.name ?? ''), msg.nodeProxyTrafficNeedsL7Hint(), 'value'));
  }
  // Only node proxies share a node's tunnel: a sidecar's mTLS is its pod's.
  if (file.mtls?.scope === 'node' && file.mode !== 'ambient') {
    out.push(error('not-applicable', ['mtls', 'scope'], msg.nodeScopeNotApplicable(file.mode), msg.nodeScopeNotApplicableHint(), 'key'));
  }
  // Mode none has no proxies, so no connections between proxies to secure: the run would have mTLS off whatever this says.
  if (file.mode === 'none' && file.mtls?.enabled === true) {
    out.push(warning('no-effect', ['mtls', 'enabled'], msg.mtlsWithoutProxies(), msg.mtlsWithoutProxiesHint()));
  }
  checkSources(out, file);
  for (const key of PROXY_KEYS) {
    const proxy = file[key];
    if (proxy !== undefined) checkProxyValues(out, proxy, [key]);
  }
  // Required by the schema: how a terminating pod's sidecar behaves decides what a rollout costs (its 503s,
  // then refusals), and products differ on it (Istio drains 5 s, Linkerd refuses at once).
  if (file.sidecar !== undefined) checkTerminationDrain(out, file.sidecar.terminationDrain, ['sidecar', 'terminationDrain']);
  if (file.mtls !== undefined) checkMtlsValues(out, file.mtls, ['mtls']);
  checkControlPlaneValues(out, file.controlPlane, ['controlPlane']);
  // Under mode none the pushes are Kubernetes' own discovery: no mesh's control plane to price.
  if (file.mode === 'none' && file.controlPlane.resources !== undefined) {
    out.push(warning('no-effect', ['controlPlane', 'resources'], msg.controlPlaneResourcesWithoutMesh(), msg.controlPlaneResourcesWithoutMeshHint()));
  }
  checkResilienceValues(out, file.resilience, ['resilience']);
  const failFast = file.resilience.failFastAfter;
  if (failFast !== undefined) checkDuration(out, failFast, ['resilience', 'failFastAfter'], 'failFastAfter', 'nonnegative', msg.failFastAfterHint());
  if (file.mode === 'none' && file.resilience.placement === 'mesh') {
    out.push(error('not-applicable', ['resilience', 'placement'], msg.placementWithoutProxy(file.mode), msg.placementWithoutProxyHint()));
  }
  return out;
}

/** A key the mode demands is missing: point at the mode, which says why. */
function atMode(problem: Problem): Problem {
  return { ...problem, at: ['mode'] };
}

function checkSources(out: Problem[], file: ProfileFile): void {
  if (file.mode === 'none') return;
  if (file.sources === undefined) {
    out.push(atMode(error('missing-key', ['sources'], msg.modeNeeds(file.mode, 'sources'), msg.sourcesHint())));
  } else if (file.sources.length === 0) {
    out.push(error('empty', ['sources'], msg.emptyCollection('sources'), msg.sourcesHint()));
  }
  file.sources?.forEach((source, i) => {
    if (source.trim() === '') out.push(error('empty', ['sources', i], msg.emptySource(), msg.sourcesHint()));
  });
}

/** The fields of a proxy block that are present: complete in a profile, partial in an override. */
export function checkProxyValues(out: Problem[], proxy: ProxyOverrideFile, path: Path): void {
  const at = (key: string): Path => [...path, key];
  if (proxy.replicas !== undefined) {
    checkInteger(out, proxy.replicas, at('replicas'), 'replicas', 1, msg.proxyReplicasHint());
    // Gateway and waypoint pods are simulated one by one, like the services' (MAX_PODS).
    if (Number.isSafeInteger(proxy.replicas) && proxy.replicas > MAX_PODS) {
      out.push(error('too-large', at('replicas'), msg.tooManyPods(proxy.replicas, MAX_PODS), msg.tooManyPodsHint()));
    }
  }
  if (proxy.workers !== undefined) checkInteger(out, proxy.workers, at('workers'), 'workers', 1, msg.proxyWorkersHint());
  if (proxy.requestCost !== undefined) checkDistribution(out, proxy.requestCost, at('requestCost'), 'requestCost');
  if (proxy.responseCost !== undefined) checkDistribution(out, proxy.responseCost, at('responseCost'), 'responseCost');
  if (proxy.perKB !== undefined) checkDuration(out, proxy.perKB, at('perKB'), 'perKB', 'nonnegative');
  if (proxy.telemetryCost !== undefined) checkDistribution(out, proxy.telemetryCost, at('telemetryCost'), 'telemetryCost');
  // At most a large machine's cores: beyond, the tax reads ∞ vCPU and $∞ a month.
  if (proxy.idleCpu !== undefined && checkNonNegative(out, proxy.idleCpu, at('idleCpu'), 'idleCpu', msg.idleCpuHint()) !== undefined) {
    checkRange(out, proxy.idleCpu, at('idleCpu'), 'idleCpu', { max: 1024 }, msg.idleCpuHint());
  }
  const memory = proxy.memory;
  if (memory !== undefined) {
    for (const key of ['base', 'perConnection', 'perEndpoint'] as const) {
      const value = memory[key];
      if (value !== undefined) checkMemory(out, value, [...path, 'memory', key], key);
    }
  }
}

/** A sidecar's terminationDrain, in a profile or a topology's override: a duration, 0 or more. */
export function checkTerminationDrain(out: Problem[], value: string | number, path: Path): void {
  checkDuration(out, value, path, 'terminationDrain', 'nonnegative', msg.terminationDrainHint());
}

/**
 * Real handshakes take 1 to 3 round trips. Each is drawn from the network at
 * every new connection, so 2³¹ of them held a run on its first handshake for
 * hours, and a delay that long is past the clock's range anyway.
 */
const MAX_ROUND_TRIPS = 100;

function checkRoundTrips(out: Problem[], value: number, path: Path, key: string): void {
  const before = out.length;
  checkInteger(out, value, path, key, 0, msg.roundTripsHint());
  if (out.length === before) checkRange(out, value, path, key, { min: 0, max: MAX_ROUND_TRIPS }, msg.roundTripsHint());
}

export function checkMtlsValues(out: Problem[], mtls: MtlsOverrideFile, path: Path): void {
  const at = (key: string): Path => [...path, key];
  if (mtls.handshakeCpu !== undefined) checkDistribution(out, mtls.handshakeCpu, at('handshakeCpu'), 'handshakeCpu');
  if (mtls.resumeCpu !== undefined) checkDistribution(out, mtls.resumeCpu, at('resumeCpu'), 'resumeCpu');
  if (mtls.handshakeRoundTrips !== undefined) checkRoundTrips(out, mtls.handshakeRoundTrips, at('handshakeRoundTrips'), 'handshakeRoundTrips');
  if (mtls.resumeRoundTrips !== undefined) checkRoundTrips(out, mtls.resumeRoundTrips, at('resumeRoundTrips'), 'resumeRoundTrips');
  if (mtls.perKB !== undefined) checkDuration(out, mtls.perKB, at('perKB'), 'perKB', 'nonnegative');
  if (mtls.idleTimeout !== undefined) checkDuration(out, mtls.idleTimeout, at('idleTimeout'), 'idleTimeout', 'positive');
  if (mtls.streamsPerConnection !== undefined) {
    checkInteger(out, mtls.streamsPerConnection, at('streamsPerConnection'), 'streamsPerConnection', 1, msg.streamsHint());
  }
}
