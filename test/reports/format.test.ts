import { describe, expect, it } from 'vitest';
import { displayWidth, formatDollars, formatPercent, formatPrice, formatRate, formatSeconds, sig, textTable } from '../../reports/format.js';

describe('number formatting', () => {
  it('writes a price as given, in plain decimals', () => {
    // Before: "$1e-7 per vCPU-hour" in the report's header.
    expect([formatPrice(1e-7), formatPrice(0.0416), formatPrice(0), formatPrice(12), formatPrice(1e21)]).toEqual(['$0.0000001', '$0.0416', '$0', '$12', '$1000000000000000000000']);
  });

  it('gives three significant digits', () => {
    expect([sig(0), sig(0.012345), sig(1.2345), sig(12.345), sig(1234.5)]).toEqual(['0', '0.0123', '1.23', '12.3', '1235']);
    expect(formatSeconds(0.0042123)).toBe('4.21ms');
  });

  it('picks the unit by the value as rounded, and has hours and days for long runs', () => {
    expect([0.0009999, 0.009996, 0.09996, 0.9996, 9.996].map(formatSeconds)).toEqual(['1.00ms', '10.0ms', '100ms', '1.00s', '10.0s']);
    expect([99.96, 9.996, 0.9996].map(sig)).toEqual(['100', '10.0', '1.00']);
    expect([599.6, 1800, 3 * 3600, 47 * 3600, 1e6 * 3600].map(formatSeconds)).toEqual(['9.99m', '30.0m', '3.00h', '47.0h', '41667d']);
  });

  it('shows a dash for a quantity nothing was measured for (NaN, or null from saved JSON)', () => {
    expect(sig(NaN)).toBe('–');
    expect(sig(null as unknown as number)).toBe('–');
    expect(sig(Infinity)).toBe('∞');
  });

  it('writes a magnitude past 10^15 as digits times a power of ten, not the double\'s rounding digits', () => {
    // Before: "42857142857142853632" (every digit after the 17th the double's, not the sum's) and, from 10^21, "1e+21".
    expect([sig(3e20 / 7), sig(1e21), sig(-2.5e30), sig(9.9949e14), sig(9.9951e14)]).toEqual(['4.29×10¹⁹', '1.00×10²¹', '-2.50×10³⁰', '999490000000000', '1.00×10¹⁵']);
  });

  it('says a magnitude below a millionth is below it, in the units it goes with, rather than "8.33e-7"', () => {
    // Before: "8.33e-7". A 5 ms job once an hour uses 9.7e-7 vCPU (invoice.test.ts runs it); a proxy in a long quiet run is busy 1e-9 of the time.
    expect([sig(8.33e-7), sig(-8.33e-7), sig(9.996e-7), sig(1.23e-6), sig(1e-300)]).toEqual(['<0.000001', '>-0.000001', '0.00000100', '0.00000123', '<0.000001']);
    expect([formatPercent(1e-9), formatRate(2e-8), formatPercent(3.44e-4)]).toEqual(['<0.000001%', '<0.000001/s', '0.0344%']);
  });
});

describe('formatDollars', () => {
  it('keeps whole dollars grouped, cents, and three digits under a cent, as before', () => {
    expect([formatDollars(0), formatDollars(0.004219), formatDollars(12.345), formatDollars(1234.56), formatDollars(123_456_789_012_345)])
      .toEqual(['$0.00', '$0.00422', '$12.35', '$1,235', '$123,456,789,012,345']);
  });

  it('writes a bill past 10^15 a month in powers of ten: valid input reaches it', () => {
    // istio-sidecar, 2,000/s over 2 pods, projected to 1,000,000 pods at $1e6 a vCPU-hour and a GB-hour
    // (test/reports/invoice.test.ts runs it): the projection printed $9,082,992,029,316,452, its last digits rounding.
    expect(formatDollars(9082992029316452)).toBe('$9.08×10¹⁵');
    expect(formatDollars(8.0e23)).toBe('$8.00×10²³');
  });

  it('keeps the digits of a bill under a millionth of a dollar in plain decimals, and shows a dash, not a crash, for a sum nothing was measured for', () => {
    // Before: "$2.19e-8"; and formatDollars(null), a NaN read back from saved JSON, threw on null.toFixed.
    expect([formatDollars(2.19e-8), formatDollars(1.5e-6), formatDollars(Infinity), formatDollars(NaN), formatDollars(null as unknown as number)])
      .toEqual(['$0.0000000219', '$0.0000015', '$∞', '–', '–']);
  });
});

describe('textTable', () => {
  it('lays out 200,000 rows (a wide topology\'s services) without overflowing the call stack', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`svc-${i}`, String(i)]);
    const lines = textTable(['service', 'n'], rows).split('\n');
    expect(lines).toHaveLength(200_002);
    expect(lines[0]).toBe('service'.padEnd('svc-199999'.length) + '       n');
  });

  it('keeps the columns in line for names a terminal shows wider or narrower than their length', () => {
    // Before: 服务一 (six columns) was padded as three, école with a combining accent as six, 𝒜pi (astral) as four.
    const names = ['服务一', 'e\u0301cole', '\u{1d49c}pi', 'plain'];
    expect(names.map(displayWidth)).toEqual([6, 5, 3, 5]);
    const lines = textTable(['service', 'n'], names.map((n) => [n, '1'])).split('\n');
    expect(new Set(lines.map(displayWidth))).toEqual(new Set([10]));
    expect(lines[2]).toBe('服务一   1');
    expect(lines[3]).toBe('e\u0301cole    1');
  });

  it('takes an emoji shown as emoji for two columns outside the blocks listed too, and a flag for two', () => {
    // Before: ✅ (U+2705), 🚀 (U+1F680, transport), 🫠 (U+1FAE0) and ⚡ (U+26A1) counted one column each.
    expect(['✅web', '🚀api', '🫠x', '⚡x', '🇯🇵x', '☺x'].map(displayWidth)).toEqual([5, 5, 3, 3, 3, 2]);
    const lines = textTable(['entry point', 'n'], [['✅web', '1'], ['🚀api', '1'], ['web', '1']]).split('\n');
    expect(new Set(lines.map(displayWidth))).toEqual(new Set([14]));
    expect(lines[2]).toBe(`✅web${' '.repeat(8)}1`);
  });

  it('takes an emoji made of several code points (joined, skin-toned, with a selector) for the two columns it is drawn in', () => {
    // Before: 👩‍💻 counted 4 (two emoji and a joiner), 👍🏽 4, ❤️ and 1️⃣ 1, the rainbow flag 3.
    const names = ['👩\u200d💻dev', '👍🏽ok', '❤\ufe0fx', '1\ufe0f\u20e3x', '🏳\ufe0f\u200d🌈x', 'a\u200db'];
    expect(names.map(displayWidth)).toEqual([5, 4, 3, 3, 3, 2]);
    const lines = textTable(['entry point', 'n'], names.map((n) => [n, '1'])).split('\n');
    expect(new Set(lines.map(displayWidth))).toEqual(new Set([14]));
  });
});
