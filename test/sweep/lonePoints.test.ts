/**
 * A sweep whose series each have one x — the mesh swept alone, or nothing
 * swept — has a 95 % interval at every point, which a band between points
 * cannot show: the page must draw it (as an error bar), and draw it in
 * headless vega without a warning. Spawns dist/: `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderChart } from '../../reports/charts/render.js';
import { sweepCharts } from '../../reports/sweep/charts.js';
import { renderSweepReport } from '../../reports/sweep/index.js';
import { sweepReportModel } from '../../reports/sweep/model.js';
import { readSweepRecords } from '../../sim/sweep/store.js';

function sweepOf(args: string[]) {
  const out = join(mkdtempSync(join(tmpdir(), 'meshtax-lone-')), 'r.ndjson');
  const r = spawnSync(process.execPath, ['dist/bin/meshtax.js', 'sweep', 'topologies/mm1.yaml', ...args, '--duration', '6s', '--warmup', '0s', '-o', out, '-q', '--workers', '1'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return readSweepRecords(out).records;
}

/** Marks the rendered SVG drew for the interval: the band's area, or an error bar's rule and ticks. */
function intervalMarks(svg: string): number {
  return (svg.match(/class="mark-(area|rule|tick)[^"]*role-mark/g) ?? []).length;
}

describe('sweep series of a single point', () => {
  for (const [what, args] of [
    ['the mesh swept alone', ['--set', 'mesh=none,linkerd']],
    ['nothing swept: one point', ['--set', 'entrypoints.clients.rate=40/s']],
  ] as const) {
    it(`${what}: every point's p99 interval is drawn, without a warning`, async () => {
      const model = sweepReportModel(sweepOf([...args]), {});
      expect(model.rows.every((r) => r.p99.lo !== null && r.p99.hi !== null && r.p99.hi > r.p99.lo)).toBe(true);
      const p99 = sweepCharts(model).find((c) => c.id === 'sweep-p99')!;
      const { svg, warnings } = await renderChart(p99.spec);
      expect(warnings).toEqual([]);
      // Before: the errorband layer had one x per series and drew nothing, so the interval was nowhere to be seen.
      expect(JSON.stringify(p99.spec)).toContain('"errorbar"');
      expect(intervalMarks(svg)).toBeGreaterThan(0);
    });
  }

  it('a sweep of one point does not say its x parameter is not numeric: it has none', () => {
    const html = renderSweepReport(sweepOf(['--set', 'entrypoints.clients.rate=40/s']));
    expect(html.includes('The x parameter is not numeric')).toBe(false);
    expect(html.includes('Nothing was swept: one point makes no curve, so no knee is marked.')).toBe(true);
    // Before: a second column headed "point" (the x of a sweep with none) repeated the first.
    const head = /<thead><tr>(.*?)<\/tr><\/thead>/.exec(html)?.[1] ?? '';
    expect(head.match(/<th>point<\/th>/g)).toHaveLength(1);
    expect(head.startsWith('<th>point</th><th>mesh</th>')).toBe(true);
  });
});
