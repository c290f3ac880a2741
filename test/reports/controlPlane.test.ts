/**
 * The control plane's lines in the invoice: the run table, compare's table,
 * the report's table and the invoice's words, next to the proxies' and
 * priced apart from them; none for a run without a mesh, for results saved
 * before the control plane was priced, and "not priced" for a profile that
 * does not price it.
 */
import { describe, expect, it } from 'vitest';
import { compareTable } from '../../reports/compareTable.js';
import { compareCsv } from '../../reports/csv.js';
import { renderHtmlReport } from '../../reports/html/document.js';
import { costRows, resourceRows, resourceTaxChart } from '../../reports/charts/resourceTax.js';
import { projectionChart, projectionRows } from '../../reports/charts/projection.js';
import { proxyTable } from '../../reports/html/tables.js';
import { buildInvoice, invoiceText } from '../../reports/invoice.js';
import { reportModel } from '../../reports/model.js';
import { runTable } from '../../reports/table.js';
import type { CompareResult } from '../../sim/compare.js';
import type { ControlPlaneTax, RunResult } from '../../sim/results/types.js';
import { fixtureCompare } from './fixture.js';

/** The fixture's comparison with control planes: istiod priced for the sidecar mode, the ambient one not priced. */
function withControlPlanes(): CompareResult {
  const c = fixtureCompare();
  const price = (run: RunResult, cp: ControlPlaneTax | null, projected: { vcpu: number; memoryGB: number; costPerMonth: number }): void => {
    const r = run.resources;
    r.controlPlane = cp ?? { vcpu: 0, memoryGB: 0, pushes: 4, proxyPushes: 12, certificates: 0, costPerMonth: 0 };
    r.meshCostPerMonth = r.proxyCostPerMonth + r.controlPlane.costPerMonth;
    r.projection.controlPlane = projected;
    r.projection.meshCostPerMonth = r.projection.proxyCostPerMonth + projected.costPerMonth;
  };
  price(c.runs[0], { vcpu: 0, memoryGB: 0, pushes: 4, proxyPushes: 0, certificates: 0, costPerMonth: 0 }, { vcpu: 0, memoryGB: 0, costPerMonth: 0 });
  price(c.runs[1], { vcpu: 0.0123, memoryGB: 0.503, pushes: 4, proxyPushes: 22, certificates: 3, costPerMonth: 2.43 }, { vcpu: 0.25, memoryGB: 1.0, costPerMonth: 11.68 });
  price(c.runs[2], null, { vcpu: 0, memoryGB: 0, costPerMonth: 0 });
  return c;
}

