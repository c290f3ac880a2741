/**
 * What a comparison may claim: latency columns that say they are of the
 * successes, error rates called different only when their 95 % Wilson
 * intervals do not overlap, and an order of medians only where the noise
 * allows one ("no order among them" otherwise). Fixture results for the
 * exact words, simulations for the claims on real numbers.
 */
import { describe, expect, it } from 'vitest';
import { compareTable } from '../../reports/compareTable.js';
import { errorRateNote, errorRateVerdict } from '../../reports/errorRates.js';
import { summaryTables } from '../../reports/html/tables.js';
import { renderHtmlReport } from '../../reports/html/document.js';
import { buildInvoice, invoiceText } from '../../reports/invoice.js';
import { reportModel } from '../../reports/model.js';
import { compareMeshes } from '../../sim/compare.js';
import { loadTopologySource, topologyOrThrow } from '../../sim/topology/load.js';
import { fixtureCompare } from './fixture.js';

const compare = (src: string, meshes: string[]) => compareMeshes(meshes.map((mesh) => topologyOrThrow(loadTopologySource(src, 'noise.yaml', { mesh }))));

// 3 % of the calls to b are answered 503 by an injected abort, the same requests in every mode (common random numbers);
// cilium's profile retries them away.
const ABORTS = 'name: aborts\nsimulation: {seed: 4, duration: 20s, warmup: 1s}\nservices:\n' +
  '  a: {replicas: 2, workers: 8, serviceTime: 1ms, calls: [b]}\n  b: {replicas: 2, workers: 8, serviceTime: 1ms}\n' +
  'entrypoints: {web: {target: a, rate: 100/s}}\ntimeline: [{at: 0s, abort: {service: b, status: 503, probability: 0.03}}]\n';

describe('the latency columns say they are of the successful requests', () => {
  it('in compare\'s table', () => {
    const table = compareTable(fixtureCompare());
    expect(table).toContain('Latency of successful requests at web (change against none; ~ = within the noise of the 95 % intervals; errors: of all completed requests)');
    expect(table).toContain('Latency of successful requests at api (');
    expect(table).not.toMatch(/^Latency at /m);
    expect(table).toContain('Where the time goes at web (mean per successful request)');
  });

  it('in the HTML report: a header over the latency columns, the counts beside it of every request', () => {
    const html = summaryTables(reportModel(fixtureCompare()));
    expect(html).toContain('<th rowspan="2">requests</th><th rowspan="2">failed</th><th rowspan="2">mesh-caused</th><th rowspan="2">throughput</th>' +
      '<th colspan="6" class="group">Latency of successful requests</th></tr><tr><th>mean</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>');
    // Every row still has its 11 cells under the 11 columns.
    const row = /<tr class="baseline">(.*?)<\/tr>/.exec(html)![1];
    expect(row.match(/<td/g)).toHaveLength(11);
    expect(renderHtmlReport(fixtureCompare())).toContain('the requests, failed and throughput columns count every completed request');
  });
});

