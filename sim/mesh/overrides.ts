/**
 * A topology's changes to its mesh profile: `mesh: {profile: …, sidecar:
 * {workers: 4}, mtls: {enabled: false}, resilience: {retries: none}}`. Each
 * block merges into the profile's block of the same name field by field
 * (memory key by key); a proxy the profile does not have cannot be
 * overridden, since an override is partial and could not make a complete
 * proxy. (Resilience blocks the profile turns off are completed from the
 * products' defaults instead: see resilience.ts.)
 *
 * Problems here are about the topology file, so their paths start at `mesh`.
 */
import type { Path } from '../topology/locate.js';
import * as msg from '../topology/messages.js';
import { bytes, normalizeDist, seconds } from '../topology/normalize.js';
import { error, warning, type Problem } from '../topology/problem.js';
import type { MeshProfile, MtlsSpec, ProxySpec } from '../topology/types.js';
import { checkMtlsValues, checkProxyValues, checkTerminationDrain, PROXY_KEYS } from './checkProfile.js';
import { checkControlPlaneValues, checkMergedControlPlane, mergeControlPlane } from './controlPlane.js';
import { checkMergedResilience, checkResilienceValues, mergeResilience, writtenTimeouts } from './resilience.js';
import type { MeshOverridesFile, MeshSettingFile, MtlsOverrideFile, ProxyOverrideFile } from './profileSchema.js';

const MESH: Path = ['mesh'];

/** The overrides of a `mesh:` setting, or undefined for a bare profile reference. */
export function meshOverrides(setting: MeshSettingFile | undefined): MeshOverridesFile | undefined {
  return setting !== undefined && typeof setting === 'object' ? setting : undefined;
}

/** Units and ranges of the override values; needs no profile. */
export function checkOverrideValues(overrides: MeshOverridesFile): Problem[] {
  const out: Problem[] = [];
  for (const key of PROXY_KEYS) {
    const block = overrides[key];
    if (block !== undefined) checkProxyValues(out, block, [...MESH, key]);
  }
  const drain = overrides.sidecar?.terminationDrain;
  if (drain !== undefined) checkTerminationDrain(out, drain, [...MESH, 'sidecar', 'terminationDrain']);
  if (overrides.mtls !== undefined) checkMtlsValues(out, overrides.mtls, [...MESH, 'mtls']);
  if (overrides.controlPlane !== undefined) checkControlPlaneValues(out, overrides.controlPlane, [...MESH, 'controlPlane']);
  if (overrides.resilience !== undefined) checkResilienceValues(out, overrides.resilience, [...MESH, 'resilience']);
  return out;
}

/**
 * Overrides that do not fit the profile: of proxies it does not have, a
 * mesh placement under mode none, and values that clash with the profile's
 * (a renewal window past the lifetime, back-off bounds in the wrong order).
 * The last need the values merged, so only when `valuesChecked` (the file
 * had no errors): merging normalizes them, and an unchecked one (a duration
 * with no unit) cannot be.
 */
export function checkOverridesFit(overrides: MeshOverridesFile, profile: MeshProfile, valuesChecked: boolean): Problem[] {
  const present = [...PROXY_KEYS.filter((key) => profile[key] !== null), 'mtls'];
  const out = PROXY_KEYS.filter((key) => overrides[key] !== undefined && profile[key] === null).map((key) =>
    error(
      'not-applicable',
      [...MESH, key],
      msg.overrideNotApplicable(key, profile.name, profile.mode),
      msg.overrideNotApplicableHint(profile.name, present),
      'key',
    ),
  );
  if (overrides.nodeProxyTraffic !== undefined && profile.mode !== 'ambient') {
    out.push(error('not-applicable', [...MESH, 'nodeProxyTraffic'], msg.overrideNotApplicable('nodeProxyTraffic', profile.name, profile.mode), msg.blockNotApplicableHint('nodeProxyTraffic', profile.mode), 'key'));
  } else if (overrides.nodeProxyTraffic === 'l7' && profile.nodeProxyLayer !== 'l7') {
    out.push(error('not-applicable', [...MESH, 'nodeProxyTraffic'], msg.nodeProxyTrafficNeedsL7(profile.name), msg.nodeProxyTrafficNeedsL7Hint(), 'value'));
  }
  if (overrides.mtls?.scope === 'node' && profile.mode !== 'ambient') {
    out.push(error('not-applicable', [...MESH, 'mtls', 'scope'], msg.nodeScopeNotApplicable(profile.mode), msg.nodeScopeNotApplicableHint(), 'key'));
  }
  if (overrides.mtls?.enabled === true && profile.mode === 'none') {
    // As a profile file of mode none that says enabled: true (checkProfile) and --mtls on: the run has mTLS off.
    out.push(warning('no-effect', [...MESH, 'mtls', 'enabled'], msg.mtlsOverrideWithoutProxies(profile.name), msg.mtlsOverrideWithoutProxiesHint()));
  }
  const { controlPlane, resilience } = overrides;
  if (controlPlane?.resources !== undefined && profile.mode === 'none') {
    out.push(warning('no-effect', [...MESH, 'controlPlane', 'resources'], msg.controlPlaneResourcesOverrideWithoutMesh(profile.name), msg.controlPlaneResourcesWithoutMeshHint()));
  }
  if (resilience !== undefined && profile.mode === 'none' && resilience.placement === 'mesh') {
    out.push(error('not-applicable', [...MESH, 'resilience', 'placement'], msg.placementOverrideWithoutProxy(profile.name), msg.placementWithoutProxyHint()));
  }
  if (!valuesChecked) return out;
  if (controlPlane !== undefined) out.push(...checkMergedControlPlane(mergeControlPlane(profile.controlPlane, controlPlane), controlPlane, [...MESH, 'controlPlane']));
  if (resilience !== undefined) out.push(...checkMergedResilience(mergeResilience(profile.resilience, resilience), resilience, [...MESH, 'resilience'], profile.name));
  return out;
}

