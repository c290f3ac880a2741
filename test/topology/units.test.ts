import { describe, expect, it } from 'vitest';
import { UNIT_PATTERNS, parseBandwidth, parseDuration, parseRate, parseSize } from '../../sim/units/parse.js';

describe('parseDuration', () => {
  it.each([
    ['250us', 0.00025],
    ['250µs', 0.00025],
    ['250μs', 0.00025],
    ['2ms', 0.002],
    ['1.5s', 1.5],
    ['1m', 60],
    ['2h', 7200],
    ['100ns', 1e-7],
    ['.5s', 0.5],
    [' 3 ms ', 0.003],
    ['-1s', -1],
    ['0s', 0],
    [0, 0],
    ['0', 0],
  ])('%j → %d s', (input, seconds) => {
    expect(parseDuration(input)).toEqual({ ok: true, value: seconds });
  });

  it('rejects a bare number other than 0, suggesting units', () => {
    expect(parseDuration(5)).toEqual({
      ok: false,
      message: 'duration 5 has no unit',
      hint: 'add a unit, e.g. 5ms or 5s (units: ns, us, µs, ms, s, m, h)',
    });
    expect(parseDuration('5')).toMatchObject({ ok: false, message: 'duration "5" has no unit' });
  });

  it('rejects unknown units and text that is not a quantity', () => {
    expect(parseDuration('2sec')).toEqual({
      ok: false,
      message: 'unknown duration unit "sec" in "2sec"',
      hint: 'use one of the units: ns, us (or µs), ms, s, m, h, e.g. 2ms, 250us or 1.5s',
    });
    expect(parseDuration('fast')).toMatchObject({ ok: false, message: 'duration "fast" does not start with a number' });
    expect(parseDuration(Infinity)).toMatchObject({ ok: false, hint: 'write a finite duration such as 2ms' });
    expect(parseDuration('1e400s')).toMatchObject({ ok: false, message: 'duration "1e400s" is too large' });
  });
});

describe('parseRate', () => {
  it.each([
    ['500/s', 500],
    ['30000/m', 500],
    ['10/h', 10 / 3600],
    ['500rps', 500],
    ['0/s', 0],
  ])('%j → %d per second', (input, perSecond) => {
    expect(parseRate(input)).toEqual({ ok: true, value: perSecond });
  });

  it('rejects a bare number and unknown units', () => {
    expect(parseRate(100)).toEqual({
      ok: false,
      message: 'rate 100 has no unit',
      hint: 'write it per unit of time, e.g. 100/s (units: /s, /m, /h, rps)',
    });
    expect(parseRate('100/sec')).toMatchObject({ ok: false, message: 'unknown rate unit "/sec" in "100/sec"' });
  });

  it('reads a duration written as a rate as the time between arrivals, in its hint', () => {
    expect(parseRate('5ms')).toEqual({
      ok: false,
      message: 'rate "5ms" is a duration, not a rate',
      hint: 'did you mean a period? 5ms between arrivals is 200/s — write `rate: 200/s`',
    });
    // In the unit that gives the rate a whole part, exact when it is, "about" when 4 digits round it.
    expect(parseRate('1.5s')).toMatchObject({ ok: false, hint: 'did you mean a period? 1.5s between arrivals is 40/m — write `rate: 40/m`' });
    expect(parseRate('2m')).toMatchObject({ ok: false, hint: 'did you mean a period? 2m between arrivals is 30/h — write `rate: 30/h`' });
    expect(parseRate('3ms')).toMatchObject({ ok: false, hint: 'did you mean a period? 3ms between arrivals is about 333.3/s — write `rate: 333.3/s`' });
    expect(parseRate('250us')).toMatchObject({ ok: false, hint: 'did you mean a period? 250us between arrivals is 4000/s — write `rate: 4000/s`' });
    // No period makes a rate of 0, nor a negative one: those get what a rate is.
    expect(parseRate('0s')).toMatchObject({ ok: false, hint: 'a rate of 0 (no arrivals, a pause in a schedule) is written 0/s' });
    expect(parseRate('-5ms')).toMatchObject({ ok: false, hint: 'a rate is requests per unit of time, e.g. 200/s' });
    // Nor a period so long or so short that its rate would be refused (below 1e-6/s, above 1e9/s): before, 1e9h suggested 1e-9/h.
    expect(parseRate('1e9h')).toMatchObject({ ok: false, hint: 'a rate is requests per unit of time, e.g. 200/s' });
    expect(parseRate('0.0001ns')).toMatchObject({ ok: false, hint: 'a rate is requests per unit of time, e.g. 200/s' });
    expect(parseRate('100h')).toMatchObject({ ok: false, hint: 'did you mean a period? 100h between arrivals is 0.01/h — write `rate: 0.01/h`' });
    // Not a duration: as before.
    expect(parseRate('5min')).toMatchObject({ ok: false, message: 'unknown rate unit "min" in "5min"' });
  });
});

