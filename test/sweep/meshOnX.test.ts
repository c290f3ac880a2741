/**
 * A sweep report with the mesh on the x axis (`--x mesh`): each line crosses
 * the meshes, one per value of the other swept parameters. Spawns dist/:
 * `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seriesScale, sweepCharts } from '../../reports/sweep/charts.js';
import { renderSweepReport } from '../../reports/sweep/index.js';
import { sweepReportModel } from '../../reports/sweep/model.js';
import { readSweepRecords } from '../../sim/sweep/store.js';

function sweepOf(args: string[]) {
  const out = join(mkdtempSync(join(tmpdir(), 'meshtax-meshx-')), 'r.ndjson');
  const r = spawnSync(process.execPath, ['dist/bin/meshtax.js', 'sweep', 'topologies/mm1.yaml', ...args, '--duration', '4s', '--warmup', '0s', '-o', out, '-q', '--workers', '1'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return readSweepRecords(out).records;
}

describe('a sweep report with the mesh on the x axis', () => {
  it('draws a line per value of the other parameters across the meshes, not a lone point per mesh and value', () => {
    const records = sweepOf(['--set', 'mesh=none,linkerd', '--set', 'entrypoints.clients.rate=40/s,60/s']);
    const model = sweepReportModel(records, { x: 'mesh' });
    // Before: "none, entrypoints.clients.rate=40/s", "linkerd, entrypoints.clients.rate=40/s", …: four series of one
    // point each, coloured apart, so no line joined two meshes at one load and the legend was titled "mesh".
    expect(model.series).toEqual(['entrypoints.clients.rate=40/s', 'entrypoints.clients.rate=60/s']);
    for (const s of model.series) expect(model.rows.filter((r) => r.series === s).map((r) => r.x).sort()).toEqual(['linkerd', 'none']);
    // Neither series is the baseline's grey: each crosses both meshes.
    expect(new Set(seriesScale(model).range).size).toBe(2);
    const p99 = JSON.stringify(sweepCharts(model).find((c) => c.id === 'sweep-p99')!.spec);
    expect(p99).toContain('"title":"series"');
    expect(p99).not.toContain('"title":"mesh","scale"');
    const html = renderSweepReport(records, { x: 'mesh' });
    expect(html).toContain('One line per value of the other swept parameters, across the meshes');
    expect(html).not.toContain('One line per mesh;');
    // The table's x column is the mesh; the next one holds the series, not a second "mesh" (before: two
    // columns headed mesh, the second reading "entrypoints.clients.rate=40/s").
    expect(html).toContain('<thead><tr><th>point</th><th>mesh</th><th>series</th><th>repeats</th>');
    expect(renderSweepReport(records, {})).toContain('<thead><tr><th>point</th><th>entrypoints.clients.rate (/s)</th><th>mesh</th><th>repeats</th>');
    // The mesh swept alone keeps a series per mesh (a point each, in the meshes' colours).
    expect(sweepReportModel(sweepOf(['--set', 'mesh=none,linkerd']), { x: 'mesh' }).series).toEqual(['none', 'linkerd']);
    // The default x (the rate) still draws a line per mesh.
    expect(sweepReportModel(records, {}).series).toEqual(['none', 'linkerd']);
  });

  it('names a series once when the mesh is swept by its long path, mesh.profile', () => {
    const records = sweepOf(['--set', 'mesh.profile=none,linkerd', '--set', 'entrypoints.clients.rate=40/s,60/s']);
    // Before: "none, mesh.profile=none" and "linkerd, mesh.profile=linkerd", in the legend, the header and every row.
    expect(sweepReportModel(records, {}).series).toEqual(['none', 'linkerd']);
    expect(renderSweepReport(records, {})).not.toContain('mesh.profile=');
    // On the x axis it crosses the meshes as mesh does.
    expect(sweepReportModel(records, { x: 'mesh.profile' }).series).toEqual(['entrypoints.clients.rate=40/s', 'entrypoints.clients.rate=60/s']);
  });
});
