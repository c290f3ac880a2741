/**
 * Values the clock or the simulation cannot follow are refused by validate,
 * with their place in the file: before, each passed and then ended in an
 * internal error (Infinity in a time average) or a run that never ended.
 */
import { describe, expect, it } from 'vitest';
import { loadTopologySource } from '../../sim/topology/load.js';

const base = (services: string, extra = '') =>
  `name: x\nsimulation: {duration: 2s}\n${extra}services:\n${services}\nentrypoints: {web: {target: a, rate: 10/s}}\n`;
const errors = (src: string) => loadTopologySource(src, 'x.yaml').diagnostics.filter((d) => d.severity === 'error');

describe('values beyond what the clock can follow', () => {
  it.each([
    ['a service time of 1e308 s', '  a: {serviceTime: 1e308s}'],
    ['an exponential of mean 1e307 s', '  a: {serviceTime: {dist: exponential, mean: 1e307s}}'],
    ['a lognormal reaching e^(1000)', '  a: {serviceTime: {dist: lognormal, mu: 1000, sigma: 1}}'],
    ['a positive time below a nanosecond', '  a: {serviceTime: 1e-300s}'],
  ])('refuses %s', (_, services) => {
    const e = errors(base(services));
    expect(e.length).toBeGreaterThan(0);
    expect(e[0].path[0]).toBe('services');
  });

  it('refuses a lognormal given by median and p99 whose tail goes past the clock, as it refuses the same one given by mu and sigma', () => {
    // median 1 ms, p99 1e8 s is mu −6.9, sigma 10.9: draws reach 1e25 s, and a run under a mesh
    // (certificate renewals every few hours until the last response) never ended.
    const e = errors(base('  a: {serviceTime: {dist: lognormal, median: 1ms, p99: 1e8s}}'));
    expect(e.map((d) => [d.code, d.path.join('.'), d.message])).toEqual([[
      'out-of-range', 'services.a.serviceTime.p99', 'lognormal median 1ms, p99 1e8s draws values past 1e8s: its tail (e^(mu + 6 sigma)) reaches 2.35e+25s',
    ]]);
    expect(errors(base('  a: {serviceTime: {dist: lognormal, mu: -6.9, sigma: 10.9}}')).map((d) => d.code)).toEqual(['out-of-range']);
    // The same check in a mesh profile's distributions, through the topology's overrides.
    expect(errors(base('  a: {serviceTime: 1ms}', 'mesh: {profile: linkerd, controlPlane: {pushDelay: {dist: lognormal, median: 1s, p99: 1e6s}}}\n'))
      .map((d) => d.path.join('.'))).toEqual(['mesh.controlPlane.pushDelay.p99']);
    // Wide but within reach: a tail of about 1.5 h.
    expect(errors(base('  a: {serviceTime: {dist: lognormal, median: 10ms, p99: 1s}}'))).toEqual([]);
  });

  it('refuses a lognormal whose median underflows to 0 (mu below about −745), as it refuses one whose median is below 1ns', () => {
    // Before: mu −1000 passed (e^−1000 is exactly 0, and only a positive median was checked); a closed loop
    // of it passed validate and a sweep's checks, and only stopped itself once running.
    for (const mu of [-30, -1000]) {
      const e = errors(base(`  a: {serviceTime: {dist: lognormal, mu: ${mu}, sigma: 0}}`));
      expect(e.map((d) => [d.code, d.path.join('.')])).toEqual([['out-of-range', 'services.a.serviceTime']]);
      expect(e[0].hint).toMatch(/below 1ns/);
    }
  });

  it('refuses a payload past 2^53 − 1 bytes, or one that would take longer than the clock follows to cross the network', () => {
    // Before: both passed; the run reported latencies of 9e295 days, and under a mesh (certificate renewals
    // while the last response crawled) it never ended.
    expect(errors(base('  a: {serviceTime: 1ms, responseSize: 1e300}')).map((d) => [d.path.join('.'), d.message])).toEqual([
      ['services.a.responseSize', 'responseSize 1e+300 is more bytes than meshtax can count (at most 2^53 − 1, about 9 PB)'],
    ]);
    const slow = errors(base('  a: {serviceTime: 1ms, calls: [{call: b, requestSize: 1TB}]}\n  b: {serviceTime: 1ms}', 'network: {bandwidth: 1bps}\n'));
    expect(slow.map((d) => [d.path.join('.'), d.message])).toEqual([
      ['services.a.calls.0.requestSize', 'requestSize 1TB takes longer than 1e8s (about 3 years) to cross the network at 1bps: the clock cannot follow it'],
    ]);
    expect(errors(base('  a: {serviceTime: 1ms}', 'network: {bandwidth: 1bps}\n').replace('rate: 10/s', 'rate: 10/s, requestSize: 1e20B'))
      .map((d) => d.path.join('.'))).toEqual(['entrypoints.web.requestSize']);
    // Large but within reach: a gigabyte at 10 Gbps, a terabyte with no bandwidth set (payloads then cost no time).
    expect(errors(base('  a: {serviceTime: 1ms, responseSize: 1GB}', 'network: {bandwidth: 10Gbps}\n'))).toEqual([]);
    expect(errors(base('  a: {serviceTime: 1ms, responseSize: 1TB}'))).toEqual([]);
  });

  it('refuses a billion retry attempts, a gateway of a million pods, a bandwidth below 1 bps and an infinite price', () => {
    expect(errors(base('  a: {serviceTime: 1ms, resilience: {retries: {attempts: 1000000000}}}', 'mesh: istio-sidecar\n'))
      .map((d) => d.path.join('.'))).toEqual(['services.a.resilience.retries.attempts']);
    expect(errors(base('  a: {serviceTime: 1ms}', 'mesh: {profile: istio-sidecar, gateway: {replicas: 10000000}}\n'))
      .map((d) => d.path.join('.'))).toEqual(['mesh.gateway.replicas']);
    expect(errors(base('  a: {serviceTime: 1ms}', 'network: {bandwidth: 1e-300Gbps}\n')).map((d) => d.path.join('.'))).toEqual(['network.bandwidth']);
    expect(errors(base('  a: {serviceTime: 1ms}', 'costs: {vcpuHour: 1e308}\n')).map((d) => d.path.join('.'))).toEqual(['costs.vcpuHour']);
  });

  it('refuses more than 100 handshake round trips, which held a run on its first connection for hours', () => {
    // Before: handshakeRoundTrips 2^31 passed, and a run under it drew the network 2^32 times a new connection.
    const trips = (mtls: string) => errors(base('  a: {serviceTime: 1ms}', `mesh: {profile: istio-sidecar, mtls: {${mtls}}}\n`));
    expect(trips('handshakeRoundTrips: 2147483648, resumeRoundTrips: 101').map((d) => [d.code, d.path.join('.'), d.message, d.hint])).toEqual([
      ['out-of-range', 'mesh.mtls.handshakeRoundTrips', 'handshakeRoundTrips 2147483648 is outside [0, 100]', expect.stringContaining('0 to 100')],
      ['out-of-range', 'mesh.mtls.resumeRoundTrips', 'resumeRoundTrips 101 is outside [0, 100]', expect.stringContaining('0 to 100')],
    ]);
    expect(trips('handshakeRoundTrips: 100, resumeRoundTrips: 0')).toEqual([]);
  });

  it('refuses a CPU slowdown factor past a million (or below a thousandth), which a run could not follow', () => {
    const slow = (factor: string) => errors(base('  a: {serviceTime: 1ms}', `timeline:\n  - {at: 1s, until: 2s, cpuSlowdown: {service: a, factor: ${factor}}}\n`));
    expect(slow('1e308').map((d) => [d.path.join('.'), d.message, d.hint])).toEqual([[
      'timeline.0.cpuSlowdown.factor', expect.stringContaining('1e+308'),
      'factor multiplies the CPU time of the work, from 0.001 to 1000000: 2 makes it take twice as long, 0.5 twice as fast',
    ]]);
    expect(slow('1e-300')).toHaveLength(1);
    expect(slow('1000000')).toEqual([]);
    expect(slow('0.5')).toEqual([]);
  });

  it('refuses a request that fans out past a million calls, at the service where it does, rather than run out of memory', () => {
    // Two calls a level, 40 levels down: 2^41 − 1 calls a request.
    const chain = (levels: number) => Array.from({ length: levels }, (_, i) => `  s${i}: {serviceTime: 1ms, calls: [s${i + 1}, s${i + 1}]}`)
      .join('\n').replace(/^  s0/, '  a') + `\n  s${levels}: {serviceTime: 1ms}`;
    const e = errors(base(chain(40)));
    expect(e.map((d) => [d.code, d.path.join('.'), d.message])).toEqual([[
      'call-fan-out', 'services.s21.calls',
      'a request of "web" can make 2,199,023,255,551 calls, with its calls fanning out at "s21" (each call to it is 1,048,575 in all); ' +
        'meshtax simulates at most 1,000,000 a request',
    ]]);
    // 2^19 calls is wide but within reach.
    expect(errors(base(chain(18)))).toEqual([]);
  });

  it('refuses a certificate lifetime below 1 s and a renewal retry below 1 ms, which made a run hang', () => {
    const cp = (setting: string) => errors(base('  a: {serviceTime: 1ms}', `mesh: {profile: istio-sidecar, controlPlane: {${setting}}}\n`));
    expect(cp('certificateTtl: 1ns').map((d) => [d.path.join('.'), d.message])).toEqual([
      ['mesh.controlPlane.certificateTtl', 'certificateTtl 1ns is below the minimum, 1s'],
    ]);
    expect(cp('renewRetry: 1ns').map((d) => d.message)).toEqual(['renewRetry 1ns is below the minimum, 1ms']);
    expect(cp('certificateTtl: 1s, renewRetry: 1ms')).toEqual([]);
  });

  it('says what is wrong with a huge integer and an empirical distribution with nothing in it', () => {
    expect(errors(base('  a: {serviceTime: 1ms, workers: 1e308}')).map((d) => d.message)).toEqual(['workers 1e+308 is too large: at most 9007199254740991']);
    expect(errors(base('  a: {serviceTime: {dist: empirical}}')).map((d) => d.message)).toEqual(['an empirical distribution needs samples or percentiles']);
    expect(errors(base('  a: {serviceTime: {dist: empirical, samples: [1ms], percentiles: {p0: 1ms, p100: 2ms}}}')).map((d) => d.message))
      .toEqual(['an empirical distribution takes samples or percentiles, not both']);
  });

  it('a huge count of pods or users is one error at its place, and no number is printed in 300 digits', () => {
    const huge = [
      base('  a: {serviceTime: 1ms, replicas: 1e308}'),
      base('  a: {serviceTime: 1ms}').replace('rate: 10/s', 'arrivals: closed, users: 1e308'),
      base('  a: {serviceTime: 1ms}', 'timeline: [{at: 1s, scale: {service: a, replicas: 1e308}}]\n'),
    ];
    for (const src of huge) {
      const found = errors(src);
      expect(found.map((d) => d.code)).toEqual(['out-of-range']);
      expect(found[0].message).toMatch(/1e\+308 is too large/);
      expect(found[0].message).not.toMatch(/\d{20}/);
    }
    // Safe integers past the cap are still the one too-large error, their count in words a reader takes in.
    const big = errors(base('  a: {serviceTime: 1ms, replicas: 9007199254740991}\n  b: {serviceTime: 1ms, replicas: 9007199254740991}'));
    expect(big.map((d) => d.code)).toEqual(['too-large']);
    expect(big[0].message).toBe('1.80e+16 pods in all (9.01e+15 here, 9.01e+15 in the other services) is more than meshtax can simulate (at most 100,000): every pod has state of its own');
  });

  it('says the other services\' pods count too when a service at the limit passes it only with them', () => {
    // Before: "services.a.replicas: 100,001 pods is more than …" at `replicas: 100000`, the limit itself.
    const found = errors(base('  a: {serviceTime: 1ms, replicas: 100000}\n  b: {serviceTime: 1ms}'));
    expect(found.map((d) => d.path.join('.'))).toEqual(['services.a.replicas']);
    expect(found[0].message).toBe('100,001 pods in all (100,000 here, 1 in the other services) is more than meshtax can simulate (at most 100,000): every pod has state of its own');
    // One service alone over the limit needs no breakdown.
    expect(errors(base('  a: {serviceTime: 1ms, replicas: 100001}'))[0].message).toMatch(/^100,001 pods is more than/);
  });

  it('keeps what real runs use: a week of certificates, a day of think time, 100 ms services', () => {
    expect(errors(base('  a: {serviceTime: 100ms}').replace('duration: 2s', 'duration: 604800s'))).toEqual([]);
    expect(errors(base('  a: {serviceTime: 1ms}', 'mesh: {profile: istio-sidecar, controlPlane: {certificateTtl: 24h}}\n'))).toEqual([]);
    expect(errors(base('  a: {serviceTime: {dist: lognormal, median: 10ms, p99: 2s}}'))).toEqual([]);
  });
});
