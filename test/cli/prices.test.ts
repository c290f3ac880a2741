/**
 * --vcpu-hour and --gb-hour take a number as the file's costs do: `.5` and
 * `1e-3` were refused with "expected … a number from 0 to 1000000", and so
 * was `1e6`, the limit the message names.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostics, loadTopologySource, resultJson, runTopology } from '../../sim/index.js';
import { cli } from './inProcess.js';

describe('price options', () => {
  it('accept decimals written as numbers usually are', async () => {
    for (const price of ['.5', '5.', '1e-3', '1e6', '2.5E2', '$0.04']) {
      const r = await cli('run', 'topologies/mm1.yaml', '--requests', '200', '--vcpu-hour', price, '--gb-hour', price, '-q');
      expect(r.code, `${price}: ${r.err}`).toBe(0);
    }
  });

  it('still refuse what is no price or above $1e6', async () => {
    for (const price of ['1e7', '1000000.5', '-1', '+1', '0x10', 'Infinity', '', '1e', '.']) {
      const r = await cli('run', 'topologies/mm1.yaml', '--requests', '200', '--vcpu-hour', price);
      expect(r.code, price).toBe(2);
      expect(r.err).toContain(`--vcpu-hour ${JSON.stringify(price)}: expected a price in dollars`);
    }
  });
});

describe("a topology file's prices", () => {
  const file = (costs: string) =>
    `name: p\nservices: {server: {serviceTime: 10ms}}\nentrypoints: {clients: {target: server, rate: 80/s}}\ncosts:\n${costs}\n`;
  const run = (costs: string) => {
    const { topology, diagnostics } = loadTopologySource(file(costs), 'p.yaml');
    if (!topology) throw new Error(formatDiagnostics(diagnostics));
    return resultJson(runTopology(topology, { requests: 200 }));
  };

  it('take "$0.04" as --vcpu-hour does, to the same result as the number', () => {
    const plain = run('  vcpuHour: 0.04\n  gbHour: 0.01');
    // Before: "expected a number, got the string \"$0.04\"".
    expect(run('  vcpuHour: "$0.04"\n  gbHour: $0.01')).toBe(plain);
    expect(run('  vcpuHour: "0.04"\n  gbHour: " $.01 "')).toBe(plain);
    expect(JSON.parse(plain).resources.prices).toEqual({ vcpuHour: 0.04, gbHour: 0.01 });
  });

  it('refuse a price string that is no price, at its line, with what to write', () => {
    for (const [price, what] of [['"$abc"', 'is not a number of dollars'], ['"$-1"', 'is negative'], ['"$$1"', 'is not a number of dollars'], ['"-$1"', 'is not a number of dollars']]) {
      const { topology, diagnostics } = loadTopologySource(file(`  gbHour: 0.01\n  vcpuHour: ${price}`), 'p.yaml');
      expect(topology, price).toBeUndefined();
      expect(formatDiagnostics(diagnostics)).toBe(
        `p.yaml:6:13: error[bad-price]: costs.vcpuHour: price ${JSON.stringify(JSON.parse(price))} ${what}\n` +
          `    6 |   vcpuHour: ${price}\n` +
          '      |             ^\n' +
          '  hint: write dollars per vCPU-hour as a number, 0 or more, e.g. 0.0416 or "$0.0416"\n\n1 error, 0 warnings',
      );
    }
    // The file's limit is the flag's.
    expect(formatDiagnostics(loadTopologySource(file('  vcpuHour: "$2e6"'), 'p.yaml').diagnostics)).toContain('costs.vcpuHour: vcpuHour 2000000 is outside [0, 1000000]');
  });
});
