/**
 * What `meshtax report` is given in place of results: a topology, a mesh
 * profile or a sweep file is named as such, with the command that makes a
 * report of it (as validate names results given as a topology), not a JSON
 * syntax error at its first comment; results behind a byte-order mark;
 * results through a pipe; an HTML report given back to sweep-report or merge
 * in its results' place; and a file that is no text at all (gzip, binary),
 * given to any command that reads one.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './inProcess.js';

const dir = mkdtempSync(join(tmpdir(), 'meshtax-report-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Each edit applied to a copy of `good`, written as `stem`.json: report
 * refuses it, exit 2, no internal error, with the edited-file hint, saying
 * `says` right after the file's name — or, given `head`, saying `head`
 * there and `says` anywhere in the message.
 */
async function expectEditsRefused<T>(good: T, cases: ReadonlyArray<[(d: T) => void, string]>, stem: string, head?: string): Promise<void> {
  for (const [edit, says] of cases) {
    const d = structuredClone(good);
    edit(d);
    const file = join(dir, `${stem}.json`);
    writeFileSync(file, JSON.stringify(d));
    const r = await cli('report', file, '-o', join(dir, `${stem}.html`));
    expect(r.err).not.toContain('internal error');
    expect(r.code, says).toBe(2);
    expect(r.err).toContain(`error[bad-results]: ${file}: ${head ?? says}`);
    expect(r.err).toContain(says);
    expect(r.err).toContain('\n  hint: was the file edited?');
  }
}

describe('report given a file of another kind', () => {
  it('a topology (YAML or JSON), a mesh profile and a sweep file are each named, with what to run', async () => {
    const json = join(dir, 'topology.json');
    writeFileSync(json, JSON.stringify({ name: 't', services: { api: { serviceTime: '1ms' } }, entrypoints: { web: { target: 'api', rate: '10/s' } } }));
    for (const [file, says, run] of [
      ['topologies/mm1.yaml', 'this is a topology', 'meshtax run topologies/mm1.yaml --report'],
      [json, 'this is a topology', `meshtax compare ${json} --report`],
      ['topologies/meshes/istio-sidecar.yaml', 'this is a mesh profile', '--mesh topologies/meshes/istio-sidecar.yaml --report'],
      ['test/fixtures/sweep/grid.yaml', 'this is a sweep file', '--sweep test/fixtures/sweep/grid.yaml'],
    ] as const) {
      const r = await cli('report', file, '-o', join(dir, 'out.html'));
      expect(r.code).toBe(2);
      expect(r.err).toContain(`error[wrong-kind-of-file]: ${file}: ${says}`);
      expect(r.err).toContain(run);
      expect(r.err).not.toContain('not valid JSON');
    }
  });
});

