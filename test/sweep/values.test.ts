import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';
import { expandRange, inBaseUnits, looksLikeRange, parsePath, parseSetArgument, parseValue, splitItems } from '../../sim/sweep/values.js';

describe('sweep paths', () => {
  it('reads dotted paths, indices and quoted keys', () => {
    expect(parsePath('services.reviews.replicas')).toEqual({ ok: true, value: ['services', 'reviews', 'replicas'] });
    expect(parsePath('timeline[0].at')).toEqual({ ok: true, value: ['timeline', 0, 'at'] });
    // A bracket inside a quoted key is part of the name.
    expect(parsePath('services["c[0]"].replicas')).toEqual({ ok: true, value: ['services', 'c[0]', 'replicas'] });
    expect(parsePath('services["d]e"]')).toEqual({ ok: true, value: ['services', 'd]e'] });
    expect(parseSetArgument('services["c[0]"].replicas=1,2').axis?.path).toEqual(['services', 'c[0]', 'replicas']);
    expect(parsePath('timeline.0.at')).toEqual({ ok: true, value: ['timeline', 0, 'at'] });
    expect(parsePath('services["a.b"].replicas')).toEqual({ ok: true, value: ['services', 'a.b', 'replicas'] });
  });

  it('rejects malformed paths with the reason', () => {
    expect(parsePath('services..replicas')).toMatchObject({ ok: false, message: 'bad path "services..replicas": two dots in a row' });
    expect(parsePath('.mesh')).toMatchObject({ ok: false, message: 'bad path ".mesh": it starts with a dot' });
    expect(parsePath('mesh.')).toMatchObject({ ok: false, message: 'bad path "mesh.": it ends with a dot' });
    expect(parsePath('timeline[x]')).toMatchObject({ ok: false });
    expect(parsePath('')).toMatchObject({ ok: false });
  });
});

describe('sweep values', () => {
  it('splits at commas outside brackets and quotes', () => {
    expect(splitItems('none,istio-sidecar').map((i) => i.text)).toEqual(['none', 'istio-sidecar']);
    expect(splitItems('{dist: exponential, mean: 2ms},5ms').map((i) => i.text)).toEqual(['{dist: exponential, mean: 2ms}', '5ms']);
    expect(splitItems('"a,b",c').map((i) => i.text)).toEqual(['"a,b"', 'c']);
    expect(splitItems('1,2,3').map((i) => i.offset)).toEqual([0, 2, 4]);
  });

  it('reads values as YAML, as in a topology file', () => {
    expect(parseValue('3')).toEqual({ ok: true, value: 3 });
    expect(parseValue('100/s')).toEqual({ ok: true, value: '100/s' });
    expect(parseValue('true')).toEqual({ ok: true, value: true });
    expect(parseValue('{dist: exponential, mean: 2ms}')).toEqual({ ok: true, value: { dist: 'exponential', mean: '2ms' } });
    expect(parseValue(' ')).toMatchObject({ ok: false, message: 'an empty value' });
    expect(parseValue('{a: 1')).toMatchObject({ ok: false });
  });

  it('converts quantities to base units to tell when two spellings are one value', () => {
    const same = (a: unknown, b: unknown) => JSON.stringify(inBaseUnits(a)) === JSON.stringify(inBaseUnits(b));
    expect(same('1s', '1000ms')).toBe(true);
    expect(same('1.1m', '66s')).toBe(true);
    expect(same('100/s', '6000/m')).toBe(true);
    expect(same('100/s', '100rps')).toBe(true);
    expect(same('1KB', '1000B')).toBe(true);
    expect(same('1Gbps', '125MB/s')).toBe(true);
    expect(same({ dist: 'exponential', mean: '2ms' }, { dist: 'exponential', mean: '2000us' })).toBe(true);
    // A constant distribution is its value, however its value is written; exactly {dist, value}, nothing more.
    expect(same('1ms', { dist: 'constant', value: '1ms' })).toBe(true);
    expect(same('1ms', { dist: 'constant', value: '1000us' })).toBe(true);
    expect(same({ requestCost: '30us' }, { requestCost: { dist: 'constant', value: '0.03ms' } })).toBe(true);
    expect(same('1ms', { dist: 'constant', value: '2ms' })).toBe(false);
    expect(same('1ms', { dist: 'exponential', mean: '1ms' })).toBe(false);
    expect(same('1ms', { dist: 'constant', value: '1ms', extra: 1 })).toBe(false);
    // A duration is not a rate of the same number; names and bare numbers are left as they are.
    expect(same('1s', '1/s')).toBe(false);
    expect(same('1s', '2s')).toBe(false);
    expect(same('istio-sidecar', 'linkerd')).toBe(false);
    expect(inBaseUnits('5')).toBe('5');
    expect(inBaseUnits(3)).toBe(3);
  });

  it('expands ranges in the unit written, exactly', () => {
    expect(expandRange('100/s..500/s:100/s')).toEqual({ ok: true, value: ['100/s', '200/s', '300/s', '400/s', '500/s'] });
    expect(expandRange('1..4')).toEqual({ ok: true, value: [1, 2, 3, 4] });
    expect(expandRange('0.1..0.3:0.1')).toEqual({ ok: true, value: [0.1, 0.2, 0.3] });
    expect(expandRange('1ms..2ms:0.25ms')).toEqual({ ok: true, value: ['1ms', '1.25ms', '1.5ms', '1.75ms', '2ms'] });
    // The last value does not pass the upper bound.
    expect(expandRange('100/s..250/s:100/s')).toEqual({ ok: true, value: ['100/s', '200/s'] });
    expect(expandRange('5..5:1')).toEqual({ ok: true, value: [5] });
  });

  it('rejects ranges that cannot mean what they say', () => {
    expect(expandRange('100/s..2s:100/s')).toMatchObject({ ok: false, message: 'the range "100/s..2s:100/s" mixes units' });
    expect(expandRange('100/s..500/s')).toMatchObject({ ok: false, message: 'the range "100/s..500/s" has no step' });
    expect(expandRange('1..5:0')).toMatchObject({ ok: false, message: 'the step of the range "1..5:0" must be greater than 0' });
    expect(expandRange('5..1:1')).toMatchObject({ ok: false, message: 'the range "5..1:1" ends before it starts' });
    expect(expandRange('1..100000:1')).toMatchObject({ ok: false, message: 'the range "1..100000:1" has 100000 values, more than 10000' });
  });

  it('reads a bound or step written with an exponent as the number it is, not as a unit', () => {
    // Before: the exponent was taken for a unit, so 1e2/s..1e3/s:1e2/s "mixed units" (e2/s and e3/s),
    // 1..1e300 was refused as mixing units rather than as too long, and 1..3:1e-320 likewise.
    expect(expandRange('1e2/s..5e2/s:1e2/s')).toEqual({ ok: true, value: ['100/s', '200/s', '300/s', '400/s', '500/s'] });
    expect(expandRange('1e2/s..1e3/s:3e2/s')).toEqual({ ok: true, value: ['100/s', '400/s', '700/s', '1000/s'] });
    expect(expandRange('2.5e-1ms..1ms:2.5e-1ms')).toEqual({ ok: true, value: ['0.25ms', '0.5ms', '0.75ms', '1ms'] });
    expect(expandRange('1e0..3')).toEqual({ ok: true, value: [1, 2, 3] });
    expect(expandRange('1..1e300')).toMatchObject({ ok: false, message: 'the range "1..1e300" has 1e+300 values, more than 10000' });
    expect(expandRange('1..3:1e-320')).toMatchObject({ ok: false, message: 'the range "1..3:1e-320" needs more digits than a number holds exactly' });
  });

  it('tells ranges from plain values', () => {
    expect(looksLikeRange('100/s..2000/s:100/s')).toBe(true);
    expect(looksLikeRange('1..3')).toBe(true);
    expect(looksLikeRange('istio-sidecar')).toBe(false);
    expect(looksLikeRange('../meshes/custom.yaml')).toBe(false);
  });
});

