import { describe, expect, it } from 'vitest';
import { buildInvoice, invoiceText } from '../../reports/invoice.js';
import { reportModel } from '../../reports/model.js';
import { fixtureCompare, fixtureRun } from './fixture.js';
import { compareMeshes } from '../../sim/compare.js';
import { compareTable } from '../../reports/compareTable.js';
import { replicaFailureTable, summaryTables } from '../../reports/html/tables.js';
import { headerHtml } from '../../reports/html/sections.js';
import { runTable } from '../../reports/table.js';
import { sig } from '../../reports/format.js';
import { runTopology } from '../../sim/run.js';
import { compareCsv } from '../../reports/csv.js';
import { addedRows } from '../../reports/charts/decomposition.js';
import { timelineRows } from '../../reports/charts/timeline.js';
import { loadTopologyFile, loadTopologySource, topologyOrThrow } from '../../sim/topology/load.js';

describe('the invoice in words', () => {
  it('says what each mesh adds against the baseline, what it costs, and which is cheapest', () => {
    expect(invoiceText(buildInvoice(reportModel(fixtureCompare())))).toMatchInlineSnapshot(`
      "shop was simulated under 3 data planes with the same seed and the same random numbers, so the differences are the meshes', not chance. Against none:
      - none (no mesh, the baseline): at web the median is 6.01ms and the p99 12.0ms; at api the median is 2.49ms and the p99 3.99ms. The applications' own work uses 1.20 vCPU.
      - istio-sidecar (a sidecar proxy in every pod, mTLS on): at web the median goes from 6.01ms to 6.77ms (+766µs, +12.7%) and the p99 goes from 12.0ms to 12.8ms (+868µs, +7.25%), and 1.19% of requests failed (none: 0%; higher, beyond the noise), 33.3% of them caused by the mesh; at api the median goes from 2.49ms to 3.30ms (+805µs, +32.3%) and the p99 goes from 3.99ms to 4.82ms (+834µs, +20.9%). Its 5 sidecar proxies use 0.250 vCPU (20.8% on top of the applications' 1.20 vCPU) and 0.300 GB: $8.82 a month, or $882 a month at 1,000 pods.
      - istio-ambient (a node proxy on every node, mTLS on): at web the median goes from 6.01ms to 6.31ms (+308µs, +5.13%, within the noise) and the p99 goes from 12.0ms to 12.3ms (+365µs, +3.05%, within the noise); at api the median goes from 2.49ms to 2.81ms (+318µs, +12.7%, within the noise) and the p99 goes from 3.99ms to 4.32ms (+332µs, +8.33%, within the noise). Its 2 node proxies use 0.100 vCPU (8.33% on top of the applications' 1.20 vCPU) and 0.0240 GB: $3.13 a month, or $313 a month at 1,000 pods.
      At web, istio-ambient leaves the lowest median (+308µs against none), istio-sidecar the highest (+766µs).
      At api, istio-ambient leaves the lowest median (+318µs against none), istio-sidecar the highest (+805µs).
      The cheapest data plane is istio-ambient ($3.13 a month here, $313 at 1,000 pods); the dearest istio-sidecar ($8.82 a month here, $882 at 1,000 pods)."
    `);
  });

  it('describes a single run without a baseline', () => {
    expect(invoiceText(buildInvoice(reportModel(fixtureRun())))).toMatchInlineSnapshot(`
      "shop under one mesh; meshtax compare shows it against no mesh and the other meshes.
      - istio-sidecar (a sidecar proxy in every pod, mTLS on): at web the median is 6.77ms and the p99 12.8ms over 1,012 requests, and 1.19% of requests failed, 33.3% of them caused by the mesh; at api the median is 3.30ms and the p99 4.82ms over 800 requests. Its 5 sidecar proxies use 0.250 vCPU (20.8% on top of the applications' 1.20 vCPU) and 0.300 GB: $8.82 a month, or $882 a month at 1,000 pods."
    `);
  });

  it('gives the change against a baseline of 0 as a difference only: no percentage of nothing', () => {
    const src = 'name: z\nsimulation: {duration: 20s}\nservices: {a: {serviceTime: 0}}\nentrypoints: {w: {target: a, rate: 10/s}}\n';
    const c = compareMeshes(['none', 'istio-sidecar'].map((mesh) => topologyOrThrow(loadTopologySource(src, 'z.yaml', { mesh }))));
    const row = c.invoice[0].rows[1];
    expect(c.invoice[0].rows[0].p50.value).toBe(0);
    expect(row.p50.delta).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(row.p50)).relative).toBeNull();
    const table = compareTable(c);
    expect(table).not.toMatch(/\+0%/);
    expect(table).toMatch(/istio-sidecar +\S+ \+\d+µs /);
    const words = invoiceText(buildInvoice(reportModel(c)));
    expect(words).toMatch(/the median goes from 0 to \S+ \(\+\d+(\.\d+)?µs\)/);
    expect(words).not.toMatch(/\+0%|–\)/);
    // CSV: the relative change is empty, not 0.
    const line = compareCsv(c).split('\n')[2].split(',');
    expect(line[8]).toBe('');
  });

  it('names every mode whose median ties, not whichever came first', () => {
    // bookinfo put linkerd's and cilium's medians in one histogram bin (+395µs each); only linkerd was named.
    const c = fixtureCompare();
    const web = c.invoice[0].rows;
    web[2].p50.delta = web[1].p50.delta;
    expect(invoiceText(buildInvoice(reportModel(c))).split('\n')).toContain(
      "At web, the medians of istio-sidecar and istio-ambient are the same (they land in one of the histogram's ±0.5 % bins): no order among them.");
    const three = fixtureCompare();
    three.runs.push(structuredClone(three.runs[2]));
    three.runs[3].mesh.profile = 'linkerd';
    for (const ep of three.invoice) ep.rows.push(structuredClone(ep.rows[2]));
    const words = invoiceText(buildInvoice(reportModel(three))).split('\n');
    expect(words).toContain('At web, istio-ambient and linkerd leave the lowest median (+308µs each against none), istio-sidecar the highest (+766µs).');
  });

  it('says a quantile that lands in the baseline\'s bin changed by less than a bin, not by +0', () => {
    const c = fixtureCompare();
    const row = c.invoice[0].rows[2];
    row.p50 = { ...row.p50, value: c.invoice[0].rows[0].p50.value, delta: 0, relative: 0, significant: false };
    // The run says so too: a report refuses an invoice that disagrees with its runs.
    (c.runs[2].entrypoints.find((e) => e.name === 'web') as (typeof c.runs)[0]['entrypoints'][0]).latency.p50 = row.p50.value;
    const words = invoiceText(buildInvoice(reportModel(c)));
    expect(words).toContain("at web the median stays at 6.01ms (a change under the histogram's ±0.5 % bins, if any)");
    expect(words).not.toMatch(/\(\+0, \+0%/);
    // The bottom line says so too, not "(+0)".
    expect(words).toContain("At web, istio-ambient leaves the lowest median (a change under the histogram's ±0.5 % bins against none), istio-sidecar the highest (+766µs).");
    expect(words).not.toMatch(/\(\+0\b/);
  });

  it('says so when the order of cost at the projected scale differs from the order here', () => {
    const c = fixtureCompare();
    // istio-sidecar is the dearer here ($8.82 against $3.13); make it the cheaper at 1,000 pods.
    const sidecar = c.runs.findIndex((r) => r.mesh.profile === 'istio-sidecar');
    const ambient = c.runs.findIndex((r) => r.mesh.profile === 'istio-ambient');
    c.runs[sidecar].resources.projection.proxyCostPerMonth = 200;
    c.runs[ambient].resources.projection.proxyCostPerMonth = 313;
    const last = invoiceText(buildInvoice(reportModel(c))).split('\n').at(-1);
    expect(last).toBe('Here the cheapest data plane is istio-ambient ($3.13 a month); the dearest istio-sidecar ($8.82 a month). ' +
      'At 1,000 pods the order changes: istio-sidecar is the cheapest ($200 a month) and istio-ambient the dearest ($313 a month).');
  });
});