describe('the control plane in the invoice', () => {
  it('run prints it under the proxies, with the whole mesh\'s bill here and at N pods', () => {
    const text = runTable(withControlPlanes().runs[1]);
    expect(text).toContain('Control plane: 0.0123 vCPU and 0.503 GB ($2.43/month), for 4 pushes reaching 22 proxies, 3 certificates issued or renewed in the measured window.');
    expect(text).toMatch(/Mesh total, proxies and control plane: \$\d+\.\d\d\/month\./);
    expect(text).toMatch(/At 1,000 pods: control plane 0\.250 vCPU and 1\.00 GB, \$11\.68\/month; mesh total \$[\d,]+\/month\./);
    // The proxies' own totals are unchanged, before it.
    expect(text.indexOf('Proxy tax:')).toBeLessThan(text.indexOf('Control plane:'));
    // No mesh: no control plane line.
    expect(runTable(withControlPlanes().runs[0])).not.toContain('Control plane');
    // A profile that does not price it says so, rather than a $0 that reads as free.
    expect(runTable(withControlPlanes().runs[2])).toContain('Control plane: not priced by this profile (no controlPlane.resources); in the measured window 4 pushes reaching 12 proxies, 0 certificates issued or renewed.');
  });

  it('compare prints a table of it after the proxies\', with the mesh totals last', () => {
    const lines = compareTable(withControlPlanes()).split('\n');
    const head = lines.findIndex((l) => l.startsWith('Control plane (priced apart from the proxies'));
    expect(head).toBeGreaterThan(lines.findIndex((l) => l === 'Resource tax'));
    expect(lines[head + 1]).toMatch(/^mesh +pushes +reached +certificates +vCPU +GB +\$\/month +at 1,000 pods: vCPU +GB +\$\/month +mesh \$\/month +at 1,000 pods$/);
    expect(lines[head + 3]).toMatch(/^none( +–){9} +\$0\.00 +\$0\.00$/);
    expect(lines[head + 4]).toMatch(/^istio-sidecar +4 +22 +3 +0\.0123 +0\.503 +\$2\.43 +0\.250 +1\.00 +\$11\.68 +\$\d+\.\d\d +\$[\d,]+$/);
    expect(lines[head + 5]).toMatch(/^istio-ambient +4 +12 +0 +not priced( +–){5} +\$/);
  });

  it('the report shows its table next to the proxies\' totals, and the invoice says what it adds', () => {
    const c = withControlPlanes();
    const html = proxyTable(reportModel(c));
    expect(html).toContain('<h3>Control plane</h3>');
    expect(html).toContain('<td class="name">istio-sidecar</td><td>4</td><td>22</td><td>3</td><td>0.0123</td><td>0.503</td><td>$2.43</td>');
    expect(html).toContain('not priced by this profile (no controlPlane.resources)');
    expect(html.indexOf('<h3>Control plane</h3>')).toBeLessThan(html.indexOf('<h3>Proxy fleets</h3>'));
    const words = invoiceText(buildInvoice(reportModel(c)));
    expect(words).toContain('Its control plane adds 0.0123 vCPU and 0.503 GB ($2.43 a month, $11.68 at 1,000 pods): ');
    expect(words).toContain('Its control plane is not priced by this profile.');
    // The data plane's ranking keeps its words; the whole mesh is ranked only among meshes whose control plane is priced (one here).
    expect(words).toContain('The cheapest data plane is ');
    expect(words).not.toContain('mesh counting its control plane');
    expect(renderHtmlReport(c)).toContain('<h3>Control plane</h3>');
  });

  it('compare\'s CSV adds its columns after the proxies\', and the whole mesh last', () => {
    const [header, , sidecar] = compareCsv(withControlPlanes()).split('\n').map((l) => l.split(','));
    expect(header.slice(-7)).toEqual([
      'proxy_vcpu', 'proxy_memory_gb', 'proxy_cost_per_month', 'control_plane_vcpu', 'control_plane_memory_gb', 'control_plane_cost_per_month', 'mesh_cost_per_month',
    ]);
    expect(sidecar.slice(-4, -1)).toEqual(['0.0123', '0.503', '2.43']);
    expect(Number(sidecar.at(-1))).toBeCloseTo(Number(sidecar.at(-5)) + 2.43, 9);
    // A file from before: the columns are there, empty.
    expect(compareCsv(fixtureCompare()).split('\n')[2].split(',').slice(-4)).toEqual(['', '', '', '']);
  });

  it('compare\'s CSV leaves the control plane empty where nothing prices it, as the table\'s "not priced" and "–": not 0', () => {
    const c = withControlPlanes();
    const [, none, , ambient] = compareCsv(c).split('\n').map((l) => l.split(','));
    // The profile does not price it (Cilium's case): it wrote 0, 0, 0, a free control plane the table does not claim.
    expect(ambient.slice(0, 2)).toEqual(['web', 'istio-ambient']);
    expect(ambient.slice(-4, -1)).toEqual(['', '', '']);
    // No mesh, no control plane: as a sweep record leaves controlPlaneCostPerMonth out.
    expect(none.slice(-4, -1)).toEqual(['', '', '']);
    // The whole mesh is still its proxies' cost, as the table's "mesh $/month".
    expect(Number(ambient.at(-1))).toBe(c.runs[2].resources.proxyCostPerMonth);
    expect(Number(none.at(-1))).toBe(0);
  });

  it('results saved before the control plane was priced render as before: no control plane anywhere', () => {
    const old = fixtureCompare(); // as a file written then: no controlPlane, no meshCostPerMonth
    expect(old.runs[1].resources.controlPlane).toBeUndefined();
    expect(runTable(old.runs[1])).not.toContain('Control plane');
    expect(compareTable(old)).not.toContain('Control plane');
    expect(proxyTable(reportModel(old))).not.toContain('Control plane');
    expect(invoiceText(buildInvoice(reportModel(old)))).not.toContain('control plane');
  });
});

