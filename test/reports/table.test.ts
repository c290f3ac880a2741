import { describe, expect, it } from 'vitest';
import { runTable } from '../../reports/table.js';
import { fixtureRun } from './fixture.js';

describe('run text table', () => {
  it('gives each proxy fleet its requests per second per proxy, as the HTML does', () => {
    const lines = runTable(fixtureRun()).split('\n');
    const head = lines.find((l) => l.startsWith('proxies'));
    const row = lines.find((l) => l.startsWith('sidecar'));
    expect(head?.split(/\s{2,}/)).toEqual(
      ['proxies', 'count', 'vCPU each', 'MB each', 'vCPU total', 'GB total', 'req/s each', 'conns each', 'handshakes + resumed', 'busy'],
    );
    // The fixture's sidecar fleet: 5 proxies, 100 req/s each, 4 connections, 10 handshakes + 2 resumed (it printed their sum, 12).
    expect(row?.trim().split(/\s{2,}/)).toEqual(['sidecar', '5', '0.0500', '60.0', '0.250', '0.300', '100', '4.00', '10 + 2', '2.00%']);
  });
});
