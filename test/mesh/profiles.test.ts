/**
 * Mesh profile files: the bundled ones load cleanly and say what they should;
 * broken ones get diagnostics positioned in the profile file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';
import {
  isProfilePath,
  listMeshProfiles,
  loadMeshProfile,
  loadMeshProfileFile,
  loadMeshProfileSource,
  meshProfilesDir,
} from '../../sim/mesh/loadProfile.js';
import { NO_RESOURCES } from '../../sim/mesh/controlPlane.js';
import { ISTIOD, ISTIO_RESILIENCE, ISTIO_SIDECAR, constant, lognormal } from './expected.js';

const BUNDLED = ['cilium', 'istio-ambient', 'istio-ambient-waypoint', 'istio-sidecar', 'linkerd', 'none'];

/** The two blocks every profile needs, for profiles written inline. */
const CONTROL_AND_POLICY = `controlPlane: {debounce: 0s, debounceMax: 0s, pushDelay: 1s, pushDelayPerProxy: 0, certificateTtl: 24h, renewAt: 0.5, renewJitter: 0.1, renewRetry: 10s}
resilience: {placement: client, timeout: none, connectTimeout: 1s, retries: none, circuitBreaker: none, outlierDetection: none}
`;

/** Load a broken profile from test/fixtures/bad/meshes and print its diagnostics; it must not load. */
function report(name: string): string {
  const result = loadMeshProfileFile(`test/fixtures/bad/meshes/${name}`);
  expect(result.profile).toBeUndefined();
  return formatDiagnostics(result.diagnostics);
}