describe('the control plane in the resource-tax chart', () => {
  it('is a part of each panel where its profile prices it, and the cost stack sums to the whole mesh', () => {
    const model = reportModel(withControlPlanes());
    const rows = resourceRows(model).filter((r) => r.part === 'control plane');
    // Only istio-sidecar prices it: none has no control plane, istio-ambient's is not priced (no part, not a $0 one).
    expect(rows.map((r) => [r.mesh, r.vcpu, r.gb])).toEqual([['istio-sidecar', 0.0123, 0.503]]);
    const costs = costRows(model);
    for (const [i, run] of model.runs.entries()) {
      const mine = costs.filter((r) => r.mesh === model.modes[i]);
      const sum = mine.reduce((a, r) => a + r.dollars, 0);
      expect(sum, model.modes[i]).toBeCloseTo(run.resources.meshCostPerMonth ?? run.resources.proxyCostPerMonth, 3);
    }
    expect(costs.find((r) => r.mesh === 'istio-sidecar' && r.part === 'control plane')?.cost).toBe('$2.43 a month');
    const chart = resourceTaxChart(model);
    expect(chart.title).toBe('CPU, memory and cost of the proxies and the control plane');
    // Results saved before the control plane was priced: the proxies' panels, as before.
    expect(resourceTaxChart(reportModel(fixtureCompare())).title).toBe('CPU, memory and cost of the proxies');
    expect(resourceRows(reportModel(fixtureCompare())).some((r) => r.part === 'control plane')).toBe(false);
  });
});

describe('the control plane in the projection chart', () => {
  it('adds to each priced mesh\'s bars at N pods, its part in the tooltip', () => {
    const model = reportModel(withControlPlanes());
    const rows = projectionRows(model);
    const at = (mesh: string) => rows.find((r) => r.mesh === mesh)!;
    const sidecar = model.runs[1].resources.projection;
    // istio-sidecar: proxies + istiod's projected 0.25 vCPU, 1.0 GB, $11.68.
    expect(at('istio-sidecar').vcpu).toBeCloseTo(sidecar.proxyVcpu + 0.25, 3);
    expect(at('istio-sidecar').gb).toBeCloseTo(sidecar.proxyMemoryGB + 1.0, 3);
    expect(at('istio-sidecar').dollars).toBeCloseTo(sidecar.proxyCostPerMonth + 11.68, 1);
    expect(at('istio-sidecar').controlPlane).toBe('0.250 vCPU, 1.00 GB, $11.68 a month');
    // Not priced: the proxies' alone, and the tooltip says so; no mesh: nothing.
    expect(at('istio-ambient').dollars).toBeCloseTo(model.runs[2].resources.projection.proxyCostPerMonth, 1);
    expect(at('istio-ambient').controlPlane).toBe('not priced by this profile');
    expect(at('none').controlPlane).toBe('–');
    const chart = projectionChart(model);
    expect(JSON.stringify(chart.spec)).toContain('"title":"Mesh cost"');
    // Results from before the control plane was priced: the proxies' bars, as before.
    expect(JSON.stringify(projectionChart(reportModel(fixtureCompare())).spec)).toContain('"title":"Proxy cost"');
  });
});
