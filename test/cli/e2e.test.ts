import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const CLI = 'dist/bin/meshtax.js';

function meshtax(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('compiled CLI, end to end', () => {
  it('stops quietly when the reader closes the pipe (meshtax … | head)', () => {
    // `true` exits at once, so the pipe is closed before meshtax writes: its write fails with EPIPE.
    const r = spawnSync('sh', ['-c', `"${process.execPath}" ${CLI} compare --help | true`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('on a terminal, a run of a few seconds shows a progress bar and wipes it before the table', () => {
    // `script` gives the command a terminal (its output, stdout and stderr together, comes back on ours).
    const command = `"${process.execPath}" ${CLI} run topologies/bench/chain5-reference.yaml --requests 400000`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '100' } });
    expect(r.status).toBe(0);
    const bars = r.stdout.match(/\rrun: \[#*\.*\] \d+%  ETA \d+:\d\d\x1b\[K/g) ?? [];
    expect(bars.length).toBeGreaterThan(1);
    const shares = bars.map((b) => Number(/(\d+)%/.exec(b)?.[1]));
    expect(shares).toEqual([...shares].sort((a, b) => a - b));
    // Wiped: the results start on a clean line.
    expect(r.stdout).toMatch(/\x1b\[K\r\x1b\[Kchain5-reference — /);
    // Not on a terminal (a pipe, a log), a run this short prints nothing on stderr.
    const piped = meshtax('run', 'topologies/bench/chain5-reference.yaml', '--requests', '400000');
    expect(piped.stderr).toBe('');
  });

  it('compare\'s bar reads 100 % only once every mode is done (a mode\'s simulation ends before its summary)', () => {
    const command = `"${process.execPath}" ${CLI} compare topologies/bench/chain5-reference.yaml --mesh none,istio-sidecar --requests 300000 --workers 1`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '100' } });
    expect(r.status).toBe(0);
    const readings = [...r.stdout.matchAll(/(\d+)%  (\d)\/2 modes done/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(readings.length).toBeGreaterThan(2);
    expect(readings.filter(([share, done]) => share === 100 && done < 2)).toEqual([]);
  });

  it('on a dumb terminal (TERM=dumb: Emacs shell and compile buffers) prints plain progress lines, no escape codes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-dumb-'));
    const sweep = (term: string, file: string) => spawnSync('script', ['-qec', `"${process.execPath}" ${CLI} sweep test/fixtures/sweep/small.yaml --set mesh=none,istio-sidecar --duration 3s --workers 1 -o ${join(dir, file)}`, '/dev/null'],
      { encoding: 'utf8', env: { ...process.env, TERM: term } });
    const smart = sweep('xterm', 'smart.ndjson');
    expect(smart.status).toBe(0);
    expect(smart.stdout).toContain('\x1b[K');
    const dumb = sweep('dumb', 'dumb.ndjson');
    expect(dumb.status).toBe(0);
    expect(dumb.stdout).toContain('sweep: 2/2 runs');
    expect(dumb.stdout).not.toContain('\x1b[');
  });

  it('refuses an output that would overwrite an input or another output, before running, and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-clash-'));
    const topology = join(dir, 'self.yaml');
    const original = readFileSync('topologies/mm1.yaml', 'utf8');
    writeFileSync(topology, original);
    const overTopology = meshtax('run', topology, '--requests', '100', '-o', topology);
    expect(overTopology.code).toBe(2);
    expect(overTopology.stderr).toContain(`error[same-path]: -o "${topology}" is the topology file: writing it would destroy the input`);
    expect(readFileSync(topology, 'utf8')).toBe(original);
    // A hard link is the same file under another name (its real path differs).
    const hard = join(dir, 'hard.yaml');
    linkSync(topology, hard);
    const overLink = meshtax('run', topology, '--requests', '100', '-o', hard);
    expect(overLink.code).toBe(2);
    expect(overLink.stderr).toContain('error[same-path]');
    expect(readFileSync(topology, 'utf8')).toBe(original);
    // The same file by another spelling, for two outputs of one command.
    const results = join(dir, 'r.json');
    const twice = meshtax('compare', topology, '--mesh', 'none,linkerd', '--requests', '100', '-o', results, '--report', join(dir, '..', basename(dir), 'r.json'));
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('--report');
    expect(twice.stderr).toContain('is the same file as -o: one would overwrite the other');
    expect(existsSync(results)).toBe(false);
    // report: over its own results file, by -o or by default (an .html results file).
    expect(meshtax('run', topology, '--requests', '100', '-o', results, '-q').code).toBe(0);
    const saved = readFileSync(results, 'utf8');
    const overResults = meshtax('report', results, '-o', results);
    expect(overResults.code).toBe(2);
    expect(overResults.stderr).toContain('is the results file');
    expect(readFileSync(results, 'utf8')).toBe(saved);
    expect(meshtax('report', results, '--charts', join(dir, 'r.html')).code).toBe(2);
  });

  it('refuses to write over the mesh profile file a run, compare or sweep reads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-profile clash-'));
    const profile = join(dir, 'my profile.yaml');
    const text = readFileSync('topologies/meshes/linkerd.yaml', 'utf8').replace(/^name: linkerd$/m, 'name: linkerd-tuned');
    writeFileSync(profile, text);
    const topology = join(dir, 'custom.yaml');
    writeFileSync(topology, `name: custom
mesh: {profile: my profile.yaml, sidecar: {workers: 2}}
services: {a: {serviceTime: 1ms, calls: [b]}, b: {serviceTime: 2ms}}
entrypoints: {w: {target: a, rate: 300/s}}
`);
    for (const args of [
      ['run', topology, '--requests', '100', '-o', profile],
      ['compare', topology, '--mesh', `none,${profile}`, '--requests', '100', '--report', join(dir, '.', 'my profile.yaml')],
      ['sweep', topology, '--set', 'mesh.sidecar.workers=1,2', '--duration', '20s', '-o', join(dir, 's.ndjson'), '--csv', profile],
    ]) {
      const r = meshtax(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/error\[same-path\]: (-o|--report|--csv) ".*my profile\.yaml" is the mesh profile .*my profile\.yaml: writing it would destroy the input/);
    }
    expect(readFileSync(profile, 'utf8')).toBe(text);
    expect(existsSync(join(dir, 's.ndjson'))).toBe(false);
  });

  it('names a directory given as a file, refuses -o x.html, and counts replications in the long-run note', () => {
    const dir = meshtax('run', 'topologies/');
    expect(dir.code).toBe(2);
    expect(dir.stderr).toContain('error[file-unreadable]: cannot read "topologies/": it is a directory\n  hint: name a file inside it, e.g. topologies/<file>.yaml');
    const html = meshtax('run', 'topologies/mm1.yaml', '-o', join(tmpdir(), 'results.html'));
    expect(html.code).toBe(2);
    expect(html.stderr).toContain('-o writes the results (JSON, CSV or the text table), not an HTML page');
    expect(html.stderr).toContain(`hint: for the HTML report use --report ${join(tmpdir(), 'results.html')}`);
    // 80/s × 10 h is 2.9 million requests, below the note's 20 million; ten replications of it are 29 million
    // (the run is stopped after 3 s: the note comes before it starts).
    const noted = spawnSync(process.execPath, [CLI, 'run', 'topologies/mm1.yaml', '--duration', '10h', '--replications', '10'], { encoding: 'utf8', timeout: 3000 });
    expect(noted.stderr).toMatch(/^note: about 2\.9e7 requests to simulate \(rate × duration × 10 replications\)/);
  });

  it('an output under a directory that cannot be made fails at once, and a refused run leaves no directories behind', () => {
    // Node's recursive mkdir spun for ever under /proc.
    for (const [flag, name] of [['-o', 'out.json'], ['--report', 'out.html'], ['--charts', 'charts']]) {
      const r = spawnSync(process.execPath, [CLI, 'run', 'topologies/mm1.yaml', '--requests', '100', flag, `/proc/meshtax-nope/${name}`], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status, flag).toBe(2);
      expect(r.stderr, flag).toContain('cannot write "/proc/meshtax-nope');
    }
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-dirs-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: x\nservices: {a: {serviceTime: -1ms}}\nentrypoints: {w: {target: a, rate: 1/s}}\n');
    expect(meshtax('run', bad, '-o', join(dir, 'new', 'deeper', 'r.json'), '--charts', join(dir, 'charts')).code).toBe(2);
    expect(existsSync(join(dir, 'new'))).toBe(false);
    expect(existsSync(join(dir, 'charts'))).toBe(false);
  });

  it('-q prints nothing but errors: a file\'s warnings stay out of it', () => {
    const args = ['topologies/calibration/essay-chain.yaml', '--mesh', 'none,istio-sidecar', '--requests', '2000'];
    expect(meshtax('compare', ...args).stderr).toContain('warning[overrides-not-applied]');
    expect(meshtax('compare', ...args, '-q')).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(meshtax('run', 'topologies/scenarios/root-expiry.yaml', '--mesh', 'none', '--requests', '2000', '-q')).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('runs a bundled topology: table on stdout, exit 0', () => {
    const r = meshtax('run', 'topologies/mm1.yaml', '--duration', '200s');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Golden output for a fixed seed: any change to the model or the table shows here.
    expect(r.stdout).toMatchInlineSnapshot(`
      "mm1 — no mesh, seed 1, 200s, warm-up 50.0s; 150s measured, 32,196 events

      Latency of successful requests (± = 95 % confidence half-width)
      entry point  completed  errors  throughput            mean             p50    p90            p99  p99.9    max
      ───────────  ─────────  ──────  ──────────  ──────────────  ──────────────  ─────  ─────────────  ─────  ─────
      clients         12,053      0%      80.4/s  51.2ms ±5.90ms  35.6ms ±4.44ms  122ms  211ms ±63.2ms  268ms  315ms

      Where the time goes (critical path: mean request, and requests near p50 and p99)
      entry point          appWork  appQueue  proxyWork  proxyQueue  mtls  network  retryBackoff
      ───────────  ──────  ───────  ────────  ─────────  ──────────  ────  ───────  ────────────
      clients        mean   9.96ms    41.2ms          0           0     0        0             0
                   at p50   11.7ms    24.8ms          0           0     0        0             0
                   at p99   11.9ms     199ms          0           0     0        0             0

      Services (server side)
      service  replicas  arrivals  rejected   util  P(wait)  queue wait     p50    p99
      ───────  ────────  ────────  ────────  ─────  ───────  ──────────  ──────  ─────
      server        1×1    12,053         0  80.0%    79.8%      41.2ms  35.6ms  211ms
      "
    `);
  });

  it('writes byte-identical JSON in two separate processes; another seed differs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-'));
    const a = join(dir, 'a.json'), b = join(dir, 'b.json'), c = join(dir, 'c.json');
    expect(meshtax('run', 'topologies/bookinfo.yaml', '--duration', '20s', '-o', a, '-q').code).toBe(0);
    expect(meshtax('run', 'topologies/bookinfo.yaml', '--duration', '20s', '--json', '-o', b, '-q').code).toBe(0);
    expect(meshtax('run', 'topologies/bookinfo.yaml', '--duration', '20s', '--seed', '43', '-o', c, '-q').code).toBe(0);
    const ja = readFileSync(a, 'utf8');
    expect(readFileSync(b, 'utf8')).toBe(ja);
    expect(readFileSync(c, 'utf8')).not.toBe(ja);
    const parsed = JSON.parse(ja);
    expect(parsed.meshtax).toEqual({ version: '0.1.0', format: 1 });
    expect(parsed.settings.seed).toBe(42);
    expect(parsed.entrypoints[0].name).toBe('web');
  });

  it('a bad file exits 2 with a file:line:column diagnostic on stderr and nothing on stdout', () => {
    const r = meshtax('run', 'test/fixtures/bad-cli.yaml');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('test/fixtures/bad-cli.yaml:7:15: error[unknown-service]');
    expect(r.stderr).toContain('did you mean "payments"?');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('bad option values exit 2 before anything runs', () => {
    const r = meshtax('run', 'topologies/mm1.yaml', '--duration', '10', '--requests', 'lots');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--duration "10"');
    expect(r.stderr).toContain('--requests "lots": expected a whole number ≥ 1');
    // Two limits would stop the run at either while the header claimed one: refused, in sweeps too.
    for (const command of ['run', 'compare', 'sweep']) {
      const both = meshtax(command, 'topologies/mm1.yaml', '--requests', '1000', '--duration', '10s', '-o', join(tmpdir(), 'never.ndjson'));
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('error[bad-option]: --requests and --duration both given');
    }
    // A run of a billion requests says so before it starts (this one then stops itself, overloaded).
    const hugeDir = mkdtempSync(join(tmpdir(), 'meshtax-huge-'));
    const huge = join(hugeDir, 'huge.yaml');
    writeFileSync(huge, 'name: huge\nsimulation: {duration: 10s}\nservices:\n  s: {serviceTime: 1s}\nentrypoints:\n  w: {target: s, rate: 100000000/s}\n');
    const long = meshtax('run', huge);
    expect(long.code).toBe(2);
    expect(long.stderr).toMatch(/^note: about 1\.0e9 requests to simulate \(rate × duration\)/);
    // Counting requests, a long warm-up is what is long: it ran silently.
    const warm = meshtax('run', huge, '--requests', '10', '--warmup', '1s');
    expect(warm.code).toBe(2);
    expect(warm.stderr).toMatch(/^note: about 1\.0e8 requests to simulate \(rate × warm-up, plus the requests asked for\)[^\n]*A shorter --warmup sizes it down\.\n/);
    expect(meshtax('run', 'topologies/mm1.yaml', '--duration', '100s').stderr).toBe('');
    // Each flag's hint suggests a value that makes sense for it.
    const workers = meshtax('compare', 'topologies/mm1.yaml', '--workers', '0');
    expect(workers.code).toBe(2);
    expect(workers.stderr).toContain('hint: for example --workers 2\n');
    // A memory price's example is a memory price, not the vCPU one.
    const gb = meshtax('run', 'topologies/mm1.yaml', '--gb-hour', 'cheap');
    expect(gb.code).toBe(2);
    expect(gb.stderr).toContain('hint: for example --gb-hour 0.0056 (a GB-hour of memory)\n');
    // An empty name in a list is most often a name left out: refused, not dropped.
    for (const [command, list] of [['compare', 'none,,linkerd'], ['validate', 'linkerd,']]) {
      const gap = meshtax(command, 'topologies/mm1.yaml', '--mesh', list);
      expect(gap.code).toBe(2);
      expect(gap.stdout).toBe('');
      expect(gap.stderr).toContain(`error[bad-option]: --mesh "${list}": an empty name between commas`);
    }
    expect(meshtax('compare', 'topologies/mm1.yaml', '--mesh', ',').stderr).toContain('--mesh names nothing');
    // A tuned copy of a bundled profile that kept its name would be a second column of the same name.
    const copy = join(mkdtempSync(join(tmpdir(), 'meshtax-profile-')), 'tuned.yaml');
    writeFileSync(copy, readFileSync('topologies/meshes/istio-sidecar.yaml', 'utf8'));
    const noMesh = meshtax('run', 'topologies/mm1.yaml', '--mesh', 'none', '--mtls', 'on', '--duration', '60s');
    expect(noMesh.code).toBe(0);
    expect(noMesh.stderr).toContain('warning[no-effect]: --mtls on has no effect: with no mesh there is no mTLS');
    const same = meshtax('compare', 'topologies/mm1.yaml', '--mesh', `none,istio-sidecar,${copy}`);
    expect(same.code).toBe(2);
    expect(same.stdout).toBe('');
    expect(same.stderr).toContain(`--mesh "istio-sidecar" and ${JSON.stringify(copy)} are both named "istio-sidecar"`);
  });

  it('validate reports ok, a missing file, and --help shows examples', () => {
    expect(meshtax('validate', 'topologies/checkout.yaml')).toMatchObject({ code: 0, stdout: 'topologies/checkout.yaml: ok — 11 services, 2 entry points\n' });
    // Under other profiles: each checked, every problem shown, exit 2 if any profile fails.
    const under = meshtax('validate', 'topologies/mm1.yaml', '--mesh', 'istio-sidecar,istio-sidecars,linkerd');
    expect(under.code).toBe(2);
    expect(under.stdout).toBe('topologies/mm1.yaml: ok under istio-sidecar — 1 service, 1 entry point\ntopologies/mm1.yaml: ok under linkerd — 1 service, 1 entry point\n');
    expect(under.stderr).toContain('unknown mesh profile "istio-sidecars"');
    // A warning no profile changes is shown once, not once per profile.
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-validate-'));
    const orphan = join(dir, 'orphan.yaml');
    writeFileSync(orphan, 'name: t\nservices:\n  api: {serviceTime: 1ms}\n  lost: {serviceTime: 1ms}\nentrypoints:\n  web: {target: api, rate: 1/s}\n');
    const twice = meshtax('validate', orphan, '--mesh', 'none,linkerd');
    expect(twice.code).toBe(0);
    expect(twice.stderr.match(/warning\[unreachable-service\]/g)).toHaveLength(1);
    expect(twice.stdout.trim().split('\n')).toHaveLength(2);
    // One profile twice is refused, as compare refuses it.
    const repeated = meshtax('validate', orphan, '--mesh', 'linkerd,linkerd');
    expect(repeated.code).toBe(2);
    expect(repeated.stderr).toContain('error[bad-option]: --mesh names "linkerd" twice');
    const missing = meshtax('validate', 'nope.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml');
    const help = meshtax('run', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(meshtax('--help').stdout).toContain('$ meshtax run topologies/bookinfo.yaml');
    const none = meshtax();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: meshtax');
    const typo = meshtax('runn', 'x.yaml');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('(Did you mean run?)');
  });

  it('--csv prints one row per entry point and service', () => {
    const r = meshtax('run', 'topologies/chain5.yaml', '--requests', '2000', '--csv');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^kind,name,completed,failed/);
    expect(lines).toHaveLength(1 + 1 + 5);
    expect(lines[1]).toMatch(/^entrypoint,api,2000,0,0,/);
  });

  it('compare prints the side-by-side invoice and writes byte-identical JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-'));
    const a = join(dir, 'a.json'), b = join(dir, 'b.json');
    const r = meshtax('compare', 'topologies/bookinfo.yaml', '--duration', '15s', '--mesh', 'none,istio-sidecar,linkerd', '-o', a);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^bookinfo — istio-sidecar, linkerd against none, mTLS on, seed 42, same random numbers in every mode/);
    // One mode: its header says so, not " — against linkerd".
    expect(meshtax('compare', 'topologies/mm1.yaml', '--duration', '5s', '--warmup', '1s', '--mesh', 'linkerd').stdout).toMatch(/^mm1 — linkerd alone, mTLS on, seed /);
    expect(r.stdout).toMatch(/istio-sidecar +\d+\.\d+ms \+\d/);
    expect(r.stdout).toContain('Resource tax');
    // The control plane, apart from the proxies: none has none, the meshes their own line with the whole mesh's bill.
    expect(r.stdout).toContain('Control plane (priced apart from the proxies');
    expect(r.stdout).toMatch(/\nnone +– +– +– /);
    expect(r.stdout).toMatch(/\nistio-sidecar +\d+ +\d+ +\d+ +0\.0\d+ +0\.5\d+ +\$\d/);
    expect(r.stdout).toContain(`wrote ${a}`);
    expect(meshtax('compare', 'topologies/bookinfo.yaml', '--duration', '15s', '--mesh', 'none,istio-sidecar,linkerd', '--json', '-q', '-o', b).code).toBe(0);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    const doc = JSON.parse(readFileSync(a, 'utf8'));
    expect(doc.kind).toBe('compare');
    expect(doc.meshes).toEqual(['none', 'istio-sidecar', 'linkerd']);
    expect(doc.runs[1].resources.proxies[0].kind).toBe('sidecar');
    const res = doc.runs[1].resources;
    expect(Object.keys(res.controlPlane)).toEqual(['vcpu', 'memoryGB', 'pushes', 'proxyPushes', 'certificates', 'costPerMonth', 'priced']);
    expect(res.meshCostPerMonth).toBeCloseTo(res.proxyCostPerMonth + res.controlPlane.costPerMonth, 9);
    expect(doc.runs[0].resources.controlPlane.costPerMonth).toBe(0);
  });

  it('run --mesh, --mtls and prices change the run; bad values exit 2', () => {
    const r = meshtax('run', 'topologies/bookinfo.yaml', '--duration', '20s', '--mesh', 'istio-ambient', '--mtls', 'off', '--vcpu-hour', '0.1', '--pods', '200');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^bookinfo — mesh istio-ambient \(ambient, mTLS off\)/);
    expect(r.stdout).toMatch(/at \$0\.1\/vCPU-h/);
    expect(r.stdout).toMatch(/At 200 pods:/);
    // A path that cannot be written is the user's to fix: exit 2, not an internal error.
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-out-'));
    const unwritable = meshtax('run', 'topologies/mm1.yaml', '--duration', '60s', '-q', '-o', dir);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toBe(`error[file-unwritable]: cannot write ${JSON.stringify(dir)}: it is a directory\n  hint: name a file inside it\n\n1 error, 0 warnings\n`);
    // Checked before simulating: no table, and an hour of simulated load is not run for nothing.
    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, '');
    for (const [cmd, flag] of [['run', '--report'], ['compare', '--report'], ['compare', '-o'], ['run', '--charts']]) {
      const early = meshtax(cmd, 'topologies/mm1.yaml', '--duration', '3600s', flag, join(blocked, 'out'));
      expect(early.code).toBe(2);
      expect(early.stdout).toBe('');
      expect(early.stderr).toMatch(/^error\[file-unwritable\]: cannot write /);
    }
    // bookinfo warms up for 10 s: a 10 s run would measure nothing.
    const empty = meshtax('compare', 'topologies/bookinfo.yaml', '--duration', '10s');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("error[bad-option]: the warm-up (10s, the topology's) must be shorter than the duration (10s, given)");
    const bad = meshtax('run', 'topologies/bookinfo.yaml', '--mesh', 'istio-sidecars', '--mtls', 'maybe');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--mtls "maybe": expected on or off');
    const twice = meshtax('compare', 'topologies/bookinfo.yaml', '--mesh', 'none,linkerd,none');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('--mesh names "none" twice');
    const badMesh = meshtax('compare', 'topologies/bookinfo.yaml', '--mesh', 'none,istio-sidecars');
    expect(badMesh.code).toBe(2);
    expect(badMesh.stderr).toContain('unknown-mesh-profile');
    expect(badMesh.stderr).toContain('did you mean "istio-sidecar"?');
  });

  it('replaces -o, --report and --charts files whole (written beside them and renamed over), never rewriting them in place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-atomic-'));
    const out = join(dir, 'mm1.json'), report = join(dir, 'mm1.html'), chart = join(dir, 'charts', 'service-graph.svg');
    const first = meshtax('run', 'topologies/mm1.yaml', '--requests', '200', '-o', out, '--report', report, '--charts', join(dir, 'charts'));
    expect(first.code).toBe(0);
    // A hard link shares the file's contents while it is the same file: a write in place would change them under it.
    const kept = [out, report, chart].map((f, i) => {
      const link = join(dir, `old-${i}`);
      linkSync(f, link);
      return { link, text: readFileSync(f, 'utf8') };
    });
    const second = meshtax('run', 'topologies/mm1.yaml', '--requests', '300', '-o', out, '--report', report, '--charts', join(dir, 'charts'));
    expect(second.code).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toBe(kept[0].text);
    for (const { link, text } of kept) expect(readFileSync(link, 'utf8')).toBe(text);
    // Nothing is left beside them.
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(readdirSync(join(dir, 'charts')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('compare without --mesh also runs the topology\'s own profile when it is not one of the five (a file of the user\'s, a bundled variant)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshtax-own-'));
    const mm1 = readFileSync('topologies/mm1.yaml', 'utf8');
    writeFileSync(join(dir, 'ours.yaml'), readFileSync('topologies/meshes/linkerd.yaml', 'utf8').replace(/^name: linkerd$/m, 'name: linkerd-ours'));
    let n = 0;
    const modes = (topology: string, ...args: string[]) => {
      const file = join(dir, `t${n++}.yaml`);
      writeFileSync(file, topology);
      const r = meshtax('compare', file, '--requests', '100', '--json', '--workers', '1', ...args);
      expect(r.code, r.stderr).toBe(0);
      return { profiles: (JSON.parse(r.stdout) as { runs: Array<{ mesh: { profile: string } }> }).runs.map((x) => x.mesh.profile), stderr: r.stderr };
    };
    const own = modes(`${mm1}\nmesh: ours.yaml\n`);
    expect(own.profiles).toEqual(['none', 'istio-sidecar', 'istio-ambient', 'linkerd', 'cilium', 'linkerd-ours']);
    expect(own.stderr).toContain('note: also comparing the topology\'s own mesh profile "linkerd-ours" (its mesh:), after the 5 bundled ones; --mesh chooses the modes');
    expect(modes(`${mm1}\nmesh: istio-ambient-waypoint\n`).profiles.at(-1)).toBe('istio-ambient-waypoint');
    // One of the five: nothing added; --mesh: exactly what it lists; -q: no note.
    expect(modes(`${mm1}\nmesh: {profile: linkerd, sidecar: {workers: 4}}\n`).profiles).toEqual(['none', 'istio-sidecar', 'istio-ambient', 'linkerd', 'cilium']);
    expect(modes(`${mm1}\nmesh: ours.yaml\n`, '--mesh', 'none,linkerd').profiles).toEqual(['none', 'linkerd']);
    expect(modes(`${mm1}\nmesh: ours.yaml\n`, '-q').stderr).toBe('');
  });
});
