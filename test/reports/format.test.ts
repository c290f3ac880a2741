import { describe, expect, it } from 'vitest';
import { formatSeconds, sig } from '../../reports/format.js';

describe('number formatting', () => {
  it('gives three significant digits', () => {
    expect([sig(0), sig(0.012345), sig(1.2345), sig(12.345), sig(1234.5)]).toEqual(['0', '0.0123', '1.23', '12.3', '1235']);
    expect(formatSeconds(0.0042123)).toBe('4.21ms');
  });

  it('shows a dash for a quantity nothing was measured for (NaN, or null from saved JSON)', () => {
    expect(sig(NaN)).toBe('–');
    expect(sig(null as unknown as number)).toBe('–');
    expect(sig(Infinity)).toBe('∞');
  });
});