describe('bundled profiles', () => {
  it('are listed by name, sorted', () => {
    expect(listMeshProfiles()).toEqual(BUNDLED);
  });

  it('are found next to the package, from the source tree as from dist/', () => {
    expect(meshProfilesDir()).toBe(join(process.cwd(), 'topologies', 'meshes'));
  });

  it.each(BUNDLED)('%s loads with no diagnostics, is named after its file and starts with the schema line', (name) => {
    const { profile, diagnostics } = loadMeshProfile(name, '.');
    expect(diagnostics).toEqual([]);
    expect(profile?.name).toBe(name);
    if (name !== 'none') expect(profile?.sources.length).toBeGreaterThan(0);
    const text = readFileSync(`topologies/meshes/${name}.yaml`, 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./profile.schema.json');
  });

  it('istio-sidecar normalizes to exactly the expected profile', () => {
    expect(loadMeshProfile('istio-sidecar', '.').profile).toEqual(ISTIO_SIDECAR);
  });

  it('give each mode its proxies', () => {
    const load = (name: string) => loadMeshProfile(name, '.').profile!;
    const shape = (name: string) => {
      const p = load(name);
      return [p.mode, p.sidecar !== null, p.nodeProxy !== null, p.waypoint !== null, p.gateway !== null, p.mtls.enabled];
    };
    expect(shape('none')).toEqual(['none', false, false, false, false, false]);
    expect(shape('istio-sidecar')).toEqual(['sidecar', true, false, false, true, true]);
    expect(shape('istio-ambient')).toEqual(['ambient', false, true, false, true, true]);
    expect(shape('istio-ambient-waypoint')).toEqual(['ambient', false, true, true, true, true]);
    expect(shape('linkerd')).toEqual(['sidecar', true, false, false, false, true]);
    expect(shape('cilium')).toEqual(['ambient', false, true, false, false, true]);
  });

  it('order the proxies by weight as the published figures do', () => {
    const meanRequestCost = (name: string) => {
      const p = loadMeshProfile(name, '.').profile!;
      const d = (p.sidecar ?? p.nodeProxy)!.requestCost;
      return d.kind === 'lognormal' ? Math.exp(d.mu + d.sigma ** 2 / 2) : NaN;
    };
    // ztunnel (L4) < Linkerd's proxy < Envoy, whether sidecar or Cilium's node proxy
    expect(meanRequestCost('istio-ambient')).toBeLessThan(meanRequestCost('linkerd'));
    expect(meanRequestCost('linkerd')).toBeLessThan(meanRequestCost('cilium'));
    expect(meanRequestCost('cilium')).toBeLessThanOrEqual(meanRequestCost('istio-sidecar'));
    const istio = loadMeshProfile('istio-sidecar', '.').profile!;
    const linkerd = loadMeshProfile('linkerd', '.').profile!;
    expect(linkerd.sidecar!.memory.base).toBeLessThan(istio.sidecar!.memory.base);
  });

  it('the waypoint profile adds an Envoy waypoint to istio-ambient and keeps its ztunnel', () => {
    const ambient = loadMeshProfile('istio-ambient', '.').profile!;
    const waypoint = loadMeshProfile('istio-ambient-waypoint', '.').profile!;
    expect(waypoint.nodeProxy).toEqual(ambient.nodeProxy);
    expect(waypoint.mtls).toEqual(ambient.mtls);
    // An Envoy doing both sidecars' L7 work: same threads and memory, dearer per request.
    const w = waypoint.waypoint!;
    expect(w.replicas).toBe(1);
    expect(w.workers).toBe(ISTIO_SIDECAR.sidecar!.workers);
    expect(w.memory).toEqual(ISTIO_SIDECAR.sidecar!.memory);
    expect(w.requestCost).toEqual(lognormal(0.00006, 0.00024));
  });

  it('none has mTLS off, with the costs of TLS done by the application', () => {
    expect(loadMeshProfile('none', '.').profile!.mtls).toEqual({
      enabled: false,
      handshakeCpu: constant(0.001),
      resumeCpu: constant(0.00015),
      handshakeRoundTrips: 2,
      resumeRoundTrips: 2,
      resumption: true,
      perKB: 5e-7,
      idleTimeout: 90,
      streamsPerConnection: 1,
      scope: 'workload',
    });
  });

  it('give every product its control plane and its default policy', () => {
    const load = (name: string) => loadMeshProfile(name, '.').profile!;
    for (const name of ['istio-sidecar', 'istio-ambient', 'istio-ambient-waypoint']) expect(load(name).controlPlane).toEqual(ISTIOD);
    // The waypoint is an Envoy with a sidecar's defaults; ztunnel is L4 and applies none of them.
    expect(load('istio-ambient-waypoint').resilience).toEqual(ISTIO_RESILIENCE);
    expect(load('istio-ambient').resilience).toEqual({ ...ISTIO_RESILIENCE, retries: null });
    expect(load('linkerd').controlPlane).toEqual({
      debounce: 0,
      debounceMax: 0,
      pushDelay: lognormal(0.2, 2),
      pushDelayPerProxy: 0.001,
      certificateTtl: 86400,
      renewAt: 0.7,
      renewJitter: 0,
      renewRetry: 10,
      resources: {
        idleCpu: 0.0004,
        memory: { base: 310e6, perProxy: 275e3, perEndpoint: 30e3 },
        pushCpu: { perPush: 0.0002, perProxy: 0.0001 },
        perCertificate: 0.0001,
      },
    });
    expect(load('linkerd').resilience).toEqual({
      placement: 'mesh',
      timeout: Infinity,
      retries: {
        attempts: 3,
        perTryTimeout: Infinity,
        backoffBase: 0,
        backoffMax: 0,
        retryOn: ['connect-failure'],
        differentHost: true,
        budget: { ratio: 0.2, minPerSecond: 10, window: 10 },
        maxConcurrentRetries: Infinity,
      },
      circuitBreaker: null,
      outlierDetection: null,
      outlierStyle: 'linkerd',
      pickFrom: 'connectable',
      failFastAfter: 3,
      connectTimeout: 1,
    });
    expect(load('cilium').resilience).toEqual({
      placement: 'mesh',
      timeout: 3600,
      retries: {
        attempts: 4,
        perTryTimeout: Infinity,
        backoffBase: 0.025,
        backoffMax: 0.25,
        retryOn: ['5xx', 'connect-failure', 'refused-stream', 'reset'],
        differentHost: false,
        budget: null,
        maxConcurrentRetries: 128,
      },
      circuitBreaker: { maxConnections: 1024, maxPending: 1024, maxRequests: 1024 },
      outlierDetection: null,
      outlierStyle: 'envoy',
      pickFrom: 'listed',
      failFastAfter: 0,
      connectTimeout: 2,
    });
    expect(load('cilium').controlPlane.pushDelay).toEqual(lognormal(0.5, 5));
    // No published figure for Cilium's operator: its control plane is not charged.
    expect(load('cilium').controlPlane.resources).toEqual(NO_RESOURCES);
  });

  it('none leaves the policy to the client library and discovery to Kubernetes', () => {
    const none = loadMeshProfile('none', '.').profile!;
    expect(none.resilience).toEqual({
      placement: 'client',
      timeout: Infinity,
      retries: null,
      circuitBreaker: null,
      outlierDetection: null,
      outlierStyle: 'envoy',
      pickFrom: 'listed',
      failFastAfter: 0,
      connectTimeout: 30,
    });
    expect(none.controlPlane).toEqual({
      debounce: 0,
      debounceMax: 0,
      pushDelay: lognormal(1, 5),
      pushDelayPerProxy: 0,
      certificateTtl: 86400,
      renewAt: 0.5,
      renewJitter: 0.1,
      renewRetry: 10,
      resources: NO_RESOURCES,
    });
  });

  it('ztunnel is L4 only: cheap per request, small in memory', () => {
    expect(loadMeshProfile('istio-ambient', '.').profile!.nodeProxy).toEqual({
      workers: 2,
      requestCost: lognormal(0.00001, 0.00004),
      responseCost: constant(0.000008),
      perKB: 0.000001,
      telemetryCost: { kind: 'exponential', mean: 0.000036 },
      idleCpu: 0.001,
      memory: { base: 11.5e6, perConnection: 16e3, perEndpoint: 1e3 },
    });
  });
});

describe('profile references', () => {
  it('tells paths from names by their extension', () => {
    expect(isProfilePath('meshes/mine.yaml')).toBe(true);
    expect(isProfilePath('mine.yml')).toBe(true);
    expect(isProfilePath('mine.json')).toBe(true);
    expect(isProfilePath('istio-sidecar')).toBe(false);
    expect(isProfilePath('../../etc/passwd')).toBe(false);
  });

  it('loads a profile file by path, relative to the base directory', () => {
    const { profile, diagnostics } = loadMeshProfile('meshes/custom.yaml', 'test/fixtures/good');
    expect(diagnostics).toEqual([]);
    expect(profile).toMatchObject({ name: 'custom', mode: 'sidecar', sidecar: { workers: 3 }, mtls: { streamsPerConnection: 10 } });
  });

  it('suggests the bundled profile that was probably meant', () => {
    expect(formatDiagnostics(loadMeshProfile('Istio-Sidecar', '.').diagnostics)).toMatchInlineSnapshot(`
      "error[unknown-mesh-profile]: unknown mesh profile "Istio-Sidecar"
        hint: did you mean "istio-sidecar"? bundled profiles: cilium, istio-ambient, istio-ambient-waypoint, istio-sidecar, linkerd, none; or give the path of a profile file ending in .yaml, .yml or .json

      1 error, 0 warnings"
    `);
  });

  it('does not read files outside the bundled directory for a name', () => {
    const { profile, diagnostics } = loadMeshProfile('../meshtax.schema', '.');
    expect(profile).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(['unknown-mesh-profile']);
  });

  it('reports a missing profile file', () => {
    expect(formatDiagnostics(loadMeshProfile('nope.yaml', 'test/fixtures/bad').diagnostics)).toMatchInlineSnapshot(`
      "error[file-not-found]: cannot read "test/fixtures/bad/nope.yaml": no such file
        hint: check the path; it is relative to "test/fixtures/bad", the topology file's directory

      1 error, 0 warnings"
    `);
  });
});

describe('profile diagnostics', () => {
  it('rejects a sidecar block in an ambient profile', () => {
    expect(report('sidecar-in-ambient.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/meshes/sidecar-in-ambient.yaml:4:7: error[missing-key]: nodeProxy: mode ambient needs nodeProxy
          4 | mode: ambient
            |       ^
        hint: add nodeProxy: the proxy on every node, with workers, requestCost, responseCost, perKB, telemetryCost, idleCpu and memory

      test/fixtures/bad/meshes/sidecar-in-ambient.yaml:5:1: error[not-applicable]: sidecar: sidecar does not apply to mode ambient
          5 | sidecar:
            | ^
        hint: a sidecar is the proxy in every pod of mode sidecar; an ambient profile describes its per-node proxy under nodeProxy

      2 errors, 0 warnings"
    `);
  });

  it('requires mtls and sources in a sidecar profile, pointing at the mode', () => {
    expect(report('missing-mtls.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/meshes/missing-mtls.yaml:4:7: error[missing-key]: mtls: mode sidecar needs mtls
          4 | mode: sidecar
            |       ^
        hint: add mtls: {enabled, handshakeCpu, resumeCpu, handshakeRoundTrips, resumeRoundTrips, resumption, perKB, idleTimeout, streamsPerConnection}; enabled: false runs without it

      test/fixtures/bad/meshes/missing-mtls.yaml:4:7: error[missing-key]: sources: mode sidecar needs sources
          4 | mode: sidecar
            |       ^
        hint: cite where the numbers come from, one string each, e.g. "Istio 1.24 docs, Performance and scalability: 0.20 vCPU and 60 MB per sidecar at 1000 RPS"

      2 errors, 0 warnings"
    `);
  });

  it('checks units and ranges of proxy and mTLS values', () => {
    expect(report('broken.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/meshes/broken.yaml:8:16: error[bad-duration]: sidecar.requestCost: unknown duration unit "usec" in "45usec"
          8 |   requestCost: 45usec
            |                ^
        hint: use one of the units: ns, us (or µs), ms, s, m, h, e.g. 2ms, 250us or 1.5s

      test/fixtures/bad/meshes/broken.yaml:12:12: error[out-of-range]: sidecar.idleCpu: idleCpu must not be negative, got -0.1
         12 |   idleCpu: -0.1
            |            ^
        hint: idleCpu is the background CPU of an idle proxy in vCPU, 0 or more, e.g. 0.003

      test/fixtures/bad/meshes/broken.yaml:14:21: error[out-of-range]: sidecar.terminationDrain: terminationDrain must not be negative, got -5s
         14 |   terminationDrain: -5s
            |                     ^
        hint: terminationDrain is how long the sidecar keeps accepting connections once its pod is deleted, 0s or more: Istio's terminationDrainDuration is 5s by default; Linkerd's proxy refuses new requests at once (0s, or its proxy-wait-before-exit-seconds)

      test/fixtures/bad/meshes/broken.yaml:24:25: error[out-of-range]: mtls.streamsPerConnection: streamsPerConnection must be an integer ≥ 1, got 0
         24 |   streamsPerConnection: 0
            |                         ^
        hint: requests one connection carries at once, at least 1: 1 for HTTP/1.1, 100 or more for HTTP/2

      4 errors, 0 warnings"
    `);
  });

  it('requires every proxy key and suggests the mode that was meant', () => {
    expect(report('incomplete-proxy.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/meshes/incomplete-proxy.yaml:4:7: error[invalid-value]: mode: "sidecars" is not allowed here; expected one of none, sidecar, ambient
          4 | mode: sidecars
            |       ^
        hint: did you mean "sidecar"?

      test/fixtures/bad/meshes/incomplete-proxy.yaml:5:1: error[missing-key]: sidecar.responseCost: missing required key "responseCost"
          5 | sidecar:
            | ^
        hint: add responseCost: CPU to process the response on its way back: a duration or a distribution

      test/fixtures/bad/meshes/incomplete-proxy.yaml:5:1: error[missing-key]: sidecar.perKB: missing required key "perKB"
          5 | sidecar:
            | ^
        hint: add perKB: CPU per 1000 bytes of payload passing through, in either direction

      test/fixtures/bad/meshes/incomplete-proxy.yaml:5:1: error[missing-key]: sidecar.telemetryCost: missing required key "telemetryCost"
          5 | sidecar:
            | ^
        hint: add telemetryCost: CPU after the response is sent (access log, metrics, traces): keeps the worker busy and delays the next request

      test/fixtures/bad/meshes/incomplete-proxy.yaml:5:1: error[missing-key]: sidecar.idleCpu: missing required key "idleCpu"
          5 | sidecar:
            | ^
        hint: add idleCpu: background CPU of an idle proxy (stats flush, xDS keep-alive), in vCPU

      test/fixtures/bad/meshes/incomplete-proxy.yaml:8:11: error[missing-key]: sidecar.memory.perConnection: missing required key "perConnection"
          8 |   memory: {base: 45MB}
            |           ^
        hint: add perConnection: memory per open connection (buffers, TLS state)

      test/fixtures/bad/meshes/incomplete-proxy.yaml:8:11: error[missing-key]: sidecar.memory.perEndpoint: missing required key "perEndpoint"
          8 |   memory: {base: 45MB}
            |           ^
        hint: add perEndpoint: memory per endpoint in the proxy's configuration: grows with the mesh, not with the load

      7 errors, 0 warnings"
    `);
  });

  it('requires a control plane and a resilience policy in every profile', () => {
    expect(report('no-policy.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/meshes/no-policy.yaml:2:1: error[missing-key]: controlPlane: missing required key "controlPlane"
          2 | name: old
            | ^
        hint: add controlPlane: the control plane (istiod or its equivalent; with no mesh, the clients' service discovery): how config changes reach the proxies, and how workload certificates are renewed

      test/fixtures/bad/meshes/no-policy.yaml:2:1: error[missing-key]: resilience: missing required key "resilience"
          2 | name: old
            | ^
        hint: add resilience: the product's default resilience policy for every call; services may change it

      2 errors, 0 warnings"
    `);
  });

  it('checks the control plane and the policy: values, renewal window, back-off order, placement', () => {
    expect(report('bad-policy.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/meshes/bad-policy.yaml:8:49: error[bad-distribution]: controlPlane.pushDelay.p99: lognormal p99 (500ms) must be greater than the median (1s)
          8 |   pushDelay: {dist: lognormal, median: 1s, p99: 500ms}
            |                                                 ^
        hint: p99 is the value 99 % of draws stay under, so it exceeds the median; for a fixed value write the duration alone

      test/fixtures/bad/meshes/bad-policy.yaml:10:19: error[out-of-range]: controlPlane.certificateTtl: certificateTtl must be greater than 0, got 0s
         10 |   certificateTtl: 0s
            |                   ^
        hint: the lifetime of a workload certificate, at least 1s; Istio issues them for 24h

      test/fixtures/bad/meshes/bad-policy.yaml:12:16: error[out-of-range]: controlPlane.renewJitter: renewAt + renewJitter is 1.1 (0.8 + 0.3), more than 1: a certificate could expire before its renewal starts
         12 |   renewJitter: 0.3
            |                ^
        hint: renewal starts at renewAt × the lifetime plus up to renewJitter × the lifetime at random (Istio: 0.5 and a little jitter); renewAt is in (0, 1], renewJitter in [0, 1), and together at most 1

      test/fixtures/bad/meshes/bad-policy.yaml:15:14: error[not-applicable]: resilience.placement: placement mesh does not apply to mode none
         15 |   placement: mesh
            |              ^
        hint: mode none has no proxy to run the policy in: write placement: client (the client library of each application)

      test/fixtures/bad/meshes/bad-policy.yaml:21:33: error[out-of-range]: resilience.retries.backoff.max: backoff max (25ms) is less than base (250ms)
         21 |     backoff: {base: 250ms, max: 25ms}
            |                                 ^
        hint: the back-off bound starts at base and doubles per retry up to max, so max must be at least base (Envoy: 25ms and 250ms)

      5 errors, 0 warnings"
    `);
  });

  it('reports an empty profile with a hint for profiles', () => {
    expect(formatDiagnostics(loadMeshProfileSource('', 'empty.yaml').diagnostics)).toMatchInlineSnapshot(`
      "empty.yaml:1:1: error[empty-file]: the file is empty
        hint: a mesh profile needs at least name, description and mode, and for a data plane its proxies, mtls and sources

      1 error, 0 warnings"
    `);
  });

  it('lets a mode none profile leave out mtls (then off), sources and proxies', () => {
    const { profile, diagnostics } = loadMeshProfileSource(`name: bare\ndescription: nothing\nmode: none\n${CONTROL_AND_POLICY}`, 'bare.yaml');
    expect(diagnostics).toEqual([]);
    expect(profile).toMatchObject({ name: 'bare', sources: [], sidecar: null, nodeProxy: null, waypoint: null, gateway: null, mtls: { enabled: false } });
  });

  it('rejects a gateway in mode none and a waypoint in mode sidecar', () => {
    const gateway = '{replicas: 1, workers: 1, requestCost: 1us, responseCost: 1us, perKB: 0, telemetryCost: 0, idleCpu: 0, memory: {base: 1MB, perConnection: 0, perEndpoint: 0}}';
    const none = loadMeshProfileSource(`name: n\ndescription: d\nmode: none\ngateway: ${gateway}\n${CONTROL_AND_POLICY}`, 'n.yaml');
    expect(none.diagnostics.map((d) => `${d.code} ${d.path.join('.')}`)).toEqual(['not-applicable gateway']);
    const istio = readFileSync('topologies/meshes/istio-ambient-waypoint.yaml', 'utf8').replace('mode: ambient', 'mode: sidecar');
    const sidecar = loadMeshProfileSource(istio, 'w.yaml');
    expect(sidecar.diagnostics.map((d) => `${d.code} ${d.path.join('.')}`)).toEqual([
      'missing-key sidecar',
      'not-applicable nodeProxy',
      'not-applicable waypoint',
    ]);
  });

  it('rejects nodeProxyLayer outside mode ambient, where it would silently do nothing', () => {
    const linkerd = readFileSync('topologies/meshes/linkerd.yaml', 'utf8') + '\nnodeProxyLayer: l7\n';
    const { diagnostics } = loadMeshProfileSource(linkerd, 'l.yaml');
    expect(diagnostics.map((d) => `${d.code} ${d.path.join('.')}`)).toEqual(['not-applicable nodeProxyLayer']);
    expect(diagnostics[0].message).toContain('nodeProxyLayer does not apply to mode sidecar');
  });
});

describe('a profile of your own', () => {
  const kuma = (name: string) =>
    readFileSync('topologies/meshes/istio-sidecar.yaml', 'utf8').replace(/^name: istio-sidecar$/m, `name: ${name}`);

  it('refuses a name with a control character, as a topology\'s names are: it heads tables, CSV and the charts\' SVG', () => {
    const { profile, diagnostics } = loadMeshProfileSource(kuma('"kuma\\e[31m"'), 'kuma.yaml');
    expect(profile).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', code: 'bad-name', path: ['name'] });
    expect(formatDiagnostics(diagnostics)).toContain(
      'kuma.yaml:17:7: error[bad-name]: name: the profile\'s name holds an unprintable character (U+001B): "kuma\\u001b[31m"',
    );
    // Printable names, quotes and markup included, are the report's to escape.
    expect(loadMeshProfileSource(kuma('"kuma <b>\\"2.9\\"</b>"'), 'kuma.yaml').profile?.name).toBe('kuma <b>"2.9"</b>');
  });

  it('warns that mTLS enabled under mode none does nothing, where the run silently had it off', () => {
    const mtls = 'mtls: {enabled: true, handshakeCpu: 1ms, resumeCpu: 150us, handshakeRoundTrips: 2, resumeRoundTrips: 1, resumption: true, perKB: 500ns, idleTimeout: 90s, streamsPerConnection: 1}';
    const { profile, diagnostics } = loadMeshProfileSource(`name: go\ndescription: d\nmode: none\n${mtls}\n${CONTROL_AND_POLICY}`, 'go.yaml');
    expect(profile).toBeDefined();
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${d.path.join('.')} ${d.location?.line}:${d.location?.column}`)).toEqual([
      'warning no-effect mtls.enabled 4:17',
    ]);
    expect(diagnostics[0].message).toBe('true has no effect under mode none: with no proxies there is no mTLS, and the run has it off');
    const off = loadMeshProfileSource(`name: go\ndescription: d\nmode: none\n${mtls.replace('enabled: true', 'enabled: false')}\n${CONTROL_AND_POLICY}`, 'go.yaml');
    expect(off.diagnostics).toEqual([]);
  });

  it('does not tell a key with no value to fall back on a default it does not have', () => {
    const required = loadMeshProfileSource(kuma('kuma').replace(/^  timeout: none .*$/m, '  timeout:'), 'kuma.yaml');
    expect(required.diagnostics.map((d) => d.hint)).toEqual(['the key has no value: give it one (the key is required: it has no default)']);
    // An optional key may be removed: outlierDetection's interval has Envoy's default.
    const optional = loadMeshProfileSource(
      kuma('kuma').replace(/^  outlierDetection: none .*$/m, '  outlierDetection: {consecutive5xx: 5, baseEjectionTime: 30s, maxEjectionPercent: 10, interval: }'),
      'kuma.yaml',
    );
    expect(optional.diagnostics.map((d) => d.hint)).toEqual(['the key has no value: give it one, or remove the key to use the default']);
  });

  it('names every bundled profile when a topology is given instead of one', () => {
    const { diagnostics } = loadMeshProfileSource('name: t\nservices: {a: {serviceTime: 1ms}}\n', 't.yaml');
    expect(diagnostics[0].code).toBe('wrong-kind-of-file');
    expect(diagnostics[0].hint).toContain(`give --mesh a bundled name (${BUNDLED.join(', ')}) or such a file`);
  });
});

describe('the bundled directory', () => {
  it('holds only profiles and the profile schema', () => {
    const files = readdirSync('topologies/meshes').sort();
    expect(files).toEqual([...BUNDLED.map((n) => `${n}.yaml`), 'profile.schema.json'].sort());
  });
});

describe('the compiled package', () => {
  it('finds the bundled profiles from dist/sim/mesh (built by the test setup)', async () => {
    const compiled = (await import(new URL('../../dist/sim/mesh/loadProfile.js', import.meta.url).href)) as typeof import('../../sim/mesh/loadProfile.js');
    expect(compiled.meshProfilesDir()).toBe(join(process.cwd(), 'topologies', 'meshes'));
    expect(compiled.listMeshProfiles()).toEqual(BUNDLED);
    expect(compiled.loadMeshProfile('istio-sidecar', '.').profile).toEqual(ISTIO_SIDECAR);
  });
});

describe('a profile loaded again', () => {
  // Loads are remembered by file and text (a sweep loads one per point): each caller must still get its own.
  it('is a copy of its own: changing one load changes no later one', () => {
    const first = loadMeshProfile('istio-sidecar', '.').profile!;
    first.resilience.connectTimeout = 123;
    (first.sidecar as { workers: number }).workers = 99;
    const second = loadMeshProfile('istio-sidecar', '.').profile!;
    expect(second.resilience.connectTimeout).toBe(ISTIO_RESILIENCE.connectTimeout);
    expect(second.sidecar?.workers).toBe(ISTIO_SIDECAR.sidecar?.workers);
  });

  it('is read afresh from text that changed under the same name', () => {
    const text = readFileSync(join(meshProfilesDir(), 'istio-sidecar.yaml'), 'utf8');
    const a = loadMeshProfileSource(text, 'same.yaml').profile!;
    const b = loadMeshProfileSource(text.replace(/^(\s+)workers: 2\b/m, '$1workers: 7'), 'same.yaml').profile!;
    expect(a.sidecar?.workers).toBe(2);
    expect(b.sidecar?.workers).toBe(7);
  });
});