describe('report given results whose numbers were edited', () => {
  it('refuses a number no run writes, naming it, as sweep results are held to', async () => {
    // Before: a p99 of "x" showed as "–", a mean of -1e308 as "-1.1574074074074075e+303d", and exit 0.
    const json = join(dir, 'numbers.json');
    expect((await cli('run', 'topologies/mm1.yaml', '--duration', '5s', '--warmup', '1s', '-q', '-o', json)).code).toBe(0);
    const good = JSON.parse(readFileSync(json, 'utf8')) as { entrypoints: Array<{ completed: number; latency: Record<string, unknown> }>; resources: Record<string, unknown> };
    const cases: Array<[(d: typeof good) => void, string]> = [
      [(d) => { d.entrypoints[0].latency.p99 = 'x'; }, 'entrypoints[0] ("clients").latency.p99 is "x", not a number (or null)'],
      [(d) => { d.entrypoints[0].latency.mean = -1e308; }, 'entrypoints[0] ("clients").latency.mean is -1e+308, not a number ≥ 0'],
      [(d) => { d.entrypoints[0].completed = 1.5; }, 'entrypoints[0] ("clients").completed is 1.5, not a whole number'],
      [(d) => { d.resources.proxyVcpu = -1; }, 'resources.proxyVcpu is -1, not a number ≥ 0'],
    ];
    await expectEditsRefused(good, cases, 'edited');
    // null is what a run writes for a latency of nothing measured: fine.
    const d = structuredClone(good);
    d.entrypoints[0].latency.p50 = null;
    writeFileSync(join(dir, 'null.json'), JSON.stringify(d));
    expect((await cli('report', join(dir, 'null.json'), '-q', '-o', join(dir, 'null.html'))).code).toBe(0);
  });

  it("refuses a service's edited figure and an edited interval, as an entry point's number is refused", async () => {
    // Before: a service's p90 of [] or an interval's low end of -1 rendered without a word, exit 0 (found by fuzzing saved results).
    const json = join(dir, 'services.json');
    expect((await cli('run', 'topologies/mm1.yaml', '--duration', '5s', '--warmup', '1s', '-q', '-o', json)).code).toBe(0);
    type Saved = { entrypoints: Array<{ latency: { ci: Record<string, unknown> } }>; services: Array<Record<string, unknown> & { latency: Record<string, unknown> & { ci: Record<string, unknown> } }> };
    const good = JSON.parse(readFileSync(json, 'utf8')) as Saved;
    const name = JSON.stringify(good.services[0].name);
    const cases: Array<[(d: Saved) => void, string]> = [
      [(d) => { d.services[0].latency.p90 = []; }, `services[0] (${name}).latency.p90 is a list, not a number (or null)`],
      [(d) => { d.services[0].arrivals = -3; }, `services[0] (${name}).arrivals is -3, not a number ≥ 0`],
      [(d) => { d.services[0].throughput = { value: 1 }; }, `services[0] (${name}).throughput is an object, not a number (or null)`],
      [(d) => { d.services[0].utilization = 'NaN'; }, `services[0] (${name}).utilization is "NaN", not a number (or null)`],
      [(d) => { d.services[0].latency.ci.p50 = [-1, 0.1]; }, `services[0] (${name}).latency.ci.p50[0] is -1, not a number ≥ 0`],
      [(d) => { d.entrypoints[0].latency.ci.p99 = 'abc'; }, 'entrypoints[0] ("clients").latency.ci.p99 is not [low, high] or null'],
    ];
    await expectEditsRefused(good, cases, 'services-edited');
  });

  it('refuses an edited or cut latency histogram at the report, not with an internal error in a chart', async () => {
    // Before: exit 1, "internal error: LogHistogram.fromJSON: bins must be [key, count] pairs" (found by fuzzing saved results).
    const json = join(dir, 'histogram.json');
    expect((await cli('run', 'topologies/mm1.yaml', '--duration', '5s', '--warmup', '1s', '-q', '-o', json)).code).toBe(0);
    type Saved = { entrypoints: Array<{ histogram: { count: number; bins: unknown[] } }> };
    const good = JSON.parse(readFileSync(json, 'utf8')) as Saved;
    expect(good.entrypoints[0].histogram.count).toBeGreaterThan(0);
    const cases: Array<[(d: Saved) => void, string]> = [
      [(d) => { d.entrypoints[0].histogram.bins.pop(); }, 'bins must be [key, count] pairs'],
      [(d) => { d.entrypoints[0].histogram.bins[1] = -1; }, 'bad count -1 for key'],
      [(d) => { d.entrypoints[0].histogram.count += 1; }, 'does not equal the bucket total'],
      [(d) => { delete (d.entrypoints[0] as Partial<Saved['entrypoints'][0]>).histogram; }, 'not an object'],
    ];
    await expectEditsRefused(good, cases, 'histogram-edited', 'entrypoints[0] ("clients").histogram is not as meshtax writes it (');
  });
});