describe('--set arguments', () => {
  it('gives an axis with each value where it was written', () => {
    const { axis, diagnostics } = parseSetArgument('services.reviews.replicas=1,2,3');
    expect(diagnostics).toEqual([]);
    expect(axis?.key).toBe('services.reviews.replicas');
    expect(axis?.values.map((v) => [v.value, v.origin?.column])).toEqual([[1, 27], [2, 29], [3, 31]]);
    expect(parseSetArgument('entrypoints.web.rate=100/s..300/s:100/s').axis?.values.map((v) => v.value)).toEqual(['100/s', '200/s', '300/s']);
  });

  it('reads a quoted key with = or . in it as one segment of the path', () => {
    const eq = parseSetArgument('services["a=b"].replicas=1,2');
    expect(eq.diagnostics).toEqual([]);
    expect(eq.axis?.path).toEqual(['services', 'a=b', 'replicas']);
    expect(eq.axis?.values.map((v) => v.value)).toEqual([1, 2]);
    expect(parseSetArgument('services["api.v1"].replicas=3').axis?.path).toEqual(['services', 'api.v1', 'replicas']);
  });

  it('points at the bad part of the argument', () => {
    expect(formatDiagnostics(parseSetArgument('services.api.replicas').diagnostics)).toMatchInlineSnapshot(`
      "--set:1:1: error[bad-set]: --set "services.api.replicas" has no "="
          1 | services.api.replicas
            | ^
        hint: write PATH=VALUES, e.g. --set services.api.replicas=1,2,3 or --set entrypoints.web.rate=100/s..1000/s:100/s

      1 error, 0 warnings"
    `);
    expect(formatDiagnostics(parseSetArgument('mesh=none,,linkerd').diagnostics)).toMatchInlineSnapshot(`
      "--set:1:11: error[bad-value]: mesh: an empty value
          1 | mesh=none,,linkerd
            |           ^
        hint: remove the extra comma, or quote an empty string: ""

      1 error, 0 warnings"
    `);
    expect(parseSetArgument('entrypoints.web.rate=100/s..50/s:10/s').diagnostics[0]).toMatchObject({ code: 'bad-range', location: { column: 22 } });
  });
});
