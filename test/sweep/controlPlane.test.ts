/**
 * Sweep lines carry what the control plane costs where the profile prices
 * it, so a sweep over pods or meshes reads the whole mesh's bill, not the
 * proxies' alone; lines of no mesh, of an unpriced control plane and of
 * files written before it was priced are as they were.
 */
import { describe, expect, it } from 'vitest';
import { loadTopologyFile } from '../../sim/topology/load.js';
import { runTopology } from '../../sim/run.js';
import { summarizeRun, type SweepRecord } from '../../sim/sweep/record.js';
import { recordProblem } from '../../sim/sweep/record.js';
import { summaryProblem } from '../../sim/sweep/store.js';
import { sweepReportModel } from '../../reports/sweep/model.js';
import { sweepModelCsv } from '../../reports/sweep/csv.js';

const FILE = 'test/fixtures/sweep/small.yaml';
const summary = (mesh: string) => summarizeRun(runTopology(loadTopologyFile(FILE, { mesh }).topology!, { duration: 4 }));

function record(run: number, mesh: string): SweepRecord {
  return {
    sweep: { id: 'cp0000000000test', name: 'sweep-small', topologyHash: 'f3b92d174eba', definitionHash: 'b18fb716ffb0', meshtax: '0.1.0', runs: 3, repeat: 1 },
    run, point: run, repeat: 0, params: { mesh }, seed: 1 + run, summary: summary(mesh),
  } as SweepRecord;
}

describe('the control plane in sweep lines', () => {
  it('is its cost a month where the profile prices it, and the report adds it to the proxies\'', () => {
    const records = [record(0, 'none'), record(1, 'istio-sidecar'), record(2, 'cilium')];
    const [none, istio, cilium] = records.map((r) => r.summary!.resources);
    expect(none.controlPlaneCostPerMonth).toBeUndefined();
    expect(cilium.controlPlaneCostPerMonth).toBeUndefined();
    // istiod: 500 MB + 450 KB × 3 sidecars + 50 KB × 2 endpoints, 0.008 vCPU idle, no pushes: ~$2.3 a month at the default prices.
    expect(istio.controlPlaneCostPerMonth).toBeGreaterThan(2);
    expect(istio.controlPlaneCostPerMonth).toBeLessThan(3);
    for (const r of records) {
      expect(recordProblem(JSON.parse(JSON.stringify(r)))).toBeUndefined();
      expect(summaryProblem(JSON.parse(JSON.stringify(r.summary)))).toBeUndefined();
    }
    const model = sweepReportModel(records);
    const row = (mesh: string) => model.rows.find((r) => r.mesh === mesh)!;
    expect(row('istio-sidecar').meshCostPerMonth.value).toBeCloseTo(istio.proxyCostPerMonth + istio.controlPlaneCostPerMonth!, 9);
    expect(row('cilium').meshCostPerMonth.value).toBe(cilium.proxyCostPerMonth);
    expect(row('none').meshCostPerMonth.value).toBe(0);
    const csv = sweepModelCsv(model).split('\n');
    const col = csv[0].split(',').indexOf('mesh_cost_per_month');
    expect(col).toBeGreaterThan(csv[0].split(',').indexOf('proxy_cost_per_month'));
    expect(Number(csv.find((l) => l.includes('istio-sidecar'))!.split(',')[col])).toBeCloseTo(row('istio-sidecar').meshCostPerMonth.value!, 6);
  }, 60_000);

  it('is checked as the other resources are when read back', () => {
    const r = JSON.parse(JSON.stringify(record(1, 'istio-sidecar')));
    r.summary.resources.controlPlaneCostPerMonth = -1;
    expect(summaryProblem(r.summary)).toMatch(/resources\.controlPlaneCostPerMonth/);
    r.summary.resources.controlPlaneCostPerMonth = 'x';
    expect(summaryProblem(r.summary)).toMatch(/resources\.controlPlaneCostPerMonth/);
  }, 60_000);
});