describe('summaries that read right at the edges', () => {
  const compare = (src: string, meshes: Array<{ mesh: string; mtls?: boolean }>) =>
    compareMeshes(meshes.map((o) => topologyOrThrow(loadTopologySource(src, 'edge.yaml', o))));
  const two = 'name: e\nsimulation: {seed: 2, duration: 10s, warmup: 1s}\nservices:\n  front: {replicas: 2, workers: 8, serviceTime: 1ms, calls: [back]}\n  back: {replicas: 2, workers: 8, serviceTime: 1ms}\nentrypoints: {web: {target: front, rate: 100/s}}\n';

  it('with a mesh as the baseline, every mesh competes for cheapest, and no mesh "adds" against itself', () => {
    const c = compare(two, [{ mesh: 'linkerd' }, { mesh: 'istio-sidecar' }, { mesh: 'cilium' }]);
    const words = invoiceText(buildInvoice(reportModel(c)));
    const costs = c.runs.map((r) => r.resources.proxyCostPerMonth);
    const cheapest = c.runs[costs.indexOf(Math.min(...costs))].mesh.profile;
    // Before: the baseline (linkerd, the cheapest) was left out, and cilium named the cheapest.
    expect(words).toContain(`The cheapest data plane is ${cheapest} (`);
    expect(cheapest).toBe('linkerd');
    expect(words).toMatch(/At web, (\S+ leaves the lowest median|the medians of .* no order among them)/);
    expect(words).not.toMatch(/adds the least|against linkerd\)[^.]*linkerd leaves/);
  });

  it('a mode with no successful request is neither the least-adding mode nor a saving in the decomposition', () => {
    // The root CA expired for the whole run: every mTLS handshake fails under istio-sidecar; linkerd runs with mTLS off.
    const src = two + 'timeline: [{at: 0s, certificateExpiry: {root: true}}]\n';
    const c = compare(src, [{ mesh: 'none' }, { mesh: 'istio-sidecar' }, { mesh: 'linkerd', mtls: false }]);
    expect(c.runs[1].entrypoints[0].succeeded).toBe(0);
    const words = invoiceText(buildInvoice(reportModel(c)));
    expect(words).toMatch(/At web, linkerd leaves the lowest median \(\+\S+ against none\)\./);
    expect(words).not.toContain('(–)');
    // The mesh that failed every request is named for it (it read only "no request succeeded"), and is no cheapest data plane.
    expect(words).toContain('at web no request succeeded, and 100% of requests failed (none: 0%; higher, beyond the noise), 100% of them caused by the mesh');
    expect(words).not.toMatch(/cheapest data plane is istio-sidecar/);
    // The header's batch means were the first mode's (20) alone: the failing mode had none.
    expect(headerHtml(reportModel(c))).toContain('95 % intervals from 20 batch means; none where fewer than 2 batches had a successful request');
    // Its latency cells in the HTML tables are "–", with no "within the noise" mark on nothing.
    const cells = summaryTables(reportModel(c));
    expect(cells).not.toMatch(/–\s*<[^>]*>\s*~|– ~/);
    expect(cells).not.toContain('NaN');
    // No bar saying istio-sidecar saves the applications' work.
    expect(addedRows(reportModel(c)).filter((r) => r.mesh === 'istio-sidecar')).toEqual([]);
    const table = compareTable(c);
    const sidecarRow = table.split('\n').find((l) => l.startsWith('istio-sidecar') && l.includes('–'));
    expect(sidecarRow).toBeDefined();
  });

  it('says nothing was measured when nothing was, not "errors 0%", and a baseline with no median is no base for a change', () => {
    // A run over before its first arrival: 0 completed is no error rate.
    const empty = compare('name: n\nsimulation: {seed: 1, duration: 100ms}\nservices: {a: {serviceTime: 1ms}}\nentrypoints: {w: {target: a, rate: 1/s, arrivals: constant}}\n',
      [{ mesh: 'none' }, { mesh: 'linkerd' }]);
    expect(empty.runs[0].entrypoints[0].completed).toBe(0);
    const row = compareTable(empty).split('\n').find((l) => l.startsWith('linkerd'))!;
    expect(row).not.toContain('0%');
    expect(invoiceText(buildInvoice(reportModel(empty)))).toContain('at w no request was measured');
    // istio-sidecar's root expired (every request failed), linkerd without mTLS served: compared against istio-sidecar.
    const src = two + 'timeline: [{at: 0s, certificateExpiry: {root: true}}]\n';
    const words = invoiceText(buildInvoice(reportModel(compare(src, [{ mesh: 'istio-sidecar' }, { mesh: 'linkerd', mtls: false }]))));
    expect(words).toMatch(/linkerd \(.*\): at web the median is \S+ and the p99 \S+ \(istio-sidecar: no request succeeded\), and no request failed \(istio-sidecar: 100%; lower, beyond the noise\)/);
    expect(words).not.toContain('within the noise');
  });

  it('prints time-weighted proxy counts rounded, and the runs\' warnings', () => {
    const scaled = two.replace('entrypoints:', 'timeline:\n  - {at: 4s, scale: {service: back, replicas: 5, startup: 1s, preStop: 0s}}\nentrypoints:');
    const table = compareTable(compare(scaled, [{ mesh: 'none' }, { mesh: 'istio-sidecar' }]));
    expect(table).not.toMatch(/\d\.\d{6,}/);
    const saturated = compareTable(compare(
      'name: s\nsimulation: {seed: 2, duration: 20s, warmup: 2s}\nservices: {s: {workers: 2, serviceTime: {dist: exponential, mean: 5ms}}}\nentrypoints: {web: {target: s, rate: 450/s, via: direct}}\n',
      [{ mesh: 'none' }, { mesh: 'istio-sidecar' }]));
    expect(saturated).toMatch(/\nWarnings\n  none: /);
  });

  it('lists the pods where failures began, the top 8 and the rest in one row', () => {
    const c = fixtureCompare();
    const e = c.runs[1].entrypoints[0];
    e.failuresByReplica = Array.from({ length: 11 }, (_, k) => ({ service: 'api', replica: `api-${k}`, count: 11 - k }));
    const html = replicaFailureTable(reportModel(c));
    // Before: 8 rows and nothing about the other 3 pods' 6 failures.
    expect(html).toContain('<td class="name">3 other pods</td><td></td><td>6</td>');
  });

  it('the timeline marks every event, breaks its lines where there is nothing to show, and draws the last interval', () => {
    const c = fixtureCompare();
    const tl = c.runs[1].timeline;
    // 400 ejections in the first seconds, then a crash at 55 s: only the first 150 markers were drawn.
    tl.markers = [...Array.from({ length: 400 }, (_, k) => ({ at: 1 + k / 100, kind: 'ejection', subject: 'b-0' })), { at: 55, kind: 'crash', subject: 'b-1' }];
    // Nothing succeeded from 30 s to 40 s: the p99 line carried 30 ms across.
    tl.points[3].p99 = null as unknown as number;
    const { points, markers } = timelineRows(reportModel(c));
    expect(markers.some((m) => m.events.includes('crash b-1'))).toBe(true);
    expect(markers.find((m) => m.events.includes('ejection b-0'))?.major).toBe(false);
    const sidecar = points.filter((p) => p.mesh === 'istio-sidecar');
    expect(sidecar.filter((p) => p.t >= 30 && p.t <= 40 && p.p99 === null)).toHaveLength(2);
    // Each interval spans its own time: the last one drawn (50–60 s, the load ends at 60 s) ends at 60 s; the step line ended at 50 s.
    expect(Math.max(...sidecar.map((p) => p.t))).toBe(60);
  });

  it('the timeline\'s last merged interval is a rate over its own length', () => {
    // 305 one-second intervals merge in threes; the last group holds two.
    const src = 'name: t\nsimulation: {seed: 1, duration: 305s, warmup: 5s}\nservices: {a: {serviceTime: 1ms, workers: 4}}\nentrypoints: {w: {target: a, rate: 100/s, arrivals: constant}}\n';
    const points = timelineRows(reportModel(compare(src, [{ mesh: 'none' }]).runs[0])).points;
    const last = points[points.length - 1];
    expect(last.rate).toBeGreaterThan(95);
  });
});

