import { describe, expect, it } from 'vitest';
import { buildInvoice, invoiceText } from '../../reports/invoice.js';
import { reportModel } from '../../reports/model.js';
import { runTable } from '../../reports/table.js';
import { runTopology } from '../../sim/run.js';
import { loadTopologySource, topologyOrThrow } from '../../sim/topology/load.js';

// Every request answered by an injected abort: no successful request, so no latency and nothing to take apart.
const src = [
  'name: allfail',
  'simulation: {seed: 1, duration: 10s, warmup: 1s}',
  'services: {server: {serviceTime: {dist: exponential, mean: 5ms}}}',
  'entrypoints: {clients: {target: server, rate: 20/s}}',
  'timeline: [{at: 0s, abort: {service: server, status: 503, probability: 1}}]',
  '',
].join('\n');

describe('a run where every request fails', () => {
  const r = runTopology(topologyOrThrow(loadTopologySource(src, 'allfail.yaml')));

  it('prints the decomposition as "–", not as a latency of 0 made of zeros', () => {
    expect(r.entrypoints[0].succeeded).toBe(0);
    const lines = runTable(r).split('\n');
    const at = lines.findIndex((l) => l.startsWith('Where the time goes'));
    const rows = lines.slice(at + 3, at + 6).map((l) => l.trim().split(/\s{2,}/));
    expect(rows[0]).toEqual(['clients', 'mean', ...Array(7).fill('–')]);
    expect(rows[1]).toEqual(['at p50', ...Array(7).fill('–')]);
    expect(rows[2]).toEqual(['at p99', ...Array(7).fill('–')]);
  });

  it('says in the invoice that no request succeeded, not "the median is –"', () => {
    const words = invoiceText(buildInvoice(reportModel(r)));
    expect(words).not.toContain('median is –');
    expect(words).toContain('at clients no request succeeded, and 100% of requests failed');
  });
});

describe('a service no request got a worker at', () => {
  const r = runTopology(topologyOrThrow(loadTopologySource(src, 'allfail.yaml')));

  it('has no P(wait) or queue wait ("–", null in JSON), not 0 % and 0 of nothing', () => {
    const s = r.services[0];
    expect(s.arrivals).toBeGreaterThan(100);
    expect(JSON.parse(JSON.stringify(s))).toMatchObject({ waitProbability: null, meanQueueWait: null });
    const lines = runTable(r).split('\n');
    const row = lines[lines.findIndex((l) => l.startsWith('Services')) + 3].trim().split(/\s{2,}/);
    expect(row.slice(0, 6)).toEqual(['server', '1×1', String(s.arrivals), '0', '0%', '–']);
    expect(row[6]).toBe('–');
  });
});
