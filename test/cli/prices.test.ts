/**
 * --vcpu-hour and --gb-hour take a number as the file's costs do: `.5` and
 * `1e-3` were refused with "expected … a number from 0 to 1000000", and so
 * was `1e6`, the limit the message names.
 */
import { describe, expect, it } from 'vitest';
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
