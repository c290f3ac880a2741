/**
 * A setting that does nothing in a run (validate's `no-effect` warnings)
 * travels with the topology into the results — `warnings`, in a fixed order —
 * and a report says so in a sentence, so that a reader of the page, not only
 * whoever ran `validate`, learns that a service's retries did nothing under
 * ambient's L4 node proxies.
 */
import { describe, expect, it } from 'vitest';
import { compareTable } from '../../reports/compareTable.js';
import { renderHtmlReport } from '../../reports/html/document.js';
import { warningsHtml } from '../../reports/html/sections.js';
import { buildInvoice, invoiceText } from '../../reports/invoice.js';
import { reportModel } from '../../reports/model.js';
import { runTable } from '../../reports/table.js';
import { resultJson } from '../../sim/cli/program.js';
import { compareMeshes, compareMeshesParallel } from '../../sim/compare.js';
import { runTopology } from '../../sim/run.js';
import { summarizeRun } from '../../sim/sweep/record.js';
import { loadTopologyFile, loadTopologySource, topologyOrThrow } from '../../sim/topology/load.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// api's retries and timeout act in a sidecar or a waypoint; under istio-ambient (no waypoint) calls between pods pass only ztunnel.
const RETRIES = [
  'name: idle-retries',
  'simulation: {seed: 3, duration: 6s, warmup: 1s}',
  'services:',
  '  front: {replicas: 2, workers: 8, serviceTime: 1ms, calls: [api], ingressUseWaypoint: true}',
  '  api:',
  '    replicas: 2',
  '    workers: 8',
  '    serviceTime: 2ms',
  '    resilience:',
  '      timeout: 1s',
  '      retries: {attempts: 3}',
  'entrypoints:',
  '  web: {target: front, rate: 100/s}',
  '',
].join('\n');

const load = (src: string, mesh: string) => topologyOrThrow(loadTopologySource(src, 'idle.yaml', { mesh }));

describe('settings that did nothing, in the results', () => {
  it('are the run\'s no-effect warnings, after its own, in the order of the file', () => {
    const topology = load(RETRIES, 'istio-ambient');
    expect(topology.noEffect?.map((s) => s.path)).toEqual([
      'services.front.ingressUseWaypoint', 'services.api.resilience.timeout', 'services.api.resilience.retries',
    ]);
    const r = runTopology(topology);
    const idle = r.warnings.filter((w) => w.code === 'no-effect');
    expect(idle.map((w) => w.subject)).toEqual(['services.front.ingressUseWaypoint', 'services.api.resilience.timeout', 'services.api.resilience.retries']);
    expect(idle[2].message).toBe('resilience.retries of "api" has no effect on calls between pods under profile "istio-ambient": in ambient mode they pass only ' +
      'node proxies (ztunnel, L4), and the profile has no waypoint; it applies to calls from the ingress gateway');
    // Listed after the run's own warnings (none here), the same on every run: the JSON is byte for byte the same.
    expect(r.warnings.slice(r.warnings.length - idle.length)).toEqual(idle);
    expect(resultJson(runTopology(load(RETRIES, 'istio-ambient')))).toBe(resultJson(r));
    expect(JSON.parse(resultJson(r)).warnings.map((w: { code: string }) => w.code)).toEqual(['no-effect', 'no-effect', 'no-effect']);
  });

  it('differ by mode: under a sidecar mesh the retries act, and only what does nothing anywhere is left', () => {
    const sidecar = runTopology(load(RETRIES, 'istio-sidecar'));
    expect(sidecar.warnings.map((w) => w.subject)).toEqual(['services.front.ingressUseWaypoint']);
    expect(runTopology(load(RETRIES.replace(', ingressUseWaypoint: true', ''), 'istio-sidecar')).warnings).toEqual([]);
  });

  it('survive the trip to worker threads: compare on 2 workers gives the same results', async () => {
    const topologies = ['none', 'istio-ambient'].map((mesh) => load(RETRIES, mesh));
    const inline = compareMeshes(topologies);
    const threaded = await compareMeshesParallel(topologies, {}, { workers: 2 });
    expect(JSON.stringify(threaded)).toBe(JSON.stringify(inline));
    expect(threaded.runs[1].warnings.filter((w) => w.code === 'no-effect')).toHaveLength(3);
  });

  it('a --duration replaces the file\'s run length: its "duration has no effect beside requests" no longer applies', () => {
    const src = RETRIES.replace('simulation: {seed: 3, duration: 6s, warmup: 1s}', 'simulation: {seed: 3, duration: 6s, requests: 300, warmup: 1s}');
    const t = load(src, 'none');
    expect(t.noEffect?.map((s) => s.path)).toEqual(['simulation.duration', 'services.front.ingressUseWaypoint']);
    expect(runTopology(t).warnings.map((w) => w.subject)).toEqual(['simulation.duration', 'services.front.ingressUseWaypoint']);
    expect(runTopology(t, { duration: 3 }).warnings.map((w) => w.subject)).toEqual(['services.front.ingressUseWaypoint']);
  });

  it('name the mesh profile when the setting is in the profile file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-no-effect-profile-'));
    writeFileSync(join(dir, 'my-none.yaml'), readFileSync('topologies/meshes/none.yaml', 'utf8').replace('name: none', 'name: my-none').replace('  enabled: false', '  enabled: true'));
    writeFileSync(join(dir, 't.yaml'), 'name: p\nmesh: my-none.yaml\nsimulation: {duration: 3s}\nservices: {a: {serviceTime: 1ms}}\nentrypoints: {w: {target: a, rate: 10/s}}\n');
    const r = runTopology(topologyOrThrow(loadTopologyFile(join(dir, 't.yaml'))));
    expect(r.warnings).toEqual([{
      code: 'no-effect', subject: 'mesh profile "my-none": mtls.enabled',
      message: 'true has no effect under mode none: with no proxies there is no mTLS, and the run has it off',
    }]);
  });

  it('are left out of a sweep\'s lines: the sweep says them once as it plans', () => {
    const summary = summarizeRun(runTopology(load(RETRIES, 'istio-ambient')));
    expect(summary.warnings).toBeUndefined();
  });
});