describe('error rates: different only beyond the noise (95 % Wilson intervals)', () => {
  it('tells a difference from noise, and the same rate from both', () => {
    expect(errorRateVerdict({ failed: 12, completed: 1012 }, { failed: 0, completed: 1000 })).toBe('higher');
    expect(errorRateVerdict({ failed: 0, completed: 1000 }, { failed: 30, completed: 1000 })).toBe('lower');
    // 0.5 % against 0.7 % of 1,000: the intervals ([0.21 %, 1.2 %], [0.34 %, 1.4 %]) overlap.
    expect(errorRateVerdict({ failed: 5, completed: 1000 }, { failed: 7, completed: 1000 })).toBe('within the noise');
    // The same failures of the same requests, or none on either side: nothing to compare.
    expect(errorRateVerdict({ failed: 7, completed: 1000 }, { failed: 7, completed: 1000 })).toBeNull();
    expect(errorRateVerdict({ failed: 0, completed: 1000 }, { failed: 0, completed: 900 })).toBeNull();
    expect(errorRateVerdict({ failed: 0, completed: 0 }, { failed: 3, completed: 900 })).toBeNull();
  });

  it('says under the table which differ beyond the noise, and claims nothing of those within it', () => {
    const note = errorRateNote(['none', 'a', 'b'], 0, [{ failed: 7, completed: 1000 }, { failed: 5, completed: 1000 }, { failed: 40, completed: 1000 }]);
    expect(note).toBe('Error rates (failed of completed, 95 % Wilson intervals; a difference only where they do not overlap): ' +
      "b's 4.00% (95 % interval 2.95%–5.40%) is higher than none's 0.700% (95 % interval 0.339%–1.44%), beyond the noise; a's is within the noise of none's.");
    const within = errorRateNote(['none', 'a'], 0, [{ failed: 7, completed: 1000 }, { failed: 5, completed: 1000 }]);
    expect(within).toBe('Error rates (failed of completed, 95 % Wilson intervals; a difference only where they do not overlap): ' +
      "a's is within the noise of none's (0.700% (95 % interval 0.339%–1.44%)).");
    expect(within).not.toContain('beyond');
    // Nothing failed anywhere: no note.
    expect(errorRateNote(['none', 'a'], 0, [{ failed: 0, completed: 10 }, { failed: 0, completed: 10 }])).toBeNull();
  });

  it('in a simulation: a mode that retries the aborts away fails less beyond the noise, the others fail the same', () => {
    const c = compare(ABORTS, ['none', 'istio-sidecar', 'cilium']);
    const failed = c.runs.map((r) => r.entrypoints[0].failed);
    expect(failed[0]).toBeGreaterThan(20);
    expect(failed[1]).toBe(failed[0]);
    expect(failed[2]).toBe(0);
    const table = compareTable(c);
    expect(table).toMatch(/\nError rates \(failed of completed, 95 % Wilson intervals; a difference only where they do not overlap\): cilium's 0% \(95 % interval 0%–\S+\) is lower than none's \S+ \(95 % interval \S+–\S+\), beyond the noise\.\n/);
    expect(table).not.toMatch(/istio-sidecar's/);
    const words = invoiceText(buildInvoice(reportModel(c)));
    expect(words).toMatch(/- cilium \(.*\): at web .*, and no request failed \(none: \S+; lower, beyond the noise\)\./);
    // The same failures as the baseline's: their rate in brackets, and no claim either way.
    expect(words).toMatch(/- istio-sidecar \(.*\): at web .*, and (\S+) of requests failed \(none: \1\), 0% of them caused by the mesh\./);
    // The HTML says it under the table, escaped.
    expect(summaryTables(reportModel(c))).toMatch(/<p class="note">Error rates \(failed of completed, .*: cilium&#39;s 0% .* beyond the noise\.<\/p>/);
  });

  it('an invoice says "within the noise" of a difference the intervals cannot tell', () => {
    const c = fixtureCompare();
    // istio-ambient fails 1 request of 801 at api, none 0 of 800: the intervals overlap.
    const e = c.runs[2].entrypoints[1];
    Object.assign(e, { failed: 1, completed: 801, errorRate: 1 / 801, failures: [{ cause: 'queue-full', component: 'overload', flag: '-', mesh: false, service: 'checkout', count: 1 }], appCaused: 1 });
    c.invoice[1].rows[2].errorRate = 1 / 801;
    const words = invoiceText(buildInvoice(reportModel(c)));
    expect(words).toContain('and 0.125% of requests failed (none: 0%; the difference is within the noise), 0% of them caused by the mesh');
  });
});

describe('the order of the medians: "leaves the lowest median", and no order within the noise', () => {
  it('names the lowest and the highest median where the intervals tell them apart, never "fastest"', () => {
    const words = invoiceText(buildInvoice(reportModel(fixtureCompare())));
    expect(words).toContain('At web, istio-ambient leaves the lowest median (+308µs against none), istio-sidecar the highest (+766µs).');
    expect(words).not.toMatch(/fastest|adds the least/);
  });

  it('says "no order among them" when every two medians\' 95 % intervals overlap', () => {
    const c = fixtureCompare();
    // ±20 % intervals: istio-sidecar's and istio-ambient's medians (6.77 ms, 6.31 ms) can no longer be told apart.
    for (const r of c.runs) for (const e of r.entrypoints) e.latency.ci.p50 = [e.latency.p50 * 0.8, e.latency.p50 * 1.2];
    const lines = invoiceText(buildInvoice(reportModel(c))).split('\n');
    expect(lines).toContain('At web, the medians of istio-sidecar and istio-ambient are within the noise of each other (their 95 % intervals overlap): no order among them.');
    expect(lines.join('\n')).not.toMatch(/leaves the lowest median/);
    // The HTML emphasises it.
    expect(renderHtmlReport(c)).toContain('are within the noise of each other (their 95 % intervals overlap): <strong>no order among them</strong>.');
  });

  it('names those within the noise of the lowest beside it, and leaves the highest out when it is one of them', () => {
    const c = fixtureCompare();
    c.runs.push(structuredClone(c.runs[2]));
    c.runs[3].mesh.profile = 'linkerd';
    for (const ep of c.invoice) ep.rows.push(structuredClone(ep.rows[2]));
    // linkerd's median 0.1 ms above istio-ambient's, inside its interval; istio-sidecar's still apart.
    for (const [i, ep] of c.invoice.entries()) {
      const e = c.runs[3].entrypoints[i];
      e.latency.p50 += 0.0001;
      e.latency.ci.p50 = [e.latency.p50 * 0.97, e.latency.p50 * 1.03];
      ep.rows[3] = { ...ep.rows[3], mesh: 'linkerd', p50: { ...ep.rows[3].p50, value: e.latency.p50, delta: ep.rows[3].p50.delta + 0.0001 } };
    }
    const words = invoiceText(buildInvoice(reportModel(c)));
    expect(words).toContain('At web, istio-ambient leaves the lowest median (+308µs against none; linkerd, at +408µs, is within its noise), istio-sidecar the highest (+766µs).');
    // Only linkerd and istio-sidecar can be told apart, and both are within the lowest's noise: no "highest" is named.
    const two = structuredClone(c);
    two.runs[3].entrypoints[0].latency.ci.p50 = [0.00640, 0.00642];
    two.runs[1].entrypoints[0].latency.ci.p50 = [0.00645, 0.0070];
    expect(invoiceText(buildInvoice(reportModel(two)))).toContain(
      'At web, istio-ambient leaves the lowest median (+308µs against none; istio-sidecar and linkerd, at +766µs, +408µs, are within its noise).');
  });

  it('in a simulation without a mesh as the baseline: the baseline is named, and changes are against it', () => {
    const src = 'name: e\nsimulation: {seed: 2, duration: 10s, warmup: 1s}\nservices:\n  front: {replicas: 2, workers: 8, serviceTime: 1ms, calls: [back]}\n' +
      '  back: {replicas: 2, workers: 8, serviceTime: 1ms}\nentrypoints: {web: {target: front, rate: 100/s}}\n';
    const words = invoiceText(buildInvoice(reportModel(compare(src, ['linkerd', 'istio-sidecar', 'cilium']))));
    expect(words).toMatch(/At web, (linkerd leaves the lowest median|the medians of .* no order among them)/);
    expect(words).not.toMatch(/fastest|adds the least/);
  });
});