/** The profile with the overrides merged in; call only when checkOverrideValues and checkOverridesFit found nothing. */
export function applyOverrides(profile: MeshProfile, overrides: MeshOverridesFile): MeshProfile {
  const merged: MeshProfile = { ...profile };
  const { sidecar, nodeProxy, waypoint, gateway, mtls } = overrides;
  if (sidecar !== undefined && profile.sidecar !== null) {
    merged.sidecar = { ...mergeProxy(profile.sidecar, sidecar), terminationDrain: sidecar.terminationDrain === undefined ? profile.sidecar.terminationDrain : seconds(sidecar.terminationDrain) };
  }
  if (nodeProxy !== undefined && profile.nodeProxy !== null) merged.nodeProxy = mergeProxy(profile.nodeProxy, nodeProxy);
  if (waypoint !== undefined && profile.waypoint !== null) {
    merged.waypoint = { ...mergeProxy(profile.waypoint, waypoint), replicas: waypoint.replicas ?? profile.waypoint.replicas };
  }
  if (gateway !== undefined && profile.gateway !== null) {
    merged.gateway = { ...mergeProxy(profile.gateway, gateway), replicas: gateway.replicas ?? profile.gateway.replicas };
  }
  if (mtls !== undefined) merged.mtls = mergeMtls(profile.mtls, mtls);
  if (overrides.nodeProxyTraffic !== undefined) merged.nodeProxyTraffic = overrides.nodeProxyTraffic;
  if (overrides.controlPlane !== undefined) merged.controlPlane = mergeControlPlane(profile.controlPlane, overrides.controlPlane);
  if (overrides.resilience !== undefined) {
    merged.resilience = mergeResilience(profile.resilience, overrides.resilience);
    // The timeouts the topology wrote are its user's, not the mesh's defaults (see TopologyTimeouts).
    merged.topologyTimeouts = writtenTimeouts(overrides.resilience, profile.topologyTimeouts);
  }
  // Results say the profile was tuned, and where: a report of "istio-sidecar" with one worker is not istio-sidecar's.
  const tuned = new Set(profile.tuned ?? []);
  for (const [key, value] of Object.entries(overrides)) {
    if (key === 'profile' || value === undefined) continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const field of Object.keys(value)) tuned.add(`${key}.${field}`);
    } else tuned.add(key);
  }
  if (tuned.size > 0) merged.tuned = [...tuned].sort();
  return merged;
}

/** Keeps the base's key order (and any keys beyond ProxySpec's, such as replicas). */
function mergeProxy<T extends ProxySpec>(base: T, o: ProxyOverrideFile): T {
  return {
    ...base,
    workers: o.workers ?? base.workers,
    requestCost: o.requestCost === undefined ? base.requestCost : normalizeDist(o.requestCost),
    responseCost: o.responseCost === undefined ? base.responseCost : normalizeDist(o.responseCost),
    perKB: o.perKB === undefined ? base.perKB : seconds(o.perKB),
    telemetryCost: o.telemetryCost === undefined ? base.telemetryCost : normalizeDist(o.telemetryCost),
    idleCpu: o.idleCpu ?? base.idleCpu,
    memory: {
      base: o.memory?.base === undefined ? base.memory.base : bytes(o.memory.base),
      perConnection: o.memory?.perConnection === undefined ? base.memory.perConnection : bytes(o.memory.perConnection),
      perEndpoint: o.memory?.perEndpoint === undefined ? base.memory.perEndpoint : bytes(o.memory.perEndpoint),
    },
  };
}

function mergeMtls(base: MtlsSpec, o: MtlsOverrideFile): MtlsSpec {
  return {
    enabled: o.enabled ?? base.enabled,
    handshakeCpu: o.handshakeCpu === undefined ? base.handshakeCpu : normalizeDist(o.handshakeCpu),
    resumeCpu: o.resumeCpu === undefined ? base.resumeCpu : normalizeDist(o.resumeCpu),
    handshakeRoundTrips: o.handshakeRoundTrips ?? base.handshakeRoundTrips,
    resumeRoundTrips: o.resumeRoundTrips ?? base.resumeRoundTrips,
    resumption: o.resumption ?? base.resumption,
    perKB: o.perKB === undefined ? base.perKB : seconds(o.perKB),
    idleTimeout: o.idleTimeout === undefined ? base.idleTimeout : seconds(o.idleTimeout),
    streamsPerConnection: o.streamsPerConnection ?? base.streamsPerConnection,
    scope: o.scope ?? base.scope,
  };
}