describe('settings that did nothing, in the words of a report', () => {
  const c = compareMeshes(['none', 'istio-sidecar', 'istio-ambient'].map((mesh) => load(RETRIES, mesh)));

  it('the invoice says, in a sentence, what did nothing and in which modes', () => {
    const lines = invoiceText(buildInvoice(reportModel(c))).split('\n');
    expect(lines).toContain('In every mode, a setting did nothing: services.front.ingressUseWaypoint — ingressUseWaypoint of "front" has no effect: ' +
      'only services with l7: true have a waypoint to go through.');
    expect(lines).toContain('Under istio-ambient, a setting did nothing: services.api.resilience.retries — resilience.retries of "api" has no effect on calls ' +
      'between pods under profile "istio-ambient": in ambient mode they pass only node proxies (ztunnel, L4), and the profile has no waypoint; ' +
      'it applies to calls from the ingress gateway.');
    expect(lines.filter((l) => l.includes('a setting did nothing'))).toHaveLength(3);
    // Before the bottom line, after the modes.
    const first = lines.findIndex((l) => l.includes('a setting did nothing'));
    expect(lines[first - 1]).toMatch(/^- istio-ambient /);
    // A single run says "in this run".
    expect(invoiceText(buildInvoice(reportModel(c.runs[2])))).toContain('In this run, a setting did nothing: services.api.resilience.retries — ');
  });

  it('the page shows the sentences in the invoice, escaped, and not among the warnings about the numbers', () => {
    const html = renderHtmlReport(c);
    expect(html).toContain('<p class="no-effect">Under <strong>istio-ambient</strong>, a setting did nothing: <strong>services.api.resilience.retries</strong> — ' +
      'resilience.retries of &quot;api&quot; has no effect');
    expect(warningsHtml(reportModel(c))).toBe('');
    // Re-rendered from the saved JSON, the same page.
    expect(renderHtmlReport(JSON.parse(resultJson(c)))).toBe(html);
  });

  it('the tables print them among the warnings, with the setting first', () => {
    expect(compareTable(c)).toContain('\nWarnings\n  none: services.front.ingressUseWaypoint did nothing: ingressUseWaypoint of "front" has no effect');
    expect(compareTable(c)).toContain('\n  istio-ambient: services.api.resilience.retries did nothing: resilience.retries of "api" has no effect on calls between pods');
    expect(runTable(c.runs[2])).toContain('\nWarnings\n  services.front.ingressUseWaypoint did nothing: ');
  });

  it('a hostile service name stays text in the page', () => {
    const src = RETRIES.replaceAll('api', '"a<b>&c"').replace('calls: ["a<b>&c"]', 'calls: ["a<b>&c"]');
    const html = renderHtmlReport(compareMeshes(['none', 'istio-ambient'].map((mesh) => load(src, mesh))));
    expect(html).toContain('<strong>services[&quot;a&lt;b&gt;&amp;c&quot;].resilience.retries</strong> — resilience.retries of &quot;a&lt;b&gt;&amp;c&quot; has no effect');
    expect(html).not.toContain('<b>&c');
  });
});