describe('report given results behind a byte-order mark', () => {
  it('reads them as without it', async () => {
    const json = join(dir, 'mm1.json');
    expect((await cli('run', 'topologies/mm1.yaml', '--duration', '5s', '--warmup', '1s', '-q', '-o', json)).code).toBe(0);
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, '\uFEFF' + readFileSync(json, 'utf8'));
    const r = await cli('report', bom, '-q', '-o', join(dir, 'bom.html'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('report given a pipe', () => {
  // `meshtax report <(ssh host cat results.json)`: a pipe can be read once, so telling its kind must not consume it.
  // The writer then opens the pipe again and again, empty, so a second read ends (at nothing) instead of waiting for ever.
  let pipes = 0;
  const throughPipe = (source: string): { fifo: string; writer: ChildProcess } => {
    const fifo = join(dir, `pipe-${++pipes}`);
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"; while :; do : > "$2"; done', 'sh', source, fifo], { stdio: 'ignore' });
    return { fifo, writer };
  };

  /** `meshtax report` on `source` given through a pipe: it renders the page, reading the pipe once. */
  const reportThroughPipe = async (source: string, html: string): Promise<void> => {
    const { fifo, writer } = throughPipe(source);
    try {
      const r = await cli('report', fifo, '-q', '-o', html);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(readFileSync(html, 'utf8')).toContain('<html');
    } finally {
      writer.kill();
    }
  };

  it('renders run results read once from it', async () => {
    const json = join(dir, 'piped.json');
    expect((await cli('run', 'topologies/mm1.yaml', '--duration', '5s', '--warmup', '1s', '-q', '-o', json)).code).toBe(0);
    await reportThroughPipe(json, join(dir, 'piped.html'));
  });

  it('renders sweep results read once from it', async () => {
    const ndjson = join(dir, 'piped.ndjson');
    const sweep = await cli('sweep', 'test/fixtures/sweep/small.yaml', '--set', 'entrypoints.web.rate=50/s,100/s', '--duration', '3s', '--workers', '1', '-q', '-o', ndjson);
    expect(sweep.code).toBe(0);
    await reportThroughPipe(ndjson, join(dir, 'piped-sweep.html'));
  });

  it('asks for -o, since there is no place beside a pipe for the report', async () => {
    const { fifo, writer } = throughPipe('topologies/mm1.yaml');
    try {
      const r = await cli('report', fifo);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`error[bad-option]: ${fifo} is not a regular file (a pipe or a device)`);
      expect(r.err).toContain('-o FILE.html');
    } finally {
      writer.kill();
    }
  });
});

describe('sweep-report and merge given an HTML report in place of sweep results', () => {
  it('name it as meshtax\'s HTML report, once, and say which file to give instead', async () => {
    // Before: ten "not a sweep result: invalid JSON" errors, one a line of HTML, and a count of the rest.
    const ndjson = join(dir, 'grid.ndjson');
    const page = join(dir, 'grid.html');
    const sweep = await cli('sweep', 'test/fixtures/sweep/small.yaml', '--set', 'entrypoints.web.rate=50/s,100/s', '--duration', '3s', '--workers', '1', '-q', '-o', ndjson, '--report', page);
    expect(sweep.code).toBe(0);
    for (const args of [['sweep-report', page], ['merge', ndjson, page, '-o', join(dir, 'merged.ndjson')]]) {
      const r = await cli(...args);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${page}:1:1: error[wrong-kind-of-file]: this is meshtax's HTML report, not sweep results`);
      expect(r.err).toContain(`the NDJSON that meshtax sweep -o writes (here, likely ${ndjson})`);
      expect(r.err).not.toContain('bad-line');
      expect(r.err).toMatch(/\n1 error, 0 warnings\n$/);
    }
    // Zeros after the last whole line (a file system's unwritten tail after a crash) stay a torn line, not a binary file.
    const zeros = join(dir, 'zeros.ndjson');
    writeFileSync(zeros, Buffer.concat([readFileSync(ndjson), Buffer.alloc(300)]));
    const torn = await cli('sweep-report', zeros, '-q', '-o', join(dir, 'zeros.html'));
    expect(torn.code).toBe(0);
    expect(torn.err).not.toContain('not-text');
  });
});

describe('a file that is no text at all', () => {
  // Before: YAML read the bytes as one long string, and the error spoke of "the string \u001f…" in mangled bytes.
  const gz = join(dir, 'mm1.yaml.gz');
  writeFileSync(gz, gzipSync(readFileSync('topologies/mm1.yaml')));
  const png = join(dir, 'diagram.png');
  writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]));

  it('as a topology or a mesh profile: gzip is named with how to decompress it, binary by its NUL byte', async () => {
    const run = await cli('run', gz);
    expect(run.code).toBe(2);
    expect(run.err).toBe(`error[not-text]: cannot read ${JSON.stringify(gz)}: it is gzip-compressed, not text\n` +
      `  hint: decompress it first (gunzip ${gz}), then give meshtax ${gz.slice(0, -3)}\n\n1 error, 0 warnings\n`);
    // Told by its bytes, whatever it is called: a profile saved compressed under its own name.
    const profile = join(dir, 'packed-profile.yaml');
    writeFileSync(profile, gzipSync(readFileSync('topologies/meshes/linkerd.yaml')));
    const mesh = await cli('validate', 'topologies/mm1.yaml', '--mesh', profile);
    expect(mesh.code).toBe(2);
    expect(mesh.err).toContain(`error[not-text]: cannot read ${JSON.stringify(profile)}: it is gzip-compressed, not text\n  hint: decompress it first (gunzip -c ${profile} > FILE)`);
    const r = await cli('validate', png);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`error[not-text]: cannot read ${JSON.stringify(png)}: not a text file: found a NUL byte at byte 9\n  hint: is it the file you meant?`);
    expect(r.err).not.toContain('string');
  });

  it('as results given to report, sweep-report and merge', async () => {
    for (const file of [gz, png]) {
      for (const args of [['report', file, '-o', join(dir, 'x.html')], ['sweep-report', file, '-o', join(dir, 'x.html')], ['merge', file, '-o', join(dir, 'x.ndjson')]]) {
        const r = await cli(...args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.err, args.join(' ')).toContain(`error[not-text]: cannot read ${JSON.stringify(file)}: ${file === gz ? 'it is gzip-compressed, not text' : 'not a text file: found a NUL byte at byte 9'}`);
        expect(r.err, args.join(' ')).not.toMatch(/invalid JSON|not valid JSON/);
        expect(r.err).toMatch(/\n1 error, 0 warnings\n$/);
      }
    }
  });
});
