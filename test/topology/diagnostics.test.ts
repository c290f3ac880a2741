/**
 * The text a user sees for each kind of mistake, end to end: a real file
 * with real lines → load → format. Snapshots are the contract; review any
 * change to them as a change to the product's wording.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostics, formatPath } from '../../sim/diagnostics/format.js';
import { loadTopologyFile, loadTopologySource } from '../../sim/topology/load.js';
import { runTopology } from '../../sim/run.js';

/** Load a fixture from test/fixtures/bad and print its diagnostics; it must not load (unless told). */
function report(name: string, expectTopology = false): string {
  const result = loadTopologyFile(`test/fixtures/bad/${name}`);
  expect(result.topology !== undefined).toBe(expectTopology);
  return formatDiagnostics(result.diagnostics);
}

describe('YAML syntax', () => {
  it('reports a syntax error where the parser noticed it, with a hint', () => {
    expect(report('syntax.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/syntax.yaml:7:3: error[yaml-syntax]: Flow sequence in block collection must be sufficiently indented and end with a ]
          7 |   db:
            |   ^
        hint: check the indentation: keys of one mapping line up, nested keys are indented further (spaces, not tabs)

      1 error, 0 warnings"
    `);
  });

  it('tells a call written as a bare name and given a probability under it to write call:', () => {
    const src = (next: string) => `name: x\nservices:\n  a:\n    serviceTime: 1ms\n    calls:\n      - b\n        ${next}\n  b: {serviceTime: 1ms}\nentrypoints: {w: {target: a, rate: 1/s}}\n`;
    const [d] = loadTopologySource(src('probability: 0.2'), 'bare.yaml').diagnostics;
    expect(`${d.location?.line}:${d.location?.column} ${d.code}: ${d.hint}`).toBe(
      '6:9 yaml-syntax: a call written as a bare name (- b) takes no keys: write - call: b, with probability: under it lined up with call (or {call: b, probability: …} on one line)',
    );
    // Another key under the item is no call step's: the hint stays the general one about indentation.
    expect(loadTopologySource(src('replicas: 2'), 'bare.yaml').diagnostics[0].hint).toMatch(/^this value runs on into the next line/);
  });

  it('an unclosed bracket found at the end of the file is shown at the end of its last line', () => {
    const src = 'name: x\nservices:\n  a: {serviceTime: 1ms}\nentrypoints:\n  w: {target: a, rate: 1/s}\ntimeline:\n  - {at: 1s, crash: a\n\n';
    const text = formatDiagnostics(loadTopologySource(src, 'eof.yaml').diagnostics);
    expect(text.split('\n').slice(0, 3)).toEqual([
      'eof.yaml:7:22: error[yaml-syntax]: Flow map in block collection must be sufficiently indented and end with a }',
      '    7 |   - {at: 1s, crash: a',
      '      |                      ^',
    ]);
  });

  it('shows a window of a very long line around the column, the caret under it', () => {
    const src = JSON.stringify({ name: 'x', services: { a: { serviceTime: '1ms' } }, entrypoints: { w: { target: 'a', rate: '1/s' } }, pad: 'y'.repeat(300), zz: 1 });
    const zz = loadTopologySource(src, 'long.json').diagnostics.find((d) => d.message.includes('"zz"'));
    const [, excerpt, caret] = formatDiagnostics([zz!]).split('\n');
    expect(excerpt.length).toBeLessThan(120);
    expect(excerpt).toMatch(/^ {4}1 \| …y+","zz":1}$/);
    expect(excerpt[caret.indexOf('^')]).toBe('"');
    expect(excerpt.slice(caret.indexOf('^'), caret.indexOf('^') + 4)).toBe('"zz"');
  });

  it('says a second document starts at its ---, in its own words, not the library\'s', () => {
    const src = 'name: a\nservices:\n  api: {serviceTime: 1ms}\nentrypoints:\n  web: {target: api, rate: 1/s}\n---\nname: b\n';
    expect(formatDiagnostics(loadTopologySource(src, 'multi.yaml').diagnostics)).toMatchInlineSnapshot(`
      "multi.yaml:6:1: error[yaml-syntax]: a second YAML document starts here (after ---): the file holds more than one
          6 | ---
            | ^
        hint: a topology file holds one YAML document; remove the \`---\` separators

      1 error, 0 warnings"
    `);
  });

  it("a broken JSON file gets JSON's words, not YAML's", () => {
    expect(report('missing-comma.json')).toMatchInlineSnapshot(`
      "test/fixtures/bad/missing-comma.json:4:3: error[json-syntax]: Expected ',' or '}' after property value
          4 |   "entrypoints": {"web": {"target": "api", "rate": "1/s"}}
            |   ^
        hint: JSON wants double-quoted keys and strings, a comma between entries and none after the last; YAML (.yaml) is more forgiving

      1 error, 0 warnings"
    `);
    expect(report('unclosed.json')).toMatchInlineSnapshot(`
      "test/fixtures/bad/unclosed.json:4:58: error[json-syntax]: the JSON ends too early: a brace, bracket or string is not closed
          4 |   "entrypoints": {"web": {"target": "api", "rate": "1/s"}}
            |                                                          ^
        hint: JSON wants double-quoted keys and strings, a comma between entries and none after the last; YAML (.yaml) is more forgiving

      1 error, 0 warnings"
    `);
  });

  it('reports a duplicate key at the second occurrence', () => {
    expect(report('duplicate-key.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/duplicate-key.yaml:6:5: error[duplicate-key]: services.api.replicas: duplicate key "replicas"
          6 |     replicas: 3
            |     ^
        hint: a key may appear only once in a mapping; YAML would silently keep one of them, so remove or rename the other

      1 error, 0 warnings"
    `);
  });

  it('finds duplicates in flow maps and deep down, each at its second place, and keeps 1 apart from "1"', () => {
    const src = 'name: d\nservices:\n  a: {serviceTime: 1ms, workers: 2, workers: 3}\n  b: {serviceTime: 1ms}\n  a: {serviceTime: 2ms}\n' +
      'entrypoints: {w: {target: a, rate: 10/s}}\n';
    expect(loadTopologySource(src, 'd.yaml').diagnostics.map((d) => `${d.location?.line}:${d.location?.column} ${d.code} ${formatPath(d.path)}`))
      .toEqual(['3:37 duplicate-key services.a.workers', '5:3 duplicate-key services.a']);
    const keys = loadTopologySource('name: d\nzones: [a]\nnodes: {1: {zone: a}, "1": {zone: a}}\nservices: {s: {serviceTime: 1ms}}\n', 'k.yaml');
    expect(keys.diagnostics.filter((d) => d.code === 'duplicate-key')).toEqual([]);
  });
});

describe('structure', () => {
  it('points at an unknown key and suggests the closest allowed one', () => {
    expect(report('unknown-key.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/unknown-key.yaml:4:5: error[unknown-key]: services.api.replics: unknown key "replics"
          4 |     replics: 2
            |     ^
        hint: did you mean "replicas"? allowed keys here: replicas, workers, queue, serviceTime, ioTime, holdWorkerDuringCalls, loadBalancer, zones, nodes, l7, ingressUseWaypoint, responseSize, resilience, calls

      1 error, 0 warnings"
    `);
  });

  it("lists a parallel group's keys for a key it does not take, not a call's, which would suggest the key itself", () => {
    const src = [
      'name: g',
      'services:',
      '  front:',
      '    serviceTime: 1ms',
      '    calls:',
      '      - parallel: [a, b]',
      '        requestSize: 1KB',
      '      - sequence: [a]',
      '        requestSize: 1KB',
      '  a: {serviceTime: 1ms}',
      '  b: {serviceTime: 1ms}',
      'entrypoints: {w: {target: front, rate: 1/s}}',
      '',
    ].join('\n');
    const found = loadTopologySource(src, 'group.yaml').diagnostics.map((d) => `${d.location?.line} ${d.code} ${formatPath(d.path)}: ${d.hint}`);
    expect(found).toEqual([
      '7 unknown-key services.front.calls[0].requestSize: allowed keys here: parallel, probability',
      '9 unknown-key services.front.calls[1].requestSize: allowed keys here: sequence, probability',
    ]);
  });

  it('says where a key written one level off belongs: a service\'s timeout, an entry point\'s duration, a lognormal\'s p50', () => {
    const src = [
      'name: m',
      'network: {sameZone: {dist: lognormal, p50: 100us, p99: 1ms}}',
      'services:',
      '  pay:',
      '    serviceTime: 1ms',
      '    timeout: 1s',
      '    perTryTimeout: 250ms',
      'entrypoints:',
      '  w: {target: pay, rate: 1/s, duration: 60s}',
      '',
    ].join('\n');
    const hints = loadTopologySource(src, 'm.yaml').diagnostics.map((d) => `${formatPath(d.path)}: ${d.hint?.split('; allowed keys here')[0]}`);
    expect(hints).toEqual([
      'network.sameZone.p50: did you mean "median"? a lognormal\'s p50 is its median',
      'services.pay.timeout: timeout is a resilience policy key: write it under resilience (resilience: {timeout: …})',
      'services.pay.perTryTimeout: perTryTimeout is a retry key: write it under resilience.retries (resilience: {retries: {perTryTimeout: …}})',
      "entrypoints.w.duration: duration is the whole run's: write it under the top-level simulation (simulation: {duration: …}), or give --duration on the command line",
    ]);
  });

  it('says what type was expected and what was found', () => {
    expect(report('wrong-type.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/wrong-type.yaml:4:15: error[wrong-type]: services.api.replicas: expected an integer, got the string "two"
          4 |     replicas: two
            |               ^
        hint: replicas: number of pods (default 1)

      1 error, 0 warnings"
    `);
  });

  it('reports a missing required key at its parent', () => {
    expect(report('missing-key.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/missing-key.yaml:3:3: error[missing-key]: services.api.serviceTime: missing required key "serviceTime"
          3 |   api:
            |   ^
        hint: add serviceTime: time a worker spends on one request, not counting its calls: a duration (2ms) or a distribution

      1 error, 0 warnings"
    `);
  });

  it('lists the allowed values of an enum and of a union', () => {
    expect(report('invalid-value.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/invalid-value.yaml:5:19: error[invalid-value]: services.api.loadBalancer: "roundrobin" is not allowed here; expected one of round_robin, least_request, random
          5 |     loadBalancer: roundrobin
            |                   ^
        hint: did you mean "round_robin"?

      test/fixtures/bad/invalid-value.yaml:6:12: error[invalid-value]: services.api.queue: "infinite" is not allowed here; expected an integer ≥ 0 or "unbounded"
          6 |     queue: infinite
            |            ^
        hint: queue: requests that may wait per replica when all workers are busy: an integer ≥ 0 or "unbounded" (default)

      2 errors, 0 warnings"
    `);
  });

  it('suggests the distribution that was probably meant', () => {
    expect(report('unknown-distribution.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/unknown-distribution.yaml:4:25: error[unknown-distribution]: services.api.serviceTime.dist: unknown distribution "lognormall"
          4 |     serviceTime: {dist: lognormall, median: 2ms, p99: 9ms}
            |                         ^
        hint: did you mean "lognormal"? known distributions: constant, exponential, lognormal, normal, uniform, empirical

      1 error, 0 warnings"
    `);
  });

  it('gives correct positions in JSON files', () => {
    expect(report('bad.json')).toMatchInlineSnapshot(`
      "test/fixtures/bad/bad.json:6:18: error[wrong-type]: services.api.workers: expected an integer, got the string "8"
          6 |       "workers": "8",
            |                  ^
        hint: workers: requests one replica works on at once (default 1)

      test/fixtures/bad/bad.json:7:7: error[unknown-key]: services.api.loadbalancer: unknown key "loadbalancer"
          7 |       "loadbalancer": "random"
            |       ^
        hint: did you mean "loadBalancer"? allowed keys here: replicas, workers, queue, serviceTime, ioTime, holdWorkerDuringCalls, loadBalancer, zones, nodes, l7, ingressUseWaypoint, responseSize, resilience, calls

      2 errors, 0 warnings"
    `);
  });
});

describe('values', () => {
  it('rejects an unknown duration unit', () => {
    expect(report('duration-unit.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/duration-unit.yaml:4:18: error[bad-duration]: services.api.serviceTime: unknown duration unit "sec" in "2sec"
          4 |     serviceTime: 2sec
            |                  ^
        hint: use one of the units: ns, us (or µs), ms, s, m, h, e.g. 2ms, 250us or 1.5s

      1 error, 0 warnings"
    `);
  });

  it('names a decimal comma for what it is (1,5ms), in durations and sizes alike', () => {
    const at = (field: string, value: string) =>
      loadTopologySource(`name: c\nservices:\n  a:\n    serviceTime: 1ms\n    ${field}: ${value}\nentrypoints: {w: {target: a, rate: 10/s}}\n`, 'c.yaml').diagnostics;
    const d = at('ioTime', '1,5ms');
    expect(d.map((x) => [x.code, x.location?.line, x.message, x.hint])).toEqual([
      ['bad-duration', 5, 'duration "1,5ms" has a decimal comma', 'write a decimal point: 1.5ms'],
    ]);
    // Before: 'unknown duration unit ",5ms"', with the list of units.
    expect(at('responseSize', '2,25KB')[0].hint).toBe('write a decimal point: 2.25KB');
    // A comma that is no decimal one keeps the general message.
    expect(at('ioTime', '1,5xs')[0].message).toContain('unknown duration unit ",5xs"');
  });

  it('an empty list item is told to be filled in or removed, not that "the key has no value"', () => {
    const d = loadTopologySource('name: e\nservices:\n  a: {serviceTime: 1ms, calls: [null]}\nentrypoints: {w: {target: a, rate: 10/s}}\n', 'e.yaml').diagnostics;
    expect(d.map((x) => [x.code, x.location?.line, x.hint])).toEqual([['wrong-type', 3, 'the list item is empty: write what it should hold, or remove it (and its comma)']]);
  });

  it('an item of the wrong type in a list is told what the list holds, as a key of the wrong type is', () => {
    // Before: zones: [za, {a: 1}], nodes: [n1, true], a schedule step 7 or a partition's {b: 1} had no hint at all.
    const src = 'name: l\nzones: [za, {a: 1}]\nnodes:\n  n1: {zone: za}\nservices:\n  a:\n    serviceTime: 1ms\n    nodes: [n1, true]\n' +
      'entrypoints:\n  w: {target: a, schedule: [{at: 0s, rate: 1/s}, 7]}\ntimeline:\n  - {at: 1s, until: 2s, partition: {services: [a, {b: 1}]}}\n';
    const d = loadTopologySource(src, 'l.yaml').diagnostics;
    expect(d.map((x) => [x.code, formatPath(x.path), x.hint])).toEqual([
      ['wrong-type', 'zones[1]', 'zones: zone names (default ["default"])'],
      ['wrong-type', 'services.a.nodes[1]', expect.stringMatching(/^nodes: nodes the replicas are placed on/)],
      ['wrong-type', 'entrypoints.w.schedule[1]', expect.stringMatching(/^schedule: piecewise constant rate over time/)],
      ['wrong-type', 'timeline[0].partition.services[1]', 'services: the two services cut off from each other'],
    ]);
  });

  it('rejects a bare number as a duration, except 0', () => {
    expect(report('bare-duration.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/bare-duration.yaml:4:47: error[bad-duration]: services.api.serviceTime.max: duration 5 has no unit
          4 |     serviceTime: {dist: uniform, min: 0, max: 5}
            |                                               ^
        hint: add a unit, e.g. 5ms or 5s (units: ns, us, µs, ms, s, m, h)

      1 error, 0 warnings"
    `);
  });

  it('rejects rates without a unit or with an unknown one', () => {
    expect(report('bad-rate.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/bad-rate.yaml:8:11: error[bad-rate]: entrypoints.web.rate: rate 100 has no unit
          8 |     rate: 100
            |           ^
        hint: write it per unit of time, e.g. 100/s (units: /s, /m, /h, rps)

      test/fixtures/bad/bad-rate.yaml:11:11: error[bad-rate]: entrypoints.mobile.rate: unknown rate unit "/sec" in "5/sec"
         11 |     rate: 5/sec
            |           ^
        hint: use one of the units: /s, /m, /h, rps, e.g. 500/s

      2 errors, 0 warnings"
    `);
  });

  it('takes a duration given as a rate for the time between arrivals, and says what rate that is', () => {
    expect(report('rate-period.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/rate-period.yaml:9:11: error[bad-rate]: entrypoints.web.rate: rate "5ms" is a duration, not a rate
          9 |     rate: 5ms
            |           ^
        hint: did you mean a period? 5ms between arrivals is 200/s — write \`rate: 200/s\`

      test/fixtures/bad/rate-period.yaml:13:24: error[bad-rate]: entrypoints.batch.schedule[0].rate: rate "1.5s" is a duration, not a rate
         13 |       - {at: 0s, rate: 1.5s}
            |                        ^
        hint: did you mean a period? 1.5s between arrivals is 40/m — write \`rate: 40/m\`

      test/fixtures/bad/rate-period.yaml:14:25: error[bad-rate]: entrypoints.batch.schedule[1].rate: rate "0s" is a duration, not a rate
         14 |       - {at: 10s, rate: 0s}
            |                         ^
        hint: a rate of 0 (no arrivals, a pause in a schedule) is written 0/s

      3 errors, 0 warnings"
    `);
  });

  it('rejects a probability outside [0, 1]', () => {
    expect(report('probability.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/probability.yaml:7:22: error[out-of-range]: services.api.calls[0].probability: probability 1.5 is outside [0, 1]
          7 |         probability: 1.5
            |                      ^
        hint: a probability is a fraction: 0.8 makes the call on 80 % of requests

      1 error, 0 warnings"
    `);
  });

  it('rejects a zero or negative exponential mean', () => {
    expect(report('exponential-mean.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/exponential-mean.yaml:4:44: error[out-of-range]: services.api.serviceTime.mean: exponential mean must be greater than 0, got 0s
          4 |     serviceTime: {dist: exponential, mean: 0s}
            |                                            ^
        hint: the mean is the average draw and must be positive; for no time at all write 0 instead of a distribution

      test/fixtures/bad/exponential-mean.yaml:9:13: error[out-of-range]: services.db.serviceTime.mean: exponential mean must be greater than 0, got -3ms
          9 |       mean: -3ms
            |             ^
        hint: the mean is the average draw and must be positive; for no time at all write 0 instead of a distribution

      2 errors, 0 warnings"
    `);
  });

  it('rejects a lognormal whose p99 is below its median', () => {
    expect(report('lognormal-p99.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/lognormal-p99.yaml:7:12: error[bad-distribution]: services.api.serviceTime.p99: lognormal p99 (2ms) must be greater than the median (10ms)
          7 |       p99: 2ms
            |            ^
        hint: p99 is the value 99 % of draws stay under, so it exceeds the median; for a fixed value write the duration alone

      1 error, 0 warnings"
    `);
  });

  it('checks percentile points', () => {
    expect(report('percentiles.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/percentiles.yaml:6:20: error[bad-distribution]: services.api.serviceTime.percentiles: percentiles must include p0
          6 |       percentiles: {p50: 2ms, p90: 1ms, p99: 10ms, p100: 20ms, pmax: 30ms}
            |                    ^
        hint: p0 is the smallest value and p100 the largest; the sampler interpolates between points

      test/fixtures/bad/percentiles.yaml:6:36: error[bad-distribution]: services.api.serviceTime.percentiles.p90: p90 (1ms) is less than p50 (2ms)
          6 |       percentiles: {p50: 2ms, p90: 1ms, p99: 10ms, p100: 20ms, pmax: 30ms}
            |                                    ^
        hint: a higher percentile cannot be a smaller value; check the order of the numbers

      test/fixtures/bad/percentiles.yaml:6:64: error[bad-distribution]: services.api.serviceTime.percentiles.pmax: "pmax" is not a percentile
          6 |       percentiles: {p50: 2ms, p90: 1ms, p99: 10ms, p100: 20ms, pmax: 30ms}
            |                                                                ^
        hint: name percentiles pNN or pNN.N between p0 and p100, e.g. p50, p99, p99.9

      3 errors, 0 warnings"
    `);
  });

  it('checks that keys fit the kind of arrivals', () => {
    expect(report('closed-arrivals.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/closed-arrivals.yaml:6:3: error[missing-key]: entrypoints.users.users: closed arrivals need users
          6 |   users:
            |   ^
        hint: add users: the number of clients, each waiting for its response and thinkTime before the next request

      test/fixtures/bad/closed-arrivals.yaml:9:5: error[not-applicable]: entrypoints.users.rate: rate does not apply to closed arrivals
          9 |     rate: 10/s
            |     ^
        hint: rate belongs to open-loop load (poisson or constant); closed-loop users pace themselves, so remove rate, and set users or thinkTime for more or less load

      2 errors, 0 warnings"
    `);
  });

  it('checks that a schedule starts at 0 and moves forward', () => {
    expect(report('bad-schedule.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/bad-schedule.yaml:9:14: error[bad-schedule]: entrypoints.web.schedule[0].at: the schedule starts at 5s, not at 0s
          9 |       - {at: 5s, rate: 100/s}
            |              ^
        hint: make the first entry {at: 0s, rate: …}; the rate before it would be undefined

      test/fixtures/bad/bad-schedule.yaml:11:14: error[bad-schedule]: entrypoints.web.schedule[2].at: schedule time 20s does not come after 30s
         11 |       - {at: 20s, rate: 100/s}
            |              ^
        hint: list the schedule in strictly increasing \`at\` order

      2 errors, 0 warnings"
    `);
  });
});

describe('references', () => {
  it('suggests the closest service for a misspelt call', () => {
    expect(report('unknown-service.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/unknown-service.yaml:15:15: error[unknown-service]: services.api.calls[1].call: unknown service "pyments"
         15 |       - call: pyments
            |               ^
        hint: did you mean "payments"? known services: api, db, payments

      1 error, 0 warnings"
    `);
  });

  it('checks the target of an entry point', () => {
    expect(report('unknown-target.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/unknown-target.yaml:7:13: error[unknown-service]: entrypoints.web.target: unknown service "chekout"
          7 |     target: chekout
            |             ^
        hint: did you mean "checkout"? known services: checkout

      1 error, 0 warnings"
    `);
  });

  it('names the services of a call cycle in order', () => {
    expect(report('call-cycle.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/call-cycle.yaml:12:13: error[call-cycle]: services.c.calls[0]: call cycle: a → b → c → a
         12 |     calls: [a]
            |             ^
        hint: each request would call itself forever; break the cycle so that the calls form a tree

      1 error, 0 warnings"
    `);
  });

  it('refuses calls nested deeper than the simulator goes, naming the chain and the call one level too deep', () => {
    const chain = (n: number, step: (next: string) => string) =>
      `name: deep\nservices:\n${Array.from({ length: n }, (_, i) => `  s${i}: {serviceTime: 1ms${i < n - 1 ? `, calls: [${step(`s${i + 1}`)}]` : ''}}`).join('\n')}\n` +
      'entrypoints:\n  w: {target: s0, rate: 1/s}\n';
    // At the limit it runs: the way back takes no simulated time, so the response unwinds all 200 levels at once.
    const atLimit = loadTopologySource(chain(200, (s) => s), 'ok.yaml').topology;
    expect(atLimit).toBeDefined();
    expect(runTopology(atLimit!, { requests: 50, warmup: 0 }).entrypoints[0].completed).toBe(50);
    const deep = loadTopologySource(chain(201, (s) => s), 'deep.yaml');
    expect(deep.topology).toBeUndefined();
    expect(formatDiagnostics(deep.diagnostics)).toMatchInlineSnapshot(`
      "deep.yaml:202:36: error[call-depth]: services.s199.calls[0]: a request of "w" nests 201 calls deep (s0 → s1 → s2 → … → s199 → s200); meshtax simulates at most 200
        202 |   s199: {serviceTime: 1ms, calls: [s200]}
            |                                    ^
        hint: real call chains are a few dozen deep at most: shorten the chain, or model a run of alike services as one with their summed service time

      1 error, 0 warnings"
    `);
    // Blocks count as levels: 67 hops, each a call in a sequence in a parallel group.
    const blocks = loadTopologySource(chain(68, (s) => `{parallel: [{sequence: [${s}]}]}`), 'blocks.yaml');
    expect(blocks.diagnostics.map((d) => d.code)).toEqual(['call-depth']);
    expect(loadTopologySource(chain(67, (s) => `{parallel: [{sequence: [${s}]}]}`), 'blocks.yaml').topology).toBeDefined();
    // Thousands of services in a chain closed into a cycle: found without overflowing the stack.
    const ring = chain(5000, (s) => s).replace('s4999: {serviceTime: 1ms}', 's4999: {serviceTime: 1ms, calls: [s0]}');
    expect(loadTopologySource(ring, 'ring.yaml').diagnostics.map((d) => d.code)).toEqual(['call-cycle']);
  });

  it('refuses rates the clock cannot follow, far below one a day or above one a nanosecond', () => {
    const at = (rate: string) => loadTopologySource(`name: r\nservices: {a: {serviceTime: 1ms}}\nentrypoints: {w: {target: a, rate: "${rate}"}}\n`, 'r.yaml');
    expect(at('1e-300/s').diagnostics.map((d) => d.message)).toEqual([
      'rate 1e-300/s is below 1e-6/s (one request in 12 days): a run of it lasts so long that the clock cannot resolve the service times',
    ]);
    expect(at('1e30/s').diagnostics.map((d) => d.code)).toEqual(['out-of-range']);
    expect(at('1e30/s').diagnostics[0].message).toContain('is above 1e9/s');
    for (const fine of ['1/h', '1e9/s', '0.1/m']) expect(at(fine).topology, fine).toBeDefined();
    const schedule = loadTopologySource('name: r\nservices: {a: {serviceTime: 1ms}}\nentrypoints: {w: {target: a, schedule: [{at: 0s, rate: 0/s}, {at: 1s, rate: 2e9/s}]}}\n', 's.yaml');
    expect(schedule.diagnostics.map((d) => d.path.join('.'))).toEqual(['entrypoints.w.schedule.1.rate']);
  });

  it('warns of a schedule rate that starts after the run ends, as of a timeline event', () => {
    const src = (duration: string) => `name: x\nsimulation: {duration: ${duration}}\nservices: {a: {serviceTime: 1ms}}\n` +
      'entrypoints: {w: {target: a, schedule: [{at: 0s, rate: 10/s}, {at: 20m, rate: 100/s}]}}\n';
    const late = loadTopologySource(src('10m'), 'late.yaml');
    expect(late.topology).toBeDefined();
    expect(late.diagnostics.map((d) => `${d.severity}[${d.code}] ${formatPath(d.path)}: ${d.message}`)).toEqual([
      'warning[after-run] entrypoints.w.schedule[1].at: this rate at 20m comes after the end of the run (10m)',
    ]);
    expect(loadTopologySource(src('30m'), 'late.yaml').diagnostics).toEqual([]);
  });

  it('takes YAML merge keys, and still checks the keys written beside them', () => {
    const src = 'name: m\nservices:\n  a: &svc {serviceTime: 1ms, workers: 2, calls: [b]}\n  b:\n    <<: *svc\n    serviceTime: 2ms\n    calls: []\n' +
      'entrypoints: {w: {target: a, rate: 10/s}}\n';
    const b = loadTopologySource(src, 'm.yaml').topology?.services.find((s) => s.name === 'b');
    expect(b?.workers).toBe(2);
    expect(b?.serviceTime).toEqual({ kind: 'constant', value: 0.002 });
    const typo = loadTopologySource(src.replace('    serviceTime: 2ms', '    wokers: 3'), 'm.yaml');
    expect(typo.diagnostics.map((d) => `${d.location?.line}: ${d.message}`)).toEqual(['6: unknown key "wokers"']);
  });

  it('points at an alias of no anchor and a merge key over a non-mapping, not at line 1', () => {
    const show = (src: string) => loadTopologySource(src, 'm.yaml').diagnostics
      .map((d) => `${d.location?.line}:${d.location?.column} ${d.code} ${formatPath(d.path)}: ${d.message} (${d.hint})`);
    const base = 'name: m\nservices:\n  a: {serviceTime: 1ms}\n  b:\n    <<: X\n    serviceTime: 2ms\nentrypoints: {w: {target: a, rate: 10/s}}\n';
    expect(show(base.replace('X', '*svc'))).toEqual([
      '5:9 unknown-anchor services.b["<<"]: alias *svc names no anchor set before it (set the anchor (&svc) on a value above this alias, or check its spelling)',
    ]);
    expect(show(base.replace('X', '5'))).toEqual([
      '5:5 bad-merge services.b["<<"]: a merge key (<<) takes a mapping, an alias of one (*defaults), or a list of them ' +
        '(write `<<: *defaults` where `&defaults` is set on a mapping above, or write the keys out)',
    ]);
    expect(show(base.replace('a: {', 'a: &s {').replace('X', '[*s]')).filter((d) => !d.includes('unreachable-service'))).toEqual([]);
  });

  it('refuses names with control characters, which would drive the terminal and break the diagram', () => {
    const src = 'name: "t\\x07"\nzones: [z]\nnodes: {"n\\x7f": {zone: z}}\nservices:\n  "a\\x1b[31m": {serviceTime: 1ms}\n' +
      'entrypoints: {"w\\x01": {target: "a\\x1b[31m", rate: 10/s}}\n';
    const d = loadTopologySource(src, 'c.yaml').diagnostics.filter((x) => x.code === 'bad-name');
    expect(d.map((x) => `${x.location?.line}:${x.location?.column} ${formatPath(x.path)}: ${x.message}`)).toEqual([
      '1:7 name: the topology\'s name holds an unprintable character (U+0007): "t\\u0007"',
      '3:9 nodes["n\\u007f"]: a node name holds an unprintable character (U+007F): "n\\u007f"',
      '5:3 services["a\\u001b[31m"]: a service name holds an unprintable character (U+001B): "a\\u001b[31m"',
      '6:15 entrypoints["w\\u0001"]: an entry point name holds an unprintable character (U+0001): "w\\u0001"',
    ]);
    // Any script is a name: only unprintable characters are refused.
    expect(loadTopologySource('name: 日本\nservices: {"пример-サービス": {serviceTime: 1ms}}\nentrypoints: {w: {target: "пример-サービス", rate: 1/s}}\n', 'u.yaml')
      .diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
  });

  it('refuses a name that would print the same as another: an invisible character, or a space at either end', () => {
    // Before: "auth\u200b" and "auth " loaded as services of their own, shown in every table exactly as "auth".
    const src = 'name: m\nservices:\n  auth: {serviceTime: 1ms, calls: ["auth\\u200b"]}\n  "auth\\u200b": {serviceTime: 1ms, calls: ["auth "]}\n' +
      '  "auth ": {serviceTime: 1ms}\nentrypoints: {"\\ufeffweb": {target: auth, rate: 1/s}}\n';
    const d = loadTopologySource(src, 'c.yaml').diagnostics.filter((x) => x.code === 'bad-name');
    expect(d.map((x) => `${x.location?.line}:${x.location?.column} ${formatPath(x.path)}: ${x.message} (${x.hint})`)).toEqual([
      '4:3 services["auth\\u200b"]: a service name holds an invisible character (U+200B): "auth\\u200b" prints the same as "auth" ' +
        '(remove it: tables, CSV and the report could not tell this name from the one without it (text copied from a web page or a word processor can bring one in))',
      '5:3 services["auth "]: a service name "auth " starts or ends with a space: tables would show it as "auth" ' +
        '(remove the space (quotes in YAML keep one that would otherwise be dropped))',
      '6:15 entrypoints["\\ufeffweb"]: an entry point name holds an invisible character (U+FEFF): "\\ufeffweb" prints the same as "web" ' +
        '(remove it: tables, CSV and the report could not tell this name from the one without it (text copied from a web page or a word processor can bring one in))',
    ]);
    // Joiners and selectors that emoji and scripts need are names' own: 👩‍💻, ❤️, a no-break space inside.
    expect(loadTopologySource('name: m\nservices: {"👩\\u200d💻": {serviceTime: 1ms}, "❤\\ufe0f": {serviceTime: 1ms}, "a\\u00a0b": {serviceTime: 1ms}}\n' +
      'entrypoints: {w: {target: "👩\\u200d💻", rate: 1/s}, x: {target: "❤\\ufe0f", rate: 1/s}, y: {target: "a\\u00a0b", rate: 1/s}}\n', 'e.yaml')
      .diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
  });

  it('warns of names that differ but read the same: a Cyrillic or Greek letter drawn like a Latin one, or case alone', () => {
    const src = 'name: m\nservices:\n  auth: {serviceTime: 1ms, calls: [аuth, Auth, ｏrders]}\n  аuth: {serviceTime: 1ms}\n  Auth: {serviceTime: 1ms}\n' +
      '  orders: {serviceTime: 1ms}\n  ｏrders: {serviceTime: 1ms}\nentrypoints: {w: {target: auth, rate: 1/s}, x: {target: orders, rate: 1/s}, "ω": {target: auth, rate: 1/s}}\n';
    const d = loadTopologySource(src, 'l.yaml').diagnostics;
    expect(d.map((x) => `${x.severity} ${x.location?.line}:${x.location?.column} ${x.code}: ${x.message}`)).toEqual([
      'warning 4:3 lookalike-names: service "аuth" reads the same as service "auth" (they differ at U+0430 "а"): tables and charts would show two services a reader takes for one',
      'warning 5:3 lookalike-names: service "Auth" reads the same as service "auth" (they differ at U+0041 "A"): tables and charts would show two services a reader takes for one',
      'warning 7:3 lookalike-names: service "ｏrders" reads the same as service "orders" (they differ at U+FF4F "ｏ"): tables and charts would show two services a reader takes for one',
    ]);
    expect(d[0].hint).toBe('if they are one service, use one spelling (a letter from another alphabet can come in with pasted text); if two, give them names that differ visibly');
  });

  it('refuses a list or mapping as a key, at its place, without a warning on stderr', () => {
    const d = loadTopologySource('name: m\n? [a, b]\n: 1\nservices: {a: {serviceTime: 1ms}}\nentrypoints: {w: {target: a, rate: 1/s}}\n', 'k.yaml').diagnostics;
    expect(d.map((x) => `${x.location?.line}:${x.location?.column} ${x.code}: ${x.message}`)).toEqual(['2:3 complex-key: a key must be a name, not a list or a mapping']);
  });

  it('places an unreadable mesh profile (a directory) where the topology names it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-pdir-'));
    mkdirSync(join(dir, 'p.yaml'));
    const file = join(dir, 't.yaml');
    writeFileSync(file, 'name: m\nmesh: p.yaml\nservices: {a: {serviceTime: 1ms}}\nentrypoints: {w: {target: a, rate: 1/s}}\n');
    const d = loadTopologyFile(file).diagnostics;
    expect(d.map((x) => `${x.location?.line}:${x.location?.column} ${x.code} ${formatPath(x.path)}`)).toEqual(['2:7 file-unreadable mesh']);
  });

  it('holds a .json file to JSON: a trailing comma or a comment, which YAML takes, is a JSON error at its place', () => {
    const ok = '{"name": "j", "services": {"a": {"serviceTime": "1ms"}}, "entrypoints": {"w": {"target": "a", "rate": "1/s"}}}\n';
    expect(loadTopologySource(ok, 'j.json').topology).toBeDefined();
    const show = (src: string) => loadTopologySource(src, 'j.json').diagnostics.map((d) => `${d.location?.line}:${d.location?.column} ${d.code}: ${d.message}`);
    expect(show(ok.replace('"1/s"}}}', '"1/s"},}}'))).toEqual(['1:110 json-syntax: Expected double-quoted property name']);
    expect(show(ok.replace('}}}\n', '}}} # note\n'))).toEqual(['1:112 json-syntax: Unexpected non-whitespace character after the JSON value']);
  });

  it('warns under a mesh when sameNode is left to default to sameZone', () => {
    const src = (mesh: string, sameNode = '') =>
      `name: n\nmesh: ${mesh}\nnetwork: {sameZone: 50us${sameNode}}\nservices: {a: {serviceTime: 1ms}}\nentrypoints: {w: {target: a, rate: 1/s}}\n`;
    const codes = (text: string) => loadTopologySource(text, 'n.yaml').diagnostics.map((d) => `${d.code} ${formatPath(d.path)}`);
    expect(codes(src('istio-sidecar'))).toEqual(['default-same-node network.sameZone']);
    expect(codes(src('istio-sidecar', ', sameNode: 15us'))).toEqual([]);
    expect(codes(src('none'))).toEqual([]);
  });

  it('warns that unavailable, a gRPC status, retries nothing an HTTP service answers', () => {
    const src = 'name: g\nservices: {a: {serviceTime: 1ms, resilience: {retries: {retryOn: [connect-failure, unavailable]}}}}\nentrypoints: {w: {target: a, rate: 1/s}}\n';
    const [d] = loadTopologySource(src, 'g.yaml').diagnostics;
    expect(`${d.location?.line}:${d.location?.column} ${d.severity} ${d.code} ${formatPath(d.path)}`).toBe('2:84 warning grpc-condition services.a.resilience.retries.retryOn[1]');
    expect(d.hint).toContain('retriable-status');
  });

  it('refuses a "__proto__" key, which would make its service vanish', () => {
    const src = 'name: m\nservices:\n  a: {serviceTime: 1ms, calls: [__proto__]}\n  __proto__: {serviceTime: 1ms}\nentrypoints: {w: {target: a, rate: 10/s}}\n';
    expect(loadTopologySource(src, 'p.yaml').diagnostics.map((d) => `${d.location?.line}:${d.location?.column} ${d.code} ${formatPath(d.path)}`))
      .toEqual(['4:3 reserved-key services.__proto__']);
  });

  it('checks zones of services and entry points', () => {
    expect(report('unknown-zone.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/unknown-zone.yaml:6:25: error[unknown-zone]: services.api.zones[1]: unknown zone "eu-west-1c"
          6 |     zones: [eu-west-1a, eu-west-1c]
            |                         ^
        hint: did you mean "eu-west-1a"? known zones: eu-west-1a, eu-west-1b

      test/fixtures/bad/unknown-zone.yaml:8:40: error[unknown-zone]: entrypoints.web.zone: unknown zone "us-east-1a"
          8 |   web: {target: api, rate: 10/s, zone: us-east-1a}
            |                                        ^
        hint: known zones: eu-west-1a, eu-west-1b

      2 errors, 0 warnings"
    `);
  });

  it('warns about a service no entry point reaches, and still loads', () => {
    expect(report('unreachable.yaml', true)).toMatchInlineSnapshot(`
      "test/fixtures/bad/unreachable.yaml:5:3: warning[unreachable-service]: services.legacy: service "legacy" is not reached from any entry point
          5 |   legacy:
            |   ^
        hint: it will get no traffic: call it from another service, add an entry point that targets it, or remove it

      0 errors, 1 warning"
    `);
  });
});

describe('nodes, mesh and costs', () => {
  it('suggests the closest node for an unknown one', () => {
    expect(report('unknown-node.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/unknown-node.yaml:9:22: error[unknown-node]: services.api.nodes[1]: unknown node "node-c1"
          9 |     nodes: [node-a1, node-c1]
            |                      ^
        hint: did you mean "node-a1"? known nodes: node-a1, node-b1

      test/fixtures/bad/unknown-node.yaml:11:40: error[unknown-node]: entrypoints.web.node: unknown node "nod-b1"
         11 |   web: {target: api, rate: 10/s, node: nod-b1}
            |                                        ^
        hint: did you mean "node-b1"? known nodes: node-a1, node-b1

      2 errors, 0 warnings"
    `);
  });

  it('checks that pinned nodes and entry-point nodes lie in the right zones', () => {
    expect(report('node-wrong-zone.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/node-wrong-zone.yaml:11:22: error[node-not-in-zone]: services.api.nodes[1]: node "node-b1" is in zone "zone-b", which is not one of the service's zones (zone-a)
         11 |     nodes: [node-a1, node-b1]
            |                      ^
        hint: pin the service to nodes of its zones, or add "zone-b" to its zones

      test/fixtures/bad/node-wrong-zone.yaml:17:11: error[node-not-in-zone]: entrypoints.load.node: node "node-b1" is in zone "zone-b", not in the entry point's zone "zone-a"
         17 |     node: node-b1
            |           ^
        hint: pick a node of the entry point's zone (node-a1, node-a2), or set zone: zone-b

      2 errors, 0 warnings"
    `);
  });

  it('requires a node in every zone once nodes are declared', () => {
    expect(report('zone-without-nodes.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/zone-without-nodes.yaml:2:25: error[zone-without-nodes]: zones[2]: zone "zone-c" has no nodes
          2 | zones: [zone-a, zone-b, zone-c]
            |                         ^
        hint: once nodes are declared every zone needs one: add e.g. zone-c-node: {zone: zone-c}, or remove the zone

      1 error, 0 warnings"
    `);
  });

  it('says `nodes: {}` once, as empty, not also as every zone without a node', () => {
    // Was two errors for one mistake (three with two zones): zone "default" has no nodes, and nodes is empty.
    const rest = 'services:\n  a: {serviceTime: 1ms}\nentrypoints:\n  in: {target: a, rate: 1/s}\n';
    expect(formatDiagnostics(loadTopologySource(`name: n\nnodes: {}\n${rest}`, 'n.yaml').diagnostics)).toMatchInlineSnapshot(`
      "n.yaml:2:8: error[empty]: nodes: nodes is empty
          2 | nodes: {}
            |        ^
        hint: declare at least one node in each zone, e.g. default-node: {zone: default}, or remove the key for one node per zone

      1 error, 0 warnings"
    `);
    const zoned = loadTopologySource(`name: n\nzones: [eu-a, eu-b]\nnodes: {}\n${rest}`, 'n.yaml').diagnostics;
    expect(zoned.map((d) => `${d.code} ${formatPath(d.path)}: ${d.hint}`)).toEqual([
      'empty nodes: declare at least one node in each zone, e.g. eu-a-node: {zone: eu-a}, or remove the key for one node per zone',
    ]);
  });

  it('checks a node\'s cpu kind and suggests the one meant', () => {
    expect(report('bad-cpu.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/bad-cpu.yaml:3:29: error[invalid-value]: nodes.big.cpu: "shard" is not allowed here; expected one of dedicated, shared
          3 |   big: {zone: default, cpu: shard}
            |                             ^
        hint: did you mean "shared"?

      1 error, 0 warnings"
    `);
  });

  it('refuses more pods or closed-loop users than fit in memory, instead of dying of heap exhaustion', () => {
    const src = (replicas: number, users: number, scaleTo: number) =>
      `name: big\nservices:\n  api: {serviceTime: 1ms, replicas: ${replicas}}\n  db: {serviceTime: 1ms, replicas: 3}\n` +
      `entrypoints:\n  web: {target: api, rate: 1/s}\n  bots: {target: db, arrivals: closed, users: ${users}}\n` +
      `timeline:\n  - {at: 1s, scale: {service: db, replicas: ${scaleTo}}}\n`;
    expect(formatDiagnostics(loadTopologySource(src(100_000_000, 5_000_000, 200_000), 'big.yaml').diagnostics)).toMatchInlineSnapshot(`
      "big.yaml:3:37: error[too-large]: services.api.replicas: 100,000,003 pods in all (100,000,000 here, 3 in the other services) is more than meshtax can simulate (at most 100,000): every pod has state of its own
          3 |   api: {serviceTime: 1ms, replicas: 100000000}
            |                                     ^
        hint: simulate a representative slice of the fleet and set costs.projectPods (or --pods) to project the mesh's cost to all of it

      big.yaml:7:47: error[too-large]: entrypoints.bots.users: 5,000,000 closed-loop users is more than meshtax can simulate (at most 1,000,000): each has a request of its own
          7 |   bots: {target: db, arrivals: closed, users: 5000000}
            |                                               ^
        hint: use fewer users with a shorter thinkTime, or an open-loop rate for the same load

      big.yaml:9:45: error[too-large]: timeline[0].scale.replicas: 100,200,000 pods in all (200,000 here, 100,000,000 in the other services) is more than meshtax can simulate (at most 100,000): every pod has state of its own
          9 |   - {at: 1s, scale: {service: db, replicas: 200000}}
            |                                             ^
        hint: simulate a representative slice of the fleet and set costs.projectPods (or --pods) to project the mesh's cost to all of it

      3 errors, 0 warnings"
    `);
    // At the limits, it loads.
    expect(loadTopologySource(src(99_997, 1_000_000, 3), 'big.yaml').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // Scaling counts the pods of the others too: 99,997 + 4 is one too many.
    expect(loadTopologySource(src(99_997, 1, 4), 'big.yaml').diagnostics.map((d) => `${d.code} ${d.path.join('.')}`)).toEqual(['too-large timeline.0.scale.replicas']);
  });

  it('checks a node\'s cores', () => {
    const src = 'name: n\nnodes:\n  big: {zone: default, cores: 0}\nservices:\n  a: {serviceTime: 1ms}\nentrypoints:\n  in: {target: a, rate: 1/s}\n';
    expect(formatDiagnostics(loadTopologySource(src, 'cores.yaml').diagnostics)).toMatchInlineSnapshot(`
      "cores.yaml:3:31: error[out-of-range]: nodes.big.cores: cores must be an integer ≥ 1, got 0
          3 |   big: {zone: default, cores: 0}
            |                               ^
        hint: cores is the number of CPU cores of the node, at least 1

      1 error, 0 warnings"
    `);
  });

  it('checks prices and the projected pod count', () => {
    expect(report('bad-cost.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/bad-cost.yaml:3:13: error[out-of-range]: costs.vcpuHour: vcpuHour must not be negative, got -0.04
          3 |   vcpuHour: -0.04
            |             ^
        hint: a price in dollars per vCPU-hour, 0 or more, e.g. 0.0416

      test/fixtures/bad/bad-cost.yaml:5:16: error[out-of-range]: costs.projectPods: projectPods must be an integer ≥ 1, got 0
          5 |   projectPods: 0
            |                ^
        hint: projectPods is the pod count the resource invoice is projected to, from 1 to 1,000,000

      2 errors, 0 warnings"
    `);
  });

  it('suggests the bundled mesh profile that was probably meant', () => {
    expect(report('unknown-mesh-profile.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/unknown-mesh-profile.yaml:2:7: error[unknown-mesh-profile]: mesh: unknown mesh profile "istio-sidcar"
          2 | mesh: istio-sidcar
            |       ^
        hint: did you mean "istio-sidecar"? bundled profiles: cilium, istio-ambient, istio-ambient-waypoint, istio-sidecar, linkerd, none; or give the path of a profile file ending in .yaml, .yml or .json

      1 error, 0 warnings"
    `);
  });

  it('points at unknown override keys and suggests the closest', () => {
    expect(report('override-key.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/override-key.yaml:5:5: error[unknown-key]: mesh.sidecar.worker: unknown key "worker"
          5 |     worker: 4
            |     ^
        hint: did you mean "workers"? allowed keys here: workers, requestCost, responseCost, perKB, telemetryCost, idleCpu, memory, terminationDrain

      test/fixtures/bad/override-key.yaml:6:14: error[unknown-key]: mesh.sidecar.memory.bse: unknown key "bse"
          6 |     memory: {bse: 30MB}
            |              ^
        hint: did you mean "base"? allowed keys here: base, perConnection, perEndpoint

      2 errors, 0 warnings"
    `);
  });

  it('checks the units and ranges of override values in the topology file', () => {
    expect(report('override-value.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/override-value.yaml:5:14: error[out-of-range]: mesh.sidecar.workers: workers must be an integer ≥ 1, got 0
          5 |     workers: 0
            |              ^
        hint: workers is the number of the proxy's worker threads, at least 1

      test/fixtures/bad/override-value.yaml:6:18: error[bad-duration]: mesh.sidecar.requestCost: unknown duration unit "sec" in "80sec"
          6 |     requestCost: 80sec
            |                  ^
        hint: use one of the units: ns, us (or µs), ms, s, m, h, e.g. 2ms, 250us or 1.5s

      test/fixtures/bad/override-value.yaml:8:18: error[out-of-range]: mesh.mtls.idleTimeout: idleTimeout must be greater than 0, got 0s
          8 |     idleTimeout: 0s
            |                  ^
        hint: use a duration greater than 0, e.g. 1ms

      3 errors, 0 warnings"
    `);
  });

  it('rejects overrides of proxies the profile does not have', () => {
    expect(report('override-not-applicable.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/override-not-applicable.yaml:4:3: error[not-applicable]: mesh.sidecar: sidecar does not apply to profile "istio-ambient" (mode ambient)
          4 |   sidecar: {workers: 4}
            |   ^
        hint: overrides change what the profile has ("istio-ambient" has nodeProxy, gateway, mtls); for another data plane name another profile, or write a profile file of your own

      test/fixtures/bad/override-not-applicable.yaml:5:3: error[not-applicable]: mesh.waypoint: waypoint does not apply to profile "istio-ambient" (mode ambient)
          5 |   waypoint: {replicas: 2}
            |   ^
        hint: overrides change what the profile has ("istio-ambient" has nodeProxy, gateway, mtls); for another data plane name another profile, or write a profile file of your own

      2 errors, 0 warnings"
    `);
  });

  it('reports a missing profile file at the key that names it', () => {
    expect(report('missing-profile-path.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/missing-profile-path.yaml:2:17: error[file-not-found]: mesh.profile: cannot read "test/fixtures/bad/meshes/nope.yaml": no such file
          2 | mesh: {profile: meshes/nope.yaml, mtls: {enabled: false}}
            |                 ^
        hint: check the path; it is relative to "test/fixtures/bad", the topology file's directory

      1 error, 0 warnings"
    `);
  });

  it('reports the errors of a profile file referenced by path in that file', () => {
    expect(report('broken-profile-path.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/meshes/broken.yaml:8:16: error[bad-duration]: sidecar.requestCost: unknown duration unit "usec" in "45usec"
          8 |   requestCost: 45usec
            |                ^
        hint: use one of the units: ns, us (or µs), ms, s, m, h, e.g. 2ms, 250us or 1.5s

      test/fixtures/bad/meshes/broken.yaml:12:12: error[out-of-range]: sidecar.idleCpu: idleCpu must not be negative, got -0.1
         12 |   idleCpu: -0.1
            |            ^
        hint: idleCpu is the background CPU of an idle proxy in vCPU, 0 or more, e.g. 0.003

      test/fixtures/bad/meshes/broken.yaml:14:21: error[out-of-range]: sidecar.terminationDrain: terminationDrain must not be negative, got -5s
         14 |   terminationDrain: -5s
            |                     ^
        hint: terminationDrain is how long the sidecar keeps accepting connections once its pod is deleted, 0s or more: Istio's terminationDrainDuration is 5s by default; Linkerd's proxy refuses new requests at once (0s, or its proxy-wait-before-exit-seconds)

      test/fixtures/bad/meshes/broken.yaml:24:25: error[out-of-range]: mtls.streamsPerConnection: streamsPerConnection must be an integer ≥ 1, got 0
         24 |   streamsPerConnection: 0
            |                         ^
        hint: requests one connection carries at once, at least 1: 1 for HTTP/1.1, 100 or more for HTTP/2

      4 errors, 0 warnings"
    `);
  });
});

describe('timeline', () => {
  it('holds one event per timeline entry, and lists the events', () => {
    expect(report('timeline-two-events.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/timeline-two-events.yaml:12:5: error[conflicting-keys]: timeline[0].delay: a timeline entry holds one event, this one has 2: abort, delay
         12 |     delay: {service: ratings, delay: 100ms}
            |     ^
        hint: give each event an entry of its own; entries may share \`at\` and \`until\`. Events: rollout, scale, policyChange, abort, delay, crash, proxyCrash, cpuSlowdown, partition, connectFailure, controlPlaneOutage, certificateExpiry

      1 error, 0 warnings"
    `);
  });

  it('reports a timeline entry with no event', () => {
    expect(report('timeline-no-event.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/timeline-no-event.yaml:9:5: error[missing-key]: timeline[0]: this timeline entry has no event
          9 |   - {at: 10s, until: 20s}
            |     ^
        hint: add one event to it: rollout, scale, policyChange, abort, delay, crash, proxyCrash, cpuSlowdown, partition, connectFailure, controlPlaneOutage, certificateExpiry

      1 error, 0 warnings"
    `);
  });

  it('suggests the event that was probably meant', () => {
    expect(report('timeline-unknown-event.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/timeline-unknown-event.yaml:9:27: error[unknown-key]: timeline[0].abrot: unknown key "abrot"
          9 |   - {at: 10s, until: 20s, abrot: {service: ratings}}
            |                           ^
        hint: did you mean "abort"? allowed keys here: at, until, rollout, scale, policyChange, abort, delay, crash, proxyCrash, cpuSlowdown, partition, connectFailure, controlPlaneOutage, certificateExpiry

      1 error, 0 warnings"
    `);
  });

  it('requires until to come after at', () => {
    expect(report('timeline-window.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/timeline-window.yaml:9:22: error[bad-window]: timeline[0].until: until (10s) must come after at (20s)
          9 |   - {at: 20s, until: 10s, crash: {service: ratings}}
            |                      ^
        hint: a fault lasts from at to until; leave until out for one that lasts to the end of the run

      test/fixtures/bad/timeline-window.yaml:10:22: error[bad-window]: timeline[1].until: until (30s) must come after at (30s)
         10 |   - {at: 30s, until: 30s, proxyCrash: {service: ratings}}
            |                      ^
        hint: a fault lasts from at to until; leave until out for one that lasts to the end of the run

      2 errors, 0 warnings"
    `);
  });

  it('rejects until on a one-shot event', () => {
    expect(report('timeline-until-rollout.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/timeline-until-rollout.yaml:10:5: error[not-applicable]: timeline[0].until: until does not apply to a rollout
         10 |     until: 60s
            |     ^
        hint: a rollout happens once, at \`at\`, and takes as long as its pods need; remove until

      1 error, 0 warnings"
    `);
  });

  it('names the replicas a service has', () => {
    expect(report('timeline-replica.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/timeline-replica.yaml:9:44: error[unknown-replica]: timeline[0].crash.replica: replica "reviews-9" does not exist: reviews has 3 replicas (reviews-0 to reviews-2)
          9 |   - {at: 40s, until: 45s, crash: {replica: reviews-9}}
            |                                            ^
        hint: replicas are numbered from 0 to replicas − 1; pick one of them, or give reviews more replicas (or scale it up earlier on the timeline)

      1 error, 0 warnings"
    `);
  });

  it('checks partitions: zones or services, two of them, known ones', () => {
    expect(report('timeline-partition.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/timeline-partition.yaml:9:64: error[conflicting-keys]: timeline[0].partition.services: zones and services are both given
          9 |   - {at: 40s, until: 50s, partition: {zones: [zone-a, zone-b], services: [reviews, ratings]}}
            |                                                                ^
        hint: a partition cuts two zones apart, or two services: keep one, and add another entry for the other

      test/fixtures/bad/timeline-partition.yaml:10:55: error[unknown-zone]: timeline[1].partition.zones[1]: unknown zone "zone-c"
         10 |   - {at: 40s, until: 50s, partition: {zones: [zone-a, zone-c]}}
            |                                                       ^
        hint: did you mean "zone-a"? known zones: zone-a, zone-b

      test/fixtures/bad/timeline-partition.yaml:11:49: error[bad-partition]: timeline[2].partition.services: a partition is between two services, got 1
         11 |   - {at: 40s, until: 50s, partition: {services: [reviews]}}
            |                                                 ^
        hint: list two different services; to cut one off from several, add an entry per pair (they may share at and until)

      3 errors, 0 warnings"
    `);
  });

  it('refuses blank names of services, entry points, nodes and zones', () => {
    const src = 'name: t\nzones: [z, " "]\nnodes:\n  "": {zone: z}\nservices:\n  "": {serviceTime: 1ms}\n  a: {serviceTime: 1ms}\nentrypoints:\n  " ": {target: a, rate: 10/s}\n';
    const r = loadTopologySource(src, 't.yaml');
    expect(r.topology).toBeUndefined();
    expect(r.diagnostics.filter((d) => d.code === 'empty').map((d) => `${d.location?.line}: ${d.message}`)).toEqual([
      '2: zone name " " is blank',
      '4: node name "" is blank',
      '6: service name "" is blank',
      '9: entry point name " " is blank',
    ]);
  });

  it('tells a service keyed null (YAML\'s null, read as "") to quote the word', () => {
    for (const key of ['null', '~']) {
      const src = `name: t\nservices:\n  ${key}: {serviceTime: 1ms}\n  a: {serviceTime: 1ms}\nentrypoints:\n  w: {target: a, rate: 10/s}\n`;
      const empty = loadTopologySource(src, 't.yaml').diagnostics.filter((d) => d.code === 'empty');
      expect(empty.map((d) => `${d.location?.line}: ${d.message} / ${d.hint}`)).toEqual([
        `3: service name "" is blank / a key written null, ~ or left empty is YAML's null, read as no name: quote it to use the word ('null':), or give the service another name`,
      ]);
    }
    const spaces = loadTopologySource('name: t\nservices:\n  " ": {serviceTime: 1ms}\nentrypoints:\n  w: {target: " ", rate: 10/s}\n', 't.yaml');
    expect(spaces.diagnostics.find((d) => d.code === 'empty')?.hint).toBe('give the service a name that reports can show and references can use');
  });

  it('refuses an abort with a success status: an abort is counted as a failure', () => {
    const src = 'name: t\nservices:\n  a: {serviceTime: 1ms}\nentrypoints:\n  w: {target: a, rate: 10/s}\n';
    for (const status of [200, 302, 399]) {
      const r = loadTopologySource(`${src}timeline:\n  - {at: 1s, until: 2s, abort: {service: a, status: ${status}}}\n`, 't.yaml');
      expect(r.topology).toBeUndefined();
      expect(r.diagnostics.map((d) => `${d.location?.line}: ${d.code}: ${d.message}`)).toEqual([
        `7: out-of-range: status ${status} is not an HTTP error status from 400 to 599: an abort fails the request`,
      ]);
    }
    const ok = loadTopologySource(`${src}timeline:\n  - {at: 1s, until: 2s, abort: {service: a, status: 429}}\n`, 't.yaml');
    expect(ok.diagnostics).toEqual([]);
  });

  it('checks statuses, probabilities and factors of faults', () => {
    expect(report('timeline-values.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/timeline-values.yaml:9:61: error[out-of-range]: timeline[0].abort.status: status 700 is not an HTTP error status from 400 to 599: an abort fails the request
          9 |   - {at: 10s, until: 20s, abort: {service: ratings, status: 700, probability: -0.5}}
            |                                                             ^
        hint: an abort returns an HTTP status instead of doing the work, e.g. 503 (the default) or 500

      test/fixtures/bad/timeline-values.yaml:9:79: error[out-of-range]: timeline[0].abort.probability: probability -0.5 is outside [0, 1]
          9 |   - {at: 10s, until: 20s, abort: {service: ratings, status: 700, probability: -0.5}}
            |                                                                               ^
        hint: a probability is a fraction from 0 to 1: 0.1 affects 10 % of requests (the default 1, all of them)

      test/fixtures/bad/timeline-values.yaml:10:75: error[out-of-range]: timeline[1].connectFailure.probability: probability 1.5 is outside [0, 1]
         10 |   - {at: 10s, until: 20s, connectFailure: {service: ratings, probability: 1.5}}
            |                                                                           ^
        hint: a probability is a fraction from 0 to 1: 0.1 affects 10 % of requests (the default 1, all of them)

      test/fixtures/bad/timeline-values.yaml:11:67: error[out-of-range]: timeline[2].cpuSlowdown.factor: factor 0 is outside [0.001, 1000000]
         11 |   - {at: 10s, until: 20s, cpuSlowdown: {service: ratings, factor: 0}}
            |                                                                   ^
        hint: factor multiplies the CPU time of the work, from 0.001 to 1000000: 2 makes it take twice as long, 0.5 twice as fast

      test/fixtures/bad/timeline-values.yaml:12:74: error[out-of-range]: timeline[3].proxyCrash.readinessDelay: readinessDelay must not be negative, got -2s
         12 |   - {at: 10s, until: 20s, proxyCrash: {service: ratings, readinessDelay: -2s}}
            |                                                                          ^
        hint: a duration cannot be negative; did you mean 2s?

      5 errors, 0 warnings"
    `);
  });

  it('checks the targets of faults', () => {
    expect(report('timeline-target.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/timeline-target.yaml:9:34: error[missing-key]: timeline[0].abort: abort needs a target: service or replica
          9 |   - {at: 10s, until: 20s, abort: {status: 500}}
            |                                  ^
        hint: add service: <name> for every replica of a service, or replica: <service>-<ordinal> for one, e.g. replica: ratings-0

      test/fixtures/bad/timeline-target.yaml:10:53: error[conflicting-keys]: timeline[1].crash.replica: service and replica are both given
         10 |   - {at: 10s, until: 20s, crash: {service: ratings, replica: ratings-0}}
            |                                                     ^
        hint: keep one: service for every replica of a service, replica for one of them (e.g. reviews-0)

      test/fixtures/bad/timeline-target.yaml:11:44: error[unknown-service]: timeline[2].delay.service: unknown service "ratigns"
         11 |   - {at: 10s, until: 20s, delay: {service: ratigns, delay: 5ms}}
            |                                            ^
        hint: did you mean "ratings"? known services: ratings, reviews

      test/fixtures/bad/timeline-target.yaml:12:47: error[conflicting-keys]: timeline[3].certificateExpiry.service: root and service are both given
         12 |   - {at: 10s, certificateExpiry: {root: true, service: ratings}}
            |                                               ^
        hint: root: true expires the mesh's root CA, which every workload certificate chains to; for the certificates of one service, remove root

      test/fixtures/bad/timeline-target.yaml:13:34: error[missing-key]: timeline[4].certificateExpiry: certificateExpiry needs root: true, a service or a replica
         13 |   - {at: 10s, certificateExpiry: {}}
            |                                  ^
        hint: add root: true for the mesh's root CA, service: <name> for a service's certificates, or replica: <service>-<ordinal> for one pod's, e.g. replica: ratings-0

      5 errors, 0 warnings"
    `);
  });
});

describe('resilience', () => {
  it('suggests the retry condition that was probably meant', () => {
    expect(report('retry-condition.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/retry-condition.yaml:9:24: error[invalid-value]: services.reviews.resilience.retries.retryOn[1]: "retriable-status-codes" is not allowed here; expected one of connect-failure, refused-stream, unavailable, retriable-status, 5xx, reset, timeout
          9 |         retryOn: [5xx, retriable-status-codes, gateway-error]
            |                        ^
        hint: did you mean "retriable-status"?

      test/fixtures/bad/retry-condition.yaml:9:48: error[invalid-value]: services.reviews.resilience.retries.retryOn[2]: "gateway-error" is not allowed here; expected one of connect-failure, refused-stream, unavailable, retriable-status, 5xx, reset, timeout
          9 |         retryOn: [5xx, retriable-status-codes, gateway-error]
            |                                                ^
        hint: connect-failure (could not connect), refused-stream (refused before processing: overflow), unavailable (gRPC UNAVAILABLE: never an HTTP service's answer, so it matches nothing here), retriable-status (a 503, Istio's retriable status before 1.24), 5xx (any 5xx, timeouts of a try included), reset (reset mid-request), timeout (the per-try timeout fired).

      2 errors, 0 warnings"
    `);
  });

  it('warns of a per-try timeout whose cut tries retryOn does not take, under each profile where it does not', () => {
    const src = (retries: string, mesh = 'istio-sidecar') =>
      `name: p\nmesh: ${mesh}\nnetwork: {sameNode: 15us}\nservices:\n  pay:\n    serviceTime: 1ms\n    resilience:\n      retries: ${retries}\nentrypoints: {w: {target: pay, rate: 1/s}}\n`;
    const warned = (text: string) =>
      loadTopologySource(text, 'p.yaml').diagnostics.map((d) => `${d.location?.line}:${d.location?.column} ${d.severity} ${d.code} ${formatPath(d.path)}`);
    const [d] = loadTopologySource(src('{attempts: 3, perTryTimeout: 250ms}'), 'p.yaml').diagnostics;
    expect(formatDiagnostics([d])).toMatchInlineSnapshot(`
      "p.yaml:8:30: warning[timeout-not-retried]: services.pay.resilience.retries.perTryTimeout: a try of "pay" cut by its 250ms perTryTimeout is not retried under profile "istio-sidecar": retryOn (connect-failure, refused-stream, the profile's) has none of timeout, reset, 5xx, so such a call fails at 250ms
          8 |       retries: {attempts: 3, perTryTimeout: 250ms}
            |                              ^
        hint: to retry it, add timeout (or 5xx) to retryOn, as Envoy's retry_on needs; if the try's deadline should end the call, this is what it does

      0 errors, 1 warning"
    `);
    expect(warned(src('{attempts: 3, perTryTimeout: 250ms}', 'none'))).toEqual(['8:30 warning timeout-not-retried services.pay.resilience.retries.perTryTimeout']);
    expect(loadTopologySource(src('{attempts: 3, perTryTimeout: 250ms}', 'none'), 'p.yaml').diagnostics[0].message).toContain("Istio's default, since the profile has no retries");
    // Cilium's Envoy retries on 5xx, which takes a try its timeout cut; so do timeout and reset written in the file.
    expect(warned(src('{attempts: 3, perTryTimeout: 250ms}', 'cilium'))).toEqual([]);
    expect(warned(src('{attempts: 3, perTryTimeout: 250ms, retryOn: [connect-failure, timeout]}'))).toEqual([]);
    expect(warned(src('{attempts: 3, perTryTimeout: 250ms, retryOn: [reset]}'))).toEqual([]);
    // One try, or no deadline: nothing to retry, or nothing cut.
    expect(warned(src('{attempts: 1, perTryTimeout: 250ms}'))).toEqual([]);
    expect(warned(src('{attempts: 3, perTryTimeout: none}'))).toEqual([]);
    expect(warned(src('{attempts: 3}'))).toEqual([]);
  });

  describe('retries that multiply across layers', () => {
    // An entry point through the gateway to front, which calls back: two layers, each with `front` and `back`'s retries.
    const src = (front: string, back: string, { mesh = 'istio-sidecar', via = 'gateway', l7 = false } = {}) =>
      `name: amp\nmesh: ${mesh}\nnetwork: {sameNode: 15us}\nservices:\n  front:\n    serviceTime: 1ms\n    calls: [back]\n` +
      `    resilience: {retries: ${front}}\n  back:\n    serviceTime: 1ms\n    l7: ${l7}\n    resilience: {retries: ${back}}\n` +
      `entrypoints: {web: {target: front, via: ${via}, rate: 1/s}}\n`;
    const amplified = (text: string) =>
      loadTopologySource(text, 'amp.yaml').diagnostics.filter((d) => d.code === 'retry-amplification').map((d) => `${d.location?.line}:${d.location?.column} ${formatPath(d.path)}`);
    const on5xx = (n: number) => `{attempts: ${n}, retryOn: [5xx]}`;

    it('warns up front, at the inner retries, when one request can make more than 10,000 tries', () => {
      const r = loadTopologySource(src(on5xx(1000), on5xx(1000)), 'amp.yaml');
      expect(r.topology).toBeDefined();
      expect(formatDiagnostics(r.diagnostics)).toMatchInlineSnapshot(`
        "amp.yaml:12:18: warning[retry-amplification]: services.back.resilience.retries: retries multiply across layers under profile "istio-sidecar": one request of "web" can make up to 1,000,000 tries at "back" when it keeps failing, 1,000 (entry → "front") × 1,000 ("front" → "back"), more than 10,000: while it fails, every request costs that many simulated tries, and a long run may take hours
           12 |     resilience: {retries: {attempts: 1000, retryOn: [5xx]}}
              |                  ^
          hint: retry at one layer: set retries: none on the inner services (or the outer ones), give the retries a budget, or fewer attempts

        0 errors, 1 warning"
      `);
      expect(amplified(src(on5xx(101), on5xx(101)))).toEqual(['12:18 services.back.resilience.retries']);
      // 100 × 100 is the threshold itself, and 30 × 30 (900) is far below it.
      expect(amplified(src(on5xx(100), on5xx(100)))).toEqual([]);
      expect(amplified(src(on5xx(30), on5xx(30)))).toEqual([]);
    });

    it('counts only the layers that retry, and only what repeats the calls below', () => {
      // Connect failures and refused streams never reached front: its calls to back are not made again.
      expect(amplified(src('{attempts: 1000, retryOn: [connect-failure, refused-stream]}', on5xx(1000)))).toEqual([]);
      // A reset or a per-try timeout cuts a try front was working on: they do repeat them.
      expect(amplified(src('{attempts: 1000, retryOn: [reset]}', on5xx(1000)))).toHaveLength(1);
      expect(amplified(src(on5xx(1000), 'none'))).toEqual([]);
      expect(amplified(src(on5xx(1000), '{attempts: 1000, retryOn: [5xx], budget: {ratio: 0.2}}'))).toEqual([]);
      // A client outside the mesh gets no mesh policy; a client library's (placement: client, or no mesh) it runs itself.
      expect(amplified(src(on5xx(1000), on5xx(1000), { via: 'direct' }))).toEqual([]);
      expect(amplified(src(on5xx(1000), on5xx(1000), { via: 'direct', mesh: 'none' }))).toHaveLength(1);
      expect(amplified(src(on5xx(1000), on5xx(1000), { via: 'mesh' }))).toHaveLength(1);
    });

    it('follows where ambient profiles run the policy: the gateway, a waypoint, not ztunnel', () => {
      // front → back passes ztunnel alone (L4): only the gateway's 1000 tries of front are left.
      expect(amplified(src(on5xx(1000), on5xx(1000), { mesh: 'istio-ambient' }))).toEqual([]);
      expect(amplified(src(on5xx(1000), on5xx(1000), { mesh: 'istio-ambient', l7: true }))).toEqual([]);
      expect(amplified(src(on5xx(1000), on5xx(1000), { mesh: 'istio-ambient-waypoint', l7: true }))).toHaveLength(1);
      // Cilium has no ingress gateway: its entry traffic is a client outside the mesh, unless it is a meshed pod (via: mesh).
      expect(amplified(src(on5xx(1000), on5xx(1000), { mesh: 'cilium' }))).toEqual([]);
      expect(amplified(src(on5xx(1000), on5xx(1000), { mesh: 'cilium', via: 'mesh' }))).toHaveLength(1);
      // With nodeProxyTraffic: l7, calls to services without l7: true take the kernel's path, with no policy.
      expect(amplified(src(on5xx(1000), on5xx(1000), { mesh: '{profile: cilium, nodeProxyTraffic: l7}', via: 'mesh' }))).toEqual([]);
    });

    it("multiplies a profile's own retries, and points at the mesh override that sets them", () => {
      // Cilium's Envoy tries 4 times on 5xx at every hop: 4^5 = 1,024 from a meshed client down five services is a product's default, 4^7 is not.
      const chain = (n: number, mesh: string) =>
        `name: c\nmesh: ${mesh}\nnetwork: {sameNode: 15us}\nservices:\n` +
        Array.from({ length: n }, (_, i) => `  s${i}: {serviceTime: 1ms${i + 1 < n ? `, calls: [s${i + 1}]` : ''}}\n`).join('') +
        'entrypoints: {web: {target: s0, via: mesh, rate: 1/s}}\n';
      expect(amplified(chain(5, 'cilium'))).toEqual([]);
      const deep = loadTopologySource(chain(7, 'cilium'), 'c.yaml').diagnostics.filter((d) => d.code === 'retry-amplification');
      expect(deep.map((d) => formatPath(d.path))).toEqual(['entrypoints.web']);
      expect(deep[0].message).toContain('up to 16,384 tries at "s6"');
      const tuned = '{profile: istio-sidecar, resilience: {retries: {attempts: 30, retryOn: [5xx]}}}';
      expect(amplified(chain(3, tuned))).toEqual(['2:45 mesh.resilience.retries']);
      expect(loadTopologySource(chain(3, tuned), 'c.yaml').diagnostics[0].message).toContain('27,000 tries');
    });

    // Every bundled topology, under every bundled profile (compare runs them all).
    const topologies = (readdirSync('topologies', { recursive: true }) as string[])
      .filter((f) => /\.(ya?ml|json)$/.test(f) && !f.endsWith('.schema.json') && !f.startsWith('meshes')).sort();
    const profiles = readdirSync('topologies/meshes').filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
    it('leaves the bundled topologies alone under every bundled profile', () => {
      expect(topologies.length * profiles.length).toBeGreaterThanOrEqual(100);
      const warned = topologies.flatMap((f) => profiles.flatMap((mesh) =>
        loadTopologyFile(`topologies/${f}`, { mesh }).diagnostics.filter((d) => d.code === 'retry-amplification').map(() => `${f} ${mesh}`)));
      expect(warned).toEqual([]);
    });
  });

  it('checks a retry budget, and warns about a ratio that looks like a percentage', () => {
    expect(report('budget-ratio.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/budget-ratio.yaml:8:33: error[out-of-range]: services.reviews.resilience.retries.budget.ratio: ratio must not be negative, got -0.2
          8 |       retries: {budget: {ratio: -0.2, window: 0s}}
            |                                 ^
        hint: ratio is a fraction of the calls that retries may add: 0.2 lets them add 20 % (Linkerd's default)

      test/fixtures/bad/budget-ratio.yaml:8:47: error[out-of-range]: services.reviews.resilience.retries.budget.window: budget window must be greater than 0, got 0s
          8 |       retries: {budget: {ratio: -0.2, window: 0s}}
            |                                               ^
        hint: use a duration greater than 0, e.g. 1ms

      test/fixtures/bad/budget-ratio.yaml:12:33: warning[unlikely-value]: services.ratings.resilience.retries.budget.ratio: a budget ratio of 20 lets retries add 2000 % to the calls
         12 |       retries: {budget: {ratio: 20}}
            |                                 ^
        hint: ratio is a fraction of the calls that retries may add: 0.2 lets them add 20 % (Linkerd's default)

      2 errors, 1 warning"
    `);
  });

  it('points at unknown keys of a resilience override and at values that are not none', () => {
    expect(report('resilience-key.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/resilience-key.yaml:7:7: error[unknown-key]: services.reviews.resilience.timout: unknown key "timout"
          7 |       timout: 2s
            |       ^
        hint: did you mean "timeout"? allowed keys here: placement, timeout, connectTimeout, retries, circuitBreaker, outlierDetection

      test/fixtures/bad/resilience-key.yaml:8:30: error[unknown-key]: services.reviews.resilience.retries.perTryTimout: unknown key "perTryTimout"
          8 |       retries: {attempts: 3, perTryTimout: 300ms}
            |                              ^
        hint: did you mean "perTryTimeout"? allowed keys here: attempts, perTryTimeout, backoff, retryOn, differentHost, budget, maxConcurrentRetries

      test/fixtures/bad/resilience-key.yaml:11:27: error[invalid-value]: services.ratings.resilience.retries: "off" is not allowed here; expected none, or a mapping like {attempts: 3, perTryTimeout: 300ms}
         11 |     resilience: {retries: off, placement: proxy, circuitBreaker: {maxRequests: 10, maxRetries: 3}}
            |                           ^
        hint: retries: retries off (none), or changes to them key by key; given where the profile has none, the keys left out are Istio's defaults

      test/fixtures/bad/resilience-key.yaml:11:43: error[invalid-value]: services.ratings.resilience.placement: "proxy" is not allowed here; expected one of mesh, client
         11 |     resilience: {retries: off, placement: proxy, circuitBreaker: {maxRequests: 10, maxRetries: 3}}
            |                                           ^
        hint: placement: where the policy runs: mesh (in the caller's proxy) or client (in the caller's client library)

      test/fixtures/bad/resilience-key.yaml:11:84: error[unknown-key]: services.ratings.resilience.circuitBreaker.maxRetries: unknown key "maxRetries"
         11 |     resilience: {retries: off, placement: proxy, circuitBreaker: {maxRequests: 10, maxRetries: 3}}
            |                                                                                    ^
        hint: allowed keys here: maxConnections, maxPending, maxRequests

      5 errors, 0 warnings"
    `);
  });

  it('checks the units and ranges of a resilience override', () => {
    expect(report('resilience-values.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/resilience-values.yaml:7:16: error[out-of-range]: services.reviews.resilience.timeout: timeout must be greater than 0, got 0s
          7 |       timeout: 0s
            |                ^
        hint: a deadline for the whole call, retries included, greater than 0 (e.g. 2s), or none for no deadline

      test/fixtures/bad/resilience-values.yaml:8:27: error[out-of-range]: services.reviews.resilience.retries.attempts: attempts must be an integer ≥ 1, got 0
          8 |       retries: {attempts: 0, perTryTimeout: -300ms, retryOn: [], maxConcurrentRetries: 0}
            |                           ^
        hint: attempts counts every try, the first included: 3 is the first try and 2 retries; for no retries write retries: none

      test/fixtures/bad/resilience-values.yaml:8:45: error[out-of-range]: services.reviews.resilience.retries.perTryTimeout: perTryTimeout must be greater than 0, got -300ms
          8 |       retries: {attempts: 0, perTryTimeout: -300ms, retryOn: [], maxConcurrentRetries: 0}
            |                                             ^
        hint: a deadline for each try, greater than 0 (e.g. 300ms), or none for no deadline

      test/fixtures/bad/resilience-values.yaml:8:62: error[empty]: services.reviews.resilience.retries.retryOn: retryOn is empty
          8 |       retries: {attempts: 0, perTryTimeout: -300ms, retryOn: [], maxConcurrentRetries: 0}
            |                                                              ^
        hint: list the failures that are retried, e.g. [connect-failure, 5xx]; to turn retries off write retries: none

      test/fixtures/bad/resilience-values.yaml:8:88: error[out-of-range]: services.reviews.resilience.retries.maxConcurrentRetries: maxConcurrentRetries must be an integer ≥ 1, got 0
          8 |       retries: {attempts: 0, perTryTimeout: -300ms, retryOn: [], maxConcurrentRetries: 0}
            |                                                                                        ^
        hint: retries in flight at once to the service, at least 1 (Envoy's default is 3), or none for no limit (Istio's)

      test/fixtures/bad/resilience-values.yaml:9:37: error[out-of-range]: services.reviews.resilience.circuitBreaker.maxRequests: maxRequests must be an integer ≥ 1, got 0
          9 |       circuitBreaker: {maxRequests: 0}
            |                                     ^
        hint: circuit breaker thresholds are counts: maxConnections and maxRequests at least 1, maxPending 0 or more (Envoy's defaults are 1024)

      test/fixtures/bad/resilience-values.yaml:10:65: error[out-of-range]: services.reviews.resilience.outlierDetection.maxEjectionPercent: maxEjectionPercent 150 is outside [0, 100]
         10 |       outlierDetection: {consecutive5xx: 5, maxEjectionPercent: 150}
            |                                                                 ^
        hint: a percentage of the service's hosts, from 0 to 100 (Envoy: 10)

      7 errors, 0 warnings"
    `);
  });

  it('checks control plane and policy overrides against the profile they change', () => {
    expect(report('mesh-policy-override.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/bad/mesh-policy-override.yaml:4:27: error[out-of-range]: mesh.controlPlane.renewAt: renewAt + renewJitter is 1.05 (0.95 + 0.1), more than 1: a certificate could expire before its renewal starts
          4 |   controlPlane: {renewAt: 0.95}
            |                           ^
        hint: renewal starts at renewAt × the lifetime plus up to renewJitter × the lifetime at random (Istio: 0.5 and a little jitter); renewAt is in (0, 1], renewJitter in [0, 1), and together at most 1

      test/fixtures/bad/mesh-policy-override.yaml:5:27: error[not-applicable]: mesh.resilience.placement: placement mesh does not apply to profile "none" (mode none)
          5 |   resilience: {placement: mesh}
            |                           ^
        hint: mode none has no proxy to run the policy in: write placement: client (the client library of each application)

      2 errors, 0 warnings"
    `);
  });
});

describe('whole-file problems', () => {
  it('reports an empty file', () => {
    expect(formatDiagnostics(loadTopologySource('', 'empty.yaml').diagnostics)).toMatchInlineSnapshot(`
      "empty.yaml:1:1: error[empty-file]: the file is empty
        hint: a topology needs at least name, services and entrypoints

      1 error, 0 warnings"
    `);
  });

  it('reports a file whose top level is not a mapping', () => {
    expect(formatDiagnostics(loadTopologySource('- a\n- b\n', 'list.yaml').diagnostics)).toMatchInlineSnapshot(`
      "list.yaml:1:1: error[not-a-mapping]: the top level must be a mapping of keys, got a list
          1 | - a
            | ^
        hint: start the file with keys such as \`name:\`, \`services:\` and \`entrypoints:\`

      1 error, 0 warnings"
    `);
  });

  it('reports a missing file without a location', () => {
    expect(formatDiagnostics(loadTopologyFile('test/fixtures/bad/nope.yaml').diagnostics)).toMatchInlineSnapshot(`
      "error[file-not-found]: cannot read "test/fixtures/bad/nope.yaml": no such file
        hint: check the path; it is relative to the current directory

      1 error, 0 warnings"
    `);
  });
});

describe('diagnostics as data', () => {
  it('keep the key path as an array and the position separately', () => {
    const [d] = loadTopologyFile('test/fixtures/bad/unknown-service.yaml').diagnostics;
    expect(d).toEqual({
      severity: 'error',
      code: 'unknown-service',
      path: ['services', 'api', 'calls', 1, 'call'],
      message: 'unknown service "pyments"',
      hint: 'did you mean "payments"? known services: api, db, payments',
      location: { file: 'test/fixtures/bad/unknown-service.yaml', line: 15, column: 15, lineText: '      - call: pyments' },
    });
  });
});
