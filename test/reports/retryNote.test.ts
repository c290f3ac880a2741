/**
 * Review finding: the Retries table's note described the retry-amplification
 * scenario ("three layers of 3 tries over a failing leaf: up to 27 tries at
 * the leaf a request") in every report with retries, where it was false: in
 * cp-outage-rollout, a page that calls one service, and under Cilium's four
 * tries a call, in the retry-amplification scenario itself.
 */
import { describe, expect, it } from 'vitest';
import { retryTable } from '../../reports/html/tables.js';
import { reportModel } from '../../reports/model.js';
import { compareFile } from './helpers.js';

describe('the Retries table\'s note', () => {
  it('claims no topology\'s shape: in cp-outage-rollout (one call a request) there are no three layers and no 27 tries', () => {
    const c = compareFile('topologies/scenarios/cp-outage-rollout.yaml', ['none', 'cilium'], 45);
    const cilium = c.runs[1];
    // The table is there: Cilium's Envoy retried the calls the outage failed.
    expect(cilium.services.reduce((a, s) => a + (s.retries ?? 0), 0)).toBeGreaterThan(0);
    const html = retryTable(reportModel(c));
    expect(html).toContain('<h3>Retries</h3>');
    // productpage calls reviews: one layer of calls, so no request makes 27 tries anywhere.
    expect(cilium.services.map((s) => s.name)).toEqual(['productpage', 'reviews']);
    expect(html).not.toMatch(/three layers|27 tries/);
  });
});
