/**
 * The sweep report's x axis and header. A swept size written in several units (512B, 1KB, 1MB) is one quantity,
 * as durations and rates in several units are: the sweep report puts it on
 * a numeric axis in bytes, in order of size, with a knee to look for — not
 * on a categorical axis that spaces 512B and 1MB one step apart. Spawns
 * dist/: `npm run build` first.
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
  const out = join(mkdtempSync(join(tmpdir(), 'meshtax-units-')), 'r.ndjson');
  const r = spawnSync(process.execPath, ['dist/bin/meshtax.js', 'sweep', 'topologies/mm1.yaml', ...args, '--duration', '3s', '--warmup', '0s', '-o', out, '-q', '--workers', '1'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return readSweepRecords(out).records;
}

describe('sweep values of one quantity in several units', () => {
  it('sizes in B, KB and MB (and a bare whole number of bytes) are numeric, in bytes, in order of size', () => {
    const model = sweepReportModel(sweepOf(['--set', 'services.server.responseSize=1MB,512,4KB']), {});
    // Before: numeric false, unit '', the x values as written ("1MB", "512", "4KB"), and "The x parameter is not numeric".
    expect(model.x).toEqual({ key: 'services.server.responseSize', numeric: true, unit: 'B', title: 'services.server.responseSize (B)' });
    expect(model.swept[0].values).toEqual([512, '4KB', '1MB']);
    expect([...model.rows].sort((a, b) => (a.x as number) - (b.x as number)).map((r) => [r.x, r.xLabel])).toEqual([[512, '512'], [4000, '4KB'], [1e6, '1MB']]);
    expect(renderSweepReport(sweepOf(['--set', 'services.server.responseSize=1MB,512,4KB']))).not.toContain('is not numeric');
  });

  it('bandwidths in Mbps and Gbps likewise, in bytes a second', () => {
    const model = sweepReportModel(sweepOf(['--set', 'network.bandwidth=100Mbps,1Gbps']), {});
    expect(model.x.numeric).toBe(true);
    expect(model.x.unit).toBe('B/s');
    expect(model.rows.map((r) => r.x).sort((a, b) => (a as number) - (b as number))).toEqual([12.5e6, 125e6]);
  });

  it('prices written with a dollar sign (as costs.vcpuHour takes them) are numeric, in dollars, in order', () => {
    const records = sweepOf(['--set', 'costs.vcpuHour=$0.04,$0.01,$0.02']);
    const model = sweepReportModel(records, {});
    // Before: numeric false, the x values as written ("$0.01" …), and "The x parameter is not numeric".
    expect(model.x).toEqual({ key: 'costs.vcpuHour', numeric: true, unit: '$', title: 'costs.vcpuHour ($)' });
    expect(model.swept[0].values).toEqual(['$0.01', '$0.02', '$0.04']);
    expect([...model.rows].sort((a, b) => (a.x as number) - (b.x as number)).map((r) => [r.x, r.xLabel])).toEqual([[0.01, '$0.01'], [0.02, '$0.02'], [0.04, '$0.04']]);
    expect(renderSweepReport(records)).not.toContain('is not numeric');
  });
});

describe('sweep report header', () => {
  it('counts one point in the singular', () => {
    // Before: "1 of 1 runs, 1 points".
    expect(renderSweepReport(sweepOf(['--set', 'entrypoints.clients.rate=40/s']))).toMatch(/ — 1 of 1 runs, 1 point \(bands/);
  });

  it('names the CSV download after the topology, never "--sweep.csv"', () => {
    const records = sweepOf(['--set', 'entrypoints.clients.rate=40/s']);
    const download = (name: string): string | undefined => {
      for (const r of records) r.sweep = { ...r.sweep, name };
      return /<a download="([^"]*)"/.exec(renderSweepReport(records))?.[1];
    };
    expect(download('mm1')).toBe('mm1-sweep.csv');
    expect(download('naïve checkout')).toBe('na-ve-checkout-sweep.csv');
    // Before: "--sweep.csv" and ".hidden-sweep.csv".
    expect(download('決済フロー')).toBe('meshtax-sweep.csv');
    expect(download('.hidden')).toBe('hidden-sweep.csv');
  });
});

describe('sweep report charts and their words', () => {
  it('a swept count has a tick at each whole value, none between', async () => {
    const model = sweepReportModel(sweepOf(['--set', 'services.server.replicas=1,2,3']), {});
    const { svg } = await renderChart(sweepCharts(model).find((c) => c.id === 'sweep-p99')!.spec);
    // The x axis's labels are the last group of tick labels before its title.
    const before = svg.slice(0, svg.indexOf('>services.server.replicas<'));
    const xTicks = [...before.slice(before.lastIndexOf('role-axis-label')).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    // Before: 1.0, 1.2, 1.4 … 3.0 — replicas that cannot be.
    expect(xTicks).toEqual(['1', '2', '3']);
  });

  it('says a line is a mesh and a value of the other swept parameters when there are some', () => {
    const page = renderSweepReport(sweepOf(['--set', 'entrypoints.clients.rate=30/s,60/s', '--set', 'services.server.workers=1,2']));
    // Before: "One line per mesh", beside a legend of "none, services.server.workers=1" and "…=2".
    expect(page).toContain('<p class="lead">One line per mesh and value of the other swept parameters; ');
    expect(renderSweepReport(sweepOf(['--set', 'entrypoints.clients.rate=30/s,60/s']))).toContain('<p class="lead">One line per mesh; ');
  });
});