describe('parseSize', () => {
  it.each([
    ['512B', 512],
    ['1KB', 1000],
    ['1kB', 1000],
    ['1KiB', 1024],
    ['2MB', 2e6],
    ['2MiB', 2 * 1024 * 1024],
    ['1GB', 1e9],
    ['1GiB', 1024 ** 3],
    ['1.5KB', 1500],
    [4096, 4096],
    ['0', 0],
  ])('%j → %d bytes', (input, bytes) => {
    expect(parseSize(input)).toEqual({ ok: true, value: bytes });
  });

  it('rejects fractional bare bytes and bits', () => {
    expect(parseSize(1.5)).toMatchObject({ ok: false, message: 'size 1.5 is not a whole number of bytes' });
    expect(parseSize('8Kb')).toEqual({
      ok: false,
      message: 'size "8Kb" is in bits',
      hint: 'sizes are in bytes: use B, KB (1000), KiB (1024), MB, MiB, GB, GiB',
    });
    expect(parseSize('1KiloB')).toMatchObject({ ok: false, message: 'unknown size unit "KiloB" in "1KiloB"' });
  });
});

describe('parseBandwidth', () => {
  it.each([
    ['1GB/s', 1e9],
    ['125MB/s', 125e6],
    ['10Gbps', 1.25e9],
    ['10Gbit/s', 1.25e9],
    ['100Mbps', 12.5e6],
    ['1KiB/s', 1024],
    ['8bps', 1],
  ])('%j → %d bytes per second', (input, bytesPerSecond) => {
    expect(parseBandwidth(input)).toEqual({ ok: true, value: bytesPerSecond });
  });

  it('rejects a bare number and unknown units', () => {
    expect(parseBandwidth(1000)).toEqual({
      ok: false,
      message: 'bandwidth 1000 has no unit',
      hint: 'write bits or bytes per second, e.g. 1000Mbps or 1000MB/s',
    });
    expect(parseBandwidth('10Gbs')).toMatchObject({ ok: false, message: 'unknown bandwidth unit "Gbs" in "10Gbs"' });
  });
});

describe('UNIT_PATTERNS', () => {
  it('accept what the parsers accept (non-negative) and reject the rest', () => {
    const matches = (kind: keyof typeof UNIT_PATTERNS, text: string) => new RegExp(UNIT_PATTERNS[kind], 'u').test(text);
    expect(['250us', '250µs', '1.5s', '2h'].every((t) => matches('duration', t))).toBe(true);
    expect(['2sec', '5', '-1s'].some((t) => matches('duration', t))).toBe(false);
    expect(matches('rate', '500/s') && matches('rate', '500rps') && !matches('rate', '500')).toBe(true);
    expect(matches('size', '1KiB') && !matches('size', '1Kb')).toBe(true);
    expect(matches('bandwidth', '10Gbit/s') && matches('bandwidth', '125MB/s') && !matches('bandwidth', '10Gbs')).toBe(true);
  });
});
