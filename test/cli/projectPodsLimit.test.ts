/**
 * The fleet the invoice is projected to has one limit wherever it is given:
 * costs.projectPods in a topology, --pods on run, compare and sweep, a swept
 * costs.projectPods (--set or a sweep file) and planSweep's option. Before,
 * each took anything up to 2^53 − 1: 9e15 pods, dollars in rounding noise.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';
import { loadTopologySource } from '../../sim/topology/load.js';
import { buildDefinition } from '../../sim/sweep/definition.js';
import { planSweep } from '../../sim/sweep/plan.js';
import { cli } from './inProcess.js';

const dir = mkdtempSync(join(tmpdir(), 'meshtax-pods-'));
const topology = (pods: number | string): string =>
  `name: pods\ncosts:\n  projectPods: ${pods}\nservices:\n  api: {serviceTime: 1ms}\nentrypoints:\n  web: {target: api, rate: 10/s}\n`;
const SMALL = 'test/fixtures/sweep/small.yaml';

describe('the pods the invoice is projected to', () => {
  it('in a topology: up to the limit loads, past it is refused at the value, with the range in the hint', () => {
    expect(loadTopologySource(topology(1_000_000), 'pods.yaml').topology?.costs.projectPods).toBe(1_000_000);
    const over = loadTopologySource(topology(1_000_001), 'pods.yaml');
    expect(over.topology).toBeUndefined();
    expect(formatDiagnostics(over.diagnostics)).toMatchInlineSnapshot(`
      "pods.yaml:3:16: error[out-of-range]: costs.projectPods: projectPods 1,000,001 is more pods than one mesh holds (at most 1,000,000; Kubernetes supports 150,000 in a cluster)
          3 |   projectPods: 1000001
            |                ^
        hint: projectPods is the pod count the resource invoice is projected to, from 1 to 1,000,000

      1 error, 0 warnings"
    `);
    // Past 2^53 it is this limit a reader can act on, said once, not "at most 9007199254740991".
    const huge = formatDiagnostics(loadTopologySource(topology('9000000000000000'), 'pods.yaml').diagnostics);
    expect(huge).toContain('projectPods 9.00e+15 is more pods than one mesh holds (at most 1,000,000');
    expect(huge).not.toContain('9007199254740991');
    expect(huge).toContain('1 error, 0 warnings');
    expect(formatDiagnostics(loadTopologySource(topology(0), 'pods.yaml').diagnostics)).toContain('projectPods must be an integer ≥ 1, got 0');
  });

  it('--pods on run and compare: the same limit, said as the other range options say theirs', async () => {
    const ok = await cli('run', 'topologies/mm1.yaml', '--requests', '200', '--pods', '1000000', '--json', '-q');
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out).resources.projection.pods).toBe(1_000_000);
    for (const command of ['run', 'compare']) {
      for (const pods of ['1000001', '99999999999999999999']) {
        const r = await cli(command, 'topologies/mm1.yaml', '--requests', '200', '--pods', pods);
        expect(r.code, `${command} --pods ${pods}`).toBe(2);
        expect(r.err).toContain(`--pods "${pods}": too large; expected a whole number from 1 to 1,000,000`);
        expect(r.out).toBe('');
      }
    }
    const zero = await cli('run', 'topologies/mm1.yaml', '--requests', '200', '--pods', '0');
    expect(zero.err).toContain('--pods "0": expected a whole number from 1 to 1,000,000');
  });

  it('sweep: --pods, a swept costs.projectPods (in --set and in a sweep file) and planSweep\'s option', async () => {
    const flag = await cli('sweep', SMALL, '--set', 'simulation.seed=1,2', '--pods', '1000001', '--dry-run');
    expect(flag.code).toBe(2);
    expect(flag.err).toContain('--pods "1000001": too large; expected a whole number from 1 to 1,000,000');

    const set = await cli('sweep', SMALL, '--set', 'costs.projectPods=10,2000000', '--dry-run');
    expect(set.code).toBe(2);
    expect(set.err).toContain('--set:1:22: error[out-of-range]: costs.projectPods: projectPods 2,000,000 is more pods than one mesh holds');

    const file = join(dir, 'pods-sweep.yaml');
    writeFileSync(file, 'points:\n  - {costs.projectPods: 1000}\n  - {costs.projectPods: 1000001}\n');
    const fromFile = await cli('sweep', SMALL, '--sweep', file, '--dry-run');
    expect(fromFile.code).toBe(2);
    expect(fromFile.err).toContain(`${file}:3:25: error[out-of-range]: costs.projectPods: projectPods 1,000,001 is more pods`);

    const definition = buildDefinition(['entrypoints.web.rate=50/s,100/s'], undefined, 1).definition!;
    const source = readFileSync(SMALL, 'utf8');
    const refused = planSweep(SMALL, source, definition, { costs: { projectPods: 1_000_001 } });
    expect(refused.plan).toBeUndefined();
    expect(formatDiagnostics(refused.diagnostics)).toContain('--pods 1000001: the pods to project to must be a whole number from 1 to 1,000,000');
    expect(planSweep(SMALL, source, definition, { costs: { projectPods: 1_000_000 } }).plan).toBeDefined();
  });
});