describe('words and numbers for one proxy, tiny prices and replications', () => {
  const load = (src: string, options = {}) => topologyOrThrow(loadTopologySource(src, 'one.yaml', options));
  const one = 'name: one\nsimulation: {seed: 1, duration: 10s, warmup: 1s}\ncosts: {vcpuHour: 0.0001, gbHour: 0.00001, projectPods: 1}\nservices: {a: {serviceTime: 1ms}}\nentrypoints: {w: {target: a, rate: 10/s}}\n';

  it('one sidecar "uses", at 1 pod, and a cost under a cent keeps its digits', () => {
    const words = invoiceText(buildInvoice(reportModel(compareMeshes(['none', 'istio-sidecar', 'linkerd'].map((mesh) => load(one, { mesh }))))));
    expect(words).toContain('Its 1 sidecar proxy uses ');
    expect(words).toMatch(/a month at 1 pod\./);
    // Before: "$0.00 a month" for every mode, so "the cheapest" compared nothing visible.
    expect(words).not.toMatch(/\$0\.00(?!\d)/);
    expect(words).toMatch(/The cheapest data plane is \S+ \(\$0\.00\d+ a month here/);
    // The tables said "1 pods".
    const c = compareMeshes(['none', 'istio-sidecar'].map((mesh) => load(one, { mesh })));
    expect(compareTable(c)).toContain('at 1 pod: vCPU');
    expect(runTable(c.runs[1])).toContain('At 1 pod: ');
    expect(`${compareTable(c)}\n${runTable(c.runs[1])}`).not.toMatch(/\b1 pods\b/);
  });

  it('prints a time-weighted proxy count as it is, so count × each = total', () => {
    // back scales from 2 to 5 pods at 4 s of 10: 3.5 sidecars on average, not "4" beside a total of 3.5 × each.
    const src = one.replace('services: {a: {serviceTime: 1ms}}', 'services: {a: {serviceTime: 1ms, replicas: 2}}') + 'timeline: [{at: 5s, scale: {service: a, replicas: 5, startup: 0s}}]\n';
    const r = runTopology(load(src, { mesh: 'istio-sidecar' }));
    const sidecars = r.resources.proxies.find((p) => p.kind === 'sidecar')!;
    expect(Number.isInteger(sidecars.count)).toBe(false);
    const line = runTable(r).split('\n').find((l) => l.startsWith('sidecar'))!;
    expect(line.split(/\s+/)[1]).toBe(sig(sidecars.count));
  });

  it('an hourly job\'s vCPU reads "<0.000001", not "9.72e-7", and a bill at tiny prices keeps its digits in plain decimals', () => {
    // A 5 ms job once an hour uses 9.7e-7 vCPU: the table and the invoice wrote "9.72e-7 vCPU", and at $1e-7 a vCPU-hour "$7.8e-7/month".
    const hourly = 'name: hourly\nsimulation: {seed: 1, duration: 10h, warmup: 1s}\ncosts: {vcpuHour: 0.0000001, gbHour: 0.000000001, projectPods: 1}\n' +
      'services: {job: {serviceTime: 5ms}}\nentrypoints: {cron: {target: job, rate: 1/h}}\n';
    const r = runTopology(load(hourly, { mesh: 'istio-sidecar' }));
    expect(r.resources.appVcpu).toBeGreaterThan(0);
    expect(r.resources.appVcpu).toBeLessThan(1e-6);
    expect(r.resources.proxyCostPerMonth).toBeLessThan(1e-6);
    const table = runTable(r);
    const words = invoiceText(buildInvoice(reportModel(r)));
    expect(table).toContain("the applications' own work used <0.000001 vCPU.");
    expect(words).toContain("on top of the applications' <0.000001 vCPU");
    expect(table).toMatch(/\(\$0\.000000\d+\/month at \$0\.0000001\/vCPU-h/);
    expect(`${table}\n${words}`).not.toMatch(/\de-\d/);
  });

  it('a bill past 10^15 a month, which valid input reaches, is written in powers of ten, not in rounding digits', () => {
    // istio-sidecar as shipped, 2,000/s over two pods, projected to the most pods allowed at the highest prices allowed:
    // the table and the invoice wrote $9,082,992,029,316,452, past 2^53, its last digits the arithmetic's rounding.
    const busy = 'name: busy\nsimulation: {seed: 1, duration: 3s, warmup: 1s}\ncosts: {vcpuHour: 1000000, gbHour: 1000000, projectPods: 1000000}\n' +
      'services: {api: {replicas: 2, workers: 64, serviceTime: 1ms}}\nentrypoints: {web: {target: api, rate: 2000/s}}\n';
    const r = runTopology(load(busy, { mesh: 'istio-sidecar' }));
    expect(r.resources.projection.proxyCostPerMonth).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    const table = runTable(r);
    const words = invoiceText(buildInvoice(reportModel(r)));
    expect(table).toMatch(/At 1,000,000 pods: \d+ vCPU and \d+ GB of proxies, \$9\.\d\d×10¹⁵\/month\./);
    expect(words).toMatch(/, or \$9\.\d\d×10¹⁵ a month at 1,000,000 pods\./);
    // No sum of 16 or more digits anywhere.
    expect(`${table}\n${words}`).not.toMatch(/\$\d{1,3}(,\d{3}){5}/);
  });

  it('says measured time over replications is a sum', () => {
    const r = runTopology(load(one), { replications: 3 });
    expect(runTable(r).split('\n')[0]).toContain('3 replications; 3 × 9.00s measured');
  });
});

describe('outputs that must agree', () => {
  it("the CSV's service rows count every arrival that got no successful response as failed, as the entry point's do", async () => {
    const { runCsv } = await import('../../reports/csv.js');
    // Every request fails at the leaf (an injected abort): the services' rows read 0 failed before (rejections only).
    const src = 'name: f\nsimulation: {seed: 1, duration: 10s, warmup: 1s}\nservices:\n  a: {serviceTime: 1ms, workers: 8, calls: [leaf]}\n  leaf: {serviceTime: 1ms, workers: 8}\nentrypoints: {w: {target: a, rate: 50/s}}\ntimeline: [{at: 0s, abort: {service: leaf, status: 503}}]\n';
    const r = runTopology(topologyOrThrow(loadTopologySource(src, 'f.yaml')));
    const rows = runCsv(r).trim().split('\n').slice(1).map((l) => l.split(','));
    for (const row of rows.filter((x) => x[0] === 'service')) {
      expect(Number(row[3])).toBe(Number(row[2]));
      expect(Number(row[4])).toBe(1);
    }
  });

  it("the CSV's service rows do not count requests still in flight when a --requests run stops as failed", async () => {
    const { runCsv } = await import('../../reports/csv.js');
    // No fault anywhere: every service's failed must be 0, as both entry points' are. Before, the
    // requests at a service when the 1,000th completed (arrivals − successes) read as failures.
    const r = runTopology(topologyOrThrow(loadTopologyFile('topologies/checkout.yaml')), { requests: 1000 });
    const rows = runCsv(r).trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.filter((x) => x[0] === 'entrypoint').map((x) => x[3])).toEqual(['0', '0']);
    const services = rows.filter((x) => x[0] === 'service');
    expect(services.map((x) => [x[1], x[3]])).toEqual(services.map((x) => [x[1], '0']));
    // Some arrivals were still in flight: arrivals exceed successes somewhere.
    expect(r.services.some((s) => s.arrivals > s.latency.count)).toBe(true);
    expect(r.services.every((s) => s.failed === 0)).toBe(true);
  });

  it('a run that measured nothing shows no error rate, in the table, the CSV and the report, as compare shows it, not 0 %', async () => {
    const { runCsv } = await import('../../reports/csv.js');
    // The load stops before the warm-up ends: nothing is measured.
    const src = 'name: idle\nsimulation: {seed: 1, duration: 5s, warmup: 2s}\nservices: {s: {serviceTime: 1ms}}\n' +
      'entrypoints: {w: {target: s, schedule: [{at: 0s, rate: 100/s}, {at: 1s, rate: 0/s}]}}\n';
    const t = topologyOrThrow(loadTopologySource(src, 'idle.yaml'));
    const r = runTopology(t);
    expect(r.entrypoints[0].completed).toBe(0);
    // No rate of nothing in the JSON either (it read 0, which a sweep averaged in as a point with no errors).
    expect(JSON.parse(JSON.stringify(r)).entrypoints[0].errorRate).toBeNull();
    const row = runTable(r).split('\n').find((l) => l.startsWith('w '));
    expect(row?.trim().split(/\s{2,}/).slice(0, 3)).toEqual(['w', '0', '–']);
    const csv = runCsv(r).trim().split('\n').slice(1).map((l) => l.split(','));
    expect(csv.map((x) => [x[0], x[2], x[4]])).toEqual([['entrypoint', '0', ''], ['service', '0', '']]);
    expect(summaryTables(reportModel(r))).toContain('<td>0</td><td>–</td>');
    const c = compareMeshes([t, topologyOrThrow(loadTopologySource(src, 'idle.yaml', { mesh: 'linkerd' }))]);
    expect(compareTable(c).split('\n').filter((l) => /^(none|linkerd) /.test(l)).slice(0, 2).map((l) => l.trim().split(/\s{2,}/).at(-2))).toEqual(['–', '–']);
    expect(compareCsv(c).trim().split('\n').slice(1).map((l) => l.split(',')[13])).toEqual(['', '']);
    expect(JSON.parse(JSON.stringify(c)).invoice[0].rows.map((x: { errorRate: unknown; meshCausedShare: unknown }) => [x.errorRate, x.meshCausedShare])).toEqual([[null, null], [null, null]]);
  });

  it('report refuses a compare file whose invoice disagrees with its runs, rather than print two medians', async () => {
    const { parseResults } = await import('../../reports/readResults.js');
    const c = fixtureCompare();
    expect(parseResults(JSON.stringify(c), 'c.json').diagnostics).toEqual([]);
    c.runs[1].entrypoints[0].latency.p50 = 0.02;
    const d = parseResults(JSON.stringify(c), 'c.json').diagnostics;
    expect(d.map((x) => x.message).join()).toContain('the invoice disagrees with the runs (web istio-sidecar p50');
  });
});

describe('compare\'s table with a mode where nothing succeeded', () => {
  it('shows – for its changes, not "– ~" (within the noise of nothing)', () => {
    const src = 'name: e\nsimulation: {seed: 2, duration: 10s, warmup: 1s}\nservices:\n  a: {replicas: 2, workers: 8, serviceTime: 1ms, calls: [b]}\n  b: {replicas: 2, workers: 8, serviceTime: 1ms}\nentrypoints: {web: {target: a, rate: 100/s}}\ntimeline: [{at: 0s, certificateExpiry: {root: true}}]\n';
    const c = compareMeshes(['none', 'istio-sidecar'].map((mesh) => topologyOrThrow(loadTopologySource(src, 'e.yaml', { mesh }))));
    const row = compareTable(c).split('\n').find((l) => l.startsWith('istio-sidecar'));
    expect(row).toBeDefined();
    expect(row).not.toContain('~');
  });
});
