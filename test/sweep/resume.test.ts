/**
 * What a --resume refused for another sweep's results says changed. The
 * topology hash covers the profile files the points use, which the grid
 * chooses: a changed `--set mesh=…` list changed that hash too, with the
 * topology file untouched, and the refusal blamed the file.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';
import { DiagnosticError } from '../../sim/diagnostics/types.js';
import { buildDefinition } from '../../sim/sweep/definition.js';
import { planSweep, runAt } from '../../sim/sweep/plan.js';
import { checkSweepOutput } from '../../sim/sweep/engine.js';
import { RunExecutor, runContext, runTask } from '../../sim/sweep/execute.js';

const FILE = 'test/fixtures/sweep/small.yaml';

function plan(sets: string[], source = readFileSync(FILE, 'utf8')) {
  const built = buildDefinition(sets, undefined, undefined);
  if (!built.definition) throw new Error(formatDiagnostics(built.diagnostics));
  const r = planSweep(FILE, source, built.definition, { duration: 3 });
  if (!r.plan) throw new Error(formatDiagnostics(r.diagnostics));
  return r.plan;
}

function refusal(p: ReturnType<typeof plan>, output: string): string {
  try {
    checkSweepOutput(p, { output, resume: true });
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostics.map((d) => d.message).join('\n');
    throw e;
  }
  return 'accepted';
}

describe('resuming the results of another sweep', () => {
  const first = plan(['mesh=none,linkerd']);
  const output = join(mkdtempSync(join(tmpdir(), 'meshtax-resume-')), 'results.ndjson');
  writeFileSync(output, new RunExecutor(runContext(first)).execute(runTask(first, runAt(first, 0))));

  it('names the definition, not the topology, when only the mesh list changed', () => {
    const message = refusal(plan(['mesh=none,cilium']), output);
    expect(message).toContain('the sweep definition');
    expect(message).not.toContain('the topology');
  });

  it('still names the topology when only the file changed', () => {
    const edited = readFileSync(FILE, 'utf8').replace('mean: 8ms', 'mean: 9ms');
    expect(refusal(plan(['mesh=none,linkerd'], edited), output)).toContain('the topology "sweep-small" changed');
    expect(refusal(first, output)).toBe('accepted');
  });
});
