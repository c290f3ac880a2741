/**
 * What `meshtax report` is given in place of results: a topology, a mesh
 * profile or a sweep file is named as such, with the command that makes a
 * report of it (as validate names results given as a topology), not a JSON
 * syntax error at its first comment; results behind a byte-order mark; and
 * results through a pipe.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './inProcess.js';

const dir = mkdtempSync(join(tmpdir(), 'meshtax-report-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
    for (const [edit, says] of cases) {
      const d = structuredClone(good);
      edit(d);
      const file = join(dir, 'edited.json');
      writeFileSync(file, JSON.stringify(d));
      const r = await cli('report', file, '-o', join(dir, 'edited.html'));
      expect(r.code, says).toBe(2);
      expect(r.err).toContain(`error[bad-results]: ${file}: ${says}\n  hint: was the file edited?`);
    }
    // null is what a run writes for a latency of nothing measured: fine.
    const d = structuredClone(good);
    d.entrypoints[0].latency.p50 = null;
    writeFileSync(join(dir, 'null.json'), JSON.stringify(d));
    expect((await cli('report', join(dir, 'null.json'), '-q', '-o', join(dir, 'null.html'))).code).toBe(0);
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
