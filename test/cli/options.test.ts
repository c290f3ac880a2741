/**
 * Option handling found wanting by a review: each case passed, or said the
 * wrong thing, before. In process (runCli with captured output), but for
 * `help`, which commander prints itself.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './inProcess.js';

const dir = mkdtempSync(join(tmpdir(), 'meshtax-options-'));

describe('command-line options', () => {
  it('refuses a duration below a nanosecond, as the file does, rather than run nothing', async () => {
    const r = await cli('run', 'topologies/mm1.yaml', '--duration', '0.5ns');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--duration "0.5ns": ');
    expect(r.out).toBe('');
  });

  it('refuses a price the file would refuse, and says a number too large is too large', async () => {
    const price = await cli('run', 'topologies/mm1.yaml', '--requests', '200', '--vcpu-hour', '99999999');
    expect(price.code).toBe(2);
    expect(price.err).toContain('--vcpu-hour "99999999": expected a price in dollars, a number from 0 to 1000000');
    const big = await cli('run', 'topologies/mm1.yaml', '--requests', '99999999999999999999');
    expect(big.err).toContain('--requests "99999999999999999999": too large (at most 9007199254740991)');
  });

  it('refuses seeds past 2^53, where replications would share one seed', async () => {
    const r = await cli('run', 'topologies/mm1.yaml', '--requests', '200', '--seed', '9007199254740991', '--replications', '3');
    expect(r.code).toBe(2);
    expect(r.err).toContain('the last seed would be past 9007199254740991 (2^53 − 1), where seeds are no longer distinct');
    expect(r.err).toContain('with 3 replications the seed can be at most 9007199254740989');
  });

  it('refuses the last seed past 2^53 − 1 even when seed + N − 1 rounds back under it', async () => {
    // 9007199254740991 + 2 − 1 is 9007199254740991 in doubles: the second replication's seed, 2^53, passed.
    const r = await cli('run', 'topologies/mm1.yaml', '--requests', '200', '--seed', '9007199254740991', '--replications', '2');
    expect(r.code).toBe(2);
    expect(r.err).toContain('with 2 replications the seed can be at most 9007199254740990');
    const edge = await cli('run', 'topologies/mm1.yaml', '--requests', '200', '--seed', '9007199254740990', '--replications', '2', '-q');
    expect(edge.code).toBe(0);
  });

  it('refuses "-" as an output file, for every command that writes one', async () => {
    const results = join(dir, 'a.ndjson');
    writeFileSync(results, '');
    for (const argv of [
      ['run', 'topologies/mm1.yaml', '--requests', '200', '-o', '-'],
      ['compare', 'topologies/mm1.yaml', '--requests', '200', '--report', '-'],
      ['merge', results, '-o', '-'],
      ['sweep-report', results, '--csv', '-'],
    ]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/takes a file name; "-" would be a file called "-", not standard output/);
    }
    expect(existsSync('-')).toBe(false);
  });

  it('compare shows the problems of every bad profile at once, as validate does', async () => {
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '{}\n');
    const r = await cli('compare', 'topologies/mm1.yaml', '--requests', '200', '--mesh', `none,istoi-sidecar,${empty}`);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown mesh profile "istoi-sidecar"');
    expect(r.err).toContain(`${empty}:1:1: error[missing-key]`);
    expect(r.out).toBe('');
  });

  it('a profile without mode says the key is missing, with a hint', async () => {
    const p = join(dir, 'nomode.yaml');
    writeFileSync(p, 'name: x\ndescription: y\ncontrolPlane: {pushDelay: 1s}\nresilience: {}\n');
    const r = await cli('validate', 'topologies/mm1.yaml', '--mesh', p);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error\[missing-key\]: [^\n]*"mode"/);
  });

  it('compare gathers every mode\'s problems into one list with one count', async () => {
    const r = await cli('compare', 'topologies/mm1.yaml', '--mesh', 'none,nosuch,bad2');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown mesh profile "nosuch"');
    expect(r.err).toContain('unknown mesh profile "bad2"');
    expect(r.err.match(/\d+ errors?, \d+ warnings?/g)).toEqual(['2 errors, 0 warnings']);
  });

  it('validate refuses what compare would: one profile named twice however spelled, two profiles of one name', async () => {
    const same = await cli('validate', 'topologies/mm1.yaml', '--mesh', 'linkerd,topologies/meshes/linkerd.yaml');
    expect(same.code).toBe(2);
    expect(same.err).toContain('--mesh names one profile twice: "linkerd" and "topologies/meshes/linkerd.yaml"');
    const copy = join(dir, 'linkerd-copy.yaml');
    writeFileSync(copy, (await import('node:fs')).readFileSync('topologies/meshes/linkerd.yaml', 'utf8'));
    const alike = await cli('validate', 'topologies/mm1.yaml', '--mesh', `linkerd,${copy}`);
    expect(alike.code).toBe(2);
    expect(alike.err).toContain(`--mesh "linkerd" and ${JSON.stringify(copy)} are both named "linkerd": the results could not tell them apart`);
    expect(alike.err).toContain('give the profile file its own name (for example name: linkerd-tuned)');
    // By path, the profile it names is shown beside its name.
    const ok = await cli('validate', 'topologies/mm1.yaml', '--mesh', `none,${copy}`);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`ok under linkerd (${copy})`);
  });

  it('says which kind of file it got when a topology and a profile are swapped, and where a list of profiles goes', async () => {
    const profile = await cli('validate', 'topologies/meshes/linkerd.yaml');
    expect(profile.code).toBe(2);
    expect(profile.err).toContain('error[wrong-kind-of-file]: this is a mesh profile (it has mode and no services), not a topology');
    expect(profile.err).toContain('hint: run a topology under it: meshtax run TOPOLOGY.yaml --mesh topologies/meshes/linkerd.yaml');
    // The way to check a profile on its own, and where a topology's mesh: path starts from (not the current directory).
    expect(profile.err).toContain("or check it with meshtax validate TOPOLOGY.yaml --mesh topologies/meshes/linkerd.yaml (in the topology's own mesh:, a path is relative to the topology's directory)");
    expect(profile.err).toContain('1 error, 0 warnings');
    const topology = await cli('validate', 'topologies/mm1.yaml', '--mesh', 'topologies/bookinfo.yaml');
    expect(topology.err).toContain('topologies/bookinfo.yaml:9:1: error[wrong-kind-of-file]: this is a topology');
    expect(topology.err).toContain('1 error, 0 warnings');
    const list = await cli('run', 'topologies/mm1.yaml', '--mesh', 'none,linkerd');
    expect(list.err).toContain('use compare: meshtax compare FILE --mesh none,linkerd');
    // A path in capitals is a path all the same.
    const upper = join(dir, 'L.YAML');
    writeFileSync(upper, (await import('node:fs')).readFileSync('topologies/meshes/linkerd.yaml', 'utf8'));
    expect((await cli('validate', 'topologies/mm1.yaml', '--mesh', upper)).code).toBe(0);
    // Results of run or compare, and a sweep file, given as the topology: named, not a list of keys a topology lacks.
    const results = join(dir, 'r.json');
    expect((await cli('run', 'topologies/mm1.yaml', '--requests', '100', '-o', results, '-q')).code).toBe(0);
    const asTopology = await cli('run', results);
    expect(asTopology.code).toBe(2);
    expect(asTopology.err).toContain(`${results}:1:1: error[wrong-kind-of-file]: this is a results file written by meshtax run or compare`);
    expect(asTopology.err).toContain(`hint: render it with meshtax report ${results}`);
    expect(asTopology.err).toContain('1 error, 0 warnings');
    const sweepFile = join(dir, 'sweep.yaml');
    writeFileSync(sweepFile, 'grid:\n  mesh: [none, linkerd]\nrepeat: 2\n');
    const sweepAsTopology = await cli('validate', sweepFile);
    expect(sweepAsTopology.err).toContain('error[wrong-kind-of-file]: this is a sweep file (it has grid or points and no services), not a topology');
    expect(sweepAsTopology.err).toContain(`meshtax sweep TOPOLOGY.yaml --sweep ${sweepFile}`);
  });

  it('compare shows a warning no profile changes once, not once per mode', async () => {
    const f = join(dir, 'unreached.yaml');
    writeFileSync(f, 'name: w\nsimulation: {duration: 2s}\nservices:\n  a: {serviceTime: 1ms}\n  b: {serviceTime: 1ms}\nentrypoints: {web: {target: a, rate: 10/s}}\n');
    const r = await cli('compare', f, '--requests', '100', '-q');
    expect(r.code).toBe(0);
    const loud = await cli('compare', f, '--requests', '100', '--mesh', 'none,linkerd,cilium', '-o', join(dir, 'w.json'));
    expect(loud.err.match(/warning\[unreachable-service\]/g)).toHaveLength(1);
  });

  it('`meshtax help run` succeeds, as `meshtax run --help` does', () => {
    const r = spawnSync(process.execPath, ['dist/bin/meshtax.js', 'help', 'run'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: meshtax run');
    const none = spawnSync(process.execPath, ['dist/bin/meshtax.js'], { encoding: 'utf8' });
    expect(none.status).toBe(2);
  });

  it('refuses --mesh given twice rather than keep the last without a word', async () => {
    // Before: `compare --mesh none --mesh linkerd` ran linkerd alone, with nothing to compare it to, and exit 0.
    const compare = await cli('compare', 'topologies/mm1.yaml', '--requests', '100', '--mesh', 'none', '--mesh', 'linkerd');
    expect(compare.code).toBe(2);
    expect(compare.out).toBe('');
    expect(compare.err).toContain('error[bad-option]: --mesh is given twice ("none", "linkerd"): only the last would count\n  hint: list every profile in one --mesh, separated by commas: --mesh none,linkerd\n');
    const validate = await cli('validate', 'topologies/mm1.yaml', '--mesh', 'none', '--mesh', 'linkerd,cilium', '--mesh', 'cilium');
    expect(validate.code).toBe(2);
    expect(validate.out).toBe('');
    expect(validate.err).toContain('--mesh is given 3 times ("none", "linkerd,cilium", "cilium")');
    const run = await cli('run', 'topologies/mm1.yaml', '--requests', '100', '--mesh', 'none', '--mesh', 'linkerd');
    expect(run.code).toBe(2);
    expect(run.err).toContain('hint: run takes one profile; to run several side by side: meshtax compare topologies/mm1.yaml --mesh none,linkerd\n');
    // Once, as ever, is fine; and compare without --mesh still runs its default list.
    expect((await cli('validate', 'topologies/mm1.yaml', '--mesh', 'none,linkerd', '-q')).code).toBe(0);
  });
});
