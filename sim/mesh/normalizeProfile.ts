/**
 * Profile file → MeshProfile: units to seconds and bytes, absent blocks to
 * null, `none` to null or Infinity. Runs only on a file that passed checkProfile.
 */
import { bytes, normalizeDist, seconds } from '../topology/normalize.js';
import type { MeshProfile, MtlsSpec, ProxySpec, SidecarSpec } from '../topology/types.js';
import { normalizeControlPlane } from './controlPlane.js';
import type { MtlsFile, ProfileFile, ProxyFile, ReplicatedProxyFile, SidecarFile } from './profileSchema.js';
import { normalizeResilience } from './resilience.js';

/**
 * mTLS of a profile without an `mtls` block (mode none only): off, and
 * connections that cost only the TCP round trip — what a client library's
 * plain HTTP/1.1 pool does (Go's net/http closes idle connections after 90 s).
 */
export function noMtls(): MtlsSpec {
  return {
    enabled: false,
    handshakeCpu: { kind: 'constant', value: 0 },
    resumeCpu: { kind: 'constant', value: 0 },
    handshakeRoundTrips: 1,
    resumeRoundTrips: 1,
    resumption: false,
    perKB: 0,
    idleTimeout: 90,
    streamsPerConnection: 1,
    scope: 'workload',
  };
}

export function normalizeProfile(file: ProfileFile): MeshProfile {
  return {
    name: file.name,
    description: file.description,
    sources: [...(file.sources ?? [])],
    mode: file.mode,
    sidecar: file.sidecar === undefined ? null : normalizeSidecar(file.sidecar),
    nodeProxy: file.nodeProxy === undefined ? null : normalizeProxy(file.nodeProxy),
    nodeProxyLayer: file.nodeProxyLayer ?? 'l4',
    nodeProxyTraffic: file.nodeProxyTraffic ?? 'all',
    waypoint: file.waypoint === undefined ? null : normalizeReplicated(file.waypoint),
    gateway: file.gateway === undefined ? null : normalizeReplicated(file.gateway),
    mtls: file.mtls === undefined ? noMtls() : normalizeMtls(file.mtls),
    controlPlane: normalizeControlPlane(file.controlPlane),
    resilience: normalizeResilience(file.resilience),
  };
}

export function normalizeProxy(p: ProxyFile): ProxySpec {
  return {
    workers: p.workers,
    requestCost: normalizeDist(p.requestCost),
    responseCost: normalizeDist(p.responseCost),
    perKB: seconds(p.perKB),
    telemetryCost: normalizeDist(p.telemetryCost),
    idleCpu: p.idleCpu,
    memory: { base: bytes(p.memory.base), perConnection: bytes(p.memory.perConnection), perEndpoint: bytes(p.memory.perEndpoint) },
  };
}

function normalizeSidecar(p: SidecarFile): SidecarSpec {
  return { ...normalizeProxy(p), terminationDrain: seconds(p.terminationDrain) };
}

function normalizeReplicated(p: ReplicatedProxyFile): ProxySpec & { replicas: number } {
  return { replicas: p.replicas, ...normalizeProxy(p) };
}

export function normalizeMtls(m: MtlsFile): MtlsSpec {
  return {
    enabled: m.enabled,
    handshakeCpu: normalizeDist(m.handshakeCpu),
    resumeCpu: normalizeDist(m.resumeCpu),
    handshakeRoundTrips: m.handshakeRoundTrips,
    resumeRoundTrips: m.resumeRoundTrips,
    resumption: m.resumption,
    perKB: seconds(m.perKB),
    idleTimeout: seconds(m.idleTimeout),
    streamsPerConnection: m.streamsPerConnection,
    scope: m.scope ?? 'workload',
  };
}
