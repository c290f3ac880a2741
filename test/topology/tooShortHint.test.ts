/**
 * A positive duration below 1ns is refused; its hint offers 0 ("no time at
 * all") only where 0 is a valid value. A run's duration, an exponential
 * mean or --duration refuse 0 too, and a hint suggesting it led straight to
 * the next error.
 */
import { describe, expect, it } from 'vitest';
import { loadTopologySource } from '../../sim/topology/load.js';
import { cli } from '../cli/inProcess.js';

function topology(duration: string, serviceTime: string): string {
  return `name: t\nsimulation: {duration: ${duration}}\nservices: {a: {serviceTime: ${serviceTime}}}\nentrypoints: {web: {target: a, rate: 10/s}}\n`;
}

const hintAt = (source: string, key: string): string | undefined =>
  loadTopologySource(source, 't.yaml').diagnostics.find((d) => d.path.join('.').endsWith(key))?.hint;

describe('the hint for a duration shorter than 1ns', () => {
  it('does not offer 0 where 0 is refused', () => {
    expect(hintAt(topology('1e-10s', '1ms'), 'simulation.duration')).toBe('use a duration of at least 1ns');
    expect(hintAt(topology('10s', '{dist: exponential, mean: 1e-12s}'), 'serviceTime.mean')).toBe('use a duration of at least 1ns');
  });

  it('offers 0 where 0 is a valid value', () => {
    expect(hintAt(topology('10s', '1e-10s'), 'services.a.serviceTime')).toBe('use 0 for no time at all, or a duration of at least 1ns');
  });

  it('says the same of --duration, which refuses 0, and not of --warmup, which takes it', async () => {
    const file = 'topologies/mm1.yaml';
    const duration = await cli('run', file, '--duration', '1e-10s');
    expect(duration.code).toBe(2);
    expect(duration.err).toContain('hint: use a duration of at least 1ns\n');
    const warmup = await cli('run', file, '--warmup', '1e-10s');
    expect(warmup.code).toBe(2);
    expect(warmup.err).toContain('hint: use 0 for no time at all, or a duration of at least 1ns\n');
  });
});
